"""The main window as a clerk meets it: title, sections, shortcuts, status bar, first run."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton

from kupang_desk import __version__, demo, version
from kupang_desk.demo import FIRST_RUN
from kupang_desk.i18n import set_language
from kupang_desk.models import Institution, Patient
from kupang_desk.ui.app import offer_demo
from kupang_desk.ui.help import HelpDialog
from kupang_desk.ui.main_window import MainWindow
from kupang_desk.ui.operations import Operation, run_in_background


@pytest.fixture
def window(qtbot, sqlite_database):
    demo.generate(120, 600, 40)
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    return window


def _facts(page) -> dict[str, str]:
    layout = page.facts
    return {
        layout.itemAt(row, layout.ItemRole.LabelRole).widget().text().rstrip(":"):
        layout.itemAt(row, layout.ItemRole.FieldRole).widget().text()
        for row in range(layout.rowCount())
    }


def test_title_status_bar_and_sections(window, sqlite_database):
    assert window.windowTitle() == "UPTD Puskesmas Oebobo (DEMO) — Kupang Desk"
    assert window.findChild(QLabel, "databaseLabel").text() == f"SQLite: {sqlite_database.path}"
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles == ["Beranda", "Pasien", "Antrean", "Kunjungan", "Laporan", "Pengaturan"]  # no school desk
    assert window.current_section() == "beranda"  # the head of the puskesmas sees this month first


def test_keyboard_moves_between_sections(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == "laporan"
    assert window.pages.currentWidget() is window.reports_page
    window.navigation.setFocus()
    qtbot.keyClick(window.navigation, Qt.Key.Key_Down)
    assert window.current_section() == "pengaturan"
    assert window.section_actions["pengaturan"].shortcut().toString() == "Ctrl+9"


def test_each_role_sees_its_own_sections_with_the_same_shortcuts_and_only_what_it_may_do(qtbot, sqlite_database):
    """Issue 38 item 3: Ctrl+1..8 changed meaning per role, a poli clerk filled the whole new-patient form to be
    refused at Simpan, the loket deleted visits, and the poli's Antrean opened on the Loket tab."""
    from kupang_desk.accounts import session, users

    demo.generate(20, 60)
    shortcuts = {}
    for username in ("admin", "loket", "poli"):
        session.sign_in(users.authenticate(username, demo.DEMO_PASSWORD))
        window = MainWindow(sqlite_database)
        qtbot.addWidget(window)
        shortcuts[username] = {key: action.shortcut().toString() for key, action in window.section_actions.items()}
        patients = window.page("pasien")
        offered = {button.text() for button in patients.findChildren(QPushButton)}
        register = window.page("kunjungan")
        if username == "poli":
            visit_form = window.record_visit(Patient.select().first().id)
            assert visit_form.health_worker.text() == "dr. Yohanes Nope"  # the signed-in health worker (item 9)
            visit_form.discard()
            assert "Pasien baru (Ctrl+N)" not in offered and "Kunjungan baru (Ctrl+K)" in offered
            assert window.page("antrean").tabs.currentWidget() is window.queue_page.poli
            assert not register.delete_button.isHidden()
        if username == "loket":
            assert "Pasien baru (Ctrl+N)" in offered
            assert register.delete_button.isHidden()
            assert window.page("antrean").tabs.currentWidget() is window.queue_page.loket
        window.close()
        session.sign_out()
    for username in ("loket", "poli"):  # a section has one shortcut whoever signs in
        assert all(shortcuts["admin"][key] == keys for key, keys in shortcuts[username].items()), username
    assert shortcuts["poli"]["kunjungan"] == "Ctrl+4" and shortcuts["admin"]["pengaturan"] == "Ctrl+9"


def test_summary_fills_the_pages_off_the_gui_thread(window, qtbot):
    with qtbot.waitSignal(window.summary_loaded, timeout=10000) as blocker:
        window.refresh_summary()
    assert blocker.args[0].patients == 120
    assert window.patients_page.status.text().startswith("120 pasien terdaftar")
    assert "J06.9" in window.favourite_codes[:3]  # the commonest codes of the last 90 days
    settings = _facts(window.page("pengaturan"))
    assert settings["Kepala Puskesmas"] == "dr. Maria Yasinta Bere"
    assert settings["NIP"] == "19770312 200502 2 002"
    assert "120 pasien, 600 kunjungan" in window.statusBar().currentMessage()


