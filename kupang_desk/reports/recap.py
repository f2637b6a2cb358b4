"""The visit recap: visits by poli, payment, kelurahan (inside/outside the working area)
and age band, each split kunjungan baru/lama and L/P. Counted with GROUP BY. Where the queue
was used in the period, the waiting and service times per poli and per day follow."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import peewee as pw

from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents.table import Column, Period, Report, ReportTable
from kupang_desk.formatting import format_month, month_names
from kupang_desk.i18n import _
from kupang_desk.models import Patient, PaymentType, Poli, Region, Visit, WorkArea
from kupang_desk.office import unit_word
from kupang_desk.queue import entries
from kupang_desk.reports.base import AgeBand, age_bands, visit_report
from kupang_desk.reports.counts import L_P, band_expression, live_visits_in, monthly_visits


def recap_columns(first: str) -> list[Column]:
    columns = [Column("no", _("No"), width=4, kind="text"), Column("name", first, width=30, kind="text")]
    for key, group in (("new", _("Kunjungan baru")), ("old", _("Kunjungan lama"))):
        for sex in L_P:
            columns.append(Column(f"{key}{sex}", sex, group=group, width=7))
        columns.append(Column(key, _("Jml"), group=group, width=7, total_of=(f"{key}L", f"{key}P")))
    for sex in L_P:
        columns.append(Column(f"all{sex}", sex, group=_("Jumlah"), width=7, total_of=(f"new{sex}", f"old{sex}")))
    columns.append(Column("all", _("Jml"), group=_("Jumlah"), width=8, total_of=("new", "old")))
    return columns


def _table(title: str, first: str, labels: Sequence[tuple[object, str]], counts: dict) -> ReportTable:
    table = ReportTable(title, recap_columns(first), total_label=_("JUMLAH"))
    for number, (key, label) in enumerate(labels, start=1):
        cells = counts.get(key, {})
        new = [cells.get((True, sex), 0) for sex in L_P]
        old = [cells.get((False, sex), 0) for sex in L_P]
        table.rows.append([number, label, *new, sum(new), *old, sum(old), new[0] + old[0], new[1] + old[1], sum(new) + sum(old)])
    return table


def _grouped(period: Period, key: pw.Node, *, join_patient: bool = False, where: pw.Expression | None = None) -> dict:
    query = Visit.select(key, Visit.is_new_visit, Visit.sex, pw.fn.COUNT(Visit.id))
    if join_patient:
        query = query.join(Patient)
    condition = live_visits_in(period) if where is None else live_visits_in(period) & where
    counts: dict = defaultdict(lambda: defaultdict(int))
    for value, new, sex, count in query.where(condition).group_by(key, Visit.is_new_visit, Visit.sex).tuples():
        counts[value][(bool(new), sex)] += count
    return counts


def _pbi_table(period: Period, inside: set[str], names: dict[str, str]) -> ReportTable:
    """Kunjungan peserta BPJS PBI (the state-subsidised poor) per kelurahan: the working area's
    kelurahan first, then every other they came from."""
    pbi = PaymentType.select(PaymentType.id).where(PaymentType.is_pbi)
    counts = _grouped(period, Patient.kelurahan, join_patient=True, where=Visit.payment_type.in_(pbi))
    missing = {code for code in counts if code and code not in names}
    if missing:
        names = {**names, **{r.code: r.name for r in Region.select().where(Region.code.in_(sorted(missing)))}}
    label = {code: names.get(code, code) if code else _("(tanpa alamat)") for code in {*inside, *counts}}
    rows = sorted(label.items(), key=lambda item: (item[0] not in inside, item[1]))
    table = _table(_("Kunjungan peserta BPJS PBI menurut kelurahan"), _("Kelurahan"), rows, counts)
    table.note = _("PBI: iuran BPJS dibayar pemerintah (APBN atau APBD), yaitu warga miskin dan tidak mampu. "
                   "Kelurahan wilayah kerja lebih dulu.")
    return table


def _by_cluster(by_poli: dict) -> ReportTable | None:
    """Kunjungan menurut klaster ILP: each poli's counts under the cluster Pengaturan gives it (in the
    order of the poli list; a poli with none under "(tanpa klaster)"); None while no poli has one,
    so a poli-based office's recap stays as it was."""
    clusters: dict[str, list[int]] = {}
    for poli in Poli.select().order_by(Poli.sort_order, Poli.name):
        if poli.active or poli.id in by_poli:
            clusters.setdefault(poli.cluster.strip(), []).append(poli.id)
    if not any(clusters):
        return None
    counts: dict = {}
    for name, ids in clusters.items():
        cells: dict = defaultdict(int)
        for poli_id in ids:
            for key, count in by_poli.get(poli_id, {}).items():
                cells[key] += count
        counts[name] = cells
    labels = sorted(((name, name or _("(tanpa klaster)")) for name in clusters), key=lambda item: not item[0])
    table = _table(_("Kunjungan menurut klaster ILP"), _("Klaster"), labels, counts)
    table.note = _("Klaster tiap poli diatur di Pengaturan > Daftar rujukan > Poli/klaster. LB1 tetap menurut diagnosis.")
    return table


