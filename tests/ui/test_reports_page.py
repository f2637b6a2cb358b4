"""The Laporan section as the clerk uses it at the start of the month."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kupang_desk.errors import KnownError
from kupang_desk.reports import service
from kupang_desk.ui.reports import ReportsPage
from tests.helpers.factories import new_patient, new_visit


def test_october_lb1_preview_and_save(qtbot, sqlite_database, tmp_path):
    patient = new_patient()
    new_visit(patient, dt.datetime(2026, 10, 5, 9), "J06.9", "I10")
    page = ReportsPage(today=dt.date(2026, 11, 3))
    qtbot.addWidget(page)
    page.show()
    assert (page.month.currentText(), page.year.value()) == ("Oktober", 2026)  # last month by default
    assert page.rollup.isVisible() and not page.limit.isVisible()
    with qtbot.waitSignal(page.previewed, timeout=10000) as shown:
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    report = shown.args[0]
    assert report.period.label() == "Oktober 2026"
    assert page.model.rowCount() == 3  # J06.9, I10 and the total row
    assert page.model.data(page.model.index(0, 1)) == "I10"
    assert page.model.headerData(3, Qt.Orientation.Horizontal) == "0-7 hr\nL"
    with qtbot.waitSignal(page.saved, timeout=10000) as saved:
        page.save_as("xlsx", str(tmp_path / "lb1-oktober"))
    assert saved.args[0].endswith("lb1-oktober.xlsx")
    assert (tmp_path / "lb1-oktober.xlsx").exists()


def test_a_preview_then_save_counts_the_report_once_unless_something_was_written_between(qtbot, sqlite_database,
                                                                                         tmp_path, monkeypatch):
    patient = new_patient()
    new_visit(patient, dt.datetime(2026, 10, 5, 9), "J06.9", "I10")
    counted = []
    real = service._make
    monkeypatch.setattr(service, "_make", lambda *args: counted.append(args[0]) or real(*args))
    page = ReportsPage(today=dt.date(2026, 11, 3))
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.previewed, timeout=10000):
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.saved, timeout=10000):
        page.save_as("xlsx", str(tmp_path / "lb1-oktober"))
    with qtbot.waitSignal(page.saved, timeout=10000):
        page.save_as("pdf", str(tmp_path / "lb1-oktober"))
    assert counted == ["lb1"]  # the preview's counting, written twice
    new_visit(patient, dt.datetime(2026, 10, 6, 9), "A09")  # another clerk records a visit meanwhile
    with qtbot.waitSignal(page.saved, timeout=10000):
        page.save_as("xlsx", str(tmp_path / "lb1-oktober-baru"))
    assert counted == ["lb1", "lb1"]  # counted again: the file holds the new visit
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "lb1-oktober-baru.xlsx").active
    assert "A09" in [cell.value for row in sheet.iter_rows() for cell in row]
    page.rollup.setChecked(True)  # other options than the preview's: counted for them
    with qtbot.waitSignal(page.saved, timeout=10000):
        page.save_as("xlsx", str(tmp_path / "lb1-kategori"))
    assert counted == ["lb1", "lb1", "lb1"]


def test_top_ten_options_and_a_bad_range(qtbot, sqlite_database):
    page = ReportsPage(today=dt.date(2026, 11, 3))
    qtbot.addWidget(page)
    page.show()
    qtbot.keyClicks(page.kind, "Penyakit")
    assert page.kind.currentData() == "top"
    assert page.limit.isVisible() and page.include_z.isVisible() and not page.rollup.isVisible()
    page.use_range.setChecked(True)
    qtbot.keyClicks(page.date_from, "31-10-2026")
    qtbot.keyClicks(page.date_to, "01-10-2026")
    qtbot.keyClick(page.date_to, Qt.Key.Key_Return)
    assert "sebelum tanggal awal" in page.status.text()
    page.date_to.clear()
    qtbot.keyClicks(page.date_to, "30-11-2026")
    with qtbot.waitSignal(page.previewed, timeout=10000) as shown:
        qtbot.keyClick(page.date_to, Qt.Key.Key_Return)
    assert shown.args[0].empty and "sengaja kosong" in page.status.text()


def test_the_recap_selector_goes_with_the_recap_and_a_failure_leaves_no_menghitung(qtbot, sqlite_database,
                                                                                   monkeypatch):
    patient = new_patient()
    new_visit(patient, dt.datetime(2026, 10, 5, 9), "J06.9")
    page = ReportsPage(today=dt.date(2026, 11, 3))
    qtbot.addWidget(page)
    page.show()
    page.kind.setCurrentIndex(page.kind.findData("recap"))
    with qtbot.waitSignal(page.previewed, timeout=10000):
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert page.tables.isVisible()  # the recap has several tables to choose from
    page.kind.setCurrentIndex(page.kind.findData("lb1"))
    assert not page.tables.isVisible() and page.status.text() == ""

    def broken(*args, **kwargs):
        raise KnownError("Database sedang dipakai proses lain.")

    monkeypatch.setattr(service, "make", broken)
    monkeypatch.setattr(QMessageBox, "open", lambda self: None)
    operation = page.preview()
    qtbot.waitUntil(lambda: not operation.running, timeout=10000)
    qtbot.waitUntil(lambda: page.status.text() != "Menghitung...", timeout=5000)
    assert page.status.text() == "Tidak selesai: Database sedang dipakai proses lain."


def test_in_english_the_period_speaks_english(qtbot, sqlite_database):
    from kupang_desk.i18n import set_language

    set_language("en")
    try:
        page = ReportsPage(today=dt.date(2026, 11, 3))
        qtbot.addWidget(page)
        assert page.month.currentText() == "October" and page.print_button.text() == "Print... (Ctrl+P)"
    finally:
        set_language("id")
