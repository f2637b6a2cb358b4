"""The window's sections, declared once: the key, the desk it belongs to, who may open it, its
fixed Ctrl+<n>, and where its page lives (as Picard's option pages declare theirs).

The main window reads this list and nothing else: it shows a section's entry, its menu entry and
its guide, builds the page the first time the section is opened (its module is imported then, so
the start-up stays light) and lets the page connect itself (``SectionView.attach``). Adding a
section is a line here and its page module."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from kupang_desk.accounts.permissions import allowed
from kupang_desk.i18n import _

DESKS = ("puskesmas", "sekolah", "dinas")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    description: str
    desk: str  # one of DESKS, or "both": every installation
    key_number: int  # Ctrl+<n> opens it on its desk, the same for every role; Pengaturan is always Ctrl+9
    permission: str | None  # what the signed-in role needs to see it; None: everyone on its desk
    attribute: str  # the window's name for the page (window.patients_page)
    page: str  # "module:Class" of the page, imported the first time the section is opened

    def page_class(self) -> type[SectionView]:
        module, _sep, name = self.page.partition(":")
        return getattr(importlib.import_module(module), name)


def sections() -> list[Section]:
    """Every section, in the order the window lists them (titles in the current language)."""
    return [
        Section("beranda", _("Beranda"), _("Kunjungan hari ini dan bulan ini, tren 12 bulan, penyakit terbanyak dan yang naik, antrean dan laporan."),
                "puskesmas", 1, "report.make", "beranda", "kupang_desk.ui.beranda:PuskesmasBeranda"),
        Section("pasien", _("Pasien"), _("Pendaftaran pasien, pencarian cepat menurut nama, NIK, No. RM atau No. BPJS, dan kartu pasien."),
                "puskesmas", 2, "patient.read", "patients_page", "kupang_desk.ui.patients:PatientsPage"),
        Section("antrean", _("Antrean"), _("Loket memberi nomor antrean, poli memanggil dan melayani, layar ruang tunggu menampilkan nomor berikutnya."),
                "puskesmas", 3, "visit.write", "queue_page", "kupang_desk.ui.queue:QueuePage"),
        Section("kunjungan", _("Kunjungan"), _("Kunjungan hari ini dan register kunjungan dengan diagnosis ICD-10."),
                "puskesmas", 4, "patient.read", "register_page", "kupang_desk.ui.visit_register:VisitRegisterPage"),
        Section("laporan", _("Laporan"), _("LB1, rekap kunjungan dan sepuluh besar penyakit untuk Dinas Kesehatan, sebagai Excel dan PDF."),
                "puskesmas", 5, "report.make", "reports_page", "kupang_desk.ui.reports:ReportsPage"),
        Section("beranda_sekolah", _("Beranda"), _("Penerima beasiswa menurut program dan status, dana yang sudah dan belum cair, batas aktivasi rekening, siswa layak yang belum diusulkan."),
                "sekolah", 1, "student.read", "school_beranda", "kupang_desk.ui.school_beranda:SchoolBeranda"),
        Section("sekolah", _("Sekolah/Beasiswa"), _("Data siswa dari Dapodik, program beasiswa (PIP dan program Kota Kupang), penerima dan pencairannya."),
                "sekolah", 2, "student.read", "school_page", "kupang_desk.ui.school:SchoolPage"),
        Section("rekap_kota", _("Rekap kota"), _("File laporan dari puskesmas: yang sudah dan belum mengirim, LB1, rekap, penyakit terbanyak dan SKDR kota."),
                "dinas", 1, "report.make", "city_page", "kupang_desk.ui.city:CityView"),
        Section("pengaturan", _("Pengaturan"), _("Profil institusi dan kop surat, daftar poli dan cara bayar, kelurahan wilayah kerja."),
                "both", 9, None, "settings_page", "kupang_desk.ui.settings:SettingsPage"),
    ]


def visible(kind: str, user) -> list[Section]:
    """The sections of one installation's desk (a puskesmas never shows the school desk, a school
    never the puskesmas's, a Dinas only its Rekap kota) that ``user``'s role may open, in order."""
    return [section for section in sections() if section.desk in ("both", kind)
            and (section.permission is None or allowed(user, section.permission))]


class SectionView:
    """What the window asks of a section's page. A page class lists it beside QWidget and overrides
    what it needs; the defaults do nothing."""

    @classmethod
    def for_window(cls, window, section: Section):
        """The page, made for ``window`` (a page that needs the window's database or its section
        says so here)."""
        return cls()

    def attach(self, window) -> None:
        """Connects the page's requests (open a patient, a visit, a report) to the window."""

    def section_shown(self) -> None:
        """The section was opened: what should be fresh on screen is counted again."""

    def show_target(self, target: str, **details) -> None:
        """Opens one part of the page (a tab, a filter) that another section's link points to."""

    def stop(self) -> None:
        """The window closes: timers stop (the window then waits for every worker, ``wait_for_workers``)."""
