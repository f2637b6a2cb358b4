"""The record of processing: who did what to which record, and when, sealed so that history
cannot be rewritten quietly.

Each event's seal is an HMAC-SHA256, under the installation key kept outside the database
(``keystore``), of its fields (the account's user name and full name as they were, the
operating-system user as context) and the previous event's seal. Someone with the database file
alone cannot recompute it. The audit table refuses UPDATE and DELETE (``models.guards``). And the
chain's head (event number and the start of its seal) is kept outside the database and printed on
every document and backup, so cutting the latest events off (or all of them) is seen too:
``verify_chain`` (``kupang-desk audit verify``) names the first thing that does not hold.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import os
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee as pw
from platformdirs import user_data_path

from kupang_desk import audit_words, keystore, preferences
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents.table import Anchor
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import AuditEvent, User, db, guards, now, writing

GENESIS = "0" * 64
# One writer at a time appends to the chain (PostgreSQL; SQLite's write lock does this already).
CHAIN_LOCK = 7_105_371


def _default(value: Any) -> str:
    if isinstance(value, dt.date | dt.datetime | decimal.Decimal):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def os_user() -> str:
    """The operating-system account running the program, from the system (not from $USER)."""
    try:
        if sys.platform == "win32":
            return os.getlogin()
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (OSError, KeyError, ImportError):  # no user name in this environment (a service, a container)
        return ""


def legacy_hash(prev_hash: str, at: dt.datetime, user_id: int | None, os_name: str, action: str, table: str,
                record_id: str, details: str) -> str:
    """The unkeyed SHA-256 of events written before schema 5 (``key_id`` empty)."""
    text = "\x1f".join([prev_hash, at.strftime("%Y-%m-%d %H:%M:%S"), str(user_id or ""), os_name, action, table,
                        record_id, details])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event_hash(key: bytes, prev_hash: str, at: dt.datetime, user_id: int | None, user_name: str, full_name: str,
               os_name: str, action: str, table: str, record_id: str, details: str) -> str:
    """HMAC-SHA256 under the installation key over the previous seal and the event's fields."""
    text = "\x1f".join(["v2", prev_hash, at.strftime("%Y-%m-%d %H:%M:%S"), str(user_id or ""), user_name, full_name,
                        os_name, action, table, record_id, details])
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def record(action: str, table: str, record_id: object, details: dict | None = None,
           user: SignedIn | None = None) -> AuditEvent:
    """Adds one event inside the caller's transaction, so it commits or rolls back with the change.

    The event names ``user``, else whoever is signed in (an account, or a system actor such as
    the automatic backup), with the operating-system user beside it."""
    actor = user if user is not None else session.current()
    account = actor if isinstance(actor, User) else None
    if isinstance(db.obj, pw.PostgresqlDatabase):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
    last = AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
    prev_hash = (last.hash if last and last.hash else GENESIS)
    at = now()
    name, full_name = (actor.username, actor.full_name) if actor else ("", "")
    os_name = os_user()
    text = json.dumps(details or {}, ensure_ascii=False, default=_default, sort_keys=True)
    key = keystore.audit_key()
    user_id = account.id if account else None
    return AuditEvent.create(
        at=at, user=account, user_name=name, user_full_name=full_name, os_user=os_name, action=action, table_name=table,
        record_id=str(record_id), details=text, prev_hash=prev_hash, key_id=keystore.key_id(key),
        hash=event_hash(key, prev_hash, at, user_id, name, full_name, os_name, action, table, str(record_id), text),
    )


# ---------------------------------------------------------------- anchors outside the database

def head() -> Anchor | None:
    """The latest event of the chain, or None while the trail is empty."""
    last = AuditEvent.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
    return Anchor(last.id, last.hash[:12]) if last else None


def _anchor_file() -> Path:
    return user_data_path("KupangDesk", appauthor=False, ensure_exists=True) / "audit-anchors.json"


