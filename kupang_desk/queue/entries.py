"""The loket gives a patient a number for a poli; the poli calls, serves, finishes or refers them.

Numbers are per poli per day with the poli's prefix (``U-012`` Umum, ``G-004`` Gigi), given in the
transaction that creates the entry from a counter row that two loket PCs cannot both take: no
number twice, none skipped (a transaction that fails gives its number back).

The moves a clerk can make, and nothing else::

    menunggu  -> dipanggil (Panggil), batal
    dipanggil -> dipanggil (Panggil ulang), dilayani, menunggu (Lewati: to the end of the queue), batal
    dilayani  -> selesai (the visit saved), dirujuk (a new entry at the other poli, the same visit), batal

A refused move says, in words, where the entry is and what can be done with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import peewee as pw

from kupang_desk import audit, clock, settings
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.models import Patient, Poli, QueueEntry, Visit, now, writing
from kupang_desk.models.queue import OPEN_STATES
from kupang_desk.patients.numbers import bump
from kupang_desk.patients.registration import live_patient
from kupang_desk.queue import live
from kupang_desk.validators import age_at

MOVES = {
    "menunggu": {"dipanggil", "batal"},
    "dipanggil": {"dipanggil", "dilayani", "menunggu", "batal"},
    "dilayani": {"selesai", "dirujuk", "batal"},
    "selesai": set(),
    "dirujuk": set(),
    "batal": set(),
}
OPEN = OPEN_STATES
# The prefixes of the polis a new database has; another poli takes the first free letters of its name.
PREFIXES = {"UMUM": "U", "GIGI": "G", "KIA": "K", "KB": "KB", "MTBS": "M", "LNS": "L", "IMN": "I", "GIZI": "Z",
            "TB": "T", "PTM": "P", "LAB": "B", "UGD": "D"}


def state_words() -> dict[str, str]:
    return {"menunggu": _("Menunggu"), "dipanggil": _("Dipanggil"), "dilayani": _("Dilayani"), "selesai": _("Selesai"),
            "dirujuk": _("Dirujuk"), "batal": _("Batal")}


def prefix_of(poli: Poli) -> str:
    """The poli's queue prefix: as set, else the shipped one for its code, else from its name."""
    if poli.queue_prefix:
        return poli.queue_prefix.upper()
    if poli.code.upper() in PREFIXES:
        return PREFIXES[poli.code.upper()]
    letters = "".join(ch for ch in poli.name.upper() if ch.isalpha()) or "X"
    return letters[:2]


NORMAL, ELDERLY, EMERGENCY = 0, 1, 2  # QueueEntry.priority


@dataclass(frozen=True)
class Entry:
    """One queue entry as the loket, the poli and the command line show it."""

    id: int
    label: str
    day: dt.date
    poli_id: int
    poli: str
    patient_id: int
    no_rm: str
    patient: str
    state: str
    visit_id: int | None
    arrived_at: dt.datetime
    called_at: dt.datetime | None
    note: str
    priority: int = NORMAL

    @property
    def priority_words(self) -> str:
        """What the lists and the waiting-room screen say beside the number ("" for the rest)."""
        return priority_words().get(self.priority, "")

    @property
    def shown_label(self) -> str:
        """``U-012 Lansia``: the number as the screens show it, with its priority."""
        return f"{self.label} {self.priority_words}".strip()

    @property
    def initials(self) -> str:
        """What a ticket or the waiting-room screen shows of the patient: Y. N."""
        return " ".join(f"{word[0]}." for word in self.patient.split() if word[:1].isalpha())


def _entry(row: QueueEntry) -> Entry:
    patient, poli = row.patient, row.poli
    return Entry(row.id, row.label, row.day, poli.id, poli.name, patient.id, patient.no_rm, patient.name, row.state,
                 row.visit_id, row.arrived_at, row.called_at, row.note, row.priority)


# The order a poli calls its waiting patients in: emergencies, then the elderly, each by turn.
CALL_ORDER = (QueueEntry.priority.desc(), QueueEntry.turn, QueueEntry.id)


def priority_words() -> dict[int, str]:
    return {EMERGENCY: _("Gawat darurat"), ELDERLY: _("Lansia")}


def elderly_age() -> int:
    """The age from which a patient is called first (Pengaturan > Daftar rujukan > Antrean; 0: none)."""
    return int(settings.get("queue.elderly_age"))


def set_elderly_age(age: int, *, user: SignedIn | None = None) -> int:
    user = require("settings.edit", user)
    with writing():
        before = elderly_age()
        settings.put("queue.elderly_age", age)
        audit.record("update", "setting", "queue.elderly_age", {"value": [before, age]}, user)
    return age


