"""Pengaturan > Daftar rujukan > Pemetaan impor: the answers imports remember, to change or forget."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.imports.values import (
    BLANK,
    Mapping,
    change_mapping,
    forget_mapping,
    list_mappings,
    vocabularies_for_settings,
)
from kupang_desk.ui.widgets import ListModel


class ValueMapsEditor(QWidget):
    """Each remembered value with what it is read as; "Ubah" points it elsewhere, "Lupakan" asks again next time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ListModel([(_("Kolom"), lambda m: m.column), (_("Nilai di file"), lambda m: m.value),
                                (_("Dibaca sebagai"), lambda m: m.target_label)], self)
        self.view = QTableView()
        self.view.setObjectName("valueMaps")
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.target = QComboBox()
        self.change_button, self.forget_button = QPushButton(_("Ubah")), QPushButton(_("Lupakan"))
        self.message = QLabel(_("Jawaban yang dipilih saat impor. Impor berikutnya membaca nilai yang sama tanpa bertanya."))
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Baca sebagai:")))
        row.addWidget(self.target, 1)
        row.addWidget(self.change_button)
        row.addWidget(self.forget_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        self.view.clicked.connect(lambda index: self._choose(self.model.item(index.row())))
        self.change_button.clicked.connect(self.change)
        self.forget_button.clicked.connect(self.forget)
        self.selected: Mapping | None = None
        self.reload()

    def reload(self) -> None:
        self.model.set_items(list_mappings())
        self.selected = None
        self.target.clear()
        self.change_button.setEnabled(False)
        self.forget_button.setEnabled(False)

    def _choose(self, mapping: Mapping) -> None:
        self.selected = mapping
        vocabulary = vocabularies_for_settings()[mapping.field]
        self.target.clear()
        for entry in vocabulary.entries:
            self.target.addItem(entry.label, entry.key)
        if vocabulary.optional:
            self.target.addItem(_("Biarkan kosong"), BLANK)
        self.target.setCurrentIndex(max(self.target.findData(mapping.target), 0))
        self.change_button.setEnabled(True)
        self.forget_button.setEnabled(True)

    def change(self) -> None:
        if self.selected is None:
            return
        try:
            change_mapping(self.selected.field, self.selected.value, self.target.currentData())
        except KnownError as error:
            self.message.setText(str(error))
            return
        self.reload()
        self.message.setText(_("Disimpan."))

    def forget(self) -> None:
        if self.selected is None:
            return
        try:
            forget_mapping(self.selected.field, self.selected.value)
        except KnownError as error:
            self.message.setText(str(error))
            return
        self.reload()
        self.message.setText(_("Dilupakan: impor berikutnya akan menanyakannya lagi."))

