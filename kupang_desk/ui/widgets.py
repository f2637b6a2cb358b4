"""Small shared pieces: forms with a message beside each field, date text, table models."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSettings,
    QSize,
    Qt,
    QTime,
    QUrl,
)
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kupang_desk.i18n import _

# Item roles as plain ints: data() is called for every role of every visible cell, and
# comparing with the enum members costs more than the lookup itself.
W = TypeVar("W", bound=QWidget)  # FieldForm.add hands back the widget it was given, as its own type

DISPLAY = Qt.ItemDataRole.DisplayRole.value
USER = Qt.ItemDataRole.UserRole.value
ALIGN = Qt.ItemDataRole.TextAlignmentRole.value
FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #8a5a00;"
_DATE = re.compile(r"^\s*(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})\s*$")


def parse_date_text(text: str) -> dt.date | None:
    """``05-12-2026``, ``5/12/2026`` or ``2026-12-05`` to a date; None if empty or not a date."""
    text = text.strip()
    if not text:
        return None
    match = _DATE.match(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def date_text(value: dt.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


class FieldForm(QWidget):
    """A form whose every field has a message line under it for errors and warnings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.widgets: dict[str, QWidget] = {}
        self.messages: dict[str, QLabel] = {}
        self.rows: dict[str, QWidget] = {}  # the field with its message, as the layout holds it

    def add(self, name: str, label: str, widget: W, *, extra: QWidget | None = None) -> W:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        if extra is None:
            column.addWidget(widget)
        else:
            row = QHBoxLayout()
            row.addWidget(widget, 1)
            row.addWidget(extra)
            column.addLayout(row)
        message = QLabel()
        message.setObjectName(f"message_{name}")
        message.setWordWrap(True)
        message.hide()
        column.addWidget(message)
        self.layout_.addRow(label, box)
        self.widgets[name] = widget
        self.messages[name] = message
        self.rows[name] = box
        widget.setObjectName(name)
        return widget

    def set_row_visible(self, name: str, visible: bool) -> None:
        self.layout_.setRowVisible(self.rows[name], visible)

    def row_visible(self, name: str) -> bool:
        return self.layout_.isRowVisible(self.rows[name])

    def show_message(self, name: str, text: str = "", *, warning: bool = False) -> None:
        label = self.messages.get(name)
        if label is None:
            return
        label.setText(text)
        label.setStyleSheet(WARNING_STYLE if warning else ERROR_STYLE)
        label.setVisible(bool(text))

    def clear_messages(self) -> None:
        for name in self.messages:
            self.show_message(name)

    def message(self, name: str) -> str:
        label = self.messages[name]
        return label.text() if label.isVisibleTo(self) else ""


def combo(items: Sequence[tuple[str, Any]], *, empty: str | None = None) -> QComboBox:
    """A combo box of (text, data) pairs, optionally led by an empty choice."""
    box = QComboBox()
    if empty is not None:
        box.addItem(empty, None)
    for text, data in items:
        box.addItem(text, data)
    return box


def select_data(box: QComboBox, data: Any) -> None:
    index = box.findData(data)
    box.setCurrentIndex(max(index, 0))


def to_qdatetime(value: dt.datetime) -> QDateTime:
    """A Python date and time (to the minute) for a QDateTimeEdit."""
    return QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute))


def from_qdatetime(value: QDateTime) -> dt.datetime:
    """A QDateTimeEdit's date and time as Python's, to the minute."""
    day, time = value.date(), value.time()
    return dt.datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())


def line(text: str = "", *, placeholder: str = "", max_length: int | None = None) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    if max_length:
        edit.setMaxLength(max_length)
    return edit


class ListModel(QAbstractTableModel):
    """A read-only table of a short list of objects; ``columns`` are (header, getter)."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[Any], Any]]], parent=None, *,
                 foreground: Callable[[Any], str | None] | None = None, right: Sequence[int] = ()) -> None:
        """``foreground(item)`` colours a whole row (for example red for an overdue one); the
        columns in ``right`` (counts) are aligned right."""
        super().__init__(parent)
        self.columns = list(columns)
        self.items: list[Any] = []
        self.foreground = foreground
        self.right = frozenset(right)

    def set_items(self, items: Sequence[Any]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == FOREGROUND and self.foreground is not None:
            color = self.foreground(self.items[index.row()])
            return QColor(color) if color else None
        if role == ALIGN and index.column() in self.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        value = self.columns[index.column()][1](self.items[index.row()])
        return "" if value is None else str(value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][0]
        return None

    def item(self, row: int) -> Any:
        return self.items[row] if 0 <= row < len(self.items) else None


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item of a cell, put there empty when the cell has none yet (to edit or fill it)."""
    item = table.item(row, column)
    if item is None:
        item = QTableWidgetItem("")
        table.setItem(row, column, item)
    return item


