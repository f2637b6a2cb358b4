"""The counts the database keeps beside the visits (``models.totals``): checked against the raw
visits and made again on request (``kupang-desk totals check|rebuild``)."""

from __future__ import annotations

import peewee as pw

from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.models import db, totals, writing


def _rows(sql: str) -> dict[tuple, int]:
    """key -> count, the key's values as text (a date and its ISO text compare equal)."""
    return {tuple(str(v) for v in row[:-1]): int(row[-1]) for row in db.execute_sql(sql).fetchall()}


def differences(*, limit: int = 20, user: SignedIn | None = None) -> list[tuple[str, tuple, int, int]]:
    """Rows whose kept count differs from the raw visits: (table, key, kept, from the visits)."""
    require("report.make", user)
    postgres = isinstance(db.obj, pw.PostgresqlDatabase)
    found = []
    for kept in totals.KEPT:
        held, raw = _rows(kept.held()), _rows(kept.from_visits(postgres))
        found += [(kept.table, key, held.get(key, 0), raw.get(key, 0)) for key in sorted(set(held) | set(raw))
                  if held.get(key, 0) != raw.get(key, 0)]
    return found[:limit]


def rebuild(*, user: SignedIn | None = None) -> int:
    """Makes the kept counts again from the visits, in one transaction; returns the rows."""
    require("report.make", user)
    with writing():
        return totals.rebuild(db.obj)
