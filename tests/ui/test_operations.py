"""Work off the GUI thread outlives nothing it must not: a window that goes away while its worker runs."""

from __future__ import annotations

import gc
import threading

from PySide6.QtWidgets import QWidget
from shiboken6 import Shiboken

from kupang_desk.ui import operations
from kupang_desk.ui.operations import run_in_background, wait_for_workers


def test_a_window_deleted_while_its_worker_runs_leaves_the_program_running(qtbot):
    """Before, the worker's thread was the window's child: deleting the window (a test's teardown, the
    cycle collector, a dialog closed mid-import) destroyed a running QThread and Qt aborted the whole
    program ("Fatal Python error: Aborted"). Now the thread finishes and is let go; its result reaches no one."""
    window = QWidget()
    release, started = threading.Event(), threading.Event()
    shown = []

    def work(_task):
        started.set()
        release.wait(10)
        return "done"

    operation = run_in_background(window, work, title="Menghitung", show_progress=False, on_success=shown.append)
    assert started.wait(5)
    worker = operation.worker
    Shiboken.delete(window)  # the window and, with it, the operation (its Qt child) are gone
    del operation
    gc.collect()
    assert worker.isRunning() and worker in operations._RUNNING
    release.set()
    qtbot.waitUntil(lambda: worker not in operations._RUNNING, timeout=5000)
    assert shown == []  # nobody left to paint it


def test_closing_waits_for_every_worker_and_asks_it_to_stop(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    stopped = []

    def work(task):
        while not task.cancel_requested:
            threading.Event().wait(0.01)
        stopped.append(True)

    operation = run_in_background(window, work, title="Menghitung", show_progress=False)
    qtbot.waitUntil(operation.worker.isRunning, timeout=2000)
    assert wait_for_workers(5000)
    assert stopped == [True] and not operation.worker.isRunning()
