"""P-Care from the clerk's screens: Pengaturan > P-Care keeps its secrets out of the database, and
the registration form asks P-Care for the member's status, and works without it."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kupang_desk import settings
from kupang_desk.models import Patient
from kupang_desk.ui.main_window import MainWindow
from kupang_desk.ui.patient_form import PatientFormDialog
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
