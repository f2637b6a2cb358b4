"""Cadangan dan sesi: where backups go, when to warn, and when an idle session locks."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import preferences, settings
from kupang_desk.i18n import _
from kupang_desk.ui.settings.feedback import attempt, status_label
from kupang_desk.ui.widgets import (
    line,
)


class BackupSessionTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = line(preferences.get("backup.folder"), placeholder=_("kosong: folder data pengguna"))
        browse = QPushButton(_("Pilih..."))
        browse.clicked.connect(self._choose)
        self.warn_days = QSpinBox()
        self.warn_days.setRange(1, 60)
        self.warn_days.setValue(preferences.get("backup.warn_after_days"))
        self.idle = QSpinBox()
        self.idle.setRange(1, 240)
        self.idle.setSuffix(_(" menit"))
        self.idle.setValue(settings.idle_minutes())
        folder = QHBoxLayout()
        folder.addWidget(self.folder, 1)
        folder.addWidget(browse)
        form = QFormLayout()
        form.addRow(_("Folder cadangan otomatis:"), folder)
        form.addRow(_("Peringatkan bila cadangan lebih tua dari (hari):"), self.warn_days)
        form.addRow(_("Kunci sesi sesudah tidak dipakai:"), self.idle)
        self.message = status_label()
        self.save_button = QPushButton(_("Simpan"))
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder cadangan"))
        if folder:
            self.folder.setText(folder)

    def save(self) -> bool:
        def work() -> None:
            settings.set_backup_settings(self.folder.text().strip(), self.warn_days.value())
            settings.set_idle_minutes(self.idle.value())

        return attempt(self.message, work, _("Disimpan. Kunci sesi yang baru berlaku saat masuk berikutnya."))
