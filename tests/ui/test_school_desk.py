"""The school desk as an administrator uses it: import from Dapodik, fix a reject, move awards on,
record a payout, print the list and the letters, promote the classes and undo it."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from pypdf import PdfReader

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from kupang_desk import demo
from kupang_desk.models import Award, Institution, Payout, Student
from kupang_desk.scholarships import awards, programmes
from kupang_desk.ui.main_window import MainWindow
from tests.helpers.clock import TODAY
from tests.helpers.dapodik import student, write_export


def school_window(qtbot, target) -> MainWindow:
    Institution.create(kind="sekolah", name="SD Inpres Oebobo 2", code="50304512", school_level="SD",
                       head_name="Yosefina Manafe, S.Pd.", head_nip="197703122005022002")
    programmes.ensure_pip(TODAY.year)
    window = MainWindow(target)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def test_import_fix_a_reject_move_awards_on_pay_and_print(qtbot, sqlite_database, tmp_path):
    window = school_window(qtbot, sqlite_database)
    assert [window.navigation.item(i).text() for i in range(window.navigation.count())] == ["Beranda", "Sekolah/Beasiswa", "Pengaturan"]
    window.show_section("sekolah")
    page = window.school_page
    # Yosef's NIK was damaged by Excel and nothing else (NISN, NIPD) says who he is: rejected.
    rows = [student(), student(Nama="Yosef Tanau", JK="L", NISN="", NIK="5.37101E+15", NIPD="")]
    path = write_export(tmp_path / "peserta-didik.xlsx", rows)

    # Import: check first (nothing saved), then import; the damaged NIK goes to the rejects file.
    dialog = page.students.open_import()
    qtbot.keyClicks(dialog.path, str(path))
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert Student.select().count() == 0
    assert [dialog.model.data(dialog.model.index(r, 1)) for r in range(2)] == ["Baru", "Ditolak"]
    assert "notasi ilmiah" in dialog.model.data(dialog.model.index(1, 3))
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert page.students.model.rowCount() == 1
    rejects = tmp_path / "peserta-didik-ditolak.xlsx"
    book = load_workbook(rejects)
    header = [c.value for c in book.active[1]]
    book.active.cell(row=2, column=header.index("NIK") + 1, value="5371041003150002")
    book.save(rejects)
    dialog.path.clear()
    qtbot.keyClicks(dialog.path, str(rejects))
    with qtbot.waitSignal(dialog.checked, timeout=20000):
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "1 baru" in dialog.status.text()
    dialog.close()
    assert page.students.model.rowCount() == 2

    # Scholarships: propose the PIP-eligible students, then move both to SK Nominasi in one go.
    page.tabs.setCurrentWidget(page.awards)
    tab = page.awards
    qtbot.mouseClick(tab.propose_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == 2
    tab.view.selectAll()
    step = tab.ask_step()
    step.status.setCurrentIndex(step.status.findData("sk_nominasi"))
    qtbot.keyClicks(step.decree, "SK-NOM/2026/015")
    step.deadline.setText((TODAY + dt.timedelta(days=5)).strftime("%d-%m-%Y"))
    assert not step.bank.isVisibleTo(step)  # only what this step needs is asked
    step.accept()
    assert {a.status for a in Award.select()} == {"sk_nominasi"}
    assert tab.warning.isVisibleTo(tab) and "Rekening 2 siswa belum aktif" in tab.warning.text()

    # A wrong step is refused with a message, and nothing changes.
    tab.view.selectAll()
    step = tab.ask_step()
    step.status.setCurrentIndex(step.status.findData("sk_pemberian"))
    assert step.status.findData("sk_pemberian") == -1  # not offered from SK Nominasi

    # Accounts active (they come from Dapodik), the grant decree, then the first payout.
    for target, fill in (("rekening_aktif", None), ("sk_pemberian", "SK-PEM/2026/044")):
        tab.view.selectAll()
        step = tab.ask_step()
        step.status.setCurrentIndex(step.status.findData(target))
        if fill:
            step.decree.setText(fill)
        step.accept()
    assert {a.status for a in Award.select()} == {"sk_pemberian"}
    assert not tab.warning.isVisibleTo(tab)
    tab.select_rows([0])
    payout = tab.ask_payout()
    payout.paid_on.setText(TODAY.strftime("%d-%m-%Y"))
    payout.accept()
    assert Payout.select().count() == 1
    assert "sudah cair Rp225.000" in tab.totals.text()

    # Print: the PDF list and the Excel beside it, then the letters.
    pdf = tmp_path / "daftar.pdf"
    with qtbot.waitSignal(tab.save_list(str(pdf)).finished, timeout=30000):
        pass
    text = PdfReader(str(pdf)).pages[0].extract_text()
    assert "Maria Bere" in text and "Yosef Tanau" in text and "Rp900.000" in text
    assert "sembilan ratus ribu rupiah" in text
    assert pdf.with_suffix(".xlsx").exists() and str(pdf) in tab.totals.text()
    assert tab.print_preview.isVisible() and tab.print_preview.pdf == pdf  # ready for the printer
    tab.print_preview.reject()
    # Cetak goes straight to the print preview: no Save dialog (issue 38 item 9).
    asked = []
    tab._ask_path = lambda *args: asked.append(args) or ""
    with qtbot.waitSignal(tab.print_list().finished, timeout=30000):
        pass
    assert asked == [] and tab.print_preview.isVisible() and tab.print_preview.pdf.suffix == ".pdf"
    assert not tab.print_preview.pdf.with_suffix(".xlsx").exists()
    tab.print_preview.reject()
    tab.view.selectAll()
    with qtbot.waitSignal(tab.print_letters(str(tmp_path / "surat.pdf")).finished, timeout=30000):
        pass
    assert len(PdfReader(str(tmp_path / "surat.pdf")).pages) == 2


def test_a_refused_step_shows_a_message_and_changes_nothing(qtbot, sqlite_database, monkeypatch):
    window = school_window(qtbot, sqlite_database)
    window.show_section("sekolah")
    tab = window.school_page.awards
    maria = Student.create(name="Maria Bere", name_key="maria bere", sex="P", class_group="Kelas 4A", grade=4,
                           pip_eligible=True)
    Student.create(name="Ana Lay", name_key="ana lay", sex="P", class_group="Kelas 4A", grade=4, pip_eligible=True)
    tab.propose_eligible()
    first = Award.get(Award.student == maria)
    awards.transition([first.id], awards.Step("sk_nominasi", decree="SK-1", decree_date=TODAY))
    tab.refresh()
    tab.view.selectAll()  # one at SK Nominasi, one still proposed
    shown = []
    monkeypatch.setattr("kupang_desk.ui.school.scholarships.show_error", lambda _parent, error: shown.append(str(error)))
    assert tab.apply_step(tab.selected(), awards.Step("dibatalkan", cancel_reason="Pindah sekolah")) is True
    assert {a.status for a in Award.select()} == {"dibatalkan"}
    tab.view.selectAll()
    assert tab.apply_step(tab.selected(), awards.Step("sk_nominasi", decree="SK-2", decree_date=TODAY)) is False
    assert "Tidak ada yang diubah" in shown[0] and "Maria Bere" in shown[0]


def test_class_promotion_and_undo_from_the_students_tab(qtbot, sqlite_database):
    window = school_window(qtbot, sqlite_database)
    window.show_section("sekolah")
    tab = window.school_page.students
    Student.create(name="Andi Ndun", name_key="andi ndun", sex="L", class_group="Kelas 4A", grade=4)
    Student.create(name="Beni Tode", name_key="beni tode", sex="L", class_group="Kelas 6A", grade=6)
    tab.reload_classes()
    assert not tab.undo_button.isEnabled()
    box = tab.ask_promote()
    assert "1 siswa naik kelas, 1 lulus" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not tab.operation.running and "selesai" in tab.count.text(), timeout=20000)
    assert [s.class_group for s in tab.model.items] == ["Kelas 5A"]  # the graduate left the list
    assert tab.undo_button.isEnabled()
    box = tab.ask_undo()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: "dikembalikan" in tab.count.text(), timeout=20000)
    assert sorted(s.class_group for s in tab.model.items) == ["Kelas 4A", "Kelas 6A"]
    assert "2 siswa dikembalikan" in tab.count.text()


def test_add_a_student_by_hand_with_a_field_error_shown_where_to_fix_it(qtbot, sqlite_database):
    window = school_window(qtbot, sqlite_database)
    window.show_section("sekolah")
    tab = window.school_page.students
    dialog = tab.edit_student(None)
    qtbot.keyClicks(dialog.edits["name"], "Maria Bere")
    dialog.sex.setCurrentIndex(dialog.sex.findData("P"))
    qtbot.keyClicks(dialog.birth_date, "12-03-2015")
    qtbot.keyClicks(dialog.edits["nisn"], "15123456")  # two digits short
    qtbot.keyClicks(dialog.edits["class_group"], "Kelas 5A")
    qtbot.keyClicks(dialog.kelurahan, "Oebobo")
    assert dialog.save() is None
    assert "10 digit" in dialog.form.message("nisn") and Student.select().count() == 0
    dialog.edits["nisn"].setText("0015123456")
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    maria = Student.get()
    assert (maria.nisn, maria.grade, maria.kelurahan_code) == ("0015123456", 5, "53.71.04.1001")
    assert [s.name for s in tab.model.items] == ["Maria Bere"]
    tab.view.doubleClicked.emit(tab.model.index(0, 1))  # the clerk opens her row again
    edit = tab.dialog
    assert edit.kelurahan.text() == "Oebobo"
    edit.edits["account_number"].setText("012301012345501")
    edit.edits["bank"].setText("bri")
    edit.save()
    assert (Student.get().bank, Student.get().account_number) == ("BRI", "012301012345501")


def test_a_new_programme_and_proposing_chosen_students_to_it(qtbot, sqlite_database):
    window = school_window(qtbot, sqlite_database)
    window.show_section("sekolah")
    page = window.school_page
    for name, grade in (("Andi Ndun", 4), ("Beni Tode", 6)):
        Student.create(name=name, name_key=name.lower(), sex="L", class_group=f"Kelas {grade}A", grade=grade)
    page.students.reload_classes()
    programme = page.awards.edit_programme(None)
    qtbot.keyClicks(programme.name, "Beasiswa Prestasi Pemkot Kupang")
    qtbot.keyClicks(programme.funder, "Pemerintah Kota Kupang")
    programme.amounts["SD"].setText("500.000")
    programme.reasons.setPlainText("Prestasi akademik\nPrestasi non-akademik")
    with qtbot.waitSignal(programme.saved):
        programme.save()
    assert page.awards.programme_box.currentText().startswith("Beasiswa Prestasi Pemkot Kupang")
    page.students.view.selectAll()
    propose = page.students.ask_propose()
    propose.programme.setCurrentIndex(propose.programme.findText(f"Beasiswa Prestasi Pemkot Kupang {TODAY.year}"))
    propose.reason.setCurrentIndex(propose.reason.findText("Prestasi akademik"))
    propose.accept()
    assert "2 siswa diusulkan" in page.students.count.text()
    assert sorted((a.amount, a.reason) for a in Award.select()) == [(500000, "Prestasi akademik")] * 2
    tab = page.awards
    tab.refresh()
    history = tab.show_history(tab.model.item(0))
    assert history.list.count() == 1 and "Diusulkan" in history.list.item(0).text()


def test_an_award_past_its_activation_deadline_is_red_in_the_table(qtbot, sqlite_database):
    demo.generate(0, 0, 60)
    window = school_window(qtbot, sqlite_database)
    nominated = list(Award.select().where(Award.status == "sk_nominasi"))
    assert len(nominated) >= 2
    late, in_time = nominated[0], nominated[1]
    Award.update(activation_deadline=TODAY - dt.timedelta(days=1)).where(Award.id == late.id).execute()
    Award.update(activation_deadline=TODAY + dt.timedelta(days=3)).where(Award.id == in_time.id).execute()
    page = window.school_page
    page.tabs.setCurrentWidget(page.awards)
    tab = page.awards
    tab.refresh()
    colours = {}
    for row in range(tab.model.rowCount()):
        item = tab.model.item(row)
        colour = tab.model.data(tab.model.index(row, 1), Qt.ItemDataRole.ForegroundRole)
        colours[item.award_id] = colour.name() if colour is not None else None
    assert colours[late.id] == "#b00020" and colours[in_time.id] is None
    for award in Award.select():  # red exactly where the deadline passed without an active account
        overdue = award.status == "sk_nominasi" and award.activation_deadline is not None \
            and award.activation_deadline < TODAY
        assert (colours.get(award.id) == "#b00020") == overdue, award.id


def test_the_administrator_narrows_the_recipients_to_the_kip_holders(qtbot, sqlite_database):
    demo.generate(0, 0, 60)
    window = school_window(qtbot, sqlite_database)
    page = window.school_page
    page.tabs.setCurrentWidget(page.awards)
    tab = page.awards
    everyone = tab.model.rowCount()
    tab.flag_box.setCurrentIndex(tab.flag_box.findData("KIP"))  # as a pick from the Kartu box
    shown = [tab.model.item(row) for row in range(tab.model.rowCount())]
    holders = Award.select().join(Student).where((Award.programme == tab.programme_box.currentData())
                                                 & (Student.kip_number != "")).count()
    assert 0 < len(shown) == holders < everyone
    column = next(c for c in range(tab.model.columnCount()) if tab.model.headerData(c, Qt.Orientation.Horizontal) == "KIP/KKS/PKH")
    assert all("KIP" in tab.model.index(row, column).data() for row in range(len(shown)))


def test_the_awards_page_names_double_recipients_before_the_sk(qtbot, sqlite_database):
    window = school_window(qtbot, sqlite_database)
    window.show_section("sekolah")
    tab = window.school_page.awards
    window.school_page.tabs.setCurrentWidget(tab)
    yohana = Student.create(nisn="0150000001", name="Yohana Ndun", name_key="yohana ndun", sex="P", class_group="Kelas 4A",
                            grade=4)
    dialog = tab.edit_programme(None)
    qtbot.keyClicks(dialog.name, "Beasiswa Pemkot Kupang")
    assert not dialog.stackable.isChecked()  # by default a student receives it or another programme of the year
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    city = programmes.find_programme("Beasiswa Pemkot Kupang", TODAY.year)
    pip = programmes.ensure_pip(TODAY.year)
    awards.propose(city, [yohana.id])
    awards.propose(pip, [yohana.id])
    tab.reload()
    tab.programme_box.setCurrentIndex(tab.programme_box.findData(pip.id))
    tab.refresh()
    assert tab.doubles.isVisibleTo(window)
    assert "Yohana Ndun (NISN 0150000001) juga penerima Beasiswa Pemkot Kupang" in tab.doubles.text()


def test_the_dtsen_decile_is_typed_with_its_date_on_the_student_form(qtbot, sqlite_database):
    window = school_window(qtbot, sqlite_database)
    window.show_section("sekolah")
    tab = window.school_page.students
    Student.create(nisn="0150000001", name="Yohana Ndun", name_key="yohana ndun", sex="P", class_group="Kelas 4A", grade=4,
                   birth_date=dt.date(2016, 5, 1))
    tab.refresh()
    edit = tab.edit_student(tab.model.items[0])
    qtbot.keyClicks(edit.edits["dtsen_decile"], "2")
    assert edit.save() is None
    assert "Isi tanggal data DTSEN" in edit.form.message("dtsen_date")  # a decile is worth its date
    qtbot.keyClicks(edit.dtsen_date, (TODAY - dt.timedelta(days=40)).strftime("%d-%m-%Y"))
    with qtbot.waitSignal(edit.saved):
        edit.save()
    yohana = Student.get()
    assert (yohana.dtsen_decile, yohana.dtsen_date) == (2, TODAY - dt.timedelta(days=40))
