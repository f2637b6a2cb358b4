"""Akun and Hak peran: accounts, their roles and what each role may do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import office
from kupang_desk.accounts import users
from kupang_desk.accounts.permissions import (
    PERMISSIONS,
    ROLES,
    permission_labels,
    role_label,
    role_permissions,
)
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime
from kupang_desk.i18n import _
from kupang_desk.ui.feedback import attempt, say, status_label
from kupang_desk.ui.widgets import (
    ListModel,
    cell,
    combo,
    line,
    ok_cancel,
    record_table,
)


class NewUserDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Akun baru"))
        self.username, self.full_name, self.nip = line(), line(), line(placeholder=_("boleh kosong"))
        self.role = combo([(role_label(r), r) for r in ROLES])
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = status_label()
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
            say(self.message, str(error), error=True)
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
        self.view = record_table(self.model, fill=True, single=True)
        self.new_button = QPushButton(_("Akun baru..."))
        self.toggle_button = QPushButton(_("Nonaktifkan/aktifkan"))
        self.role = combo([(role_label(r), r) for r in ROLES])
        self.role_button = QPushButton(_("Ubah peran"))
        self.reset_password = QLineEdit()
        self.reset_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reset_password.setPlaceholderText(_("kata sandi sementara"))
        self.reset_button = QPushButton(_("Atur ulang kata sandi"))
        self.message = status_label()
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
            say(self.message, _("Pilih dulu akun di daftar."), error=True)
            return False
        try:
            work(user)
        except KnownError as error:
            say(self.message, str(error), error=True)
            return False
        self.reload()
        say(self.message, done.format(name=user.username))
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
        self.message = status_label()
        self.save_button = QPushButton(_("Simpan hak peran"))
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)

    def mapping(self) -> dict[str, list[str]]:
        return {role: [p for row, p in enumerate(PERMISSIONS)
                       if cell(self.table, row, column).checkState() == Qt.CheckState.Checked]
                for column, role in enumerate(ROLES)}

    def save(self) -> bool:
        return attempt(self.message, lambda: office.set_role_permissions(self.mapping()), _("Hak peran disimpan; berlaku segera."))
