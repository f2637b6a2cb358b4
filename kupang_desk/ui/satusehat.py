"""The SATUSEHAT outbox on screen: the status bar's "SATUSEHAT: 12 menunggu", the sender that runs
behind the window, and the Antrean SATUSEHAT window (filters, the bundle of a visit in words,
Kirim ulang)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QLabel,
    QWidget,
)

from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import allowed
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.satusehat import background, outbox, outbox_view, sending
from kupang_desk.satusehat.client import Client
from kupang_desk.ui import outbox_dialog
from kupang_desk.ui.feedback import say
from kupang_desk.ui.operations import Operation, run_in_background

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
        self.label.setText(outbox_dialog.status_link(text, numbers))
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.reload()

    def show_outbox(self) -> OutboxDialog:
        if self.dialog is None:
            self.dialog = OutboxDialog(self, self.window)
        self.dialog.present()
        return self.dialog


class OutboxDialog(outbox_dialog.OutboxDialog):
    """Antrean SATUSEHAT: every visit row with its state; the selected one's bundle in words."""

    def window_title(self) -> str:
        return _("Antrean SATUSEHAT")

    def rows(self, state: str, text: str) -> list[outbox_view.Row]:
        return outbox_view.rows(state=state, text=text)

    def retry_rows(self, row_ids: list[int]) -> int:
        return outbox.retry(row_ids)

    def describe(self, row: outbox_view.Row) -> str:
        return outbox_view.readable(row.id)

    def start_sending(self) -> Operation | None:
        """Wakes the window's sender; without one (SATUSEHAT turned on a moment ago, or the check
        of a clerk), one run here off the GUI thread, with progress and Batal."""
        if self.desk is not None and self.desk.background_sender is not None:
            self.desk.wake()
            say(self.message, _("Pengirim diminta memeriksa antrean sekarang."))
            return None
        client = Client.from_settings()
        return run_in_background(self, lambda task: sending.send(client, task=task), title=_("Mengirim ke SATUSEHAT"),
                                 on_success=self.sent, on_failure=self.failed)
