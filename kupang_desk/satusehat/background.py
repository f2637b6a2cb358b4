"""The SATUSEHAT sender on a thread of its own while the window is open: it sends what is due, waits
when nothing is, wakes when a visit is saved, and tells the status bar the counts."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.models import (
    database,
)
from kupang_desk.satusehat import outbox
from kupang_desk.satusehat.client import Client
from kupang_desk.satusehat.outbox_view import counts
from kupang_desk.satusehat.sending import Pass, Sender
from kupang_desk.tasks import Cancelled, Task

log = logging.getLogger(__name__)
def keep_sending(task: Task, *, on_change: Callable[[dict[str, int]], None], wake: threading.Event | None = None,
                 user: SignedIn | None = None, make_client: Callable[[], Client] = Client.from_settings) -> None:
    """The window's sender: runs until the task is cancelled (the window closes), sending what is
    due, pausing longer while there is no connection, and reporting the counts after each run.
    ``wake`` cuts a pause short (a visit was just recorded)."""
    user = require("visit.write", user)
    wake = wake or threading.Event()
    pause = outbox.LINE_PAUSE_FIRST
    sender: Sender | None = None
    while not task.cancel_requested:
        wake.clear()
        result = None
        if outbox.enabled():
            try:
                sender = sender or Sender(make_client())
                result = sender.run(task)
            except Cancelled:
                return
            except KnownError as error:  # not configured yet, or the database is away: look again later
                log.info("SATUSEHAT sender waits: %s", error)
                sender, result = None, Pass(stopped=str(error))
        on_change(counts(user=user))
        if result is not None and result.stopped:
            wait, pause = pause, min(pause * 2, outbox.LINE_PAUSE_MOST)
        else:
            wait, pause = outbox.IDLE_POLL, outbox.LINE_PAUSE_FIRST
        deadline = time.monotonic() + wait
        while not wake.is_set() and (left := deadline - time.monotonic()) > 0:
            if task.wait(min(left, 0.25)):
                return


class Background:
    """``keep_sending`` on a thread of its own. A daemon thread: closing the window asks it to stop
    and waits a moment; one still inside a request is left to end with the program, which loses
    nothing (the attempt was counted, and the next start asks the service before posting)."""

    def __init__(self, on_change: Callable[[dict[str, int]], None], *, user: SignedIn | None = None,
                 make_client: Callable[[], Client] = Client.from_settings) -> None:
        self.user = require("visit.write", user)
        self.on_change, self.make_client = on_change, make_client
        self.task, self._wake = Task(), threading.Event()
        self.thread = threading.Thread(target=self._run, name="satusehat-sender", daemon=True)

    def start(self) -> Background:
        self.thread.start()
        return self

    def wake(self) -> None:
        """Look at the queue now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 3.0) -> bool:
        """Asks the sender to stop; True when it has."""
        self.task.cancel()
        self._wake.set()
        if self.thread.is_alive():
            self.thread.join(timeout)
        return not self.thread.is_alive()

    def _run(self) -> None:
        try:
            keep_sending(self.task, on_change=self.on_change, wake=self._wake, user=self.user,
                         make_client=self.make_client)
        except Exception:  # a defect: logged, the window goes on without the sender
            log.exception("SATUSEHAT sender stopped")
        finally:
            database.close()
