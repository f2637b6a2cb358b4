"""File dialogs speak Indonesian and each kind of file opens where the last one of its kind went."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from kupang_desk.ui.widgets import ask_save_path


def _answer(seen: list[dict], type_in: str | None) -> None:
    """Looks at the dialog the clerk sees, then types a file name and saves (or cancels)."""
    def answer() -> None:
        picker = QApplication.activeModalWidget()
        if not isinstance(picker, QFileDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append({"folder": Path(picker.directory().absolutePath()),
                     "name": picker.findChild(QLineEdit, "fileNameEdit").text(),
                     "labels": [picker.labelText(label) for label in (
                         QFileDialog.DialogLabel.LookIn, QFileDialog.DialogLabel.FileName,
                         QFileDialog.DialogLabel.FileType, QFileDialog.DialogLabel.Accept,
                         QFileDialog.DialogLabel.Reject)]})
        if type_in is None:
            picker.reject()
            return
        picker.findChild(QLineEdit, "fileNameEdit").setText(type_in)
        picker.accept()

    QTimer.singleShot(20, answer)


def test_the_save_dialog_remembers_the_last_folder_of_each_kind(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    flashdisk = tmp_path / "flashdisk"
    flashdisk.mkdir()
    seen: list[dict] = []
    _answer(seen, str(flashdisk / "lb1-november"))
    chosen = ask_save_path(None, "report-xlsx", "Simpan laporan", tmp_path / "lb1-2026-11.xlsx", "Excel (*.xlsx)")
    assert chosen == str(flashdisk / "lb1-november.xlsx")  # the suffix added as the office expects
    assert seen[0]["labels"] == ["Lihat di:", "Nama file:", "Jenis file:", "Simpan", "Batal"]
    assert seen[0]["name"] == "lb1-2026-11.xlsx"
    _answer(seen, None)
    assert ask_save_path(None, "report-xlsx", "Simpan laporan", "lb1-2026-12.xlsx", "Excel (*.xlsx)") == ""
    assert seen[1]["folder"] == flashdisk and seen[1]["name"] == "lb1-2026-12.xlsx"  # where the last one went
    _answer(seen, None)
    ask_save_path(None, "audit-export", "Ekspor jejak audit", "jejak-audit.xlsx", "Excel (*.xlsx)")
    assert seen[2]["folder"] == tmp_path  # another kind of file: not the report's folder