def recap_report(period: Period, *, bands: list[AgeBand] | None = None, user: SignedIn | None = None) -> Report:
    require("report.make", user)
    bands = bands if bands is not None else age_bands()
    tables = []
    by_poli = _grouped(period, Visit.poli)
    polis = [(p.id, p.name) for p in Poli.select().order_by(Poli.sort_order) if p.active or p.id in by_poli]
    tables.append(_table(_("Kunjungan menurut {unit}").format(unit=unit_word().lower()), unit_word(), polis, by_poli))
    clustered = _by_cluster(by_poli)
    if clustered is not None:
        tables.append(clustered)
    by_payment = _grouped(period, Visit.payment_type)
    payments = [(p.id, p.name) for p in PaymentType.select().order_by(PaymentType.sort_order) if p.active or p.id in by_payment]
    tables.append(_table(_("Kunjungan menurut cara bayar"), _("Cara bayar"), payments, by_payment))
    by_kelurahan = _grouped(period, Patient.kelurahan, join_patient=True)
    inside = {w.kelurahan_code for w in WorkArea.select()}
    names = {r.code: r.name for r in Region.select().where(Region.code.in_([*inside, *(k for k in by_kelurahan if k)]))}
    inside_rows = sorted(((code, names.get(code, code)) for code in inside), key=lambda item: item[1])
    outside_rows = sorted(((code, names.get(code, code) if code else _("(tanpa alamat)")) for code in by_kelurahan
                           if code not in inside), key=lambda item: item[1])
    tables.append(_table(_("Kunjungan dari dalam wilayah kerja, menurut kelurahan"), _("Kelurahan"), inside_rows, by_kelurahan))
    tables.append(_table(_("Kunjungan dari luar wilayah kerja, menurut kelurahan"), _("Kelurahan"), outside_rows, by_kelurahan))
    by_band = _grouped(period, band_expression(bands))
    band_rows = [(index, band.label) for index, band in enumerate(bands)]
    if -1 in by_band:
        band_rows.append((-1, _("(di luar golongan umur)")))
    tables.append(_table(_("Kunjungan menurut golongan umur"), _("Golongan umur"), band_rows, by_band))
    tables.append(_pbi_table(period, inside, names))
    tables.extend(times_tables(period, user=user))
    report = visit_report("recap", _("REKAPITULASI KUNJUNGAN"), period, tables, landscape=False)
    months = month_names()
    report.trend = [(f"{months[p.month - 1][:3]} {p.year % 100:02d}", p.new, p.old) for p in monthly_visits(period.end)]
    report.trend_title = _("Kunjungan 12 bulan sampai {month} (baru dan lama)").format(
        month=format_month(period.end.year, period.end.month))
    return report


def _minutes(value) -> int | str:
    minutes = entries.whole_minutes(value)
    return "" if minutes is None else minutes


def times_tables(period: Period, *, user: SignedIn | None = None) -> list[ReportTable]:
    """Waiting time (arrival at the loket -> called) and service time (called -> done) per poli and
    per day, in whole minutes; none when the queue was not used in the period (a one-PC puskesmas)."""
    tables = []
    for by, title, first in (("poli", _("Waktu tunggu dan waktu layanan menurut poli (menit)"), _("Poli")),
                             ("day", _("Waktu tunggu dan waktu layanan menurut hari (menit)"), _("Tanggal"))):
        found = entries.times(period.start, period.end, by=by, user=user)
        if not found:
            return []
        tunggu, layanan = _("Waktu tunggu"), _("Waktu layanan")
        columns = [Column("no", _("No"), width=4, kind="text"), Column("name", first, width=22, kind="text"),
                   Column("called", _("Dipanggil"), group=tunggu, width=9),
                   Column("wait_mean", _("Rata-rata"), group=tunggu, width=9, summed=False),
                   Column("wait_median", _("Median"), group=tunggu, width=8, summed=False),
                   Column("wait_longest", _("Terlama"), group=tunggu, width=8, summed=False),
                   Column("finished", _("Selesai"), group=layanan, width=8),
                   Column("service_mean", _("Rata-rata"), group=layanan, width=9, summed=False),
                   Column("service_median", _("Median"), group=layanan, width=8, summed=False)]
        table = ReportTable(title, columns, total_label=_("JUMLAH"))
        for number, row in enumerate(found, start=1):
            table.rows.append([number, row.name, row.called, _minutes(row.wait_mean), _minutes(row.wait_median),
                               _minutes(row.wait_longest), row.finished, _minutes(row.service_mean),
                               _minutes(row.service_median)])
        table.note = _("Waktu tunggu: dari nomor antrean diberi di loket sampai dipanggil poli. Waktu layanan: dari "
                       "dipanggil sampai selesai atau dirujuk.")
        tables.append(table)
    return tables
