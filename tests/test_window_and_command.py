"""Issue 35 item 1: the window and a scheduled command on one SQLite file. The window keeps its
connection open and saves; `kupang-desk scholarship deadlines` runs twenty times beside it (one run
killed half-way). Every save the window was told about is there after both exit, and the window's
write-ahead log is never deleted or replaced under it (SQLite's "how to corrupt": unlinking a
database's journal while in use)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kupang_desk.models import database as database_module
from tests.helpers import children
from tests.helpers.factories import CLI_PASSWORD, CLI_USER, an_institution, cli_account

ROOT = Path(__file__).resolve().parents[1]

# The window: one connection held open for the whole run, a save every few milliseconds; after each
# acknowledged save it writes the number down and checks its -wal file is still the one it opened.
WINDOW = textwrap.dedent("""
    import os, sys, time, datetime as dt
    from pathlib import Path
    from kupang_desk.models import Student, database, writing
    url, saved, stop = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    target = database.connect(url, migrate=False, seed=False)
    wal = Path(str(target.path) + "-wal")
    number = 0
    with writing():
        Student.create(nisn="9000000000", name="Siswa Pertama", sex="L", birth_date=dt.date(2015, 1, 1))
    first = os.stat(wal).st_ino
    with saved.open("a", encoding="utf-8") as log:
        while not stop.exists():
            number += 1
            with writing():
                Student.create(nisn=f"9{number:09d}", name="Siswa Jendela", sex="P", birth_date=dt.date(2015, 1, 1))
            log.write(f"9{number:09d}\\n")
            log.flush()
            if not wal.exists() or os.stat(wal).st_ino != first:
                print("wal-replaced", number, flush=True)
                break
            # A few milliseconds between saves (still hundreds a second, far beyond a clerk): with none,
            # SQLite's busy handler, which sleeps and polls, could see the lock held at every poll for the
            # command's whole 10 s wait (writer starvation), a race no office produces.
            time.sleep(0.003)
    database.close(optimize=True)
    print("done", number, flush=True)
""")


@pytest.mark.serial
def test_a_command_beside_the_open_window_loses_no_save(sqlite_url, tmp_path, monkeypatch):
    target = database_module.connect(sqlite_url)
    an_institution("SD Inpres Oebobo 1", kind="sekolah", code="50300001")
    cli_account(monkeypatch)
    database_module.close()
    saved, stop = tmp_path / "disimpan.txt", tmp_path / "berhenti"
    environment = children.environment(KUPANG_DESK_USER=CLI_USER, KUPANG_DESK_PASSWORD=CLI_PASSWORD)
    window = subprocess.Popen([sys.executable, "-c", WINDOW, sqlite_url, str(saved), str(stop)], cwd=ROOT,
                              env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    command = [sys.executable, "-m", "kupang_desk", "--database", sqlite_url, "scholarship", "deadlines"]
    try:
        deadline = time.monotonic() + 30
        while not (saved.exists() and saved.stat().st_size) and time.monotonic() < deadline:
            time.sleep(0.05)
        for round_ in range(20):
            run = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
            if round_ == 10:  # the scheduled job killed half-way (Task Manager, a power button)
                time.sleep(0.6)
                run.send_signal(signal.SIGKILL)
                run.communicate(timeout=60)
                continue
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
    finally:
        stop.touch()
        out, err = window.communicate(timeout=60)
    assert window.returncode == 0, err
    assert "wal-replaced" not in out, out  # the window's journal stayed its own
    confirmed = set(saved.read_text(encoding="utf-8").split())
    found = children.column_values(target.path, "student", "nisn")
    print(f"{len(confirmed)} saves confirmed by the window, {len(confirmed - found)} missing after both exited")
    assert len(confirmed) > 20 and confirmed <= found
