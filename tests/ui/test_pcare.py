"""P-Care from the clerk's screens: Pengaturan > P-Care keeps its secrets out of the database, and
the registration form asks P-Care for the member's status, and works without it."""

from __future__ import annotations

import datetime as dt

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kupang_desk import settings
from kupang_desk.models import Patient
from kupang_desk.ui.app import application
from kupang_desk.ui.main_window import MainWindow
from kupang_desk.ui.patient_form import PatientFormDialog
from kupang_desk.ui.settings.pcare import KbkBox
from tests.helpers import pcare_server as stand_in


@pytest.fixture
def window(qtbot, sqlite_database):
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _fill_pcare(qtbot, window, url: str) -> None:
    window.show_section("pengaturan")
    page = window.settings_page
    tab = page.pcare
    page.tabs.setCurrentWidget(tab)
    tab.url.clear()
    for field, text in ((tab.url, url), (tab.cons_id, stand_in.CONS_ID), (tab.secret, stand_in.SECRET),
                        (tab.user_key, stand_in.USER_KEY), (tab.username, stand_in.USERNAME),
                        (tab.password, stand_in.PASSWORD), (tab.provider, "0162b003")):
        qtbot.keyClicks(field, text)
    assert tab.save(), tab.message.text()
    assert tab.message.text() == "Disimpan." and tab.secret.text() == "" and "sudah tersimpan" in tab.password.placeholderText()


def test_the_administrator_saves_p_care_and_no_secret_lands_in_the_database(window, qtbot, sqlite_url, pcare_service):
    window.show_section("pengaturan")
    tab = window.settings_page.pcare
    window.settings_page.tabs.setCurrentWidget(tab)
    qtbot.keyClicks(tab.cons_id, "12a45")
    assert not tab.save()
    assert "Cons-ID dari BPJS berisi angka saja" in tab.message.text() and settings.get("pcare.cons_id") == ""
    tab.cons_id.clear()
    _fill_pcare(qtbot, window, pcare_service.url)
    assert settings.get("pcare.provider_code") == "0162B003"
    with open(sqlite_url.removeprefix("sqlite:///"), "rb") as file:
        data = file.read()
    for secret in (stand_in.SECRET, stand_in.USER_KEY, stand_in.PASSWORD):
        assert secret.encode() not in data


def _register_dialog(qtbot, window) -> PatientFormDialog:
    dialog = window.register_patient()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def _check(qtbot, dialog: PatientFormDialog) -> str:
    qtbot.mouseClick(dialog.member_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.member_check is not None and not dialog.member_check.running and
                    dialog.member_button.isEnabled(), timeout=10000)
    return dialog.member_status.text()


def test_the_registration_form_shows_the_members_status_and_fills_the_card_number_from_the_nik(window, qtbot, pcare_service):
    _fill_pcare(qtbot, window, pcare_service.url)
    dialog = _register_dialog(qtbot, window)
    qtbot.keyClicks(dialog.bpjs_number, "0001234567890")
    said = _check(qtbot, dialog)
    assert said == "YOHANES NDUN: AKTIF · PBI (APBN) · FKTP OEBOBO (0162B003)"
    dialog.bpjs_number.clear()
    qtbot.keyClicks(dialog.nik, "5371045203900002")
    said = _check(qtbot, dialog)
    assert said.startswith("MARIA BERE: AKTIF · PEKERJA MANDIRI") and "peserta Prolanis" in said
    assert "Terdaftar di FKTP lain" in said and "b00020" in dialog.member_status.styleSheet()
    assert dialog.bpjs_number.text() == "0009876543210"  # asked by NIK: the card number filled in
    dialog.bpjs_number.setText("0005555555555")
    assert "Tidak aktif: dilayani sebagai pasien umum" in _check(qtbot, dialog)


