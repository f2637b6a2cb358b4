"""An independent, plain-Python count of what the reports count in SQL, for the tests."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from kupang_desk.settings import DEFAULT_AGE_BANDS


@dataclass
class Record:
    birth: dt.date
    sex: str
    visit_at: dt.datetime
    diagnoses: list[tuple[str, bool]] = field(default_factory=list)  # (code, new case)
    is_new_visit: bool = True


def completed_years(birth: dt.date, day: dt.date) -> int:
    """Counted the slow way: the last birthday that has passed (29 February: 1 March)."""
    years = 0
    while True:
        year = birth.year + years + 1
        try:
            birthday = birth.replace(year=year)
        except ValueError:  # 29 February in a common year
            birthday = dt.date(year, 3, 1)
        if birthday > day:
            return years
        years += 1


def band_of(birth: dt.date, day: dt.date) -> int:
    days, years = (day - birth).days, completed_years(birth, day)
    for index, band in enumerate(DEFAULT_AGE_BANDS):
        low, high = band["years"]
        if years < low or (high is not None and years > high):
            continue
        if "days" in band:
            low_d, high_d = band["days"]
            if days < low_d or (high_d is not None and days > high_d):
                continue
        return index
    return -1


def in_period(record: Record, start: dt.date, end: dt.date) -> bool:
    return start <= record.visit_at.date() <= end


def lb1(records: list[Record], start: dt.date, end: dt.date) -> dict[str, Counter]:
    """code -> Counter of (band, sex, new) for every diagnosis in the period."""
    result: dict[str, Counter] = {}
    for record in records:
        if not in_period(record, start, end):
            continue
        band = band_of(record.birth, record.visit_at.date())
        for code, new in record.diagnoses:
            result.setdefault(code, Counter())[(band, record.sex, new)] += 1
    return result


def top(records: list[Record], start: dt.date, end: dt.date, *, new_only: bool = True, include_z: bool = False) -> Counter:
    counts: Counter = Counter()
    for record in records:
        if in_period(record, start, end):
            for code, new in record.diagnoses:
                if (new or not new_only) and (include_z or not code.startswith("Z")):
                    counts[code] += 1
    return counts
