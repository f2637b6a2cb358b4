"""Pengaturan > P-Care: the address, the consumer id, the account and the FKTP code of this puskesmas
(the consumer secret, the user key and the password go outside the database and are never shown);
beside them, P-Care's own codes chosen from its lists (each poli's kdPoli, the doctor, awareness and
discharge status) and the switch that sends JKN visits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import settings
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_number
from kupang_desk.i18n import _
from kupang_desk.office import poli_choices
from kupang_desk.pcare import connection, kbk, outbox
from kupang_desk.pcare.client import Reference
from kupang_desk.ui.feedback import attempt, say, status_label
from kupang_desk.ui.operations import Operation, run_in_background
from kupang_desk.ui.widgets import line, select_data


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
        account = QGroupBox(_("Koneksi ke P-Care"))
        left = QVBoxLayout(account)
        left.addLayout(form)
        left.addWidget(self.save_button)
        left.addWidget(self.message)
        left.addStretch(1)
        self.codes = CodesBox()
        self.kbk = KbkBox()
        left_column = QVBoxLayout()
        left_column.addWidget(account, 1)
        left_column.addWidget(self.kbk)
        layout = QHBoxLayout(self)
        layout.addLayout(left_column, 1)
        layout.addWidget(self.codes, 1)

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


def _choice(box: QComboBox, entries: list[Reference], kept: str) -> None:
    """Fills a combo with P-Care's list; a code kept before and not in the list stays, so marked."""
    box.clear()
    box.addItem(_("(pilih)"), "")
    for entry in entries:
        box.addItem(f"{entry.name} ({entry.code})", entry.code)
    if kept and box.findData(kept) < 0:
        box.addItem(_("{code} (tersimpan)").format(code=kept), kept)
    select_data(box, kept)


class CodesBox(QGroupBox):
    """P-Care's codes chosen from its own lists, never typed or guessed: a wrong code is accepted by
    P-Care and wrong in every claim after it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Kunjungan JKN ke P-Care"), parent)
        chosen = outbox.codes()
        self.enabled = QCheckBox(_("Kirim kunjungan JKN (cara bayar BPJS) ke P-Care"))
        self.enabled.setObjectName("pcareEnabled")
        self.enabled.setChecked(outbox.enabled())
        self.fetch_button = QPushButton(_("Ambil daftar kode dari P-Care"))
        self.fetch_button.setObjectName("pcareFetchCodes")
        self.fetch_button.setToolTip(_("Poli, dokter, kesadaran dan status pulang menurut P-Care; perlu koneksi internet"))
        self.fetch_button.clicked.connect(lambda: self.fetch())
        polis = poli_choices()
        self.polis = QTableWidget(len(polis), 2)
        self.polis.setObjectName("pcarePoli")
        self.polis.setHorizontalHeaderLabels([_("Poli di puskesmas"), _("Poli di P-Care")])
        self.polis.verticalHeader().hide()
        self.polis.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.poli_boxes: dict[int, QComboBox] = {}
        for row, (name, poli_id) in enumerate(polis):
            item = QTableWidgetItem(name)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.polis.setItem(row, 0, item)
            box = self.poli_boxes[poli_id] = QComboBox()
            _choice(box, [], chosen["poli"].get(str(poli_id), ""))
            self.polis.setCellWidget(row, 1, box)
        self.doctor, self.awareness, self.discharge, self.referral = QComboBox(), QComboBox(), QComboBox(), QComboBox()
        for name, box in (("doctor", self.doctor), ("awareness", self.awareness), ("discharge", self.discharge),
                          ("referral", self.referral)):
            box.setObjectName(f"pcare_{name}")
            _choice(box, [], chosen[name])
        form = QFormLayout()
        form.addRow(_("Dokter penanggung jawab:"), self.doctor)
        form.addRow(_("Kesadaran (pasien rawat jalan):"), self.awareness)
        form.addRow(_("Status pulang (berobat jalan):"), self.discharge)
        form.addRow(_("Status pulang (rujuk lanjut):"), self.referral)
        self.save_button = QPushButton(_("Simpan kode P-Care"))
        self.save_button.setObjectName("pcareSaveCodes")
        self.save_button.clicked.connect(lambda: self.save())
        self.message = status_label()
        self.message.setWordWrap(True)
        self.operation: Operation | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addWidget(self.fetch_button)
        layout.addWidget(self.polis, 1)
        layout.addLayout(form)
        layout.addWidget(self.save_button)
        layout.addWidget(self.message)

    def fetch(self) -> Operation | None:
        """P-Care's lists, off the GUI thread with progress and Batal."""
        try:
            client = connection.client()
        except KnownError as error:
            say(self.message, str(error), error=True)
            return None
        self.fetch_button.setEnabled(False)
        self.operation = run_in_background(self, lambda _task: client.references(), title=_("Mengambil daftar kode P-Care"),
                                           on_success=self.show_lists,
                                           on_failure=lambda error: say(self.message, str(error), error=True))
        self.operation.finished.connect(lambda: self.fetch_button.setEnabled(True))
        return self.operation

    def show_lists(self, lists: dict[str, list[Reference]]) -> None:
        for box in self.poli_boxes.values():
            _choice(box, lists.get("poli", []), box.currentData() or "")
        for name, box in (("doctor", self.doctor), ("awareness", self.awareness), ("discharge", self.discharge),
                          ("discharge", self.referral)):
            _choice(box, lists.get(name, []), box.currentData() or "")
        say(self.message, _("Daftar P-Care diambil: {poli} poli, {doctors} dokter. Pilih lalu simpan.").format(
            poli=len(lists.get("poli", [])), doctors=len(lists.get("doctor", []))))

    def save(self) -> bool:
        return attempt(self.message, lambda: outbox.save_codes(
            {poli_id: box.currentData() or "" for poli_id, box in self.poli_boxes.items()}, self.doctor.currentData() or "",
            self.awareness.currentData() or "", self.discharge.currentData() or "", referral=self.referral.currentData() or "",
            turn_on=self.enabled.isChecked()),
            lambda saved: _("Disimpan. Kunjungan JKN dikirim ke P-Care.") if self.enabled.isChecked()
            else _("Disimpan. Pengiriman ke P-Care mati."))


