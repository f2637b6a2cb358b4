"""Backups as the clerk meets them: the age in the status bar, the start-up check and the daily
backup, a backup to a USB stick, restoring one, and the backup the window waits for on closing.
All of it runs off the GUI thread through ``ui.operations``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QMessageBox, QWidget

from kupang_desk import connection as database
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import allowed
from kupang_desk.backup import copies as backup
from kupang_desk.backup import encryption
from kupang_desk.connection import DatabaseUrl
from kupang_desk.formatting import format_age
from kupang_desk.i18n import _
from kupang_desk.ui.operations import Operation, run_in_background, show_error
from kupang_desk.ui.widgets import ask_folder, ask_open_path

LATE_STYLE = "color: #b00020; font-weight: bold;"


class BackupDesk(QObject):
    """The backup work of one main window. ``automatic`` makes the daily and the closing backup."""

    def __init__(self, window: QWidget, target: DatabaseUrl, *, automatic: bool,
                 keep: Callable[[Operation], None],
                 after_restore: Callable[[Path, Path], None] | None = None) -> None:
        """``after_restore(backup, safety_copy)`` replaces the usual ending of a restore (the
        window says so and closes), for the first-run setup, which goes on to the sign-in."""
        super().__init__(window)
        self.window, self.target, self.automatic, self._keep = window, target, automatic, keep
        self.after_restore = after_restore
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
            else:
                self.offer_interrupted_restore()
            self.show_age()

        return self._run(work, _("Memeriksa database"), done, show_progress=False)

    def show_age(self) -> None:
        last = backup.last_backup()
        if last.age is None:
            text = _("Belum ada cadangan")
        else:
            text = _("Cadangan terakhir: {age}").format(age=format_age(last.age))
        self.label.setText(text)
        self.label.setStyleSheet(LATE_STYLE if last.late else "")
        self.label.setToolTip(_("Cadangan di {folder}").format(folder=last.folder))
        # The Beranda's tile tells the same answer at the same moment (it was counted before the start-up backup).
        built = getattr(self.window, "built_page", None)
        beranda = built("beranda") if built is not None else None
        if beranda is not None:
            beranda.show_backup()

    def ask_passphrase(self, text: str) -> str | None:
        """The backup passphrase, typed by the administrator (None when cancelled)."""
        typed, ok = QInputDialog.getText(self.window, _("Kata sandi cadangan"), text, QLineEdit.EchoMode.Password)
        return typed if ok and typed else None

    def to_folder(self, folder: str | None = None, passphrase: str | None = None) -> Operation | None:
        """A backup to a folder the clerk picks (a USB stick), encrypted and checked, with its contents shown."""
        if folder is None:
            folder = ask_folder(self.window, "backup-to", _("Pilih folder atau flashdisk untuk cadangan"))
            if not folder:
                return None

        def work(task):
            made = backup.make_backup(folder, task=task, passphrase=passphrase)
            return made, backup.inspect_backup(made)

        def done(result) -> None:
            path, info = result
            self.show_age()
            QMessageBox.information(self.window, _("Cadangan dibuat"), _(
                "Cadangan terenkripsi dibuat dan sudah diperiksa:\n{path}\n\n{info}\n\nFlashdisk boleh dicabut."
            ).format(path=path, info=info.describe()))

        def failed(error: BaseException) -> None:
            if isinstance(error, encryption.PassphraseNeeded) and passphrase is None:
                typed = self.ask_passphrase(str(error) + "\n\n" + _("Kata sandi cadangan:"))
                if typed:
                    self.to_folder(folder, typed)
                return
            show_error(self.window, error)

        return self._run(work, _("Membuat cadangan"), done, on_failure=failed)

    def ask_restore(self, path: str | None = None, passphrase: str | None = None) -> Operation | None:
        """Reads what the backup holds (off the GUI thread), asks for the passphrase when this PC does not
        know the one it was made under, shows it and, once confirmed, swaps it in (the window then
        closes). Another institution's backup needs its name typed."""
        if path is None:
            path = ask_open_path(self.window, "backup-file", _("Pilih file cadangan"),
                                 _("Cadangan Kupang Desk (*.kdbackup *.kdbackup-pg)"), backup.backup_folder())
            if not path:
                return None
        chosen = Path(path)

        def work(task):
            info = backup.inspect_backup(chosen, passphrase=passphrase, check_all=True, task=task)
            return info, backup.belongs_elsewhere(info, self.target)

        def checked(result) -> None:
            info, here = result
            if here is not None:
                self.confirm_other_institution(chosen, info, here, passphrase)
                return
            answer = QMessageBox.question(self.window, _("Pulihkan dari cadangan"), _(
                "Cadangan: {info}\n\nDatabase sekarang ({where}) akan diganti seluruhnya; salinan pengamannya disimpan "
                "lebih dulu. Lanjutkan?").format(info=info.describe(), where=self.target.describe()))
            if answer == QMessageBox.StandardButton.Yes:
                self.restore(chosen, passphrase)

        def failed(error: BaseException) -> None:
            if isinstance(error, encryption.PassphraseNeeded) or (passphrase and "salah" in str(error)):
                typed = self.ask_passphrase(str(error) + "\n\n" + _("Kata sandi cadangan:"))
                if typed:
                    self.ask_restore(str(chosen), typed)
                return
            show_error(self.window, error)

        return self._run(work, _("Memeriksa cadangan"), checked, on_failure=failed)

    def confirm_other_institution(self, path: Path, info: backup.BackupInfo, here: str,
                                  passphrase: str | None) -> bool:
        """Another institution's backup: restored only when the clerk types that institution's name."""
        typed, ok = QInputDialog.getText(self.window, _("Cadangan institusi lain"), _(
            "Cadangan ini milik {other}, bukan {here}. Memulihkannya mengganti SELURUH data {here} dengan data {other} "
            "(salinan pengaman tetap disimpan).\n\nBila memang itu maksudnya, ketik nama institusi cadangan: {other}"
        ).format(other=info.institution, here=here))
        if not ok or " ".join(typed.split()).lower() != " ".join(info.institution.split()).lower():
            if ok:
                QMessageBox.information(self.window, _("Tidak dipulihkan"), _("Nama yang diketik tidak sama; tidak ada yang berubah."))
            return False
        self.restore(path, passphrase, other_institution=True)
        return True

    def offer_interrupted_restore(self) -> QMessageBox | None:
        """A restore that died before this start: says so, names the safety copy, and offers to run
        the same backup again (to an account that may restore)."""
        note = backup.interrupted_restore_note()
        if note is None:
            return None
        text, source = note
        box = QMessageBox(QMessageBox.Icon.Warning, _("Pemulihan terhenti"), text, QMessageBox.StandardButton.NoButton,
                          self.window)
        if source is not None and allowed(session.current(), "backup.restore"):
            box.setInformativeText(_("Cadangan yang tadi dipulihkan: {file}.").format(file=source))
            button = box.addButton(_("Ulangi pemulihan..."), QMessageBox.ButtonRole.AcceptRole)
            button.clicked.connect(lambda: self.ask_restore(str(source)))
        box.addButton(_("Tutup"), QMessageBox.ButtonRole.RejectRole)
        box.setObjectName("interrupted-restore")
        box.open()
        self.interrupted_box = box
        return box

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

    def restore(self, path: Path, passphrase: str | None = None, *, other_institution: bool = False) -> Operation:
        """Replaces the database with the backup, with progress; the old one is kept as a safety copy."""
        database.close()  # the window's own connection; each worker closes its own

        def done(safety) -> None:
            if self.after_restore is not None:
                self.after_restore(path, safety)
                return
            QMessageBox.information(self.window, _("Database dipulihkan"), _(
                "Database dipulihkan dari {file}. Salinan pengaman: {safety}. Kupang Desk ditutup; buka lagi untuk melanjutkan."
            ).format(file=path.name, safety=safety))
            self.closing_done = True
            self.window.close()

        return self._run(lambda task: backup.restore_backup(path, self.target, task=task, passphrase=passphrase,
                                                            other_institution=other_institution),
                         _("Memulihkan dari cadangan"), done)

    def close_requested(self) -> bool:
        """True when the window may close now; else the closing backup runs and closes it after."""
        if not self.automatic or self.closing_done:
            return True
        if self._closing is None:  # one closing backup at a time
            def finished(*_args) -> None:
                self.closing_done = True
                self.window.close()

            def failed(error: BaseException) -> None:
                show_error(self.window, error)
                finished()

            self._closing = run_in_background(
                self.window, lambda task: backup.automatic_backup(task=task, force=True),
                title=_("Membuat cadangan sebelum menutup"), on_success=finished, on_failure=failed)
        return False
