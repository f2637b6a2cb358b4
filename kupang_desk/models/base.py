"""The one database proxy every model is bound to, and the shared base model."""

from __future__ import annotations

import datetime as dt

import peewee as pw

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


def writing():
    """A write transaction: ``BEGIN IMMEDIATE`` on SQLite, so two PCs or threads that read
    and then write queue up for the lock instead of failing half-way; on PostgreSQL an
    ordinary transaction (row locks do the queueing)."""
    if isinstance(db.obj, pw.SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()