def test_a_puskesmas_only_profile_shows_no_school_screens(qtbot, sqlite_database):
    demo.generate(5, 5)
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert "Sekolah/Beasiswa" not in titles
    Institution.update(kind="sekolah").execute()
    school = MainWindow(sqlite_database)
    qtbot.addWidget(school)
    titles = [school.navigation.item(i).text() for i in range(school.navigation.count())]
    assert titles == ["Beranda", "Sekolah/Beasiswa", "Pengaturan"]  # the health office's reports are not a school's


def test_the_puskesmas_saves_its_signing_key_and_a_dinas_has_its_own_desk(qtbot, sqlite_database, tmp_path):
    """Issue 37: the puskesmas saves the key the Dinas registers, from Pengaturan > Profil, with the
    fingerprint to read over the phone; its Laporan no longer carries the Dinas's Rekap kota, which is
    the desk of an installation of the kind "dinas"."""
    from kupang_desk.documents import signing

    demo.generate(5, 5)
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    tabs = window.reports_page.tabs
    assert "Rekap kota (Dinas)" not in [tabs.tabText(i) for i in range(tabs.count())]
    profile = window.page("pengaturan").profile
    code = Institution.get().code
    fingerprint = signing.fingerprint(signing.public_key(code))
    assert profile.key_label.text() == f"sidik {fingerprint}" and profile.key_button.isEnabled()
    assert profile.save_key(str(tmp_path / "kunci.json"))
    assert fingerprint in profile.message.text()
    assert signing.read_key_file(tmp_path / "kunci.json").fingerprint == fingerprint
    Institution.update(kind="dinas", name="Dinas Kesehatan Kota Kupang").execute()
    dinas = MainWindow(sqlite_database)
    qtbot.addWidget(dinas)
    titles = [dinas.navigation.item(i).text() for i in range(dinas.navigation.count())]
    assert titles == ["Rekap kota", "Pengaturan"]
    assert not dinas.page("pengaturan").profile.key_button.isEnabled()


def test_first_start_on_an_empty_database_offers_the_demo(qtbot, sqlite_database):
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle().startswith("Belum ada profil institusi")
    box = offer_demo(window)
    assert box.isVisible()
    assert "2.000 pasien" in box.text()
    with qtbot.waitSignal(window.summary_loaded, timeout=60000):
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert Patient.select().count() == FIRST_RUN["patients"]
    assert window.windowTitle() == "UPTD Puskesmas Oebobo (DEMO) — Kupang Desk"
    assert window.patients_page.status.text().startswith("2.000 pasien terdaftar")


def test_declining_the_demo_leaves_the_database_empty(qtbot, sqlite_database):
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    box = offer_demo(window)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    assert not window.operations
    assert demo.is_empty()


def test_cancelling_a_background_load_keeps_nothing(qtbot, sqlite_database):
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)
    failures = []
    operation = run_in_background(
        window, lambda task: demo.generate(500, 50000, task=task), title="Memuat data contoh",
        on_failure=failures.append)
    with qtbot.waitSignal(operation.finished, timeout=60000):
        operation.cancel()
    assert type(failures[0]).__name__ == "Cancelled"
    assert demo.is_empty()


def test_a_programming_error_shows_a_calm_message(qtbot, sqlite_database):
    window = MainWindow(sqlite_database)
    qtbot.addWidget(window)

    def broken(_task):
        raise ZeroDivisionError("bug")

    operation = Operation(window, broken, title="Uji", show_progress=False)
    with qtbot.waitSignal(operation.finished, timeout=10000):
        operation.start()
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    assert "Data yang sudah tersimpan aman" in boxes[0].text()
    assert "ZeroDivisionError" not in boxes[0].text()


