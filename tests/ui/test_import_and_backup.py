"""The register import wizard and the backup and restore menu items, as a clerk uses them."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kupang_desk.backup import copies as backup
from kupang_desk.imports.rows import ImportSummary
from kupang_desk.imports.values import REJECT
from kupang_desk.models import Patient, Visit
from kupang_desk.ui import import_wizard
from kupang_desk.ui.import_wizard import ImportDialog
from kupang_desk.ui.main_window import MainWindow
from tests.helpers.factories import an_institution, new_patient
from tests.visits.test_register_import import ROWS, register_file


def _check(qtbot, path):
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.path, str(path))
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    return dialog


def test_check_then_import_a_register(qtbot, sqlite_database, tmp_path):
    dialog = _check(qtbot, register_file(tmp_path / "register-2022.xlsx", ROWS))
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


def test_the_wizards_own_line_follows_the_work(qtbot, sqlite_database, tmp_path, monkeypatch):
    """While a large file is checked, the line above the rows says how far it is, as the progress
    window does, instead of "Membaca..." until the end."""
    go_on = threading.Event()

    def checking(path, *, task, **_options):
        task.step(17000, 50000, "Memeriksa baris 17.000 dari 50.000")
        go_on.wait(10)
        return ImportSummary()

    monkeypatch.setattr(import_wizard, "import_register", checking)
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.path, str(tmp_path / "register-2022.xlsx"))
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
        try:
            qtbot.waitUntil(lambda: dialog.status.text() == "Memeriksa baris 17.000 dari 50.000", timeout=10000)
        finally:
            go_on.set()
    assert dialog.status.text().startswith("Hasil pemeriksaan: 0 baru")


def test_backup_to_a_usb_stick_and_restore_it(qtbot, sqlite_database, tmp_path, monkeypatch):
    an_institution()
    new_patient()
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: shown.append(args[2]))
    usb = tmp_path / "usb"
    usb.mkdir()
    with qtbot.waitSignal(window.backups.to_folder(str(usb)).finished, timeout=20000):
        pass
    made = backup.backups_in(usb)
    assert len(made) == 1 and "Flashdisk boleh dicabut" in shown[0] and "1 pasien" in shown[0]
    Patient.update(name="Salah Ubah").execute()
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    window.backups.ask_restore(str(made[0]))
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    from kupang_desk.models import database

    database.connect(f"sqlite:///{sqlite_database.path}")
    assert [p.name for p in Patient.select()] == ["Yohanes Ndun"]


def test_a_damaged_backup_is_refused_before_anything_is_asked(qtbot, sqlite_database, tmp_path, monkeypatch):
    new_patient()
    made = backup.make_backup(tmp_path)
    data = bytearray(made.read_bytes())  # one byte changed after the backup was made
    data[len(data) // 2] ^= 0xFF
    made.write_bytes(bytes(data))
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args: asked.append(args) or QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.backups.ask_restore(str(made)).finished, timeout=20000):
        pass
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert "rusak" in box.text() and not asked  # the clerk is told, never asked to restore it
    assert window.isVisible() and [p.name for p in Patient.select()] == ["Yohanes Ndun"]


def test_the_clerk_maps_unknown_values_once_and_the_next_file_asks_nothing(qtbot, sqlite_database, tmp_path):
    from kupang_desk.models import PaymentType, Poli
    from tests.imports.test_field_files import FIELD_ROWS

    dialog = _check(qtbot, register_file(tmp_path / "register-2022.xlsx", FIELD_ROWS))
    assert dialog.answers.isVisible()
    assert sorted(dialog.answers.boxes) == [("payment", "BPJS Non PBI"), ("poli", "Poli Jiwa")]
    assert not dialog.import_button.isEnabled()  # nothing can be saved before each value is answered
    payment = dialog.answers.boxes[("payment", "BPJS Non PBI")]
    # The two entries it may mean come first in the drop-down.
    assert [payment.itemText(i) for i in (1, 2)] == ["BPJS Non-PBI (PPU)", "BPJS Non-PBI (PBPU/BP)"]
    payment.setCurrentIndex(2)
    poli = dialog.answers.boxes[("poli", "Poli Jiwa")]
    poli.setCurrentIndex(poli.findText("Tambahkan 'Poli Jiwa' sebagai entri baru"))
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert Visit.select().count() == 6 and "6 baru" in dialog.status.text()
    assert Visit.select().where(Visit.payment_type == PaymentType.get(PaymentType.code == "PBPU")).count() == 3
    assert Poli.get_or_none(Poli.name == "Poli Jiwa") is not None

    later = [row[:8] + ["08-03-2022"] + row[9:] for row in FIELD_ROWS]
    second = _check(qtbot, register_file(tmp_path / "register-2022b.xlsx", later))
    assert not second.answers.isVisible() and second.answers.boxes == {}
    assert second.import_button.isEnabled()


def test_remembered_answers_are_shown_changed_and_forgotten_in_pengaturan(qtbot, sqlite_database, tmp_path):
    from kupang_desk.models import PaymentType
    from kupang_desk.ui.settings.value_maps import ValueMapsEditor
    from kupang_desk.visits.register_import import import_register
    from tests.imports.test_field_files import FIELD_ROWS, TODAY

    path = register_file(tmp_path / "r.xlsx", FIELD_ROWS[1:2])
    import_register(path, today=TODAY, values={("Cara Bayar", "BPJS Non PBI"): "PPU"})
    editor = ValueMapsEditor()
    qtbot.addWidget(editor)
    assert [(editor.model.data(editor.model.index(0, c))) for c in range(3)] == [
        "Cara Bayar", "BPJS Non PBI", "BPJS Non-PBI (PPU)"]
    qtbot.mouseClick(editor.view.viewport(), Qt.MouseButton.LeftButton, pos=editor.view.visualRect(editor.model.index(0, 0)).center())
    editor.target.setCurrentIndex(editor.target.findData(str(PaymentType.get(PaymentType.code == "PBPU").id)))
    qtbot.mouseClick(editor.change_button, Qt.MouseButton.LeftButton)
    assert editor.model.data(editor.model.index(0, 2)) == "BPJS Non-PBI (PBPU/BP)"
    qtbot.mouseClick(editor.view.viewport(), Qt.MouseButton.LeftButton, pos=editor.view.visualRect(editor.model.index(0, 0)).center())
    qtbot.mouseClick(editor.forget_button, Qt.MouseButton.LeftButton)
    assert editor.model.rowCount() == 0
    assert [u.value for u in import_register(path, dry_run=True, today=TODAY).unknown] == ["BPJS Non PBI"]  # asked again


def test_on_a_pc_that_does_not_know_the_passphrase_the_restore_asks_for_it(qtbot, sqlite_database, tmp_path, monkeypatch):
    import shutil

    from kupang_desk.backup import encryption

    an_institution()
    new_patient()
    made = backup.make_backup(tmp_path)
    Patient.update(name="Salah Ubah").execute()
    shutil.rmtree(encryption._key_file().parent)  # another PC of the office: no key kept here
    monkeypatch.delenv(encryption.ENV_PASSPHRASE)
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    asked = []
    answers = iter(["bukan-kata-sandinya", "uji-cadangan-123"])  # a slip first, then the right one
    monkeypatch.setattr(window.backups, "ask_passphrase", lambda text: asked.append(text) or next(answers))
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)
    window.backups.ask_restore(str(made))
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert "masukkan kata sandi cadangan" in asked[0] and "salah" in asked[1]
    from kupang_desk.models import database

    database.connect(f"sqlite:///{sqlite_database.path}")
    assert [p.name for p in Patient.select()] == ["Yohanes Ndun"]


def test_another_institutions_backup_wants_its_name_typed(qtbot, sqlite_database, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from kupang_desk import settings
    from kupang_desk.models import Institution, writing

    an_institution("SD Inpres Oebufu", "sekolah", "50304512")
    with writing():
        settings.put("database.id", "database-sekolah")
    theirs = backup.make_backup(tmp_path)
    an_institution()
    with writing():
        settings.put("database.id", "database-puskesmas")
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    typed = iter([("SD Inpres", True), ("sd inpres  oebufu", True)])
    prompts = []
    monkeypatch.setattr(QInputDialog, "getText", lambda parent, title, text, *rest: prompts.append(text) or next(typed))
    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)
    with qtbot.waitSignal(window.backups.ask_restore(str(theirs)).finished, timeout=20000):
        pass
    assert "milik SD Inpres Oebufu, bukan UPTD Puskesmas Oebobo" in prompts[0]
    assert window.isVisible() and Institution.get().name == "UPTD Puskesmas Oebobo"  # the wrong name: nothing changed
    window.backups.ask_restore(str(theirs))
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    from kupang_desk.models import database

    database.connect(f"sqlite:///{sqlite_database.path}")
    assert Institution.get().name == "SD Inpres Oebufu"


def test_the_window_after_a_dead_restore_says_so_and_offers_the_same_backup(qtbot, sqlite_database, tmp_path, monkeypatch):
    """Issue 35 item 3: the start-up check tells the administrator the restore stopped, names the
    safety copy, and "Ulangi pemulihan..." asks to restore the same backup again."""
    from kupang_desk.models import database
    from tests.test_restore_killed import plant_dead_restore

    an_institution()
    made = backup.make_backup(tmp_path)
    database.close()
    plant_dead_restore(sqlite_database.url, made, tmp_path / "pengaman.sqlite")
    database.connect(sqlite_database.url)
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.backups.check_and_back_up().finished, timeout=20000):
        pass
    box = window.backups.interrupted_box
    assert box.isVisible() and "terhenti sebelum selesai" in box.text() and "pengaman.sqlite" in box.text()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args: asked.append(args[2]) or QMessageBox.StandardButton.No)
    again = next(b for b in box.buttons() if b.text() == "Ulangi pemulihan...")
    qtbot.mouseClick(again, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(asked), timeout=20000)
    assert "akan diganti seluruhnya" in asked[0]


def test_the_beranda_backup_tile_follows_the_start_up_backup(qtbot, sqlite_database, tmp_path):
    """The Beranda said "belum ada cadangan" while the status bar said "baru saja": the tile was counted
    before the start-up backup finished and never again."""
    from kupang_desk import settings
    from kupang_desk.models import writing

    an_institution()
    new_patient()
    with writing():
        settings.put("backup.folder", str(tmp_path / "cadangan"))
    window = MainWindow(sqlite_database, automatic_backups=True)
    qtbot.addWidget(window)
    window.show()
    beranda = window.page("beranda")
    qtbot.waitUntil(lambda: beranda.tiles["backup"].value != "", timeout=10000)
    assert "belum ada" in (beranda.tiles["backup"].value + beranda.tiles["backup"].detail).lower()
    with qtbot.waitSignal(window.backups.check_and_back_up().finished, timeout=30000):
        pass
    assert "belum ada" not in (beranda.tiles["backup"].value + beranda.tiles["backup"].detail).lower()
    assert backup.last_backup().age is not None