def test_without_p_care_the_form_says_so_and_still_registers(window, qtbot, pcare_service):
    _fill_pcare(qtbot, window, pcare_service.url)
    pcare_service.stop()  # the line is down
    dialog = _register_dialog(qtbot, window)
    for field, text in ((dialog.nik, "5371041203870001"), (dialog.name, "Yohanes Ndun"), (dialog.birth_place, "Kupang"),
                        (dialog.birth_date, "12-03-1987"), (dialog.mother_name, "Maria Bere"),
                        (dialog.bpjs_number, "0001234567890"), (dialog.address, "Jl. Frans Seda No. 5")):
        qtbot.keyClicks(field, text)
    qtbot.keyClicks(dialog.sex, "L")
    qtbot.keyClicks(dialog.payment, "BPJS")  # the first BPJS way of paying (a space would open the list)
    qtbot.keyClicks(dialog.kecamatan, "Oebobo")
    qtbot.keyClicks(dialog.kelurahan, "Oebobo")
    said = _check(qtbot, dialog)
    assert "Status BPJS tidak dapat dicek: P-Care tidak bisa dihubungi" in said and "tetap bisa disimpan" in said
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert Patient.get(Patient.nik == "5371041203870001").bpjs_number == "0001234567890"


def test_the_office_chooses_p_cares_codes_from_its_list_and_a_jkn_visit_goes_there_from_the_window(
        window, qtbot, pcare_service):
    from kupang_desk.models import PaymentType, PcareOutbox, Poli
    from tests.helpers.clock import TODAY
    from tests.helpers.factories import new_patient, new_visit

    _fill_pcare(qtbot, window, pcare_service.url)
    codes = window.settings_page.pcare.codes
    umum = Poli.get(Poli.name == "Umum").id
    assert codes.doctor.count() == 1  # nothing to choose before P-Care's list is fetched: no code is guessed
    qtbot.mouseClick(codes.fetch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: codes.fetch_button.isEnabled() and bool(codes.message.text()), timeout=10000)
    assert "Daftar P-Care diambil: 3 poli, 2 dokter" in codes.message.text()
    assert [codes.doctor.itemText(i) for i in range(codes.doctor.count())] == [
        "(pilih)", "dr. Maria Goreti (D131491)", "drg. Yosef Tefa (D131492)"]
    codes.enabled.setChecked(True)
    qtbot.mouseClick(codes.save_button, Qt.MouseButton.LeftButton)
    assert "Pilih dokter dari daftar P-Care" in codes.message.text()  # turned on without codes: refused, said
    assert not settings.get("pcare.enabled")
    codes.poli_boxes[umum].setCurrentIndex(codes.poli_boxes[umum].findData("P01"))
    for box, code in ((codes.doctor, "D131491"), (codes.awareness, "S1"), (codes.discharge, "B3")):
        box.setCurrentIndex(box.findData(code))
    qtbot.mouseClick(codes.save_button, Qt.MouseButton.LeftButton)
    assert codes.message.text() == "Disimpan. Kunjungan JKN dikirim ke P-Care."
    assert settings.get("pcare.codes")["poli"] == {str(umum): "P01"}

    yohanes = new_patient(bpjs_number=stand_in.YOHANES["noKartu"],
                          payment_type_id=PaymentType.get(PaymentType.code == "PBI-N").id)
    new_visit(yohanes, dt.datetime.combine(TODAY, dt.time(9, 0)), "J06.9")
    window.visits_changed()  # as the visit form's save tells the window
    qtbot.waitUntil(lambda: window.pcare.running is None and len(pcare_service.visits) == 1, timeout=10000)
    assert PcareOutbox.get().state == "sent" and window.pcare.label.text() == ""  # nothing waits: nothing shown
    dialog = window.pcare.show_outbox()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.model.rowCount() == 1
    assert "Terkirim" in [dialog.model.data(dialog.model.index(0, c)) for c in range(dialog.model.columnCount())]
    assert f"No. kunjungan P-Care {next(iter(pcare_service.visits))}" in dialog.model.data(dialog.model.index(0, 5))
    dialog.close()