def test_about_shows_the_version_and_build_date(window, monkeypatch, qtbot):
    monkeypatch.setattr(version, "build_info", lambda: {"date": "2026-12-05", "kind": "windows"})
    help_menu = next(action.menu() for action in window.menuBar().actions() if action.text() == "B&antuan")
    about = next(action for action in help_menu.actions() if action.text() == "&Tentang Kupang Desk")
    about.trigger()
    box = next(widget for widget in window.findChildren(QMessageBox) if widget.isVisible())
    assert box.windowTitle() == "Tentang Kupang Desk"
    assert box.text().splitlines()[0] == f"Kupang Desk {__version__}, dibangun 5 Desember 2026"
    box.close()


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_section_title_is_cut_in_either_language(qtbot, sqlite_database, language):
    """Also with a wider font than this machine's (Windows' Segoe UI is wider than DejaVu Sans)."""
    set_language(language)
    before = QApplication.font()
    QApplication.setFont(QFont("DejaVu Sans Mono"))
    try:
        demo.generate(20, 40, 10)
        seen = []
        for kind in ("puskesmas", "sekolah", "dinas"):  # each desk's own sections
            Institution.update(kind=kind).execute()
            window = MainWindow(sqlite_database)
            qtbot.addWidget(window)
            window.resize(1024, 728)
            window.show()
            qtbot.waitExposed(window)
            font = QFont(window.navigation.font())
            font.setPointSizeF(11)  # the sidebar's font and padding (main_window's style sheet)
            items = [window.navigation.item(row) for row in range(window.navigation.count())]
            seen += [item.text() for item in items]
            for item in items:  # the text has its whole width inside the item's rectangle, less the padding
                room = window.navigation.visualItemRect(item).width() - 2 * 14
                assert QFontMetrics(font).horizontalAdvance(item.text()) <= room, item.text()
            window.close()
        assert ("School/Scholarships" if language == "en" else "Sekolah/Beasiswa") in seen
    finally:
        QApplication.setFont(before)
        set_language("id")


def test_f1_opens_the_guide_of_the_section_and_the_shortcuts_are_listed(window, qtbot):
    window.show_section("laporan")
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    qtbot.keyClick(window, Qt.Key.Key_F1)
    guide = next(dialog for dialog in window.findChildren(HelpDialog) if dialog.isVisible())
    assert guide.windowTitle() == "Panduan: Laporan"
    assert "LB1" in guide.browser.toPlainText() and "Pratinjau" in guide.browser.toPlainText()
    guide.close()
    shortcuts = window.show_shortcuts()
    text = shortcuts.browser.toPlainText()
    for keys, what in (("Ctrl+L", "Kunci sesi"), ("Ctrl+N", "Pasien baru"), ("Ctrl+5", "Laporan"),
                       ("Ctrl+S", "Simpan formulir"), ("F1", "Panduan bagian ini")):
        lines = text.splitlines()  # each table cell on its own line: the key, then what it does
        assert any(lines[i] == keys and what in lines[i + 1] for i in range(len(lines) - 1)), (keys, what)
    shortcuts.close()


def test_cycles_are_collected_on_the_gui_thread_only(qapp):
    """Freeing a Qt object in a worker's thread crashes Qt: the collector never runs there."""
    import gc
    import threading
    import weakref

    from kupang_desk.ui.operations import GuiThreadCollector

    collector = qapp.findChild(GuiThreadCollector)
    assert collector is not None
    gc.enable()  # as a library may (mypy's build, run in-process by tests/test_types.py)
    collector.check()  # the collector's next tick turns automatic collection off again
    assert not gc.isenabled()

    class Node:
        pass

    freed = []

    def allocate() -> None:  # a worker making far more cycles than the collector's threshold
        for _ in range(gc.get_threshold()[0] * 5):
            node = Node()
            node.me = node
            freed.append(weakref.ref(node))

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert all(ref() is not None for ref in freed)  # nothing collected in the worker's thread
    collector.check()
    gc.collect()  # the older generations too, on this (GUI) thread
    assert all(ref() is None for ref in freed)
