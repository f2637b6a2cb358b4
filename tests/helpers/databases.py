"""Fresh databases for tests: a SQLite file per test, a PostgreSQL database per session."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import peewee as pw

from kupang_desk.models import ALL_MODELS, db, guards
from kupang_desk.models import chain as chain_seal
from kupang_desk.models import database as database_module
from kupang_desk.models.seed import ensure_reference_data
from tests.helpers.actors import tamper

POSTGRES_ADMIN_URL = os.environ.get("KUPANG_DESK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
# Reference tables survive between tests; everything else is emptied.
KEPT_TABLES = {"region", "icd10", "schema_version"}


def sqlite_template(folder: Path) -> Path:
    """A migrated SQLite file with reference data, made once and copied for each test; its audit
    trail is emptied, for each copy to start with a keyed point under its own test's key."""
    path = folder / "template.sqlite"
    database_module.connect(f"sqlite:///{path}")
    _empty_trail()
    database_module.close()
    return path


def _empty_trail() -> None:
    with db.atomic():
        tamper("DELETE FROM audit_event")


def start_trail(database: pw.Database) -> None:
    """The keyed point a database gets when it is made, sealed with this test's installation key
    (each test has a key of its own)."""
    with database.atomic():
        chain_seal.write_point(database)


def fresh_sqlite(template: Path, folder: Path) -> str:
    path = folder / f"kd-{uuid.uuid4().hex[:8]}.sqlite"
    shutil.copyfile(template, path)
    copy = pw.SqliteDatabase(str(path))
    copy.connect()
    try:
        start_trail(copy)
    finally:
        copy.close()
    return f"sqlite:///{path}"


class PostgresServer:
    """A throw-away database on the test server, dropped at the end of the session."""

    def __init__(self) -> None:
        target = database_module.resolve_url(POSTGRES_ADMIN_URL)
        self.params = dict(target.params or {})
        self.name = f"kupang_desk_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.copies: list[str] = []
        admin = self._admin()
        admin.execute_sql(f'CREATE DATABASE "{self.name}"')
        admin.close()
        params = {k: v for k, v in self.params.items() if k != "database"}
        user = f"{params['user']}@" if params.get("user") else ""
        port = f":{params['port']}" if params.get("port") else ""
        self.url = f"postgresql://{user}{params.get('host', '127.0.0.1')}{port}/{self.name}"

    def _admin(self) -> pw.PostgresqlDatabase:
        params = dict(self.params)
        name = params.pop("database")
        admin = pw.PostgresqlDatabase(name, autoconnect=False, connect_timeout=3, **params)
        admin.connect()
        admin.connection().autocommit = True
        return admin

    def copy(self) -> str:
        """A separate database cloned from the session one, for tests that change the schema."""
        name = f"{self.name}_c{uuid.uuid4().hex[:6]}"
        admin = self._admin()
        admin.execute_sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
        admin.close()
        self.copies.append(name)
        return self.url.rsplit("/", 1)[0] + "/" + name

    def drop(self) -> None:
        admin = self._admin()
        for name in (*self.copies, self.name):
            admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def reset_postgres() -> None:
    """Empties every table but the reference ones and loads the default lists again, with the audit
    table's guard on as a made database has it (a test of a dropped guard leaves it off on the
    shared test database; the next test there must not start tampered).

    Only the tables that hold rows are emptied, by DELETE with the triggers off for this session,
    and only the sequences that were used are restarted: the same end as ``TRUNCATE ... RESTART
    IDENTITY`` of every table, which took half a second a test (PostgreSQL makes each table a new
    file); this takes a few milliseconds."""
    tables = [m._meta.table_name for m in ALL_MODELS if m._meta.table_name not in KEPT_TABLES]
    holding = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
    with db.atomic():
        db.execute_sql("SET LOCAL session_replication_role = replica")  # no triggers, no foreign keys
        for (table,) in db.execute_sql(holding).fetchall():
            db.execute_sql(f'DELETE FROM "{table}"')
        used = db.execute_sql("SELECT schemaname, sequencename FROM pg_sequences "
                              "WHERE last_value IS NOT NULL AND sequencename NOT LIKE ANY (%s)",
                              ([f"{t}_%" for t in KEPT_TABLES],)).fetchall()
        for schema, sequence in used:
            db.execute_sql(f'ALTER SEQUENCE "{schema}"."{sequence}" RESTART')
    guards.install(db.obj)
    ensure_reference_data()
    start_trail(db.obj)
