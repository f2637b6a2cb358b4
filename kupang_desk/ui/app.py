"""Starts the interface: the application object, the database, the main window."""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from kupang_desk import connection as database
from kupang_desk import demo
from kupang_desk.accounts import session, users
from kupang_desk.beranda import summary
from kupang_desk.errors import KnownError, error_message
from kupang_desk.i18n import _, current_language
from kupang_desk.resources import resource_path
from kupang_desk.ui import qt_words
from kupang_desk.ui.operations import (
    Operation,
    collect_on_gui_thread,
    install_excepthook,
    run_in_background,
    wait_for_workers,
)
from kupang_desk.ui.signin import sign_in_flow
from kupang_desk.ui.splash import prepare_reference_data

if TYPE_CHECKING:
    from kupang_desk.ui.main_window import MainWindow

log = logging.getLogger(__name__)
DEFAULT_GC_THRESHOLD = 700  # Python's own

def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication), app  # widgets need a QApplication, not a bare core one
    app.setApplicationName("Kupang Desk")
    app.setOrganizationName("KupangDesk")
    qt_words.install(app, current_language())  # Qt's own buttons, menus and file dialog
    collect_on_gui_thread(app)  # never in a worker's thread, where a Qt object freed would crash
    if not app.property("waitsForWorkers"):  # the program ends after its last worker, never through one
        app.aboutToQuit.connect(wait_for_workers)
        app.setProperty("waitsForWorkers", True)
    icon = resource_path("icons", "kupang-desk.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def offer_demo(window: MainWindow) -> QMessageBox:
    """Asks, without blocking, whether to fill the empty database with a small demo."""
    box = QMessageBox(QMessageBox.Icon.Question, _("Database masih kosong"), _(
        "Database ini belum berisi data. Muat data contoh puskesmas Kota Kupang ({patients} pasien, {visits} kunjungan) "
        "untuk mencoba program? Data contoh hanya dimuat ke database kosong. Contoh sekolah: kupang-desk --database "
        "sekolah.sqlite demo --school."
    ).format(**{k: f"{v:,}".replace(",", ".") for k, v in demo.FIRST_RUN.items()}),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    box.setObjectName("demoOffer")
    box.button(QMessageBox.StandardButton.Yes).setText(_("Muat data contoh"))
    box.button(QMessageBox.StandardButton.No).setText(_("Tidak, mulai kosong"))

    def answered(result: int) -> None:
        if result == QMessageBox.StandardButton.Yes:
            load_demo(window)

    box.finished.connect(answered)
    box.open()
    return box


def load_demo(window: MainWindow) -> Operation:
    def done(counts: demo.DemoCounts) -> None:
        window.statusBar().showMessage(_("Data contoh dimuat: {counts}").format(counts=counts.describe()), 15000)
        window.institution = summary.institution()
        window.setWindowTitle(window._title())
        window.refresh_summary()

    operation = run_in_background(window, lambda task: demo.generate(task=task, **demo.FIRST_RUN),
                                  title=_("Memuat data contoh"), on_success=done)
    window.operations.append(operation)
    return operation


def peak_memory_mb() -> int:
    """Peak resident memory of this process in MB (0 where the platform does not say).

    Read from /proc (VmHWM) where there is one: getrusage's figure survives exec, so a
    process started by a large one would report its parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _present(window: MainWindow) -> None:
    """Shows the main window of the signed-in clerk, with the idle lock of Pengaturan."""
    window.show()
    window.start_idle_lock()


def _sign_in_from_environment() -> None:
    """--exit-after-start (the start-up benchmark): signs in the account of $KUPANG_DESK_USER, so
    the window measured is that role's, not an empty one."""
    name = os.environ.get("KUPANG_DESK_USER", "")
    if name:
        session.sign_in(users.authenticate(name, os.environ.get("KUPANG_DESK_PASSWORD", "")))


def _load_window_module() -> type[MainWindow]:
    """The main window's class; its module (and the Beranda's, the status bar's) are imported by the
    first call, which ``sign_in_flow`` makes once its dialog is on screen."""
    from kupang_desk.ui.main_window import MainWindow

    if gc.get_threshold()[0] > DEFAULT_GC_THRESHOLD:  # loaded: the collector as usual (see cli.main)
        gc.freeze()
        gc.set_threshold(DEFAULT_GC_THRESHOLD, *gc.get_threshold()[1:])
    return MainWindow


def run_app(url: str | None, *, exit_after_start: bool = False, started: float | None = None) -> int:
    """Runs the interface until the window closes; returns the exit code."""
    started = started if started is not None else time.perf_counter()
    app = application()
    install_excepthook()
    try:
        target = database.connect(url, seed=False)
        if not prepare_reference_data():  # a new database: its lists load behind a splash with progress
            database.close()
            return 0
        # Signing in (and, on a new installation, the first-run setup) before any data is shown.
        # --exit-after-start only measures how fast the window comes up and closes it at once.
        # The window's modules load while the sign-in dialog waits for the clerk's typing.
        if not exit_after_start and sign_in_flow(target=target, while_shown=_load_window_module) is None:
            database.close()
            return 0
        checking = time.perf_counter()
        if exit_after_start:
            _sign_in_from_environment()
        password_check = time.perf_counter() - checking
        window = _load_window_module()(target, automatic_backups=not exit_after_start)
    except KnownError as error:
        QMessageBox.critical(QWidget(), _("Kupang Desk"), error_message(error))
        return 2
    _present(window)
    if exit_after_start:
        def report() -> None:
            app.processEvents()
            focus = app.focusWidget()
            print(f"startup_seconds={time.perf_counter() - started:.3f} peak_mb={peak_memory_mb()} shown_at={time.time():.6f} "
                  f"password_check_seconds={password_check:.3f} focused={focus.objectName() if focus else '-'} "
                  f"section={window.current_section() if window.navigation.count() else '-'}")
            window.close()
            app.quit()

        QTimer.singleShot(0, report)
        return app.exec()
    QTimer.singleShot(500, window.backups.check_and_back_up)  # the start-up check and today's backup, once
    while True:
        QTimer.singleShot(0, window.refresh_summary)
        code = app.exec()
        # Berkas > Ganti pengguna closed the window for the next clerk, who signs in to a new one.
        if code != 0 or not window.switching_user or sign_in_flow(target=target) is None:
            break
        window = _load_window_module()(target, automatic_backups=True)
        _present(window)
        QTimer.singleShot(0, window.backups.show_age)
    database.close(optimize=True)
    return code
