"""What the health reports share: their kinds, the LB1 age bands, and the report of visits
(a ``documents.Report`` under the puskesmas letterhead that says so when a period had none)."""

from __future__ import annotations

from dataclasses import dataclass

from kupang_desk import settings
from kupang_desk.documents.table import Period, Report, ReportTable
from kupang_desk.i18n import _
from kupang_desk.office import current_letterhead

KINDS = ("lb1", "recap", "top", "register", "skdr", "access", "screening", "ckg")
MONTHLY_KINDS = ("lb1", "recap", "top")  # sent to the Dinas each month
SENT_KINDS = (*MONTHLY_KINDS, "skdr")  # what the reporting calendar follows (SKDR weekly)


SHEET_TITLES = {"lb1": "LB1", "recap": "Rekap kunjungan", "top": "Penyakit terbanyak", "register": "Register kunjungan",
                "skdr": "SKDR W2", "access": "Akses per kelurahan", "screening": "Skrining per kelurahan",
                "ckg": "CKG sekolah"}


def kind_label(kind: str) -> str:
    return {"lb1": _("LB1 (data kesakitan)"), "recap": _("Rekap kunjungan"), "top": _("Penyakit terbanyak"),
            "register": _("Register kunjungan"), "skdr": _("SKDR mingguan (W2)"),
            "access": _("Akses layanan per kelurahan"), "screening": _("Skrining siklus hidup per kelurahan (PWS)"),
            "ckg": _("Cek Kesehatan Gratis anak sekolah (CKG)")}[kind]


def visit_report(kind: str, title: str, period: Period, tables: list[ReportTable], *, landscape: bool) -> Report:
    """A report of visits (one of ``KINDS``) under this office's letterhead."""
    return Report(kind, title, period, tables, current_letterhead(), landscape=landscape, sheet_title=SHEET_TITLES[kind],
                  when_empty=_("Tidak ada kunjungan pada periode {period}. Laporan ini sengaja kosong.").format(
                      period=period.label()))


@dataclass(frozen=True)
class AgeBand:
    """A band of completed days (under one year) or completed years."""

    label: str
    years: tuple[int, int | None]
    days: tuple[int, int | None] | None = None

    def contains(self, age_days: int, age_years: int) -> bool:
        low, high = self.years
        if age_years < low or (high is not None and age_years > high):
            return False
        if self.days is None:
            return True
        low_d, high_d = self.days
        return age_days >= low_d and (high_d is None or age_days <= high_d)


def age_bands() -> list[AgeBand]:
    """The LB1 age bands of this office (Pengaturan), default those of the domain notes."""

    bands = settings.get("lb1.age_bands")
    return [AgeBand(b["label"], tuple(b["years"]), tuple(b["days"]) if b.get("days") else None) for b in bands]
