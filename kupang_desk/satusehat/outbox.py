"""The SATUSEHAT outbox: every visit event queued in the transaction that records it, and the
sender that empties the queue when the line allows.

A row is one event of one visit: its record (create), a correction (update) or a deletion. Rows of
one visit go in order; a row that failed holds back the later rows of its visit. The states are
Menunggu (waiting), Terkirim (sent), Gagal (the service refused it: fix, then Kirim ulang),
Perlu dilengkapi (master data missing, said in words; checked again every few minutes and as
soon as Pengaturan > SATUSEHAT is saved) and Tidak perlu dikirim (deleted before it ever left).

Nothing is sent twice:

- an attempt is counted in the database before its request leaves; before a row that has an
  attempt is posted again, the service is asked whether it already holds the Encounter with the
  visit's identifier (a post whose answer was lost, a sender killed mid-send); when it does, the
  ids are recovered instead of posting again. A restore counts an attempt on every open row (the
  backup may predate a send), so those are checked too. The Encounter also carries
  ``ifNoneExist`` on that identifier, but that alone would not keep a second copy of its
  Conditions and Observations out;
- the ids the service returns are kept (``SatusehatResource``): a correction replaces those
  resources (``PUT``) and a deletion marks them entered-in-error;
- a sender claims a row before it posts (a lease other senders, on this PC or another, respect).

Failures: no connection stops the run (the next run is after a pause); 429 waits Retry-After;
a server fault (5xx, a timeout) is tried again with exponential backoff and jitter, and after
``MAX_ATTEMPTS`` the row is Gagal; a refusal of the bundle (4xx) is Gagal with the service's words;
401/403 (the credentials) stops the run with the message on the row.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import peewee as pw

from kupang_desk import audit, settings
from kupang_desk.accounts.permissions import SYSTEM_SATUSEHAT, PermissionDenied, require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime, format_decimal
from kupang_desk.i18n import _
from kupang_desk.models import (
    Patient,
    SatusehatId,
    SatusehatOutbox,
    SatusehatResource,
    Visit,
    database,
    now,
    writing,
)
from kupang_desk.satusehat import bundle, master
from kupang_desk.satusehat.client import Client, ServiceError
from kupang_desk.tasks import Cancelled, Task
from kupang_desk.validators import typed

log = logging.getLogger(__name__)

OPEN = ("waiting", "incomplete", "failed")
LEASE = dt.timedelta(seconds=90)  # a claim older than this is a sender that died
MAX_ATTEMPTS = 8  # server faults in a row before a row is Gagal
BACKOFF_FIRST, BACKOFF_MOST = 30.0, 3600.0  # seconds
RECHECK_INCOMPLETE = dt.timedelta(minutes=10)
LINE_PAUSE_FIRST, LINE_PAUSE_MOST = 30.0, 600.0  # seconds between runs while there is no connection
IDLE_POLL = 60.0  # seconds between looks at the queue when nothing is due
BATCH = 200


def state_words() -> dict[str, str]:
    return {"waiting": _("Menunggu"), "sent": _("Terkirim"), "failed": _("Gagal"), "incomplete": _("Perlu dilengkapi"),
            "cancelled": _("Tidak perlu dikirim")}


def action_words() -> dict[str, str]:
    return {"create": _("Kunjungan"), "update": _("Koreksi"), "delete": _("Penghapusan")}


def enabled() -> bool:
    """Whether this office sends its visits to SATUSEHAT (Pengaturan > SATUSEHAT)."""
    return bool(settings.get("satusehat.enabled"))


def note(visit_id: int, action: str) -> None:
    """Queues one event of a visit inside the caller's transaction (the visit's own), so the visit
    and its row commit together. Nothing when this office does not send to SATUSEHAT.

    A correction of a visit whose first row has not left needs no row: that row sends the visit
    as it is then. A deletion of a visit that never left closes its rows: there is nothing to
    cancel."""
    if action not in SatusehatOutbox.ACTIONS:
        raise ValueError(action)
    if not enabled():
        return
    rows = list(SatusehatOutbox.select().where(SatusehatOutbox.visit == visit_id))
    never_left = (all(r.attempts == 0 and r.state != "sent" for r in rows)
                  and not SatusehatResource.select().where(SatusehatResource.visit == visit_id).exists())
    waiting_first = [r for r in rows if r.state in ("waiting", "incomplete") and r.attempts == 0]
    if action == "update" and waiting_first and never_left:
        return
    if action == "delete" and rows and never_left:
        SatusehatOutbox.update(state="cancelled", message=_("Kunjungan dihapus sebelum terkirim."),
                               next_try_at=now()).where(SatusehatOutbox.id.in_([r.id for r in rows])).execute()
        return
    SatusehatOutbox.create(visit=visit_id, action=action, created_at=now(), next_try_at=now())


def patient_changed(patient_id: int, *, nik_changed: bool, visit_ids: list[int] | None = None) -> None:
    """Inside the caller's transaction (a patient corrected or merged): a NIK that changed takes the
    IHS number looked up by the old one with it (the next send looks it up again), and each visit of
    the patient the service holds (or those of ``visit_ids``) is queued as a correction, so that
    SATUSEHAT never keeps a visit under the wrong person."""
    if nik_changed:
        SatusehatId.delete().where((SatusehatId.kind == "patient") & (SatusehatId.key == str(patient_id))).execute()
    if not enabled():
        return
    held = SatusehatResource.select(SatusehatResource.visit).where(SatusehatResource.part == "encounter")
    query = Visit.select(Visit.id).where((Visit.patient == patient_id) & Visit.deleted_at.is_null() & Visit.id.in_(held))
    if visit_ids is not None:
        query = query.where(Visit.id.in_(visit_ids))
    for (visit_id,) in query.tuples():
        note(visit_id, "update")


def after_restore() -> None:
    """Inside the restore's transaction: the backup may be older than a send, so every open row
    counts as attempted and is checked at the service before it is posted."""
    SatusehatOutbox.update(attempts=1).where(SatusehatOutbox.state.in_(OPEN) & (SatusehatOutbox.attempts == 0)).execute()


def enqueue_since(since: dt.date, *, task: Task | None = None, user: SignedIn | None = None) -> int:
    """Queues the visits since ``since`` that have no row yet (the backlog of the days before the
    office turned SATUSEHAT on). Returns how many were queued."""
    user = require("visit.write", user)
    task = task or Task()
    queued = SatusehatOutbox.select(SatusehatOutbox.visit)
    with writing():
        ids = [i for (i,) in Visit.select(Visit.id).where(
            (Visit.visit_at >= dt.datetime.combine(since, dt.time())) & Visit.deleted_at.is_null()
            & ~(Visit.id.in_(queued))).order_by(Visit.visit_at, Visit.id).tuples()]
        at = now()
        for start in range(0, len(ids), 500):
            task.step(start, len(ids), _("Memasukkan kunjungan ke antrean SATUSEHAT"))
            SatusehatOutbox.insert_many([{"visit": i, "action": "create", "created_at": at, "next_try_at": at}
                                         for i in ids[start:start + 500]]).execute()
        if ids:
            audit.record("satusehat_queue", "visit", "", {"queued": len(ids), "since": since.isoformat()}, user)
    return len(ids)


def counts(*, user: SignedIn | None = None) -> dict[str, int]:
    """How many rows are in each open state: the status bar's "SATUSEHAT: 12 menunggu"."""
    require("patient.read", user)
    found = dict(SatusehatOutbox.select(SatusehatOutbox.state, pw.fn.COUNT(SatusehatOutbox.id))
                 .where(SatusehatOutbox.state.in_(OPEN)).group_by(SatusehatOutbox.state).tuples())
    return {state: found.get(state, 0) for state in OPEN}


