"""LB1, the monthly morbidity report: diagnoses by ICD-10, new cases by age band and sex.

Counted in the database (one GROUP BY over the period's diagnoses), then laid out.
Every diagnosis of a visit is one case; kasus baru and kasus lama as recorded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import peewee as pw

from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents.table import Column, Period, Report, ReportTable
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import DiagnosisDay, DiagnosisMonth, DiagnosisYear, Visit, VisitDiagnosis
from kupang_desk.reports.base import AgeBand, age_bands, visit_report
from kupang_desk.reports.counts import L_P, band_expression, icd_titles, live_visits_in

Counts = dict[str, dict[tuple[int, str, bool], int]]  # code -> (band, sex, new case) -> count


def lb1_counts(period: Period, *, rollup: bool = False, bands: list[AgeBand] | None = None, user: SignedIn | None = None) -> Counts:
    """Case counts per code (or 3-character category), age band, sex and new/old."""
    require("report.make", user)
    bands = bands if bands is not None else age_bands()
    if _whole_years(period):  # the counts the database keeps per calendar year (models.totals)
        y = DiagnosisYear
        code = pw.fn.SUBSTR(y.icd10_code, 1, 3) if rollup else y.icd10_code
        band = band_expression(bands, y.age_years, y.age_days)
        query = (y.select(code, band, y.sex, y.is_new_case, pw.fn.SUM(y.cases))
                 .where(y.year.between(str(period.start.year), str(period.end.year)) & (y.cases != 0))
                 .group_by(code, band, y.sex, y.is_new_case))
    elif _whole_months(period):  # the counts the database keeps per month
        m = DiagnosisMonth
        code = pw.fn.SUBSTR(m.icd10_code, 1, 3) if rollup else m.icd10_code
        band = band_expression(bands, m.age_years, m.age_days)
        query = (m.select(code, band, m.sex, m.is_new_case, pw.fn.SUM(m.cases))
                 .where(m.month.between(*_months(period)) & (m.cases != 0))
                 .group_by(code, band, m.sex, m.is_new_case))
    else:
        code = pw.fn.SUBSTR(VisitDiagnosis.icd10, 1, 3) if rollup else VisitDiagnosis.icd10
        band = band_expression(bands)
        query = (VisitDiagnosis.select(code, band, Visit.sex, VisitDiagnosis.is_new_case, pw.fn.COUNT(VisitDiagnosis.id))
                 .join(Visit).where(live_visits_in(period))
                 .group_by(code, band, Visit.sex, VisitDiagnosis.is_new_case))
    counts: Counts = defaultdict(lambda: defaultdict(int))
    for code_value, band_index, sex, new_case, count in query.tuples():
        counts[code_value][(int(band_index), sex, bool(new_case))] += count
    return counts


def _whole_years(period: Period) -> bool:
    """One calendar year or a run of them."""
    return (period.start.month, period.start.day, period.end.month, period.end.day) == (1, 1, 12, 31)


def _whole_months(period: Period) -> bool:
    """A month, a year or any run of whole months."""
    return period.start.day == 1 and (period.end + dt.timedelta(days=1)).day == 1


def _months(period: Period) -> tuple[str, str]:
    return period.start.strftime("%Y-%m"), period.end.strftime("%Y-%m")


def lb1_columns(bands: list[AgeBand]) -> list[Column]:
    columns = [Column("no", _("No"), width=4, kind="text"), Column("code", _("Kode ICD-10"), width=9, kind="id"),
               Column("name", _("Diagnosis"), width=38, kind="text")]
    for index, band in enumerate(bands):
        for sex in L_P:
            columns.append(Column(f"b{index}{sex}", sex, group=band.label, width=4.6))
    for sex in L_P:
        columns.append(Column(f"new{sex}", sex, group=_("Kasus baru"), width=5.5,
                              total_of=tuple(f"b{i}{sex}" for i in range(len(bands)))))
    columns.append(Column("new", _("Jml"), group=_("Kasus baru"), width=5.5, total_of=("newL", "newP")))
    for sex in L_P:
        columns.append(Column(f"old{sex}", sex, group=_("Kasus lama"), width=5.5))
    columns.append(Column("old", _("Jml"), group=_("Kasus lama"), width=5.5, total_of=("oldL", "oldP")))
    columns.append(Column("all", _("Jumlah kasus"), width=7, total_of=("new", "old")))
    return columns


def case_totals(period: Period, *, user: SignedIn | None = None) -> tuple[int, int]:
    """(new cases, all cases) of the period, counted apart from the LB1's GROUP BY: its check."""
    require("report.make", user)
    if _whole_months(period):  # the new cases per day and the cases per month: kept apart, by their own triggers
        new_cases = (DiagnosisDay.select(pw.fn.SUM(DiagnosisDay.new_cases))
                     .where(DiagnosisDay.day.between(period.start, period.end)).scalar())
        all_cases = DiagnosisMonth.select(pw.fn.SUM(DiagnosisMonth.cases)).where(
            DiagnosisMonth.month.between(*_months(period))).scalar()
        return int(new_cases or 0), int(all_cases or 0)
    new = pw.fn.SUM(pw.Case(None, [(VisitDiagnosis.is_new_case, 1)], 0))
    row = VisitDiagnosis.select(new, pw.fn.COUNT(VisitDiagnosis.id)).join(Visit).where(live_visits_in(period)).tuples().first()
    return int(row[0] or 0), int(row[1] or 0)


