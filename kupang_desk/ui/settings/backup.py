"""Cadangan dan sesi: where backups go, when to warn, and when an idle session locks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import office, settings
from kupang_desk.backup import encryption
from kupang_desk.i18n import _
from kupang_desk.ui.feedback import attempt, say, status_label
from kupang_desk.ui.widgets import ask_folder, ask_save_path, line, open_document


class BackupSessionTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = line(settings.get("backup.folder"), placeholder=_("kosong: folder data pengguna"))
        browse = QPushButton(_("Pilih..."))
        browse.clicked.connect(self._choose)
        self.warn_days = QSpinBox()
        self.warn_days.setRange(1, 60)
        self.warn_days.setValue(settings.get("backup.warn_after_days"))
        self.idle = QSpinBox()
        self.idle.setRange(1, 240)
        self.idle.setSuffix(_(" menit"))
        self.idle.setValue(office.idle_minutes())
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
        layout.addWidget(self._passphrase_box())
        layout.addStretch(1)

    def _passphrase_box(self) -> QGroupBox:
        """The office's backup passphrase: set or change it, let this PC know it, print the recovery sheet."""
        box = QGroupBox(_("Kata sandi cadangan"))
        self.passphrase_state = QLabel()
        self.passphrase_state.setWordWrap(True)
        self.passphrase, self.passphrase_repeat = QLineEdit(), QLineEdit()
        for field in (self.passphrase, self.passphrase_repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_message = status_label()
        self.set_passphrase_button = QPushButton(_("Atur kata sandi baru"))
        self.set_passphrase_button.clicked.connect(self.set_passphrase)
        self.unlock_button = QPushButton(_("Kenalkan ke PC ini"))
        self.unlock_button.setToolTip(_("Untuk PC lain di kantor yang sama: cadangan otomatis di PC ini berjalan lagi."))
        self.unlock_button.clicked.connect(self.unlock)
        self.sheet_button = QPushButton(_("Simpan lembar pemulihan (PDF)..."))
        self.sheet_button.clicked.connect(self.save_recovery_sheet)
        form = QFormLayout()
        form.addRow(self.passphrase_state)
        form.addRow(_("Kata sandi cadangan:"), self.passphrase)
        form.addRow(_("Ulangi (untuk kata sandi baru):"), self.passphrase_repeat)
        buttons = QHBoxLayout()
        for button in (self.set_passphrase_button, self.unlock_button, self.sheet_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow(self.passphrase_message)
        box.setLayout(form)
        self._show_passphrase_state()
        return box

    def _show_passphrase_state(self) -> None:
        if not encryption.has_passphrase():
            text = _("Belum diatur: cadangan belum dapat dibuat. Atur kata sandi cadangan, lalu simpan lembar pemulihannya.")
        elif encryption.key_available():
            text = _("Sudah diatur; PC ini membuat cadangan terenkripsi tanpa bertanya. Tanpa kata sandi ini cadangan tidak "
                     "dapat dipulihkan oleh siapa pun: simpan lembar pemulihannya di brankas kantor.")
        else:
            text = _("Sudah diatur, tetapi PC ini belum mengetahuinya: ketik kata sandi cadangan lalu \"Kenalkan ke PC ini\".")
        self.passphrase_state.setText(text)

    def _typed(self) -> str:
        return self.passphrase.text()

    def set_passphrase(self) -> bool:
        if self.passphrase.text() != self.passphrase_repeat.text():
            say(self.passphrase_message, _("Kata sandi cadangan dan ulangannya berbeda."), error=True)
            return False
        done = attempt(self.passphrase_message, lambda: encryption.set_passphrase(self._typed()),
                       _("Kata sandi cadangan diatur. Cadangan berikutnya dienkripsi dengannya; simpan lembar pemulihannya."))
        self._show_passphrase_state()
        return done

    def unlock(self) -> bool:
        done = attempt(self.passphrase_message, lambda: encryption.unlock(self._typed()),
                       _("PC ini sekarang mengetahui kata sandi cadangan."))
        self._show_passphrase_state()
        return done

    def save_recovery_sheet(self, path: str | None = None) -> bool:
        if path is None:
            path = ask_save_path(self, "recovery-sheet", _("Simpan lembar pemulihan"), "lembar-pemulihan-cadangan.pdf",
                                 _("PDF (*.pdf)"))
            if not path:
                return False
        profile = office.Profile.current()
        done = attempt(self.passphrase_message,
                       lambda: encryption.recovery_sheet(path, self._typed(), profile.name),
                       _("Lembar pemulihan disimpan di {path}. Cetak, simpan di brankas kantor, lalu hapus filenya.").format(path=path))
        if done:
            open_document(Path(path))
        return done

    def _choose(self) -> None:
        folder = ask_folder(self, "backup-folder", _("Folder cadangan"))
        if folder:
            self.folder.setText(folder)

    def save(self) -> bool:
        def work() -> None:
            office.set_backup_settings(self.folder.text().strip(), self.warn_days.value())
            office.set_idle_minutes(self.idle.value())

        return attempt(self.message, work, _("Disimpan. Kunci sesi yang baru berlaku saat masuk berikutnya."))
