"""Accounts in the window: first run, sign-in with lockout, a forced password change, the idle
lock that keeps unsaved input, what each role sees, account admin, and the audit viewer."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from pypdf import PdfReader

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QLineEdit, QMessageBox, QWidget

from kupang_desk import demo
from kupang_desk.accounts import session, users
from kupang_desk.backup import copies as backup
from kupang_desk.backup import encryption
from kupang_desk.models import AuditEvent, Institution, Patient, Setting, User
from kupang_desk.models import database as database_module
from kupang_desk.ui.main_window import MainWindow
from kupang_desk.ui.patients import PatientCardDialog
from kupang_desk.ui.signin import ChangePasswordDialog, FirstRunDialog, SignInDialog
from tests.helpers.actors import TEST_ACTOR, tamper
from tests.helpers.clock import NOW, days_ago
from tests.helpers.factories import new_patient


def signed_in_window(qtbot, target, role: str = "administrator") -> MainWindow:
    username = f"u-{role.replace('_', '-')}"
    user = User.get_or_none(User.username == username) or users.create_user(
        username, f"Pengguna {role}", role, "rahasia-123", must_change=False, by=TEST_ACTOR)
    session.sign_in(user)
    window = MainWindow(target)
    qtbot.addWidget(window)
    window.show()
    return window


def teardown_function(_function) -> None:
    session.sign_out()


def test_first_run_sets_up_the_profile_the_administrator_and_the_backup_folder(qtbot, sqlite_database, tmp_path):
    Institution.delete().execute()
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("sekolah"))
    assert "DINAS PENDIDIKAN DAN KEBUDAYAAN" in dialog.letterhead.toPlainText()
    qtbot.keyClicks(dialog.name, "SD Inpres Oebobo 2")
    qtbot.keyClicks(dialog.code, "50304512")
    dialog.level.setCurrentIndex(dialog.level.findData("SD"))
    qtbot.keyClicks(dialog.full_name, "Yosefina Manafe")
    qtbot.keyClicks(dialog.password, "rahasia-123")
    qtbot.keyClicks(dialog.repeat, "rahasia-12")
    assert dialog.save() is None and "berbeda" in dialog.message.text()
    qtbot.keyClicks(dialog.repeat, "3")
    dialog.backup.setText(str(tmp_path))
    assert dialog.save() is None and "Kata sandi cadangan paling sedikit 8" in dialog.message.text()
    qtbot.keyClicks(dialog.passphrase, "lemari besi oebobo")
    qtbot.keyClicks(dialog.passphrase_repeat, "lemari besi oebobo")
    admin = dialog.save()
    assert admin is not None and admin.role == "administrator" and not admin.must_change_password
    school = Institution.get()
    assert (school.kind, school.code, school.school_level) == ("sekolah", "50304512", "SD")
    assert Setting.get_value("backup.folder") == str(tmp_path)
    assert encryption.unlock("lemari besi oebobo")  # every backup from now on opens with it


def test_sign_in_says_how_many_tries_are_left_then_locks(qtbot, sqlite_database):
    users.create_user("agnes", "Agnes Manafe", "pendaftaran", "rahasia-123", must_change=False)
    dialog = SignInDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "agnes")
    for _attempt in range(4):
        qtbot.keyClicks(dialog.password, "salah-salah")
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert "Sisa percobaan sebelum akun dikunci: 1" in dialog.message.text()
    assert dialog.password.text() == ""  # cleared after each wrong try
    qtbot.keyClicks(dialog.password, "salah-salah")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert "dikunci sampai" in dialog.message.text()
    qtbot.keyClicks(dialog.password, "rahasia-123")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.user is None and "dikunci sampai" in dialog.message.text()
    User.update(locked_until=users.lock_clock() - dt.timedelta(seconds=1)).execute()
    qtbot.keyClicks(dialog.password, "rahasia-123")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.user is not None and dialog.user.username == "agnes"


def test_a_password_set_by_the_administrator_must_be_changed(qtbot, sqlite_database):
    clerk = users.create_user("agnes", "Agnes Manafe", "pendaftaran", "sementara-1")
    dialog = ChangePasswordDialog(clerk, forced=True)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.old, "sementara-1")
    qtbot.keyClicks(dialog.new, "kata-sandi-agnes")
    qtbot.keyClicks(dialog.repeat, "kata-sandi-agnes")
    assert dialog.save()
    assert users.authenticate("agnes", "kata-sandi-agnes").must_change_password is False


def test_the_idle_lock_covers_the_window_and_keeps_what_was_typed(qtbot, sqlite_database):
    window = signed_in_window(qtbot, sqlite_database, "pendaftaran")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    form = window.register_patient()
    qtbot.keyClicks(form.name, "Maria Goreti Bere")
    lock = window.start_idle_lock(minutes=0.005)  # 0.3 seconds
    qtbot.waitUntil(lambda: lock.dialog is not None, timeout=5000)
    dialog = lock.dialog
    assert window.findChild(QWidget, "lockCover") is not None and form.findChild(QWidget, "lockCover") is not None
    qtbot.keyClicks(dialog.password, "salah-salah")
    dialog.try_unlock()
    assert lock.dialog is dialog and "Sisa percobaan" in dialog.message.text()
    dialog.reject()  # Esc does not open a locked session
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.password, "rahasia-123")
    assert dialog.try_unlock()
    assert lock.dialog is None and form.isVisible() and form.name.text() == "Maria Goreti Bere"
    qtbot.waitUntil(lambda: window.findChild(QWidget, "lockCover") is None, timeout=3000)
    assert AuditEvent.select().where(AuditEvent.action == "lock").count() == 1
    lock.stop()
    form.discard()  # cleanup; Esc on a touched form asks first (tests/ui/test_puskesmas_desk.py)


def test_keluar_dari_program_on_the_lock_closes_at_once_without_the_password(qtbot, sqlite_database):
    """Issue 38 item 9: "Keluar dari program" on the idle lock did nothing until the password was typed."""
    window = signed_in_window(qtbot, sqlite_database, "pendaftaran")
    closed = []
    lock = window.start_idle_lock(minutes=0.005)
    lock.quit_to = lambda: closed.append(True)
    qtbot.waitUntil(lambda: lock.dialog is not None, timeout=5000)
    dialog = lock.dialog
    qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    assert closed == [True] and not dialog.isVisible() and lock.dialog is None
    qtbot.waitUntil(lambda: window.findChild(QWidget, "lockCover") is None, timeout=3000)
    lock.stop()


def test_each_role_sees_its_own_sections_and_settings(qtbot, sqlite_database):
    """Each role sees its own sections of its office's desk, in a fixed order; a puskesmas never shows
    the school desk, not even to its administrator (issue 38 item 3), and a school never the puskesmas's."""
    demo.generate(20, 40, 10)
    expectations = {
        "administrator": (["Beranda", "Pasien", "Antrean", "Kunjungan", "Laporan", "Pengaturan"],
                          ["Profil", "Daftar rujukan", "Pelaporan", "SATUSEHAT", "P-Care", "Cadangan dan sesi", "Akun", "Hak peran",
                           "Jejak audit"]),
        "pendaftaran": (["Beranda", "Pasien", "Antrean", "Kunjungan", "Laporan", "Pengaturan"], []),
        "poli": (["Pasien", "Antrean", "Kunjungan", "Pengaturan"], []),
        "operator_sekolah": (["Pengaturan"], []),
        "pimpinan": (["Beranda", "Pasien", "Kunjungan", "Laporan", "Pengaturan"], ["Jejak audit"]),
    }
    _each_role_sees(qtbot, sqlite_database, expectations)
    Institution.update(kind="sekolah", name="SD Inpres Oebobo 2 (DEMO)").execute()
    _each_role_sees(qtbot, sqlite_database, {
        "administrator": (["Beranda", "Sekolah/Beasiswa", "Pengaturan"],
                          ["Profil", "Daftar rujukan", "Cadangan dan sesi", "Akun", "Hak peran", "Jejak audit"]),
        "operator_sekolah": (["Beranda", "Sekolah/Beasiswa", "Pengaturan"], []),
        "poli": (["Pengaturan"], []),
        "pimpinan": (["Beranda", "Sekolah/Beasiswa", "Pengaturan"], ["Jejak audit"]),
    })


