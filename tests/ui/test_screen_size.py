"""Every page fits an office laptop: at 1366x768 and 1024x768 (less a 40 px taskbar) each
button of each section and tab lies inside the window, and nothing asks for more width."""

from __future__ import annotations

import pytest

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QAbstractButton, QApplication, QScrollArea, QTabWidget, QWidget

from kupang_desk import demo
from kupang_desk.accounts import session, users
from kupang_desk.models import Patient
from kupang_desk.ui import widgets
from kupang_desk.ui.main_window import MainWindow
from kupang_desk.ui.signin import FirstRunDialog, SignInDialog

SCREENS = [(1366, 768 - 40), (1024, 768 - 40)]


def _in_scroll_area(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def off_screen_buttons(window: QWidget) -> list[str]:
    """The visible buttons that do not lie wholly inside ``window`` (those in a scroll area can be scrolled to)."""
    inside = window.rect()
    found = []
    for button in window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or not button.isVisible() or _in_scroll_area(button):
            continue
        place = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
        if not inside.contains(place):
            found.append(f"{button.text() or button.objectName() or type(button).__name__} at {place.getRect()}")
    return found


def every_tab(widget: QWidget):
    """Shows each tab of each tab widget under ``widget`` in turn (nested ones too)."""
    for tabs in widget.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            QApplication.processEvents()
            yield f"{tabs.tabText(index)}"


@pytest.fixture(params=["puskesmas", "sekolah"])
def signed_in_window(request, qtbot, sqlite_database):
    """The demo administrator's window of each desk (a puskesmas, a school: each its own database)."""
    if request.param == "puskesmas":
        demo.generate(60, 200)
    else:
        demo.generate(0, 0, 40)
    session.sign_in(users.authenticate("admin", demo.DEMO_PASSWORD))
    window = MainWindow(sqlite_database, automatic_backups=False)
    qtbot.addWidget(window)
    window.show()
    yield window
    session.sign_out()


def test_screen_size_the_main_window_asks_for_no_more_than_1000_px(signed_in_window):
    """Nor more height than a 768 px screen has under its taskbar and the title bar (issue 38 item 5:
    opening Pengaturan grew the window to 772 px and pushed the status bar off the screen): each
    section and each of its tabs, since a window manager grows the window to what a page asks."""
    tallest = 768 - 40 - widgets.TITLE_BAR
    for key in signed_in_window.section_keys():
        signed_in_window.show_section(key)
        QApplication.processEvents()
        assert signed_in_window.minimumSizeHint().width() <= 1000, key
        assert signed_in_window.minimumSizeHint().height() <= tallest, key
        for tab in every_tab(signed_in_window.pages.currentWidget()):
            hint = signed_in_window.minimumSizeHint()
            assert hint.width() <= 1000 and hint.height() <= tallest, f"{key} > {tab}: {hint}"


@pytest.mark.parametrize(("width", "height"), SCREENS, ids=["1366x768", "1024x768"])
def test_screen_size_every_button_of_every_page_is_reachable(signed_in_window, qtbot, width, height):
    window = signed_in_window
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height, timeout=2000)
    problems = []
    for key in window.section_keys():
        window.show_section(key)
        QApplication.processEvents()
        problems += [f"{key}: {button}" for button in off_screen_buttons(window)]
        for tab in every_tab(window.pages.currentWidget()):
            problems += [f"{key} > {tab}: {button}" for button in off_screen_buttons(window)]
        assert window.width() == width and window.height() == height, f"{key} resized the window"
    assert not problems, "\n".join(sorted(set(problems)))


def print_preview(card):
    card.print_card()
    return card.print_preview


DIALOGS = {
    "pendaftaran pasien": lambda window, patient: window.register_patient(),
    "ubah pasien": lambda window, patient: window.edit_patient(patient),
    "kartu pasien": lambda window, patient: window.open_patient(patient),
    "kunjungan baru": lambda window, patient: window.record_visit(patient),
    "gabungkan pasien": lambda window, patient: window.merge_patients(),
    "ganti kata sandi": lambda window, patient: window.change_password(),
    "impor register": lambda window, patient: window.import_register(),
    "tentang": lambda window, patient: window.show_about(),
    "penyiapan pertama": lambda window, patient: FirstRunDialog(window),
    "masuk": lambda window, patient: SignInDialog(window),
    "panduan": lambda window, patient: window.show_guide("pasien"),
    "pintasan keyboard": lambda window, patient: window.show_shortcuts(),
    "pratinjau cetak": lambda window, patient: print_preview(window.open_patient(patient)),
    "skrining": lambda window, patient: window.record_visit(patient).open_screening(),
    "antrean p-care": lambda window, patient: window.pcare.show_outbox(),
}


@pytest.mark.parametrize("signed_in_window", ["puskesmas"], indirect=True)  # the patient dialogs are the puskesmas's
@pytest.mark.parametrize(("width", "height"), SCREENS, ids=["1366x768", "1024x768"])
def test_screen_size_every_dialog_opens_inside_the_screen_with_its_buttons(signed_in_window, qtbot, monkeypatch,
                                                                           width, height):
    room = QSize(width, height - widgets.TITLE_BAR)
    monkeypatch.setattr(widgets, "screen_room", lambda: room)
    patient = Patient.select().first().id
    problems = []
    for name, open_dialog in DIALOGS.items():
        dialog = open_dialog(signed_in_window, patient)
        dialog.show()
        QApplication.processEvents()
        if dialog.width() > room.width() or dialog.height() > room.height():
            problems.append(f"{name}: {dialog.width()}x{dialog.height()} on {room.width()}x{room.height()}")
        problems += [f"{name}: {button}" for button in off_screen_buttons(dialog)]
        dialog.close()
    assert not problems, "\n".join(problems)
