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


def _source_messages() -> list[tuple[str, str, str]]:
    import xml.etree.ElementTree as ET

    from kupang_desk.resources import resource_path

    root = ET.parse(resource_path("translations", "qt_id.ts")).getroot()
    return [(context.findtext("name"), message.findtext("source"), message.findtext("translation"))
            for context in root.iter("context") for message in context.iter("message")]


def test_the_compiled_catalogue_says_what_its_source_says():
    """resources/translations/qt_id.qm is qt_id.ts compiled (scripts/qt_catalogue.py): every message of
    the source comes out of the catalogue the program loads."""
    translator = qt_words.catalogue()
    assert not translator.isEmpty()
    messages = _source_messages()
    assert len(messages) > 150
    wrong = [(c, s) for c, s, t in messages if translator.translate(c, s) != t]
    assert not wrong, "run python scripts/qt_catalogue.py: " + repr(wrong[:5])


# What a clerk would see in English in Qt's own print dialog, preview and folder dialog (issue 38 item 4).
ENGLISH = {"Print", "&Print", "Options", "&Options >>", "Copies", "Copies:", "Print range", "Print all", "Pages from",
           "Collate", "Reverse", "Color Mode", "Grayscale", "Zoom in", "Zoom out", "Next page", "Previous page",
           "First page", "Last page", "Page setup", "Portrait", "Landscape", "Fit width", "Fit page", "Directories",
           "P&roperties", "Location:", "Type:", "Cancel", "Output Settings", "Double Sided Printing"}


def _texts(widget) -> set[str]:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QComboBox, QTabWidget, QWidget

    found = set()
    for child in widget.findChildren(QWidget):
        for name in ("text", "title", "toolTip"):
            getter = getattr(child, name, None)
            try:
                value = getter() if callable(getter) else None
            except TypeError:
                value = None
            if isinstance(value, str) and value:
                found.add(value)
        if isinstance(child, QTabWidget):
            found |= {child.tabText(i) for i in range(child.count())}
        if isinstance(child, QComboBox):
            found |= {child.itemText(i) for i in range(child.count())}
    found |= {text for action in widget.findChildren(QAction) for text in (action.text(), action.toolTip())}
    return found


def test_the_print_dialog_its_preview_and_the_folder_dialog_speak_indonesian(qtbot):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog

    application()
    printer = QPrinter()
    folder = QFileDialog()
    folder.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    folder.setFileMode(QFileDialog.FileMode.Directory)
    seen = set()
    for dialog in (QPrintDialog(printer), QPrintPreviewDialog(printer), folder):
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        seen |= _texts(dialog)
        dialog.close()
    assert not seen & ENGLISH, sorted(seen & ENGLISH)
    assert {"Cetak", "Perbesar", "Halaman berikutnya", "Jumlah salinan:", "Halaman yang dicetak"} <= seen
