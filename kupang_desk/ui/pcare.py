"""The P-Care outbox on screen: the status bar's "P-Care: 3 menunggu", the sender that runs behind the
window (every few minutes, and at once after a visit is saved) and the Antrean P-Care window."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import allowed
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime, format_number
from kupang_desk.i18n import _
from kupang_desk.pcare import connection, outbox, outbox_view, sending
from kupang_desk.ui.feedback import say, status_label
from kupang_desk.ui.operations import Operation, run_in_background
from kupang_desk.ui.widgets import ListModel, fit_to_screen, line, record_table

log = logging.getLogger(__name__)
EVERY_MS = 5 * 60 * 1000  # a look at the queue every five minutes (a retry's backoff starts at 30 s)


def _sender(user):
    """One run of the sender for the one signed in now (a switch of user mid-run changes nothing)."""
    return lambda task: sending.send(connection.client(user=user), connection.provider_code(), task=task, user=user)


class PcareDesk(QObject):
    """The window's part of the outbox: the status-bar link and the sender, run off the GUI thread
    when the office sends to P-Care and the clerk may record visits."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.label = QLabel()
        self.label.setObjectName("pcareStatus")
        self.label.setToolTip(_("Klik untuk membuka antrean P-Care"))
        self.label.linkActivated.connect(lambda _link: self.show_outbox())
        self.timer = QTimer(self)
        self.timer.setInterval(EVERY_MS)
        self.timer.timeout.connect(self.wake)
        self.running: Operation | None = None
        self.again = False
        self.dialog: OutboxDialog | None = None
        self.last_words = ""

    def start(self) -> None:
        self.show_counts()
        if allowed(session.current(), "visit.write"):
            self.timer.start()
            self.wake()

    def wake(self) -> Operation | None:
        """One run now; while one runs, another right after it (the visit just saved may have come
        after that run looked at the queue). Nothing when the office does not send."""
        if not allowed(session.current(), "visit.write"):
            return None
        if self.running is not None:
            self.again = True
            return None
        try:
            if not outbox.enabled():
                return None
            connection.client()
        except KnownError as error:  # not set up yet: the rows wait, the status bar says so
            self.last_words = str(error)
            self.show_counts()
            return None

        def done(result: sending.Pass) -> None:
            self.last_words = result.text()
            self.show_counts()

        def failed(error: BaseException) -> None:
            self.last_words = str(error)
            log.warning("P-Care sender: %s", error)
            self.show_counts()

        operation = self.running = run_in_background(self.window, _sender(session.current()), title=_("Mengirim ke P-Care"), on_success=done,
                                                     on_failure=failed, show_progress=False)
        operation.finished.connect(self._finished)
        return operation

    def _finished(self) -> None:
        self.running = None
        if self.again and self.timer.isActive():
            self.again = False
            self.wake()

    def stop(self) -> None:
        self.timer.stop()
        if self.running is not None and self.running.running:
            self.running.cancel()
            self.running.worker.wait(10000)

    def show_counts(self) -> None:
        try:
            numbers = outbox_view.counts()
        except KnownError:
            numbers = {}
        text = outbox_view.status_line(numbers)
        colour = "#b00020" if numbers.get("failed") or numbers.get("incomplete") else "palette(text)"
        self.label.setText(f'<a href="antrean" style="color: {colour};">{text}</a>' if text else "")
        self.label.setToolTip(self.last_words or _("Klik untuk membuka antrean P-Care"))
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.reload()

    def show_outbox(self) -> OutboxDialog:
        if self.dialog is None:
            self.dialog = OutboxDialog(self, self.window)
        self.dialog.reload()
        self.dialog.show()
        self.dialog.activateWindow()
        return self.dialog


def _note(row: outbox_view.Row) -> str:
    """P-Care's words or what is missing, the numbers it gave, when it was sent or is tried again."""
    return "; ".join(" ".join(part.split()) for part in _parts(row))


def _parts(row: outbox_view.Row) -> list[str]:
    parts = [row.message]
    if row.visit_number:
        parts.append(_("No. kunjungan P-Care {number}").format(number=row.visit_number))
    elif row.registration_number:
        parts.append(_("No. urut P-Care {number}").format(number=row.registration_number))
    parts.append(row.when)
    return [part for part in parts if part]