def _each_role_sees(qtbot, sqlite_database, expectations) -> None:
    for role, (sections, tabs) in expectations.items():
        window = signed_in_window(qtbot, sqlite_database, role)
        titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
        assert titles == sections, role
        page = window.settings_page
        assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == tabs, role
        assert f"Pengguna {role}" in window.user_label.text()
        window.close()
        session.sign_out()


def test_the_administrator_creates_an_account_and_resets_a_password(qtbot, sqlite_database):
    window = signed_in_window(qtbot, sqlite_database)
    window.show_section("pengaturan")
    accounts = window.settings_page.accounts
    dialog = accounts.new_user()
    qtbot.keyClicks(dialog.username, "agnes")
    qtbot.keyClicks(dialog.full_name, "Agnes Manafe")
    dialog.role.setCurrentIndex(dialog.role.findData("pendaftaran"))
    qtbot.keyClicks(dialog.password, "pendek")
    assert dialog.save() is None and "paling sedikit 8" in dialog.message.text()
    dialog.password.setText("sementara-1")
    assert dialog.save() is not None
    assert "agnes" in [u.username for u in accounts.model.items]
    accounts.select("agnes")
    accounts.role.setCurrentIndex(accounts.role.findData("poli"))
    assert accounts.change_role()
    accounts.select("agnes")
    accounts.reset_password.setText("sementara-2")
    assert accounts.reset()
    agnes = User.get(User.username == "agnes")
    assert (agnes.role, agnes.must_change_password) == ("poli", True)
    accounts.select("agnes")
    assert accounts.toggle() and not User.get(User.username == "agnes").active
    accounts.select("u-administrator")
    assert not accounts.toggle() and "administrator aktif terakhir" in accounts.message.text()


