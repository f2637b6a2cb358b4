"""Counts for the main window's overview: plain data, no Qt."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kupang_desk import clock
from kupang_desk.models import Award, Institution, Patient, PaymentType, Poli, Student, Visit


@dataclass(frozen=True)
class Summary:
    patients: int
    visits: int
    visits_this_month: int
    students: int
    awards: int
    poli: int
    payment_types: int


def institution() -> Institution | None:
    """The institution profile, or ``None`` before set-up."""
    return Institution.select().first()


def database_summary(today: dt.date | None = None) -> Summary:
    today = today or clock.today()
    month_start = dt.datetime(today.year, today.month, 1)
    next_month = dt.datetime(today.year + today.month // 12, today.month % 12 + 1, 1)
    return Summary(
        patients=Patient.select().where(Patient.deleted_at.is_null() & Patient.merged_into.is_null()).count(),
        visits=Visit.select().where(Visit.deleted_at.is_null()).count(),
        visits_this_month=Visit.select().where(
            Visit.deleted_at.is_null() & (Visit.visit_at >= month_start) & (Visit.visit_at < next_month)).count(),
        students=Student.select().count(),
        awards=Award.select().count(),
        poli=Poli.select().where(Poli.active).count(),
        payment_types=PaymentType.select().where(PaymentType.active).count(),
    )