def cell_text(table: QTableWidget, row: int, column: int) -> str:
    """A cell's text as typed, without surrounding spaces ("" for a cell without an item)."""
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


def cell_data(table: QTableWidget, row: int, column: int) -> Any:
    """What a cell carries under the user role (None for a cell without an item)."""
    item = table.item(row, column)
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def list_model(view: QAbstractItemView) -> ListModel:
    """The ListModel under a view made by ``record_table(ListModel(...))``."""
    model = view.model()
    assert isinstance(model, ListModel), model
    return model


def ok_cancel(ok_text: str, on_ok: Callable[[], Any], on_cancel: Callable[[], Any],
              buttons: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.Ok) -> QDialogButtonBox:
    """A dialog's button row in Indonesian: the given action, and Batal."""
    box = QDialogButtonBox(buttons | QDialogButtonBox.StandardButton.Cancel)
    box.button(buttons).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Batal"))
    box.accepted.connect(on_ok)
    box.rejected.connect(on_cancel)
    return box


def record_table(model, *, fill: bool = False, single: bool = False) -> QTableView:
    """A read-only table of records: whole rows selected, alternating colours, one line a row;
    ``fill`` shares the width among the columns, ``single`` selects one row at a time."""
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    if fill:
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    if single:
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return view


def open_document(path: Path) -> None:
    """Opens a written file in the system's viewer (there is none on the offscreen platform)."""
    if QGuiApplication.platformName() != "offscreen":
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class FlowLayout(QLayout):
    """Lays widgets out in a row that wraps onto the next line when the window is narrow (after
    Qt's flow layout example), so a row of buttons stays reachable on a 1024 px screen."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's name
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt's name
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's name
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        width = sum(item.sizeHint().width() for item in self._items) + self.spacing() * max(len(self._items) - 1, 0)
        height = max((item.sizeHint().height() for item in self._items), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line_height > 0:
                x, y, line_height = rect.x(), y + line_height + self.spacing(), 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.spacing()
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


def labelled(text: str, field: QWidget) -> QWidget:
    """A label and its field that a wrapping row keeps together on one line."""
    pair = QWidget()
    layout = QHBoxLayout(pair)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel(text)
    label.setBuddy(field)
    layout.addWidget(label)
    layout.addWidget(field, 1)
    return pair


def flow_row(*widgets: QWidget) -> QWidget:
    """A row of buttons and fields that wraps when the window is narrow."""
    row = QWidget()
    layout = FlowLayout(row)
    for widget in widgets:
        layout.addWidget(widget)
    policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    policy.setHeightForWidth(True)
    row.setSizePolicy(policy)
    return row


TITLE_BAR = 32  # the frame the system draws above a window, not part of its size


def screen_room() -> QSize:
    """The free area of the screen for a window: the screen less the taskbar and a title bar."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1366, 768 - 40 - TITLE_BAR)
    room = screen.availableGeometry()
    return QSize(room.width(), room.height() - TITLE_BAR)


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Opens ``window`` at width x height, or smaller when the screen is (a 1366x768 laptop with its
    taskbar has 728 px, less the title bar): the buttons at the bottom stay on the screen."""
    room = screen_room()
    window.resize(min(width, room.width()), min(height, room.height()))


def form_state(widget: QWidget) -> tuple:
    """What the clerk has put into the fields under ``widget``: texts, choices, ticks, dates, table rows."""
    values: list[object] = []
    own = widget.window()
    for child in widget.findChildren(QWidget):
        if child.window() is not own:  # a dialog opened from the form (Skrining...) keeps its own fields
            continue
        if isinstance(child, QDateTimeEdit):
            values.append(child.dateTime().toString())
        elif isinstance(child, QLineEdit):
            values.append(child.text())
        elif isinstance(child, QPlainTextEdit):
            values.append(child.toPlainText())
        elif isinstance(child, QComboBox):
            values.append(child.currentIndex())
        elif isinstance(child, QAbstractButton) and child.isCheckable():
            values.append(child.isChecked())
        elif isinstance(child, QTableView) and child.model() is not None:  # a form's own table: its state, else its rows
            model = child.model()
            values.append(model.state() if hasattr(model, "state") else model.rowCount())
    return tuple(values)


def ask_discard(parent: QWidget) -> bool:
    """"Buang perubahan?": True when the clerk chose to throw the unsaved input away."""
    box = QMessageBox(QMessageBox.Icon.Question, _("Buang perubahan?"),
                      _("Isian di formulir ini belum disimpan. Buang perubahan?"), QMessageBox.StandardButton.NoButton,
                      parent)
    discard = box.addButton(_("Buang perubahan"), QMessageBox.ButtonRole.DestructiveRole)
    back = box.addButton(_("Kembali ke formulir"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    box.exec()
    return box.clickedButton() is discard


class DiscardGuard:
    """For a form dialog: Esc, Batal or the close button asks "Buang perubahan?" once the clerk
    has typed or chosen something; an untouched form closes at once. The dialog calls
    ``remember_clean()`` when its fields are filled, and ``discard()`` to close without asking."""

    _clean_state: tuple | None = None

    def remember_clean(self) -> None:
        self._clean_state = form_state(self)  # type: ignore[arg-type]

    def has_unsaved_input(self) -> bool:
        return self._clean_state is not None and form_state(self) != self._clean_state  # type: ignore[arg-type]

    def reject(self) -> None:
        if self.has_unsaved_input() and not ask_discard(self):  # type: ignore[arg-type]
            return
        QDialog.reject(self)  # type: ignore[arg-type]

    def discard(self) -> None:
        QDialog.reject(self)  # type: ignore[arg-type]


# --- file dialogs: in Indonesian, and each kind of file opens where the last one went ---------

def last_folder(kind: str, fallback: Path | None = None) -> Path:
    """The folder the last file of ``kind`` (``report``, ``backup``...) went to on this PC."""
    remembered = QSettings().value(f"folders/{kind}", "") or ""
    if remembered and Path(str(remembered)).is_dir():
        return Path(str(remembered))
    return fallback if fallback is not None and fallback.is_dir() else Path.home()


def remember_folder(kind: str, path: str | Path) -> None:
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    QSettings().setValue(f"folders/{kind}", str(folder))


def file_dialog(parent: QWidget | None, title: str, start: Path, pattern: str, *, mode: str) -> QFileDialog:
    """A file dialog with Indonesian labels (``mode``: ``open``, ``save`` or ``folder``). Windows
    keeps its own dialog, which speaks the language Windows is set to."""
    dialog = QFileDialog(parent, title, str(start), pattern)
    if not sys.platform.startswith("win"):
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    if mode == "save":
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("Simpan"))
        suffix = re.search(r"\*\.(\w+)", pattern)
        if suffix:
            dialog.setDefaultSuffix(suffix.group(1))
    elif mode == "folder":
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("Pilih"))
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("Buka"))
    dialog.setLabelText(QFileDialog.DialogLabel.LookIn, _("Lihat di:"))
    dialog.setLabelText(QFileDialog.DialogLabel.FileName, _("Nama file:"))
    dialog.setLabelText(QFileDialog.DialogLabel.FileType, _("Jenis file:"))
    dialog.setLabelText(QFileDialog.DialogLabel.Reject, _("Batal"))
    return dialog


def _ask(dialog: QFileDialog, kind: str) -> str:
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    chosen = dialog.selectedFiles()[0]
    remember_folder(kind, chosen)
    return chosen


def ask_save_path(parent: QWidget | None, kind: str, title: str, suggested: str | Path, pattern: str) -> str:
    """Where to save a file of ``kind``: the dialog opens in the last folder used for that kind
    (else the suggested one) with the suggested name; "" when cancelled."""
    suggested = Path(suggested)
    fallback = suggested.parent if str(suggested.parent) not in ("", ".") else None
    dialog = file_dialog(parent, title, last_folder(kind, fallback), pattern, mode="save")
    dialog.selectFile(suggested.name)
    return _ask(dialog, kind)


def ask_open_path(parent: QWidget | None, kind: str, title: str, pattern: str, folder: Path | None = None) -> str:
    """Which file of ``kind`` to open, starting in the last folder used for it; "" when cancelled."""
    return _ask(file_dialog(parent, title, last_folder(kind, folder), pattern, mode="open"), kind)


def ask_folder(parent: QWidget | None, kind: str, title: str) -> str:
    """A folder (a backup folder, a flash disk), starting at the last one chosen; "" when cancelled."""
    return _ask(file_dialog(parent, title, last_folder(kind), "", mode="folder"), kind)


def shortcut(keys: str, parent: QWidget, handler: Callable[[], object]) -> QShortcut:
    """A keyboard shortcut on ``parent`` (and what it holds) that calls ``handler``."""
    made = QShortcut(QKeySequence(keys), parent)
    made.activated.connect(handler)
    return made
