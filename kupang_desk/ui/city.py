"""Rekap kota (for the Dinas): import the puskesmas files, see who sent and who is late, and save the
city's LB1, top ten, recap and SKDR under the Dinas letterhead."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import clock
from kupang_desk.documents import signing
from kupang_desk.documents.table import Period
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.reports.base import kind_label
from kupang_desk.reports.skdr import office_week, week_of_setting
from kupang_desk.submissions import city
from kupang_desk.ui.operations import Operation, show_error
from kupang_desk.ui.periods import month_and_year, week_box
from kupang_desk.ui.report_table import ReportTableModel
from kupang_desk.ui.sections import SectionView
from kupang_desk.ui.widgets import (
    ListModel,
    ask_open_path,
    ask_save_path,
    cell,
    combo,
    file_dialog,
    flow_row,
    last_folder,
    open_document,
    record_table,
    remember_folder,
)

STATE_COLOURS = {"Belum": "#b00020", "Terlambat": "#a05a00"}


class CityView(QWidget, SectionView):
    """Report and period on top, who sent below, the city's table under it, the buttons at the foot."""

    def __init__(self, parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        today = today or clock.today()
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        self.operation: Operation | None = None
        self.report = None
        self.kind = combo([(kind_label(k), k) for k in ("lb1", "recap", "top", "skdr")])
        self.kind.setObjectName("cityKind")
        self.month, self.year = month_and_year(last_month)
        self.week = week_box(office_week(today).previous().number)
        period = QHBoxLayout()
        for widget in (self.month, self.year, self.week):
            period.addWidget(widget)
        period.addStretch(1)
        form = QFormLayout()
        form.addRow(_("Laporan:"), self.kind)
        form.addRow(_("Periode:"), period)
        self.import_button = QPushButton(_("Impor file puskesmas..."))
        self.import_button.setToolTip(_("File Excel LB1, rekap, penyakit terbanyak atau SKDR yang dibuat Kupang Desk "
                                        "di puskesmas; boleh beberapa sekaligus"))
        self.preview_button = QPushButton(_("Pratinjau rekap kota"))
        self.xlsx_button = QPushButton(_("Simpan Excel..."))
        self.pdf_button = QPushButton(_("Simpan PDF..."))
        self.status_button = QPushButton(_("Simpan kelengkapan..."))
        self.list_button = QPushButton(_("Daftar puskesmas..."))
        self.list_button.setToolTip(_("Kode dan nama puskesmas yang mengirim ke Dinas: file dicocokkan menurut kodenya"))
        self.list_button.clicked.connect(lambda: self.edit_list())
        self.import_button.clicked.connect(lambda: self.import_files())
        self.preview_button.clicked.connect(self.refresh)
        self.xlsx_button.clicked.connect(lambda: self.save("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.save("pdf"))
        self.status_button.clicked.connect(lambda: self.save("xlsx", status=True))
        self.arrivals = ListModel([
            (_("Puskesmas"), lambda a: a.name), (_("Kode"), lambda a: a.code), (_("Status"), lambda a: a.state()),
            (_("Diterima"), lambda a: format_date(a.first_received.date()) if a.first_received else ""),
            (_("Revisi"), lambda a: a.file.revision if a.file else ""),
            (_("Dibuat"), lambda a: format_date(a.file.made_at.date()) if a.file else ""),
        ], self, foreground=lambda a: STATE_COLOURS.get(a.state()))
        self.arrivals_view = record_table(self.arrivals, single=True)
        self.arrivals_view.setObjectName("cityArrivals")
        self.imported = QLabel()
        self.imported.setObjectName("cityImported")
        self.imported.setWordWrap(True)
        self.imported.hide()
        self.summary = QLabel(_("Impor file dari puskesmas, lalu Pratinjau."))
        self.summary.setObjectName("citySummary")
        self.summary.setWordWrap(True)
        self.model = ReportTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("cityTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(flow_row(self.import_button, self.preview_button, self.xlsx_button, self.pdf_button,
                                  self.status_button, self.list_button))
        layout.addWidget(self.imported)
        layout.addWidget(self.summary)
        layout.addWidget(self.arrivals_view, 1)
        layout.addWidget(self.table, 2)
        self.kind.currentIndexChanged.connect(self._show_period)
        self._show_period()

    def edit_list(self, *, exec_dialog: bool = True) -> PuskesmasList:
        """The Dinas's list of puskesmas by code, in a dialog; saved, the arrivals are read again."""
        dialog = PuskesmasList(self)
        if exec_dialog and dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
        return dialog

    def _show_period(self) -> None:
        weekly = self.kind.currentData() == "skdr"
        self.month.setVisible(not weekly)
        self.year.setVisible(True)
        self.week.setVisible(weekly)

    def period(self) -> Period:
        if self.kind.currentData() == "skdr":
            return week_of_setting(f"{self.year.value()}-W{self.week.value():02d}").period()
        return Period.month(f"{self.year.value()}-{self.month.currentData():02d}")

    def refresh(self) -> Operation | None:
        """Who sent and the city's table for the chosen report and period, off the GUI thread."""
        from kupang_desk.submissions import city

        try:
            kind, period = self.kind.currentData(), self.period()
        except KnownError as error:
            self.summary.setText(str(error))
            return None

        def work(_task):
            rows = city.arrivals(kind, period)
            return rows, city.city_report(kind, period)

        def done(result) -> None:
            rows, report = result
            self.arrivals.set_items(rows)
            self.model.set_table(report.tables[0] if report.tables else None)
            self.report = report
            line = city.completeness_line(rows)
            self.summary.setText(f"{kind_label(kind)} {period.label()}: {line}." + (
                "\n" + "\n".join(report.closing[:6]) if report.closing else ""))

        self.operation = Operation(self, work, title=_("Menghitung rekap kota"), on_success=done).start()
        return self.operation

    def import_files(self, paths: list[str] | None = None) -> Operation | None:
        if paths is None:
            dialog = file_dialog(self, _("Impor file puskesmas"), last_folder("city-files"),
                                 _("Laporan puskesmas (*.xlsx *.json);;Semua file (*)"), mode="open")
            dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
            if not dialog.exec() or not dialog.selectedFiles():
                return None
            paths = dialog.selectedFiles()
            remember_folder("city-files", Path(paths[0]).parent)
        from kupang_desk.submissions import city

        def done(results) -> None:
            lines = [f"{r.path.name}: {r.message}" for r in results]
            fresh = sum(1 for r in results if r.status == "baru")
            refused = [r for r in results if r.status == "ditolak"]
            self.imported.setText(_("{new} file diterima, {refused} ditolak.").format(new=fresh, refused=len(refused))
                                  + "\n" + "\n".join(lines[:12]))
            self.imported.show()
            if refused:
                show_error(self, KnownError("\n".join(f"{r.path.name}: {r.message}" for r in refused[:10])))
            self.refresh()

        self.operation = Operation(self, lambda task: city.import_files(paths, task=task), title=_("Mengimpor file puskesmas"),
                                   on_success=done).start()
        return self.operation

    def save(self, suffix: str, path: str | None = None, *, status: bool = False) -> Operation | None:
        try:
            kind, period = self.kind.currentData(), self.period()
        except KnownError as error:
            self.summary.setText(str(error))
            return None
        if not path:
            name = f"{'kelengkapan' if status else 'kota'}-{kind}-{period.slug()}.{suffix}"
            path = ask_save_path(self, f"city-{suffix}", _("Simpan rekap kota"), name,
                                 "Excel (*.xlsx)" if suffix == "xlsx" else "PDF (*.pdf)")
            if not path:
                return None
        from kupang_desk.submissions import city

        def done(_report) -> None:
            self.summary.setText(_("Disimpan: {path}").format(path=path))
            open_document(Path(path))

        self.operation = Operation(self, lambda _task: city.save_report(kind, period, status=status, **{suffix: path}),
                                   title=_("Menyimpan rekap kota"), on_success=done).start()
        return self.operation


class PuskesmasList(QDialog):
    """Code and name of each puskesmas the Dinas receives from, and the key it registered; a file is
    matched by its code and taken only when that key signed it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Daftar puskesmas Dinas"))
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("puskesmasList")
        self.table.setHorizontalHeaderLabels([_("Kode puskesmas"), _("Nama"), _("Sidik kunci")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 130)
        self.table.setColumnWidth(2, 200)
        for entry in city.puskesmas_list():
            self.add_row(entry.code, entry.name, entry.fingerprint)
        if not self.table.rowCount():  # the eleven of Kota Kupang, for their codes to be filled in
            for default in city.expected():
                self.add_row("", default["name"])
        self.message = QLabel(_("Kode ditulis seperti di Pengaturan > Profil puskesmas itu (misalnya P5371040101). "
                                "File puskesmas diterima hanya bila ditandatangani kunci yang terdaftar di sini."))
        self.message.setWordWrap(True)
        add = QPushButton(_("Tambah baris"))
        add.clicked.connect(lambda: self.add_row("", ""))
        remove = QPushButton(_("Hapus baris"))
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        key = QPushButton(_("Daftarkan kunci..."))
        key.setToolTip(_("File kunci yang disimpan puskesmas di Pengaturan > Profil > Kunci tanda tangan"))
        key.clicked.connect(lambda: self.register_key())
        self.confirm_fingerprint = self._ask_fingerprint  # tests answer in its place
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(flow_row(add, remove, key))
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(640, 460)

    def add_row(self, code: str, name: str, fingerprint: str = "") -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(code))
        self.table.setItem(row, 1, QTableWidgetItem(name))
        shown = QTableWidgetItem(fingerprint or _("belum terdaftar"))
        shown.setFlags(shown.flags() & ~Qt.ItemFlag.ItemIsEditable)  # set only through Daftarkan kunci
        self.table.setItem(row, 2, shown)
        return row

    def entries(self) -> list[tuple[str, str]]:
        found = []
        for row in range(self.table.rowCount()):
            code, name = (self.table.item(row, column) for column in (0, 1))
            values = ((code.text() if code else "").strip(), (name.text() if name else "").strip())
            if any(values):
                found.append(values)
        return found

    def _ask_fingerprint(self, entry: signing.KeyFile) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, _("Daftarkan kunci puskesmas"), _(
            "Kunci {name} ({code}).\n\nSidik: {fingerprint}\n\nTelepon puskesmas itu dan minta mereka membacakan sidik "
            "di Pengaturan > Profil > Kunci tanda tangan. Daftarkan hanya bila sama persis.").format(
            name=entry.name, code=entry.code, fingerprint=entry.fingerprint), QMessageBox.StandardButton.NoButton, self)
        agree = box.addButton(_("Sidik sama, daftarkan"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Batal"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is agree

    def register_key(self, path: str | None = None) -> bool:
        """Reads a puskesmas's key file, asks for its fingerprint to be confirmed, and registers it."""
        path = path or ask_open_path(self, "city-keys", _("File kunci puskesmas"), _("Kunci puskesmas (*.json)"))
        if not path:
            return False
        try:
            entry = signing.read_key_file(path)
            if not self.confirm_fingerprint(entry):
                return False
            registered = city.register_key(entry)  # the key whose fingerprint was confirmed, not the file read again
        except KnownError as error:
            self._say(str(error), error=True)
            return False
        row = next((r for r in range(self.table.rowCount())
                    if (self.table.item(r, 0) or QTableWidgetItem()).text().strip() == entry.code), None)
        if row is None:
            row = self.add_row(entry.code, registered.puskesmas.name)
        cell(self.table, row, 2).setText(registered.puskesmas.fingerprint)
        said = _("Kunci {name} ({code}) didaftarkan.").format(name=registered.puskesmas.name, code=entry.code)
        if registered.replaced:
            said += " " + _("Kunci lamanya ({old}) tidak berlaku lagi.").format(old=registered.replaced)
        self._say(said)
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b00020;" if error else "")

    def save(self) -> bool:
        try:
            city.set_puskesmas(self.entries())
        except KnownError as error:
            self._say(str(error), error=True)
            return False
        self.accept()
        return True
