"""The register import wizard and the backup and restore menu items, as a clerk uses them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kupang_desk import backup
from kupang_desk.imports.values import REJECT
from kupang_desk.models import Patient, Visit
from kupang_desk.ui.import_wizard import ImportDialog
from kupang_desk.ui.main_window import MainWindow
from tests.helpers.factories import new_patient
from tests.imports.test_register_import import ROWS, register_file


def test_check_then_import_a_register(qtbot, sqlite_database, tmp_path):
    path = register_file(tmp_path / "register-2022.xlsx", ROWS)
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.path, str(path))
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert Visit.select().count() == 0  # checking saves nothing
    assert dialog.model.rowCount() == 10
    assert dialog.model.data(dialog.model.index(4, 1)) == "Ditolak"
    assert "notasi ilmiah" in dialog.model.data(dialog.model.index(4, 3))
    assert "notasi ilmiah" in dialog.model.data(dialog.model.index(4, 0), Qt.ItemDataRole.ToolTipRole)
    assert list(dialog.mapping) == ["Catatan"]  # the one column it did not know, to map or ignore
    # Two values no list knows (sex "X", kelurahan "Atlantis"): Impor waits until each is answered.
    assert sorted(dialog.answers.boxes) == [("kelurahan", "Atlantis"), ("sex", "X")]
    assert not dialog.import_button.isEnabled()
    for box in dialog.answers.boxes.values():
        box.setCurrentIndex(box.findData(REJECT))
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert Visit.select().count() == 4 and Patient.select().count() == 3
    assert (tmp_path / "register-2022-ditolak.xlsx").exists()
    assert "4 baru" in dialog.status.text()


def test_backup_to_a_usb_stick_and_restore_it(qtbot, sqlite_database, tmp_path, monkeypatch):
    new_patient()
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: shown.append(args[2]))
    usb = tmp_path / "usb"
    usb.mkdir()
    with qtbot.waitSignal(window.backup_to_folder(str(usb)).finished, timeout=20000):
        pass
    made = backup.backups_in(usb)
    assert len(made) == 1 and "Flashdisk boleh dicabut" in shown[0] and "1 pasien" in shown[0]
    Patient.update(name="Salah Ubah").execute()
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    window.restore_dialog(str(made[0]))
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    from kupang_desk.models import database

    database.connect(f"sqlite:///{sqlite_database.path}")
    assert [p.name for p in Patient.select()] == ["Yohanes Ndun"]
