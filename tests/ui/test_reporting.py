"""The reporting cycle as the clerk meets it: the calendar tab, Tandai terkirim, the visit form
asking why a sent month changes, the changes shown, SKDR by week, and the status bar's reminder."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from kupang_desk.documents.table import Period
from kupang_desk.formatting import format_month
from kupang_desk.models import SentReport, Visit
from kupang_desk.submissions import calendar
from kupang_desk.ui.main_window import MainWindow
from kupang_desk.ui.reporting import ChangesDialog, MarkSentDialog
from kupang_desk.ui.visit_form import VisitFormDialog
from tests.helpers.clock import TODAY
from tests.helpers.factories import new_patient, new_visit

LAST_MONTH_DAY = TODAY.replace(day=1) - dt.timedelta(days=20)  # a day of last month, whose report is due


@pytest.fixture
def window(qtbot, sqlite_database):
    patient = new_patient()
    new_visit(patient, dt.datetime.combine(LAST_MONTH_DAY, dt.time(9, 0)), "J06.9")
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    return window


def _wait(qtbot, operation):
    qtbot.waitUntil(lambda: not operation.running, timeout=20000)
    QApplication.processEvents()


def test_mark_sent_from_the_calendar_then_a_late_visit_asks_why_and_turns_it_to_revisi(window, qtbot):
    window.show_calendar()
    page = window.reports_page
    assert page.tabs.currentIndex() == 1 and page.calendar.isVisible()
    label = format_month(LAST_MONTH_DAY.year, LAST_MONTH_DAY.month)
    assert page.calendar.select("lb1", label)
    row = page.calendar.view.currentIndex().row()
    status = page.calendar.model.index(row, 3)
    expected = calendar.TERLAMBAT if calendar.monthly_due(page.calendar.current().period) < TODAY else calendar.BELUM
    assert page.calendar.model.data(status) == calendar.status_label(expected)
    assert not page.calendar.changes_button.isEnabled() and not page.calendar.files_button.isEnabled()

    dialog = page.calendar.mark_sent(accept=None)
    assert isinstance(dialog, MarkSentDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.method, "Dicetak")
    qtbot.keyClicks(dialog.note, "diantar ke Dinas")
    with qtbot.waitSignal(page.calendar.changed, timeout=20000):
        dialog.accept()
    assert page.calendar.model.data(page.calendar.model.index(page.calendar.view.currentIndex().row(), 3)) == "Terkirim"
    assert "ditandai terkirim" in page.calendar.summary.text()
    sent = SentReport.get()
    assert (sent.kind, sent.method, sent.note) == ("lb1", "print", "diantar ke Dinas")
    assert not page.calendar.mark_button.isEnabled() and page.calendar.files_button.isEnabled()

    # The clerk records a visit that was forgotten last month: the form says the report went and asks why.
    patient = Visit.get().patient
    form: VisitFormDialog = window.record_visit(patient.id)
    assert not form.form.row_visible("reason")
    form.visit_at.setDateTime(dt.datetime.combine(LAST_MONTH_DAY, dt.time(11, 0)))
    assert form.form.row_visible("reason") and f"LB1 {label}" in form.late_label.text()
    qtbot.keyClicks(form.poli, "Umum")
    qtbot.keyClicks(form.picker.edit, "a09")
    qtbot.keyClick(form.picker.edit, Qt.Key.Key_Return)
    form.save()
    assert form.isVisible() and "Tulis alasannya" in form.form.message("reason")
    qtbot.keyClicks(form.reason, "kartu terselip")
    with qtbot.waitSignal(form.saved, timeout=5000):
        form.save()

    # The open calendar and the status bar say so at once, without Muat ulang.
    qtbot.waitUntil(lambda: f"perlu revisi: LB1 {label}" in window.reminder_label.text(), timeout=20000)
    page.calendar.select("lb1", label)
    row = page.calendar.view.currentIndex().row()
    assert page.calendar.model.data(page.calendar.model.index(row, 3)) == "Perlu revisi"
    assert page.calendar.model.data(page.calendar.model.index(row, 5)) == "1 kunjungan"
    _wait(qtbot, page.calendar.show_changes())
    shown: ChangesDialog = page.calendar.changes_dialog
    assert "alasan: kartu terselip" in shown.text.toPlainText() and "0 menjadi 1" in shown.text.toPlainText()
    shown.accept()


def test_skdr_is_chosen_by_week_and_shows_its_alerts(window, qtbot):
    page = window.reports_page
    qtbot.keyClicks(page.kind, "SKDR")
    assert page.kind.currentData() == "skdr"
    page.show()
    page.tabs.setCurrentIndex(0)
    assert page.week.isVisible() and not page.month.isVisible() and " s.d. " in page.week_dates.text()
    with qtbot.waitSignal(page.previewed, timeout=10000) as shown:
        page.preview()
    assert shown.args[0].kind == "skdr" and page.model.rowCount() > 20


def test_the_status_bar_names_what_is_overdue_and_opens_the_calendar(window, qtbot):
    # From the start: the app counts its summary once the window shows, and the reminder follows.
    window.refresh_summary()
    qtbot.waitUntil(lambda: "Laporan terlambat: " in window.reminder_label.text(), timeout=20000)
    text = window.reminder_label.text()
    assert "Laporan terlambat: " in text and "SKDR 20" in text  # the week before last is always overdue
    if calendar.monthly_due(Period.month(f"{LAST_MONTH_DAY:%Y-%m}")) < TODAY:
        assert "LB1" in text
    window.reminder_label.linkActivated.emit("kalender")
    assert window.pages.currentWidget() is window.reports_page and window.reports_page.tabs.currentIndex() == 1


def test_pelaporan_settings_and_a_dhis2_upload_from_the_calendar(window, qtbot, tmp_path):
    from tests.submissions.dhis2_server import Dhis2Server
    from tests.submissions.test_dhis2 import lb1_mapping, the_dinas

    window.show_section("pengaturan")
    settings_page = window.settings_page
    tab = settings_page.reporting
    settings_page.tabs.setCurrentWidget(tab)
    assert tab.isVisible() and tab.mapping_state.text() == "belum ada"
    tab.monthly_day.setValue(12)
    qtbot.keyClicks(tab.weekly_day, "Senin")
    tab.url.setText("http://127.0.0.1:1")
    qtbot.keyClicks(tab.username, "pkm-oebobo")
    qtbot.keyClicks(tab.org_unit, "P5371040101")
    assert tab.save() and tab.message.text() == "Disimpan."
    assert calendar.monthly_due(Period.month("2026-10")) == dt.date(2026, 11, 12)
    assert tab.load_mapping(str(lb1_mapping(tmp_path / "pemetaan.csv")))
    assert "baris dimuat" in tab.mapping_state.text()
    # A threshold the clerk lowers is kept; a mapping row with a letter that does not exist is refused in words.
    tab.thresholds.cellWidget(2, 2).setValue(2)  # C, suspected dengue
    tab._add_mapping_row()
    row = tab.mapping.rowCount() - 1
    tab.mapping.item(row, 0).setText("B34.9")
    tab.mapping.item(row, 1).setText("ZZ")
    assert not tab.save_skdr() and "Huruf SKDR 'ZZ'" in tab.skdr_message.text()
    tab.mapping.item(row, 1).setText("C")
    assert tab.save_skdr() and "disimpan" in tab.skdr_message.text()

    window.show_calendar()
    cal = window.reports_page.calendar
    label = format_month(LAST_MONTH_DAY.year, LAST_MONTH_DAY.month)
    assert cal.select("lb1", label) and cal.upload_button.isEnabled()
    _wait(qtbot, cal.save_dhis2(str(tmp_path / "lb1.json")))
    assert "Berkas DHIS2 disimpan" in cal.summary.text(), [b.text() for b in window.findChildren(QMessageBox)]
    assert json.loads((tmp_path / "lb1.json").read_text(encoding="utf-8"))["orgUnit"] == "P5371040101"
    written = json.loads((tmp_path / "lb1.json").read_text(encoding="utf-8"))["dataValues"]
    with Dhis2Server(the_dinas(icd=tuple({v["dataElement"].removeprefix("LB1_") for v in written}))) as server:
        tab.url.setText(server.url)
        assert tab.save()
        with qtbot.waitSignal(cal.changed, timeout=20000):
            cal.upload(password="rahasia")
    assert [q["dryRun"] for q, _body in server.requests] == ["true", "false"]
    assert "diunggah ke DHIS2 dan ditandai terkirim" in cal.summary.text()
    assert SentReport.get().method == "dhis2"


def test_dhis2_says_what_is_missing_before_it_asks_for_a_file_or_a_password(window, qtbot, monkeypatch):
    """Issue 38 item 6: "Berkas DHIS2" asked for a file name and then said to run a command; "Unggah"
    asked for the DHIS2 password before saying no server was set. Check first, then ask."""
    from kupang_desk.ui import reporting as reporting_ui

    asked = []
    monkeypatch.setattr(reporting_ui, "ask_save_path", lambda *args: asked.append("file") or "")
    monkeypatch.setattr(reporting_ui.QInputDialog, "getText", lambda *args, **kw: asked.append("password") or ("", False))
    window.show_calendar()
    cal = window.reports_page.calendar
    assert cal.select("lb1", format_month(LAST_MONTH_DAY.year, LAST_MONTH_DAY.month))
    assert cal.save_dhis2() is None and cal.upload() is None
    assert asked == []
    assert "Pengaturan > Pelaporan" in cal.summary.text() and "Alamat server DHIS2" in cal.summary.text()
    assert cal.save_dhis2() is None and "Belum ada pemetaan DHIS2" in cal.summary.text() and asked == []


def test_the_dhis2_id_scheme_and_the_dinas_metadata_from_pengaturan(window, qtbot, tmp_path):
    """Issue 37: the window had no way to say the Dinas's server reads uids, nor to load its metadata
    export. Loaded without a CSV mapping, the metadata builds the mapping and the scheme turns to uid;
    with a CSV mapping loaded, the CSV stays and the metadata only gives uids and zeros."""
    from kupang_desk import settings
    from tests.submissions.test_dhis2 import a_dinas_of_names, lb1_mapping

    window.show_section("pengaturan")
    tab = window.settings_page.reporting
    window.settings_page.tabs.setCurrentWidget(tab)
    assert tab.id_scheme.currentData() == "code"
    export = tmp_path / "metadata.json"
    export.write_text(json.dumps(a_dinas_of_names().export()), encoding="utf-8")
    assert tab.load_metadata(str(export))
    assert tab.message.text().startswith("Pemetaan DHIS2 dibuat dari metadata:") and "4 kode ICD-10" in tab.message.text()
    assert tab.id_scheme.currentData() == "uid" and settings.get("dhis2.id_scheme") == "uid"
    assert "metadata: " in tab.mapping_state.text()
    assert tab.load_mapping(str(lb1_mapping(tmp_path / "pemetaan.csv")))
    rows = len(settings.get("dhis2.mapping"))
    assert tab.load_metadata(str(export)) and "pemetaan yang ada tetap dipakai" in tab.message.text()
    assert len(settings.get("dhis2.mapping")) == rows
    qtbot.keyClicks(tab.id_scheme, "kode")
    assert tab.save() and settings.get("dhis2.id_scheme") == "code"


def test_the_dinas_imports_two_puskesmas_files_and_saves_the_city_lb1(qtbot, sqlite_template, tmp_path):
    from kupang_desk.models import database as database_module
    from kupang_desk.reports import service
    from kupang_desk.submissions import city
    from tests.helpers import databases
    from tests.helpers.factories import an_institution
    from tests.submissions.test_city import OCTOBER, code_of, fill

    paths = []
    for number in (1, 6):  # Alak and Oebobo
        database_module.connect(databases.fresh_sqlite(sqlite_template, tmp_path))
        an_institution(name=f"UPTD Puskesmas {('', 'Alak', '', '', '', '', 'Oebobo')[number]}", code=code_of(number))
        fill(number, 5)
        paths.append(str(service.save("lb1", OCTOBER, xlsx=tmp_path / f"lb1-{number}.xlsx") and tmp_path / f"lb1-{number}.xlsx"))
        city.export_key(tmp_path / f"kunci-{number}.json")
        database_module.close()
    target = database_module.connect(databases.fresh_sqlite(sqlite_template, tmp_path))
    an_institution(name="Dinas Kesehatan Kota Kupang", code="D5371", kind="dinas")
    window = MainWindow(target)
    qtbot.addWidget(window)
    window.show()
    # A Dinas's window is its own desk (issue 37): Rekap kota and Pengaturan, no patients, no visits.
    assert list(window.sections) == ["rekap_kota", "pengaturan"]
    assert window.reports_page is None and window.patients_page is None
    view = window.city_page
    view.year.setValue(2026)
    qtbot.keyClicks(view.month, "Oktober")
    # Before any key is registered, a file is refused and says how to register the key.
    _wait(qtbot, view.import_files(paths[:1]))
    assert view.imported.text().startswith("0 file diterima, 1 ditolak.") and "belum didaftarkan" in view.imported.text()
    # The Dinas gives its list the codes (issue 37) and registers the two keys, each fingerprint confirmed.
    dialog = view.edit_list(exec_dialog=False)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 11 and dialog.table.item(5, 1).text() == "Puskesmas Oebobo"
    assert not dialog.save() and "kode dan nama puskesmas wajib diisi" in dialog.message.text()
    for row in range(11):
        dialog.table.item(row, 0).setText(code_of(row + 1))
    dialog.confirm_fingerprint = lambda entry: False  # the fingerprints read over the phone differ
    assert not dialog.register_key(str(tmp_path / "kunci-1.json"))
    assert dialog.table.item(0, 2).text() == "belum terdaftar"
    dialog.confirm_fingerprint = lambda entry: True
    assert dialog.register_key(str(tmp_path / "kunci-1.json")) and dialog.register_key(str(tmp_path / "kunci-6.json"))
    assert dialog.table.item(5, 2).text() == city.puskesmas_list()[-1].fingerprint and "didaftarkan" in dialog.message.text()
    assert dialog.save()
    _wait(qtbot, view.import_files(paths))
    assert view.imported.text().startswith("2 file diterima, 0 ditolak.") and "Alak" in view.imported.text()
    qtbot.waitUntil(lambda: view.arrivals.rowCount() == 11, timeout=20000)
    _wait(qtbot, view.operation)
    states = [view.arrivals.data(view.arrivals.index(row, 2)) for row in range(11)]
    assert states.count("Belum") == 9 and states.count("Terlambat") == 2  # received now, due 10 November
    assert "Kelengkapan 2 dari 11 (18%)" in view.summary.text()
    codes = [view.arrivals.data(view.arrivals.index(row, 1)) for row in range(view.arrivals.rowCount())]
    assert codes == [code_of(n) for n in range(1, 12)]
    last = view.model.rowCount() - 1
    assert last > 0 and "JUMLAH" in [view.model.data(view.model.index(last, c)) for c in range(4)]
    _wait(qtbot, view.save("xlsx", str(tmp_path / "kota.xlsx")))
    assert (tmp_path / "kota.xlsx").exists()
    database_module.close()