def _priority(birth_date: dt.date, day: dt.date, emergency: bool) -> int:
    if emergency:
        return EMERGENCY
    oldest = elderly_age()
    return ELDERLY if oldest and age_at(birth_date, day)[1] >= oldest else NORMAL


def _note(text: str) -> str:
    """A complaint, a referral's or a cancellation's reason as the entry keeps it: one line, 200 characters."""
    return " ".join((text or "").split())[:200]


def _live_poli(poli_id: int) -> Poli:
    poli = Poli.get_or_none(Poli.id == poli_id)
    if poli is None or not poli.active:
        raise KnownError(_("Poli nomor {id} tidak ada atau tidak aktif. Pilih poli dari daftar.").format(id=poli_id))
    return poli


def poli_by_code(code: str) -> Poli:
    """The active poli with this code (UMUM, GIGI...) or name, for the command line."""
    wanted = " ".join((code or "").split()).upper()
    for poli in Poli.select().where(Poli.active):
        if wanted in (poli.code.upper(), poli.name.upper()):
            return poli
    known = ", ".join(p.code or p.name for p in Poli.select().where(Poli.active).order_by(Poli.sort_order, Poli.name))
    raise KnownError(_("Poli '{code}' tidak dikenal. Pilih salah satu: {known}.").format(code=code, known=known))


def add(patient_id: int, poli_id: int, *, note: str = "", day: dt.date | None = None, referred_from: int | None = None,
        visit_id: int | None = None, emergency: bool = False, user: SignedIn | None = None) -> Entry:
    """The loket gives the patient the poli's next number of the day; an emergency (the loket says so)
    and a patient of the elderly age are called before the others."""
    user = require("visit.write", user)
    day = day or clock.today()
    with writing():
        patient = live_patient(patient_id, user=user)
        poli = _live_poli(poli_id)
        # The day's counter first: it is locked until this transaction ends, so another loket giving this
        # poli a number waits here, and the look below sees what it committed (PostgreSQL reads committed
        # rows per statement). Every entry is made here; the unique index queue_entry_one_open holds it regardless.
        number = bump(f"queue:{day.isoformat()}:{poli.id}")
        waiting = (QueueEntry.select().where((QueueEntry.day == day) & (QueueEntry.patient == patient.id)
                                             & (QueueEntry.poli == poli.id) & QueueEntry.state.in_(OPEN)).first())
        if waiting is not None:
            raise KnownError(_("{name} ({no_rm}) sudah antre di poli {poli} dengan nomor {label}.").format(
                name=patient.name, no_rm=patient.no_rm, poli=poli.name, label=waiting.label))
        row = QueueEntry.create(day=day, poli=poli, number=number, label=f"{prefix_of(poli)}-{number:03d}",
                                patient=patient, visit=visit_id, turn=number, referred_from=referred_from,
                                note=_note(note), arrived_at=now(), by=session.account(user),
                                priority=_priority(patient.birth_date, day, emergency))
        audit.record("queue", "queue_entry", row.id, {"patient_id": patient.id, "poli": poli.name, "label": row.label,
                                                      "state": "menunggu", **({"priority": row.priority} if row.priority else {})},
                     user)
        live.notify(poli.id)
    return _entry(QueueEntry.get_by_id(row.id))


def _move(entry_id: int, to: str, user: SignedIn, **values) -> QueueEntry:
    """One move of the state machine inside the caller's transaction; refused in words."""
    row = QueueEntry.get_or_none(QueueEntry.id == entry_id)
    if row is None:
        raise KnownError(_("Antrean nomor {id} tidak ada.").format(id=entry_id))
    if to not in MOVES[row.state]:
        allowed = ", ".join(state_words()[s] for s in sorted(MOVES[row.state])) or _("tidak ada (sudah ditutup)")
        raise KnownError(_("{label} ({patient}) berstatus {state}; tidak bisa menjadi {to}. Yang bisa: {allowed}.").format(
            label=row.label, patient=row.patient.name, state=state_words()[row.state], to=state_words()[to],
            allowed=allowed))
    before = row.state
    QueueEntry.update(state=to, **values).where(QueueEntry.id == row.id).execute()
    audit.record("queue", "queue_entry", row.id, {"state": [before, to], **{k: str(v) for k, v in values.items()
                                                                             if k in ("note", "visit")}}, user)
    live.notify(row.poli_id)
    return QueueEntry.get_by_id(row.id)


def call_next(poli_id: int, *, day: dt.date | None = None, user: SignedIn | None = None) -> Entry | None:
    """Panggil berikutnya: the poli calls the first waiting patient (None: nobody waits)."""
    user = require("visit.write", user)
    day = day or clock.today()
    with writing():
        first = (QueueEntry.select().where((QueueEntry.day == day) & (QueueEntry.poli == poli_id)
                                           & (QueueEntry.state == "menunggu"))
                 .order_by(*CALL_ORDER).first())
        if first is None:
            return None
        return _entry(_move(first.id, "dipanggil", user, called_at=now()))


