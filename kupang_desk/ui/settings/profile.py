"""Profil: the institution's name, codes, address and logo on every printout."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import office
from kupang_desk.documents import signing
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.students.grades import LEVELS
from kupang_desk.ui.feedback import say, status_label
from kupang_desk.ui.widgets import (
    ask_open_path,
    ask_save_path,
    combo,
    line,
    select_data,
)


class ProfileTab(QWidget):
    saved = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        profile = office.Profile.current()
        self.kind = combo([(_("Puskesmas"), "puskesmas"), (_("Sekolah"), "sekolah"), (_("Dinas Kesehatan"), "dinas")])
        select_data(self.kind, profile.kind)
        self.name, self.code = line(profile.name), line(profile.code)
        self.level = combo([("", ""), *((level, level) for level in LEVELS)])
        select_data(self.level, profile.school_level)
        self.address, self.city, self.phone = line(profile.address), line(profile.city), line(profile.phone)
        self.head_name, self.head_nip = line(profile.head_name), line(profile.head_nip)
        self.letterhead = QPlainTextEdit(profile.letterhead)
        self.letterhead.setMaximumHeight(60)
        self.logo_path = line(placeholder=_("PNG atau JPG; kosongkan bila tidak diganti"))
        browse = QPushButton(_("Pilih..."))
        browse.clicked.connect(self._choose_logo)
        logo = QHBoxLayout()
        logo.addWidget(self.logo_path, 1)
        logo.addWidget(browse)
        form = QFormLayout()
        for label, widget in ((_("Jenis:"), self.kind), (_("Nama institusi:"), self.name),
                              (_("Kode/NPSN:"), self.code), (_("Jenjang (sekolah):"), self.level), (_("Alamat:"), self.address),
                              (_("Kota:"), self.city), (_("Telepon:"), self.phone), (_("Nama kepala:"), self.head_name),
                              (_("NIP kepala:"), self.head_nip), (_("Baris kop surat:"), self.letterhead)):
            form.addRow(label, widget)
        form.addRow(_("Logo:"), logo)
        # The key the puskesmas's report files are signed with: saved once for the Dinas to register, its
        # fingerprint read to the Dinas over the phone (documents.signing).
        self.key_label = QLabel()
        self.key_label.setObjectName("signingFingerprint")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_button = QPushButton(_("Simpan file kunci untuk Dinas..."))
        self.key_button.setToolTip(_("Dinas menerima file laporan puskesmas ini hanya bila ditandatangani kunci ini; "
                                     "serahkan file kuncinya sekali dan bacakan sidiknya"))
        self.key_button.clicked.connect(lambda: self.save_key())
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_label, 1)
        key_row.addWidget(self.key_button)
        form.addRow(_("Kunci tanda tangan:"), key_row)
        self._show_key(profile.kind, profile.code)
        self.save_button = QPushButton(_("Simpan profil"))
        self.save_button.clicked.connect(self.save)
        self.message = status_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)

    def _show_key(self, kind: str, code: str) -> None:
        code = "".join(code.split())
        if kind != "puskesmas":
            self.key_label.setText(_("Hanya untuk puskesmas."))
        elif not code:
            self.key_label.setText(_("Isi dan simpan kode puskesmas dulu."))
        else:
            self.key_label.setText(_("sidik {fingerprint}").format(fingerprint=signing.fingerprint(signing.public_key(code))))
        self.key_button.setEnabled(kind == "puskesmas" and bool(code))

    def save_key(self, path: str | None = None) -> bool:
        """Saves the public key file the Dinas registers, and says its fingerprint."""
        from kupang_desk.submissions import city

        profile = office.Profile.current()
        path = path or ask_save_path(self, "signing-key", _("Simpan file kunci untuk Dinas"),
                                     f"kunci-{''.join(profile.code.split())}.json", _("Kunci puskesmas (*.json)"))
        if not path:
            return False
        try:
            entry = city.export_key(path)
        except KnownError as error:
            say(self.message, str(error), error=True)
            return False
        say(self.message, _("File kunci disimpan. Serahkan ke Dinas dan bacakan sidiknya saat mereka mendaftarkannya: "
                            "{fingerprint}.").format(fingerprint=entry.fingerprint))
        return True

    def _choose_logo(self) -> None:
        path = ask_open_path(self, "logo", _("Logo"), _("Gambar (*.png *.jpg *.jpeg)"))
        if path:
            self.logo_path.setText(path)

    def save(self) -> bool:
        profile = office.Profile(kind=self.kind.currentData(), name=self.name.text(), code=self.code.text(),
                                   school_level=self.level.currentData() or "", address=self.address.text(),
                                   city=self.city.text(), phone=self.phone.text(), head_name=self.head_name.text(),
                                   head_nip=self.head_nip.text(), letterhead=self.letterhead.toPlainText())
        try:
            logo = office.read_logo(self.logo_path.text().strip()) if self.logo_path.text().strip() else None
            office.save_profile(profile, logo=logo)
        except KnownError as error:
            say(self.message, str(error), error=True)
            return False
        self._show_key(profile.kind, profile.code)
        say(self.message, _("Profil disimpan. Jenis dan layar yang tampil berubah saat program dibuka lagi."))
        self.saved.emit()
        return True
