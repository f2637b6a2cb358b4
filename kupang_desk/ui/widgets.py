"""Small shared pieces: forms with a message beside each field, date text, table models."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kupang_desk.i18n import _

# Item roles as plain ints: data() is called for every role of every visible cell, and
# comparing with the enum members costs more than the lookup itself.
DISPLAY = Qt.ItemDataRole.DisplayRole.value
USER = Qt.ItemDataRole.UserRole.value
ALIGN = Qt.ItemDataRole.TextAlignmentRole.value
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

    def add(self, name: str, label: str, widget: QWidget, *, extra: QWidget | None = None) -> QWidget:
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
        widget.setObjectName(name)
        return widget

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


def line(text: str = "", *, placeholder: str = "", max_length: int | None = None) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    if max_length:
        edit.setMaxLength(max_length)
    return edit


class ListModel(QAbstractTableModel):
    """A read-only table of a short list of objects; ``columns`` are (header, getter)."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[Any], Any]]], parent=None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.items: list[Any] = []

    def set_items(self, items: Sequence[Any]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        value = self.columns[index.column()][1](self.items[index.row()])
        return "" if value is None else str(value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][0]
        return None

    def item(self, row: int) -> Any:
        return self.items[row] if 0 <= row < len(self.items) else None



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