def status_line(numbers: dict[str, int]) -> str:
    """``SATUSEHAT: 12 menunggu, 2 perlu dilengkapi, 1 gagal``, or "" when the queue is empty."""
    parts = []
    if numbers.get("waiting"):
        parts.append(_("{n} menunggu").format(n=numbers["waiting"]))
    if numbers.get("incomplete"):
        parts.append(_("{n} perlu dilengkapi").format(n=numbers["incomplete"]))
    if numbers.get("failed"):
        parts.append(_("{n} gagal").format(n=numbers["failed"]))
    return "SATUSEHAT: " + ", ".join(parts) if parts else ""


@dataclass(frozen=True)
class Row:
    """One outbox row as the screen shows it."""

    id: int
    visit_id: int
    visit_at: dt.datetime
    no_rm: str
    patient: str
    action: str
    state: str
    attempts: int
    message: str
    next_try_at: dt.datetime | None
    sent_at: dt.datetime | None

    @property
    def when(self) -> str:
        if self.state == "sent" and self.sent_at:
            return _("terkirim {at}").format(at=format_datetime(self.sent_at))
        if self.state in ("waiting", "incomplete") and self.next_try_at and self.next_try_at > now():
            return _("dicoba lagi {at}").format(at=format_datetime(self.next_try_at))
        return ""


