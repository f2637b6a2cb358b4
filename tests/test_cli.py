"""The command line: exit codes and messages a clerk or a script can act on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kupang_desk.cli import main
from kupang_desk.i18n import set_language
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


def _counts(url: str) -> tuple:
    from kupang_desk.models import AuditEvent, Student, User

    database_module.connect(url)
    counts = (Patient.select().count(), Visit.select().count(), Student.select().count(), User.select().count(),
              AuditEvent.select().count())
    database_module.close()
    return counts


def test_without_signing_in_no_command_touches_personal_data(tmp_path, capsys, monkeypatch):
    """A person at any PC with the database but no account: every command that reads or writes
    records is refused, and nothing is written (not even the failed attempt's absence of a name)."""
    url = f"sqlite:///{tmp_path}/kd.sqlite"
    assert main(["--database", url, "demo", "--patients", "20", "--visits", "40", "--students", "10", "--quiet"]) == 0
    (tmp_path / "out").mkdir()
    monkeypatch.delenv("KUPANG_DESK_USER", raising=False)
    monkeypatch.delenv("KUPANG_DESK_PASSWORD", raising=False)
    before = _counts(url)
    out = tmp_path / "out"
    for command in (["report", "register", "--month", "2026-10", "--xlsx", str(out / "r.xlsx")],
                    ["report", "lb1", "--month", "2026-10", "--pdf", str(out / "l.pdf")],
                    ["backup", "--to", str(out)], ["restore", str(out / "x.kdbackup"), "--yes"],
                    ["import", "register", str(out / "x.xlsx")], ["students", "import", str(out / "x.xlsx")],
                    ["students", "promote", "--yes"], ["scholarship", "deadlines"], ["scholarship", "recap", "--year", "2026"],
                    ["audit", "verify"], ["audit", "key", "--export", str(out / "k.key")]):
        capsys.readouterr()
        assert main(["--database", url, *command]) == 2, command
        assert "Masuk dulu" in capsys.readouterr().err, command
    assert _counts(url) == before and not list(out.iterdir())
    # info tells what the database is without any record in it
    assert main(["--database", url, "info"]) == 0


def test_the_school_account_cannot_export_the_visit_register(tmp_path, capsys, monkeypatch):
    from tests.helpers.factories import cli_account

    url = f"sqlite:///{tmp_path}/kd.sqlite"
    assert main(["--database", url, "demo", "--patients", "20", "--visits", "40", "--students", "10", "--quiet"]) == 0
    database_module.connect(url)
    cli_account(monkeypatch, role="operator_sekolah", username="tu-sekolah")
    database_module.close()
    capsys.readouterr()
    assert main(["--database", url, "report", "register", "--month", "2026-10", "--xlsx", str(tmp_path / "r.xlsx")]) == 2
    assert "tidak berhak" in capsys.readouterr().err and not (tmp_path / "r.xlsx").exists()
    assert main(["--database", url, "backup", "--to", str(tmp_path)]) == 2  # a full backup is the administrator's
    assert main(["--database", url, "scholarship", "deadlines"]) == 0  # its own work still runs
    database_module.connect(url)
    from kupang_desk.models import AuditEvent

    listed = AuditEvent.select().where(AuditEvent.action == "view").order_by(AuditEvent.id.desc()).first()
    database_module.close()
    assert listed.user_name == "tu-sekolah" and '"deadlines"' in listed.details  # printed names are an event too


def test_wrong_passwords_lock_the_account_for_the_command_line_and_the_window(tmp_path, capsys, monkeypatch):
    from kupang_desk.accounts import users
    from kupang_desk.accounts.users import SignInFailed

    url = f"sqlite:///{tmp_path}/kd.sqlite"
    assert main(["--database", url, "demo", "--patients", "5", "--visits", "5", "--quiet"]) == 0
    monkeypatch.setenv("KUPANG_DESK_USER", "admin")
    monkeypatch.setenv("KUPANG_DESK_PASSWORD", "tebakan-salah")
    for _attempt in range(5):
        assert main(["--database", url, "audit", "verify"]) == 2
    assert "dikunci sampai" in capsys.readouterr().err
    monkeypatch.setenv("KUPANG_DESK_PASSWORD", "kupang-demo")  # the right one, too late
    assert main(["--database", url, "audit", "verify"]) == 2
    database_module.connect(url)
    try:
        import pytest

        with pytest.raises(SignInFailed, match="dikunci sampai"):  # the sign-in window uses this very check
            users.authenticate("admin", "kupang-demo")
    finally:
        database_module.close()


def test_setup_starts_a_database_from_the_command_line_then_import_and_report(tmp_path, capsys, monkeypatch):
    from tests.visits.test_register_import import ROWS, register_file

    url = f"sqlite:///{tmp_path}/baru.sqlite"
    monkeypatch.setenv("KUPANG_DESK_PASSWORD", "rahasia-kantor-1")
    assert main(["--database", url, "report", "lb1", "--month", "2022-03", "--pdf", str(tmp_path / "x.pdf")]) == 2
    assert "belum punya akun" in capsys.readouterr().err
    assert main(["--database", url, "setup", "--type", "puskesmas", "--name", "UPTD Puskesmas Oebobo",
                 "--admin", "kepala"]) == 0
    assert main(["--database", url, "setup", "--type", "puskesmas", "--name", "Lain", "--admin", "lain"]) == 2
    monkeypatch.setenv("KUPANG_DESK_USER", "kepala")
    path = register_file(tmp_path / "register.xlsx", ROWS)
    main(["--database", url, "import", "register", str(path), "--add-unknown", "--quiet"])
    capsys.readouterr()
    assert main(["--database", url, "info"]) == 0
    assert "UPTD Puskesmas Oebobo" in capsys.readouterr().out
    database_module.connect(url)
    from kupang_desk.models import AuditEvent

    names = {e.user_name for e in AuditEvent.select()}
    database_module.close()
    assert "kepala" in names and "" not in names  # the trail names the account, the OS user is context only


def test_a_report_s_mark_checks_against_the_trail_and_catches_truncation(tmp_path, capsys, monkeypatch):
    from tests.helpers.actors import tamper

    url = f"sqlite:///{tmp_path}/kd.sqlite"
    assert main(["--database", url, "demo", "--patients", "20", "--visits", "60", "--quiet"]) == 0
    monkeypatch.setenv("KUPANG_DESK_USER", "admin")
    monkeypatch.setenv("KUPANG_DESK_PASSWORD", "kupang-demo")
    pdf, xlsx = tmp_path / "lb1.pdf", tmp_path / "lb1.xlsx"
    assert main(["--database", url, "report", "lb1", "--month", "2026-10", "--pdf", str(pdf), "--xlsx", str(xlsx),
                 "--quiet"]) in (0, 3)
    for written in (pdf, xlsx):
        capsys.readouterr()
        assert main(["--database", url, "audit", "verify", "--anchor", str(written)]) == 0, written
        assert "cocok" in capsys.readouterr().out
    database_module.connect(url)
    from kupang_desk import audit

    marked = audit.anchor_in_file(pdf)
    tamper(("DELETE FROM audit_event WHERE id >= %s", marked.event))
    database_module.close()
    capsys.readouterr()
    assert main(["--database", url, "audit", "verify", "--anchor", str(pdf)]) == 4
    assert "RUSAK" in capsys.readouterr().out


def test_argparse_speaks_indonesian_and_english_on_asking(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("penggunaan: kupang-desk") and "tampilkan bantuan ini lalu keluar" in out
    assert "usage:" not in out and "show this help" not in out and "options:" not in out
    with pytest.raises(SystemExit) as raised:
        main(["report", "xyz", "--month", "2026-11"])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert "galat: argumen kind: pilihan 'xyz' tidak dikenal (pilih salah satu: 'lb1'" in err
    with pytest.raises(SystemExit):
        main(["demo", "--patients", "banyak"])
    assert "argumen --patients: nilai 'banyak' tidak sah" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--lang", "en", "--help"])
    assert capsys.readouterr().out.startswith("usage: kupang-desk")
    set_language("id")


def test_a_wrong_option_without_a_command_is_said_once(capsys):
    from kupang_desk.cli import main

    with pytest.raises(SystemExit):
        main(["--lang", "xx"])
    err = capsys.readouterr().err
    assert err.count("pilihan 'xx' tidak dikenal") == 1 and "PERINTAH" in err  # the whole parser's usage
