"""The clerk's answers for values a file spells differently from the lists: one question each."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kupang_desk.i18n import _
from kupang_desk.imports.values import ADD, BLANK, REJECT, Unknown

# Past this many entries (kelurahan of NTT) the box is typed into, with completion.
TYPE_TO_FIND = 40


class ValueAnswers(QGroupBox):
    """One choice box per distinct unknown value: a known entry, a new entry, empty, or reject."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Isian yang belum dikenal: pilih sekali, diingat untuk impor berikutnya"), parent)
        self.boxes: dict[tuple[str, str], QComboBox] = {}
        self.form = QFormLayout()
        inner = QWidget()
        inner.setLayout(self.form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setMaximumHeight(180)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        self.hide()

    def set_unknown(self, unknown: list[Unknown]) -> None:
        """Shows the values still to answer; answers already given to the same values are kept."""
        kept = self.answers()
        while self.form.rowCount():
            self.form.removeRow(0)
        self.boxes = {}
        for value in unknown:
            box = self._box(value)
            previous = kept.get((value.field, value.value))
            if previous is not None:
                box.setCurrentIndex(max(box.findData(previous), 0))
            label = QLabel(value.describe())
            label.setWordWrap(True)
            self.form.addRow(label, box)
            self.boxes[(value.field, value.value)] = box
        self.setVisible(bool(unknown))
        self.changed.emit()

    def _box(self, value: Unknown) -> QComboBox:
        box = QComboBox()
        box.setObjectName(f"answer-{value.field}")
        box.addItem(_("- pilih -"), None)
        shown = set()
        for entry in [*value.candidates, *value.entries]:
            if entry.key not in shown:
                shown.add(entry.key)
                box.addItem(entry.label, entry.key)
        box.insertSeparator(box.count())
        if value.can_add:
            box.addItem(_("Tambahkan '{value}' sebagai entri baru").format(value=value.value), ADD)
        if value.optional:
            box.addItem(_("Biarkan kosong"), BLANK)
        box.addItem(_("Tolak baris yang berisi ini"), REJECT)
        if len(value.entries) > TYPE_TO_FIND:
            box.setEditable(True)
            box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            completer, edit = box.completer(), box.lineEdit()  # both made by setEditable(True)
            assert completer is not None and edit is not None
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            edit.setPlaceholderText(_("ketik untuk mencari"))
            box.setCurrentIndex(0)
            box.setEditText("")
        box.currentIndexChanged.connect(lambda _i: self.changed.emit())
        return box

    def answers(self) -> dict[tuple[str, str], str]:
        return {key: box.currentData() for key, box in self.boxes.items() if box.currentData() is not None}

    def complete(self) -> bool:
        return all(box.currentData() is not None for box in self.boxes.values())