def rows(*, state: str = "", text: str = "", limit: int = 1000, user: SignedIn | None = None) -> list[Row]:
    """The outbox for the screen: open rows first, then the latest; ``state`` and a visit number
    or a part of the patient's name or No. RM narrow it."""
    require("patient.read", user)
    o = SatusehatOutbox
    query = (o.select(o.id, o.visit, Visit.visit_at, Patient.no_rm, Patient.name, o.action, o.state, o.attempts,
                      o.message, o.next_try_at, o.sent_at)
             .join(Visit, on=(o.visit == Visit.id)).join(Patient, on=(Visit.patient == Patient.id)))
    if state:
        query = query.where(SatusehatOutbox.state == state)
    words = typed(text)
    if words.isdigit():
        query = query.where((SatusehatOutbox.visit == int(words)) | (Patient.no_rm == words))
    elif words:
        query = query.where(Patient.name.contains(words) | Patient.no_rm.contains(words))
    is_open = pw.Case(None, [(SatusehatOutbox.state.in_(OPEN), 0)], 1)
    query = query.order_by(is_open, SatusehatOutbox.id.desc()).limit(limit)
    return [Row(*values) for values in query.tuples()]


def readable(row_id: int, *, user: SignedIn | None = None) -> str:
    """What the row sends, as the clerk reads it: what is missing or what the service said, the
    ids it gave, and each resource of the visit's bundle in a line (times in WITA)."""
    user = require("patient.read", user)
    row = SatusehatOutbox.get_or_none(SatusehatOutbox.id == row_id)
    if row is None:
        raise KnownError(_("Baris antrean {id} tidak ada.").format(id=row_id))
    made = bundle.build(row.visit_id, include_deleted=True, user=user)
    lines = [_("Kunjungan No. {id}: {action}, {state}").format(
        id=row.visit_id, action=action_words()[row.action], state=state_words()[row.state])]
    if made.missing and row.state != "sent":
        lines += [_("Belum ada: {what}").format(what=line) for line in made.missing]
    elif row.message:
        lines.append(row.message)
    for part, kind, resource_id in _known_rows(row.visit_id):
        lines.append(_("Diterima SATUSEHAT: {part} = {kind}/{id}").format(part=part, kind=kind, id=resource_id))
    visit_at = Visit.select(Visit.visit_at).where(Visit.id == row.visit_id).scalar()
    for entry in made.bundle["entry"]:
        lines.append("")
        lines.append(_describe(entry["resource"], visit_at))
    return "\n".join(lines)


def _amount(value: dict) -> str:
    return f"{format_decimal(value['value'])} {'°C' if value['unit'] == 'C' else value['unit']}"


def _describe(resource: dict, visit_at: dt.datetime) -> str:
    """One resource in a line a clerk can check against the visit."""
    kind = resource["resourceType"]
    if kind == "Encounter":
        return _("Encounter {at} WITA ({utc} UTC) di {place}, {who}; pasien {patient} ({ref})").format(
            at=format_datetime(visit_at), utc=resource["period"]["start"][11:16], who=resource["participant"][0][
                "individual"]["display"], place=resource["location"][0]["location"]["display"],
            patient=resource["subject"]["display"], ref=resource["subject"]["reference"])
    coding = resource["code"]["coding"][0]
    if kind == "Condition":
        return _("Condition {code} {title} ({status})").format(
            code=coding["code"], title=coding.get("display", ""),
            status=resource.get("clinicalStatus", {}).get("coding", [{}])[0].get("code", ""))
    if "valueQuantity" in resource:
        return f"Observation {coding['display']}: {_amount(resource['valueQuantity'])}"
    parts = [_amount(c["valueQuantity"]).split()[0] for c in resource.get("component", [])]
    return f"Observation {coding['display']}: {'/'.join(parts)} mmHg"


