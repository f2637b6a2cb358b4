"""The one database proxy every model is bound to, and the shared base model."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from kupang_desk.errors import KnownError
from kupang_desk.i18n import _

db = pw.DatabaseProxy()


def now() -> dt.datetime:
    """Local wall-clock time, to the second: what a clerk reads on the office clock."""
    return dt.datetime.now().replace(microsecond=0)


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
            return self._atomic.__enter__()
        except pw.OperationalError as error:
            raise storage_error(error) from error

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