def _anchors() -> dict[str, dict]:
    try:
        value = json.loads(_anchor_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def remember_head(*, reset: bool = False) -> Anchor | None:
    """Keeps the chain's head outside the database (newer heads only, unless ``reset`` after a
    restore); call it after a commit."""
    anchor = head()
    database = preferences.get("database.id")
    if anchor is None or not database:
        return anchor
    anchors = _anchors()
    known = anchors.get(database, {})
    if reset or int(known.get("event", 0)) < anchor.event:
        anchors[database] = {"event": anchor.event, "seal": anchor.seal, "at": now().isoformat(timespec="seconds")}
        path = _anchor_file()
        partial = path.with_name(path.name + ".baru")
        partial.write_text(json.dumps(anchors, indent=1), encoding="utf-8")
        os.replace(partial, path)
    return anchor


def remembered_head() -> Anchor | None:
    """The latest head this PC kept for the open database."""
    known = _anchors().get(preferences.get("database.id"))
    return Anchor(int(known["event"]), str(known["seal"])) if known else None


def anchor_in_file(path: str | Path) -> Anchor:
    """The anchor a written document or backup carries (PDF, Excel, backup manifest)."""
    path = Path(path)
    try:
        data = path.read_bytes()
        manifest = path.with_name(path.name + ".json")  # an old PostgreSQL backup's manifest
        if manifest.exists():
            data = manifest.read_bytes()
        elif path.suffix.lower() == ".xlsx":
            with zipfile.ZipFile(path) as book:
                data = book.read("docProps/core.xml")
    except (OSError, KeyError, ValueError) as error:
        raise KnownError(_("File {path} tidak dapat dibaca: {detail}").format(path=path, detail=error)) from error
    found = Anchor.find(data.decode("latin-1"))
    if found is None:
        raise KnownError(_("File {path} tidak memuat tanda jejak audit (KDAUDIT).").format(path=path))
    return found


# ---------------------------------------------------------------- checking the chain

@dataclass(frozen=True)
class ChainCheck:
    events: int
    broken_at: int | None  # id of the first event that does not hold (0: the whole table)
    reason: str = ""  # link, content, key, account, guard, short, anchor
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def describe(self) -> str:
        if self.ok:
            return _("Jejak audit utuh: {count} peristiwa, rantai tidak terputus, tersegel kunci instalasi.").format(
                count=self.events)
        what = {
            "link": _("tidak tersambung ke peristiwa sebelumnya (ada yang dihapus atau diubah)"),
            "content": _("isinya diubah"),
            "key": _("disegel dengan kunci {detail} yang tidak dikenal di PC ini (impor kunci kantor dengan "
                     "kupang-desk audit key --import FILE, atau isinya dipalsukan)"),
            "account": _("menyebut akun {detail}, tetapi akun itu kini bernama lain (nama akun ditukar)"),
            "guard": _("pengaman tabel jejak audit hilang ({detail}): seseorang membukanya untuk mengubah riwayat"),
            "short": _("hilang: jejak berakhir sebelum tanda terakhir yang dicatat ({detail}); peristiwa terbaru dihapus"),
            "anchor": _("tidak cocok dengan tanda {detail}"),
        }[self.reason].format(detail=self.detail)
        if self.broken_at == 0:
            return _("Jejak audit RUSAK: {what}.").format(what=what)
        return _("Jejak audit RUSAK: peristiwa #{event} {what}.").format(event=self.broken_at, what=what)


def verify_chain(*, anchor: Anchor | None = None, user: SignedIn | None = None) -> ChainCheck:
    """Walks the trail in order and checks each seal, link and account name, the table's guard,
    and that the chain reaches the head this PC kept (and ``anchor``, from a document)."""
    require("audit.view", user)
    missing = guards.missing(db.obj)
    if missing:
        return ChainCheck(AuditEvent.select().count(), 0, "guard", ", ".join(missing))
    keys = keystore.known_keys()
    usernames = {u.id: u.username for u in User.select(User.id, User.username)}
    kept = remembered_head()
    marks = [mark for mark in (kept, anchor) if mark is not None]
    seals: dict[int, str] = {}  # the seals of the events the marks name, read on the way
    previous, count, last_id = GENESIS, 0, 0
    for event in AuditEvent.select().order_by(AuditEvent.id).iterator():
        count, last_id = count + 1, event.id
        if event.prev_hash != previous:
            return ChainCheck(count, event.id, "link")
        if event.key_id:
            key = keys.get(event.key_id)
            if key is None:
                return ChainCheck(count, event.id, "key", event.key_id)
            expected = event_hash(key, event.prev_hash, event.at, event.user_id, event.user_name, event.user_full_name,
                                  event.os_user, event.action, event.table_name, event.record_id, event.details)
            if event.user_id and usernames.get(event.user_id) != event.user_name:
                return ChainCheck(count, event.id, "account", event.user_name)
        else:
            expected = legacy_hash(event.prev_hash, event.at, event.user_id, event.os_user, event.action,
                                   event.table_name, event.record_id, event.details)
        if event.hash != expected:
            return ChainCheck(count, event.id, "content")
        previous = event.hash
        if any(event.id == mark.event for mark in marks):
            seals[event.id] = event.hash[:12]
    # The head this PC kept, then the document's: the chain must reach them, with the same seal.
    for mark in marks:
        if last_id < mark.event:  # a whole trail deleted is the table's fault, not one event's
            return ChainCheck(count, 0 if mark is kept and not count else mark.event, "short", mark.label())
        if seals.get(mark.event) != mark.seal:
            return ChainCheck(count, mark.event, "anchor", mark.label())
    return ChainCheck(count, None)


def action_label(action: str) -> str:
    return {
        "create": _("buat"), "update": _("ubah"), "delete": _("hapus"), "merge": _("gabung"), "export": _("ekspor"), "print": _("cetak"),
        "view": _("buka"), "import": _("impor"), "sign_in": _("masuk"), "sign_in_failed": _("gagal masuk"),
        "password_change": _("ganti kata sandi"), "password_reset": _("atur ulang kata sandi"), "enable": _("aktifkan"),
        "disable": _("nonaktifkan"), "setup": _("penyiapan"), "transition": _("ubah status"), "payout": _("pencairan"),
        "propose": _("usulan"), "promote": _("kenaikan kelas"), "undo_promote": _("batal kenaikan kelas"),
        "lock": _("kunci sesi"), "restore": _("pulihkan"), "backup": _("cadangkan"),
    }.get(action, action)


@dataclass
class AuditFilter:
    user_id: int | None = None
    action: str = ""
    table: str = ""
    record_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive


def query(flt: AuditFilter | None = None, *, user: SignedIn | None = None) -> pw.ModelSelect:
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
         user: SignedIn | None = None) -> list[AuditLine]:
    """Up to ``limit`` events matching the filter, newest first, older than ``before_id`` when
    given: the viewer asks for the next page with the last id it shows."""
    found = query(flt, user=user)
    if before_id is not None:
        found = found.where(AuditEvent.id < before_id)
    events: list[AuditEvent] = list(found.limit(limit))
    names = audit_words.Names(events, user=user)
    return [AuditLine(e.id, e.at, who(e), action_label(e.action), audit_words.table_label(e.table_name), e.record_id,
                      audit_words.sentence(e, names)) for e in events]


