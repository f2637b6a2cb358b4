"""Who the tests act as. Access fails closed, so a test acts as this all-permitted actor unless it
signs somebody in (or out) itself; the UI tests sign real accounts in."""

from __future__ import annotations

import peewee as pw

from kupang_desk.accounts.permissions import PERMISSIONS
from kupang_desk.accounts.session import SystemActor
from kupang_desk.models import db, guards

TEST_ACTOR = SystemActor("pengujian", "Pengujian otomatis", frozenset(PERMISSIONS))


def open_the_audit_table() -> None:
    """What an attacker with the database does first: takes the guard off the audit table."""
    postgres = isinstance(db.obj, pw.PostgresqlDatabase)
    for name in guards.TRIGGERS:
        db.execute_sql(f"DROP TRIGGER IF EXISTS {name}" + (" ON audit_event" if postgres else ""))


def tamper(*statements: str | tuple) -> None:
    """Takes the guard off, runs the statements (SQL text, or (SQL, *parameters) with %s), and
    puts the guard back so that the table looks untouched."""
    open_the_audit_table()
    for statement in statements:
        sql, *params = (statement,) if isinstance(statement, str) else statement
        db.execute_sql(sql.replace("%s", db.obj.param), params)
    guards.install(db.obj)
