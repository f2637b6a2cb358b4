"""The index behind patient search by name: FTS5 trigram on SQLite, pg_trgm on PostgreSQL.

Both index ``patient.name_key`` (the spelling-folded name) so that a substring of a
folded query finds Yohanis for Yohanes in a few milliseconds on 200,000 patients.
SQLite keeps the FTS table in step with triggers; PostgreSQL with an ordinary index.
"""

from __future__ import annotations

import logging

import peewee as pw

log = logging.getLogger(__name__)

FTS_TABLE = "patient_fts"
PG_INDEX = "patient_name_key_trgm"
INSERT_TRIGGER = f"{FTS_TABLE}_insert"  # SQLite: a new patient into the index

_SQLITE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name_key, content='patient', content_rowid='id', tokenize='trigram')",
    f"""CREATE TRIGGER IF NOT EXISTS {INSERT_TRIGGER} AFTER INSERT ON patient BEGIN
        INSERT INTO {FTS_TABLE}(rowid, name_key) VALUES (new.id, new.name_key); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON patient BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name_key) VALUES ('delete', old.id, old.name_key); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF name_key ON patient BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name_key) VALUES ('delete', old.id, old.name_key);
        INSERT INTO {FTS_TABLE}(rowid, name_key) VALUES (new.id, new.name_key); END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)


def is_postgres(database: pw.Database) -> bool:
    return isinstance(database, pw.PostgresqlDatabase)


def install(database: pw.Database) -> None:
    """Creates the name index and fills it from the patients already there (idempotent)."""
    if not is_postgres(database):
        for statement in _SQLITE:
            database.execute_sql(statement)
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    # A savepoint keeps a refusal from spoiling the migration's transaction.
    try:
        with database.atomic():
            database.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except pw.DatabaseError as error:
        log.warning("pg_trgm unavailable, name search will scan the table: %s", error)
        return
    database.execute_sql(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON patient USING gin (name_key gin_trgm_ops)")


def add_loaded(database: pw.Database, since: int) -> None:
    """SQLite: the patients loaded from id ``since`` up put in the index at once, as the insert
    trigger would have one by one (see ``models.bulk.counted_after_load``)."""
    database.execute_sql(f"INSERT INTO {FTS_TABLE}(rowid, name_key) SELECT id, name_key FROM patient WHERE id >= ?", (since,))


def trigram_available(database: pw.Database) -> bool:
    """True when the name index exists (on PostgreSQL it needs the pg_trgm extension)."""
    if not is_postgres(database):
        return database.table_exists(FTS_TABLE)
    return bool(database.execute_sql("SELECT 1 FROM pg_indexes WHERE indexname = %s", (PG_INDEX,)).fetchone())
