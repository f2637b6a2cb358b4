"""The first start on a new database: a splash with the progress of the reference data (the regions
of NTT and the WHO's ICD-10, about a second) before the first-run setup, instead of no window."""

from __future__ import annotations

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from kupang_desk import connection as database
from kupang_desk.i18n import _
from kupang_desk.tasks import Cancelled
from kupang_desk.ui.operations import Operation


class FirstStartSplash(QWidget):
    """Kupang Desk's name, what it is doing and how far, and Batal (which ends the program; the next
    start loads the lists again, nothing half-loaded stays)."""

    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.SplashScreen | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("firstStartSplash")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # its border, on every platform
        self.setWindowTitle(_("Kupang Desk"))
        self.setFixedWidth(460)
        self.setStyleSheet("QWidget#firstStartSplash { background: palette(base); border: 1px solid palette(mid); }")
        title = QLabel(_("Kupang Desk"))
        title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        about = QLabel(_("Menyiapkan database baru: wilayah Nusa Tenggara Timur, daftar ICD-10, poli dan cara bayar. "
                         "Ini hanya sekali, pada pemakaian pertama."))
        about.setWordWrap(True)
        self.step = QLabel(_("Memulai..."))
        self.step.setObjectName("splashStep")
        self.progress = QProgressBar()
        self.progress.setObjectName("splashProgress")
        self.progress.setRange(0, 100)
        self.cancel = QPushButton(_("Batal"))
        self.cancel.setObjectName("splashCancel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        for widget in (title, about, self.step, self.progress):
            layout.addWidget(widget)
        layout.addWidget(self.cancel, alignment=Qt.AlignmentFlag.AlignRight)

    def show_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))
        if text:
            self.step.setText(text)


def prepare_reference_data() -> bool:
    """Loads the reference data a new database lacks, on a worker behind the splash (at once, without
    one, when it is all there: then only the small lists are checked). False when the clerk cancelled;
    a failure is raised for the caller's message."""
    if not database.missing_reference_data():
        database.ensure_reference_data()
        return True
    splash = FirstStartSplash()
    splash.show()
    loop = QEventLoop()
    operation = Operation(splash, database.ensure_reference_data, title=_("Menyiapkan database baru"),
                          show_progress=False, on_failure=lambda _error: None)
    operation.worker.progressed.connect(splash.show_progress)
    splash.cancel.clicked.connect(operation.cancel)

    def cancelling() -> None:
        splash.step.setText(_("Membatalkan..."))
        splash.cancel.setEnabled(False)

    splash.cancel.clicked.connect(cancelling)
    operation.finished.connect(loop.quit)
    operation.start()
    loop.exec()
    splash.close()
    splash.deleteLater()
    if isinstance(operation.error, Cancelled):
        return False
    if operation.error is not None:
        raise operation.error
    return True
