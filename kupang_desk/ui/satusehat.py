"""The SATUSEHAT outbox on screen: the status bar's "SATUSEHAT: 12 menunggu", the sender that runs
behind the window, and the Antrean SATUSEHAT window (filters, the bundle of a visit in words,
Kirim ulang)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import allowed
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime, format_number
from kupang_desk.i18n import _
from kupang_desk.satusehat import background, outbox, outbox_view, sending
from kupang_desk.satusehat.client import Client
from kupang_desk.ui.feedback import say, status_label
from kupang_desk.ui.operations import Operation, run_in_background
from kupang_desk.ui.widgets import ListModel, fit_to_screen, line, record_table

log = logging.getLogger(__name__)


class SatusehatDesk(QObject):
    """The window's part of the outbox: the status-bar link and the background sender (started
    when the office sends to SATUSEHAT and the clerk may record visits)."""

    counted = Signal(object)  # the open counts, from the sender's thread

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.label = QLabel()
        self.label.setObjectName("satusehatStatus")
        self.label.setToolTip(_("Klik untuk membuka antrean SATUSEHAT"))
        self.label.linkActivated.connect(lambda _link: self.show_outbox())
        self.counted.connect(self.show_counts)
        self.background_sender: background.Background | None = None
        self.dialog: OutboxDialog | None = None

    def start(self) -> bool:
        """Starts the sender when SATUSEHAT is on; True when it runs."""
        user = session.current()
        if self.background_sender is not None or not allowed(user, "visit.write"):
            return False
        try:
            if not outbox.enabled():
                return False
            self.background_sender = background.Background(self.counted.emit, user=user).start()
        except KnownError as error:
            log.warning("SATUSEHAT sender not started: %s", error)
            return False
        return True

    def wake(self) -> None:
        """A visit was just recorded: the sender looks at the queue now (or starts, if it was off)."""
        if self.background_sender is not None:
            self.background_sender.wake()
        else:
            self.start()

    def stop(self) -> None:
        if self.background_sender is not None:
            if not self.background_sender.stop():
                log.info("SATUSEHAT sender still inside a request at closing; the next start checks it")
            self.background_sender = None

    def show_counts(self, numbers: dict[str, int]) -> None:
        text = outbox_view.status_line(numbers)
        colour = "#b00020" if numbers.get("failed") or numbers.get("incomplete") else "palette(text)"
        self.label.setText(f'<a href="antrean" style="color: {colour};">{text}</a>' if text else "")
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
    """The service's words or what is missing, with when it was sent or is tried again."""
    message = " ".join(row.message.split())
    return f"{message} ({row.when})" if message and row.when else message or row.when


class OutboxDialog(QDialog):
    """Antrean SATUSEHAT: every visit row with its state; the selected one's bundle in words."""

    def __init__(self, desk: SatusehatDesk | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle(_("Antrean SATUSEHAT"))
        fit_to_screen(self, 980, 620)
        self.state = QComboBox()
        self.state.setObjectName("outboxState")
        self.state.addItem(_("Semua"), "")
        for key, words in outbox_view.state_words().items():
            self.state.addItem(words, key)
        self.search = line(placeholder=_("No. kunjungan, No. RM atau nama pasien"))
        self.search.setObjectName("outboxSearch")
        self.model = ListModel([
            (_("No."), lambda r: r.visit_id),
            (_("Waktu kunjungan"), lambda r: format_datetime(r.visit_at)),
            (_("Pasien"), lambda r: f"{r.no_rm} {r.patient}"),
            (_("Jenis"), lambda r: outbox_view.action_words()[r.action]),
            (_("Status"), lambda r: outbox_view.state_words()[r.state]),
            (_("Keterangan"), _note),
        ], self, foreground=lambda r: "#b00020" if r.state in ("failed", "incomplete") else None)
        self.table = record_table(self.model)
        self.table.setObjectName("outboxTable")
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("outboxDetail")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(_("Pilih satu baris untuk melihat isi kirimannya."))
        self.count = QLabel()
        self.message = status_label()
        self.retry_button = QPushButton(_("Kirim ulang"))
        self.retry_button.setObjectName("outboxRetry")
        self.retry_button.setToolTip(_("Baris terpilih (yang Gagal atau Perlu dilengkapi) kembali Menunggu dan dikirim "
                                       "lagi"))
        self.send_button = QPushButton(_("Kirim sekarang"))
        self.send_button.setObjectName("outboxSend")
        close = QPushButton(_("Tutup"))
        self.operation: Operation | None = None

        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Status:")))
        filters.addWidget(self.state)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.send_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.state.currentIndexChanged.connect(lambda _i: self.reload())
        self.search.textChanged.connect(lambda _t: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_selected())
        self.retry_button.clicked.connect(self.retry)
        self.send_button.clicked.connect(self.send_now)
        close.clicked.connect(self.close)

    def reload(self) -> None:
        chosen = {r.id for r in self.selected()}
        items = outbox_view.rows(state=self.state.currentData(), text=self.search.text())
        self.model.set_items(items)
        self.count.setText(_("{n} baris").format(n=format_number(len(items))))
        for row, item in enumerate(items):
            if item.id in chosen:
                self.table.selectRow(row)
        for column in range(self.model.columnCount() - 1):  # the last one, the message, takes the rest
            self.table.resizeColumnToContents(column)
        self._show_selected()

    def selected(self) -> list[outbox_view.Row]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.items[row] for row in rows if row < len(self.model.items)]

    def _show_selected(self) -> None:
        chosen = self.selected()
        self.retry_button.setEnabled(any(r.state in ("failed", "incomplete") for r in chosen))
        if len(chosen) != 1:
            self.detail.clear()
            return
        try:
            self.detail.setPlainText(outbox_view.readable(chosen[0].id))
        except KnownError as error:
            self.detail.setPlainText(str(error))

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
        """Wakes the window's sender; without one (SATUSEHAT turned on a moment ago, or the check
        of a clerk), one run here off the GUI thread, with progress and Batal."""
        if self.desk is not None and self.desk.background_sender is not None:
            self.desk.wake()
            say(self.message, _("Pengirim diminta memeriksa antrean sekarang."))
            return None
        try:
            client = Client.from_settings()
        except KnownError as error:
            say(self.message, str(error), error=True)
            return None
        self.send_button.setEnabled(False)

        def done(result: sending.Pass) -> None:
            say(self.message, result.text(), error=bool(result.stopped or result.failed))
            self.reload()

        self.operation = run_in_background(
            self, lambda task: sending.send(client, task=task), title=_("Mengirim ke SATUSEHAT"), on_success=done,
            on_failure=lambda error: say(self.message, str(error), error=True))
        self.operation.finished.connect(lambda: self.send_button.setEnabled(True))
        return self.operation