def retry(row_ids: list[int] | None = None, *, user: SignedIn | None = None) -> int:
    """Kirim ulang: the chosen rows (else every Gagal and Perlu dilengkapi row) go back to
    Menunggu, due now, with their count of server faults cleared. Returns how many."""
    user = require("visit.write", user)
    with writing():
        query = SatusehatOutbox.update(state="waiting", next_try_at=now(), message="", faults=0).where(
            SatusehatOutbox.state.in_(("failed", "incomplete", "waiting")))
        if row_ids:
            query = query.where(SatusehatOutbox.id.in_(row_ids))
        else:
            query = query.where(SatusehatOutbox.state != "waiting")
        changed = query.execute()
        if changed:
            audit.record("satusehat_retry", "visit", "", {"rows": changed}, user)
    return changed


def _known_rows(visit_id: int) -> list[tuple[str, str, str]]:
    return list(SatusehatResource.select(SatusehatResource.part, SatusehatResource.resource_type,
                                         SatusehatResource.resource_id)
                .where(SatusehatResource.visit == visit_id).order_by(SatusehatResource.part).tuples())


def _keep(visit_id: int, found: dict[str, tuple[str, str]]) -> None:
    """The ids the service gave (or holds), one statement: a part already known gets its new id."""
    r = SatusehatResource
    r.insert_many([{"visit": visit_id, "part": part, "resource_type": kind, "resource_id": resource_id}
                   for part, (kind, resource_id) in found.items()]).on_conflict(
        conflict_target=[r.visit, r.part], update={r.resource_type: pw.EXCLUDED.resource_type,
                                                   r.resource_id: pw.EXCLUDED.resource_id}).execute()


def _part_of(resource: dict) -> str:
    coding = (resource.get("code") or {}).get("coding") or [{}]
    code = str(coding[0].get("code", ""))
    if resource.get("resourceType") == "Condition":
        return f"condition/{code}"
    return "observation/blood-pressure" if code == bundle.BLOOD_PRESSURE[0] else f"observation/{code}"


def _ids_from_reply(reply: dict, parts: list[str]) -> dict[str, tuple[str, str]]:
    """The resource type and id the service gave each entry, from its transaction-response."""
    found = {}
    entries = reply.get("entry", []) if isinstance(reply, dict) else []
    if len(entries) != len(parts):  # the ids are looked up by the Encounter's identifier on the next try
        raise ServiceError(_("Jawaban SATUSEHAT atas bundle tidak lengkap ({got} dari {sent} entri).").format(
            got=len(entries), sent=len(parts)), status=502)
    for part, entry in zip(parts, entries, strict=True):
        location = str((entry.get("response") or {}).get("location") or "")
        kind, _slash, rest = location.partition("/")
        resource_id = rest.split("/")[0]
        if not resource_id and isinstance(entry.get("resource"), dict):
            kind, resource_id = entry["resource"].get("resourceType", ""), str(entry["resource"].get("id", ""))
        if kind and resource_id:
            found[part] = (kind, resource_id)
    if "encounter" not in found:
        raise ServiceError(_("SATUSEHAT menerima bundle tetapi tidak menyebut ID Encounter-nya."), status=502)
    return found


@dataclass
class Pass:
    """What one run of the sender did."""

    sent: int = 0
    failed: int = 0
    incomplete: int = 0
    cancelled: int = 0
    recovered: int = 0  # found already at the service (an earlier answer lost): not posted again
    retries: int = 0  # answers that will be tried again (server faults, 429, a timeout)
    requests: int = 0
    stopped: str = ""  # why the run stopped early (no connection, the credentials)

    def text(self) -> str:
        words = _("{sent} terkirim, {failed} gagal, {incomplete} perlu dilengkapi, {retries} dicoba lagi nanti").format(
            sent=self.sent, failed=self.failed, incomplete=self.incomplete, retries=self.retries)
        return words + (f". {self.stopped}" if self.stopped else ".")


class _Stop(Exception):
    """The run cannot go on now (no connection, credentials refused)."""


