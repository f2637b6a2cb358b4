"""Imports in the window: choose a file, check every row (nothing saved), then import.

The old puskesmas register (with a choice for each column the importer did not know)
and the school's Dapodik export of students share this dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kupang_desk.errors import error_message
from kupang_desk.i18n import _
from kupang_desk.imports.rows import ImportSummary, display_cell
from kupang_desk.students.dapodik import import_students
from kupang_desk.ui.operations import Operation
from kupang_desk.ui.value_answers import ValueAnswers
from kupang_desk.ui.widgets import DISPLAY, ask_open_path, fit_to_screen
from kupang_desk.visits.register_import import LABELS, import_register

TOOLTIP = Qt.ItemDataRole.ToolTipRole.value

STATUS = {"new": _("Baru"), "update": _("Diperbarui"), "unchanged": _("Sudah ada"), "error": _("Ditolak")}


def status_text(row) -> str:
    text = STATUS[row.status]
    if row.status != "error" and row.incomplete:
        return text + ", " + _("perlu dilengkapi")
    if row.status != "error" and row.pending:
        return text + ", " + _("menunggu pilihan")
    if row.status != "error" and row.warnings:
        return text + ", " + _("periksa")
    return text


class RowsModel(QAbstractTableModel):
    """Each row of the file with its status, the column at fault and the reason."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.summary: ImportSummary | None = None

    def set_summary(self, summary: ImportSummary | None) -> None:
        self.beginResetModel()
        self.summary = summary
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.summary is None else len(self.summary.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.summary is None else 4 + len(self.summary.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if self.summary is None:
            return None
        row = self.summary.rows[index.row()]
        if int(role) == TOOLTIP and row.reason:
            return row.reason  # the whole reason, however narrow the column
        if int(role) != DISPLAY:
            return None
        column = index.column()
        if column < 4:
            return (str(row.line), status_text(row), row.column, row.reason)[column]
        values = row.original
        value = values[column - 4] if column - 4 < len(values) else None
        return display_cell(value)  # as the clerk typed it: 1, not 1.0

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if int(role) != DISPLAY or orientation != Qt.Orientation.Horizontal or self.summary is None:
            return None
        fixed = (_("Baris"), _("Status"), _("Kolom"), _("Alasan"))
        return fixed[section] if section < 4 else self.summary.headers[section - 4]


class ImportDialog(QDialog):
    """Step 1: a file. Step 2: Periksa (nothing saved). Step 3: Impor, then the rejects file."""

    checked = Signal(object)  # ImportSummary of the check
    imported = Signal(object)  # ImportSummary of the import

    def __init__(self, parent: QWidget | None = None, *, kind: str = "register") -> None:
        super().__init__(parent)
        self.kind = kind  # "register" or "students"
        self.setWindowTitle(_("Impor register lama") if kind == "register" else _("Impor siswa dari Dapodik"))
        fit_to_screen(self, 1000, 640)
        self.operation: Operation | None = None
        self.path = QLineEdit()
        self.path.setPlaceholderText(_("file .xlsx, .xls, .ods atau .csv"))
        browse = QPushButton(_("Pilih file..."))
        browse.clicked.connect(self.choose_file)
        self.all_or_nothing = QCheckBox(_("Simpan hanya bila semua baris benar (semua atau tidak sama sekali)"))
        self.mapping_form = QFormLayout()
        self.mapping: dict[str, QComboBox] = {}
        self.answers = ValueAnswers()
        self.answers.changed.connect(self._update_import_button)
        self.summary: ImportSummary | None = None
        self.check_button = QPushButton(_("Periksa (tidak menyimpan)"))
        self.import_button = QPushButton(_("Impor"))
        self.import_button.setEnabled(False)
        self.status = QLabel(_("Pilih file register, lalu Periksa.") if kind == "register" else
                             _("Pilih file ekspor Dapodik \"Daftar Peserta Didik\", lalu Periksa."))
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        self.model = RowsModel(self)
        view = self.view = QTableView()
        view.setObjectName("importRows")
        view.setModel(self.model)
        view.verticalHeader().hide()
        view.setWordWrap(False)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        top = QHBoxLayout()
        top.addWidget(self.path, 1)
        top.addWidget(browse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        close = QPushButton(_("Tutup"))
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.all_or_nothing)
        self.all_or_nothing.setVisible(kind == "register")
        layout.addLayout(self.mapping_form)
        layout.addWidget(self.answers)
        layout.addWidget(self.status)
        layout.addWidget(view, 1)
        layout.addLayout(buttons)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.run_import)
        self.path.textChanged.connect(lambda _text: self.import_button.setEnabled(False))

    def choose_file(self) -> None:
        if self.kind == "students":
            path = ask_open_path(self, "dapodik", _("Pilih ekspor Dapodik"), _("Excel (*.xlsx *.xls *.ods)"))
        else:
            path = ask_open_path(self, "register", _("Pilih register"), _("Register (*.xlsx *.xls *.ods *.csv)"))
        if path:
            self.path.setText(path)

    def columns(self) -> dict[str, str]:
        return {header: box.currentData() for header, box in self.mapping.items() if box.currentData()}

    def _start(self, title: str, dry_run: bool, on_success) -> Operation:
        path = self.path.text().strip()
        rejects = None if dry_run else str(Path(path).with_name(Path(path).stem + "-ditolak.xlsx"))
        columns, all_or_nothing = self.columns(), self.all_or_nothing.isChecked()
        answers = self.answers.answers()
        self.status.setText(_("Membaca..."))
        if self.kind == "students":
            def work(task):
                return import_students(path, dry_run=dry_run, rejects=rejects, task=task, values=answers)
        else:
            def work(task):
                return import_register(path, dry_run=dry_run, all_or_nothing=all_or_nothing, rejects=rejects,
                                       task=task, columns=columns, values=answers)
        self.operation = Operation(self, work, title=title, on_success=on_success,
                                   on_failure=lambda error: self.status.setText(error_message(error)))
        self.operation.worker.progressed.connect(self._show_progress)
        return self.operation.start()

    def _show_progress(self, _done: int, _total: int, text: str) -> None:
        """The wizard's own line says what the progress window says ("Memeriksa baris 17.000 dari 50.000"),
        not "Membaca..." until the end."""
        if text:
            self.status.setText(text)

    def check(self) -> Operation:
        return self._start(_("Memeriksa file"), True, self._show_check)

    def _show_rows(self, summary: ImportSummary) -> None:
        self.model.set_summary(summary)
        # The reason is what the clerk reads first: wide, after the short row and status.
        for column, width in ((0, 50), (1, 160), (2, 120), (3, 420)):
            self.view.setColumnWidth(column, width)

    def _show_check(self, summary: ImportSummary) -> None:
        self._show_rows(summary)
        if self.kind == "register":
            self._offer_mapping(summary)
        self.summary = summary
        self.answers.set_unknown(summary.unknown)
        text = _("Hasil pemeriksaan: {counts}. Belum ada yang disimpan. Perbaiki baris yang ditolak di Excel, "
                 "atau Impor sekarang; baris yang ditolak disimpan ke file tersendiri.").format(counts=summary.describe())
        if summary.unknown:
            text = _("{count} isian belum dikenal: pilih isiannya di atas, lalu Impor.").format(count=len(summary.unknown)) + " " + text
        unshown = sum(1 for row in summary.rows if not row.original)
        if unshown:  # a district's file: the cells of its clean rows past the first thousand stay in the file
            text += " " + _("Isi sel {count} baris lain yang benar tidak ditampilkan di sini; semuanya ada di file.").format(
                count=f"{unshown:,}".replace(",", "."))
        self.status.setText(text)
        self._update_import_button()
        self.checked.emit(summary)

    def _update_import_button(self) -> None:
        counts = self.summary.counts() if self.summary is not None else {}
        self.import_button.setEnabled(bool(counts.get("new") or counts.get("update")) and self.answers.complete())

    def _offer_mapping(self, summary: ImportSummary) -> None:
        """A choice for each column the importer did not recognise: ignore it, or read it as a field."""
        unknown = [h for h in summary.headers if h and h not in summary.mapped and h not in self.mapping]
        taken = set(summary.mapped.values())
        for header in unknown:
            box = QComboBox()
            box.addItem(_("Abaikan"), None)
            for field, label in LABELS.items():
                if field not in taken:
                    box.addItem(label, field)
            self.mapping[header] = box
            self.mapping_form.addRow(_("Kolom '{header}':").format(header=header), box)

    def run_import(self) -> Operation:
        return self._start(_("Mengimpor"), False, self._show_import)

    def _show_import(self, summary: ImportSummary) -> None:
        self._show_rows(summary)
        counts = summary.counts()
        if summary.written:
            text = _("Selesai: {counts}.").format(counts=summary.describe())
        elif self.kind == "students":
            text = _("Tidak ada yang perlu disimpan: {counts}.").format(counts=summary.describe())
        else:
            text = _("Tidak ada yang disimpan: ada baris yang ditolak dan pilihan 'semua atau tidak sama sekali' aktif.")
        if counts.get("error") or summary.warned:
            text += " " + _("Baris yang ditolak atau perlu diperiksa beserta alasannya: {path}").format(
                path=Path(self.path.text().strip()).with_name(Path(self.path.text().strip()).stem + "-ditolak.xlsx"))
        if summary.unknown:  # a value turned up that nobody answered yet
            self.summary = summary
            self.answers.set_unknown(summary.unknown)
            text = _("Tidak ada yang disimpan: {count} isian belum dikenal; pilih isiannya di atas, lalu Impor lagi.").format(
                count=len(summary.unknown))
        else:
            self.summary = None
            self.answers.set_unknown([])
        self.status.setText(text)
        self._update_import_button()
        self.imported.emit(summary)
