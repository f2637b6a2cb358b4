"""The one database proxy every model is bound to, and the shared base model."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import sys
from dataclasses import asdict, dataclass

import peewee as pw
import psutil

from kupang_desk import clock
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _

db = pw.DatabaseProxy()


def now() -> dt.datetime:
    """Local wall-clock time, to the second: what a clerk reads on the office clock."""
    return clock.now().replace(microsecond=0)


def day_of(value: object) -> dt.date:
    """The day of a date or time as a query gives it back: a date or datetime (PostgreSQL, or a
    field Peewee converts), or its ISO text (SQLite through an aggregate or raw SQL)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class BaseModel(pw.Model):
    class Meta:
        database = db
        legacy_table_names = False


class IdentifierField(pw.CharField):
    """An identifier (NIK, KK, BPJS, NISN, NIP, account number): always text, never a number.

    Leading zeros are part of the value, so the column is text on every database.
    """

    def db_value(self, value):
        if value is None:
            return None
        return str(value)


class writing:  # noqa: N801 - used like a function: ``with writing():``
    """A write transaction: ``BEGIN IMMEDIATE`` on SQLite, so two PCs or threads that read
    and then write queue up for the lock instead of failing half-way; on PostgreSQL an
    ordinary transaction (row locks do the queueing).

    A database that cannot be written (read-only, disk full, locked by another program)
    rolls back and raises ``KnownError`` with what to do: nothing already saved is lost,
    and the form the clerk was typing stays open with its content.
    """

    def __enter__(self):
        try:
            self._atomic = db.atomic("IMMEDIATE") if isinstance(db.obj, pw.SqliteDatabase) else db.atomic()
            entered = self._atomic.__enter__()
        except pw.OperationalError as error:
            raise storage_error(error) from error
        try:  # with the write lock held: no restore can come between this check and the commit
            _check_generation()
        except BaseException:
            self._atomic.__exit__(*sys.exc_info())
            raise
        return entered

    def __exit__(self, kind, error, traceback):
        try:
            handled = self._atomic.__exit__(kind, error, traceback)  # type: ignore[func-returns-value]  # True when it swallowed
        except pw.OperationalError as commit_error:  # the commit itself failed
            raise storage_error(commit_error) from commit_error
        if isinstance(error, pw.OperationalError | pw.InternalError):
            known = storage_error(error)
            if known is not error:
                raise known from error
        return handled


class reading:  # noqa: N801 - used like a function: ``with reading():``
    """One snapshot for several reads (a report counted by more than one query, then proved against
    its totals): ``BEGIN DEFERRED`` on SQLite (WAL readers keep the snapshot of their first read),
    ``REPEATABLE READ`` on PostgreSQL. Inside a transaction already open, that one is used."""

    def __enter__(self):
        if db.in_transaction():
            self._atomic = None
            return None
        sqlite = isinstance(db.obj, pw.SqliteDatabase)
        self._atomic = db.atomic("DEFERRED") if sqlite else db.atomic(isolation_level="REPEATABLE READ")
        try:
            return self._atomic.__enter__()
        except pw.OperationalError as error:
            raise storage_error(error) from error

    def __exit__(self, kind, error, traceback):
        if self._atomic is not None:
            return self._atomic.__exit__(kind, error, traceback)
        return None


GENERATION = "database.generation"  # the setting a restore changes: see ``remember_generation``
RESTORING = "pulih:"  # the generation's prefix while a restore runs
RESTORE_STALE = dt.timedelta(minutes=15)  # an old marker (no process in it) older than this was left by a dead restore
RESTORE_LOCK = 0x4B445250  # PostgreSQL advisory lock key ("KDRP") a restoring session holds to its end
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RestoreMarker:
    """What the database holds while a restore runs: whose restore it is (this PC's name, the
    process id and its start time; on PostgreSQL also the advisory lock its session holds), the
    generation before and after, and the safety copy. A marker whose process is gone is a restore
    that died before the content changed (SQLite's backup step and pg_restore are one transaction
    each), so it stops blocking at once and the database goes on as it was."""

    generation: str  # the restored database's, once done
    before: str  # the replaced database's
    at: int  # when the restore began (epoch seconds, the program's clock)
    host: str
    pid: int
    started: float  # the process's start time (epoch seconds, the OS clock)
    safety: str = ""  # the safety copy of the replaced database
    file: str = ""  # the backup being restored

    def text(self) -> str:
        return RESTORING + json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def parse(cls, text: str) -> RestoreMarker | None:
        """The marker in ``text``; None for a generation or the old kind of marker (``pulih:id:time``)."""
        if not text.startswith(RESTORING + "{"):
            return None
        try:
            return cls(**json.loads(text[len(RESTORING):]))
        except (ValueError, TypeError):
            return None


def this_process() -> tuple[str, int, float]:
    """(this PC's name, this process's id, its start time): what a restore marker names."""
    return socket.gethostname(), os.getpid(), psutil.Process().create_time()