class Sender:
    """Sends due rows through one client. Safe to run on several PCs at once (rows are claimed).
    It acts as ``SYSTEM_SATUSEHAT`` (named so in the trail) whoever asked it to send."""

    def __init__(self, client: Client, *, lease: dt.timedelta = LEASE, backoff_first: float | None = None,
                 rng: Callable[[], float] = random.random) -> None:
        self.client, self.user = client, SYSTEM_SATUSEHAT
        self.lease, self.rng = lease, rng
        self.backoff_first = BACKOFF_FIRST if backoff_first is None else backoff_first
        self.name = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def backoff(self, attempts: int) -> float:
        """Exponential backoff with jitter: the n-th fault waits about first * 2^(n-1), between half
        and all of it, at most an hour, so that many PCs coming back together do not knock at once."""
        ceiling = min(BACKOFF_MOST, self.backoff_first * 2 ** max(attempts - 1, 0))
        return ceiling * (0.5 + 0.5 * self.rng())

    def _free(self) -> pw.Expression:
        """Rows no other living sender holds."""
        return (SatusehatOutbox.claimed_at.is_null() | (SatusehatOutbox.claimed_at <= now() - self.lease)
                | (SatusehatOutbox.claimed_by == self.name))

    def due(self, limit: int = BATCH) -> list[SatusehatOutbox]:
        """Rows whose turn it is: the first open row of each visit, due now, held by no other
        sender, oldest first."""
        first_open = (SatusehatOutbox.select(pw.fn.MIN(SatusehatOutbox.id)).where(SatusehatOutbox.state.in_(OPEN))
                      .group_by(SatusehatOutbox.visit))
        return list(SatusehatOutbox.select().where(
            SatusehatOutbox.state.in_(("waiting", "incomplete")) & (SatusehatOutbox.next_try_at <= now())
            & self._free() & SatusehatOutbox.id.in_(first_open)).order_by(SatusehatOutbox.id).limit(limit))

    def run(self, task: Task | None = None, *, until_empty: bool = False) -> Pass:
        """Sends what is due now; with ``until_empty`` waits for the retries too, until no row is
        Menunggu (or the line is down, or the user cancels)."""
        require("visit.write", self.user)
        task = task or Task()
        result = Pass()
        _retry_refused()
        self.client.pause = lambda seconds: self._pause(task, seconds)
        requests_before = self.client.requests
        try:
            while True:
                batch = self.due()
                handled = 0
                for number, row in enumerate(batch):
                    task.step(number, len(batch), _("Mengirim ke SATUSEHAT: kunjungan {id}").format(id=row.visit_id))
                    handled += self._one(row, result, task)
                if handled:
                    continue
                if not until_empty:
                    break
                soonest = (SatusehatOutbox.select(pw.fn.MIN(SatusehatOutbox.next_try_at))
                           .where(SatusehatOutbox.state == "waiting").scalar())
                if soonest is None:
                    break
                self._pause(task, max((soonest - now()).total_seconds(), 0.05))
        except _Stop as stop:
            result.stopped = str(stop)
        finally:
            result.requests = self.client.requests - requests_before
        return result

    def _pause(self, task: Task, seconds: float) -> None:
        if task.wait(seconds):
            raise Cancelled()

    def _claim(self, row: SatusehatOutbox) -> bool:
        with writing():
            return bool(SatusehatOutbox.update(claimed_by=self.name, claimed_at=now()).where(
                (SatusehatOutbox.id == row.id) & SatusehatOutbox.state.in_(("waiting", "incomplete"))
                & self._free()).execute())

    def _settle(self, row: SatusehatOutbox, state: str, message: str = "", *, after: float = 0.0,
                found: dict[str, tuple[str, str]] | None = None, audit_it: bool = True, fault: bool = False) -> None:
        """The row's outcome, its ids and its audit event, in one transaction; the claim is let go."""
        with writing():
            if found:
                _keep(row.visit_id, found)
            at = now()
            SatusehatOutbox.update(
                state=state, message=message[:1000], claimed_by="", claimed_at=None,
                faults=SatusehatOutbox.faults + 1 if fault else 0,
                next_try_at=at + dt.timedelta(seconds=after), sent_at=at if state == "sent" else None,
            ).where(SatusehatOutbox.id == row.id).execute()
            if audit_it:
                audit.record("satusehat", "visit", row.visit_id, {
                    "action": row.action, "result": state, "attempts": row.attempts,
                    **({"ids": {part: "/".join(ids) for part, ids in found.items()}} if found else {}),
                    **({"message": message[:300]} if message else {})}, self.user)

    def _one(self, row: SatusehatOutbox, result: Pass, task: Task) -> bool:
        """Sends one row; False when another sender took it first."""
        if not self._claim(row):
            return False
        row = SatusehatOutbox.get_by_id(row.id)
        try:
            self._deliver(row, result)
        except ServiceError as error:
            self._fault(row, error, result, task)
        except PermissionDenied as error:  # the program's own rights, not the visit's fault: tried again
            log.warning("SATUSEHAT sender refused (%s); visit %s tried again later", error, row.visit_id)
            self._settle(row, "waiting", str(error), after=self.backoff(row.faults + 1), fault=True)
            result.retries += 1
        except Cancelled:
            self._settle(row, row.state, row.message, audit_it=False)
            raise
        except KnownError as error:  # the visit cannot be built (gone from the database)
            self._settle(row, "failed", str(error))
            result.failed += 1
        return True

    def _fault(self, row: SatusehatOutbox, error: ServiceError, result: Pass, task: Task) -> None:
        message = str(error)
        if error.status in (401, 403):
            self._settle(row, "waiting", message, after=self.backoff(1))
            raise _Stop(message)
        if not error.retryable:
            self._settle(row, "failed", message)
            result.failed += 1
            return
        faults = row.faults + 1
        if error.status >= 500 and faults >= MAX_ATTEMPTS:
            self._settle(row, "failed", _("{message} (sudah dicoba {n} kali)").format(message=message, n=faults))
            result.failed += 1
            return
        if error.status == 0:  # the line, not the row: due again as soon as the line is back
            self._settle(row, "waiting", message)
            result.retries += 1
            raise _Stop(message)
        wait = max(self.backoff(faults), error.retry_after or 0.0)
        self._settle(row, "waiting", message, after=wait, fault=True)
        result.retries += 1
        if error.status == 429:
            self._pause(task, error.retry_after or self.backoff(1))

    def _deliver(self, row: SatusehatOutbox, result: Pass) -> None:
        found = self._fetch_patient(row.visit_id)
        made = bundle.build(row.visit_id, include_deleted=True, user=self.user)
        deleted = Visit.select(Visit.deleted_at).where(Visit.id == row.visit_id).scalar() is not None
        known = {part: (kind, resource_id) for part, kind, resource_id in _known_rows(row.visit_id)}
        if not made.ready and not (deleted and known):
            if deleted:
                self._settle(row, "cancelled", _("Kunjungan dihapus sebelum terkirim."))
                result.cancelled += 1
            else:
                self._settle(row, "incomplete", "\n".join([*made.missing, *([found] if found else [])]),
                             after=RECHECK_INCOMPLETE.total_seconds())
                result.incomplete += 1
            return
        if "encounter" not in known and made.ready and row.attempts:
            known = self._recover(made)
            if known:
                with writing():
                    _keep(row.visit_id, known)
                if row.action == "create":
                    self._settle(row, "sent", _("Sudah ada di SATUSEHAT (jawaban kiriman sebelumnya tidak sampai)."),
                                 found=known)
                    result.recovered += 1
                    result.sent += 1
                    return
        if deleted and "encounter" not in known:
            self._settle(row, "cancelled", _("Kunjungan dihapus sebelum terkirim."))
            result.cancelled += 1
            return
        if "encounter" in known:
            body, parts = bundle.revised(made, known, cancel=deleted)
        else:
            body, parts = made.bundle, made.parts
        bundle.validate(body)  # FHIR R4 before it leaves; a failure is Gagal with the problem, never posted
        with writing():  # counted before it leaves: a lost answer is checked for, never posted blind
            SatusehatOutbox.update(attempts=SatusehatOutbox.attempts + 1).where(SatusehatOutbox.id == row.id).execute()
        row.attempts += 1
        _status, reply = self.client.fhir("POST", "", body)
        self._settle(row, "sent", found=_ids_from_reply(reply, parts))
        result.sent += 1

    def _fetch_patient(self, visit_id: int) -> str:
        """The patient's IHS number, looked up when the patient has none yet: by NIK, or for a baby
        without NIK by its mother's NIK and birth date. Returns why a baby was not found ("" otherwise)."""
        patient_id, nik, mother_nik, born, sex, name = (
            Visit.select(Patient.id, Patient.nik, Patient.mother_nik, Patient.birth_date, Patient.sex, Patient.name)
            .join(Patient, on=(Visit.patient == Patient.id)).where(Visit.id == visit_id).tuples().get())
        if not (nik or mother_nik) or master.id_of("patient", patient_id):
            return ""
        if nik:
            ihs_id, why = self.client.patient_by_nik(nik), ""
        else:
            ihs_id, why = master.find_baby(self.client, mother_nik, born, sex, name)
        if ihs_id:
            master.keep_found_patient_id(patient_id, ihs_id, user=self.user)
        return why

    def _recover(self, made: bundle.Built) -> dict[str, tuple[str, str]]:
        """What the service already holds of this visit, found by the Encounter's identifier."""
        identifier = made.bundle["entry"][0]["resource"]["identifier"][0]
        _status, found = self.client.fhir("GET", "Encounter", params={
            "identifier": f"{identifier['system']}|{identifier['value']}"})
        encounters = [e["resource"] for e in found.get("entry", []) if e.get("resource", {}).get("id")]
        if not encounters:
            return {}
        encounter_id = str(encounters[0]["id"])
        known = {"encounter": ("Encounter", encounter_id)}
        for kind in ("Condition", "Observation"):
            _status, held = self.client.fhir("GET", kind, params={"encounter": f"Encounter/{encounter_id}"})
            for entry in held.get("entry", []):
                resource = entry.get("resource", {})
                if resource.get("id"):
                    known[_part_of(resource)] = (kind, str(resource["id"]))
        return known


