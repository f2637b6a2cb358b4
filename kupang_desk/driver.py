"""Peewee without the PostgreSQL driver until a PostgreSQL database is opened.

Peewee imports psycopg2 (and libpq, OpenSSL and Kerberos with it) when it is imported: 11 MB and
20–50 ms of every start, in an office that keeps its data in one SQLite file. The package imports
Peewee here first, with psycopg2 hidden, and gives PostgreSQL databases an adapter that imports
the driver when the first one is made. A process that had imported psycopg2 already (the tests)
loses nothing: the adapter uses the same module.
"""

from __future__ import annotations

import importlib
import sys

_DRIVERS = ("psycopg2", "psycopg", "psycopg2cffi")


def _import_without_driver(*modules: str) -> None:
    hidden = [name for name in _DRIVERS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # "import psycopg2" now raises ImportError
    try:
        for module in modules:
            importlib.import_module(module)
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


_import_without_driver("peewee", "playhouse.db_url")

import peewee as pw  # noqa: E402  (imported just above, without the driver)


class Psycopg2Adapter(pw.Psycopg2Adapter):
    """Peewee's psycopg2 adapter with the driver imported when the adapter is made: everything of
    psycopg2 that Peewee's own adapter reads from its module is read from the driver here."""

    def __init__(self) -> None:
        import psycopg2
        from psycopg2 import extensions, extras

        extras.register_uuid()  # as Peewee does when it finds the driver at import
        self.driver, self.extensions = psycopg2, extensions
        self.txn_idle = extensions.TRANSACTION_STATUS_IDLE
        self.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
        self.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN
        super().__init__()
        self.json_type = self.jsonb_type = extras.Json

    def check_driver(self) -> None:
        pass  # imported above, or the adapter would not exist

    def get_binary_type(self):
        return self.driver.Binary

    def connect(self, db, **params):
        if db.database.startswith("postgresql://"):
            params.setdefault("dsn", db.database)
        else:
            params.setdefault("dbname", db.database)
        conn = self.driver.connect(**params)
        if db._register_unicode:
            self.extensions.register_type(self.extensions.UNICODE, conn)
            self.extensions.register_type(self.extensions.UNICODEARRAY, conn)
        if db._encoding:
            conn.set_client_encoding(db._encoding)
        return conn


pw.PostgresqlDatabase.psycopg2_adapter = Psycopg2Adapter
