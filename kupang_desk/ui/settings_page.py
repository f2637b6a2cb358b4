"""Pengaturan: the institution profile, the reference lists, backups and the session, accounts and
roles, and the audit trail. What a role may not change is shown but not editable; the domain
functions refuse it anyway."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import audit, preferences, settings
from kupang_desk.accounts import session, users
from kupang_desk.accounts.permissions import (
    PERMISSIONS,
    ROLES,
    allowed,
    permission_labels,
    role_label,
    role_permissions,
)
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime
from kupang_desk.i18n import _
from kupang_desk.sekolah.students import LEVELS
from kupang_desk.ui.operations import Operation, run_in_background, show_error
from kupang_desk.ui.section import SectionPage
from kupang_desk.ui.value_maps import ValueMapsEditor
from kupang_desk.ui.widgets import (
    DISPLAY,
    ERROR_STYLE,
    ListModel,
    combo,
    line,
    ok_cancel,
    parse_date_text,
    select_data,
)

OK_STYLE = "color: #0b6e4f;"


def _status() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    return label


def _say(label: QLabel, text: str, *, error: bool = False) -> None:
    label.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
    label.setText(text)


def _attempt(label: QLabel, work, done) -> bool:
    """Runs ``work``; says ``done`` (text, or a function of the result) in green, or the error in red."""
    try:
        result = work()
    except KnownError as error:
        _say(label, str(error), error=True)
        return False
    _say(label, done(result) if callable(done) else done)
    return True


class ProfileTab(QWidget):
    saved = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        profile = settings.Profile.current()
        self.kind = combo([(_("Puskesmas"), "puskesmas"), (_("Sekolah"), "sekolah")])
        select_data(self.kind, profile.kind)
        self.show_both = QCheckBox(_("Tampilkan layar puskesmas dan sekolah sekaligus"))
        self.show_both.setChecked(profile.show_both)
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
        for label, widget in ((_("Jenis:"), self.kind), ("", self.show_both), (_("Nama institusi:"), self.name),
                              (_("Kode/NPSN:"), self.code), (_("Jenjang (sekolah):"), self.level), (_("Alamat:"), self.address),
                              (_("Kota:"), self.city), (_("Telepon:"), self.phone), (_("Nama kepala:"), self.head_name),
                              (_("NIP kepala:"), self.head_nip), (_("Baris kop surat:"), self.letterhead)):
            form.addRow(label, widget)
        form.addRow(_("Logo:"), logo)
        self.save_button = QPushButton(_("Simpan profil"))
        self.save_button.clicked.connect(self.save)
        self.message = _status()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)

    def _choose_logo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Logo"), "", _("Gambar (*.png *.jpg *.jpeg)"))
        if path:
            self.logo_path.setText(path)

    def save(self) -> bool:
        profile = settings.Profile(kind=self.kind.currentData(), name=self.name.text(), code=self.code.text(),
                                   school_level=self.level.currentData() or "", address=self.address.text(),
                                   city=self.city.text(), phone=self.phone.text(), head_name=self.head_name.text(),
                                   head_nip=self.head_nip.text(), letterhead=self.letterhead.toPlainText(),
                                   show_both=self.show_both.isChecked())
        try:
            logo = settings.read_logo(self.logo_path.text().strip()) if self.logo_path.text().strip() else None
            settings.save_profile(profile, logo=logo)
        except KnownError as error:
            _say(self.message, str(error), error=True)
            return False
        _say(self.message, _("Profil disimpan. Jenis dan layar yang tampil berubah saat program dibuka lagi."))
        self.saved.emit()
        return True


class ItemsEditor(QWidget):
    """A short reference list (poli, payment types): pick one to edit, or start a new one; never deleted."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind  # "poli" or "payment"
        model_columns = [(_("Nama"), lambda x: x.name), (_("Kode"), lambda x: x.code),
                         (_("Klaster ILP") if kind == "poli" else _("BPJS"),
                          (lambda x: x.cluster) if kind == "poli" else (lambda x: _("Ya") if x.is_bpjs else "")),
                         (_("Aktif"), lambda x: _("Ya") if x.active else _("Tidak"))]
        self.model = ListModel(model_columns, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.name, self.code, self.extra = line(), line(), line()
        self.bpjs = QCheckBox(_("Peserta BPJS"))
        self.active = QCheckBox(_("Aktif"))
        self.active.setChecked(True)
        form = QFormLayout()
        form.addRow(_("Nama:"), self.name)
        form.addRow(_("Kode:"), self.code)
        if kind == "poli":
            form.addRow(_("Klaster ILP:"), self.extra)
        else:
            form.addRow("", self.bpjs)
        form.addRow("", self.active)
        self.new_button, self.save_button = QPushButton(_("Baru")), QPushButton(_("Simpan"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        self.message = _status()
        layout = QHBoxLayout(self)
        layout.addWidget(self.view, 2)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.message)
        side.addLayout(buttons)
        side.addStretch(1)
        layout.addLayout(side, 1)
        self.editing: int | None = None
        self.view.clicked.connect(lambda index: self.edit(self.model.item(index.row())))
        self.new_button.clicked.connect(lambda: self.edit(None))
        self.save_button.clicked.connect(self.save)
        self.reload()

    def reload(self) -> None:
        self.model.set_items(settings.reference_items(self.kind))

    def edit(self, item) -> None:
        self.editing = item.id if item else None
        self.name.setText(item.name if item else "")
        self.code.setText(item.code if item else "")
        if self.kind == "poli":
            self.extra.setText(item.cluster if item else "")
        else:
            self.bpjs.setChecked(bool(item and item.is_bpjs))
        self.active.setChecked(bool(item.active) if item else True)
        self.message.clear()
        self.name.setFocus()

    def save(self) -> bool:
        try:
            if self.kind == "poli":
                settings.save_poli(self.name.text(), code=self.code.text(), cluster=self.extra.text(),
                                   active=self.active.isChecked(), poli_id=self.editing)
            else:
                settings.save_payment_type(self.name.text(), code=self.code.text(), is_bpjs=self.bpjs.isChecked(),
                                           active=self.active.isChecked(), payment_id=self.editing)
        except KnownError as error:
            _say(self.message, str(error), error=True)
            return False
        _say(self.message, _("Disimpan."))
        self.reload()
        return True


class WorkAreaEditor(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        chosen = settings.work_area()
        for code, name in settings.city_kelurahan():
            item = QListWidgetItem(f"{name} ({code})")
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.save_button = QPushButton(_("Simpan wilayah kerja"))
        self.save_button.clicked.connect(self.save)
        self.message = _status()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Centang kelurahan wilayah kerja puskesmas (rekap kunjungan memisahkan dalam dan luar wilayah).")))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)

    def checked(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def save(self) -> bool:
        return _attempt(self.message, lambda: settings.set_work_area(self.checked()),
                        lambda count: _("{count} kelurahan wilayah kerja disimpan.").format(count=count))


class AgeBandsEditor(QWidget):
    """LB1 age bands: a name, days or years, from and to (empty: and older)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Kelompok"), _("Satuan (hari/tahun)"), _("Dari"), _("Sampai")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        add, remove = QPushButton(_("Tambah baris")), QPushButton(_("Hapus baris"))
        reset = QPushButton(_("Kembalikan bawaan"))
        self.save_button = QPushButton(_("Simpan kelompok umur"))
        add.clicked.connect(lambda: self._add({"label": "", "years": [0, None]}))
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        reset.clicked.connect(lambda: self.load(settings.default_age_bands()))
        self.save_button.clicked.connect(self.save)
        self.message = _status()
        buttons = QHBoxLayout()
        for button in (add, remove, reset):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.load(preferences.get("lb1.age_bands"))

    def load(self, bands: list[dict]) -> None:
        self.table.setRowCount(0)
        for band in bands:
            self._add(band)

    def _add(self, band: dict) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        days = band.get("days")
        low, high = days if days else band["years"]
        for column, value in enumerate((band["label"], _("hari") if days else _("tahun"),
                                        "" if low is None else str(low), "" if high is None else str(high))):
            self.table.setItem(row, column, QTableWidgetItem(value))

    def bands(self) -> list[dict]:
        result = []
        for row in range(self.table.rowCount()):
            cells = [(self.table.item(row, c).text().strip() if self.table.item(row, c) else "") for c in range(4)]
            label, unit, low, high = cells
            try:
                low_value = int(low or 0)
                high_value = int(high) if high else None
            except ValueError:
                raise KnownError(_("Baris {row}: 'Dari' dan 'Sampai' harus angka.").format(row=row + 1)) from None
            if unit.lower().startswith(("h", "d")):
                result.append({"label": label, "years": [0, 0], "days": [low_value, high_value]})
            else:
                result.append({"label": label, "years": [low_value, high_value]})
        return result

    def save(self) -> bool:
        return _attempt(self.message, lambda: settings.set_age_bands(self.bands()), _("Kelompok umur disimpan; LB1 berikutnya memakainya."))


class NoRmEditor(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        current = preferences.get("no_rm.pattern")
        self.kind = combo([(_("Nomor urut (000123)"), "running"), (_("Nomor keluarga (041001-0042-03)"), "family")])
        select_data(self.kind, current.get("kind", "running"))
        self.prefix = line(current.get("prefix", ""), max_length=5)
        self.width = QSpinBox()
        self.width.setRange(3, 10)
        self.width.setValue(int(current.get("width", 6)))
        self.preview = QLabel()
        self.message = _status()
        self.save_button = QPushButton(_("Simpan pola No. RM"))
        self.save_button.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow(_("Pola:"), self.kind)
        form.addRow(_("Awalan:"), self.prefix)
        form.addRow(_("Panjang nomor urut:"), self.width)
        form.addRow(_("Contoh:"), self.preview)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Nomor yang sudah dipakai tidak berubah; pola baru berlaku untuk pasien berikutnya.")))
        layout.addWidget(self.message)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        for signal in (self.kind.currentIndexChanged, self.prefix.textChanged, self.width.valueChanged):
            signal.connect(lambda *_args: self._preview())
        self._preview()

    def _preview(self) -> None:
        if self.kind.currentData() == "family":
            self.preview.setText("041001-0042-03")
        else:
            self.preview.setText(f"{self.prefix.text().strip().upper()}{123:0{self.width.value()}d}")

    def save(self) -> bool:
        return _attempt(self.message, lambda: settings.set_no_rm_pattern(self.kind.currentData(), prefix=self.prefix.text(), width=self.width.value()), _("Pola No. RM disimpan."))


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
        self.message = _status()
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

        return _attempt(self.message, work, _("Disimpan. Kunci sesi yang baru berlaku saat masuk berikutnya."))


class NewUserDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Akun baru"))
        self.username, self.full_name, self.nip = line(), line(), line(placeholder=_("boleh kosong"))
        self.role = combo([(role_label(r), r) for r in ROLES])
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = _status()
        form = QFormLayout()
        form.addRow(_("Nama pengguna:"), self.username)
        form.addRow(_("Nama lengkap:"), self.full_name)
        form.addRow(_("NIP:"), self.nip)
        form.addRow(_("Peran:"), self.role)
        form.addRow(_("Kata sandi sementara:"), self.password)
        buttons = ok_cancel(_("Buat akun"), self.save, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Pengguna wajib mengganti kata sandi ini saat pertama masuk.")))
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> object | None:
        try:
            user = users.create_user(self.username.text(), self.full_name.text(), self.role.currentData(),
                                     self.password.text(), nip=self.nip.text())
        except KnownError as error:
            _say(self.message, str(error), error=True)
            return None
        self.accept()
        return user


class AccountsTab(QWidget):
    """The administrator's accounts: create, disable or enable, change the role, reset a password."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ListModel([
            (_("Nama pengguna"), lambda u: u.username), (_("Nama lengkap"), lambda u: u.full_name),
            (_("Peran"), lambda u: role_label(u.role)), (_("Keadaan"), lambda u: u.state),
            (_("Terakhir masuk"), lambda u: format_datetime(u.last_sign_in)),
        ], self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.new_button = QPushButton(_("Akun baru..."))
        self.toggle_button = QPushButton(_("Nonaktifkan/aktifkan"))
        self.role = combo([(role_label(r), r) for r in ROLES])
        self.role_button = QPushButton(_("Ubah peran"))
        self.reset_password = QLineEdit()
        self.reset_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reset_password.setPlaceholderText(_("kata sandi sementara"))
        self.reset_button = QPushButton(_("Atur ulang kata sandi"))
        self.message = _status()
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addWidget(self.toggle_button)
        actions.addWidget(self.role)
        actions.addWidget(self.role_button)
        actions.addWidget(self.reset_password)
        actions.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        self.dialog: QDialog | None = None
        self.new_button.clicked.connect(self.new_user)
        self.toggle_button.clicked.connect(self.toggle)
        self.role_button.clicked.connect(self.change_role)
        self.reset_button.clicked.connect(self.reset)
        self.reload()

    def reload(self) -> None:
        self.model.set_items(users.list_accounts())

    def selected(self) -> users.Account | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def select(self, username: str) -> None:
        for row, user in enumerate(self.model.items):
            if user.username == username:
                self.view.selectRow(row)

    def new_user(self) -> NewUserDialog:
        dialog = self.dialog = NewUserDialog(self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def _run(self, work, done: str) -> bool:
        user = self.selected()
        if user is None:
            _say(self.message, _("Pilih dulu akun di daftar."), error=True)
            return False
        try:
            work(user)
        except KnownError as error:
            _say(self.message, str(error), error=True)
            return False
        self.reload()
        _say(self.message, done.format(name=user.username))
        return True

    def toggle(self) -> bool:
        return self._run(lambda u: users.set_active(u.id, not u.active), _("Keadaan akun {name} diubah."))

    def change_role(self) -> bool:
        return self._run(lambda u: users.set_role(u.id, self.role.currentData()), _("Peran {name} diubah."))

    def reset(self) -> bool:
        ok = self._run(lambda u: users.reset_password(u.id, self.reset_password.text()),
                       _("Kata sandi {name} diatur ulang; wajib diganti saat masuk."))
        if ok:
            self.reset_password.clear()
        return ok


class RolesTab(QWidget):
    """Which permissions each role has: a grid of check boxes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        labels = permission_labels()
        self.table = QTableWidget(len(PERMISSIONS), len(ROLES))
        self.table.setHorizontalHeaderLabels([role_label(r) for r in ROLES])
        self.table.setVerticalHeaderLabels([labels[p] for p in PERMISSIONS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        granted = role_permissions()
        for row, permission in enumerate(PERMISSIONS):
            for column, role in enumerate(ROLES):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Checked if permission in granted[role] else Qt.CheckState.Unchecked)
                self.table.setItem(row, column, item)
        self.message = _status()
        self.save_button = QPushButton(_("Simpan hak peran"))
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)

    def mapping(self) -> dict[str, list[str]]:
        return {role: [p for row, p in enumerate(PERMISSIONS)
                       if self.table.item(row, column).checkState() == Qt.CheckState.Checked]
                for column, role in enumerate(ROLES)}

    def save(self) -> bool:
        return _attempt(self.message, lambda: settings.set_role_permissions(self.mapping()), _("Hak peran disimpan; berlaku segera."))


class AuditModel(QAbstractTableModel):
    """The audit trail, newest first, fetched 200 events at a time as the view scrolls."""

    PAGE = 200

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.events: list = []
        self.filter = audit.AuditFilter()
        self.more = False

    def headers(self) -> list[str]:
        return [_("No."), _("Waktu"), _("Pengguna"), _("Tindakan"), _("Tabel"), _("ID data"), _("Rincian")]

    def load(self, flt: audit.AuditFilter) -> None:
        self.beginResetModel()
        self.filter, self.events, self.more = flt, [], True
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        query = audit.query(self.filter)
        if self.events:
            query = query.where(audit.AuditEvent.id < self.events[-1].id)
        page = list(query.limit(self.PAGE))
        self.more = len(page) == self.PAGE
        if page:
            self.beginInsertRows(QModelIndex(), len(self.events), len(self.events) + len(page) - 1)
            self.events += page
            self.endInsertRows()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.events)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if int(role) != DISPLAY:
            return None
        event = self.events[index.row()]
        return (str(event.id), format_datetime(event.at), audit.who(event), audit.action_label(event.action),
                event.table_name, event.record_id, event.details)[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if int(role) == DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self.headers()[section]
        return None


class AuditTab(QWidget):
    """Filter by user, action, table, record and dates; export what is shown; check the hash chain."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = combo(users.account_choices(),
                          empty=_("Semua pengguna"))
        actions = ("create", "update", "delete", "merge", "view", "export", "print", "import", "sign_in",
                   "sign_in_failed", "transition", "payout")
        self.action = combo([(audit.action_label(a), a) for a in actions], empty=_("Semua tindakan"))
        self.table = combo([(t, t) for t in ("patient", "visit", "student", "award", "user", "setting", "institution")],
                           empty=_("Semua tabel"))
        self.record = line(placeholder=_("ID data"))
        self.date_from, self.date_to = line(placeholder=_("dari hh-bb-tttt")), line(placeholder=_("sampai hh-bb-tttt"))
        self.apply_button = QPushButton(_("Tampilkan"))
        self.export_button = QPushButton(_("Ekspor Excel..."))
        self.verify_button = QPushButton(_("Periksa keutuhan"))
        self.model = AuditModel(self)
        self.view = QTableView()
        self.view.setObjectName("auditTable")
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((60, 165, 200, 110, 90, 70)):
            self.view.setColumnWidth(column, width)
        self.message = _status()
        filters = QHBoxLayout()
        for widget in (self.user, self.action, self.table, self.record, self.date_from, self.date_to, self.apply_button):
            filters.addWidget(widget)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.verify_button)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.apply_button.clicked.connect(self.apply)
        self.export_button.clicked.connect(lambda: self.export())
        self.verify_button.clicked.connect(self.verify)

    def current_filter(self) -> audit.AuditFilter:
        return audit.AuditFilter(user_id=self.user.currentData(), action=self.action.currentData() or "",
                                 table=self.table.currentData() or "", record_id=self.record.text().strip(),
                                 date_from=parse_date_text(self.date_from.text()), date_to=parse_date_text(self.date_to.text()))

    def apply(self) -> None:
        try:
            self.model.load(self.current_filter())
        except KnownError as error:
            show_error(self, error)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, KnownError):
            _say(self.message, str(error), error=True)
        else:
            show_error(self, error)

    def export(self, path: str | None = None) -> Operation | None:
        """Writes the filtered trail to ``path`` off the GUI thread (a long trail takes a while)."""
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(self, _("Ekspor jejak audit"),
                                                        str(Path.home() / f"jejak-audit-{dt.date.today():%Y%m%d}.xlsx"),
                                                        _("Excel (*.xlsx)"))
        if not path:
            return None
        flt = self.current_filter()
        self.operation = run_in_background(
            self, lambda _task: audit.export_xlsx(path, flt), title=_("Mengekspor jejak audit"), on_failure=self._failed,
            on_success=lambda count: _say(self.message, _("{count} peristiwa diekspor ke {path}.").format(count=count, path=path)))
        return self.operation

    def verify(self) -> Operation:
        """Checks the hash chain off the GUI thread; the result is in the message and ``operation.result``."""
        def done(check: audit.ChainCheck) -> None:
            if check.ok:
                _say(self.message, _("Jejak audit utuh: {count} peristiwa, rantai hash tidak terputus.").format(count=check.events))
            else:
                _say(self.message, _("Jejak audit RUSAK mulai peristiwa #{event}: ada yang diubah atau dihapus langsung di database.").format(
                    event=check.broken_at), error=True)

        self.operation = run_in_background(self, lambda _task: audit.verify_chain(), title=_("Memeriksa jejak audit"),
                                           on_success=done, on_failure=self._failed)
        return self.operation


class SettingsPage(SectionPage):
    """The Pengaturan section: the facts on top, then a tab for each kind of setting the user may see."""

    profile_saved = Signal()

    def __init__(self, section, parent: QWidget | None = None) -> None:
        super().__init__(section, parent)
        user = session.current()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.profile = self.references = self.backup = self.accounts = self.roles = self.audit = None
        if allowed(user, "settings.edit"):
            self.profile = ProfileTab()
            self.profile.saved.connect(self.profile_saved)
            self.references = QTabWidget()
            self.poli, self.payment = ItemsEditor("poli"), ItemsEditor("payment")
            self.work_area, self.age_bands, self.no_rm = WorkAreaEditor(), AgeBandsEditor(), NoRmEditor()
            self.value_maps = ValueMapsEditor()
            for widget, title in ((self.poli, _("Poli/klaster")), (self.payment, _("Cara bayar")),
                                  (self.work_area, _("Wilayah kerja")), (self.age_bands, _("Kelompok umur LB1")),
                                  (self.no_rm, _("No. RM")), (self.value_maps, _("Pemetaan impor"))):
                self.references.addTab(widget, title)
            self.backup = BackupSessionTab()
            self.tabs.addTab(self.profile, _("Profil"))
            self.tabs.addTab(self.references, _("Daftar rujukan"))
            self.tabs.addTab(self.backup, _("Cadangan dan sesi"))
        if allowed(user, "users.manage"):
            self.accounts, self.roles = AccountsTab(), RolesTab()
            self.tabs.addTab(self.accounts, _("Akun"))
            self.tabs.addTab(self.roles, _("Hak peran"))
        if allowed(user, "audit.view"):
            self.audit = AuditTab()
            self.tabs.addTab(self.audit, _("Jejak audit"))
            self.tabs.currentChanged.connect(self._tab_changed)
        if self.tabs.count():
            self.main_layout.insertWidget(self.main_layout.count() - 1, self.tabs, 1)
            self.main_layout.setStretch(self.main_layout.count() - 1, 0)

    def _tab_changed(self, index: int) -> None:
        if self.audit is not None and self.tabs.widget(index) is self.audit and not self.audit.model.events:
            self.audit.apply()