def _retry_refused() -> None:
    """Rows an older version marked Gagal because the clerk's account could not store a patient's
    IHS number (a poli window sending): due again, since the sender now acts with its own rights."""
    with writing():
        SatusehatOutbox.update(state="waiting", message="", faults=0, next_try_at=now()).where(
            (SatusehatOutbox.state == "failed") & SatusehatOutbox.message.contains("tidak berhak")).execute()


def send(client: Client, *, task: Task | None = None, until_empty: bool = False, user: SignedIn | None = None,
         **options) -> Pass:
    """One run of the sender (the command line's ``satusehat send``, the window's background)."""
    require("visit.write", user)  # who asks for it; the sending itself acts as SYSTEM_SATUSEHAT
    return Sender(client, **options).run(task, until_empty=until_empty)


def keep_sending(task: Task, *, on_change: Callable[[dict[str, int]], None], wake: threading.Event | None = None,
                 user: SignedIn | None = None, make_client: Callable[[], Client] = Client.from_settings) -> None:
    """The window's sender: runs until the task is cancelled (the window closes), sending what is
    due, pausing longer while there is no connection, and reporting the counts after each run.
    ``wake`` cuts a pause short (a visit was just recorded)."""
    user = require("visit.write", user)
    wake = wake or threading.Event()
    pause = LINE_PAUSE_FIRST
    sender: Sender | None = None
    while not task.cancel_requested:
        wake.clear()
        result = None
        if enabled():
            try:
                sender = sender or Sender(make_client())
                result = sender.run(task)
            except Cancelled:
                return
            except KnownError as error:  # not configured yet, or the database is away: look again later
                log.info("SATUSEHAT sender waits: %s", error)
                sender, result = None, Pass(stopped=str(error))
        on_change(counts(user=user))
        if result is not None and result.stopped:
            wait, pause = pause, min(pause * 2, LINE_PAUSE_MOST)
        else:
            wait, pause = IDLE_POLL, LINE_PAUSE_FIRST
        deadline = time.monotonic() + wait
        while not wake.is_set() and (left := deadline - time.monotonic()) > 0:
            if task.wait(min(left, 0.25)):
                return


