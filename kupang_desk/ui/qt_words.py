"""Qt's own words (standard buttons, the text-field menu, the file dialog) in Bahasa Indonesia.

PySide6 ships no Indonesian ``qtbase`` translation, so this translator answers Qt's lookups
from a table; whatever is not in it stays as Qt wrote it. Installed for Indonesian only.
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator

_BUTTONS = {
    "OK": "OK", "Save": "Simpan", "Save All": "Simpan semua", "Open": "Buka", "&Yes": "&Ya", "Yes to &All": "Ya untuk &semua",
    "&No": "&Tidak", "N&o to All": "T&idak untuk semua", "Abort": "Hentikan", "Retry": "Coba lagi", "Ignore": "Abaikan",
    "Close": "Tutup", "Cancel": "Batal", "Discard": "Buang", "Don't Save": "Jangan simpan", "Help": "Bantuan",
    "Apply": "Terapkan", "Reset": "Atur ulang", "Restore Defaults": "Kembalikan bawaan",
}
_TEXT_MENU = {
    "&Undo": "&Urungkan", "&Redo": "&Ulangi", "Cu&t": "Po&tong", "&Copy": "&Salin", "&Paste": "&Tempel",
    "Delete": "Hapus", "Select All": "Pilih semua", "Copy &Link Location": "Salin &alamat tautan",
}
WORDS: dict[tuple[str, str], str] = {
    **{("QPlatformTheme", source): text for source, text in _BUTTONS.items()},
    **{("QDialogButtonBox", source): text for source, text in _BUTTONS.items()},
    **{("QLineEdit", source): text for source, text in _TEXT_MENU.items()},
    **{("QWidgetTextControl", source): text for source, text in _TEXT_MENU.items()},
    ("QMessageBox", "Show Details..."): "Tampilkan rincian...",
    ("QMessageBox", "Hide Details..."): "Sembunyikan rincian...",
    ("QFileDialog", "&Look in:"): "&Lihat di:",
    ("QFileDialog", "File &name:"): "&Nama file:",
    ("QFileDialog", "Files of &type:"): "&Jenis file:",
    ("QFileDialog", "&Open"): "&Buka",
    ("QFileDialog", "Open"): "Buka",
    ("QFileDialog", "&Save"): "&Simpan",
    ("QFileDialog", "Save As"): "Simpan sebagai",
    ("QFileDialog", "&Choose"): "&Pilih",
    ("QFileDialog", "Find Directory"): "Pilih folder",
    ("QFileDialog", "Directory:"): "Folder:",
    ("QFileDialog", "All Files (*)"): "Semua file (*)",
    ("QFileDialog", "&Delete"): "&Hapus",
    ("QFileDialog", "&Rename"): "&Ganti nama",
    ("QFileDialog", "&New Folder"): "Folder &baru",
    ("QFileDialog", "New Folder"): "Folder baru",
    ("QFileDialog", "Create New Folder"): "Buat folder baru",
    ("QFileDialog", "Create a New Folder"): "Buat folder baru",
    ("QFileDialog", "Show &hidden files"): "Tampilkan file &tersembunyi",
    ("QFileDialog", "Back"): "Kembali",
    ("QFileDialog", "Forward"): "Maju",
    ("QFileDialog", "Go back"): "Kembali",
    ("QFileDialog", "Go forward"): "Maju",
    ("QFileDialog", "Parent Directory"): "Folder induk",
    ("QFileDialog", "Go to the parent directory"): "Ke folder induk",
    ("QFileDialog", "List View"): "Daftar",
    ("QFileDialog", "Detail View"): "Rincian",
    ("QFileDialog", "Change to list view mode"): "Tampilkan sebagai daftar",
    ("QFileDialog", "Change to detail view mode"): "Tampilkan dengan rincian",
    ("QFileDialog", "Sidebar"): "Tempat",
    ("QFileDialog", "List of places and bookmarks"): "Daftar tempat dan penanda",
    ("QFileDialog", "Files"): "File",
    ("QFileDialog", "Recent Places"): "Tempat terakhir",
    ("QFileDialog", "My Computer"): "Komputer",
    ("QFileDialog", "%1 already exists.\nDo you want to replace it?"): "%1 sudah ada.\nGanti file itu?",
    ("QFileDialog", "%1\nFile not found.\nPlease verify the correct file name was given."):
        "%1\nFile tidak ditemukan.\nPeriksa lagi nama filenya.",
    ("QFileDialog", "%1\nDirectory not found.\nPlease verify the correct directory name was given."):
        "%1\nFolder tidak ditemukan.\nPeriksa lagi nama foldernya.",
    ("QFileDialog", "Are you sure you want to delete '%1'?"): "Yakin menghapus '%1'?",
    ("QFileSystemModel", "Name"): "Nama",
    ("QFileSystemModel", "Size"): "Ukuran",
    ("QFileSystemModel", "Type"): "Jenis",
    ("QFileSystemModel", "Date Modified"): "Diubah",
    ("QFileSystemModel", "Computer"): "Komputer",
    ("QAbstractFileIconProvider", "Folder"): "Folder",
    ("QAbstractFileIconProvider", "Drive"): "Diska",
    ("QAbstractFileIconProvider", "File"): "File",
}


class QtIndonesian(QTranslator):
    """Answers Qt's own lookups from ``WORDS``; None (Qt's English) for the rest."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        return WORDS.get((context, source))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


_translator: QtIndonesian | None = None


def install(app, language: str) -> None:
    """Qt's own words in ``language``: Indonesian from the table above, Qt's English otherwise."""
    global _translator
    if language == "id" and _translator is None:
        _translator = QtIndonesian(app)
        app.installTranslator(_translator)
    elif language != "id" and _translator is not None:
        app.removeTranslator(_translator)
        _translator = None
