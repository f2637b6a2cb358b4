"""Finding ICD-10 codes by code or by words, the puskesmas's own most-used codes first."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import peewee as pw

from kupang_desk import clock
from kupang_desk.i18n import _
from kupang_desk.models import Icd10, Visit, VisitDiagnosis
from kupang_desk.validators import typed

_CODE = re.compile(r"^([A-Za-z])(\d{1,2})(?:\.?(\d{0,2}))?$")


@dataclass(frozen=True)
class Code:
    code: str
    title: str  # Indonesian where known, else WHO English
    title_en: str
    in_english: bool = False  # no Indonesian title is shipped for this code: ``title`` is WHO's English

    def label(self) -> str:
        return f"{self.code} {self.title}"


def _code(row: Icd10) -> Code:
    return Code(row.code, row.title_id or row.title, row.title, in_english=not row.title_id)


def normalize_code(text: str) -> str | None:
    """``j069`` or ``J06.9`` or ``j06`` to the stored form (``J06.9``, ``J06``); None if not code-like."""
    match = _CODE.match(text.strip())
    if not match:
        return None
    letter, number, sub = match.groups()
    base = f"{letter.upper()}{number.zfill(2) if len(number) == 2 else number}"
    if len(number) < 2:
        return base
    return f"{base}.{sub}" if sub else base


def get(code: str) -> Code | None:
    row = Icd10.get_or_none(Icd10.code == code)
    return _code(row) if row else None


def search_icd10(text: str, *, limit: int = 30, favourites: list[str] | None = None) -> list[Code]:
    """Codes whose code starts with ``text`` or whose titles hold every word of it."""
    text = typed(text)
    if not text:
        return [c for c in (get(code) for code in (favourites or [])[:limit]) if c]
    code = normalize_code(text)
    query = Icd10.select()
    if code:
        query = query.where((Icd10.code >= code) & (Icd10.code < code + "\uffff")).order_by(Icd10.code)
    else:
        for word in text.lower().split():
            pattern = f"%{word}%"  # ** is a case-insensitive LIKE on both databases
            query = query.where((Icd10.title ** pattern) | (Icd10.title_id ** pattern))
        query = query.order_by(Icd10.code)
    rows = [_code(row) for row in query.limit(500)]
    rank = {c: i for i, c in enumerate(favourites or [])}
    # Codes this puskesmas uses most come first; for words, then those with an Indonesian title.
    if code:
        rows.sort(key=lambda c: (rank.get(c.code, len(rank)), c.code))
    else:
        rows.sort(key=lambda c: (rank.get(c.code, len(rank)), c.in_english, c.code))
    return rows[:limit]


def most_used(limit: int = 20, *, days: int = 90, today: dt.date | None = None) -> list[str]:
    """The codes diagnosed most in the last ``days`` days, most first."""
    today = today or clock.today()
    since = dt.datetime.combine(today - dt.timedelta(days=days), dt.time())
    count = pw.fn.COUNT(VisitDiagnosis.id)
    query = (VisitDiagnosis.select(VisitDiagnosis.icd10, count.alias("n"))
             .join(Visit).where((Visit.visit_at >= since) & Visit.deleted_at.is_null())
             .group_by(VisitDiagnosis.icd10).order_by(count.desc(), VisitDiagnosis.icd10).limit(limit))
    return [row[0] for row in query.tuples()]


# Codes that belong to one sex (ICD-10's own chapters and blocks), and the perinatal chapter.
_FEMALE_ONLY = (("O00", "O99"), ("C51", "C58"), ("N70", "N98"), ("Z32", "Z37"), ("Z39", "Z39"), ("D06", "D06"))
_MALE_ONLY = (("C60", "C63"), ("N40", "N51"))
PERINATAL_DAYS = 28


def _in(code: str, blocks: tuple[tuple[str, str], ...]) -> bool:
    stem = code[:3]
    return any(low <= stem <= high for low, high in blocks)


def doubts(codes: list[str], sex: str, birth_date: dt.date, on: dt.date) -> list[str]:
    """Diagnoses that do not fit the patient, each in words: a pregnancy or a woman's organ for a
    man (and back), a pregnancy before 10 or after 55, a perinatal (P) code past the first 28 days.
    Not refusals (the record may be right): the form asks before it saves."""
    found = []
    days = (on - birth_date).days
    years = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    for code in codes:
        known = get(code)
        label = known.label() if known else code
        if sex == "L" and _in(code, _FEMALE_ONLY):
            found.append(_("{code} untuk pasien laki-laki.").format(code=label))
        elif sex == "P" and _in(code, _MALE_ONLY):
            found.append(_("{code} untuk pasien perempuan.").format(code=label))
        elif code.startswith("O") and not 10 <= years <= 55:
            found.append(_("{code} (kehamilan) untuk pasien berumur {years} tahun.").format(code=label, years=years))
        elif code.startswith("P") and days > PERINATAL_DAYS:
            found.append(_("{code} (masa perinatal) untuk pasien berumur {age}: kode P untuk keadaan yang bermula di "
                           "28 hari pertama.").format(code=label, age=_("{n} hari").format(n=days) if days < 365 else
                                                       _("{n} tahun").format(n=years)))
    return found