class Background:
    """``keep_sending`` on a thread of its own. A daemon thread: closing the window asks it to stop
    and waits a moment; one still inside a request is left to end with the program, which loses
    nothing (the attempt was counted, and the next start asks the service before posting)."""

    def __init__(self, on_change: Callable[[dict[str, int]], None], *, user: SignedIn | None = None,
                 make_client: Callable[[], Client] = Client.from_settings) -> None:
        self.user = require("visit.write", user)
        self.on_change, self.make_client = on_change, make_client
        self.task, self._wake = Task(), threading.Event()
        self.thread = threading.Thread(target=self._run, name="satusehat-sender", daemon=True)

    def start(self) -> Background:
        self.thread.start()
        return self

    def wake(self) -> None:
        """Look at the queue now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 3.0) -> bool:
        """Asks the sender to stop; True when it has."""
        self.task.cancel()
        self._wake.set()
        if self.thread.is_alive():
            self.thread.join(timeout)
        return not self.thread.is_alive()

    def _run(self) -> None:
        try:
            keep_sending(self.task, on_change=self.on_change, wake=self._wake, user=self.user,
                         make_client=self.make_client)
        except Exception:  # a defect: logged, the window goes on without the sender
            log.exception("SATUSEHAT sender stopped")
        finally:
            database.close()