def test_the_head_sees_who_changed_a_record_and_exports_it(qtbot, sqlite_database, tmp_path):
    from kupang_desk.patients import registration
    from tests.helpers.factories import TODAY, patient_form

    clerk = users.create_user("agnes", "Agnes Manafe", "pendaftaran", "rahasia-123", must_change=False)
    patient = new_patient()
    registration.update(patient.id, patient_form(phone="081299990000"), reason="nomor baru", accept_warnings=True,
                        user=clerk, today=TODAY)
    window = signed_in_window(qtbot, sqlite_database, "pimpinan")  # the head, a week later
    window.show_section("pengaturan")
    tab = window.settings_page.audit
    tab.user.setCurrentIndex(tab.user.findData(clerk.id))
    tab.action.setCurrentIndex(tab.action.findData("update"))
    tab.apply()
    assert tab.model.rowCount() == 1
    assert "Agnes Manafe" in tab.model.data(tab.model.index(0, 2)) and "081299990000" in tab.model.data(tab.model.index(0, 6))
    # Export and the chain check run off the GUI thread; the tab says the result when done.
    with qtbot.waitSignal(tab.export(str(tmp_path / "jejak.xlsx")).finished, timeout=20000):
        pass
    assert tab.operation.result == 1 and "1 peristiwa diekspor" in tab.message.text()
    assert load_workbook(tmp_path / "jejak.xlsx").active.max_row == 2
    with qtbot.waitSignal(tab.verify().finished, timeout=20000):
        pass
    assert tab.operation.result.ok and "utuh" in tab.message.text()
    tamper("UPDATE audit_event SET details = '{}' WHERE action = 'update'")
    with qtbot.waitSignal(tab.verify().finished, timeout=20000):
        pass
    assert not tab.operation.result.ok and "RUSAK" in tab.message.text()


