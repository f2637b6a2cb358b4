"""The audit table refuses UPDATE and DELETE inside the database itself (a trigger on SQLite and
PostgreSQL), so history can only be changed by someone who first removes the guard, and
``audit.verify_chain`` reports a missing guard as tampering."""

from __future__ import annotations

import peewee as pw

TABLE = "audit_event"
TRIGGERS = ("audit_event_no_update", "audit_event_no_delete")
MESSAGE = "Jejak audit tidak boleh diubah atau dihapus."


def install(database: pw.Database) -> None:
    if isinstance(database, pw.PostgresqlDatabase):
        database.execute_sql(
            "CREATE OR REPLACE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$")
        for name, event in zip(TRIGGERS, ("UPDATE", "DELETE"), strict=True):
            database.execute_sql(f'DROP TRIGGER IF EXISTS {name} ON "{TABLE}"')
            database.execute_sql(f'CREATE TRIGGER {name} BEFORE {event} ON "{TABLE}" '
                                 "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()")
        # Roles other than the owner may add events but never change or empty the table. An office
        # that connects the program as a role of its own (not the owner) gets exactly INSERT and SELECT.
        database.execute_sql(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{TABLE}" FROM PUBLIC')
        return
    for name, event in zip(TRIGGERS, ("UPDATE", "DELETE"), strict=True):
        database.execute_sql(f'CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON "{TABLE}" '
                             f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def missing(database: pw.Database) -> list[str]:
    """The guard triggers that are not there (none when the table is guarded)."""
    if isinstance(database, pw.PostgresqlDatabase):
        rows = database.execute_sql(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled <> 'D'", (TABLE,)).fetchall()
    else:
        rows = database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                    (TABLE,)).fetchall()
    present = {row[0] for row in rows}
    return [name for name in TRIGGERS if name not in present]
