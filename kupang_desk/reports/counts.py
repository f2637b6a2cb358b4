"""Shared pieces of the counting queries: the period filter and the age band expression."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import peewee as pw

from kupang_desk.accounts.permissions import require
from kupang_desk.documents.table import Period
from kupang_desk.models import Icd10, Visit, VisitDay, day_of
from kupang_desk.reports.base import AgeBand

L_P = ("L", "P")


def live_visits_in(period: Period) -> pw.Expression:
    start, end = period.bounds()
    return Visit.deleted_at.is_null() & (Visit.visit_at >= start) & (Visit.visit_at < end)


def band_expression(bands: list[AgeBand], years: pw.Field = Visit.age_years, days: pw.Field = Visit.age_days) -> pw.Node:
    """CASE … WHEN <age in band i> THEN i … ELSE -1, from the ages stored on each visit (or the
    ages the monthly counts keep)."""
    cases = []
    for index, band in enumerate(bands):
        low, high = band.years
        condition = years >= low
        if high is not None:
            condition &= years <= high
        if band.days is not None:
            low_d, high_d = band.days
            condition &= days >= low_d
            if high_d is not None:
                condition &= days <= high_d
        cases.append((condition, index))
    return pw.Case(None, cases, -1)


def icd_titles(codes: list[str]) -> dict[str, str]:
    """Indonesian title where known, else the WHO title, for each code (or 3-character category)."""
    titles: dict[str, str] = {}
    for chunk in pw.chunked(codes, 500):
        for row in Icd10.select(Icd10.code, Icd10.title, Icd10.title_id).where(Icd10.code.in_(chunk)):
            titles[row.code] = row.title_id or row.title
    return titles


@dataclass(frozen=True)
class MonthPoint:
    year: int
    month: int
    new: int  # kunjungan baru
    old: int


def months_back(end: dt.date, count: int) -> list[tuple[int, int]]:
    """The ``count`` months ending with ``end``'s, oldest first."""
    months = []
    year, month = end.year, end.month
    for _step in range(count):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def monthly_visits(end: dt.date, months: int = 12) -> list[MonthPoint]:
    """Kunjungan baru and lama per month for the ``months`` months ending with ``end``'s (that month
    up to ``end``), from the kept day counts: the Beranda's trend and the recap's chart."""
    require("report.make")
    wanted = months_back(end, months)
    start = dt.date(*wanted[0], 1)
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    query = (VisitDay.select(VisitDay.day, VisitDay.is_new_visit, pw.fn.SUM(VisitDay.visits))
             .where((VisitDay.day >= start) & (VisitDay.day <= end))
             .group_by(VisitDay.day, VisitDay.is_new_visit).tuples())
    for day, new, visits in query:
        day = day_of(day)
        counts[(day.year, day.month)][0 if new else 1] += int(visits)
    return [MonthPoint(year, month, *counts[(year, month)]) for year, month in wanted]