def test_the_patient_card_prints_the_data_subject_report(qtbot, sqlite_database, tmp_path):
    signed_in_window(qtbot, sqlite_database, "pendaftaran")
    patient = new_patient()
    card = PatientCardDialog(patient.id)
    qtbot.addWidget(card)
    written = card.print_subject_report(str(tmp_path / "subjek.pdf"))
    text = "".join(page.extract_text() for page in PdfReader(str(written)).pages)
    assert "Yohanes Ndun" in text and "Pengguna pendaftaran" in text  # opening the card is in the history


def test_start_up_asks_who_is_signing_in_and_offers_the_demo_accounts(qtbot, sqlite_database):
    from PySide6.QtCore import QTimer

    from kupang_desk.ui.signin import sign_in_flow

    demo.generate(20, 40, 10)
    seen = {}

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        seen["hint"] = dialog.findChild(QWidget, "demoHint").text()
        dialog.username.setText("kepala")
        dialog.password.setText(demo.DEMO_PASSWORD)
        dialog.try_sign_in()

    QTimer.singleShot(200, fill)
    user = sign_in_flow()
    assert user is not None and user.username == "kepala" and session.current() is user
    assert "kepala" in seen["hint"] and demo.DEMO_PASSWORD in seen["hint"]


def test_the_administrator_edits_the_reference_lists(qtbot, sqlite_database, tmp_path):
    from kupang_desk.models import Poli, WorkArea

    window = signed_in_window(qtbot, sqlite_database)
    window.show_section("pengaturan")
    page = window.settings_page
    page.poli.edit(None)
    qtbot.keyClicks(page.poli.name, "Poli Jiwa")
    qtbot.keyClicks(page.poli.code, "jiwa")
    assert page.poli.save() and Poli.get(Poli.name == "Poli Jiwa").code == "JIWA"
    page.poli.edit(None)
    qtbot.keyClicks(page.poli.name, "Poli Jiwa")
    assert not page.poli.save() and "sudah ada" in page.poli.message.text()

    bands = page.age_bands
    bands.table.item(4, 2).setText("6")  # 5-9 th now starts at 6: a gap after 1-4 th
    assert not bands.save() and "harus mulai dari 5" in bands.message.text()
    bands.table.item(4, 2).setText("5")
    assert bands.save()

    area = page.work_area
    for row in range(area.list.count()):
        item = area.list.item(row)
        item.setCheckState(Qt.CheckState.Checked if item.text().startswith(("Oebobo", "Fatululi")) else Qt.CheckState.Unchecked)
    assert area.save() and WorkArea.select().count() == 2

    page.no_rm.prefix.setText("oeb-")
    page.no_rm.digits.setValue(5)
    assert page.no_rm.preview.text() == "OEB-00123"
    assert page.no_rm.save() and Setting.get_value("no_rm.pattern")["prefix"] == "OEB-"
    page.backup.idle.setValue(3)
    page.backup.folder.setText(str(tmp_path / "tidak-ada"))
    assert not page.backup.save() and "tidak ada" in page.backup.message.text()
    page.backup.folder.setText(str(tmp_path))
    assert page.backup.save() and Setting.get_value("session.idle_minutes") == 3
    changes = AuditEvent.select().where(AuditEvent.action.in_(["create", "update"]) & AuditEvent.table_name.in_(
        ["poli", "setting", "work_area"])).count()
    assert changes >= 5


