"""Shared pieces of the counting queries: the period filter and the age band expression."""

from __future__ import annotations

import peewee as pw

from kupang_desk.documents.table import Period
from kupang_desk.models import Icd10, Visit
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
