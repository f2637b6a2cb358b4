"""A computed report table as the preview shows it: read-only, numbers right-aligned in Indonesian form."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from kupang_desk.documents.table import ReportTable, shown_number
from kupang_desk.ui.widgets import ALIGN, DISPLAY


class ReportTableModel(QAbstractTableModel):
    """A computed report table, read-only, as it will be printed."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.table: ReportTable | None = None
        self.rows: list[list] = []

    def set_table(self, table: ReportTable | None) -> None:
        self.beginResetModel()
        self.table = table
        self.rows = [] if table is None else table.rows + ([table.totals()] if table.total_label and table.rows else [])
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.table is None else len(self.table.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        role = int(role)
        if self.table is None or not index.isValid():
            return None
        column = self.table.columns[index.column()]
        if role == DISPLAY:
            value = self.rows[index.row()][index.column()]
            return shown_number(value, column.kind) if column.numeric and isinstance(value, int | float) else (
                "" if value is None else str(value))
        if role == ALIGN and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if self.table is None or int(role) != DISPLAY or orientation != Qt.Orientation.Horizontal:
            return None
        column = self.table.columns[section]
        return f"{column.group}\n{column.header}" if column.group else column.header
