"""The access gap: which kelurahan reach the puskesmas and which do not.

Per kelurahan and kecamatan of Kota Kupang, for a period: visits per 1,000 inhabitants, new
patients per 1,000 (a kunjungan baru is a person's first visit of the year, so it counts people
reached), and the share of visits paid by BPJS PBI (the state-subsidised poor); then inside
against outside the working area. Read from the kept ``visit_area`` counts, never the raw visits,
so a year takes milliseconds. Population comes from the office's own reference table
(``population``); a kelurahan without a figure shows its visits and no rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from kupang_desk import population
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents.table import Column, Period, Report, ReportTable
from kupang_desk.i18n import _
from kupang_desk.models import PaymentType, VisitArea, WorkArea
from kupang_desk.regions import KOTA_KUPANG, names_of
from kupang_desk.reports.base import visit_report


@dataclass
class Reach:
    """One area's figures for the period."""

    code: str
    name: str
    kecamatan: str = ""
    inside: bool = False  # in the puskesmas's working area
    population: int | None = None
    visits: int = 0
    new_visits: int = 0  # kunjungan baru: people reached
    pbi_visits: int = 0

    @property
    def per_1000(self) -> float | None:
        return None if not self.population else round(1000 * self.visits / self.population, 1)

    @property
    def new_per_1000(self) -> float | None:
        return None if not self.population else round(1000 * self.new_visits / self.population, 1)

    @property
    def pbi_share(self) -> float | None:
        return None if not self.visits else round(100 * self.pbi_visits / self.visits, 1)

    def add(self, other: Reach) -> None:
        self.visits += other.visits
        self.new_visits += other.new_visits
        self.pbi_visits += other.pbi_visits
        if other.population:
            self.population = (self.population or 0) + other.population


def _counts(period: Period) -> dict[str, list[int]]:
    """kelurahan code ("" without an address) -> [visits, kunjungan baru, PBI visits] in the period."""
    pbi = {pid for (pid,) in PaymentType.select(PaymentType.id).where(PaymentType.is_pbi).tuples()}
    found: dict[str, list[int]] = {}
    query = (VisitArea.select(VisitArea.kelurahan_code, VisitArea.payment_type_id, VisitArea.is_new_visit,
                              pw.fn.SUM(VisitArea.visits))
             .where((VisitArea.day >= period.start) & (VisitArea.day <= period.end))
             .group_by(VisitArea.kelurahan_code, VisitArea.payment_type_id, VisitArea.is_new_visit))
    for code, payment, new, visits in query.tuples():
        cell = found.setdefault(code, [0, 0, 0])
        cell[0] += visits
        cell[1] += visits if new else 0
        cell[2] += visits if payment in pbi else 0
    return found


def reach_by_kelurahan(period: Period, *, user: SignedIn | None = None) -> list[Reach]:
    """Every kelurahan of Kota Kupang, and every other with a visit, with its figures; ranked with the
    least reached (visits per 1,000) first, those without a population figure after."""
    require("report.make", user)
    found = _counts(period)
    inhabitants = {row.code: row for row in population.city_population()}
    inside = {code for (code,) in WorkArea.select(WorkArea.kelurahan).tuples()}
    others = {code for code in found if code and code not in inhabitants}
    names = names_of(others | {code[:8] for code in others})
    areas = []
    for code in [*inhabitants, *sorted(others)]:
        visits, new, pbi = found.get(code, (0, 0, 0))
        known = inhabitants.get(code)
        areas.append(Reach(code, known.name if known else names.get(code, code),
                           known.kecamatan if known else names.get(code[:8], ""), code in inside,
                           known.total if known else None, visits, new, pbi))
    if "" in found:
        visits, new, pbi = found[""]
        areas.append(Reach("", _("(tanpa alamat)"), "", False, None, visits, new, pbi))
    return sorted(areas, key=lambda a: (a.per_1000 is None, a.per_1000 or 0, -a.visits, a.name))


def _columns(first: str, *, places: bool) -> list[Column]:
    columns = [Column("no", _("No"), width=4, kind="text"), Column("name", first, width=22, kind="text")]
    if places:
        columns += [Column("kecamatan", _("Kecamatan"), width=13, kind="text"),
                    Column("inside", _("Wilayah kerja"), width=9, kind="text")]
    return columns + [
        Column("population", _("Penduduk"), width=10, summed=False),
        Column("visits", _("Jumlah"), group=_("Kunjungan"), width=9),
        Column("per_1000", _("Per 1.000 penduduk"), group=_("Kunjungan"), width=10, kind="rate", summed=False),
        Column("new", _("Jumlah"), group=_("Pasien baru"), width=9),
        Column("new_per_1000", _("Per 1.000 penduduk"), group=_("Pasien baru"), width=10, kind="rate", summed=False),
        Column("pbi", _("Kunjungan PBI"), group=_("BPJS PBI"), width=10),
        Column("pbi_share", _("% kunjungan"), group=_("BPJS PBI"), width=9, kind="rate", summed=False),
    ]


