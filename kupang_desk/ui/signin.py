"""Signing in: the first-run setup, the sign-in dialog, changing a password, and the idle lock
that covers every window and asks for the password again without closing anything."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import demo, office, settings
from kupang_desk.accounts import session, users
from kupang_desk.accounts.permissions import role_label
from kupang_desk.accounts.session import SignedIn
from kupang_desk.backup.copies import holds_nothing
from kupang_desk.backup.encryption import DEMO_PASSPHRASE
from kupang_desk.connection import DatabaseUrl
from kupang_desk.demo import DEMO_PASSWORD
from kupang_desk.errors import KnownError, error_message
from kupang_desk.i18n import _
from kupang_desk.students.grades import LEVELS
from kupang_desk.ui.backup import BackupDesk
from kupang_desk.ui.operations import Operation, run_in_background
from kupang_desk.ui.widgets import ERROR_STYLE, ask_folder, combo, fit_to_screen, line, ok_cancel


def _password() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _message() -> QLabel:
    label = QLabel()
    label.setObjectName("signInMessage")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


class SignInDialog(QDialog):
    """Name and password; a wrong password says how many tries are left, a lock says until when."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name = office.Profile.current().name
        self.setWindowTitle(_("Masuk — Kupang Desk"))
        self.user: SignedIn | None = None
        self.username = line()
        self.username.setObjectName("username")
        self.password = _password()
        self.password.setObjectName("password")
        self.message = _message()
        title = QLabel(name or "Kupang Desk")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        form = QFormLayout()
        form.addRow(_("Nama pengguna:"), self.username)
        form.addRow(_("Kata sandi:"), self.password)
        buttons = QDialogButtonBox()
        self.sign_in_button = buttons.addButton(_("Masuk"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Keluar"), QDialogButtonBox.ButtonRole.RejectRole)
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        demo = settings.get("demo.accounts")
        if demo:
            hint = QLabel(_("Data contoh: masuk sebagai {names} dengan kata sandi {password}. Kata sandi cadangan "
                            "data contoh: {passphrase}.").format(names=", ".join(demo), password=DEMO_PASSWORD,
                                                                 passphrase=DEMO_PASSPHRASE))
            hint.setWordWrap(True)
            hint.setObjectName("demoHint")
            layout.addWidget(hint)
        layout.addWidget(buttons)
        self.username.setFocus()

    def try_sign_in(self) -> SignedIn | None:
        try:
            user = users.authenticate(self.username.text(), self.password.text())
        except KnownError as error:
            self.message.setText(str(error))
            self.password.clear()
            self.password.setFocus()
            return None
        self.user = user
        self.accept()
        return user


class ChangePasswordDialog(QDialog):
    """The user's own new password; ``forced`` after a reset or for a new account."""

    def __init__(self, user: SignedIn, *, forced: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(_("Ganti kata sandi"))
        self.old, self.new, self.repeat = _password(), _password(), _password()
        self.message = _message()
        form = QFormLayout()
        form.addRow(_("Kata sandi sekarang:"), self.old)
        form.addRow(_("Kata sandi baru:"), self.new)
        form.addRow(_("Ulangi kata sandi baru:"), self.repeat)
        buttons = ok_cancel(_("Simpan"), self.save, self.reject)
        layout = QVBoxLayout(self)
        if forced:
            note = QLabel(_("Kata sandi ini dibuat oleh administrator. Ganti dengan kata sandi Anda sendiri "
                            "(paling sedikit {count} karakter) sebelum melanjutkan.").format(count=users.MIN_LENGTH))
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> bool:
        if self.new.text() != self.repeat.text():
            self.message.setText(_("Kata sandi baru dan ulangannya berbeda."))
            return False
        try:
            users.change_password(self.user, self.old.text(), self.new.text())
        except KnownError as error:
            self.message.setText(str(error))
            return False
        self.accept()
        return True


class FirstRunDialog(QDialog):
    """A new installation: the institution, the first administrator, where backups go."""

    DEMO = 2  # result when the clerk chose to try the program with demo data
    RESTORED = 3  # result when the office's backup was restored (a new PC): the sign-in follows

    def __init__(self, parent: QWidget | None = None, target: DatabaseUrl | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Penyiapan pertama — Kupang Desk"))
        fit_to_screen(self, 640, 700)
        current = office.Profile.current()
        self.kind = combo([(_("Puskesmas"), "puskesmas"), (_("Sekolah"), "sekolah")])
        self.kind.setCurrentIndex(max(self.kind.findData(current.kind), 0))
        self.name = line(current.name, placeholder=_("misalnya UPTD Puskesmas Oebobo"))
        self.code = line(current.code, placeholder=_("kode puskesmas atau NPSN sekolah"))
        self.level = combo([("", ""), *((level, level) for level in LEVELS)])
        self.address = line(current.address)
        self.head_name = line(current.head_name)
        self.head_nip = line(current.head_nip, placeholder=_("18 digit, boleh kosong"))
        self.letterhead = QPlainTextEdit(current.letterhead or "\n".join(office.default_letterhead("puskesmas")))
        self.letterhead.setMaximumHeight(60)
        self.username = line("admin")
        self.full_name = line()
        self.password, self.repeat = _password(), _password()
        self.backup = line(placeholder=_("kosongkan: folder data pengguna"))
        self.passphrase, self.passphrase_repeat = _password(), _password()
        self.passphrase.setPlaceholderText(_("paling sedikit 8 karakter, lain dari kata sandi akun"))
        passphrase_note = QLabel(_("Setiap cadangan dienkripsi dengan kata sandi ini, sehingga flashdisk yang hilang tidak "
                                   "membuka data pasien atau siswa. Tanpa kata sandi ini cadangan tidak dapat dipulihkan oleh "
                                   "siapa pun: setelah penyiapan, cetak lembar pemulihannya di Pengaturan > Cadangan dan "
                                   "simpan di brankas kantor."))
        passphrase_note.setWordWrap(True)
        browse = QPushButton(_("Pilih..."))
        browse.clicked.connect(self._choose_folder)
        profile = QFormLayout()
        profile.addRow(_("Jenis:"), self.kind)
        profile.addRow(_("Nama institusi:"), self.name)
        profile.addRow(_("Kode/NPSN:"), self.code)
        profile.addRow(_("Jenjang (sekolah):"), self.level)
        profile.addRow(_("Alamat:"), self.address)
        profile.addRow(_("Nama kepala:"), self.head_name)
        profile.addRow(_("NIP kepala:"), self.head_nip)
        profile.addRow(_("Baris kop surat:"), self.letterhead)
        admin = QFormLayout()
        admin.addRow(_("Nama pengguna:"), self.username)
        admin.addRow(_("Nama lengkap:"), self.full_name)
        admin.addRow(_("Kata sandi:"), self.password)
        admin.addRow(_("Ulangi kata sandi:"), self.repeat)
        folder = QHBoxLayout()
        folder.addWidget(self.backup, 1)
        folder.addWidget(browse)
        backup = QFormLayout()
        backup.addRow(_("Folder cadangan:"), folder)
        backup.addRow(_("Kata sandi cadangan:"), self.passphrase)
        backup.addRow(_("Ulangi kata sandi cadangan:"), self.passphrase_repeat)
        backup.addRow(passphrase_note)
        self.message = _message()
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("Simpan dan mulai"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.demo_button = buttons.addButton(_("Coba dengan data contoh"), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(_("Keluar"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.demo_button.clicked.connect(lambda: self.done(self.DEMO))
        # A new PC of an office that already works with Kupang Desk: its backup, not a new setup.
        self.operations: list[Operation] = []
        self.backups = BackupDesk(self, target, automatic=False, keep=self.operations.append,
                                  after_restore=self._restored) if target is not None else None
        self.restore_button = buttons.addButton(_("Pulihkan dari cadangan..."), QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.setToolTip(_("Untuk PC baru di kantor yang sudah memakai Kupang Desk: pulihkan cadangan "
                                         "dari flashdisk, lalu masuk dengan akun yang lama."))
        self.restore_button.setVisible(target is not None and holds_nothing(target))
        self.restore_button.clicked.connect(lambda: self.backups.ask_restore() if self.backups else None)

        # Demo data only goes into an empty database; one with records gets its administrator here.
        self.demo_button.setVisible(demo.is_empty())
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for title, form in ((_("Profil institusi"), profile), (_("Akun administrator pertama"), admin),
                            (_("Cadangan"), backup)):
            box = QGroupBox(title)
            box.setLayout(form)
            layout.addWidget(box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.admin: SignedIn | None = None

    def _restored(self, path: Path, safety: Path) -> None:
        QMessageBox.information(self, _("Database dipulihkan"), _(
            "Data dipulihkan dari {file}. Masuk dengan akun kantor yang lama.").format(file=path.name))
        self.done(self.RESTORED)

    def _kind_changed(self) -> None:
        school = self.kind.currentData() == "sekolah"
        text = self.letterhead.toPlainText()
        if school and "DINAS KESEHATAN" in text:
            self.letterhead.setPlainText(text.replace("DINAS KESEHATAN", "DINAS PENDIDIKAN DAN KEBUDAYAAN"))
        elif not school and "DINAS PENDIDIKAN DAN KEBUDAYAAN" in text:
            self.letterhead.setPlainText(text.replace("DINAS PENDIDIKAN DAN KEBUDAYAAN", "DINAS KESEHATAN"))

    def _choose_folder(self) -> None:
        folder = ask_folder(self, "backup-folder", _("Folder cadangan"))
        if folder:
            self.backup.setText(folder)

    def save(self) -> SignedIn | None:
        if self.password.text() != self.repeat.text():
            self.message.setText(_("Kata sandi dan ulangannya berbeda."))
            return None
        if self.passphrase.text() != self.passphrase_repeat.text():
            self.message.setText(_("Kata sandi cadangan dan ulangannya berbeda."))
            return None
        profile = office.Profile(kind=self.kind.currentData(), name=self.name.text(), code=self.code.text(),
                                   school_level=self.level.currentData() or "", address=self.address.text(),
                                   head_name=self.head_name.text(), head_nip=self.head_nip.text(),
                                   letterhead=self.letterhead.toPlainText())
        try:
            self.admin = office.first_run(profile, username=self.username.text(), full_name=self.full_name.text(),
                                            password=self.password.text(), backup_passphrase=self.passphrase.text(),
                                            backup_folder=self.backup.text().strip())
        except KnownError as error:
            self.message.setText(str(error))
            return None
        self.accept()
        return self.admin


class LockDialog(QDialog):
    """Over a locked session: the signed-in user's password opens it again."""

    def __init__(self, user: SignedIn, minutes: float, parent: QWidget | None = None, *, by_hand: bool = False) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(_("Sesi terkunci"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        why = _("Sesi dikunci (Ctrl+L).") if by_hand else _("Sesi dikunci karena tidak dipakai {minutes} menit.").format(
            minutes=f"{minutes:g}")
        note = QLabel(why + " " + _("Masukkan kata sandi {name} untuk melanjutkan; isian yang belum disimpan tetap ada.").format(
            name=user.full_name))
        note.setObjectName("lockReason")
        note.setWordWrap(True)
        self.password = _password()
        self.message = _message()
        buttons = QDialogButtonBox()
        self.unlock_button = buttons.addButton(_("Buka"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = buttons.addButton(_("Keluar dari program"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def try_unlock(self) -> bool:
        try:
            users.verify_again(self.user, self.password.text())
        except KnownError as error:
            self.message.setText(str(error))
            self.password.clear()
            return False
        self.accept()
        return True

    def reject(self) -> None:  # Esc does not open a locked session
        pass


class IdleLock(QObject):
    """Locks the session after ``minutes`` without a key press or mouse use: every window is covered
    (nothing is closed, so unsaved input stays) until the password is given again."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, user: SignedIn, minutes: float, parent: QObject | None = None, *, quit_to=None) -> None:
        super().__init__(parent)
        self.user = user
        self.minutes = minutes
        self.limit = minutes * 60.0
        self.last = time.monotonic()
        self.dialog: LockDialog | None = None
        self.covers: list[QWidget] = []
        self.quit_to = quit_to
        application = QApplication.instance()
        assert application is not None, "the idle lock watches the running application"
        self.application = application
        application.installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(int(max(min(self.limit * 1000 / 4, 15000), 50)))
        self.timer.timeout.connect(self.check)
        self.timer.start()

    ACTIVITY = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if self.dialog is None and event.type() in self.ACTIVITY:
            self.last = time.monotonic()
        return False

    def check(self) -> None:
        if self.dialog is None and time.monotonic() - self.last >= self.limit:
            self.lock()

    def lock(self, *, by_hand: bool = False) -> LockDialog:
        """Covers every window; ``by_hand`` when the clerk locked it (Ctrl+L), not the idle time."""
        if self.dialog is not None:
            return self.dialog
        for window in QApplication.topLevelWidgets():
            if window.isVisible() and not isinstance(window, LockDialog):
                cover = QWidget(window)
                cover.setObjectName("lockCover")
                cover.setAutoFillBackground(True)
                cover.setGeometry(window.rect())
                note = QLabel(_("Sesi terkunci. Isi kata sandi di jendela \"Sesi terkunci\" untuk melanjutkan."), cover)
                note.setAlignment(Qt.AlignmentFlag.AlignCenter)
                note.setWordWrap(True)
                note.setGeometry(cover.rect())
                cover.show()
                cover.raise_()
                self.covers.append(cover)
        dialog = self.dialog = LockDialog(self.user, self.minutes, by_hand=by_hand)
        dialog.accepted.connect(self._unlocked)
        dialog.quit_button.clicked.connect(self._quit)
        users.record_lock(self.user, self.minutes, by_hand=by_hand)
        dialog.open()
        self.locked.emit()
        return dialog

    def _quit(self) -> None:
        """Keluar dari program, without the password: the lock and its covers go at once (the program
        then closes as it always does, its closing backup first), not after a password nobody types."""
        if self.dialog is not None:
            self.dialog.done(QDialog.DialogCode.Rejected)
        for cover in self.covers:
            cover.deleteLater()
        self.covers = []
        self.dialog = None
        if self.quit_to is not None:
            self.quit_to()
        else:
            QApplication.quit()

    def _unlocked(self) -> None:
        for cover in self.covers:
            cover.deleteLater()
        self.covers = []
        self.dialog = None
        self.last = time.monotonic()
        self.unlocked.emit()

    def stop(self) -> None:
        self.timer.stop()
        self.application.removeEventFilter(self)


def describe_user(user: SignedIn | None) -> str:
    if user is None:
        return ""
    return _("Masuk sebagai {name} ({role})").format(name=user.full_name, role=role_label(user.role))


def _load_demo(parent: QWidget) -> bool:
    """The demo data, off the GUI thread with progress (it takes a few seconds on an office PC);
    the sign-in waits for it. False, with the reason shown, when it failed."""
    failed: list[BaseException] = []
    operation = run_in_background(parent, lambda task: demo.generate(task=task, **demo.FIRST_RUN),
                                  title=_("Memuat data contoh"), on_failure=failed.append)
    loop = QEventLoop()
    operation.finished.connect(loop.quit)
    loop.exec()  # the worker reports on this thread, so finished cannot have fired before this line
    if failed:
        QMessageBox.critical(parent, _("Kupang Desk"), error_message(failed[0]))
        return False
    return True


SHOWN_MS = 100  # after the sign-in dialog's first paint


def sign_in_flow(parent: QWidget | None = None, target: DatabaseUrl | None = None, *,
                 while_shown: Callable[[], object] | None = None) -> SignedIn | None:
    """At start: the first-run setup when there are no accounts yet (or the demo, or the office's
    backup restored), then the sign-in and, when asked for, the new password. Returns the
    signed-in user, or None to quit. ``while_shown`` runs once the sign-in dialog is on screen
    (the main window's modules load while the clerk types: keys typed meanwhile wait, none is lost)."""
    if not users.has_accounts():
        setup = FirstRunDialog(parent, target)
        result = setup.exec()
        if result == FirstRunDialog.DEMO:
            if demo.is_empty() and not _load_demo(setup):
                return None
        elif result not in (QDialog.DialogCode.Accepted, FirstRunDialog.RESTORED):
            return None
    dialog = SignInDialog(parent)
    if while_shown is not None:
        QTimer.singleShot(SHOWN_MS, dialog, while_shown)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None:
        return None
    user = dialog.user
    if user.must_change_password:
        change = ChangePasswordDialog(user, forced=True, parent=parent)
        if change.exec() != QDialog.DialogCode.Accepted:
            return None
    session.sign_in(user)
    return user
