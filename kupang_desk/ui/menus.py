"""The main window's menus (Berkas, Pasien, Tampilan, Bantuan): what the signed-in role may do is
offered, the rest is not; each section has its Ctrl+number in Tampilan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import allowed
from kupang_desk.i18n import _

if TYPE_CHECKING:
    from kupang_desk.ui.main_window import MainWindow


def build(window: MainWindow) -> dict[str, QAction]:
    """Fills the window's menu bar; returns each visible section's action (Tampilan), by key."""
    file_menu = window.menuBar().addMenu(_("&Berkas"))
    user = session.current()
    for text, handler, permission in ((_("Buat &cadangan..."), window.backups.to_folder, "backup.run"),
                                      (_("&Pulihkan dari cadangan..."), window.backups.ask_restore, "backup.restore"),
                                      (_("&Impor register lama..."), window.import_register, "import.run")):
        action = QAction(text, window)
        action.setEnabled(allowed(user, permission))
        action.triggered.connect(lambda _checked=False, h=handler: h())
        file_menu.addAction(action)
    file_menu.addSeparator()
    if session.current() is not None:
        lock = QAction(_("&Kunci sesi"), window)
        lock.setShortcut(QKeySequence("Ctrl+L"))
        lock.triggered.connect(window.lock_session)
        file_menu.addAction(lock)
        password = QAction(_("&Ganti kata sandi..."), window)
        password.triggered.connect(window.change_password)
        file_menu.addAction(password)
        switch = QAction(_("Ganti pengg&una..."), window)
        switch.setObjectName("switchUser")
        switch.triggered.connect(window.switch_user)
        file_menu.addAction(switch)
        file_menu.addSeparator()
    quit_action = QAction(_("&Keluar"), window)
    quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # Qt gives Windows no Quit key: Ctrl+Q on every system
    quit_action.setShortcutVisibleInContextMenu(True)
    quit_action.triggered.connect(window.close)
    file_menu.addAction(quit_action)

    if "pasien" in window.section_keys():
        patient_menu = window.menuBar().addMenu(_("&Pasien"))
        for text, keys, handler, needs in (
            (_("Cari pasien"), "Ctrl+F", window.focus_patient_search, "patient.read"),
            (_("Pasien baru..."), "Ctrl+N", window.register_patient_here, "patient.write"),
            (_("Kunjungan baru untuk pasien terpilih..."), "Ctrl+K", window.new_visit_for_selection, "visit.write"),
            (_("Gabungkan pasien ganda..."), "", window.merge_patients, "patient.merge"),
        ):
            if not allowed(user, needs):  # what the role may not do is not offered
                continue
            action = QAction(text, window)
            if keys:
                action.setShortcut(QKeySequence(keys))
                action.setToolTip(f"{text} ({keys})")
            action.triggered.connect(lambda _checked=False, h=handler: h())
            patient_menu.addAction(action)
        outbox_action = QAction(_("Antrean &SATUSEHAT..."), window)
        outbox_action.setObjectName("satusehatOutbox")
        outbox_action.setEnabled(allowed(user, "patient.read"))
        outbox_action.triggered.connect(lambda: window.satusehat and window.satusehat.show_outbox())
        patient_menu.addAction(outbox_action)
        pcare_action = QAction(_("Antrean &P-Care..."), window)
        pcare_action.setObjectName("pcareOutbox")
        pcare_action.setEnabled(allowed(user, "patient.read"))
        pcare_action.triggered.connect(lambda: window.pcare and window.pcare.show_outbox())
        patient_menu.addAction(pcare_action)
        ckg_action = QAction(_("&CKG sekolah..."), window)
        ckg_action.setObjectName("ckgSchools")
        ckg_action.setEnabled(allowed(user, "patient.read"))
        ckg_action.triggered.connect(window.open_ckg)
        patient_menu.addAction(ckg_action)

    view_menu = window.menuBar().addMenu(_("&Tampilan"))
    section_actions: dict[str, QAction] = {}
    for section in window.visible_sections():
        action = QAction(section.title, window)
        number = section.key_number
        action.setShortcut(QKeySequence(f"Ctrl+{number}"))
        action.setToolTip(f"{section.title} (Ctrl+{number})")
        action.triggered.connect(lambda _checked=False, key=section.key: window.show_section(key))
        view_menu.addAction(action)
        section_actions[section.key] = action

    help_menu = window.menuBar().addMenu(_("B&antuan"))
    guide = QAction(_("&Panduan bagian ini"), window)
    guide.setObjectName("guideHere")
    guide.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    guide.triggered.connect(lambda: window.show_guide(window.current_section()))
    help_menu.addAction(guide)
    guides = help_menu.addMenu(_("Panduan &lain"))
    for section in window.visible_sections():
        action = QAction(section.title, window)
        action.triggered.connect(lambda _checked=False, key=section.key: window.show_guide(key))
        guides.addAction(action)
    shortcuts = QAction(_("Pintasan &keyboard"), window)
    shortcuts.setObjectName("shortcuts")
    shortcuts.triggered.connect(window.show_shortcuts)
    help_menu.addAction(shortcuts)
    help_menu.addSeparator()
    about = QAction(_("&Tentang Kupang Desk"), window)
    about.triggered.connect(window.show_about)
    help_menu.addAction(about)
    return section_actions