def recall(entry_id: int, *, user: SignedIn | None = None) -> Entry:
    """Panggil ulang: the number called again (the patient did not come yet)."""
    user = require("visit.write", user)
    with writing():
        return _entry(_move(entry_id, "dipanggil", user, called_at=now()))


def skip(entry_id: int, *, user: SignedIn | None = None) -> Entry:
    """Lewati: a called patient who is not there goes to the end of the queue."""
    user = require("visit.write", user)
    with writing():
        row = QueueEntry.get_or_none(QueueEntry.id == entry_id)
        last = (QueueEntry.select(pw.fn.MAX(QueueEntry.turn)).where((QueueEntry.day == row.day)
                & (QueueEntry.poli == row.poli_id)).scalar() if row else 0) or 0
        return _entry(_move(entry_id, "menunggu", user, turn=last + 1))


def serve(entry_id: int, *, user: SignedIn | None = None) -> Entry:
    """The patient came in: Dilayani."""
    user = require("visit.write", user)
    with writing():
        return _entry(_move(entry_id, "dilayani", user, served_at=now()))


def finish(entry_id: int, visit_id: int, *, user: SignedIn | None = None) -> Entry:
    """Selesai: the poli saved the visit (its diagnoses with it)."""
    user = require("visit.write", user)
    with writing():
        row = QueueEntry.get_or_none(QueueEntry.id == entry_id)
        visit = Visit.get_or_none(Visit.id == visit_id)
        if row is not None and (visit is None or visit.patient_id != row.patient_id):
            owner = Patient.get_or_none(Patient.id == visit.patient_id) if visit else None
            raise KnownError(_("Kunjungan {visit} bukan milik {patient} ({no_rm}) dari antrean {label}{owner}.").format(
                visit=visit_id, patient=row.patient.name, no_rm=row.patient.no_rm, label=row.label,
                owner=_(": kunjungan itu milik {name} ({no_rm})").format(name=owner.name, no_rm=owner.no_rm)
                if owner else ""))
        return _entry(_move(entry_id, "selesai", user, visit=visit_id, finished_at=now()))


def refer(entry_id: int, to_poli_id: int, *, note: str = "", visit_id: int | None = None,
          user: SignedIn | None = None) -> Entry:
    """Dirujuk: the patient goes on to another poli the same day, keeping the same visit; returns
    the new entry there."""
    user = require("visit.write", user)
    with writing():
        row = QueueEntry.get_or_none(QueueEntry.id == entry_id)
        if row is not None and row.poli_id == to_poli_id:
            raise KnownError(_("{label} sudah di poli {poli}; pilih poli lain untuk rujukan.").format(
                label=row.label, poli=row.poli.name))
        moved = _move(entry_id, "dirujuk", user, finished_at=now(), note=_note(note),
                      **({"visit": visit_id} if visit_id else {}))
        return add(moved.patient_id, to_poli_id, note=note, day=moved.day, referred_from=moved.id,
                   visit_id=visit_id or moved.visit_id, user=user)


def cancel(entry_id: int, reason: str, *, user: SignedIn | None = None) -> Entry:
    """Batal, with the reason (the patient went home, registered twice)."""
    user = require("visit.write", user)
    if not _note(reason):
        raise KnownError(_("Alasan pembatalan wajib diisi, misalnya 'pasien pulang sebelum dipanggil'."))
    with writing():
        return _entry(_move(entry_id, "batal", user, note=_note(reason), finished_at=now()))


def _with_patient_and_poli() -> pw.ModelSelect:
    """Entries with their patient and poli in the same query, as ``_entry`` reads them."""
    return (QueueEntry.select(QueueEntry, Patient, Poli).join(Patient, on=(QueueEntry.patient == Patient.id))
            .switch(QueueEntry).join(Poli, on=(QueueEntry.poli == Poli.id)))


def day_list(day: dt.date | None = None, *, poli_id: int | None = None, user: SignedIn | None = None) -> list[Entry]:
    """The day's queue (of one poli), in the order it is called."""
    require("patient.read", user)
    query = _with_patient_and_poli().where(QueueEntry.day == (day or clock.today()))
    if poli_id is not None:
        query = query.where(QueueEntry.poli == poli_id)
    return [_entry(row) for row in query.order_by(Poli.sort_order, Poli.name, *CALL_ORDER)]


def unfinished(day: dt.date, *, user: SignedIn | None = None) -> list[Entry]:
    """The entries of ``day`` still open: at the end of the day the clerk closes each (the visit
    saved, or Batal with a reason)."""
    user = require("patient.read", user)
    return [entry for entry in day_list(day, user=user) if entry.state in OPEN]


