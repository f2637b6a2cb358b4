"""The poli's list follows the loket's PC within a second, without reading whole tables over and over.

- PostgreSQL: every queue write sends ``NOTIFY kupang_queue`` in its own transaction (delivered at
  commit, never for a write that rolled back); a listener thread holds one connection of its own
  with ``LISTEN`` and wakes on the socket. A lost connection (the server restarted, the cable)
  is opened again with a growing pause, and the screen is told to look once, since a change may
  have come while it was away.
- SQLite (one PC, several windows or the kiosk's command line): ``PRAGMA data_version`` on a
  connection of the watcher's own, every quarter second; it moves when another connection
  commits, and costs one page read.

``Watcher(target, on_change)`` calls ``on_change()`` from its thread; the window passes a Qt
signal's ``emit``. No Qt here.
"""

from __future__ import annotations

import contextlib
import logging
import select
import sqlite3
import threading
from collections.abc import Callable

import peewee as pw

from kupang_desk.models import db
from kupang_desk.models.database import DatabaseUrl

log = logging.getLogger(__name__)

CHANNEL = "kupang_queue"
SQLITE_INTERVAL = 0.25  # seconds between looks at data_version
RECONNECT_FIRST, RECONNECT_MOST = 0.5, 10.0


def notify(poli_id: int) -> None:
    """Inside the queue write's transaction: the other PCs' lists look again at commit."""
    if isinstance(db.obj, pw.PostgresqlDatabase):
        db.execute_sql("SELECT pg_notify(%s, %s)", (CHANNEL, str(poli_id)))


class Watcher:
    def __init__(self, target: DatabaseUrl, on_change: Callable[[], None]) -> None:
        self.target, self.on_change = target, on_change
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="queue-watcher", daemon=True)
        self.reconnects = 0
        self.backend_pid: int | None = None  # the listener's PostgreSQL session (tests end it on purpose)

    def start(self) -> Watcher:
        self.thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self.thread.join(timeout)

    def _run(self) -> None:
        try:
            (self._listen if self.target.kind == "postgresql" else self._poll)()
        except Exception:  # a defect: logged; the lists then refresh when the clerk acts
            log.exception("Queue watcher stopped")

    def _poll(self) -> None:
        assert self.target.path is not None
        # A URI from the path (file:///C:/... on Windows, spaces and # escaped), opened read-only.
        connection = sqlite3.connect(f"{self.target.path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            seen = connection.execute("PRAGMA data_version").fetchone()[0]
            while not self._stop.wait(SQLITE_INTERVAL):
                now = connection.execute("PRAGMA data_version").fetchone()[0]
                if now != seen:
                    seen = now
                    self.on_change()
        finally:
            connection.close()

    def _connect(self):
        import psycopg2  # PostgreSQL only (kupang_desk.driver): an office on SQLite never loads it

        params = dict(self.target.params or {})
        params["dbname"] = params.pop("database")
        params.setdefault("connect_timeout", 5)
        params["application_name"] = "kupang-desk-antrean"
        connection = psycopg2.connect(**params)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"LISTEN {CHANNEL}")
            cursor.execute("SELECT pg_backend_pid()")
            self.backend_pid = cursor.fetchone()[0]
        return connection

    def _listen(self) -> None:
        import psycopg2

        pause = RECONNECT_FIRST
        connection = None
        while not self._stop.is_set():
            try:
                if connection is None:
                    connection = self._connect()
                    if self.reconnects:
                        self.on_change()  # what came while the line was down
                    pause = RECONNECT_FIRST
                ready, _w, _x = select.select([connection], [], [], 0.5)
                if ready:
                    connection.poll()
                    if connection.notifies:
                        connection.notifies.clear()
                        self.on_change()
            except (psycopg2.Error, OSError, ValueError) as error:
                log.info("Queue listener lost its connection (%s); opening it again in %.1f s", error, pause)
                if connection is not None:
                    with contextlib.suppress(psycopg2.Error):
                        connection.close()
                connection = None
                self.reconnects += 1
                if self._stop.wait(pause):
                    break
                pause = min(pause * 2, RECONNECT_MOST)
        if connection is not None:
            connection.close()