def test_a_clerk_corrects_a_diagnosis_and_the_head_sees_who_did_it(qtbot, sqlite_database):
    from kupang_desk.visits.recording import VisitDiagnosis
    from tests.helpers.factories import new_visit

    patient = new_patient()
    last_week = NOW - dt.timedelta(days=7)
    visit = new_visit(patient, last_week, "J06.9")
    users.create_user("kepala", "dr. Maria Bere", "pimpinan", "rahasia-123", must_change=False)
    window = signed_in_window(qtbot, sqlite_database, "poli")
    window.show_section("kunjungan")
    page = window.register_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    page.view.setCurrentIndex(page.model.index(0, 0))
    page.correct_selected()
    dialog = window.dialogs[-1]
    assert dialog.codes() == ["J06.9"] and dialog.visit.id == visit.id
    dialog.remove_diagnosis("J06.9")
    dialog.add_diagnosis("J18.9")
    dialog.save()
    assert "Alasan koreksi wajib diisi" in dialog.form.message("reason")
    qtbot.keyClicks(dialog.reason, "salah kode, hasil rontgen pneumonia")
    dialog.save()
    assert [d.icd10_code for d in VisitDiagnosis.select().where(VisitDiagnosis.visit == visit)] == ["J18.9"]
    window.close()
    session.sign_out()

    session.sign_in(users.authenticate("kepala", "rahasia-123"))
    head = MainWindow(sqlite_database)
    qtbot.addWidget(head)
    head.show_section("pengaturan")
    tab = head.settings_page.audit
    tab.table.setCurrentIndex(tab.table.findData("visit"))
    tab.action.setCurrentIndex(tab.action.findData("update"))
    tab.date_from.setText(days_ago(7).strftime("%d-%m-%Y"))
    tab.apply()
    assert tab.model.rowCount() == 1
    who, details = tab.model.data(tab.model.index(0, 2)), tab.model.data(tab.model.index(0, 6))
    assert "Pengguna poli" in who and "J06.9" in details and "J18.9" in details and "rontgen" in details
    assert details.startswith("Kunjungan ") and "diagnosis diubah dari J06.9 (utama) baru ke J18.9 (utama) baru. Alasan" in details
    assert tab.model.data(tab.model.index(0, 4)) == "Kunjungan"  # the table in words, not "visit"


def test_a_school_operator_sees_no_patient_figures(qtbot, sqlite_database):
    demo.generate(20, 40, 10)
    window = signed_in_window(qtbot, sqlite_database, "operator_sekolah")
    with qtbot.waitSignal(window.summary_loaded, timeout=10000):
        window.refresh_summary()
    assert "pasien" not in window.statusBar().currentMessage()


def test_a_new_installation_tries_the_demo_loaded_off_the_gui_thread(qtbot, sqlite_database, monkeypatch):
    import threading

    from PySide6.QtCore import QTimer

    from kupang_desk import demo as demo_module
    from kupang_desk.models import Patient
    from kupang_desk.ui.signin import FirstRunDialog, sign_in_flow

    monkeypatch.setitem(demo_module.FIRST_RUN, "patients", 60)
    monkeypatch.setitem(demo_module.FIRST_RUN, "visits", 200)
    monkeypatch.setitem(demo_module.FIRST_RUN, "students", 20)
    ticks, loaded = [], threading.Event()
    generate = demo.generate

    def slow_generate(*args, **kwargs):  # an office PC: the load takes a while
        loaded.wait(0.5)
        result = generate(*args, **kwargs)
        loaded.set()
        return result

    monkeypatch.setattr(demo, "generate", slow_generate)

    def choose_demo() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, FirstRunDialog)
        dialog.demo_button.click()
        QTimer.singleShot(0, lambda: ticks.append(loaded.is_set()))
        QTimer.singleShot(300, sign_in)

    def sign_in() -> None:
        dialog = QApplication.activeModalWidget()
        if getattr(dialog, "username", None) is None:  # still loading: look again
            QTimer.singleShot(200, sign_in)
            return
        dialog.username.setText("admin")
        dialog.password.setText(demo.DEMO_PASSWORD)
        dialog.try_sign_in()

    QTimer.singleShot(200, choose_demo)
    user = sign_in_flow()
    assert user is not None and user.username == "admin"
    assert Patient.select().count() == 60
    assert ticks == [False]  # the event loop ran (the progress dialog, Batal) before the load was done


