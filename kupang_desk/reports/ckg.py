"""Cek Kesehatan Gratis at school: how far the puskesmas has come, per school and per kelurahan of the
schools (their profile's kelurahan, sent with the roster), up to the period's last day."""

from __future__ import annotations

from kupang_desk import clock
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.ckg.coverage import Coverage, coverage
from kupang_desk.documents.table import Column, Period, Report, ReportTable
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.regions import names_of
from kupang_desk.reports.base import visit_report


def _columns(first: Column, *extra: Column) -> list[Column]:
    return [Column("no", _("No"), width=4, kind="text"), first, *extra,
            Column("enrolled", _("Siswa di daftar"), width=10), Column("screened", _("Diperiksa"), width=10),
            Column("share", _("Cakupan (%)"), width=10, kind="rate", summed=False), Column("referred", _("Dirujuk"), width=9),
            Column("done", _("Rujukan ditindaklanjuti"), width=13)]


def _figures(enrolled: int, screened: int, referred: int, done: int) -> list:
    return [enrolled, screened, round(100 * screened / enrolled, 1) if enrolled else None, referred, done]


def ckg_report(period: Period, *, user: SignedIn | None = None) -> Report:
    """Counts only: no student is named."""
    require("report.make", user)
    day = min(period.end, clock.today())
    schools: list[Coverage] = coverage(day, user=user)
    names = names_of({s.kelurahan for s in schools if s.kelurahan})
    by_school = ReportTable(_("Cakupan CKG per sekolah sampai {day}").format(day=format_date(day)), _columns(
        Column("school", _("Sekolah"), width=28, kind="text"), Column("npsn", _("NPSN"), width=10, kind="id"),
        Column("area", _("Kelurahan"), width=18, kind="text")), total_label=_("JUMLAH"))
    for number, school in enumerate(schools, start=1):
        by_school.rows.append([number, school.school_name, school.school_code, names.get(school.kelurahan, "-"),
                               *_figures(school.enrolled, school.screened, school.referred, school.referral_done)])
    areas: dict[str, list[int]] = {}
    for school in schools:
        sums = areas.setdefault(school.kelurahan, [0, 0, 0, 0])
        for index, value in enumerate((school.enrolled, school.screened, school.referred, school.referral_done)):
            sums[index] += value
    by_area = ReportTable(_("Cakupan CKG per kelurahan sekolah"), _columns(
        Column("area", _("Kelurahan"), width=24, kind="text")), total_label=_("JUMLAH"))
    for number, (area, sums) in enumerate(sorted(areas.items(), key=lambda item: names.get(item[0], "~")), start=1):
        by_area.rows.append([number, names.get(area, _("(kelurahan sekolah belum diisi)")), *_figures(*sums)])
    by_area.note = _("Kelurahan sekolah: dari profil sekolah yang dikirim bersama daftar siswanya. Diperiksa dan dirujuk: sampai "
                     "tanggal akhir periode.")
    return visit_report("ckg", _("CEK KESEHATAN GRATIS (CKG) ANAK SEKOLAH"), period, [by_school, by_area], landscape=True)