def left_open(before: dt.date | None = None, *, user: SignedIn | None = None) -> list[Entry]:
    """Entries of earlier days never closed: the loket closes them before the day's queue starts."""
    require("patient.read", user)
    query = (_with_patient_and_poli().where((QueueEntry.day < (before or clock.today())) & QueueEntry.state.in_(OPEN))
             .order_by(QueueEntry.day, Poli.sort_order, QueueEntry.turn))
    return [_entry(row) for row in query]


def close_left_open(before: dt.date | None = None, *, user: SignedIn | None = None) -> int:
    """Batal for every entry of an earlier day still open, with the reason said once; returns how many."""
    user = require("visit.write", user)
    with writing():
        found = left_open(before, user=user)
        for entry in found:
            cancel(entry.id, _("tidak selesai pada harinya ({day})").format(day=entry.day.strftime("%d-%m-%Y")),
                   user=user)
    return len(found)


@dataclass(frozen=True)
class PoliQueue:
    """One poli's queue as the loket and the waiting-room screen show it."""

    poli_id: int
    poli: str
    waiting: int
    longest_wait: dt.timedelta | None  # of those still waiting
    serving: str  # the number called or being served ("" none)
    next_numbers: tuple[str, ...]


def overview(day: dt.date | None = None, *, at: dt.datetime | None = None, user: SignedIn | None = None) -> list[PoliQueue]:
    """Each poli with a queue today: how many wait, the longest wait, who is served, who is next."""
    require("patient.read", user)
    moment = at or now()
    found: dict[int, list[Entry]] = {}
    for entry in day_list(day, user=user):
        found.setdefault(entry.poli_id, []).append(entry)
    result = []
    for poli_id, rows in found.items():
        waiting = [e for e in rows if e.state == "menunggu"]
        serving = [e for e in rows if e.state in ("dipanggil", "dilayani")]
        oldest = min((e.arrived_at for e in waiting), default=None)
        result.append(PoliQueue(poli_id, rows[0].poli, len(waiting), moment - oldest if oldest else None,
                                max(serving, key=lambda e: e.called_at or e.arrived_at).label if serving else "",
                                tuple(e.shown_label for e in waiting[:3])))
    return result


def whole_minutes(value: dt.timedelta | None) -> int | None:
    """A wait or a service in whole minutes, as the recap, the register and the command line print it."""
    return round(value.total_seconds() / 60) if value is not None else None


@dataclass(frozen=True)
class QueueTimes:
    """How long patients waited (arrival -> called) and were served (called -> done) at one poli,
    or on one day: ``called`` entries count for the wait, the ``finished`` ones (Selesai, Dirujuk)
    for the service."""

    name: str  # the poli's name, or the day as ``26 November 2026``
    called: int
    wait_mean: dt.timedelta | None
    wait_median: dt.timedelta | None
    wait_longest: dt.timedelta | None
    finished: int
    service_mean: dt.timedelta | None
    service_median: dt.timedelta | None


def times(start: dt.date, end: dt.date, *, by: str = "poli", user: SignedIn | None = None) -> list[QueueTimes]:
    """Waiting and service times over the days ``start`` to ``end`` (a day or a month), a row per
    poli (``by="poli"``, in the polis' order) or per day (``by="day"``)."""
    require("report.make", user)
    rows = (QueueEntry.select(Poli.name, QueueEntry.day, QueueEntry.arrived_at, QueueEntry.called_at,
                              QueueEntry.finished_at, QueueEntry.state)
            .join(Poli, on=(QueueEntry.poli == Poli.id))
            .where((QueueEntry.day >= start) & (QueueEntry.day <= end) & QueueEntry.called_at.is_null(False))
            .order_by(Poli.sort_order, Poli.name, QueueEntry.day).tuples())
    waits: dict[Any, list[dt.timedelta]] = {}  # by poli name (str) or day (date)
    services: dict[Any, list[dt.timedelta]] = {}
    for poli, day, arrived, called, finished, state in rows:
        key = poli if by == "poli" else day
        waits.setdefault(key, []).append(called - arrived)
        if finished is not None and state in ("selesai", "dirujuk"):
            services.setdefault(key, []).append(finished - called)

    def median(values: list[dt.timedelta]) -> dt.timedelta | None:
        return sorted(values)[len(values) // 2] if values else None

    def mean(values: list[dt.timedelta]) -> dt.timedelta | None:
        return sum(values, dt.timedelta()) / len(values) if values else None

    keys = list(waits) if by == "poli" else sorted(waits)
    return [QueueTimes(key if by == "poli" else format_date(key), len(waits[key]), mean(waits[key]), median(waits[key]),
                       max(waits[key]), len(services.get(key, [])), mean(services.get(key, [])),
                       median(services.get(key, [])))
            for key in keys]
