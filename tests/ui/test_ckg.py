"""The CKG at school as the two offices use it: the school sends its roster from the Siswa tab, the
puskesmas screens a class from the keyboard, and the school sees who needs follow-up."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kupang_desk.ckg import puskesmas
from kupang_desk.ckg.coverage import coverage
from kupang_desk.models import CkgStudent
from kupang_desk.students.records import save_student
from kupang_desk.ui.beranda import PuskesmasBeranda
from kupang_desk.ui.ckg import CkgDialog
from kupang_desk.ui.main_window import MainWindow
from kupang_desk.ui.school_beranda import SchoolBeranda
from tests.helpers.clock import TODAY
from tests.helpers.factories import an_institution


def born(years: int) -> dt.date:
    return dt.date(TODAY.year - years, 1, 10)


def test_roster_out_a_class_screened_from_the_keyboard_and_the_results_back(qtbot, sqlite_database, tmp_path):
    an_institution("SD Inpres Oebobo 2", "sekolah", "50304512")
    for name, sex, nisn in (("Maria Bere", "P", "0151234567"), ("Yosef Tanau", "L", "0151234568"),
                            ("Ana Lay", "P", "0151234569")):
        save_student({"name": name, "sex": sex, "birth_date": born(10), "nisn": nisn, "class_group": "Kelas 5A"}, today=TODAY)
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    window.show_section("sekolah")
    tab = window.school_page.students
    assert tab.ckg_button.menu() is not None
    sent = tab.send_roster(str(tmp_path / "daftar-siswa-ckg.json"))
    assert sent is not None and sent.count == 3
    assert sent.fingerprint in tab.count.text()  # read over the phone to the puskesmas
    window.close()

    an_institution("UPTD Puskesmas Oebobo", "puskesmas", "1050101")
    dialog = CkgDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "Impor file daftar siswa" in dialog.coverage.text()
    dialog.import_roster(sent.path)
    assert dialog.model.rowCount() == 3 and "0 dari 3" in dialog.coverage.text()
    assert dialog.current().name == "Ana Lay"  # the first not yet screened, by class and name

    # Ana: typed, Enter from box to box; thin for her age: the referral fills itself in.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.height_box)
    qtbot.keyClick(dialog.height_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # nothing typed: not saved
    assert "Belum ada hasil" in dialog.message.text() and CkgStudent.select().where(CkgStudent.screened_on.is_null(False)).count() == 0
    qtbot.keyClicks(dialog.height_box, "135")
    qtbot.keyClick(dialog.height_box, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is dialog.weight_box
    qtbot.keyClicks(dialog.weight_box, "23")
    assert "gizi kurang" in dialog.growth.text() or "gizi buruk" in dialog.growth.text()
    assert "Perlu dirujuk" in dialog.reasons.text() and dialog.place.text() == "UPTD Puskesmas Oebobo"
    qtbot.keyClick(dialog.weight_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Ana Lay tersimpan, dirujuk" in dialog.message.text()
    assert dialog.current().name == "Yosef Tanau" and QApplication.focusWidget() is dialog.height_box  # by folded name
    # Yosef: well; nothing to refer, and the place the form filled for Ana is not carried over.
    qtbot.keyClicks(dialog.height_box, "138")
    qtbot.keyClick(dialog.height_box, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.weight_box, "31,5")
    assert "gizi baik" in dialog.growth.text() and dialog.place.text() == "" and dialog.reasons.text() == ""
    qtbot.keyClick(dialog.weight_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "2 dari 3" in dialog.coverage.text() and "1 dirujuk" in dialog.coverage.text()
    screened = {e.nisn: e for e in CkgStudent.select()}
    assert screened["0151234568"].weight_kg == 31.5 and screened["0151234568"].referral_place == ""
    assert screened["0151234569"].referral_date == TODAY + dt.timedelta(days=7)
    beranda = PuskesmasBeranda()  # the head sees how far the schools have come, and opens the window from there
    qtbot.addWidget(beranda)
    beranda.show_ckg(coverage())
    assert beranda.ckg.isVisibleTo(beranda) and "2 dari 3 siswa diperiksa di 1 sekolah; 1 dirujuk" in beranda.ckg.text()
    with qtbot.waitSignal(beranda.open_ckg):
        beranda.ckg.linkActivated.emit("ckg")
    back = dialog.send_results(str(tmp_path / "hasil.json"))
    assert back is not None and "tanpa diagnosis" in dialog.message.text()
    dialog.close()

    an_institution("SD Inpres Oebobo 2", "sekolah", "50304512")
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    window.show_section("sekolah")
    tab = window.school_page.students
    came = tab.import_results(str(back))
    assert came is not None and came.written
    column = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())].index("CKG")
    shown = {tab.model.data(tab.model.index(r, 1)): tab.model.data(tab.model.index(r, column)) for r in range(3)}
    assert shown == {"Ana Lay": "perlu tindak lanjut", "Yosef Tanau": "sudah diperiksa", "Maria Bere": "belum diperiksa"}
    assert tab.print_letters(str(tmp_path / "surat.pdf")) == 1
    home = SchoolBeranda()
    qtbot.addWidget(home)
    home.refresh(TODAY)
    assert [label.text() for label in home.tiles["ckg"].labels[1:]] == ["2 dari 3", "1 perlu tindak lanjut"]
    assert puskesmas.BLOOD_PRESSURE_FROM == 13

