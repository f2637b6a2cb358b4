"""The school Beranda: this year's recipients by programme and status, the money granted, paid and
still to pay, the activation deadlines of the next 14 days, and the students marked eligible but
never proposed (those with KIP, KKS or PKH first, as the social-protection programmes ask)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kupang_desk import clock
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.models import Award, CkgResult, ScholarshipProgramme, Student
from kupang_desk.scholarships.awards import (
    AwardRow,
    Totals,
    award_rows,
    deadline_warnings,
    social_flags,
)


@dataclass(frozen=True)
class ProgrammeFigures:
    id: int
    name: str
    by_status: dict[str, int]  # awards per status (the cancelled too)
    totals: Totals


@dataclass(frozen=True)
class Candidate:
    """A student the school marked Layak PIP, in no award of this year's programmes."""

    id: int
    nisn: str
    name: str
    class_group: str
    flags: tuple[str, ...]  # "KIP", "KKS", "PKH"


@dataclass
class SchoolHome:
    today: dt.date
    programmes: list[ProgrammeFigures] = field(default_factory=list)
    deadlines: list[tuple[AwardRow, int]] = field(default_factory=list)  # (row, days left)
    candidates: list[Candidate] = field(default_factory=list)
    ckg: tuple[int, int, int] = (0, 0, 0)  # active students, screened (CKG), follow-up still open

    @property
    def totals(self) -> Totals:
        return Totals(*(sum(getattr(p.totals, name) for p in self.programmes)
                        for name in ("recipients", "amount", "paid", "outstanding")))


def school_home(today: dt.date | None = None, *, within_days: int = 14, user: SignedIn | None = None) -> SchoolHome:
    require("student.read", user)
    today = today or clock.today()
    home = SchoolHome(today)
    current = list(ScholarshipProgramme.select().where(ScholarshipProgramme.active & (ScholarshipProgramme.year == today.year))
                   .order_by(ScholarshipProgramme.name))
    for programme in current:
        rows = award_rows(programme)
        by_status: dict[str, int] = {}
        for row in rows:
            by_status[row.status] = by_status.get(row.status, 0) + 1
        home.programmes.append(ProgrammeFigures(programme.id, programme.name, by_status, Totals.of(rows)))
    home.deadlines = [(row, days) for row, days in deadline_warnings(today=today, within_days=within_days) if days >= 0]
    proposed = {sid for (sid,) in Award.select(Award.student).where(Award.programme.in_([p.id for p in current])).tuples()}
    students = Student.select().where(Student.pip_eligible & (Student.status == "aktif")).order_by(Student.grade, Student.name)
    home.candidates = sorted((Candidate(s.id, s.nisn or "", s.name, s.class_group, social_flags(s))
                              for s in students if s.id not in proposed), key=lambda c: (not c.flags, c.class_group, c.name))
    active = Student.select().where(Student.status == "aktif")
    results = CkgResult.select().join(Student).where(Student.status == "aktif")
    home.ckg = (active.count(), results.where(CkgResult.screened_on.is_null(False)).count(),
                results.where(CkgResult.follow_up & CkgResult.referral_done.is_null()).count())
    return home
