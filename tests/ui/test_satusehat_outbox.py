"""The outbox as the clerk sees it: the administrator turns sending on in Pengaturan > SATUSEHAT, a
morning of visits is recorded with the cable unplugged ("SATUSEHAT: 3 menunggu" in the status bar),
and once the line is back the queue empties by itself; the visit that lacks something says what to
fill in, in the Antrean SATUSEHAT window, and Kirim ulang sends it once it is filled in."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk import settings
from kupang_desk.models import writing
from kupang_desk.satusehat import master, outbox, outbox_view
from kupang_desk.ui.main_window import MainWindow
from tests.helpers.factories import new_patient, new_visit, poli
from tests.satusehat.server import SatusehatServer, free_port

NIKS = ["5371041203870001", "5371041203870002"]


@pytest.fixture
def quick_sender(monkeypatch):
    """The window's sender, with pauses of a fraction of a second instead of half a minute."""
    monkeypatch.setattr(outbox, "LINE_PAUSE_FIRST", 0.2)
    monkeypatch.setattr(outbox, "LINE_PAUSE_MOST", 0.5)
    monkeypatch.setattr(outbox, "IDLE_POLL", 0.3)
    monkeypatch.setattr(outbox, "BACKOFF_FIRST", 0.05)


def test_a_morning_recorded_offline_leaves_by_itself_and_a_visit_that_lacks_something_says_what(
        qtbot, sqlite_database, quick_sender):
    port = free_port()
    yohanes = new_patient(nik=NIKS[0], name="Yohanes Ndun")
    petrus = new_patient(nik=NIKS[1], name="Petrus Pah", kk_number="5371041501100008")
    agnes = new_patient(nik="", name="Agnes Taek", sex="P", birth_date=dt.date(2020, 1, 1),
                        no_nik_reason="anak belum punya KK", kk_number="")
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    # The administrator turns sending on and fills the connection.
    tab = satusehat_settings(window)
    qtbot.mouseClick(tab.enabled, qtbot_left())
    qtbot.keyClicks(tab.organization, "100011961")
    qtbot.keyClicks(tab.client_id, "klien-oebobo")
    qtbot.keyClicks(tab.secret, "rahasia-sekali-123")
    umum = next(row for row in range(tab.locations.rowCount()) if tab.locations.item(row, 0).text() == "Umum")
    tab.locations.item(umum, 1).setText("b017aa54")
    row = tab._add_worker("dr. Maria Manafe", "", "N10000001", editable=False)
    assert row == 0
    with writing():
        settings.put("satusehat.sandbox_url", f"http://127.0.0.1:{port}")
    assert tab.save(), tab.message.text()
    assert outbox.enabled()

    # The cable is unplugged: a morning of visits.
    visits = [new_visit(person, dt.datetime(2026, 11, 2, 8 + n), "J06.9", health_worker="dr. Maria Manafe")
              for n, person in enumerate((yohanes, petrus, agnes))]
    window.visits_changed()  # as the visit form does when it saves
    label = window.satusehat.label
    qtbot.waitUntil(lambda: "SATUSEHAT: 2 menunggu, 1 perlu dilengkapi" in label.text()
                    or "SATUSEHAT: 3 menunggu" in label.text(), timeout=15000)
    assert window.satusehat.background_sender is not None

    # The cable is back: the queue empties by itself, each visit held once.
    with SatusehatServer(patients={NIKS[0]: "P00000001", NIKS[1]: "P00000002"}, port=port) as server:
        qtbot.waitUntil(lambda: "SATUSEHAT: 1 perlu dilengkapi" in label.text(), timeout=20000)
        assert sorted(server.encounters()) == sorted(str(v.id) for v in visits[:2])
        assert server.posts() == 2

        # The clerk opens the queue from the status bar and reads what is missing.
        label.linkActivated.emit("antrean")
        dialog = window.satusehat.dialog
        assert dialog is not None and dialog.isVisible()
        dialog.state.setCurrentIndex(dialog.state.findData("incomplete"))
        assert dialog.model.rowCount() == 1
        dialog.table.selectRow(0)
        assert f"NIK pasien {agnes.no_rm} Agnes Taek" in dialog.detail.toPlainText()
        assert "Ubah data pasien" in dialog.detail.toPlainText()
        assert dialog.retry_button.isEnabled()
        dialog.state.setCurrentIndex(dialog.state.findData("sent"))
        assert dialog.model.rowCount() == 2
        dialog.table.selectRow(0)
        text = dialog.detail.toPlainText()
        assert "Terkirim" in text and "Diterima SATUSEHAT: encounter = Encounter/" in text
        assert "Condition J06.9" in text

        # Agnes's NIK is filled in (her KK arrived); Kirim ulang sends her visit at once.
        from kupang_desk.patients.registration import load_for_edit, update

        form = load_for_edit(agnes.id).form
        form.nik, form.no_nik_reason, form.kk_number = "5371045201200003", "", "5371041501100009"
        update(agnes.id, form, reason="KK sudah terbit", accept_warnings=True)
        server.patients["5371045201200003"] = "P00000003"
        dialog.state.setCurrentIndex(0)
        dialog.search.setText("Agnes")
        assert dialog.model.rowCount() == 1
        dialog.table.selectRow(0)
        qtbot.mouseClick(dialog.retry_button, qtbot_left())
        assert "kembali menunggu" in dialog.message.text()
        qtbot.waitUntil(lambda: label.text() == "", timeout=20000)
        assert sorted(server.encounters()) == sorted(str(v.id) for v in visits)
        window.close()
    assert window.satusehat is not None and window.satusehat.background_sender is None  # stopped with the window


def satusehat_settings(window: MainWindow):
    """Pengaturan > SATUSEHAT, opened as the administrator does."""
    window.show_section("pengaturan")
    tab = window.settings_page.satusehat
    window.settings_page.tabs.setCurrentWidget(tab)
    return tab


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_administrator_queues_the_visits_from_before_sending_was_on(qtbot, sqlite_database):
    patient = new_patient()
    new_visit(patient, dt.datetime(2026, 10, 5, 9, 30), "J06.9", health_worker="dr. Maria Manafe")
    new_visit(patient, dt.datetime(2026, 11, 5, 9, 30), "A09", health_worker="dr. Maria Manafe")
    master.set_location(poli(), "b017aa54")
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    tab = satusehat_settings(window)
    qtbot.keyClicks(tab.since, "01-11-2026")
    qtbot.mouseClick(tab.queue_button, qtbot_left())
    assert "Centang 'Kirim kunjungan ke SATUSEHAT' dan simpan dulu" in tab.message.text()
    qtbot.mouseClick(tab.enabled, qtbot_left())
    assert tab.save(), tab.message.text()
    tab.since.setText("1 November")
    qtbot.mouseClick(tab.queue_button, qtbot_left())
    assert "Tulis tanggal mulai" in tab.message.text()
    tab.since.setText("01-11-2026")
    qtbot.mouseClick(tab.queue_button, qtbot_left())
    qtbot.waitUntil(lambda: "masuk antrean" in tab.message.text(), timeout=10000)
    assert "1 kunjungan sejak 1 November 2026 masuk antrean SATUSEHAT" in tab.message.text()
    assert outbox_view.counts()["waiting"] == 1
    window.close()
