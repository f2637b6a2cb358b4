"""Pengaturan > Cadangan: the administrator sets the backup passphrase, introduces it to another PC,
and saves the recovery sheet, all from the screen."""

from __future__ import annotations

import shutil

from pypdf import PdfReader

from kupang_desk.backup import encryption
from kupang_desk.ui.settings import backup as backup_tab
from tests.helpers.factories import an_institution


def test_set_introduce_and_print_the_passphrase(qtbot, sqlite_database, tmp_path, monkeypatch):
    an_institution()
    monkeypatch.delenv(encryption.ENV_PASSPHRASE)
    opened = []
    monkeypatch.setattr(backup_tab, "open_document", opened.append)
    tab = backup_tab.BackupSessionTab()
    qtbot.addWidget(tab)
    assert "Belum diatur" in tab.passphrase_state.text()
    qtbot.keyClicks(tab.passphrase, "pantai lasiana biru")
    qtbot.keyClicks(tab.passphrase_repeat, "pantai lasiana")
    assert not tab.set_passphrase() and "berbeda" in tab.passphrase_message.text()
    qtbot.keyClicks(tab.passphrase_repeat, " biru")
    assert tab.set_passphrase() and "Sudah diatur; PC ini" in tab.passphrase_state.text()
    shutil.rmtree(encryption._key_file().parent)  # as seen from the office's second PC
    tab._show_passphrase_state()
    assert "belum mengetahuinya" in tab.passphrase_state.text()
    tab.passphrase.setText("salah sekali")
    assert not tab.unlock() and "salah" in tab.passphrase_message.text()
    tab.passphrase.setText("pantai lasiana biru")
    assert tab.unlock() and encryption.key_available()
    sheet = tmp_path / "lembar.pdf"
    assert tab.save_recovery_sheet(str(sheet)) and opened == [sheet]
    text = PdfReader(str(sheet)).pages[0].extract_text()
    assert "pantai lasiana biru" in text and "UPTD Puskesmas Oebobo" in text and "brankas" in text