def _restorer_alive(marker: RestoreMarker) -> bool | None:
    """Inside a transaction. Whether the restore of ``marker`` still runs: its session's advisory lock
    on PostgreSQL, its process on this PC; None when it cannot be told (a restore from another PC
    on a shared SQLite file)."""
    if isinstance(db.obj, pw.PostgresqlDatabase):
        return not db.execute_sql("SELECT pg_try_advisory_xact_lock_shared(%s)", (RESTORE_LOCK,)).fetchone()[0]
    if marker.host != socket.gethostname():
        return None
    try:
        return abs(psutil.Process(marker.pid).create_time() - marker.started) < 1.0
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return False


def current_generation() -> str:
    row = db.execute_sql(f"SELECT value FROM setting WHERE key = {db.obj.param}", (GENERATION,)).fetchone()
    return str(json.loads(row[0])) if row else ""


def remember_generation() -> None:
    """Notes which restore generation of the database this program opened (when it connects); a
    restore that died on the way is cleared first and kept for the window and the command line to
    tell (``interrupted_restore``)."""
    db.obj.kupang_desk_interrupted_restore = None
    try:
        current = current_generation()
    except pw.DatabaseError:  # a database without its tables yet: nothing was restored into it
        db.obj.kupang_desk_generation = None
        return
    marker = RestoreMarker.parse(current)
    if marker is not None:
        with db.atomic():
            if _restorer_alive(marker) is False and current_generation() == current:
                _clear(marker)
                current = marker.before
                db.obj.kupang_desk_interrupted_restore = marker
    db.obj.kupang_desk_generation = current


def interrupted_restore() -> RestoreMarker | None:
    """The restore that died before this program opened the database, if any (it was cleared)."""
    return getattr(db.obj, "kupang_desk_interrupted_restore", None)


def _clear(marker: RestoreMarker) -> None:
    """The generation goes back to the one before the dead restore (its content never changed)."""
    db.execute_sql(f"UPDATE setting SET value = {db.obj.param} WHERE key = {db.obj.param}",
                   (json.dumps(marker.before), GENERATION))
    log.warning("Pemulihan yang dimulai %s oleh PID %s di %s terhenti; penanda dihapus.", marker.at, marker.pid, marker.host)


def _check_generation() -> None:
    """Inside a write transaction: refuses to write into a database a restore has replaced (or is
    replacing) since this program opened it, so that nothing is saved against records that
    changed under the clerk's eyes, and nothing is saved that the restore then wipes."""
    opened = getattr(db.obj, "kupang_desk_generation", None)
    if opened is None:
        return
    current = current_generation()
    if current.startswith(RESTORING):  # also for a program that opened the database during the restore
        marker = RestoreMarker.parse(current)
        alive = _restorer_alive(marker) if marker is not None else None
        if alive is None:  # the old kind of marker, or another PC's restore of a shared file: by its age
            started = marker.at if marker is not None else current.rsplit(":", 1)[-1]
            alive = str(started).isdigit() and clock.timestamp() - int(started) < RESTORE_STALE.total_seconds()
        if alive:
            raise KnownError(_("Database sedang dipulihkan dari cadangan (di jendela atau PC lain), jadi isian ini belum "
                               "disimpan. Tunggu sampai selesai, tutup Kupang Desk lalu buka lagi, kemudian simpan lagi."))
        if marker is not None and opened in (marker.before, current):  # a dead restore: the content is the one opened
            _clear(marker)
            db.obj.kupang_desk_generation = marker.before
            return
    if current == opened:
        return
    raise KnownError(_("Database ini baru saja dipulihkan dari cadangan (di jendela atau PC lain), jadi isian ini "
                       "tidak disimpan: data yang tampil mungkin sudah berubah. Tutup Kupang Desk lalu buka lagi, "
                       "kemudian simpan lagi."))


def storage_error(error: Exception) -> Exception:
    """A database error the clerk can act on, as a ``KnownError``; others unchanged."""
    text = str(error).lower()
    kept = " " + _("Data yang sudah tersimpan aman dan isian Anda belum hilang; simpan lagi setelah diperbaiki.")
    if "readonly" in text or "read-only" in text:
        return KnownError(_("Database tidak dapat ditulisi (hanya-baca). Periksa apakah file atau flashdisk dikunci, "
                            "atau hak akses folder database.") + kept)
    if "disk is full" in text or "no space" in text or "could not extend file" in text:
        return KnownError(_("Disk penuh: database tidak dapat bertambah. Kosongkan ruang disk (hapus file yang tidak perlu).") + kept)
    if "database is locked" in text or "lock timeout" in text or "could not obtain lock" in text:
        return KnownError(_("Database sedang dipakai program lain dan terkunci. Tutup program lain yang membuka file database, "
                            "lalu coba lagi.") + kept)
    return error
