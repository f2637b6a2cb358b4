"""Pengaturan > SATUSEHAT as an administrator fills it: then a visit's bundle is ready to send,
and the client secret is nowhere in the database file."""

from __future__ import annotations

import datetime as dt

from kupang_desk import settings
from kupang_desk.satusehat import bundle, master
from kupang_desk.ui.main_window import MainWindow
from tests.helpers.factories import new_patient, new_visit
from tests.satusehat.server import SatusehatServer


def test_the_administrator_fills_satusehat_and_the_visit_becomes_ready(qtbot, sqlite_database, tmp_path):
    patient = new_patient()
    visit = new_visit(patient, dt.datetime(2026, 10, 5, 9, 30), "J06.9", health_worker="dr. Maria Manafe")
    assert not bundle.build(visit.id).ready
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    window.show_section("pengaturan")
    page = window.settings_page
    tab = page.satusehat
    page.tabs.setCurrentWidget(tab)
    assert tab.isVisible()
    assert tab.workers.item(0, 0).text() == "dr. Maria Manafe"  # the names the visits carry, ready to fill
    qtbot.keyClicks(tab.organization, "100011961")
    qtbot.keyClicks(tab.client_id, "klien-oebobo")
    qtbot.keyClicks(tab.secret, "rahasia-sekali-123")
    umum = next(row for row in range(tab.locations.rowCount()) if tab.locations.item(row, 0).text() == "Umum")
    tab.locations.item(umum, 1).setText("b017aa54-f1df-4ec2")
    tab.workers.item(0, 1).setText("12345")  # a NIK that is not one
    tab.workers.item(0, 2).setText("N10000001")
    assert not tab.save()
    assert "harus 16 angka" in tab.message.text()
    assert settings.get("satusehat.organization_id") == ""  # all of it or none
    tab.workers.item(0, 1).setText("5371044506900002")
    assert tab.save(), tab.message.text()
    assert "client secret" in tab.message.text() and tab.secret.text() == ""
    assert master.client_secret() == "rahasia-sekali-123"
    # A second health worker with a NIK and no id yet; the ids are looked up by NIK off the GUI thread.
    herman = tab._add_worker("Ns. Herman Taek", "5371041203870005", "", editable=True)
    assert tab.save(), tab.message.text()
    with SatusehatServer(patients={patient.nik: "P02478375538"}) as server:
        server.practitioners["5371041203870005"] = "N10000077"
        settings.put("satusehat.sandbox_url", server.url)
        operation = tab.fetch_ids()
        qtbot.waitUntil(lambda: "ID IHS pasien diambil" in tab.message.text(), timeout=20000)
    assert "1 ID praktisi diambil. 1 ID IHS pasien diambil" in tab.message.text() and not operation.running
    assert tab.workers.item(herman, 2).text() == "N10000077"
    assert master.id_of("practitioner", "Ns. Herman Taek") == "N10000077"
    qtbot.waitUntil(tab.fetch_button.isEnabled, timeout=5000)
    assert bundle.build(visit.id).ready
    path = sqlite_database.path
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert raw and b"rahasia-sekali-123" not in raw  # sealed with the PC's key, or in the keyring
