"""The P-Care outbox on screen: the status bar's "P-Care: 3 menunggu", the sender that runs behind the
window (every few minutes, and at once after a visit is saved) and the Antrean P-Care window."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QPushButton,
    QWidget,
)

from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import allowed
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.pcare import connection, outbox, outbox_view, sending
from kupang_desk.ui import outbox_dialog
from kupang_desk.ui.feedback import say
from kupang_desk.ui.operations import Operation, run_in_background

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
        self.timer.stop()  # a sending under way is cancelled and waited for with every worker (wait_for_workers)

    def show_counts(self) -> None:
        try:
            numbers = outbox_view.counts()
        except KnownError:
            numbers = {}
        text = outbox_view.status_line(numbers)
        self.label.setText(outbox_dialog.status_link(text, numbers))
        self.label.setToolTip(self.last_words or _("Klik untuk membuka antrean P-Care"))
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.reload()

    def show_outbox(self) -> OutboxDialog:
        if self.dialog is None:
            self.dialog = OutboxDialog(self, self.window)
        self.dialog.present()
        return self.dialog


def _parts(row: outbox_view.Row) -> list[str]:
    """P-Care's words or what is missing, the numbers it gave, when it was sent or is tried again."""
    parts = [row.message]
    if row.visit_number:
        parts.append(_("No. kunjungan P-Care {number}").format(number=row.visit_number))
    elif row.registration_number:
        parts.append(_("No. urut P-Care {number}").format(number=row.registration_number))
    parts.append(row.when)
    return [part for part in parts if part]


class OutboxDialog(outbox_dialog.OutboxDialog):
    """Antrean P-Care: every JKN visit row with its state, P-Care's words and the numbers it gave."""

    names = "pcareOutbox"

    def extra_buttons(self) -> list[QPushButton]:
        self.referral_button = QPushButton(_("Lengkapi rujukan BPJS..."))
        self.referral_button.setObjectName("pcareReferral")
        self.referral_button.setToolTip(_("Untuk kunjungan yang dirujuk ke rumah sakit: faskes tujuan dan subspesialis "
                                          "dari daftar P-Care, dan alasan TACC bila perlu"))
        self.referral_button.clicked.connect(lambda: self.complete_referral())
        self.referral_dialog: QDialog | None = None
        return [self.referral_button]

    def complete_referral(self) -> QDialog | None:
        """The chosen row's visit, referred to hospital: its rujukan lanjut by P-Care's codes."""
        from kupang_desk.ui.pcare_referral import ReferralDialog

        chosen = self.selected()
        if len(chosen) != 1:
            say(self.message, _("Pilih satu baris kunjungan yang dirujuk."), error=True)
            return None
        try:
            dialog = ReferralDialog(chosen[0].visit_id, self)
        except KnownError as error:
            say(self.message, str(error), error=True)
            return None
        dialog.saved.connect(self.reload)
        dialog.saved.connect(self.retried)  # the sender looks now
        dialog.open()
        self.referral_dialog = dialog
        return dialog

    def window_title(self) -> str:
        return _("Antrean P-Care")

    def hint(self) -> str:
        return _("Pilih satu baris untuk membaca keterangannya utuh.")

    def rows(self, state: str, text: str) -> list[outbox_view.Row]:
        return outbox_view.rows(state=state, text=text)

    def retry_rows(self, row_ids: list[int]) -> int:
        return outbox.retry(row_ids)

    def note(self, row: outbox_view.Row) -> str:
        return "; ".join(" ".join(part.split()) for part in _parts(row))

    def describe(self, row: outbox_view.Row) -> str:
        return "\n".join(_parts(row))

    def start_sending(self) -> Operation | None:
        """One run here, off the GUI thread, with progress and Batal."""
        connection.client()  # says what is missing before anything starts
        return run_in_background(self, _sender(session.current()), title=_("Mengirim ke P-Care"), on_success=self.sent,
                                 on_failure=self.failed)

    def sent(self, result: sending.Pass) -> None:
        super().sent(result)
        if self.desk is not None:
            self.desk.show_counts()
