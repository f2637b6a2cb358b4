"""The most frequent diseases of a period: code, name, L, P, total; with a bar chart."""

from __future__ import annotations

from collections import defaultdict

import peewee as pw

from kupang_desk import settings
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents.table import Column, Period, Report, ReportTable
from kupang_desk.i18n import _
from kupang_desk.models import Visit, VisitDiagnosis
from kupang_desk.reports.base import visit_report
from kupang_desk.reports.counts import L_P, icd_titles, live_visits_in


def top_report(period: Period, *, limit: int = 10, new_cases_only: bool = True,
               include_z: bool | None = None, user: SignedIn | None = None) -> Report:
    """The ``limit`` codes diagnosed most (new cases unless ``new_cases_only`` is False);
    Z codes (contacts, not diseases) count only when ``include_z`` (default: Pengaturan)."""
    require("report.make", user)
    if include_z is None:
        include_z = settings.get("top_diseases.include_z_codes")
    condition = live_visits_in(period)
    if new_cases_only:
        condition &= VisitDiagnosis.is_new_case
    if not include_z:
        condition &= ~VisitDiagnosis.icd10.startswith("Z")
    query = (VisitDiagnosis.select(VisitDiagnosis.icd10, Visit.sex, pw.fn.COUNT(VisitDiagnosis.id))
             .join(Visit).where(condition).group_by(VisitDiagnosis.icd10, Visit.sex))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for code, sex, count in query.tuples():
        counts[code][sex] += count
    ranked = sorted(counts, key=lambda code: (-sum(counts[code].values()), code))[:limit]
    titles = icd_titles(ranked)
    columns = [Column("no", _("No"), width=4, kind="text"), Column("code", _("Kode ICD-10"), width=10, kind="id"),
               Column("name", _("Nama penyakit"), width=48, kind="text"),
               Column("L", "L", width=8), Column("P", "P", width=8), Column("all", _("Jumlah"), width=9, total_of=("L", "P"))]
    which = _("kasus baru") if new_cases_only else _("semua kasus")
    table = ReportTable(_("{n} penyakit terbanyak ({which})").format(n=limit, which=which), columns, total_label=_("JUMLAH"))
    for number, code in enumerate(ranked, start=1):
        cells = counts[code]
        table.rows.append([number, code, titles.get(code, ""), *(cells.get(sex, 0) for sex in L_P), sum(cells.values())])
    if not include_z:
        table.note = _("Kode Z (kontak dengan pelayanan kesehatan, bukan penyakit) tidak dihitung.")
    report = visit_report("top", _("{n} BESAR PENYAKIT").format(n=limit), period, [table], landscape=False)
    report.chart = [(row[1], row[-1]) for row in table.rows]
    return report
