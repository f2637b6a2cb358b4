"""Progress and cancellation for long work, shared by the command line and the interface.

A long function takes a ``Task`` and calls ``task.step(...)`` as it goes; ``step``
raises ``Cancelled`` once the user asked to stop, so the function's open transaction
rolls back and the data stays as it was.
"""

from __future__ import annotations

import functools
import gc
import sys
import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TextIO, TypeVar

from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_number
from kupang_desk.i18n import _

ProgressCallback = Callable[[int, int, str], None]


class Cancelled(KnownError):
    """The user stopped the work; nothing it did was kept."""

    def __init__(self) -> None:
        super().__init__(_("Dibatalkan. Tidak ada data yang diubah."))


class Task:
    """Carries progress out of a long function and a cancel request into it (thread-safe)."""

    def __init__(self, on_progress: ProgressCallback | None = None) -> None:
        self._cancel = threading.Event()
        self._on_progress = on_progress

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleeps up to ``seconds``, waking at once on a cancel; True when the user asked to stop."""
        return self._cancel.wait(max(seconds, 0.0))

    def step(self, done: int, total: int, text: str = "") -> None:
        """Reports progress; raises ``Cancelled`` if the user asked to stop."""
        if self._cancel.is_set():
            raise Cancelled()
        if self._on_progress is not None:
            self._on_progress(done, total, text)

    def step_of(self, done: int, total: int, template: str) -> None:
        """``step`` with ``template``'s ``{done}`` and ``{total}`` grouped as the clerk reads numbers:
        ``Memeriksa baris 15.000 dari 50.000``."""
        self.step(done, total, template.format(done=format_number(done), total=format_number(total)))


class ConsoleTask(Task):
    """Progress printed on one line of the terminal, at most a few times a second; nothing
    when the output goes to a file or a pipe (a log gets the summary lines alone)."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        super().__init__(self._print)
        self._stream = stream or sys.stderr
        isatty = getattr(self._stream, "isatty", None)
        self._quiet = quiet or not (callable(isatty) and isatty())
        self._last = 0.0
        self._last_text = ""

    def _print(self, done: int, total: int, text: str) -> None:
        if self._quiet:
            return
        moment = time.monotonic()
        if moment - self._last < 0.3 and text == self._last_text and done < total:
            return
        self._last, self._last_text = moment, text
        percent = f"{100 * done // total:3d}%" if total else "    "
        self._stream.write(f"\r{percent} {text[:70]:<70}")
        if total and done >= total:
            self._stream.write("\n")
        self._stream.flush()


P = ParamSpec("P")
R = TypeVar("R")


def without_automatic_collection(function: Callable[P, R]) -> Callable[P, R]:
    """Runs ``function`` with Python's automatic cycle collection paused, for bulk work that builds
    tens of thousands of objects living until it ends (an import's checked rows): the collector
    would scan them again and again as they grow (2,310 collections, a fifth of a 50,000-row
    register import, measured). Their cycles are collected as usual afterwards. In the window the
    collector already runs only on the GUI thread (``ui.operations``), and is left as it is."""
    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused
