"""Backups as the clerk meets them: the age in the status bar, the start-up check and the daily
backup, a backup to a USB stick, restoring one, and the backup the window waits for on closing.
All of it runs off the GUI thread through ``ui.operations``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox

from kupang_desk import backup, preferences
from kupang_desk import connection as database
from kupang_desk.connection import DatabaseUrl
from kupang_desk.i18n import _
from kupang_desk.ui.operations import Operation, run_in_background, show_error

LATE_STYLE = "color: #b00020; font-weight: bold;"


class BackupDesk(QObject):
    """The backup work of one main window. ``automatic`` makes the daily and the closing backup."""

    def __init__(self, window: QMainWindow, target: DatabaseUrl, *, automatic: bool,
                 keep: Callable[[Operation], None]) -> None:
        super().__init__(window)
        self.window, self.target, self.automatic, self._keep = window, target, automatic, keep
        self.label = QLabel()
        self.label.setObjectName("backupLabel")
        self.closing_done = False
        self._closing: Operation | None = None

    def _run(self, work, title: str, done, **options) -> Operation:
        operation = run_in_background(self.window, work, title=title, on_success=done, **options)
        self._keep(operation)
        return operation

    def check_and_back_up(self) -> Operation:
        """Quick integrity check, then the daily backup."""
        def work(task):
            if not backup.quick_check():
                return False
            if self.automatic:
                backup.automatic_backup(task=task)
            return True

        def done(healthy: bool) -> None:
            if not healthy:
                self.offer_restore()
            self.show_age()

        return self._run(work, _("Memeriksa database"), done, show_progress=False)

    def show_age(self) -> None:
        age = backup.latest_backup_age(backup.backup_folder())
        if age is None:
            text, late = _("Belum ada cadangan"), True
        else:
            hours = int(age.total_seconds() // 3600)
            text = _("Cadangan terakhir: {n} jam lalu").format(n=hours) if hours < 48 else \
                _("Cadangan terakhir: {n} hari lalu").format(n=age.days)
            late = age.days >= preferences.get("backup.warn_after_days")
        self.label.setText(text)
        self.label.setStyleSheet(LATE_STYLE if late else "")
        self.label.setToolTip(_("Cadangan di {folder}").format(folder=backup.backup_folder()))

    def to_folder(self, folder: str | None = None) -> Operation | None:
        """A backup to a folder the clerk picks (a USB stick), checked, with its contents shown."""
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self.window, _("Pilih folder atau flashdisk untuk cadangan"))
            if not folder:
                return None

        def work(task):
            made = backup.make_backup(folder, task=task)
            return made, backup.inspect_backup(made)  # read back: checksum and integrity of the copy

        def done(result) -> None:
            path, info = result
            self.show_age()
            QMessageBox.information(self.window, _("Cadangan dibuat"), _(
                "Cadangan dibuat dan sudah diperiksa:\n{path}\n\n{info}\n\nFlashdisk boleh dicabut."
            ).format(path=path, info=info.describe()))

        return self._run(work, _("Membuat cadangan"), done)

    def ask_restore(self, path: str | None = None) -> Operation | None:
        """Checks the backup (off the GUI thread: its checksum and integrity read the whole file),
        shows what it holds and, once confirmed, swaps it in (the window then closes)."""
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(self.window, _("Pilih file cadangan"), str(backup.backup_folder()),
                                                        _("Cadangan Kupang Desk (*.kdbackup *.kdbackup-pg)"))
            if not path:
                return None
        chosen = Path(path)

        def checked(info: backup.BackupInfo) -> None:
            answer = QMessageBox.question(self.window, _("Pulihkan dari cadangan"), _(
                "Cadangan: {info}\n\nDatabase sekarang ({where}) akan diganti seluruhnya; salinan pengamannya disimpan "
                "lebih dulu. Lanjutkan?").format(info=info.describe(), where=self.target.describe()))
            if answer == QMessageBox.StandardButton.Yes:
                self.restore(chosen)

        return self._run(lambda _task: backup.inspect_backup(chosen), _("Memeriksa cadangan"), checked)

    def offer_restore(self) -> QMessageBox:
        files = backup.backups_in(backup.backup_folder())
        latest = max(files, key=lambda p: p.stat().st_mtime) if files else None
        text = _("Pemeriksaan database menemukan kerusakan. Jangan lanjut bekerja dengan database ini.")
        if latest is not None:
            text += " " + _("Cadangan terakhir: {file}. Pulihkan sekarang? Database yang rusak disimpan sebagai salinan pengaman.").format(
                file=latest.name)
        else:
            text += " " + _("Tidak ada cadangan di {folder}. Hubungi petugas TI.").format(folder=backup.backup_folder())
        box = QMessageBox(QMessageBox.Icon.Critical, _("Database rusak"), text, QMessageBox.StandardButton.NoButton, self.window)
        if latest is not None:
            button = box.addButton(_("Pulihkan cadangan terakhir"), QMessageBox.ButtonRole.AcceptRole)
            button.clicked.connect(lambda: self.restore(latest))
        box.addButton(_("Tutup"), QMessageBox.ButtonRole.RejectRole)
        box.open()
        return box

    def restore(self, path: Path) -> Operation:
        """Replaces the database with the backup, with progress; the old one is kept as a safety copy."""
        database.close()  # the window's own connection; each worker closes its own

        def done(safety) -> None:
            QMessageBox.information(self.window, _("Database dipulihkan"), _(
                "Database dipulihkan dari {file}. Salinan pengaman: {safety}. Kupang Desk ditutup; buka lagi untuk melanjutkan."
            ).format(file=path.name, safety=safety))
            self.closing_done = True
            self.window.close()

        return self._run(lambda task: backup.restore_backup(path, self.target, task=task),
                         _("Memulihkan dari cadangan"), done)

    def close_requested(self) -> bool:
        """True when the window may close now; else the closing backup runs and closes it after."""
        if not self.automatic or self.closing_done:
            return True
        if self._closing is None:  # one closing backup at a time
            def finished(*_args) -> None:
                self.closing_done = True
                self.window.close()

            self._closing = run_in_background(
                self.window, lambda task: backup.automatic_backup(task=task, force=True),
                title=_("Membuat cadangan sebelum menutup"), on_success=finished,
                on_failure=lambda error: (show_error(self.window, error), finished()))
        return False
