"""A poli's PC sees the loket's new entry within a second: on PostgreSQL through NOTIFY (and still
after its connection was cut, as when the server restarts), on SQLite through data_version; the
loket is another process with its own connection, as on another PC."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from kupang_desk.models import database
from kupang_desk.models.database import resolve_url
from kupang_desk.queue.live import Watcher

LOKET = textwrap.dedent("""
    import datetime as dt, sys, time
    from kupang_desk.models import database, Poli, Patient
    database.connect(sys.argv[1], migrate=False, seed=False)
    from kupang_desk.accounts import session
    from kupang_desk.accounts.permissions import PERMISSIONS
    from kupang_desk.accounts.session import SystemActor
    from kupang_desk.queue import entries
    session.sign_in(SystemActor("pengujian", "Pengujian otomatis", frozenset(PERMISSIONS)))
    umum = Poli.get(Poli.name == "Umum").id
    for line in sys.stdin:  # one entry per line the test writes: the clerk's click
        patient = Patient.select().order_by(Patient.id).offset(int(line)).first()
        clicked = time.time()
        entries.add(patient.id, umum)
        print(clicked, time.time(), flush=True)  # the clerk's click, and the moment the commit returned
""")


@pytest.mark.serial
def test_the_poli_sees_the_lokets_entry_within_a_second_and_after_its_connection_was_cut(db_url):
    import datetime as dt

    from kupang_desk.models import Patient

    database.connect(db_url)
    with database.db.atomic():
        Patient.insert_many([{"no_rm": f"L{n:04d}", "name": "Pasien Antre", "name_key": "pasien antre", "sex": "L",
                              "birth_date": dt.date(1990, 1, 1)} for n in range(6)]).execute()
    target = resolve_url(db_url)
    seen: list[float] = []
    arrived = threading.Event()

    def changed() -> None:
        seen.append(time.time())
        arrived.set()

    watcher = Watcher(target, changed).start()
    loket = subprocess.Popen([sys.executable, "-c", LOKET, db_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.6)  # the listener is up
        delays = []
        for number in range(4):
            if number == 2 and target.kind == "postgresql":  # the server drops the listener's session
                database.db.execute_sql("SELECT pg_terminate_backend(%s)", (watcher.backend_pid,))
                deadline = time.time() + 15
                while watcher.reconnects == 0 and time.time() < deadline:
                    time.sleep(0.05)
                time.sleep(1.0)  # connected again
            arrived.clear()
            seen.clear()
            loket.stdin.write(f"{number}\n")
            loket.stdin.flush()
            committed = float(loket.stdout.readline().split()[1])
            assert arrived.wait(2.0), f"entry {number} not seen"
            delays.append(seen[-1] - committed)
        assert max(delays) < 1.0, delays
        if target.kind == "postgresql":
            assert watcher.reconnects >= 1
    finally:
        loket.stdin.close()
        loket.wait(timeout=20)
        watcher.stop()
        database.close()


def test_the_sqlite_watcher_opens_a_file_in_a_folder_with_spaces_and_a_hash(tmp_path):
    import sqlite3

    folder = tmp_path / "Data Puskesmas #1"
    folder.mkdir()
    path = folder / "kupang desk.sqlite"
    writer = sqlite3.connect(str(path))
    writer.execute("CREATE TABLE t (n INTEGER)")
    writer.commit()
    arrived = threading.Event()
    watcher = Watcher(resolve_url(f"sqlite:///{path}"), arrived.set).start()
    try:
        time.sleep(0.4)
        writer.execute("INSERT INTO t VALUES (1)")
        writer.commit()
        assert arrived.wait(2.0)
    finally:
        watcher.stop()
        writer.close()
