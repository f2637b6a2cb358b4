"""The record of processing: who did what to which record, and when, sealed so that history
cannot be rewritten quietly.

Each event's seal is an HMAC-SHA256, under the installation key kept outside the database
(``keystore``), of its fields (the account's user name and full name as they were, the
operating-system user as context), a counter that grows by one per event, and the previous
event's seal (``models.chain``, which also holds the keyed point the counting starts from).
Someone with the database file alone cannot recompute a seal. The audit table refuses UPDATE and
DELETE (``models.guards``).

Cutting the latest events off (or all of them) leaves a chain that holds by itself, so each PC
that uses the database keeps the head it last saw (event, seal, counter) in its own data folder,
filed under where the database is (the file's path, the server and database name), not under
anything read from the database; every document and backup carries the head too. The head a PC
keeps moves forward only when the events it named are still there and the counter says none is
missing since, so work done on a cut trail (signing in to check it) never hides the cut.
``verify_chain`` (``kupang-desk audit verify``) names the first thing that does not hold, and
says so when this PC keeps no head to check the end of the trail against.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import logging
import os
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee as pw
from platformdirs import user_data_path

from kupang_desk import audit_words, settings
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.backup import keystore
from kupang_desk.documents.table import Anchor
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import AuditEvent, User, db, guards, now, writing
from kupang_desk.models import chain as chain_seal

log = logging.getLogger(__name__)
GENESIS = chain_seal.GENESIS


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


def record(action: str, table: str, record_id: object, details: dict | None = None,
           user: SignedIn | None = None) -> AuditEvent:
    """Adds one event inside the caller's transaction, so it commits or rolls back with the change.

    The event names ``user``, else whoever is signed in (an account, or a system actor such as
    the automatic backup), with the operating-system user beside it."""
    actor = user if user is not None else session.current()
    account = actor if isinstance(actor, User) else None
    name, full_name = (actor.username, actor.full_name) if actor else ("", "")
    text = json.dumps(details or {}, ensure_ascii=False, default=_default, sort_keys=True)
    return chain_seal.append(action=action, table=table, record_id=str(record_id), details=text,
                             user_id=account.id if account else None, user_name=name, full_name=full_name,
                             os_name=os_user())


# ---------------------------------------------------------------- the head each PC keeps

def head() -> Anchor | None:
    """The latest event of the chain, or None while the trail is empty."""
    last = AuditEvent.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
    return Anchor(last.id, last.hash[:12]) if last else None


@dataclass(frozen=True)
class KeptHead:
    """The head this PC last saw of the database at ``place``."""

    place: str
    database: str  # the database's id when it was kept
    event: int
    seal: str  # the whole seal (an anchor kept by an older version: its first 12 digits)
    seq: int | None  # the counter (None: kept by an older version)
    since: int  # the first event this PC kept (what came before, only documents can vouch for)
    at: str = ""

    def anchor(self) -> Anchor:
        return Anchor(self.event, self.seal[:12])


def place() -> str:
    """Where the open database is, from the connection (never from what the database holds)."""
    database = db.obj
    if isinstance(database, pw.PostgresqlDatabase):
        params = database.connect_params
        return f"postgresql://{params.get('host') or 'localhost'}:{params.get('port') or 5432}/{database.database}"
    return "sqlite:" + str(Path(database.database).resolve())


def _anchor_file() -> Path:
    return user_data_path("KupangDesk", appauthor=False, ensure_exists=True) / "audit-anchors.json"


def _anchors() -> dict[str, Any]:
    try:
        value = json.loads(_anchor_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _kept(where: str, value: Any, database: str = "") -> KeptHead | None:
    try:
        return KeptHead(where, str(value.get("database", database)), int(value["event"]),
                        str(value.get("mac") or value["seal"]), int(value["seq"]) if value.get("seq") is not None else None,
                        int(value.get("since", value["event"])), str(value.get("at", "")))
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _places(anchors: dict[str, Any]) -> dict[str, Any]:
    """The heads kept by place (an older version's, kept under the database id, sit beside them)."""
    return anchors["places"] if isinstance(anchors.get("places"), dict) else {}


def remembered_head() -> KeptHead | None:
    """The head this PC kept for the database open here: filed under its place; else (the file was
    moved, or the head was kept by an older version under the database's id) the one kept for the
    same database id."""
    anchors, where = _anchors(), place()
    places = _places(anchors)
    if where in places:
        return _kept(where, places[where])
    database = settings.get("database.id")
    for other, value in places.items():
        if isinstance(value, dict) and value.get("database") == database:
            return _kept(other, value)
    if database and isinstance(anchors.get(database), dict):
        return _kept(where, anchors[database], database)
    return None


def _write_anchor(entry: dict) -> None:
    anchors = _anchors()
    places = _places(anchors)
    places[place()] = entry
    anchors["places"] = places
    anchors.pop(entry["database"], None)  # an older version's entry for the same database
    path = _anchor_file()
    partial = path.with_name(path.name + ".baru")
    partial.write_text(json.dumps(anchors, indent=1), encoding="utf-8")
    os.replace(partial, path)


def _holds(kept: KeptHead, last: AuditEvent) -> str:
    """Why the chain no longer holds the head ``kept`` ("" when it does): the event is gone or
    sealed differently, or fewer events follow it than the counter has grown."""
    if kept.database != settings.get("database.id"):
        return "database"
    event = AuditEvent.get_or_none(AuditEvent.id == kept.event)
    if event is None or not event.hash.startswith(kept.seal) or last.id < kept.event:
        return "short" if event is None else "anchor"
    if kept.seq is not None:
        after = AuditEvent.select().where(AuditEvent.id > kept.event).count()
        if event.seq != kept.seq or last.seq is None or last.seq - kept.seq != after:
            return "anchor"
    return ""


def _genuine_new_database() -> bool:
    """The database here is another one than the PC knew (made anew, restored from another office):
    its own keyed point names the id it carries."""
    point = AuditEvent.get_or_none((AuditEvent.action == chain_seal.POINT_ACTION) & (AuditEvent.seq == 1))
    if point is None or not point.key_id:
        return False
    key = keystore.known_keys().get(point.key_id)
    return (key is not None and point.hash == chain_seal.expected_hash(point, key)
            and chain_seal.point_details(point).get("database") == settings.get("database.id"))


def remember_head(*, reset: bool = False) -> Anchor | None:
    """Keeps the chain's head outside the database; call it after a commit. It moves forward only
    over a chain that still holds the head kept before (``reset``: after a restore, or a database
    made anew where an older one was); otherwise the old head stays, for ``verify_chain`` to name."""
    last = AuditEvent.select(AuditEvent.id, AuditEvent.hash, AuditEvent.seq).order_by(AuditEvent.id.desc()).first()
    database = settings.get("database.id")
    if last is None or not database:
        return None
    kept = remembered_head()
    if kept is not None and not reset:
        why = _holds(kept, last)
        if why == "database" and _genuine_new_database():
            log.info("Another database at %s (%s, was %s): its head is kept anew", kept.place, database, kept.database)
            kept = None
        elif why:
            log.warning("The audit head kept for %s (#%s) no longer holds (%s): not moved", kept.place, kept.event, why)
            return Anchor(last.id, last.hash[:12])
        elif last.id == kept.event and kept.seq is not None and kept.place == place():
            return kept.anchor()
    _write_anchor({"database": database, "event": last.id, "mac": last.hash, "seq": last.seq,
                   "since": kept.since if kept is not None else last.id, "at": now().isoformat(timespec="seconds")})
    return Anchor(last.id, last.hash[:12])


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
    reason: str = ""  # link, content, key, account, guard, short, gone, replaced, anchor, unkeyed, counter, point, database
    detail: str = ""
    kept: KeptHead | None = None  # the head this PC kept, checked against (None: none here)

    @property
    def ok(self) -> bool:
        """Nothing found that does not hold."""
        return self.broken_at is None

    @property
    def confirmed(self) -> bool:
        """Whole to its end: the chain holds and reaches the head this PC kept."""
        return self.ok and self.kept is not None

    def describe(self) -> str:
        if self.confirmed:
            assert self.kept is not None
            return _("Jejak audit utuh: {count} peristiwa, rantai tidak terputus, tersegel kunci instalasi, "
                     "dan sampai ke tanda kepala yang disimpan PC ini (#{event}).").format(
                count=self.events, event=self.kept.event)
        if self.ok:
            return _("Rantai jejak audit tersambung dan tersegel ({count} peristiwa), tetapi PC ini belum menyimpan "
                     "tanda kepala database ini, jadi penghapusan peristiwa terbaru tidak dapat diperiksa di sini. "
                     "Periksa di PC yang biasa memakai database ini, atau dengan tanda KDAUDIT pada dokumen atau "
                     "cadangan terbaru: kupang-desk audit verify --anchor FILE.").format(count=self.events)
        what = {
            "link": _("tidak tersambung ke peristiwa sebelumnya (ada yang dihapus atau diubah)"),
            "content": _("isinya diubah"),
            "key": _("disegel dengan kunci {detail} yang tidak dikenal di PC ini (impor kunci kantor dengan "
                     "kupang-desk audit key --import FILE, atau isinya dipalsukan)"),
            "account": _("menyebut akun {detail}, tetapi akun itu kini bernama lain (nama akun ditukar)"),
            "guard": _("pengaman tabel jejak audit hilang ({detail}): seseorang membukanya untuk mengubah riwayat"),
            "short": _("hilang: jejak berakhir sebelum tanda terakhir yang dicatat ({detail}); peristiwa terbaru dihapus"),
            "anchor": _("tidak cocok dengan tanda {detail}"),
            "replaced": _("bukan lagi peristiwa yang dicatat PC ini sebagai tanda {detail}: peristiwa terbaru "
                          "dihapus dan tempatnya diisi peristiwa baru"),
            "gone": _("tidak ada lagi, padahal PC ini mencatatnya sebagai tanda {detail}: peristiwa itu dihapus"),
            "unkeyed": _("tidak disegel kunci, padahal sesudah titik penyegelan #{detail} setiap peristiwa wajib "
                         "disegel (peristiwa sisipan atau segel yang dibuat ulang)"),
            "counter": _("bernomor urut {detail}: ada peristiwa yang hilang di antaranya"),
            "point": _("tidak punya titik penyegelan yang sah ({detail}): jejaknya dikosongkan atau disegel ulang "
                       "tanpa kunci"),
            "database": _("menyebut identitas database lain ({detail}): pengaturan database.id diubah"),
        }[self.reason].format(detail=self.detail)
        if self.broken_at == 0:
            return _("Jejak audit RUSAK: {what}.").format(what=what)
        return _("Jejak audit RUSAK: peristiwa #{event} {what}.").format(event=self.broken_at, what=what)


_KEEP_PC = object()


def verify_chain(*, anchor: Anchor | None = None, kept: KeptHead | None | object = _KEEP_PC,
                 user: SignedIn | None = None) -> ChainCheck:
    """Walks the trail in order and checks each seal, link, counter and account name, the table's
    guard, the keyed point, and that the chain reaches the head this PC kept (``kept``: the one
    read before the caller did anything that writes an event) and ``anchor``, from a document."""
    require("audit.view", user)
    if kept is _KEEP_PC:
        kept = remembered_head()
    assert kept is None or isinstance(kept, KeptHead)
    count = AuditEvent.select().count()
    missing = guards.missing(db.obj)
    if missing:
        return ChainCheck(count, 0, "guard", ", ".join(missing), kept)
    database = str(settings.get("database.id") or "")
    if kept is not None and kept.database != database:
        if not _genuine_new_database():
            return ChainCheck(count, 0, "database", f"{kept.database} -> {database}", kept)
        kept = None  # another database where this PC knew one (made anew, restored): nothing kept for it yet
    found = _walk(kept, anchor, database)
    if found is not None:
        return ChainCheck(*found, kept=kept)
    return ChainCheck(count, None, kept=kept)


def _walk(kept: KeptHead | None, anchor: Anchor | None, database: str) -> tuple[int, int, str, str] | None:
    """(events, broken_at, reason, detail) of the first thing that does not hold, else None."""
    keys = keystore.known_keys()
    usernames = {u.id: u.username for u in User.select(User.id, User.username)}
    marks: list[tuple[int, str, int | None, str]] = [(m.event, m.seal, None, m.label()) for m in [anchor] if m]
    if kept is not None:
        marks.insert(0, (kept.event, kept.seal, kept.seq, kept.anchor().label()))
    reached: dict[int, AuditEvent] = {}
    previous, count, last_id, point, seq = GENESIS, 0, 0, 0, 0
    for event in AuditEvent.select().order_by(AuditEvent.id).iterator():
        count, last_id = count + 1, event.id
        if event.prev_hash != previous:
            return count, event.id, "link", ""
        if point and (not event.key_id or event.seq is None):
            return count, event.id, "unkeyed", str(point)
        key = keys.get(event.key_id) if event.key_id else None
        if event.key_id and key is None:
            return count, event.id, "key", event.key_id
        if event.hash != chain_seal.expected_hash(event, key):
            return count, event.id, "content", ""
        if event.user_id and event.key_id and usernames.get(event.user_id) != event.user_name:
            return count, event.id, "account", event.user_name
        if event.seq is not None:
            if not point:  # the first counted event must be the keyed point, naming what came before
                details = chain_seal.point_details(event)
                if (event.action != chain_seal.POINT_ACTION or event.seq != 1
                        or details.get("events_before") != count - 1):
                    return count, event.id, "point", _("peristiwa #{event} bukan titik yang sah").format(event=event.id)
                if details.get("database") and details["database"] != database:
                    return count, event.id, "database", f"{details['database']} -> {database}"
                point = event.id
            elif event.seq != seq + 1:
                return count, event.id, "counter", f"{seq} -> {event.seq}"
            seq = event.seq
        previous = event.hash
        if any(event.id == mark[0] for mark in marks):
            reached[event.id] = event
    for number, seal, counter, label in marks:  # the head this PC kept, then the document's
        event = reached.get(number)
        if event is None:
            return count, 0 if not count else number, ("short" if last_id < number else "gone"), label
        if not event.hash.startswith(seal) or (counter is not None and event.seq != counter):
            # The head this PC kept cannot be changed in place (its seal holds): the trail was cut
            # back before it and written on. A document's mark may be of another database.
            return count, number, "replaced" if kept is not None and number == kept.event else "anchor", label
    if not point:
        return count, 0 if not count else last_id, "point", _("tidak ada") if count else _("jejak kosong")
    return None


def _action_labels() -> dict[str, str]:
    """Every action the program records (``record``'s first argument anywhere; a test holds this to
    the code), as the viewer and its Tindakan filter name it."""
    return {
        "create": _("buat"), "update": _("ubah"), "delete": _("hapus"), "merge": _("gabung"), "export": _("ekspor"),
        "print": _("cetak"), "view": _("buka"), "import": _("impor"), "sign_in": _("masuk"), "sign_out": _("keluar"),
        "sign_in_failed": _("gagal masuk"), "lock": _("kunci sesi"), "password_change": _("ganti kata sandi"),
        "password_reset": _("atur ulang kata sandi"), "enable": _("aktifkan"), "disable": _("nonaktifkan"),
        "setup": _("penyiapan"), "transition": _("ubah status"), "payout": _("pencairan"), "propose": _("usulan"),
        "promote": _("kenaikan kelas"), "undo_promote": _("batal kenaikan kelas"), "queue": _("antrean"),
        "send": _("kirim laporan"), "satusehat": _("kirim SATUSEHAT"), "satusehat_queue": _("antre SATUSEHAT"),
        "satusehat_retry": _("kirim ulang SATUSEHAT"), "pcare": _("kirim P-Care"), "pcare_retry": _("kirim ulang P-Care"),
        "restore": _("pulihkan"), "backup": _("cadangkan"),
        "seal": _("penyegelan"),
    }


def actions() -> list[tuple[str, str]]:
    """(label, action) of every action, for the Tindakan filter."""
    return [(label, action) for action, label in _action_labels().items()]


def action_label(action: str) -> str:
    return _action_labels().get(action, action)


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
