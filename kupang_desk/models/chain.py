"""The audit chain's seals, and the keyed point where the chain starts counting.

Events are sealed in three generations, told apart by their columns:

- unkeyed (``key_id`` empty): a SHA-256 anyone can recompute, written before schema 5;
- keyed (``key_id`` set, ``seq`` empty): an HMAC-SHA256 under the installation key, schema 5-14;
- counted (``key_id`` and ``seq`` set): the HMAC covers a counter that grows by one per event, so a
  gap in the ids (PostgreSQL never reuses a rolled-back id) is allowed only where the counter says
  nothing is missing.

The first counted event is the **point** (action ``seal``): written once, by the migration to
schema 15 or when a database is made, sealed under the key, naming how many events came before
it and the database's id. Before it, older events keep their older seals; after it, every event
must be counted and keyed. A chain without a point, or an unkeyed event after it, is forged.
The point is written only there: deleting the trail never makes the program start a new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid

import peewee as pw

from kupang_desk import settings
from kupang_desk.backup import keystore
from kupang_desk.models.accounts import AuditEvent
from kupang_desk.models.base import now
from kupang_desk.models.reference import Setting

GENESIS = "0" * 64
POINT_ACTION = "seal"
POINT_USER = "sistem:penyegelan"
# One writer at a time appends to the chain (PostgreSQL; SQLite's write lock does this already).
CHAIN_LOCK = 7_105_371


def legacy_hash(prev_hash: str, at: dt.datetime, user_id: int | None, os_name: str, action: str, table: str,
                record_id: str, details: str) -> str:
    """The unkeyed SHA-256 of events written before schema 5 (``key_id`` empty)."""
    text = "\x1f".join([prev_hash, at.strftime("%Y-%m-%d %H:%M:%S"), str(user_id or ""), os_name, action, table,
                        record_id, details])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def keyed_hash(key: bytes, prev_hash: str, at: dt.datetime, user_id: int | None, user_name: str, full_name: str,
               os_name: str, action: str, table: str, record_id: str, details: str) -> str:
    """HMAC-SHA256 of schema 5-14's events (no counter)."""
    text = "\x1f".join(["v2", prev_hash, at.strftime("%Y-%m-%d %H:%M:%S"), str(user_id or ""), user_name, full_name,
                        os_name, action, table, record_id, details])
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def counted_hash(key: bytes, seq: int, prev_hash: str, at: dt.datetime, user_id: int | None, user_name: str,
                 full_name: str, os_name: str, action: str, table: str, record_id: str, details: str) -> str:
    """HMAC-SHA256 under the installation key over the counter, the previous seal and the fields."""
    text = "\x1f".join(["v3", str(seq), prev_hash, at.strftime("%Y-%m-%d %H:%M:%S"), str(user_id or ""), user_name,
                        full_name, os_name, action, table, record_id, details])
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def expected_hash(event: AuditEvent, key: bytes | None) -> str:
    """The seal ``event`` should carry (``key``: the one its ``key_id`` names; None for unkeyed)."""
    user_id = event.__data__.get("user")  # the account's id as stored, without loading the account
    if key is None:
        return legacy_hash(event.prev_hash, event.at, user_id, event.os_user, event.action, event.table_name,
                           event.record_id, event.details)
    if event.seq is None:
        return keyed_hash(key, event.prev_hash, event.at, user_id, event.user_name, event.user_full_name,
                          event.os_user, event.action, event.table_name, event.record_id, event.details)
    return counted_hash(key, event.seq, event.prev_hash, event.at, user_id, event.user_name,
                        event.user_full_name, event.os_user, event.action, event.table_name, event.record_id,
                        event.details)


def lock(database: pw.Database) -> None:
    """Holds the chain for this transaction (PostgreSQL: other writers wait for its commit)."""
    if isinstance(database, pw.PostgresqlDatabase):
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))


def append(*, action: str, table: str, record_id: str, details: str, user_id: int | None, user_name: str,
           full_name: str, os_name: str) -> AuditEvent:
    """One counted event at the end of the chain (inside the caller's transaction)."""
    bound = AuditEvent._meta.database
    lock(bound.obj if isinstance(bound, pw.DatabaseProxy) else bound)  # the proxy's, or the one a migration bound
    newest = AuditEvent._meta.fields["id"].desc()
    last = AuditEvent.select(AuditEvent.hash, AuditEvent.seq).order_by(newest).first()
    prev_hash = last.hash if last and last.hash else GENESIS
    seq = (last.seq or 0) + 1 if last else 1
    at = now()
    key = keystore.audit_key()
    return AuditEvent.create(
        at=at, user=user_id, user_name=user_name, user_full_name=full_name, os_user=os_name, action=action,
        table_name=table, record_id=record_id, details=details, prev_hash=prev_hash, key_id=keystore.key_id(key),
        seq=seq, hash=counted_hash(key, seq, prev_hash, at, user_id, user_name, full_name, os_name, action, table,
                                   record_id, details))


def database_id(database: pw.Database) -> str:
    """The open database's id, made here when it has none yet (a new database)."""
    with database.bind_ctx([Setting]):
        found = settings.get("database.id")
        if not found:
            found = uuid.uuid4().hex
            settings.put("database.id", found)
        return str(found)


def write_point(database: pw.Database) -> AuditEvent:
    """The keyed point where counting starts: after every event there is (none in a new database),
    naming how many there are and the database's id. Called by the migration to schema 15 and
    when a database is made, inside their transaction."""
    with database.bind_ctx([AuditEvent, Setting]):
        before = AuditEvent.select().count()
        unkeyed = AuditEvent.select().where(AuditEvent.key_id == "").count()
        number = AuditEvent._meta.fields["id"]
        last = AuditEvent.select(number).order_by(number.desc()).scalar()
        details = json.dumps({"database": database_id(database), "events_before": before, "unkeyed_before": unkeyed,
                              "last_before": last or 0}, sort_keys=True)
        return append(action=POINT_ACTION, table="audit_event", record_id="", details=details, user_id=None,
                      user_name=POINT_USER, full_name="Penyegelan jejak audit", os_name="")


def point_details(event: AuditEvent) -> dict:
    try:
        value = json.loads(event.details)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
