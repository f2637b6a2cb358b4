"""A morning at the loket and the poli as the clerks drive it: three patients get numbers, the poli
calls them with F2, serves one through the visit form and refers another to Gigi, where the Gigi
list shows it; LB1 counts the visit the poli finished, not the patients still waiting."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog

from kupang_desk.documents.table import Period
from kupang_desk.models import QueueEntry, Visit
from kupang_desk.queue import entries
from kupang_desk.reports.lb1 import lb1_counts
from kupang_desk.ui.main_window import MainWindow
from tests.helpers.clock import TODAY
from tests.helpers.factories import new_patient, poli


def test_three_patients_from_the_loket_to_the_poli_and_one_on_to_gigi(qtbot, sqlite_database, monkeypatch):
    people = [new_patient(nik=f"53710412038700{n:02d}", name=name, kk_number=f"5371041501100{n:03d}")
              for n, name in ((1, "Yohanes Ndun"), (2, "Petrus Pah"), (3, "Yakobus Tefa"))]
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    window.show_section("antrean")
    page = window.queue_page
    loket, poli_tab = page.loket, page.poli
    for person in people:  # the loket clerk types a name, picks the poli, gives the number
        loket.search.setText("")
        qtbot.keyClicks(loket.search, person.name.split()[0])
        assert loket.found.count() >= 1 and person.name in loket.found.currentItem().text()
        loket.poli.setCurrentIndex(loket.poli.findText("Umum"))
        qtbot.keyClicks(loket.note, "demam")
        qtbot.mouseClick(loket.give_button, Qt.MouseButton.LeftButton)
    assert loket.given.text() == "U-003"
    preview = loket.print_ticket()  # Cetak struk: the 58 mm ticket in the print preview
    assert preview is not None and preview.isVisible() and preview.pages() == 1
    preview.close()
    assert [(q.poli, q.waiting) for q in loket.model.items] == [("Umum", 3)]

    page.tabs.setCurrentWidget(poli_tab)
    poli_tab.poli.setCurrentIndex(poli_tab.poli.findText("Umum"))
    assert [e.label for e in poli_tab.model.items] == ["U-001", "U-002", "U-003"]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    poli_tab.table.setFocus()
    qtbot.keyClick(poli_tab.table, Qt.Key.Key_F2)  # Panggil berikutnya
    assert "U-001 Yohanes Ndun: Dipanggil" in poli_tab.message.text()
    qtbot.waitUntil(lambda: poli_tab.selected() is not None)  # the number called is the one chosen (issue 38 item 9)
    assert poli_tab.selected().label == "U-001"
    assert poli_tab.history.item(0).text() == "Belum ada kunjungan sebelumnya."
    qtbot.mouseClick(poli_tab.buttons["serve"], Qt.MouseButton.LeftButton)  # Layani: the visit form, filled
    dialog = next(d for d in window.dialogs if d.isVisible())
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.poli.currentText() == "Umum" and dialog.complaint.text() == "demam"
    qtbot.keyClicks(dialog.picker.edit, "ispa")
    qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_Return)
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    visit_id = saved.args[0]
    assert QueueEntry.get(QueueEntry.label == "U-001").state == "selesai"
    assert "selesai, kunjungan disimpan" in poli_tab.message.text()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(poli_tab.table, Qt.Key.Key_F2)  # Petrus: called, served, sent on to Gigi
    qtbot.waitUntil(lambda: poli_tab.selected() is not None and poli_tab.selected().label == "U-002")
    qtbot.mouseClick(poli_tab.buttons["serve"], Qt.MouseButton.LeftButton)
    next(d for d in window.dialogs if d.isVisible()).reject()  # the poli refers him before recording anything
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args, **kwargs: ("Gigi", True))
    qtbot.mouseClick(poli_tab.buttons["refer"], Qt.MouseButton.LeftButton)
    assert "Menunggu" in poli_tab.message.text()
    poli_tab.poli.setCurrentIndex(poli_tab.poli.findText("Gigi"))
    assert [(e.label, e.patient, e.state) for e in poli_tab.model.items] == [("G-001", "Petrus Pah", "menunggu")]

    # LB1 of the day counts Yohanes's finished visit only; Yakobus still waits, Petrus has no visit yet.
    today = Visit.get_by_id(visit_id).visit_at.date()
    counted = lb1_counts(Period(today.replace(day=1), today))
    assert {code: sum(cells.values()) for code, cells in counted.items()} == {"J06.9": 1}
    assert [e.label for e in entries.unfinished(TODAY)] == ["U-003", "G-001"]

    screen = page.show_screen()  # the waiting room's TV
    qtbot.waitUntil(screen.isVisible)
    serving = screen.findChild(type(loket.given), f"serving{poli('Umum')}")
    assert serving is not None and serving.text() == "-"  # U-001 done, U-002 gone on to Gigi
    poli_tab.poli.setCurrentIndex(poli_tab.poli.findText("Umum"))
    qtbot.mouseClick(poli_tab.buttons["next"], Qt.MouseButton.LeftButton)
    serving = screen.findChild(type(loket.given), f"serving{poli('Umum')}")
    assert serving.text() == "U-003"  # called: on the TV at once
    screen.close()

    # The head asks who waited long: the register filters by the wait and shows it beside the visit.
    served = QueueEntry.get(QueueEntry.visit == visit_id)
    QueueEntry.update(arrived_at=served.called_at - dt.timedelta(minutes=45)).where(QueueEntry.id == served.id).execute()
    window.show_section("kunjungan")
    register = window.register_page
    qtbot.waitUntil(lambda: register.model.register is not None)
    register.waited.setCurrentIndex(register.waited.findText("Menunggu > 30 menit"))
    register.waited.activated.emit(register.waited.currentIndex())
    qtbot.waitUntil(lambda: register.model.register is not None and register.model.register.filter.waited_over == 30)
    assert register.status.text() == "1 kunjungan"
    wait_column = register.model.column("wait")
    assert register.model.index(0, wait_column).data() == "45 mnt"
    assert register.model.headerData(wait_column, Qt.Orientation.Horizontal) == "Tunggu"
    window.close()
    QApplication.processEvents()


def test_the_loket_closes_what_an_earlier_day_left_open(qtbot, sqlite_database):
    patient = new_patient()
    yesterday = TODAY - dt.timedelta(days=1)
    left = entries.add(patient.id, poli("Umum"), day=yesterday)
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    window.show_section("antrean")
    loket = window.queue_page.loket
    assert loket.old.isVisible() and f"1 antrean dari hari sebelumnya belum ditutup: {left.label} Yohanes Ndun" in \
        loket.old.text()
    qtbot.mouseClick(loket.close_old_button, Qt.MouseButton.LeftButton)
    assert "1 antrean hari sebelumnya ditutup" in loket.message.text()
    assert QueueEntry.get_by_id(left.id).state == "batal" and "tidak selesai pada harinya" in QueueEntry.get_by_id(left.id).note
    assert not loket.old.isVisible() and not loket.close_old_button.isVisible()
    window.close()


def test_the_loket_marks_an_emergency_and_the_poli_calls_it_and_the_elderly_first(qtbot, sqlite_database):
    young = new_patient(nik="5371041203870001", name="Yohanes Ndun", kk_number="5371041501100001")
    elder = new_patient(nik="5371040101500009", name="Petrus Lay", kk_number="5371041501100019",
                        birth_date=dt.date(TODAY.year - 70, 1, 1))
    hurt = new_patient(nik="5371040101950008", name="Yakobus Tefa", kk_number="5371041501100018",
                       birth_date=dt.date(TODAY.year - 25, 1, 1))
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    window.show_section("pengaturan")
    editor = window.settings_page.queue
    assert editor.elderly_age.value() == 60  # the default: 60 years, as ILP asks
    window.show_section("antrean")
    loket, poli_tab = window.queue_page.loket, window.queue_page.poli
    for person, emergency in ((young, False), (elder, False), (hurt, True)):
        loket.search.setText("")
        qtbot.keyClicks(loket.search, person.name.split()[0])
        loket.poli.setCurrentIndex(loket.poli.findText("Umum"))
        if emergency:
            qtbot.mouseClick(loket.emergency, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(loket.give_button, Qt.MouseButton.LeftButton)
    assert loket.given.text() == "U-003 Gawat darurat" and not loket.emergency.isChecked()  # the tick is for one patient
    assert loket.model.items[0].next_numbers == ("U-003 Gawat darurat", "U-002 Lansia", "U-001")
    window.queue_page.tabs.setCurrentWidget(poli_tab)
    poli_tab.poli.setCurrentIndex(poli_tab.poli.findText("Umum"))
    shown = [poli_tab.model.data(poli_tab.model.index(row, 0)) for row in range(poli_tab.model.rowCount())]
    assert shown == ["U-003 Gawat darurat", "U-002 Lansia", "U-001"]
    qtbot.mouseClick(poli_tab.buttons["next"], Qt.MouseButton.LeftButton)
    assert "U-003 Yakobus Tefa: Dipanggil" in poli_tab.message.text()

    window.show_section("pengaturan")
    editor.elderly_age.setValue(0)
    assert editor.elderly_age.text() == "tidak didahulukan"
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.message.text() == "Disimpan." and entries.elderly_age() == 0
