"""A morning at the loket, driven through the widgets as a clerk would."""

from __future__ import annotations

import datetime as dt

import pytest

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from kupang_desk.models import Patient, Visit, VisitDiagnosis
from kupang_desk.ui.main_window import MainWindow
from kupang_desk.ui.patient_form import PatientFormDialog
from kupang_desk.ui.patients import PatientCardDialog
from kupang_desk.ui.visit_form import DiagnosisModel, VisitFormDialog
from tests.helpers.factories import new_patient, new_visit


@pytest.fixture
def window(qtbot, sqlite_database):
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # the clerk's window has the keyboard
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _type(qtbot, widget, text):
    widget.setFocus()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Tab)


def _open_dialogs(kind):
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _active(qtbot, dialog):
    """The dialog in front with the keyboard, as on the clerk's screen."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def _fill_registration(qtbot, dialog: PatientFormDialog, *, nik="5371041203870001", birth="12-03-1987"):
    _type(qtbot, dialog.nik, nik)
    _type(qtbot, dialog.name, "  Yohanes   Ndun ")
    qtbot.keyClicks(dialog.sex, "L")
    _type(qtbot, dialog.birth_place, "Kupang")
    _type(qtbot, dialog.birth_date, birth)
    _type(qtbot, dialog.mother_name, "Maria Bere")
    qtbot.keyClicks(dialog.payment, "Umum")
    qtbot.keyClicks(dialog.kecamatan, "Oebobo")
    qtbot.keyClicks(dialog.kelurahan, "Oebobo")
    _type(qtbot, dialog.address, "Jl. Frans Seda No. 5")


def test_register_a_patient_by_typing(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = _active(qtbot, _open_dialogs(PatientFormDialog)[0])
    _fill_registration(qtbot, dialog)
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.keyClick(dialog.address, Qt.Key.Key_Return)  # Enter saves
    patient = Patient.get_by_id(saved.args[0])
    assert (patient.name, patient.no_rm, patient.kelurahan_code) == ("Yohanes Ndun", "000001", "53.71.04.1001")
    assert patient.birth_date == dt.date(1987, 3, 12)
    card = _open_dialogs(PatientCardDialog)[0]  # the card opens after saving
    assert card.patient.id == patient.id


def test_errors_show_beside_the_field_and_block_saving(window, qtbot):
    dialog = _active(qtbot, window.register_patient())
    _type(qtbot, dialog.nik, "53710412038700")
    assert "16 digit" in dialog.form.message("nik")
    _type(qtbot, dialog.name, "Yohanes 2")
    assert "angka" in dialog.form.message("name")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and Patient.select().count() == 0
    assert "wajib" in dialog.form.message("kelurahan_code")


def test_a_duplicate_nik_is_blocked_and_leads_to_the_patient(window, qtbot):
    existing = new_patient()
    dialog = _active(qtbot, window.register_patient())
    _fill_registration(qtbot, dialog)
    assert "sudah terdaftar" in dialog.form.message("nik")
    assert dialog.open_existing_button.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert Patient.select().count() == 1
    with qtbot.waitSignal(dialog.open_existing) as opened:
        qtbot.mouseClick(dialog.open_existing_button, Qt.MouseButton.LeftButton)
    assert opened.args == [existing.id]


def test_a_warning_is_accepted_with_one_click(window, qtbot):
    dialog = _active(qtbot, window.register_patient())
    _fill_registration(qtbot, dialog, birth="13-03-1987")  # the NIK says the 12th
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert Patient.select().count() == 0
    assert "berbeda" in dialog.warning_label.text()
    assert dialog.accept_warnings_button.isVisible()
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.accept_warnings_button, Qt.MouseButton.LeftButton)
    assert Patient.get().birth_date == dt.date(1987, 3, 13)


def test_record_a_visit_with_two_diagnoses(window, qtbot):
    patient = new_patient()
    dialog: VisitFormDialog = _active(qtbot, window.record_visit(patient.id))
    assert dialog.new_visit_label.text() == "Kunjungan baru"
    qtbot.keyClicks(dialog.poli, "Umum")
    _type(qtbot, dialog.complaint, "Batuk pilek, pusing")
    _type(qtbot, dialog.vitals["systolic"], "160")
    _type(qtbot, dialog.vitals["diastolic"], "100")
    _type(qtbot, dialog.vitals["weight_kg"], "500")
    assert "tidak masuk akal" in dialog.form.message("vitals")
    dialog.vitals["weight_kg"].clear()
    _type(qtbot, dialog.vitals["weight_kg"], "61,5")
    assert dialog.form.message("vitals") == ""
    qtbot.keyClicks(dialog.picker.edit, "ispa")
    qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.picker.edit, "i10")
    qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_Return)
    assert dialog.codes() == ["J06.9", "I10"]
    assert [line.is_primary for line in dialog.lines()] == [True, False]  # the first one, until another is ticked
    dialog.table.setCurrentIndex(dialog.diagnoses.index(1, DiagnosisModel.PRIMARY))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)  # hypertension is the primary diagnosis
    assert [line.is_primary for line in dialog.lines()] == [False, True]
    new_case = dialog.lines()[0].is_new_case
    rect = dialog.table.visualRect(dialog.diagnoses.index(0, DiagnosisModel.NEW_CASE))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # the box, by mouse
    assert dialog.lines()[0].is_new_case is not new_case
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.lines()[0].is_new_case is new_case
    with qtbot.waitSignal(dialog.saved) as saved:  # Ctrl+S from the diagnosis box
        qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    visit = Visit.get_by_id(saved.args[0])
    assert (visit.systolic, visit.diastolic, str(visit.weight_kg)) == (160, 100, "61.5")
    lines = [(d.icd10_code, d.is_primary) for d in VisitDiagnosis.select().where(VisitDiagnosis.visit == visit)
             .order_by(VisitDiagnosis.position)]
    assert lines == [("J06.9", False), ("I10", True)]


def test_enter_after_clicking_a_diagnosis_adds_it_and_a_pregnancy_code_for_a_man_asks_first(window, qtbot):
    """Issue 38 item 1: Enter after clicking a diagnosis with the mouse saved and closed the whole visit,
    and a 36-year-old man was saved with O13 "Hipertensi gestasional" without a word."""
    patient = new_patient()  # Yohanes Ndun, a man born 1987
    dialog = _active(qtbot, window.record_visit(patient.id))
    qtbot.keyClicks(dialog.poli, "Umum")
    qtbot.keyClicks(dialog.picker.edit, "hipertensi")
    row = next(r for r in range(dialog.picker.list.count())
               if dialog.picker.list.item(r).data(Qt.ItemDataRole.UserRole) == "O13")
    rect = dialog.picker.list.visualItemRect(dialog.picker.list.item(row))
    qtbot.mouseClick(dialog.picker.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    asked = []

    def answer(keep: bool):
        def ask(doubts):
            asked.append(doubts)
            return keep
        return ask

    dialog.ask_about_doubts = answer(False)
    assert QApplication.focusWidget() is dialog.picker.list
    qtbot.keyClick(dialog.picker.list, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.codes() == ["O13"] and Visit.select().count() == 0
    assert asked == [] and QApplication.focusWidget() is dialog.picker.edit  # Enter added it; it did not try to save
    dialog.ask_about_doubts = answer(False)  # Periksa lagi: nothing saved, the form stays
    dialog.save()
    assert dialog.isVisible() and Visit.select().count() == 0
    assert asked and "O13" in asked[0][0] and "laki-laki" in asked[0][0]
    dialog.ask_about_doubts = answer(True)  # Simpan tetap: the clerk knows better
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    assert Visit.select().count() == 1


def test_diagnoses_that_do_not_fit_the_patient_are_named():
    from kupang_desk.visits.icd import doubts

    born = dt.date(1987, 3, 12)
    on = dt.date(2026, 11, 2)
    assert doubts(["J06.9", "I10"], "L", born, on) == []
    assert [d.split(" ")[0] for d in doubts(["O13", "N40", "P07.3"], "L", born, on)] == ["O13", "P07.3"]
    assert doubts(["N40"], "P", born, on) and doubts(["O80.9"], "P", dt.date(2020, 1, 1), on)
    assert doubts(["P59.9"], "L", dt.date(2026, 10, 20), on) == []  # 13 days old: perinatal
    assert "40 hari" in doubts(["P59.9"], "L", dt.date(2026, 9, 23), on)[0]


def test_the_picker_speaks_indonesian_and_marks_what_is_still_english(window, qtbot):
    dialog = _active(qtbot, window.record_visit(new_patient().id))
    qtbot.keyClicks(dialog.picker.edit, "k047")
    assert dialog.picker.list.item(0).text() == "K04.7 Abses periapikal tanpa sinus"
    dialog.picker.edit.clear()
    qtbot.keyClicks(dialog.picker.edit, "A00.0")  # cholera by biovar: no Indonesian title shipped
    first = dialog.picker.list.item(0).text()
    assert first.startswith("A00.0 Cholera") and first.endswith("[judul WHO, bahasa Inggris]")
    dialog.picker.edit.clear()
    qtbot.keyClicks(dialog.picker.edit, "panu")  # Indonesian words find the code
    assert dialog.picker.list.item(0).text() == "B36.0 Pitiriasis versikolor (panu)"
    dialog.discard()


def test_a_visit_without_diagnosis_is_not_saved(window, qtbot):
    patient = new_patient()
    dialog = _active(qtbot, window.record_visit(patient.id))
    qtbot.keyClicks(dialog.poli, "Umum")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "paling sedikit satu diagnosis" in dialog.form.message("diagnoses")
    assert Visit.select().count() == 0


def test_find_the_patient_by_a_misspelled_name_with_the_keyboard_only(window, qtbot):
    new_patient()
    new_patient(nik="5371045505900002", name="Mariya Manafe", sex="P", birth_date=dt.date(1990, 5, 15))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    page = window.patients_page
    assert page.search.hasFocus()
    with qtbot.waitSignal(page.searched, timeout=2000):
        qtbot.keyClicks(page.search, "yohanis ndun")
    assert page.model.items[0].name == "Yohanes Ndun"
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.results.hasFocus()
    with qtbot.waitSignal(page.open_patient) as opened:
        qtbot.keyClick(page.results, Qt.Key.Key_Return)
    assert Patient.get_by_id(opened.args[0]).name == "Yohanes Ndun"


def test_filter_the_register(window, qtbot):
    patient = new_patient()
    new_visit(patient, dt.datetime(2026, 10, 5, 9), "J06.9")
    new_visit(patient, dt.datetime(2026, 10, 20, 9), "I10")
    new_visit(patient, dt.datetime(2026, 9, 1, 9), "J06.9")
    page = window.register_page
    with qtbot.waitSignal(page.loaded, timeout=5000) as loaded:
        window.show_section("kunjungan")
    assert loaded.args == [3]
    qtbot.keyClicks(page.date_from, "01-10-2026")
    qtbot.keyClicks(page.date_to, "31-10-2026")
    qtbot.keyClicks(page.icd10, "J06")
    with qtbot.waitSignal(page.loaded, timeout=5000) as loaded:
        qtbot.keyClick(page.icd10, Qt.Key.Key_Return)
    assert loaded.args == [1]
    assert page.status.text() == "1 kunjungan"
    index = page.model.index(0, page.model.column("diagnoses"))
    assert page.model.data(index) == "J06.9"
    # Each column is wide enough for what it shows: the time and the name are read in full.
    metrics = page.view.fontMetrics()
    for name in ("visit_at", "name"):
        shown = page.model.data(page.model.index(0, page.model.column(name)))
        assert page.view.columnWidth(page.model.column(name)) > metrics.horizontalAdvance(shown), name


def test_the_register_sort_arrow_points_down_for_newest_first_and_flips_with_a_click(window, qtbot):
    patient = new_patient()
    new_visit(patient, dt.datetime(2026, 10, 5, 9), "J06.9")
    new_visit(patient, dt.datetime(2026, 9, 1, 9), "I10")
    page = window.register_page
    with qtbot.waitSignal(page.loaded, timeout=5000):
        window.show_section("kunjungan")
    header = page.view.horizontalHeader()
    when = page.model.column("visit_at")
    first_code = lambda: page.model.data(page.model.index(0, page.model.column("diagnoses")))  # noqa: E731
    # Qt draws AscendingOrder as a downward arrow (QStyleOptionHeader.SortDown): newest first points down.
    assert first_code() == "J06.9" and header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(header.sectionViewportPosition(when) + header.sectionSize(when) // 2, 5))
    assert first_code() == "I10" and header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder  # oldest first: up


def test_patient_card_shows_history_and_prints(window, qtbot, tmp_path):
    patient = new_patient()
    new_visit(patient, dt.datetime(2026, 10, 5, 9), "J06.9", "I10")
    new_visit(patient, dt.datetime(2026, 11, 2, 9), "I10")
    card = window.open_patient(patient.id)
    assert card.visits.rowCount() == 2
    assert [d.code for d in card.diagnoses.items] == ["I10", "J06.9"]
    assert card.diagnoses.items[0].times == 2
    written = card.print_card(str(tmp_path / "kartu.pdf"))
    from pypdf import PdfReader

    text = PdfReader(str(written)).pages[0].extract_text()
    assert "No. RM 000001" in text and "Yohanes Ndun" in text
    assert card.print_preview.isVisible() and card.print_preview.pages() == 1  # Cetak opens the print preview
    card.print_preview.reject()
    buttons = [b.text() for b in card.findChildren(QPushButton)]
    assert "Kunjungan baru (Ctrl+K)" in buttons


def test_a_read_only_database_keeps_what_the_clerk_typed(window, qtbot):
    from PySide6.QtWidgets import QMessageBox

    from kupang_desk.models import db

    dialog = _active(qtbot, window.register_patient())
    _fill_registration(qtbot, dialog)
    db.execute_sql("PRAGMA query_only = 1")
    try:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        boxes = [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]
        assert boxes and "hanya-baca" in boxes[0].text()
        assert dialog.isVisible() and dialog.name.text() == "  Yohanes   Ndun "  # nothing to type again
    finally:
        db.execute_sql("PRAGMA query_only = 0")
    boxes[0].close()
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def _answer_when_asked(button_text: str, seen: list[str]) -> None:
    """Clicks ``button_text`` in the question box once it is on the screen, as the clerk would."""
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(f"{box.windowTitle()} | {box.text()}")
        next(button for button in box.buttons() if button.text() == button_text).click()

    QTimer.singleShot(20, answer)


def test_esc_on_a_touched_form_asks_before_throwing_the_input_away(window, qtbot):
    dialog: PatientFormDialog = _active(qtbot, window.register_patient())
    qtbot.keyClicks(dialog.name, "Maria Goreti Bere")
    seen: list[str] = []
    _answer_when_asked("Kembali ke formulir", seen)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert seen == ["Buang perubahan? | Isian di formulir ini belum disimpan. Buang perubahan?"]
    assert dialog.isVisible() and dialog.name.text() == "Maria Goreti Bere"  # nothing lost
    _answer_when_asked("Buang perubahan", seen)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert len(seen) == 2 and not dialog.isVisible()
    assert Patient.select().count() == 0


def test_esc_on_an_untouched_form_closes_it_at_once(window, qtbot):
    patient = new_patient()
    dialog: VisitFormDialog = _active(qtbot, window.record_visit(patient.id))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and QApplication.activeModalWidget() is None


def test_a_diagnosis_added_counts_as_input_to_keep(window, qtbot):
    patient = new_patient()
    dialog: VisitFormDialog = _active(qtbot, window.record_visit(patient.id))
    dialog.add_diagnosis("J06.9")
    seen: list[str] = []
    _answer_when_asked("Kembali ke formulir", seen)
    dialog.close()  # the window's close button
    assert seen and dialog.isVisible() and dialog.diagnoses.rowCount() == 1


def test_a_nik_fills_in_the_birth_date_and_sex_it_carries(window, qtbot):
    dialog: PatientFormDialog = _active(qtbot, window.register_patient())
    _type(qtbot, dialog.nik, "5371045203870001")  # day 52 = 12 + 40: a woman born 12-03-1987
    assert dialog.birth_date.text() == "12-03-1987"
    assert dialog.sex.currentData() == "P"
    dialog.discard()
    dialog = _active(qtbot, window.register_patient())
    _type(qtbot, dialog.birth_date, "01-01-1990")  # what the clerk typed is never overwritten
    _type(qtbot, dialog.nik, "5371041203870001")
    assert dialog.birth_date.text() == "01-01-1990" and dialog.sex.currentData() == "L"
    dialog.discard()


def test_the_merge_dialog_offers_the_likely_duplicates_of_the_patient_chosen(window, qtbot, monkeypatch):
    """Issue 38 item 9: merging needed two No. RM typed from memory. The patient chosen in the list is
    kept, and those who may be the same person are offered to pick with one click."""
    kept = new_patient()
    twin = new_patient(nik="", no_nik_reason="KTP hilang", name="Yohanis Ndun", kk_number="")  # same birth date
    new_patient(nik="5371044506900002", name="Maria Bere", sex="P", birth_date=dt.date(1990, 6, 5),
                kk_number="5371041501100008")
    window.show_section("pasien")
    page = window.patients_page
    page.search.setText(kept.no_rm)
    qtbot.waitUntil(lambda: page.results.model().rowCount() >= 1, timeout=3000)
    page.results.selectRow(0)
    dialog = window.merge_patients()
    assert dialog.survivor.text() == kept.no_rm and dialog.candidates.count() == 1
    item = dialog.candidates.item(0)
    assert twin.no_rm in item.text() and "Yohanis Ndun" in item.text()
    qtbot.mouseClick(dialog.candidates.viewport(), Qt.MouseButton.LeftButton,
                     pos=dialog.candidates.visualItemRect(item).center())
    assert dialog.duplicate.text() == twin.no_rm and "Yohanis Ndun" in dialog.preview.text()
    dialog.reason.setText("orang yang sama, terdaftar dua kali")
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    dialog.do_merge()
    assert Patient.get_by_id(twin.id).merged_into_id == kept.id


def test_the_cluster_room_ticks_what_was_screened_and_schedules_the_rest_from_the_visit_form(qtbot, sqlite_database):
    import datetime as dt

    from kupang_desk import screening
    from kupang_desk.models import Screening
    from kupang_desk.ui.main_window import MainWindow
    from tests.helpers.clock import TODAY
    from tests.helpers.factories import new_patient

    man = new_patient(birth_date=dt.date(TODAY.year - 45, 3, 1))
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    form = window.record_visit(man.id)
    assert form.screening_button.text() == "Skrining (4 jatuh tempo)..."  # an adult of 45: four screenings a year
    dialog = form.open_screening()
    qtbot.waitUntil(dialog.isVisible)
    names = [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())]
    assert "Gula darah" in names and all(dialog.table.item(r, 2).text() == "jatuh tempo" for r in range(len(names)))
    assert "Permenkes 4/2019" in dialog.table.item(0, 0).toolTip()  # each rule says where it comes from
    tick = dialog.ticks["dewasa_gula_darah"]
    tick.setFocus()
    qtbot.keyClick(tick, Qt.Key.Key_Space)  # the keyboard, as in every form
    assert tick.isChecked()
    place = dialog.places["dewasa_lingkar_perut"]
    place.setCurrentIndex(place.findData("posyandu"))
    assert dialog.dates["dewasa_lingkar_perut"].isEnabled()
    dialog.save()
    assert not dialog.isVisible()
    assert form.screening_button.text() == "Skrining (3 jatuh tempo)..."
    stored = {(s.key, s.done_on, s.scheduled_on, s.place) for s in Screening.select()}
    assert stored == {("dewasa_gula_darah", TODAY, None, ""),
                      ("dewasa_lingkar_perut", None, TODAY + dt.timedelta(days=7), "posyandu")}
    again = form.open_screening()
    row = next(r for r in range(again.table.rowCount()) if again.table.item(r, 0).text() == "Lingkar perut")
    assert again.table.item(row, 2).text().startswith("dijadwalkan") and "Posyandu" in again.table.item(row, 2).text()
    assert screening.for_patient(man.id)[0].due
    again.reject()
    form.reject()


def test_the_kia_room_records_a_pregnancy_and_ticks_its_antenatal_contact(qtbot, sqlite_database):
    import datetime as dt

    from PySide6.QtCore import QDate

    from kupang_desk.models import Pregnancy, Screening
    from kupang_desk.ui.main_window import MainWindow
    from tests.helpers.clock import TODAY
    from tests.helpers.factories import new_patient, second_patient

    mother, man = second_patient(), new_patient()
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    form = window.record_visit(mother.id)
    dialog = form.open_screening()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.pregnancy_words.text() == "Tidak tercatat hamil."
    names = [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())]
    assert not any(name.startswith("Pemeriksaan kehamilan") for name in names)
    lmp = TODAY - dt.timedelta(weeks=9)
    dialog.lmp.setDate(QDate(lmp.year, lmp.month, lmp.day))
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert dialog.pregnancy_words.text().startswith("Hamil 9 minggu")
    assert "perkiraan lahir" in dialog.pregnancy_words.text() and not dialog.register_button.isVisible()
    row = next(r for r in range(dialog.table.rowCount())
               if dialog.table.item(r, 0).text() == "Pemeriksaan kehamilan trimester 1")
    assert dialog.table.item(row, 2).text() == "jatuh tempo"
    qtbot.mouseClick(dialog.end_button, Qt.MouseButton.LeftButton)  # no outcome chosen: refused, said in the window
    assert "Pilih bagaimana kehamilan berakhir" in dialog.message.text() and Pregnancy.get().ended_on is None
    dialog.ticks["anc_t1"].setChecked(True)
    dialog.save()
    assert [(s.key, s.done_on) for s in Screening.select()] == [("anc_t1", TODAY)]
    assert Pregnancy.get().lmp == lmp
    form.reject()
    form = window.record_visit(man.id)  # a man: nothing about pregnancy
    dialog = form.open_screening()
    assert not dialog.pregnancy.isVisible()
    dialog.reject()
    form.reject()


def test_the_family_s_dtsen_decile_and_aid_cards_are_kept_with_the_date_of_the_data(window, qtbot):
    patient = new_patient()
    dialog = _active(qtbot, window.edit_patient(patient.id))
    dialog.dtsen_decile.setCurrentIndex(dialog.dtsen_decile.findData("3"))
    dialog.touched.add("dtsen_decile")
    qtbot.mouseClick(dialog.pkh, Qt.MouseButton.LeftButton)
    dialog.reason.setText("data DTSEN dari Dinas Sosial")
    dialog.save()
    assert dialog.isVisible() and "tanggal data DTSEN" in dialog.form.message("dtsen_decile")  # a decile needs its date
    _type(qtbot, dialog.dtsen_date, "01-10-2026")
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    saved = Patient.get_by_id(patient.id)
    assert (saved.dtsen_decile, saved.dtsen_date, saved.pkh, saved.kks) == (3, dt.date(2026, 10, 1), True, False)
    again = _active(qtbot, window.edit_patient(patient.id))
    assert again.dtsen_decile.currentData() == "3" and again.dtsen_date.text() == "01-10-2026" and again.pkh.isChecked()


def test_an_office_that_works_by_cluster_sees_klaster_everywhere_and_its_old_visits_keep_their_poli(window, qtbot):
    from kupang_desk import office
    from kupang_desk.documents.table import Period
    from kupang_desk.models import Poli
    from kupang_desk.reports.recap import recap_report
    from kupang_desk.ui.queue import QueuePage
    from kupang_desk.ui.visit_register import VisitRegisterModel
    from tests.helpers.clock import TODAY

    patient = new_patient()
    new_visit(patient, dt.datetime.combine(TODAY, dt.time(8, 0)), "J06.9")  # made in poli Umum, before the change
    # The office moves to clusters: the cluster is a new entry, the old poli stays in the list, inactive.
    office.save_poli("Klaster 3 Usia Dewasa dan Lansia", code="K3", cluster="Klaster 3")
    umum = Poli.get(Poli.name == "Umum")
    office.save_poli("Umum", code=umum.code, cluster=umum.cluster, active=False, poli_id=umum.id)
    window.show_section("pengaturan")
    editor = window.settings_page.poli
    editor.units.setCurrentIndex(editor.units.findData("klaster"))
    assert "Disimpan" in editor.message.text() and office.unit_mode() == "klaster"

    form = _active(qtbot, window.record_visit(patient.id))
    assert form.form.layout_.labelForField(form.form.rows["poli_id"]).text() == "Klaster"
    assert "Klaster 3 Usia Dewasa dan Lansia" in [form.poli.itemText(i) for i in range(form.poli.count())]
    form.close()
    queue = QueuePage()
    qtbot.addWidget(queue)
    assert queue.tabs.tabText(1) == "Klaster"
    model = VisitRegisterModel()
    assert model.headerData(model.column("poli"), Qt.Orientation.Horizontal) == "Klaster"
    recap = recap_report(Period(TODAY, TODAY))
    table = next(t for t in recap.tables if t.title == "Kunjungan menurut klaster")
    assert any(row[1] == "Umum" for row in table.rows)  # the old visit reads as it was made

    office.set_unit_mode("poli_klaster")
    office.save_poli("Umum", code=umum.code, cluster="Klaster 3", active=True, poli_id=umum.id)
    assert ("Umum (Klaster 3)", umum.id) in office.poli_choices()
