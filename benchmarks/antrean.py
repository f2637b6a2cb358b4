"""The loket-to-poli latency: from the loket process's click (just before it writes and commits the
new queue entry) to the poli's watcher calling back, over 200 entries at random moments, on PostgreSQL (NOTIFY) and SQLite (data_version), beside
the raw mechanism alone (a bare NOTIFY between two psycopg2 connections; a bare data_version poll
at the same interval); and the CPU an idle watcher costs.

    python benchmarks/antrean.py [--postgres URL] [--events N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import select
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.queue.test_live import LOKET  # noqa: E402  # the loket process the test uses


def _patients(count: int) -> None:
    from kupang_desk.models import Patient, db

    with db.atomic():
        Patient.insert_many([{"no_rm": f"B{n:05d}", "name": "Pasien Antre", "name_key": "pasien antre", "sex": "L",
                              "birth_date": dt.date(1990, 1, 1)} for n in range(count)]).execute()


def app_latency(url: str, events: int) -> list[float]:
    from kupang_desk.models import database
    from kupang_desk.models.database import resolve_url
    from kupang_desk.queue.live import Watcher

    database.connect(url)
    _patients(events)
    seen: list[float] = []
    arrived = threading.Event()
    watcher = Watcher(resolve_url(url), lambda: (seen.append(time.time()), arrived.set())).start()
    loket = subprocess.Popen([sys.executable, "-c", LOKET, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    time.sleep(0.6)
    delays = []
    rng = random.Random(19)
    for number in range(events):
        time.sleep(rng.uniform(0, 0.3))  # the loket's clicks fall anywhere in the poli's polling interval
        arrived.clear()
        loket.stdin.write(f"{number}\n")
        loket.stdin.flush()
        clicked = float(loket.stdout.readline().split()[0])
        arrived.wait(5)
        delays.append((seen[-1] - clicked) * 1000)
    loket.stdin.close()
    loket.wait()
    watcher.stop()
    database.close()
    return delays


def raw_postgres(url: str, events: int) -> list[float]:
    import psycopg2

    listener, sender = psycopg2.connect(url), psycopg2.connect(url)
    listener.autocommit = sender.autocommit = True
    listener.cursor().execute("LISTEN bench")
    delays = []
    for _n in range(events):
        started = time.time()
        sender.cursor().execute("NOTIFY bench")
        while True:
            select.select([listener], [], [], 5)
            listener.poll()
            if listener.notifies:
                listener.notifies.clear()
                break
        delays.append((time.time() - started) * 1000)
    return delays


def raw_sqlite(path: Path, events: int, interval: float) -> list[float]:
    """A bare reader polling data_version at the same interval, a bare writer at random moments."""
    writer = sqlite3.connect(str(path))
    writer.execute("CREATE TABLE IF NOT EXISTS bench (n INTEGER)")
    writer.commit()
    detected: list[float] = []
    changed = threading.Event()
    done = threading.Event()

    def poll() -> None:
        reader = sqlite3.connect(str(path))
        seen = reader.execute("PRAGMA data_version").fetchone()[0]
        while not done.wait(interval):
            now = reader.execute("PRAGMA data_version").fetchone()[0]
            if now != seen:
                seen = now
                detected.append(time.time())
                changed.set()

    threading.Thread(target=poll, daemon=True).start()
    rng = random.Random(19)
    delays = []
    for n in range(events):
        time.sleep(rng.uniform(0, 0.3))
        changed.clear()
        started = time.time()
        writer.execute("INSERT INTO bench VALUES (?)", (n,))
        writer.commit()
        changed.wait(5)
        delays.append((detected[-1] - started) * 1000)
    done.set()
    return delays


def idle_cpu(url: str, seconds: float = 10.0) -> float:
    from kupang_desk.models import database
    from kupang_desk.models.database import resolve_url
    from kupang_desk.queue.live import Watcher

    database.connect(url)
    watcher = Watcher(resolve_url(url), lambda: None).start()
    time.sleep(0.5)
    started = time.process_time()
    time.sleep(seconds)
    used = time.process_time() - started
    watcher.stop()
    database.close()
    return used / seconds * 100


def line(name: str, app: list[float], raw: list[float], note: str) -> None:
    p95 = lambda values: statistics.quantiles(values, n=20)[18]  # noqa: E731
    print(f"{name:<44} {statistics.median(app):>8.1f} {p95(app):>8.1f} {statistics.median(raw):>8.1f} {p95(raw):>8.1f}  {note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default=os.environ.get("KUPANG_DESK_TEST_POSTGRES", ""))
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    from kupang_desk.queue.live import SQLITE_INTERVAL

    print(f"{'loket click -> poli refresh, ms':<44} {'median':>8} {'p95':>8} {'raw med':>8} {'raw p95':>8}")
    folder = Path(tempfile.mkdtemp(prefix="kd-queue-"))
    sqlite_url = f"sqlite:///{folder / 'antrean.sqlite'}"
    line("SQLite (data_version every 250 ms)", app_latency(sqlite_url, args.events),
         raw_sqlite(folder / "raw.sqlite", args.events, SQLITE_INTERVAL), "target < 1000 ms; raw = bare data_version poll")
    print(f"{'  idle watcher CPU, % of one core':<44} {idle_cpu(sqlite_url):>8.2f}")
    if args.postgres:
        from tests.helpers.databases import PostgresServer

        server = PostgresServer()
        try:
            line("PostgreSQL (LISTEN/NOTIFY)", app_latency(server.url, args.events), raw_postgres(server.url, args.events),
                 "target < 1000 ms; raw = bare NOTIFY between two connections")
            print(f"{'  idle listener CPU, % of one core':<44} {idle_cpu(server.url):>8.2f}")
        finally:
            server.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
