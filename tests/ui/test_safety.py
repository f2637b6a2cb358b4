"""The start-up check, the daily and closing backups, and the way back from a damaged database."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from kupang_desk.backup import copies as backup
from kupang_desk.backup import encryption
from kupang_desk.models import Patient, Setting
from kupang_desk.ui.main_window import MainWindow
from tests.helpers.factories import an_institution, new_patient


def _window(qtbot, target, **kwargs) -> MainWindow:
    window = MainWindow(target, **kwargs)
    qtbot.addWidget(window)
    window.show()
    return window


def test_daily_backup_and_its_age_in_the_status_bar(qtbot, sqlite_database, tmp_path):
    Setting.set_value("backup.folder", str(tmp_path))
    window = _window(qtbot, sqlite_database)
    window.backups.show_age()
    assert window.backups.label.text() == "Belum ada cadangan"
    assert "b00020" in window.backups.label.styleSheet()  # shown as a warning
    window.backups.automatic = True
    with qtbot.waitSignal(window.backups.check_and_back_up().finished, timeout=20000):
        pass
    assert len(backup.backups_in(backup.backup_folder())) == 1
    assert window.backups.label.text() == "Cadangan terakhir: baru saja"  # not "0 jam lalu"
    assert window.backups.label.styleSheet() == ""
    with qtbot.waitSignal(window.backups.check_and_back_up().finished, timeout=20000):
        pass
    assert len(backup.backups_in(backup.backup_folder())) == 1  # once a day, not at every start
    window.backups.automatic = False  # the closing backup has a test of its own


def test_closing_makes_a_backup_first(qtbot, sqlite_database, tmp_path):
    Setting.set_value("backup.folder", str(tmp_path))
    window = _window(qtbot, sqlite_database, automatic_backups=True)
    window.close()
    assert window.isVisible()  # waits for the backup
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert len(backup.backups_in(backup.backup_folder())) == 1


def test_closing_again_with_nothing_written_skips_the_backup_and_any_write_brings_it_back(qtbot, sqlite_database,
                                                                                          tmp_path):
    import sqlite3

    Setting.set_value("backup.folder", str(tmp_path))

    def close_once() -> tuple:
        """The window opened and closed; the newest backup after it (a new one: a new name or time)."""
        window = _window(qtbot, sqlite_database, automatic_backups=True)
        window.close()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
        newest = max(backup.backups_in(backup.backup_folder()), key=lambda p: p.stat().st_mtime_ns)
        return newest.name, newest.stat().st_mtime_ns

    first = close_once()
    assert close_once() == first  # opened, looked at, closed: nothing to back up, no wait
    new_patient()
    second = close_once()
    assert second != first
    assert close_once() == second
    other = sqlite3.connect(str(sqlite_database.path))  # a write by another program (the command line)
    assert other.execute("UPDATE patient SET phone = '081299990000'").rowcount == 1
    other.commit()
    other.close()
    third = close_once()
    assert third != second
    for made in backup.backups_in(backup.backup_folder()):  # the backups were taken away: the next closing makes one
        made.unlink()
    assert close_once() != third and len(backup.backups_in(backup.backup_folder())) == 1


def test_a_clerk_without_backup_rights_still_gets_the_closing_backup(qtbot, sqlite_database, tmp_path):
    """The poli clerk may not make a backup by hand; the program's own closing backup runs as the
    system backup actor and is named so in the trail."""
    from kupang_desk.accounts import session, users
    from kupang_desk.models import AuditEvent

    Setting.set_value("backup.folder", str(tmp_path))
    encryption.set_passphrase("pantai lasiana biru")  # as the administrator did at setup
    clerk = users.create_user("poli1", "dr. Yohanes Nope", "poli", "rahasia-123", must_change=False)
    with session.acting_as(clerk):
        window = _window(qtbot, sqlite_database, automatic_backups=True)
        window.close()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert len(backup.backups_in(backup.backup_folder())) == 1
    made = AuditEvent.get(AuditEvent.action == "backup")
    assert made.user_name == "sistem:cadangan" and made.user_id is None


def test_a_damaged_database_offers_the_last_backup(qtbot, sqlite_database, tmp_path, monkeypatch):
    Setting.set_value("backup.folder", str(tmp_path))
    an_institution()
    new_patient()
    backup.make_backup(backup.backup_folder())  # this database's own folder inside the one set
    window = _window(qtbot, sqlite_database)
    monkeypatch.setattr(backup, "quick_check", lambda: False)
    with qtbot.waitSignal(window.backups.check_and_back_up().finished, timeout=20000):
        pass
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert "kerusakan" in box.text() and ".kdbackup" in box.text()
    restore = next(b for b in box.buttons() if b.text() == "Pulihkan cadangan terakhir")
    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)
    restore.click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    from kupang_desk.models import database

    database.connect(f"sqlite:///{sqlite_database.path}")
    assert [p.name for p in Patient.select()] == ["Yohanes Ndun"]


def test_a_programming_error_is_logged_with_its_traceback_and_told_calmly(qtbot, caplog):
    from kupang_desk.ui.operations import report_uncaught

    try:
        {}["missing"]
    except KeyError as error:
        with caplog.at_level("ERROR"):
            box = report_uncaught(type(error), error, error.__traceback__)
    logged = [r for r in caplog.records if r.exc_info]
    assert len(logged) == 1 and logged[0].exc_info[0] is KeyError  # once, with its traceback
    assert "Traceback" in caplog.text and "missing" in caplog.text
    assert "Terjadi kesalahan program" in box.text() and "aman" in box.text() and "kupang-desk.log" in box.text()
    assert "missing" not in box.text()  # the technical text goes to the log, not the screen
    box.close()