def _prove(table: ReportTable, bands: int, outside: int, totals: tuple[int, int], period: Period) -> None:
    """Refuses an LB1 that does not add up: per row the age bands sum to the new cases of each sex,
    L + P to the new and old totals, new + old to all cases; overall the new and all cases equal
    what the database counts on its own. It never should fail; when it does, nothing is saved."""
    keys = {column.key: index for index, column in enumerate(table.columns)}
    problems = []
    sums = {"new": 0, "all": 0}
    for row in table.rows:
        value = lambda key, row=row: row[keys[key]]  # noqa: E731
        for sex in L_P:
            if sum(value(f"b{i}{sex}") for i in range(bands)) != value(f"new{sex}"):
                problems.append(_("{code}: golongan umur {sex} berjumlah lain dari kasus baru {sex}").format(code=row[1], sex=sex))
        if value("newL") + value("newP") != value("new") or value("oldL") + value("oldP") != value("old"):
            problems.append(_("{code}: L + P tidak sama dengan jumlahnya").format(code=row[1]))
        if value("new") + value("old") != value("all"):
            problems.append(_("{code}: kasus baru + kasus lama tidak sama dengan jumlah kasus").format(code=row[1]))
        sums["new"] += value("new")
        sums["all"] += value("all")
    new_cases, all_cases = totals
    if sums["new"] + outside != new_cases:
        problems.append(_("kasus baru di laporan {report}, di database {database}").format(
            report=sums["new"] + outside, database=new_cases))
    if sums["all"] + outside != all_cases:
        problems.append(_("jumlah kasus di laporan {report}, di database {database}").format(
            report=sums["all"] + outside, database=all_cases))
    if problems:
        raise KnownError(_("LB1 {period} tidak lolos pemeriksaan jumlah, jadi tidak disimpan: {problems}. "
                           "Laporkan ke pengelola program.").format(period=period.label(), problems="; ".join(problems[:5])))


def lb1_report(period: Period, *, rollup: bool = False, bands: list[AgeBand] | None = None, user: SignedIn | None = None) -> Report:
    require("report.make", user)
    bands = bands if bands is not None else age_bands()
    counts = lb1_counts(period, rollup=rollup, bands=bands, user=user)
    titles = icd_titles(sorted(counts))
    table = ReportTable(_("Laporan bulanan data kesakitan (LB1)"), lb1_columns(bands), total_label=_("JUMLAH"))
    outside = 0
    for number, code in enumerate(sorted(counts), start=1):
        cells = counts[code]
        row: list = [number, code, titles.get(code, "")]
        for index in range(len(bands)):
            row += [cells.get((index, sex, True), 0) for sex in L_P]
        new = [sum(cells.get((i, sex, True), 0) for i in range(len(bands))) for sex in L_P]
        old = [sum(n for (_b, s, is_new), n in cells.items() if s == sex and not is_new) for sex in L_P]
        outside += sum(cells.get((-1, sex, True), 0) for sex in L_P)
        row += [*new, sum(new), *old, sum(old), sum(new) + sum(old)]
        table.rows.append(row)
    if outside:
        table.note = _("{count} kasus baru dengan umur di luar golongan umur yang diatur tidak masuk kolom umur. "
                       "Periksa golongan umur di Pengaturan.").format(count=outside)
    _prove(table, len(bands), outside, case_totals(period, user=user), period)
    title = _("LAPORAN BULANAN DATA KESAKITAN (LB1)")
    if rollup:
        title += " " + _("menurut kategori 3 karakter")
    return visit_report("lb1", title, period, [table], landscape=True)
