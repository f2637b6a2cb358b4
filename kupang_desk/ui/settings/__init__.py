"""Pengaturan: the institution profile, the reference lists, backups and the session, accounts and
roles, and the audit trail. What a role may not change is shown but not editable; the domain
functions refuse it anyway."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import allowed
from kupang_desk.beranda import summary
from kupang_desk.i18n import _
from kupang_desk.ui.section import SectionPage
from kupang_desk.ui.sections import SectionView
from kupang_desk.ui.settings.accounts import AccountsTab, RolesTab
from kupang_desk.ui.settings.audit import AuditTab
from kupang_desk.ui.settings.backup import BackupSessionTab
from kupang_desk.ui.settings.pcare import PcareTab
from kupang_desk.ui.settings.profile import ProfileTab
from kupang_desk.ui.settings.references import (
    AgeBandsEditor,
    ItemsEditor,
    NoRmEditor,
    PopulationEditor,
    QueueEditor,
    WorkAreaEditor,
)
from kupang_desk.ui.settings.reporting import ReportingTab
from kupang_desk.ui.settings.satusehat import SatusehatTab
from kupang_desk.ui.settings.value_maps import ValueMapsEditor


class SettingsPage(SectionPage, SectionView):
    """The Pengaturan section: the facts on top, then a tab for each kind of setting the user may see."""

    profile_saved = Signal()

    def __init__(self, section, parent: QWidget | None = None) -> None:
        super().__init__(section, parent)
        user = session.current()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.profile = self.references = self.backup = self.accounts = self.roles = self.audit = None
        self.reporting: ReportingTab | None = None
        self.satusehat: SatusehatTab | None = None
        self.pcare: PcareTab | None = None
        if allowed(user, "settings.edit"):
            self.profile = ProfileTab()
            self.profile.saved.connect(self.profile_saved)
            self.references = QTabWidget()
            self.poli, self.payment = ItemsEditor("poli"), ItemsEditor("payment")
            self.work_area, self.age_bands, self.no_rm = WorkAreaEditor(), AgeBandsEditor(), NoRmEditor()
            self.value_maps = ValueMapsEditor()
            self.population = PopulationEditor()
            self.queue = QueueEditor()
            for widget, title in ((self.poli, _("Poli/klaster")), (self.payment, _("Cara bayar")),
                                  (self.work_area, _("Wilayah kerja")), (self.population, _("Penduduk")),
                                  (self.age_bands, _("Kelompok umur LB1")),
                                  (self.no_rm, _("No. RM")), (self.queue, _("Antrean")),
                                  (self.value_maps, _("Pemetaan impor"))):
                self.references.addTab(widget, title)
            self.backup = BackupSessionTab()
            self.tabs.addTab(self.profile, _("Profil"))
            self.tabs.addTab(self.references, _("Daftar rujukan"))
            if _health_desk():
                self.reporting = ReportingTab()
                self.tabs.addTab(self.reporting, _("Pelaporan"))
                self.satusehat = SatusehatTab()
                self.tabs.addTab(self.satusehat, _("SATUSEHAT"))
                self.pcare = PcareTab()
                self.tabs.addTab(self.pcare, _("P-Care"))
            self.tabs.addTab(self.backup, _("Cadangan dan sesi"))
        if allowed(user, "users.manage"):
            self.accounts, self.roles = AccountsTab(), RolesTab()
            self.tabs.addTab(self.accounts, _("Akun"))
            self.tabs.addTab(self.roles, _("Hak peran"))
        if allowed(user, "audit.view"):
            self.audit = AuditTab()
            self.tabs.addTab(self.audit, _("Jejak audit"))
            self.tabs.currentChanged.connect(self._tab_changed)
        if self.tabs.count():
            self.main_layout.insertWidget(self.main_layout.count() - 1, self.tabs, 1)
            self.main_layout.setStretch(self.main_layout.count() - 1, 0)

    @classmethod
    def for_window(cls, window, section):
        return cls(section)  # its title and description on top

    def attach(self, window) -> None:
        self.profile_saved.connect(window.profile_changed)
        if window.satusehat is not None and self.satusehat is not None:
            self.satusehat.saved.connect(window.satusehat.start)
        if window.facts is not None:
            self.show_facts(window.facts)

    def show_target(self, target: str, **details) -> None:
        """"backup": the backup tab (the Beranda's backup tile), where the user may see it."""
        if target == "backup" and self.backup is not None:
            self.tabs.setCurrentWidget(self.backup)

    def _tab_changed(self, index: int) -> None:
        if self.audit is not None and self.tabs.widget(index) is self.audit and not self.audit.model.events:
            self.audit.apply()


def _health_desk() -> bool:
    """Whether this installation keeps a puskesmas (a school has no reports to send up)."""
    institution = summary.institution()
    return institution is None or institution.kind == "puskesmas"
