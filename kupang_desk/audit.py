"""The record of processing: who did what to which record, and when."""

from __future__ import annotations

import datetime as dt
import decimal
import getpass
import json
from typing import Any

from kupang_desk.models import AuditEvent, User, now


def _default(value: Any) -> str:
    if isinstance(value, dt.date | dt.datetime | decimal.Decimal):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (a service, a container)
        return ""


def record(action: str, table: str, record_id: object, details: dict | None = None,
           user: User | None = None) -> AuditEvent:
    """Adds one event inside the caller's transaction, so it commits or rolls back with the change."""
    return AuditEvent.create(
        at=now(), user=user, os_user="" if user else os_user(), action=action, table_name=table,
        record_id=str(record_id), details=json.dumps(details or {}, ensure_ascii=False, default=_default),
    )