class KbkBox(QGroupBox):
    """What the KBK monitor on the Beranda needs from BPJS: the members registered with this FKTP
    (BPJS's monthly figure) and BPJS's list of non-specialist diagnoses, pasted as it came."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Pemantauan KBK di Beranda"), parent)
        self.members = QSpinBox()
        self.members.setObjectName("pcareMembers")
        self.members.setRange(0, 500000)
        self.members.setGroupSeparatorShown(True)
        self.members.setValue(int(settings.get("pcare.members") or 0))
        self.members.setToolTip(_("Jumlah peserta JKN terdaftar di FKTP ini menurut BPJS bulan ini"))
        self.codes = QPlainTextEdit(" ".join(settings.get("pcare.non_specialist") or []))
        self.codes.setObjectName("pcareNonSpecialist")
        self.codes.setPlaceholderText(_("Tempel kode ICD-10 dari daftar diagnosis non-spesialistik BPJS, misalnya A09 J06.9 K29.7"))
        self.codes.setMaximumHeight(70)
        self.save_button = QPushButton(_("Simpan angka KBK"))
        self.save_button.setObjectName("pcareSaveKbk")
        self.save_button.clicked.connect(lambda: self.save())
        self.message = status_label()
        self.message.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(_("Peserta JKN terdaftar:"), self.members)
        form.addRow(_("Diagnosis non-spesialistik:"), self.codes)
        form.addRow(self.save_button)
        form.addRow(self.message)

    def save(self) -> bool:
        def work() -> tuple[int, list[str]]:
            saved = kbk.save_figures(self.members.value(), self.codes.toPlainText())
            self.codes.setPlainText(" ".join(saved[1]))
            return saved

        return attempt(self.message, work, lambda saved: _("Disimpan: {members} peserta, {codes} kode diagnosis.").format(
            members=format_number(saved[0]), codes=len(saved[1])))
