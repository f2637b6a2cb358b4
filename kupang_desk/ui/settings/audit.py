"""Jejak audit: the filtered, paged trail, its export and the chain check."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import audit, audit_words, clock
from kupang_desk.accounts import users
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime
from kupang_desk.i18n import _
from kupang_desk.ui.feedback import say, status_label
from kupang_desk.ui.operations import Operation, run_in_background, show_error
from kupang_desk.ui.widgets import (
    DISPLAY,
    ask_save_path,
    combo,
    line,
    parse_date_text,
)


class AuditModel(QAbstractTableModel):
    """The audit trail, newest first, fetched 200 events at a time as the view scrolls."""

    PAGE = 200

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.events: list[audit.AuditLine] = []
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
        page = audit.page(self.filter, before_id=self.events[-1].id if self.events else None, limit=self.PAGE)
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
        return (str(event.id), format_datetime(event.at), event.who, event.action, event.table, event.record_id,
                event.details)[index.column()]

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
        self.action = combo(audit.actions(), empty=_("Semua tindakan"))
        self.table = combo(audit_words.tables(), empty=_("Semua tabel"))
        for box in (self.action, self.table):  # a long name in the list opens wide, never widens the window
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(14)
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
        self.message = status_label()
        filters = QHBoxLayout()
        for widget in (self.user, self.action, self.table, self.record, self.date_from, self.date_to, self.apply_button):
            filters.addWidget(widget)
        bottom = QHBoxLayout()  # the message on a row of its own: a long answer wraps without being cut
        bottom.addStretch(1)
        bottom.addWidget(self.verify_button)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
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
            say(self.message, str(error), error=True)
        else:
            show_error(self, error)

    def export(self, path: str | None = None) -> Operation | None:
        """Writes the filtered trail to ``path`` off the GUI thread (a long trail takes a while)."""
        if path is None:
            path = ask_save_path(self, "audit-export", _("Ekspor jejak audit"),
                                 f"jejak-audit-{clock.today():%Y%m%d}.xlsx", _("Excel (*.xlsx)"))
        if not path:
            return None
        flt = self.current_filter()
        self.operation = run_in_background(
            self, lambda _task: audit.export_xlsx(path, flt), title=_("Mengekspor jejak audit"), on_failure=self._failed,
            on_success=lambda count: say(self.message, _("{count} peristiwa diekspor ke {path}.").format(count=count, path=path)))
        return self.operation

    def verify(self) -> Operation:
        """Checks the hash chain off the GUI thread; the result is in the message and ``operation.result``."""
        def done(check: audit.ChainCheck) -> None:
            # What was found, in the command line's words: broken where, or whole to the head this PC kept,
            # or linked and sealed but with no head kept here to check the end against.
            say(self.message, check.describe(), error=not check.ok)

        self.operation = run_in_background(self, lambda _task: audit.verify_chain(), title=_("Memeriksa jejak audit"),
                                           on_success=done, on_failure=self._failed)
        return self.operation
