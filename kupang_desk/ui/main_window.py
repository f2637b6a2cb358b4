"""The main window: a section list on the left, the open section on the right."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import __version__, summary
from kupang_desk.formatting import format_nip, format_number
from kupang_desk.i18n import _
from kupang_desk.models.database import DatabaseUrl
from kupang_desk.ui.operations import Operation, run_in_background


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    description: str
    desk: str  # "puskesmas", "sekolah" or "both": which installations show it


def sections() -> list[Section]:
    return [
        Section("pasien", _("Pasien"), _("Pendaftaran pasien, pencarian cepat menurut nama, NIK, No. RM atau No. BPJS, dan kartu pasien."), "puskesmas"),
        Section("kunjungan", _("Kunjungan"), _("Kunjungan hari ini dan register kunjungan dengan diagnosis ICD-10."), "puskesmas"),
        Section("laporan", _("Laporan"), _("LB1, rekap kunjungan dan sepuluh besar penyakit untuk Dinas Kesehatan, sebagai Excel dan PDF."), "both"),
        Section("sekolah", _("Sekolah/Beasiswa"), _("Data siswa dari Dapodik, program beasiswa (PIP dan program Kota Kupang), penerima dan pencairannya."), "sekolah"),
        Section("pengaturan", _("Pengaturan"), _("Profil institusi dan kop surat, daftar poli dan cara bayar, kelurahan wilayah kerja."), "both"),
    ]


class SectionPage(QWidget):
    """A section's page: its title, what it is for, and its figures."""

    def __init__(self, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        title = QLabel(section.title)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        description = QLabel(section.description)
        description.setWordWrap(True)
        self.facts = QFormLayout()
        self.facts.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(title)
        layout.addWidget(description)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        layout.addLayout(self.facts)
        layout.addStretch(1)

    def show_facts(self, facts: list[tuple[str, str]]) -> None:
        while self.facts.rowCount():
            self.facts.removeRow(0)
        for label, value in facts:
            shown = QLabel(value)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts.addRow(label + ":", shown)


class MainWindow(QMainWindow):
    """The shell the later features fill: sections, menus, and the open database in the status bar."""

    summary_loaded = Signal(object)

    def __init__(self, target: DatabaseUrl, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target = target
        self.institution = summary.institution()
        self.operations: list[Operation] = []
        self.setWindowTitle(self._title())
        self.resize(1100, 700)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(20, 20))
        self.navigation.setMinimumWidth(180)
        self.navigation.setMaximumWidth(260)
        self.navigation.setStyleSheet(
            "QListWidget#navigation { font-size: 11pt; border: none; background: palette(base); }"
            "QListWidget#navigation::item { padding: 4px 14px; }")
        self.pages = QStackedWidget()
        self.section_pages: dict[str, SectionPage] = {}
        for section in self.visible_sections():
            item = QListWidgetItem(section.title)
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            item.setSizeHint(QSize(160, 36))
            self.navigation.addItem(item)
            page = SectionPage(section)
            self.section_pages[section.key] = page
            self.pages.addWidget(page)
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)

        splitter = QSplitter()
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self._build_menus()

        self.database_label = QLabel(self.target.describe())
        self.database_label.setObjectName("databaseLabel")
        self.statusBar().addPermanentWidget(self.database_label)
        self.navigation.setCurrentRow(0)
        self.navigation.setFocus()

    def _title(self) -> str:
        name = self.institution.name if self.institution else _("Belum ada profil institusi")
        return f"{name} — Kupang Desk"

    def visible_sections(self) -> list[Section]:
        """Sections of this installation's desk: a puskesmas sees no school screens and back."""
        kind = self.institution.kind if self.institution else "puskesmas"
        both = self.institution.show_both if self.institution else False
        return [s for s in sections() if both or s.desk in ("both", kind)]

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&Berkas"))
        quit_action = QAction(_("&Keluar"), self)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.setShortcutVisibleInContextMenu(True)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu(_("&Tampilan"))
        self.section_actions: dict[str, QAction] = {}
        for row, section in enumerate(self.visible_sections()):
            action = QAction(section.title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{row + 1}"))
            action.setToolTip(f"{section.title} (Ctrl+{row + 1})")
            action.triggered.connect(lambda _checked=False, r=row: self.navigation.setCurrentRow(r))
            view_menu.addAction(action)
            self.section_actions[section.key] = action

        help_menu = self.menuBar().addMenu(_("B&antuan"))
        about = QAction(_("&Tentang Kupang Desk"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def show_section(self, key: str) -> None:
        keys = [s.key for s in self.visible_sections()]
        self.navigation.setCurrentRow(keys.index(key))

    def current_section(self) -> str:
        return self.navigation.currentItem().data(Qt.ItemDataRole.UserRole)

    def show_about(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, _("Tentang Kupang Desk"), _(
            "Kupang Desk {version}\nUntuk puskesmas dan sekolah di Kota Kupang.\n\nDatabase: {database}"
        ).format(version=__version__, database=self.target.describe()), QMessageBox.StandardButton.Ok, self)
        box.open()
        return box

    def refresh_summary(self) -> Operation:
        """Counts records off the GUI thread and fills the section pages when done."""
        self.statusBar().showMessage(_("Menghitung data..."))
        operation = run_in_background(self, lambda _task: summary.database_summary(), title=_("Menghitung data"),
                                      on_success=self._show_summary, show_progress=False)
        self.operations.append(operation)
        operation.finished.connect(lambda: self.operations.remove(operation))
        return operation

    def _show_summary(self, figures: summary.Summary) -> None:
        self.statusBar().showMessage(_("{patients} pasien, {visits} kunjungan").format(
            patients=format_number(figures.patients), visits=format_number(figures.visits)), 10000)
        pages = self.section_pages
        if "pasien" in pages:
            pages["pasien"].show_facts([(_("Pasien terdaftar"), format_number(figures.patients))])
        if "kunjungan" in pages:
            pages["kunjungan"].show_facts([
                (_("Semua kunjungan"), format_number(figures.visits)),
                (_("Kunjungan bulan ini"), format_number(figures.visits_this_month)),
            ])
        if "sekolah" in pages:
            pages["sekolah"].show_facts([
                (_("Siswa"), format_number(figures.students)),
                (_("Penerima beasiswa"), format_number(figures.awards)),
            ])
        if "laporan" in pages:
            pages["laporan"].show_facts([(_("Kunjungan yang dapat dilaporkan"), format_number(figures.visits))])
        institution = self.institution
        facts = [(_("Database"), self.target.describe())]
        if institution is not None:
            facts = [
                (_("Nama"), institution.name),
                (_("Alamat"), institution.address),
                (institution.head_title, institution.head_name),
                (_("NIP"), format_nip(institution.head_nip)),
                *facts,
            ]
        facts += [(_("Poli aktif"), format_number(figures.poli)), (_("Cara bayar"), format_number(figures.payment_types))]
        pages["pengaturan"].show_facts(facts)
        self.summary_loaded.emit(figures)
