"""The log file never holds a NIK, a name being saved, or SQL parameters, even with --verbose."""

from __future__ import annotations

import logging

from kupang_desk.cli import main
from kupang_desk.logs import log_path, mask
from kupang_desk.models import database as database_module
from tests.helpers.factories import cli_account


def test_identifiers_are_masked_and_dates_are_not():
    line = mask("2026-12-02 03:40:01 ERROR x: NIK 5371041203870001 ditolak; DETAIL: Key (nik)=(5371041203870001) already exists.")
    assert "5371041203870001" not in line and "••••••01" in line and line.startswith("2026-12-02 03:40:01")
    assert "Key (nik)=(…)" in line


def test_verbose_command_line_logs_no_parameters(db_url, tmp_path, monkeypatch, capsys):
    database_module.connect(db_url)
    cli_account(monkeypatch)
    database_module.close()
    form = tmp_path / "pasien.csv"
    form.write_text("Tanggal Kunjungan;No RM;NIK;Nama;Jenis Kelamin;Tanggal Lahir;Diagnosa\n"
                    "05-10-2022;000777;5371041203870001;Yohanes Ndun;L;12-03-1987;J06.9\n", encoding="utf-8")
    assert main(["--database", db_url, "--verbose", "import", "register", str(form), "--quiet"]) == 0
    for handler in logging.getLogger().handlers:
        if getattr(handler, "kupang_desk", "") == "file":
            handler.flush()
    written = log_path().read_text(encoding="utf-8") + capsys.readouterr().err
    assert "INSERT" in written or "COPY" in written or "SELECT" in written  # the SQL is there...
    assert "5371041203870001" not in written and "Yohanes Ndun" not in written  # ...its parameters are not
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in [h for h in root.handlers if getattr(h, "kupang_desk", "") == "stderr"]:
        root.removeHandler(handler)  # its terminal was this test's captured one
