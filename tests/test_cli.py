"""The command line: exit codes and messages a clerk or a script can act on."""

from __future__ import annotations

import subprocess
import sys

from kupang_desk.cli import main
from kupang_desk.models import Patient, Visit
from kupang_desk.models import database as database_module
from kupang_desk.models.migrations import SCHEMA_VERSION


def test_demo_fills_an_empty_database_then_refuses(tmp_path, capsys):
    url = f"sqlite:///{tmp_path}/cli.sqlite"
    assert main(["--database", url, "demo", "--patients", "40", "--visits", "200", "--quiet"]) == 0
    assert "40 pasien, 200 kunjungan" in capsys.readouterr().out
    assert main(["--database", url, "demo", "--patients", "40", "--visits", "200", "--quiet"]) == 2
    assert "sudah berisi data" in capsys.readouterr().err
    # --if-empty makes a second run harmless: what the README's run command relies on.
    assert main(["--database", url, "demo", "--if-empty", "--quiet"]) == 0
    assert "data contoh tidak dimuat" in capsys.readouterr().out
    database_module.connect(url)
    assert (Patient.select().count(), Visit.select().count()) == (40, 200)
    database_module.close()


def test_database_from_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KUPANG_DESK_DATABASE", f"sqlite:///{tmp_path}/env.sqlite")
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert f"SQLite: {tmp_path}/env.sqlite" in out
    assert f"Versi skema  : {SCHEMA_VERSION}" in out
    database_module.close()


def test_bad_database_gives_message_and_exit_2(capsys):
    assert main(["--database", "mysql://x/y", "info"]) == 2
    assert "tidak dikenal" in capsys.readouterr().err


def test_negative_counts_are_refused(tmp_path, capsys):
    assert main(["--database", f"sqlite:///{tmp_path}/n.sqlite", "demo", "--patients", "-5", "--quiet"]) == 2
    assert "tidak boleh negatif" in capsys.readouterr().err
    database_module.close()


def test_installed_entry_point_and_english(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kupang_desk", "--lang", "en", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "fill an empty database with Kota Kupang demo data" in result.stdout


def test_app_starts_and_reports_its_start_up_time(tmp_path):
    url = f"sqlite:///{tmp_path}/start.sqlite"
    assert main(["--database", url, "demo", "--patients", "10", "--visits", "10", "--quiet"]) == 0
    database_module.close()
    result = subprocess.run([sys.executable, "-m", "kupang_desk", "--database", url, "--exit-after-start"],
                            capture_output=True, text=True, timeout=60, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("startup_seconds=") and "peak_mb=" in result.stdout


def test_progress_goes_to_a_terminal_only():
    import io

    from kupang_desk.tasks import ConsoleTask

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    redirected, terminal = io.StringIO(), Terminal()
    for stream in (redirected, terminal):
        task = ConsoleTask(stream)
        for done in range(0, 101, 10):
            task.step(done, 100, "Memeriksa baris")
    assert redirected.getvalue() == ""  # a log file gets the summary lines alone, no \r frames
    assert "\r" in terminal.getvalue() and "100%" in terminal.getvalue()
