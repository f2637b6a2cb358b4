"""Kalender pelaporan: what is due, what was sent, Tandai terkirim, and what changed since."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import settings
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import allowed
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date, format_datetime
from kupang_desk.i18n import _
from kupang_desk.reports.base import kind_label
from kupang_desk.submissions import calendar
from kupang_desk.submissions.calendar import Entry
from kupang_desk.ui.operations import Operation, show_error
from kupang_desk.ui.widgets import (
    ListModel,
    ask_folder,
    ask_open_path,
    ask_save_path,
    combo,
    flow_row,
    ok_cancel,
    open_document,
    record_table,
)

STATUS_COLOURS = {calendar.TERLAMBAT: "#b00020", calendar.REVISI: "#a05a00", calendar.TERKIRIM: "#1b6e20"}


def _sent_text(entry: Entry) -> str:
    if entry.sent is None:
        return ""
    revision = _(", revisi {n}").format(n=entry.sent.revision) if entry.sent.revision else ""
    return _("{when} oleh {who} ({how}{revision})").format(
        when=format_datetime(entry.sent.sent_at), who=entry.sent.sent_by_name,
        how=calendar.method_label(entry.sent.method), revision=revision)


class MarkSentDialog(QDialog):
    """How the report went (file, print, DHIS2), a note, and any file to keep with it."""

    def __init__(self, entry: Entry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setWindowTitle(_("Tandai terkirim: {report}").format(report=entry.title()))
        self.method = combo([(calendar.method_label(m), m) for m in calendar.METHODS])
        self.method.setObjectName("sentMethod")
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("misalnya: dikirim lewat surel ke Dinas, diterima Ibu Ana"))
        self.files: list[str] = []
        self.files_label = QLabel(_("Excel dan PDF laporan ini disimpan otomatis."))
        self.files_label.setWordWrap(True)
        add = QPushButton(_("Tambah file lain..."))
        add.clicked.connect(self.add_file)
        revision = _("Ini revisi {n}: angka yang berubah sejak pengiriman terakhir ikut tersimpan.").format(
            n=entry.sent.revision + 1) if entry.sent is not None else ""
        form = QFormLayout()
        form.addRow(_("Dikirim dengan:"), self.method)
        form.addRow(_("Catatan:"), self.note)
        form.addRow(_("File:"), self.files_label)
        form.addRow("", add)
        layout = QVBoxLayout(self)
        if revision:
            layout.addWidget(QLabel(revision))
        layout.addLayout(form)
        layout.addWidget(ok_cancel(_("Tandai terkirim"), self.accept, self.reject))

    def add_file(self) -> None:
        path = ask_open_path(self, "sent-extra", _("File yang ikut dikirim"), _("Semua file (*)"))
        if path:
            self.files.append(path)
            self.files_label.setText(_("Excel dan PDF laporan ini, dan: {files}").format(files=", ".join(self.files)))


class ReportingCalendar(QWidget):
    """The calendar table with its buttons; ``open_report`` asks the Laporan page to show one."""

    open_report = Signal(str, object)  # kind, Period
    changed = Signal()  # something was marked sent

    def __init__(self, parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.operation: Operation | None = None
        self.model = ListModel([
            (_("Laporan"), lambda e: kind_label(e.kind)), (_("Periode"), lambda e: e.label),
            (_("Batas kirim"), lambda e: format_date(e.due)), (_("Status"), lambda e: calendar.status_label(e.status)),
            (_("Terkirim"), _sent_text),
            (_("Perubahan sesudah dikirim"), lambda e: _("{n} kunjungan").format(n=e.late_changes) if e.late_changes else ""),
        ], self, foreground=lambda e: STATUS_COLOURS.get(e.status))
        self.view = record_table(self.model, single=True)
        self.view.setObjectName("reportingCalendar")
        self.view.doubleClicked.connect(lambda _index: self.show_report())
        self.summary = QLabel()
        self.summary.setObjectName("calendarSummary")
        self.summary.setWordWrap(True)
        self.mark_button = QPushButton(_("Tandai terkirim..."))
        self.changes_button = QPushButton(_("Lihat perubahan"))
        self.files_button = QPushButton(_("Simpan file terkirim..."))
        self.open_button = QPushButton(_("Buka laporan"))
        self.dhis2_file_button = QPushButton(_("Berkas DHIS2..."))
        self.dhis2_file_button.setToolTip(_("Simpan dataValueSets (JSON atau CSV) menurut pemetaan dari Dinas"))
        self.upload_button = QPushButton(_("Unggah DHIS2..."))
        self.upload_button.setToolTip(_("Uji kirim (dryRun), lalu kirim ke server DHIS2 di Pengaturan > Pelaporan"))
        self.dhis2_file_button.clicked.connect(lambda: self.save_dhis2())
        self.upload_button.clicked.connect(lambda: self.upload())
        refresh = QPushButton(_("Muat ulang"))
        self.mark_button.clicked.connect(lambda: self.mark_sent())
        self.changes_button.clicked.connect(lambda: self.show_changes())
        self.files_button.clicked.connect(lambda: self.save_files())
        self.open_button.clicked.connect(self.show_report)
        refresh.clicked.connect(self.refresh)
        self.mark_button.setEnabled(allowed(session.current(), "report.send"))
        buttons = flow_row(self.mark_button, self.changes_button, self.files_button, self.dhis2_file_button,
                           self.upload_button, self.open_button, refresh)  # wraps on a 1024 px screen
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.view.selectionModel().currentRowChanged.connect(lambda *_args: self._enable())
        self._enable()

    def refresh(self) -> None:
        try:
            entries = calendar.entries(self.today)
        except KnownError as error:  # shown in words, the calendar stays empty
            show_error(self, error)
            entries = []
        self.model.set_items(entries)
        self.view.resizeColumnsToContents()  # "Perlu revisi", "1 Desember 2026" and the sender in full
        line = calendar.overdue_line(entries)
        self.summary.setText(line or (_("Semua laporan yang sudah jatuh tempo sudah dikirim.") if entries else
                                      _("Belum ada kunjungan, jadi belum ada laporan yang jatuh tempo.")))
        self._enable()

    def current(self) -> Entry | None:
        return self.model.item(self.view.currentIndex().row())

    def select(self, kind: str, label: str) -> bool:
        for row, entry in enumerate(self.model.items):
            if entry.kind == kind and entry.label == label:
                self.view.selectRow(row)
                return True
        return False

    def _enable(self) -> None:
        entry = self.current()
        may_send = allowed(session.current(), "report.send")
        self.mark_button.setEnabled(entry is not None and may_send and entry.status != calendar.TERKIRIM)
        self.changes_button.setEnabled(entry is not None and entry.status == calendar.REVISI)
        self.files_button.setEnabled(entry is not None and entry.sent is not None)
        self.open_button.setEnabled(entry is not None)
        dhis2_kind = entry is not None and entry.kind in ("lb1", "skdr")
        self.dhis2_file_button.setEnabled(dhis2_kind)
        self.upload_button.setEnabled(dhis2_kind and may_send)

    def show_report(self) -> None:
        entry = self.current()
        if entry is not None:
            self.open_report.emit(entry.kind, entry.period)

    def mark_sent(self, *, accept: bool | None = None) -> MarkSentDialog | None:
        """Opens the dialog; its OK marks the report sent off the GUI thread (``accept`` for tests)."""
        entry = self.current()
        if entry is None:
            return None
        dialog = MarkSentDialog(entry, self)
        dialog.accepted.connect(lambda: self._send(entry, dialog.method.currentData(), dialog.note.text(), dialog.files))
        if accept is None:
            dialog.open()
        elif accept:
            dialog.accept()
        return dialog

    def _send(self, entry: Entry, method: str, note: str, files: list[str]) -> None:
        def done(row) -> None:
            self.refresh()
            self.select(entry.kind, entry.label)
            self.summary.setText(_("{report} ditandai terkirim{revision}. File dan angkanya tersimpan.").format(
                report=entry.title(), revision=_(" sebagai revisi {n}").format(n=row.revision) if row.revision else ""))
            self.changed.emit()

        from kupang_desk.submissions import sent  # openpyxl and ReportLab load when first needed

        self.operation = Operation(self, lambda task: sent.mark_sent(
            entry.kind, entry.period, method=method, note=note, extra_files=files, task=task),
            title=_("Menandai terkirim"), on_success=done).start()

    def show_changes(self) -> Operation | None:
        entry = self.current()
        if entry is None:
            return None

        def done(found) -> None:
            self.changes_dialog = ChangesDialog(entry, found.lines() if found else [], self)
            self.changes_dialog.open()

        from kupang_desk.submissions import sent

        self.operation = Operation(self, lambda task: sent.changes(entry.kind, entry.period, task=task),
                                   title=_("Membandingkan dengan yang terkirim"), on_success=done).start()
        return self.operation

    def save_files(self, folder: str | None = None) -> list:
        entry = self.current()
        if entry is None or entry.sent is None:
            return []
        folder = folder or ask_folder(self, "sent-files", _("Simpan file yang terkirim ke folder"))
        if not folder:
            return []
        from kupang_desk.submissions import sent

        try:
            written = sent.save_files(entry.sent.id, folder)
        except KnownError as error:  # a damaged file is refused in words
            show_error(self, error)
            return []
        self.summary.setText(_("{n} file disimpan di {folder}.").format(n=len(written), folder=folder))
        if written:
            open_document(written[0].parent)
        return written


    def save_dhis2(self, path: str | None = None) -> Operation | None:
        """The entry's dataValueSets file, written off the GUI thread."""
        entry = self.current()
        if entry is None:
            return None
        from kupang_desk.submissions import dhis2

        missing = dhis2.missing_for("file")  # said before a file name is asked for
        if missing:
            self.summary.setText(missing)
            show_error(self, KnownError(missing))
            return None
        if not path:
            path = ask_save_path(self, "dhis2-file", _("Simpan berkas DHIS2"), f"dhis2-{entry.kind}-{entry.period.slug()}.json",
                                 _("DHIS2 JSON (*.json);;DHIS2 CSV (*.csv)"))
            if not path:
                return None

        def work(_task):
            payload = dhis2.data_value_set(entry.kind, entry.period)
            return dhis2.write(payload, path), len(payload["dataValues"])

        def done(result) -> None:
            written, count = result
            self.summary.setText(_("Berkas DHIS2 disimpan: {path} ({n} nilai).").format(path=written, n=count))

        self.operation = Operation(self, work, title=_("Menyiapkan berkas DHIS2"), on_success=done).start()
        return self.operation

    def upload(self, password: str | None = None) -> Operation | None:
        """Asks the DHIS2 password (never stored), checks with dryRun, imports, and marks the report sent."""
        entry = self.current()
        if entry is None:
            return None
        from kupang_desk.submissions import dhis2, sent

        missing = dhis2.missing_for("upload")  # said before the password is asked for
        if missing:
            self.summary.setText(missing)
            show_error(self, KnownError(missing))
            return None
        if password is None:
            password, ok = QInputDialog.getText(self, _("Unggah DHIS2"), _("Kata sandi akun DHIS2 {user}:").format(
                user=settings.get("dhis2.username") or "?"), QLineEdit.EchoMode.Password)
            if not ok or not password:
                return None

        def work(_task):
            checked, done, payload = dhis2.upload(entry.kind, entry.period, password=password)
            with tempfile.TemporaryDirectory(prefix="kupang-desk-dhis2-") as folder:
                files = dhis2.keep_files(Path(folder), entry.kind, entry.period, payload, checked, done)
                sent.record_upload(entry.kind, entry.period, files, done.text())
            return done

        def finished(done) -> None:
            self.refresh()
            self.select(entry.kind, entry.label)
            self.summary.setText(_("{report} diunggah ke DHIS2 dan ditandai terkirim. {summary}").format(
                report=entry.title(), summary=done.text()))
            self.changed.emit()

        self.operation = Operation(self, work, title=_("Mengunggah ke DHIS2"), on_success=finished).start()
        return self.operation


class ChangesDialog(QDialog):
    """The late changes and the report cells they changed, old and new, as text to read or copy."""

    def __init__(self, entry: Entry, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Perubahan sejak dikirim: {report}").format(report=entry.title()))
        self.resize(640, 420)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setObjectName("changesText")
        self.text.setReadOnly(True)
        close = QPushButton(_("Tutup"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Kirim revisinya dengan Tandai terkirim; laporan baru diberi tanda Revisi.")))
        layout.addWidget(self.text, 1)
        layout.addWidget(close)


