"""Pengaturan > P-Care: the address, the consumer id, the account and the FKTP code of this puskesmas;
the consumer secret, the user key and the password go outside the database and are never shown."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kupang_desk.i18n import _
from kupang_desk.pcare import connection
from kupang_desk.ui.feedback import attempt, status_label
from kupang_desk.ui.widgets import line


def _secret(has: bool, hint: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(_("sudah tersimpan; tulis untuk mengganti") if has else hint)
    return field


class PcareTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        data = connection.current()
        self.url = line(data.url, placeholder="https://apijkn.bpjs-kesehatan.go.id/pcare-rest")
        self.cons_id = line(data.cons_id, placeholder=_("Cons-ID dari BPJS, misalnya 12345"))
        self.secret = _secret(data.has_secret, _("Consumer secret dari BPJS"))
        self.user_key = _secret(data.has_user_key, _("User key dari BPJS"))
        self.username = line(data.username, placeholder=_("akun P-Care puskesmas"))
        self.password = _secret(data.has_password, _("kata sandi akun P-Care"))
        self.provider = line(data.provider_code, placeholder=_("kode FKTP, misalnya 0162B003"))
        for name, field in (("pcareUrl", self.url), ("pcareConsId", self.cons_id), ("pcareSecret", self.secret),
                            ("pcareUserKey", self.user_key), ("pcareUsername", self.username),
                            ("pcarePassword", self.password), ("pcareProvider", self.provider)):
            field.setObjectName(name)
        form = QFormLayout()
        form.addRow(_("Alamat layanan:"), self.url)
        form.addRow(_("Cons-ID:"), self.cons_id)
        form.addRow(_("Consumer secret:"), self.secret)
        form.addRow(_("User key:"), self.user_key)
        form.addRow(_("Nama pengguna P-Care:"), self.username)
        form.addRow(_("Kata sandi P-Care:"), self.password)
        form.addRow(_("Kode FKTP puskesmas:"), self.provider)
        self.save_button = QPushButton(_("Simpan"))
        self.save_button.clicked.connect(lambda: self.save())
        self.message = status_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.save_button)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def save(self) -> bool:
        def work() -> connection.Connection:
            saved = connection.save(self.url.text(), self.cons_id.text(), self.username.text(), self.provider.text(),
                                    secret=self.secret.text(), user_key=self.user_key.text(), password=self.password.text())
            for field in (self.secret, self.user_key, self.password):
                if field.text():
                    field.clear()
                    field.setPlaceholderText(_("sudah tersimpan; tulis untuk mengganti"))
            return saved

        return attempt(self.message, work, lambda saved: _("Disimpan.") if saved.complete else _(
            "Disimpan. Belum lengkap: consumer secret, user key dan kata sandi P-Care perlu diisi sekali."))