def test_a_visit_p_care_cannot_take_is_red_in_the_status_bar_and_goes_after_kirim_ulang(window, qtbot, pcare_service):
    from kupang_desk.models import PaymentType, Poli
    from kupang_desk.pcare import outbox
    from tests.helpers.clock import TODAY
    from tests.helpers.factories import new_patient, new_visit

    _fill_pcare(qtbot, window, pcare_service.url)
    outbox.save_codes({Poli.get(Poli.name == "Umum").id: "P01"}, "D131491", "S1", "B3", turn_on=True)
    no_card = new_patient(payment_type_id=PaymentType.get(PaymentType.code == "PBI-N").id)
    new_visit(no_card, dt.datetime.combine(TODAY, dt.time(9, 0)), "J06.9")
    window.visits_changed()
    qtbot.waitUntil(lambda: window.pcare.running is None and "perlu dilengkapi" in window.pcare.label.text(), timeout=10000)
    assert "P-Care: 1 perlu dilengkapi" in window.pcare.label.text() and "#b00020" in window.pcare.label.text()
    dialog = window.pcare.show_outbox()
    assert "belum punya No. Kartu BPJS 13 angka" in dialog.model.data(dialog.model.index(0, 5))
    from kupang_desk.patients import registration
    form = registration.load_for_edit(no_card.id).form
    form.bpjs_number = stand_in.YOHANES["noKartu"]
    registration.update(no_card.id, form, reason="No. Kartu dari kartu pasien", accept_warnings=True)
    dialog.table.selectRow(0)
    assert dialog.retry_button.isEnabled()
    qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pcare.running is None and len(pcare_service.visits) == 1, timeout=10000)
    qtbot.waitUntil(lambda: window.pcare.label.text() == "", timeout=5000)
    dialog.close()


def test_a_visit_saved_while_the_sender_runs_is_sent_by_the_run_after_it(window, qtbot, pcare_service, monkeypatch):
    import threading

    from kupang_desk.models import PaymentType, Poli
    from kupang_desk.pcare import outbox, sending
    from tests.helpers.clock import TODAY
    from tests.helpers.factories import new_patient, new_visit

    _fill_pcare(qtbot, window, pcare_service.url)
    outbox.save_codes({Poli.get(Poli.name == "Umum").id: "P01"}, "D131491", "S1", "B3", turn_on=True)
    looked, go, real = threading.Event(), threading.Event(), sending.send

    def slow_send(*args, **kwargs):  # the run has looked at the queue (empty) and is still busy
        result = real(*args, **kwargs)
        looked.set()
        go.wait(10)
        return result

    monkeypatch.setattr(sending, "send", slow_send)
    window.pcare.wake()
    assert looked.wait(10)
    yohanes = new_patient(bpjs_number=stand_in.YOHANES["noKartu"],
                          payment_type_id=PaymentType.get(PaymentType.code == "PBI-N").id)
    new_visit(yohanes, dt.datetime.combine(TODAY, dt.time(9, 0)), "J06.9")
    window.visits_changed()  # while the run is busy
    go.set()
    qtbot.waitUntil(lambda: len(pcare_service.visits) == 1, timeout=10000)


