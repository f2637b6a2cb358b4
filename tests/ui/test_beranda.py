"""The head of the puskesmas opens the program on the Beranda and clicks the figures: each opens the
visit register with exactly as many visits as the tile said."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kupang_desk.queue import entries
from kupang_desk.ui.main_window import MainWindow
from tests.helpers.clock import TODAY
from tests.helpers.factories import OEBOBO, new_patient, new_visit, poli, second_patient


def test_the_beranda_comes_first_and_its_tiles_open_their_visits(qtbot, sqlite_database, monkeypatch):
    today = TODAY
    yohanes = new_patient()
    maria = second_patient()
    new_visit(yohanes, dt.datetime.combine(today, dt.time(0, 30)), "J06.9", today=today)
    new_visit(maria, dt.datetime.combine(today, dt.time(0, 45)), "J06.9", "A09", today=today)
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    assert window.current_section() == "beranda"
    beranda = window.beranda
    today_tile = beranda.tiles["today"]
    # The window is up before its figures: they are counted off the GUI thread and follow.
    assert today_tile.labels[1].text() == "…"
    qtbot.waitUntil(lambda: today_tile.value == "2")
    assert today_tile.labels[1].text() == "2"
    assert beranda.tiles["queue"].value == "-"  # nobody queued today: the queue is not in use
    entries.add(yohanes.id, poli("Umum"))
    window.show_section("pasien")
    window.show_section("beranda")  # counted again when the head comes back
    qtbot.waitUntil(lambda: beranda.tiles["queue"].value == "1")
    qtbot.mouseClick(today_tile, Qt.MouseButton.LeftButton)
    register = window.register_page
    assert window.current_section() == "kunjungan"
    qtbot.waitUntil(lambda: register.status.text() == "2 kunjungan")
    assert register.date_from.text() == today.strftime("%d-%m-%Y")

    window.show_section("beranda")
    top = beranda.top.model()
    assert [top.index(row, 0).data() for row in range(top.rowCount())] == ["J06.9", "A09"]
    assert top.index(0, 2).data() == "2"
    beranda.top.setCurrentIndex(top.index(0, 0))
    beranda.top.doubleClicked.emit(beranda.top.currentIndex())  # as a double click on the row
    qtbot.waitUntil(lambda: register.status.text() == "2 kunjungan" and register.icd10.text() == "J06.9")
    assert register.new_case.isChecked()
    backup_tile = beranda.tiles["backup"]
    assert (backup_tile.value, backup_tile.detail) == ("-", "belum ada cadangan")
    from kupang_desk.backup import copies as backup

    monkeypatch.setattr(backup, "latest_backup_age", lambda _folder: dt.timedelta(days=9))
    beranda.refresh()
    assert (backup_tile.value, backup_tile.detail) == ("9 hari", "lalu; terlambat, buat cadangan hari ini")
    qtbot.mouseClick(backup_tile, Qt.MouseButton.LeftButton)
    assert window.current_section() == "pengaturan"
    assert window.settings_page.tabs.currentWidget() is window.settings_page.backup
    window.show_section("beranda")
    qtbot.waitUntil(lambda: beranda.chart.plot is not None)  # the chart arrives after the first paint
    assert sum(p.new + p.old for p in beranda.chart.points) == 2
    window.close()
    QApplication.processEvents()


def test_the_window_opens_with_the_search_box_ready_and_typing_a_name_finds_the_patient(qtbot, sqlite_database):
    new_patient()
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert window.current_section() == "beranda"
    assert QApplication.focusWidget() is window.beranda.search  # no click needed before typing
    for key in "yohanes":  # each key to wherever the keyboard is, as a clerk's typing goes
        qtbot.keyClick(QApplication.focusWidget(), key)
    patients = window.patients_page
    assert window.current_section() == "pasien" and QApplication.focusWidget() is patients.search
    assert patients.search.text() == "yohanes" and window.beranda.search.text() == ""
    qtbot.waitUntil(lambda: patients.model.rowCount() == 1)
    window.close()
    QApplication.processEvents()


def test_the_map_shows_who_is_left_behind_and_each_kelurahan_opens_its_visits(qtbot, sqlite_database):
    from kupang_desk import population
    from kupang_desk.models import WorkArea, writing
    from kupang_desk.population import Inhabitants

    today = TODAY
    fontein, oetete = "53.71.05.1008", "53.71.04.1008"
    with writing():
        WorkArea.create(kelurahan=OEBOBO)
        WorkArea.create(kelurahan=oetete)
    population.set_population([Inhabitants(OEBOBO, "Oebobo", "", 1000), Inhabitants(oetete, "Oetete", "", 4000),
                               Inhabitants(fontein, "Fontein", "", 500)])
    yohanes, maria = new_patient(), second_patient(kelurahan_code=oetete)
    for hour in (1, 2):
        new_visit(yohanes, dt.datetime.combine(today, dt.time(hour)), today=today)
    new_visit(maria, dt.datetime.combine(today, dt.time(3)), today=today)
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    beranda = window.beranda
    qtbot.waitUntil(lambda: beranda.access is not None)
    # Oetete (1 visit, 4,000 people: 0,2 per 1.000) is the working area's least reached; Fontein,
    # outside it, is not named there.
    assert "Paling sedikit terjangkau: " in beranda.reach.text()
    assert beranda.reach.text().index("Oetete") < beranda.reach.text().index("Oebobo") and "Fontein" not in beranda.reach.text()
    qtbot.waitUntil(lambda: bool(beranda.map.tiles))
    tiles = {area.code: rect for rect, area in beranda.map.tiles}
    assert len(tiles) == 51
    oetete_area = next(area for _rect, area in beranda.map.tiles if area.code == oetete)
    assert (oetete_area.visits, oetete_area.per_1000) == (1, 0.2)
    qtbot.mouseClick(beranda.map, Qt.MouseButton.LeftButton, pos=tiles[OEBOBO].center().toPoint())
    register = window.register_page
    assert window.current_section() == "kunjungan"
    qtbot.waitUntil(lambda: register.status.text() == "2 kunjungan")  # the tile's visits, and only those
    window.show_section("beranda")
    qtbot.waitUntil(lambda: beranda.access is not None and bool(beranda.map.tiles))
    beranda.reach.linkActivated.emit("laporan-akses")
    reports = window.reports_page
    assert window.current_section() == "laporan" and reports.kind.currentData() == "access"
    qtbot.waitUntil(lambda: reports.report is not None, timeout=10000)
    assert reports.use_range.isChecked() and reports.date_to.text() == today.strftime("%d-%m-%Y")
    names = [row[1] for row in reports.report.tables[0].rows]
    assert names[:3] == ["Fontein", "Oetete", "Oebobo"]  # Fontein: nobody came at all
    window.close()
    QApplication.processEvents()


def test_the_school_head_sees_money_deadlines_and_students_left_out(qtbot, sqlite_database):
    from kupang_desk.models import Award, Institution, Student
    from kupang_desk.names import name_key
    from kupang_desk.scholarships import awards, programmes

    today = TODAY
    Institution.create(kind="sekolah", name="SD Inpres Oebobo 2", code="50304512", school_level="SD")
    pip = programmes.ensure_pip(today.year)
    people = [Student.create(nisn=f"01500000{n:02d}", name=name, name_key=name_key(name), sex="P", class_group="Kelas 4A",
                             grade=4, pip_eligible=True, kks_number="KKS9" if n == 3 else "")
              for n, name in ((1, "Ana Bere"), (2, "Maria Tefa"), (3, "Yosef Ndun"), (4, "Lina Pah"))]
    awards.propose(pip, [people[0].id, people[1].id])
    first = Award.get(Award.student == people[0])
    awards.transition([first.id], awards.Step("sk_nominasi", decree="SK-NOM/1", decree_date=today,
                                              deadline=today + dt.timedelta(days=10)), today=today)
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    assert window.current_section() == "beranda_sekolah"
    beranda = window.school_beranda
    assert beranda.tiles["recipients"].value == "2" and beranda.tiles["deadlines"].value == "1"
    candidates, deadlines, counts = (view.model() for view in (beranda.candidates, beranda.deadlines, beranda.programmes))
    assert [candidates.index(r, 1).data() for r in range(candidates.rowCount())] == ["Yosef Ndun", "Lina Pah"]
    assert deadlines.index(0, 1).data() == "Ana Bere" and deadlines.index(0, 4).data() == "10"
    column = 1 + awards.STATUS_ORDER.index("diusulkan")
    assert counts.index(0, column).data() == "1"
    beranda.programmes.doubleClicked.emit(counts.index(0, column))  # the clerk double-clicks "Diusulkan" of PIP
    tab = window.school_page.awards
    assert window.current_section() == "sekolah" and window.school_page.tabs.currentWidget() is tab
    assert tab.status_box.currentData() == "diusulkan" and [r.name for r in tab.model.items] == ["Maria Tefa"]
    window.show_section("beranda_sekolah")
    qtbot.mouseClick(beranda.tiles["deadlines"], Qt.MouseButton.LeftButton)
    assert tab.status_box.currentData() == "sk_nominasi" and [r.name for r in tab.model.items] == ["Ana Bere"]
    window.close()
    QApplication.processEvents()


def test_a_tile_shows_the_whole_rupiah_figure_however_narrow(qtbot):
    """Issue 38 item 5: Rupiah amounts on the school Beranda were cut ("Rp20.475."). The figure's font
    shrinks until the whole amount fits; a short figure keeps the large font."""
    from PySide6.QtGui import QFontMetrics

    from kupang_desk.ui.beranda import Tile

    narrow, count = Tile("paid", "Sudah cair"), Tile("count", "Penerima tahun ini")
    for tile in (narrow, count):
        qtbot.addWidget(tile)
        tile.resize(140, 110)
        tile.show()
    narrow.show_figure("Rp37.575.000", "masih harus dicairkan", None)
    count.show_figure("153", "2 program", None)
    figure = narrow.labels[1]
    assert QFontMetrics(figure.font()).horizontalAdvance("Rp37.575.000") <= figure.width()
    assert figure.font().pointSizeF() < count.labels[1].font().pointSizeF() == count.largest


def test_a_chart_library_that_does_not_load_is_said_instead_of_waited_for(qtbot, monkeypatch):
    from kupang_desk.ui import beranda

    monkeypatch.setattr(beranda, "CHART_FAILURE", ["No module named 'PySide6.QtOpenGL'"])
    chart = beranda.TrendChart()
    qtbot.addWidget(chart)
    chart.load()
    assert chart.plot is None
    assert "tidak dapat ditampilkan" in chart.waiting.text() and "QtOpenGL" in chart.waiting.text()
    assert "Memuat" not in chart.waiting.text()


def test_the_head_opens_the_pws_report_from_the_beranda(qtbot, sqlite_database):
    from kupang_desk.beranda.puskesmas import PwsHome
    from kupang_desk.documents.table import Period
    from kupang_desk.screening.pws import AreaPws, against_targets
    from kupang_desk.ui.beranda import PuskesmasBeranda
    from tests.helpers.clock import TODAY

    beranda = PuskesmasBeranda()
    qtbot.addWidget(beranda)
    home = beranda.refresh(TODAY)
    assert not beranda.pws.isVisibleTo(beranda)
    counts = AreaPws("53.71.04.1001", pregnant=4, k1=3, k4=2, k6=1, born=2, kn1=1, kn_complete=1, infants=2, idl=1)
    home.pws = PwsHome(counts, against_targets([counts], {}, set()))
    beranda.show_home(home)
    assert beranda.pws.isVisibleTo(beranda)
    assert "K1 3 · K4 2" in beranda.pws.text() and "Sasaran belum diisi (Pengaturan &gt; Penduduk)" in beranda.pws.text()
    home.pws = PwsHome(counts, against_targets([counts], {"53.71.04.1001": (40, 1200)}, set()))
    beranda.show_home(home)
    assert "K1 3/40 (7,5%)" in beranda.pws.text() and "IDL 1/1.200 (0,1%)" in beranda.pws.text()
    assert "Sasaran belum diisi" not in beranda.pws.text()
    with qtbot.waitSignal(beranda.open_report) as opened:
        beranda.pws.linkActivated.emit("pws")
    assert opened.args == ["screening", Period(TODAY.replace(month=1, day=1), TODAY)]