def who(event: AuditEvent) -> str:
    """The actor as named when the event was written (not as the account is named now)."""
    if event.user_name:
        return f"{event.user_full_name} ({event.user_name})"
    if event.user_id:  # events from before schema 5
        return f"{event.user.full_name} ({event.user.username})"
    return f"{event.os_user or '?'} (OS)"


def export_xlsx(path, flt: AuditFilter | None = None, *, user: SignedIn | None = None) -> int:
    """The filtered trail as a workbook (write-only, so a long trail stays within memory);
    the export itself is an event. Returns how many events were written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from kupang_desk.documents.excel import font, put, safe_values, save

    actor = require("audit.view", user)
    path = Path(path)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Jejak audit"))
    for column, width in zip("ABCDEFGH", (8, 20, 30, 18, 16, 14, 80, 60), strict=True):
        sheet.column_dimensions[column].width = width
    # "Rincian" in words for the reader; the stored JSON beside it, which the seal covers, for a checker.
    header = [_("No."), _("Waktu"), _("Pengguna"), _("Tindakan"), _("Tabel"), _("ID data"), _("Rincian"), _("Data tersimpan")]
    cells = []
    for text in header:
        cell = put(WriteOnlyCell(sheet), text)
        cell.font = font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    count = 0
    for events in pw.chunked(query(flt, user=actor).iterator(), 500):
        names = audit_words.Names(events, user=actor)
        for event in events:
            record_cell = put(WriteOnlyCell(sheet), event.record_id)
            record_cell.number_format = "@"
            sheet.append(safe_values(sheet, [event.id, event.at, who(event), action_label(event.action),
                                             audit_words.table_label(event.table_name), record_cell,
                                             audit_words.sentence(event, names), event.details]))
            count += 1
    save(book, path)
    with writing():
        record("export", "audit_event", "", {"rows": count, "xlsx": str(path)}, actor)
    return count