def test_the_head_sees_the_kbk_figures_on_the_beranda_once_bpjs_figures_are_entered(window, qtbot):
    from kupang_desk.models import PaymentType
    from tests.helpers.clock import TODAY
    from tests.helpers.factories import new_patient, new_visit

    yohanes = new_patient(payment_type_id=PaymentType.get(PaymentType.code == "PBI-N").id)
    new_visit(yohanes, dt.datetime.combine(TODAY, dt.time(8, 0)), "A09", referral_kind="external",
              referral_facility="RSUD W. Z. Johannes", vitals={"systolic": "120", "diastolic": "80"})
    beranda = window.page("beranda")
    beranda.refresh()
    assert not beranda.kbk.isVisibleTo(window)  # an office not working with P-Care sees nothing of it
    window.show_section("pengaturan")
    tab = window.settings_page.pcare
    window.settings_page.tabs.setCurrentWidget(tab)
    application()  # as the program starts, before its first window: Qt's words and locale in Indonesian
    fresh = KbkBox()
    qtbot.addWidget(fresh)
    fresh.members.setValue(1800)
    assert fresh.members.text() == "1.800"  # Indonesian thousands, whatever the PC's region
    tab.kbk.members.clear()
    qtbot.keyClicks(tab.kbk.members, "5")
    qtbot.keyClicks(tab.kbk.codes, "a09 XYZ")
    qtbot.mouseClick(tab.kbk.save_button, Qt.MouseButton.LeftButton)
    assert "Bukan kode ICD-10 yang dikenal: XYZ" in tab.kbk.message.text()
    tab.kbk.codes.clear()
    qtbot.keyClicks(tab.kbk.codes, "a09, J06.9")
    qtbot.mouseClick(tab.kbk.save_button, Qt.MouseButton.LeftButton)
    assert tab.kbk.message.text() == "Disimpan: 5 peserta, 2 kode diagnosis." and tab.kbk.codes.toPlainText() == "A09 J06.9"
    window.show_section("beranda")
    beranda.refresh()
    assert beranda.kbk.isVisibleTo(window)
    text = beranda.kbk.text()
    assert "Angka kontak: <b style=\"color: #1b7f3b;\">200‰</b>" in text  # 1 of 5 members: over 150
    assert "Rujukan non-spesialistik: <b style=\"color: #b00020;\">100%</b>" in text  # the one visit: referred, A09
    assert "Hipertensi terkendali: <b style=\"color: #777777;\">-</b>" in text


def test_a_referral_is_completed_from_p_care_s_own_lists_with_tacc_and_then_goes(window, qtbot, pcare_service):
    from kupang_desk.models import PaymentType, Poli, writing
    from kupang_desk.pcare import outbox
    from tests.helpers.clock import TODAY
    from tests.helpers.factories import new_patient, new_visit

    _fill_pcare(qtbot, window, pcare_service.url)
    outbox.save_codes({Poli.get(Poli.name == "Umum").id: "P01"}, "D131491", "S1", "B3", referral="B4", turn_on=True)
    with writing():
        settings.put("pcare.non_specialist", ["J06"])
    member = new_patient(bpjs_number=stand_in.YOHANES["noKartu"], payment_type_id=PaymentType.get(PaymentType.code == "PBI-N").id)
    new_visit(member, dt.datetime.combine(TODAY, dt.time(9, 0)), "J06.9", referral_kind="external",
              referral_facility="RSUD W. Z. Johannes")
    window.visits_changed()
    qtbot.waitUntil(lambda: window.pcare.running is None and "perlu dilengkapi" in window.pcare.label.text(), timeout=10000)
    dialog = window.pcare.show_outbox()
    dialog.table.selectRow(0)
    referral = dialog.complete_referral()
    assert referral is not None and "J06.9" in referral.message.text()  # TACC is asked for at once
    qtbot.waitUntil(lambda: referral.subspecialty.count() == 2, timeout=10000)  # Penyakit dalam's, from P-Care
    qtbot.mouseClick(referral.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: referral.facility.count() == 2, timeout=10000)
    assert "RSUD PROF DR W Z JOHANNES · 12/40" in referral.facility.itemText(0)
    assert not referral.save() and "144 diagnosis" in referral.form.message("tacc")  # no TACC: refused beside the field
    referral.tacc.setCurrentIndex(referral.tacc.findData(1))
    referral.reason.setCurrentIndex(referral.reason.findData(">= 7 Hari"))
    with qtbot.waitSignal(referral.saved):
        assert referral.save()
    qtbot.waitUntil(lambda: window.pcare.running is None and len(pcare_service.visits) == 1, timeout=10000)
    (sent,) = pcare_service.visits.values()
    assert (sent["rujukLanjut"]["kdppk"], sent["kdTacc"], sent["alasanTacc"], sent["kdStatusPulang"]) == (
        "0191R001", 1, ">= 7 Hari", "B4")
    dialog.close()
