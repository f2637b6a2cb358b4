"""How far the CKG at school has come, per school: counts only, light enough for the Beranda."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.models import CkgStudent


@dataclass(frozen=True)
class Coverage:
    school_code: str
    school_name: str
    kelurahan: str  # the school's kelurahan code, "" when its profile names none
    enrolled: int
    screened: int
    referred: int
    referral_done: int

    @property
    def percent(self) -> float:
        return 100 * self.screened / self.enrolled if self.enrolled else 0.0


def coverage(until: dt.date | None = None, *, user: SignedIn | None = None) -> list[Coverage]:
    """Per school: on the roster, screened, referred, referrals seen to (up to ``until``); one GROUP BY."""
    require("patient.read", user)
    screened: pw.Node = CkgStudent.screened_on
    referred: pw.Node = pw.Case(None, [(CkgStudent.referral_place != "", 1)], 0)
    done: pw.Node = CkgStudent.referral_done
    if until is not None:  # what was known on that day
        screened = pw.Case(None, [(CkgStudent.screened_on <= until, CkgStudent.screened_on)], None)
        referred = pw.Case(None, [((CkgStudent.referral_place != "") & (CkgStudent.screened_on <= until), 1)], 0)
        done = pw.Case(None, [(CkgStudent.referral_done <= until, CkgStudent.referral_done)], None)
    query = (CkgStudent.select(CkgStudent.school_code, pw.fn.MAX(CkgStudent.school_name),
                               pw.fn.MAX(CkgStudent.school_kelurahan), pw.fn.COUNT(CkgStudent.id),
                               pw.fn.COUNT(screened), pw.fn.SUM(referred), pw.fn.COUNT(done))
             .group_by(CkgStudent.school_code).order_by(pw.fn.MAX(CkgStudent.school_name)))
    if until is not None:  # rosters that came after the day are not counted yet
        query = query.where(CkgStudent.roster_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    return [Coverage(code, name, area or "", int(total), int(seen), int(sent or 0), int(finished))
            for code, name, area, total, seen, sent, finished in query.tuples()]