def test_a_new_pc_restores_the_offices_backup_from_the_first_run_then_signs_in(qtbot, sqlite_database, tmp_path,
                                                                               monkeypatch):
    database_module.close()
    database_module.connect(f"sqlite:///{tmp_path / 'pc-lama.sqlite'}")  # the office's old PC
    demo.generate(20, 40, 5)
    made = backup.make_backup(tmp_path)
    database_module.close()
    database_module.connect(sqlite_database.url)  # the new PC: installed, started, nothing in it
    dialog = FirstRunDialog(target=sqlite_database)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.restore_button.isVisible()
    labels = []

    def choose_the_backup() -> None:  # the clerk picks the file on the flash disk in the file dialog
        picker = QApplication.activeModalWidget()
        if not isinstance(picker, QFileDialog):
            QTimer.singleShot(20, choose_the_backup)
            return
        labels.extend(picker.labelText(label) for label in (QFileDialog.DialogLabel.LookIn,
                                                              QFileDialog.DialogLabel.FileName,
                                                              QFileDialog.DialogLabel.Accept,
                                                              QFileDialog.DialogLabel.Reject))
        picker.findChild(QLineEdit, "fileNameEdit").setText(str(made))  # typed into "Nama file:"
        picker.accept()

    QTimer.singleShot(20, choose_the_backup)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args: asked.append(args[2]) or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)
    monkeypatch.delenv(encryption.ENV_PASSPHRASE)  # the new PC knows no passphrase: the clerk types it
    typed = []
    monkeypatch.setattr(dialog.backups, "ask_passphrase", lambda text: typed.append(text) or encryption.DEMO_PASSPHRASE)
    with session.acting_as(None):  # nobody is signed in on a new PC
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result() == FirstRunDialog.RESTORED, timeout=30000)
    assert len(typed) == 1 and "20 pasien" in asked[0]
    assert labels == ["Lihat di:", "Nama file:", "Buka", "Batal"]  # Qt's own dialog, in Indonesian
    assert Patient.select().count() == 20 and users.has_accounts()
    assert users.authenticate("admin", demo.DEMO_PASSWORD).role == "administrator"  # the old accounts


def test_the_first_run_offers_no_restore_once_the_database_holds_records(qtbot, sqlite_database):
    new_patient()
    dialog = FirstRunDialog(target=sqlite_database)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.restore_button.isVisible()


def test_ctrl_l_says_it_was_locked_by_hand_and_asks_only_the_password(qtbot, sqlite_database):
    window = signed_in_window(qtbot, sqlite_database, "pendaftaran")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    lock = window.start_idle_lock(minutes=10)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: lock.dialog is not None, timeout=3000)
    dialog = lock.dialog
    reason = dialog.findChild(QLabel, "lockReason").text()
    assert reason.startswith("Sesi dikunci (Ctrl+L).") and "tidak dipakai" not in reason
    qtbot.keyClicks(dialog.password, "salah-salah")
    assert not dialog.try_unlock()
    assert dialog.message.text() == "Kata sandi salah. Sisa percobaan sebelum akun dikunci: 4."
    event = AuditEvent.select().where(AuditEvent.action == "lock").get()
    assert '"by_hand": true' in event.details
    qtbot.keyClicks(dialog.password, "rahasia-123")
    assert dialog.try_unlock()
    lock.stop()


def test_switch_user_signs_out_and_asks_before_dropping_a_form(qtbot, sqlite_database):
    window = signed_in_window(qtbot, sqlite_database, "pendaftaran")
    switch = window.findChild(QAction, "switchUser")
    assert switch is not None and switch.text() == "Ganti pengg&una..."
    form = window.register_patient()
    qtbot.keyClicks(form.name, "Maria Goreti Bere")
    answered = []

    def keep_the_form() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, keep_the_form)
            return
        answered.append(box.windowTitle())
        next(button for button in box.buttons() if button.text() == "Kembali ke formulir").click()

    QTimer.singleShot(20, keep_the_form)
    switch.trigger()
    assert answered == ["Buang perubahan?"] and window.isVisible() and session.current() is not None
    form.discard()
    switch.trigger()
    assert not window.isVisible() and window.switching_user and session.current() is None
    assert AuditEvent.select().where(AuditEvent.action == "sign_out").count() == 1
