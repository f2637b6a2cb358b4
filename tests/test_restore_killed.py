"""Issue 35 item 3: a restore killed half-way blocks saves only while its process lives. Once it is
gone the window saves again at once (not after 15 minutes), the database is the one it was, and the
next start says what happened, names the safety copy and offers the same backup again."""

from __future__ import annotations

import datetime as dt
import json
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kupang_desk import clock
from kupang_desk.backup import copies as backup
from kupang_desk.errors import KnownError
from kupang_desk.models import Patient, writing
from kupang_desk.models import database as database_module
from kupang_desk.models.base import RESTORING, RestoreMarker, current_generation
from tests.helpers import children
from tests.helpers.factories import an_institution

ROOT = Path(__file__).resolve().parents[1]

# The restoring window: it stops for good right after the database is marked "being restored" (on
# both engines before its safety copy is written), and the test kills it there.
RESTORER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from kupang_desk import clock
    from kupang_desk.backup import copies as backup
    from kupang_desk.accounts import session
    from kupang_desk.models import database
    from kupang_desk.tasks import Task
    from tests.helpers.actors import TEST_ACTOR
    target = database.resolve_url(sys.argv[1])
    class Stuck(Task):
        def step(self, done, total, text=""):
            if text.startswith("Menyimpan salinan pengaman"):  # the database is marked "being restored" by now
                print("marked", flush=True)
                time.sleep(600)
            super().step(done, total, text)
    with session.acting_as(TEST_ACTOR):
        backup.restore_backup(Path(sys.argv[2]), target, task=Stuck())
""")


def save(name: str) -> None:
    with writing():
        Patient.create(no_rm=name, name="Pasien Setelah Pulih", sex="P", birth_date=dt.date(1990, 1, 1))


@pytest.mark.serial
def test_a_killed_restore_stops_blocking_at_once_and_the_next_start_says_so(schema_db_url, tmp_path):
    target = database_module.connect(schema_db_url)
    an_institution()
    save("SEBELUM")
    made = backup.make_backup(tmp_path)
    save("SETELAH-CADANGAN")  # in the database, not in the backup
    before = current_generation()
    environment = children.environment()
    restorer = subprocess.Popen([sys.executable, "-c", RESTORER, schema_db_url, str(made)], cwd=ROOT, env=environment,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert restorer.stdout is not None and restorer.stdout.readline().strip() == "marked", restorer.stderr.read()
        if target.kind == "postgresql":  # the restore ends the window's session: the clerk opens Kupang Desk again
            database_module.close()
            database_module.connect(schema_db_url, migrate=False, seed=False)
        assert current_generation().startswith(RESTORING)
        with pytest.raises(KnownError, match="sedang dipulihkan"):  # alive: the window waits for it
            save("SELAMA-PULIH")
        restorer.send_signal(signal.SIGKILL)  # the power cut, or Task Manager
        restorer.wait(timeout=30)
    finally:
        if restorer.poll() is None:
            restorer.kill()

    deadline = time.monotonic() + 10  # PostgreSQL ends the dead session's lock as soon as it sees the socket closed
    while True:
        try:
            save("SETELAH-MATI")  # at once, not after 15 minutes
            break
        except KnownError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    assert current_generation() == before
    assert {p.no_rm for p in Patient.select()} >= {"SEBELUM", "SETELAH-CADANGAN", "SETELAH-MATI"}  # the old content
    database_module.close()


def plant_dead_restore(url: str, made: Path, safety: Path) -> str:
    """The database as a restore that died after marking it leaves it (its process gone); returns
    the generation before. The database is closed after."""
    import psutil

    database_module.connect(url)
    before = current_generation()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    marker = RestoreMarker(generation="baru", before=before, at=int(clock.timestamp()), host=socket.gethostname(),
                           pid=gone.pid, started=psutil.Process().create_time() - 5, safety=str(safety), file=str(made))
    safety.write_bytes(b"")
    with writing():
        from kupang_desk.models import db

        db.execute_sql("INSERT OR REPLACE INTO setting (key, value, updated_at) VALUES ('database.generation', ?, ?)",
                       (json.dumps(marker.text()), "2026-11-27 09:00:00"))
    database_module.close()
    return before


def test_the_next_start_after_a_dead_restore_tells_and_offers_the_backup_again(sqlite_database, tmp_path):
    an_institution()
    made = backup.make_backup(tmp_path)
    database_module.close()
    before = plant_dead_restore(sqlite_database.url, made, tmp_path / "pengaman.sqlite")

    database_module.connect(sqlite_database.url)  # the next start
    note = backup.interrupted_restore_note()
    assert note is not None
    text, source = note
    assert "terhenti sebelum selesai" in text and str(tmp_path / "pengaman.sqlite") in text
    assert source == made
    assert current_generation() == before
    save("BISA-SIMPAN")
    database_module.close()
    database_module.connect(sqlite_database.url)
    assert backup.interrupted_restore_note() is None  # told once