def _row(number: int, area: Reach, *, places: bool) -> list:
    row: list = [number, area.name]
    if places:
        row += [area.kecamatan, _("Ya") if area.inside else ""]
    return row + [area.population, area.visits, area.per_1000, area.new_visits, area.new_per_1000, area.pbi_visits,
                  area.pbi_share]


def _whole(title: str, areas: list[Reach]) -> Reach:
    whole = Reach("", title)
    for area in areas:
        whole.add(area)
    return whole


def access_report(period: Period, *, user: SignedIn | None = None) -> Report:
    """The access-gap report: per kelurahan (ranked), per kecamatan, inside and outside the working
    area, and a bar chart of visits per 1,000 of the working area's kelurahan (Kota Kupang's when no
    working area is set)."""
    areas = reach_by_kelurahan(period, user=user)
    city = [a for a in areas if a.code.startswith(KOTA_KUPANG + ".")]
    shown = [a for a in areas if a.code.startswith(KOTA_KUPANG + ".") or a.visits]
    by_place = ReportTable(_("Akses layanan menurut kelurahan (yang paling sedikit terjangkau lebih dulu)"),
                           _columns(_("Kelurahan"), places=True), total_label=_("JUMLAH"))
    by_place.rows = [_row(n, area, places=True) for n, area in enumerate(shown, start=1)]
    missing = [a.name for a in city if not a.population]
    notes = [_("Pasien baru: kunjungan baru, yaitu kunjungan pertama seseorang pada tahun itu (jumlah orang yang terjangkau). "
               "PBI: iuran BPJS dibayar pemerintah (warga miskin).")]
    if missing:
        notes.append(_("Jumlah penduduk belum diisi untuk {n} kelurahan, sehingga angka per 1.000 kosong; isi di "
                       "Pengaturan > Daftar rujukan > Penduduk.").format(n=len(missing)))
    by_place.note = " ".join(notes)
    kecamatan: dict[str, list[Reach]] = {}
    for area in city:
        kecamatan.setdefault(area.kecamatan, []).append(area)
    by_kecamatan = ReportTable(_("Akses layanan menurut kecamatan (Kota Kupang)"), _columns(_("Kecamatan"), places=False),
                               total_label=_("JUMLAH"))
    wholes = sorted((_whole(name, members) for name, members in kecamatan.items()),
                    key=lambda a: (a.per_1000 is None, a.per_1000 or 0, a.name))
    by_kecamatan.rows = [_row(n, area, places=False) for n, area in enumerate(wholes, start=1)]
    parts = [(_("Dalam wilayah kerja"), [a for a in areas if a.inside]),
             (_("Luar wilayah kerja, di Kota Kupang"), [a for a in city if not a.inside]),
             (_("Luar Kota Kupang"), [a for a in areas if a.code and not a.code.startswith(KOTA_KUPANG + ".")]),
             (_("Tanpa alamat"), [a for a in areas if not a.code])]
    by_area = ReportTable(_("Dalam dan luar wilayah kerja"), _columns(_("Asal pasien"), places=False), total_label=_("JUMLAH"))
    by_area.rows = [_row(n, _whole(title, members), places=False) for n, (title, members) in enumerate(parts, start=1)]
    if not any(a.inside for a in areas):
        by_area.note = _("Wilayah kerja belum diatur: semua kelurahan terhitung di luar. Atur di Pengaturan > Daftar rujukan > Wilayah kerja.")
    report = visit_report("access", _("AKSES LAYANAN PER KELURAHAN"), period, [by_place, by_kecamatan, by_area],
                          landscape=True)
    charted = [a for a in city if a.per_1000 is not None and (a.inside or not any(b.inside for b in city))]
    report.chart = [(a.name, a.per_1000 or 0.0) for a in charted]
    report.chart_title = _("Kunjungan per 1.000 penduduk, {which} (yang paling rendah di atas)").format(
        which=_("kelurahan wilayah kerja") if any(a.inside for a in city) else _("kelurahan Kota Kupang"))
    return report