class OutboxDialog(QDialog):
    """Antrean P-Care: every JKN visit row with its state and P-Care's words; Kirim ulang and Kirim sekarang."""

    def __init__(self, desk: PcareDesk | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle(_("Antrean P-Care"))
        fit_to_screen(self, 980, 560)
        self.state = QComboBox()
        self.state.setObjectName("pcareOutboxState")
        self.state.addItem(_("Semua"), "")
        for key, words in outbox_view.state_words().items():
            self.state.addItem(words, key)
        self.search = line(placeholder=_("No. kunjungan, No. RM atau nama pasien"))
        self.model = ListModel([
            (_("No."), lambda r: r.visit_id),
            (_("Waktu kunjungan"), lambda r: format_datetime(r.visit_at)),
            (_("Pasien"), lambda r: f"{r.no_rm} {r.patient}"),
            (_("Jenis"), lambda r: outbox_view.action_words()[r.action]),
            (_("Status"), lambda r: outbox_view.state_words()[r.state]),
            (_("Keterangan"), _note),
        ], self, foreground=lambda r: "#b00020" if r.state in ("failed", "incomplete") else None)
        self.table = record_table(self.model)
        self.table.setObjectName("pcareOutboxTable")
        self.detail = QPlainTextEdit()  # the selected row's words in full (the column cuts them)
        self.detail.setObjectName("pcareOutboxDetail")
        self.detail.setReadOnly(True)
        self.detail.setMaximumHeight(110)
        self.detail.setPlaceholderText(_("Pilih satu baris untuk membaca keterangannya utuh."))
        self.count = QLabel()
        self.message = status_label()
        self.retry_button = QPushButton(_("Kirim ulang"))
        self.retry_button.setToolTip(_("Baris terpilih (yang Gagal atau Perlu dilengkapi) kembali Menunggu dan dikirim lagi"))
        self.send_button = QPushButton(_("Kirim sekarang"))
        close = QPushButton(_("Tutup"))
        self.operation: Operation | None = None
        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Status:")))
        filters.addWidget(self.state)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.send_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.state.currentIndexChanged.connect(lambda _i: self.reload())
        self.search.textChanged.connect(lambda _t: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        self.retry_button.clicked.connect(self.retry)
        self.send_button.clicked.connect(self.send_now)
        close.clicked.connect(self.close)

    def reload(self) -> None:
        items = outbox_view.rows(state=self.state.currentData(), text=self.search.text())
        self.model.set_items(items)
        self.count.setText(_("{n} baris").format(n=format_number(len(items))))
        for column in range(self.model.columnCount() - 1):
            self.table.resizeColumnToContents(column)
        self._enable()

    def selected(self) -> list[outbox_view.Row]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.items[row] for row in rows if row < len(self.model.items)]

    def _enable(self) -> None:
        chosen = self.selected()
        self.retry_button.setEnabled(any(r.state in ("failed", "incomplete") for r in chosen))
        self.detail.setPlainText("\n".join(_parts(chosen[0])) if len(chosen) == 1 else "")

    def retry(self) -> int:
        ids = [r.id for r in self.selected() if r.state in ("failed", "incomplete")]
        if not ids:
            return 0
        changed = outbox.retry(ids)
        say(self.message, _("{n} baris kembali menunggu dan dikirim saat ada sambungan.").format(n=changed))
        self.reload()
        if self.desk is not None:
            self.desk.wake()
        return changed

    def send_now(self) -> Operation | None:
        """One run here, off the GUI thread, with progress and Batal."""
        try:
            connection.client()
        except KnownError as error:
            say(self.message, str(error), error=True)
            return None
        self.send_button.setEnabled(False)

        def done(result: sending.Pass) -> None:
            say(self.message, result.text(), error=bool(result.stopped or result.failed))
            self.reload()
            if self.desk is not None:
                self.desk.show_counts()

        self.operation = run_in_background(self, _sender(session.current()), title=_("Mengirim ke P-Care"), on_success=done,
                                           on_failure=lambda error: say(self.message, str(error), error=True))
        self.operation.finished.connect(lambda: self.send_button.setEnabled(True))
        return self.operation
