"""The record of processing: who did what to which record, and when, chained by hash.

Each event's hash covers its own fields and the previous event's hash, so an event
edited or deleted in the database afterwards breaks the chain at that point, and
``verify_chain`` (``kupang-desk audit verify``) names the first broken link.
"""

from __future__ import annotations

import datetime as dt
import decimal
import getpass
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import peewee as pw

from kupang_desk.models import AuditEvent, User, db, now

GENESIS = "0" * 64
# One writer at a time appends to the chain (PostgreSQL; SQLite's write lock does this already).
CHAIN_LOCK = 7_105_371


def _default(value: Any) -> str:
    if isinstance(value, dt.date | dt.datetime | decimal.Decimal):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (a service, a container)
        return ""


def event_hash(prev_hash: str, at: dt.datetime, user_id: int | None, os_name: str, action: str, table: str,
               record_id: str, details: str) -> str:
    """SHA-256 over the previous hash and the event's fields, in a fixed text form."""
    text = "\x1f".join([prev_hash, at.strftime("%Y-%m-%d %H:%M:%S"), str(user_id or ""), os_name, action, table,
                        record_id, details])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(action: str, table: str, record_id: object, details: dict | None = None,
           user: User | None = None) -> AuditEvent:
    """Adds one event inside the caller's transaction, so it commits or rolls back with the change."""
    if isinstance(db.obj, pw.PostgresqlDatabase):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
    last = AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
    prev_hash = (last.hash if last and last.hash else GENESIS)
    at = now()
    os_name = "" if user else os_user()
    text = json.dumps(details or {}, ensure_ascii=False, default=_default, sort_keys=True)
    user_id = user.id if user else None
    return AuditEvent.create(
        at=at, user=user, os_user=os_name, action=action, table_name=table, record_id=str(record_id), details=text,
        prev_hash=prev_hash, hash=event_hash(prev_hash, at, user_id, os_name, action, table, str(record_id), text),
    )


@dataclass(frozen=True)
class ChainCheck:
    events: int
    broken_at: int | None  # id of the first event whose hash or link does not hold
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain() -> ChainCheck:
    """Walks the trail in order; the first event that was changed, or whose predecessor
    was changed or removed, is reported."""
    previous = GENESIS
    count = 0
    query = AuditEvent.select().order_by(AuditEvent.id)
    for event in query.iterator():
        count += 1
        if event.prev_hash != previous:
            return ChainCheck(count, event.id, "link")
        expected = event_hash(event.prev_hash, event.at, event.user_id, event.os_user, event.action, event.table_name,
                              event.record_id, event.details)
        if event.hash != expected:
            return ChainCheck(count, event.id, "content")
        previous = event.hash
    return ChainCheck(count, None)
