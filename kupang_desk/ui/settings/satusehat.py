"""Pengaturan > SATUSEHAT: the environment, the organisation and OAuth2 client, a Location per poli
and a Practitioner per health worker. The client secret goes to the keyring (or sealed with this
PC's key), never into the database, and is never shown again."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.office import poli_choices
from kupang_desk.satusehat import master, outbox
from kupang_desk.satusehat.client import Client
from kupang_desk.ui.feedback import attempt, say, status_label
from kupang_desk.ui.operations import Operation, run_in_background
from kupang_desk.ui.widgets import (
    cell,
    cell_data,
    cell_text,
    combo,
    line,
    parse_date_text,
    select_data,
)


def _fixed(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class SatusehatTab(QWidget):
    saved = Signal()  # the window starts its sender when sending was just turned on
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        data = master.current()
        self.environment = combo([(_("Sandbox (uji coba)"), "sandbox"), (_("Production (data sungguhan)"), "production")])
        select_data(self.environment, data.environment)
        self.organization = line(data.organization_id, placeholder=_("ID Organisasi dari portal SATUSEHAT, misalnya 100011961"))
        self.client_id = line(data.client_id, placeholder=_("Client ID dari portal SATUSEHAT"))
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(_("sudah tersimpan; tulis untuk mengganti") if data.has_secret else
                                       _("Client secret dari portal SATUSEHAT"))
        self.enabled = QCheckBox(_("Kirim kunjungan ke SATUSEHAT (antrean kirim otomatis)"))
        self.enabled.setObjectName("satusehatEnabled")
        self.enabled.setChecked(data.enabled)
        self.enabled.setToolTip(_("Setiap kunjungan yang dicatat, dikoreksi atau dihapus masuk antrean dan dikirim "
                                  "saat ada sambungan internet."))
        self.rate = QSpinBox()
        self.rate.setRange(1, 6000)
        self.rate.setValue(data.requests_per_minute)
        self.rate.setSuffix(_(" permintaan per menit"))
        form = QFormLayout()
        form.addRow(self.enabled)
        form.addRow(_("Lingkungan:"), self.environment)
        form.addRow(_("ID Organisasi:"), self.organization)
        form.addRow(_("Client ID:"), self.client_id)
        form.addRow(_("Client secret:"), self.secret)
        form.addRow(_("Batas kirim:"), self.rate)
        self.since = line(placeholder=_("misalnya 01-11-2026"))
        self.since.setObjectName("satusehatSince")
        self.queue_button = QPushButton(_("Masukkan ke antrean"))
        self.queue_button.setToolTip(_("Kunjungan sejak tanggal ini yang belum pernah masuk antrean (sebelum pengiriman "
                                       "diaktifkan) ikut dikirim"))
        self.queue_button.clicked.connect(lambda: self.queue_backlog())
        backlog = QHBoxLayout()
        backlog.addWidget(self.since)
        backlog.addWidget(self.queue_button)
        form.addRow(_("Kunjungan lama sejak:"), backlog)
        connection = QGroupBox(_("Koneksi"))
        connection.setLayout(form)

        self.locations = QTableWidget(0, 2)
        self.locations.setObjectName("satusehatLocations")
        self.locations.setHorizontalHeaderLabels([_("Poli"), _("ID Lokasi")])
        self.locations.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.locations.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.locations.verticalHeader().hide()
        for name, poli_id in poli_choices():
            row = self.locations.rowCount()
            self.locations.insertRow(row)
            item = _fixed(name)
            item.setData(Qt.ItemDataRole.UserRole, poli_id)
            self.locations.setItem(row, 0, item)
            self.locations.setItem(row, 1, QTableWidgetItem(data.locations.get(poli_id, "")))
        self.workers = QTableWidget(0, 3)
        self.workers.setObjectName("satusehatPractitioners")
        self.workers.setHorizontalHeaderLabels([_("Nama (seperti di kunjungan)"), _("NIK"), _("ID Praktisi (IHS)")])
        self.workers.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.workers.verticalHeader().hide()
        for person in data.practitioners:
            self._add_worker(person.name, person.nik, person.ihs_id)
        add = QPushButton(_("Tambah tenaga kesehatan"))
        add.clicked.connect(lambda: self._add_worker("", "", "", editable=True))
        self.message = status_label()
        self.save_button = QPushButton(_("Simpan"))
        self.save_button.clicked.connect(self.save)
        self.fetch_button = QPushButton(_("Ambil ID dari SATUSEHAT"))
        self.fetch_button.setToolTip(_("Cari menurut NIK: ID praktisi tenaga kesehatan yang NIK-nya diisi, dan ID IHS "
                                       "pasien yang punya kunjungan dan NIK tetapi belum punya ID"))
        self.fetch_button.clicked.connect(lambda: self.fetch_ids())
        self.operation: Operation | None = None
        places = QGroupBox(_("Lokasi per poli"))
        QVBoxLayout(places).addWidget(self.locations)
        people = QGroupBox(_("Tenaga kesehatan"))
        people_layout = QVBoxLayout(people)
        people_layout.addWidget(self.workers)
        people_layout.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        tables = QHBoxLayout()
        tables.addWidget(places, 1)
        tables.addWidget(people, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(connection)
        layout.addLayout(tables, 1)
        hint = QLabel(_("Sebuah kunjungan siap dikirim ke SATUSEHAT bila organisasi, lokasi poli, tenaga kesehatan dan "
                        "ID IHS pasiennya sudah ada."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addWidget(self.fetch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

    def _add_worker(self, name: str, nik: str, ihs_id: str, *, editable: bool = False) -> int:
        row = self.workers.rowCount()
        self.workers.insertRow(row)
        self.workers.setItem(row, 0, QTableWidgetItem(name) if editable else _fixed(name))
        self.workers.setItem(row, 1, QTableWidgetItem(nik))
        self.workers.setItem(row, 2, QTableWidgetItem(ihs_id))
        if editable:
            self.workers.setCurrentCell(row, 0)
            self.workers.editItem(cell(self.workers, row, 0))
        return row

    def current_data(self) -> master.MasterData:
        locations = {cell_data(self.locations, row, 0): cell_text(self.locations, row, 1)
                     for row in range(self.locations.rowCount())}
        workers = [master.Practitioner(cell_text(self.workers, row, 0), cell_text(self.workers, row, 1), cell_text(self.workers, row, 2))
                   for row in range(self.workers.rowCount()) if cell_text(self.workers, row, 0)]
        return master.MasterData(self.environment.currentData(), self.organization.text(), self.client_id.text(),
                                 False, locations, workers, self.enabled.isChecked(), self.rate.value())

    def save(self) -> bool:
        def work() -> str:
            master.save(self.current_data())
            if self.secret.text().strip():
                where = master.store_secret(self.secret.text())
                self.secret.clear()
                self.secret.setPlaceholderText(_("sudah tersimpan; tulis untuk mengganti"))
                return _("Disimpan; client secret {where}.").format(where=where)
            return _("Disimpan.")

        if not attempt(self.message, work, lambda text: text):
            return False
        self.saved.emit()
        return True

    def _fetched(self, results: tuple[master.Fetched, master.Fetched]) -> None:
        practitioners, patients = results
        say(self.message, f"{practitioners.text()} {patients.text()}")
        found = {person.name: person.ihs_id for person in master.current().practitioners}
        for row in range(self.workers.rowCount()):  # the ids just found, where the table shows them
            ihs_id = found.get(cell_text(self.workers, row, 0), "")
            if ihs_id and not cell_text(self.workers, row, 2):
                self.workers.setItem(row, 2, QTableWidgetItem(ihs_id))

    def queue_backlog(self) -> Operation | None:
        """Queues the visits since the date written (those recorded before sending was on)."""
        since = parse_date_text(self.since.text())
        if since is None:
            say(self.message, _("Tulis tanggal mulai kunjungan lama, misalnya 01-11-2026."), error=True)
            return None
        if not outbox.enabled():
            say(self.message, _("Centang 'Kirim kunjungan ke SATUSEHAT' dan simpan dulu."), error=True)
            return None
        self.operation = run_in_background(
            self, lambda task: outbox.enqueue_since(since, task=task), title=_("Memasukkan kunjungan ke antrean"),
            on_success=lambda n: say(self.message, _("{n} kunjungan sejak {date} masuk antrean SATUSEHAT.").format(
                n=n, date=format_date(since))),
            on_failure=lambda error: say(self.message, str(error), error=True))
        return self.operation

    def fetch_ids(self) -> Operation | None:
        """Looks up by NIK the health workers' Practitioner ids (those saved with a NIK) and the
        patients' IHS numbers, off the GUI thread, with progress and Batal."""
        try:
            client = Client.from_settings()
        except KnownError as error:
            say(self.message, str(error), error=True)
            return None
        self.fetch_button.setEnabled(False)

        def finished() -> None:
            self.fetch_button.setEnabled(True)

        self.operation = run_in_background(
            self, lambda task: (master.fetch_practitioner_ids(client), master.fetch_patient_ids(client, task=task)),
            title=_("Mengambil ID dari SATUSEHAT"), on_success=self._fetched,
            on_failure=lambda error: say(self.message, str(error), error=True))
        self.operation.finished.connect(finished)
        return self.operation
