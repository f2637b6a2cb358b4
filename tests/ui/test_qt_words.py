"""Qt's own buttons, text menus and file dialog speak Indonesian (PySide6 ships no translation)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox, QTreeView

from kupang_desk.ui import qt_words
from kupang_desk.ui.app import application


def test_standard_buttons_and_the_text_menu_are_indonesian(qtbot):
    application()
    box = QMessageBox(QMessageBox.Icon.Question, "Hapus?", "Hapus data ini?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert sorted(button.text() for button in box.buttons()) == ["&Tidak", "&Ya", "Batal"]
    field = QLineEdit()
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    texts = [action.text().split("\t")[0] for action in menu.actions() if action.text()]
    assert texts == ["&Urungkan", "&Ulangi", "Po&tong", "&Salin", "&Tempel", "Hapus", "Pilih semua"]


def test_the_file_dialog_columns_and_buttons_are_indonesian(qtbot):
    application()
    dialog = QFileDialog()
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    tree = dialog.findChild(QTreeView, "treeView")
    columns = [tree.model().headerData(column, Qt.Orientation.Horizontal) for column in range(4)]
    assert columns == ["Nama", "Ukuran", "Jenis", "Diubah"]
    labels = [dialog.labelText(QFileDialog.DialogLabel.LookIn), dialog.labelText(QFileDialog.DialogLabel.FileName)]
    assert labels == ["&Lihat di:", "&Nama file:"]


def test_english_keeps_qts_own_words(qtbot):
    app = application()
    qt_words.install(app, "en")
    try:
        box = QMessageBox(QMessageBox.Icon.Question, "Delete?", "Delete?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        qtbot.addWidget(box)
        assert sorted(button.text() for button in box.buttons()) == ["&No", "&Yes"]
    finally:
        qt_words.install(app, "id")
