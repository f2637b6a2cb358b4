"""Runs a plain function off the GUI thread with a progress dialog and a cancel button.

The function takes a ``Task`` (see ``kupang_desk.tasks``), the same one the command
line passes, so one function serves both. Its result or error comes back on the GUI
thread through ``on_success`` / ``on_failure``; nothing else touches widgets.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QDeadlineTimer, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from kupang_desk import connection as database
from kupang_desk.errors import KnownError, error_message
from kupang_desk.i18n import _
from kupang_desk.tasks import Cancelled, Task

log = logging.getLogger(__name__)


class GuiThreadCollector(QObject):
    """Python's cycle collector, run only on the GUI thread.

    Left automatic, the collector runs in whichever thread happens to allocate past its threshold: a
    worker counting the Beranda, the thread importing the chart library. Collecting there can free a
    cycle that holds a Qt wrapper made on the GUI thread, and Qt dies in that thread (seen: a
    segmentation fault "Garbage-collecting" inside the chart library's import). So automatic
    collection is off and this timer does the same work, generation by generation with Python's
    own thresholds, on the GUI thread; ``check`` may also be called at any quiet moment on it."""

    INTERVAL_MS = 250

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(self.INTERVAL_MS)

    def check(self) -> None:
        if gc.isenabled():  # a library turned it back on (mypy's build does, run in-process): off again
            gc.disable()
        first, second, third = gc.get_threshold()
        young, middle, old = gc.get_count()
        if young > first:
            gc.collect(0)
            if middle >= second:
                gc.collect(1)
                if old >= third:
                    gc.collect(2)


def collect_on_gui_thread(app: QApplication) -> GuiThreadCollector:
    """Installs the GUI-thread collector once per application."""
    existing = app.findChild(GuiThreadCollector)
    return existing if isinstance(existing, GuiThreadCollector) else GuiThreadCollector(app)


class _Worker(QThread):
    """The thread of one ``Operation``. It has no Qt parent and is held in ``_RUNNING`` from its start
    until its end: a window closed, deleted or collected while the thread runs does not take the
    thread with it (Qt aborts the whole program when a running QThread is destroyed). Its result
    then reaches no one (Qt drops a signal to a deleted receiver) and it is let go once it ends."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, function: Callable[[Task], Any]) -> None:
        super().__init__()
        self.function = function
        self.task = Task(lambda done, total, text: self.progressed.emit(done, total, text))
        self.finished.connect(self._release)

    def begin(self) -> None:
        _RUNNING.add(self)
        self.start()

    def _release(self) -> None:
        self.wait()  # "finished" comes just before the thread's very end: past it, it is safe to let go
        _RUNNING.discard(self)

    def run(self) -> None:
        try:
            result = self.function(self.task)
        except Exception as error:  # reported on the GUI thread, never swallowed
            if not isinstance(error, KnownError):
                log.exception("Background operation failed")
                error.kupang_desk_logged = True  # type: ignore[attr-defined]  # show_error need not log it again
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)
        finally:
            database.close()  # this thread's own connection


_RUNNING: set[_Worker] = set()  # every worker between its start and its end, on the GUI thread


def wait_for_workers(milliseconds: int = 10000) -> bool:
    """Waits for every worker still running (at the window's close, before the program ends), at
    most ``milliseconds`` in all; True when none is left."""
    deadline = QDeadlineTimer(milliseconds)
    for worker in list(_RUNNING):
        worker.task.cancel()
        worker.wait(deadline)
    return not any(worker.isRunning() for worker in _RUNNING)


class Operation(QObject):
    """One background run; keep a reference until ``finished`` fires."""

    finished = Signal()

    def __init__(self, parent: QWidget, function: Callable[[Task], Any], *, title: str,
                 on_success: Callable[[Any], None] | None = None,
                 on_failure: Callable[[BaseException], None] | None = None,
                 show_progress: bool = True) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.on_success, self.on_failure = on_success, on_failure
        self.result: Any = None
        self.error: BaseException | None = None
        self.worker = _Worker(function)
        self.dialog: QProgressDialog | None = None
        if show_progress:
            self.dialog = QProgressDialog(title, _("Batal"), 0, 0, parent)
            self.dialog.setWindowTitle(title)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(300)  # a blink shows nothing; longer work shows progress
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self.cancel)
            self.worker.progressed.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_succeeded)
        self.worker.failed.connect(self._on_failed)

    def start(self) -> Operation:
        self.worker.begin()
        return self

    def cancel(self) -> None:
        self.worker.task.cancel()
        if self.dialog is not None:
            self.dialog.setLabelText(_("Membatalkan..."))

    @property
    def running(self) -> bool:
        return self.worker.isRunning()

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if self.dialog is None or self.worker.task.cancel_requested:
            return
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total else 0)
        if text:
            self.dialog.setLabelText(text)

    def _finish(self) -> None:
        self.worker.wait()
        if self.dialog is not None:
            self.dialog.close()
        self.finished.emit()

    def _on_succeeded(self, result: Any) -> None:
        self.result = result
        self._finish()
        if self.on_success is not None:
            self.on_success(result)

    def _on_failed(self, error: BaseException) -> None:
        self.error = error
        self._finish()
        if self.on_failure is not None:
            self.on_failure(error)
        elif not isinstance(error, Cancelled):
            show_error(self.parent_widget, error)


def run_in_background(parent: QWidget, function: Callable[[Task], Any], *, title: str, **kwargs) -> Operation:
    """Starts ``function(task)`` on a worker thread; see ``Operation`` for the callbacks."""
    return Operation(parent, function, title=title, **kwargs).start()


def show_error(parent: QWidget | None, error: BaseException) -> QMessageBox:
    """The clerk's message for ``error``; a programming error is logged with its traceback first."""
    if not isinstance(error, KnownError) and not getattr(error, "kupang_desk_logged", False):
        log.error("Programming error shown to the user", exc_info=(type(error), error, error.__traceback__))
        error.kupang_desk_logged = True  # type: ignore[attr-defined]
    box = QMessageBox(QMessageBox.Icon.Warning, _("Kupang Desk"), error_message(error), QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText(_("Tutup"))
    box.open()
    return box


R = TypeVar("R")


def on_file(parent: QWidget | None, path: object, ask: Callable[[], str], work: Callable[[str], R]) -> R | None:
    """``work`` on ``path``, or on the file the clerk picks (``ask``); None when cancelled, or when refused
    (the reason shown over ``parent``)."""
    chosen = str(path or "") or ask()
    if not chosen:
        return None
    try:
        return work(chosen)
    except KnownError as error:
        show_error(parent, error)
        return None


def report_uncaught(kind: type[BaseException], error: BaseException, traceback) -> QMessageBox | None:
    """``sys.excepthook`` of the window: any uncaught exception is logged with its traceback
    and shown as "Terjadi kesalahan program ... data aman" with the log path."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, traceback)
        return None
    log.error("Uncaught exception", exc_info=(kind, error, traceback))
    error.kupang_desk_logged = True  # type: ignore[attr-defined]

    return show_error(QApplication.activeWindow(), error) if QApplication.instance() is not None else None


def install_excepthook() -> None:
    sys.excepthook = report_uncaught
