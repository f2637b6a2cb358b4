"""The counts the database keeps beside the visits (``models.totals``): checked against the raw
visits and made again on request (``kupang-desk totals check|rebuild``)."""

from __future__ import annotations

import peewee as pw

from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.models import DiagnosisDay, Visit, VisitDiagnosis, db, totals, writing


def differences(*, limit: int = 20, user: SignedIn | None = None) -> list[tuple[str, str, int, int]]:
    """Days and codes whose kept new cases differ from the raw visits: (day, code, kept, raw)."""
    require("report.make", user)
    day = pw.fn.DATE(Visit.visit_at) if isinstance(db.obj, pw.PostgresqlDatabase) else pw.fn.SUBSTR(Visit.visit_at, 1, 10)
    raw = {(str(d)[:10], code): n for d, code, n in
           VisitDiagnosis.select(day, VisitDiagnosis.icd10, pw.fn.COUNT(VisitDiagnosis.id)).join(Visit)
           .where(VisitDiagnosis.is_new_case & Visit.deleted_at.is_null()).group_by(day, VisitDiagnosis.icd10).tuples()}
    kept = {(str(r.day)[:10], r.icd10_code): r.new_cases for r in DiagnosisDay.select() if r.new_cases}
    found = [(d, code, kept.get((d, code), 0), raw.get((d, code), 0)) for d, code in sorted(set(raw) | set(kept))
             if kept.get((d, code), 0) != raw.get((d, code), 0)]
    return found[:limit]


def rebuild(*, user: SignedIn | None = None) -> int:
    """Makes the kept counts again from the visits, in one transaction; returns the rows."""
    require("report.make", user)
    with writing():
        return totals.rebuild(db.obj)
