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
from pathlib import Path
from typing import Any

import peewee as pw

from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.i18n import _
from kupang_desk.models import AuditEvent, User, db, now, writing

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
    """Adds one event inside the caller's transaction, so it commits or rolls back with the change.

    The event names ``user``, else the user signed in to the window, else (the command
    line) the operating-system user."""
    if user is None:
        user = session.current()
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


def action_label(action: str) -> str:
    return {
        "create": _("buat"), "update": _("ubah"), "delete": _("hapus"), "merge": _("gabung"), "export": _("ekspor"), "print": _("cetak"),
        "view": _("buka"), "import": _("impor"), "sign_in": _("masuk"), "sign_in_failed": _("gagal masuk"),
        "password_change": _("ganti kata sandi"), "password_reset": _("atur ulang kata sandi"), "enable": _("aktifkan"),
        "disable": _("nonaktifkan"), "setup": _("penyiapan"), "transition": _("ubah status"), "payout": _("pencairan"),
        "propose": _("usulan"), "promote": _("kenaikan kelas"), "undo_promote": _("batal kenaikan kelas"),
        "lock": _("kunci sesi"), "restore": _("pulihkan"),
    }.get(action, action)


@dataclass
class AuditFilter:
    user_id: int | None = None
    action: str = ""
    table: str = ""
    record_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive


def query(flt: AuditFilter | None = None, *, user: User | None = None) -> pw.ModelSelect:
    """Events matching the filter, newest first (the viewer pages through it lazily)."""
    require("audit.view", user)
    flt = flt or AuditFilter()
    found = AuditEvent.select(AuditEvent, User).join(User, pw.JOIN.LEFT_OUTER)
    if flt.user_id:
        found = found.where(AuditEvent.user == flt.user_id)
    if flt.action:
        found = found.where(AuditEvent.action == flt.action)
    if flt.table:
        found = found.where(AuditEvent.table_name == flt.table)
    if flt.record_id:
        found = found.where(AuditEvent.record_id == flt.record_id)
    if flt.date_from:
        found = found.where(AuditEvent.at >= dt.datetime.combine(flt.date_from, dt.time()))
    if flt.date_to:
        found = found.where(AuditEvent.at < dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time()))
    return found.order_by(AuditEvent.id.desc())


@dataclass(frozen=True)
class AuditLine:
    """One event as the viewer shows it."""

    id: int
    at: dt.datetime
    who: str
    action: str  # the label, in the interface's language
    table: str
    record_id: str
    details: str


def page(flt: AuditFilter | None = None, *, before_id: int | None = None, limit: int = 200,
         user: User | None = None) -> list[AuditLine]:
    """Up to ``limit`` events matching the filter, newest first, older than ``before_id`` when
    given: the viewer asks for the next page with the last id it shows."""
    found = query(flt, user=user)
    if before_id is not None:
        found = found.where(AuditEvent.id < before_id)
    events: list[AuditEvent] = list(found.limit(limit))
    return [AuditLine(e.id, e.at, who(e), action_label(e.action), e.table_name, e.record_id, e.details) for e in events]


def who(event: AuditEvent) -> str:
    if event.user_id:
        return f"{event.user.full_name} ({event.user.username})"
    return f"{event.os_user or '?'} (OS)"


def export_xlsx(path, flt: AuditFilter | None = None, *, user: User | None = None) -> int:
    """The filtered trail as a workbook (write-only, so a long trail stays within memory);
    the export itself is an event. Returns how many events were written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from kupang_desk.documents.excel import put, safe_values, save

    actor = require("audit.view", user)
    path = Path(path)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Jejak audit"))
    for column, width in zip("ABCDEFG", (8, 20, 30, 18, 16, 14, 80), strict=True):
        sheet.column_dimensions[column].width = width
    header = [_("No."), _("Waktu"), _("Pengguna"), _("Tindakan"), _("Tabel"), _("ID data"), _("Rincian")]
    cells = []
    for text in header:
        cell = put(WriteOnlyCell(sheet), text)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    count = 0
    for event in query(flt, user=actor).iterator():
        record_cell = put(WriteOnlyCell(sheet), event.record_id)
        record_cell.number_format = "@"
        sheet.append(safe_values(sheet, [event.id, event.at, who(event), action_label(event.action), event.table_name,
                                         record_cell, event.details]))
        count += 1
    save(book, path)
    with writing():
        record("export", "audit_event", "", {"rows": count, "xlsx": str(path)}, actor)
    return count
