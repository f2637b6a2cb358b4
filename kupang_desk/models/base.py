"""The one database proxy every model is bound to, and the shared base model."""

from __future__ import annotations

import datetime as dt
import json
import sys

import peewee as pw

from kupang_desk import clock
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _

db = pw.DatabaseProxy()


def now() -> dt.datetime:
    """Local wall-clock time, to the second: what a clerk reads on the office clock."""
    return clock.now().replace(microsecond=0)


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
RESTORE_STALE = dt.timedelta(minutes=15)  # a restore marker older than this was left by a restore that died


def current_generation() -> str:
    row = db.execute_sql(f"SELECT value FROM setting WHERE key = {db.obj.param}", (GENERATION,)).fetchone()
    return str(json.loads(row[0])) if row else ""


def remember_generation() -> None:
    """Notes which restore generation of the database this program opened (when it connects)."""
    try:
        db.obj.kupang_desk_generation = current_generation()
    except pw.DatabaseError:  # a database without its tables yet: nothing was restored into it
        db.obj.kupang_desk_generation = None


def _check_generation() -> None:
    """Inside a write transaction: refuses to write into a database a restore has replaced (or is
    replacing) since this program opened it, so that nothing is saved against records that
    changed under the clerk's eyes, and nothing is saved that the restore then wipes."""
    opened = getattr(db.obj, "kupang_desk_generation", None)
    if opened is None:
        return
    current = current_generation()
    if current.startswith(RESTORING):  # also for a program that opened the database during the restore
        started = current.rsplit(":", 1)[-1]
        if started.isdigit() and clock.timestamp() - int(started) < RESTORE_STALE.total_seconds():
            raise KnownError(_("Database sedang dipulihkan dari cadangan (di jendela atau PC lain), jadi isian ini belum "
                               "disimpan. Tunggu sampai selesai, tutup Kupang Desk lalu buka lagi, kemudian simpan lagi."))
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
