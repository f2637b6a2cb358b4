"""The SATUSEHAT sender: takes the due rows of the outbox (a claim other senders respect), posts each
visit's Bundle, keeps the ids the service returns, and never sends a visit twice (see
``satusehat.outbox`` for the rules it follows)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import peewee as pw

from kupang_desk import audit, outboxes
from kupang_desk.accounts.permissions import SYSTEM_SATUSEHAT, PermissionDenied, require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import (
    Patient,
    SatusehatOutbox,
    SatusehatResource,
    Visit,
    now,
    writing,
)
from kupang_desk.satusehat import bundle, master, outbox
from kupang_desk.satusehat.client import Client, ServiceError
from kupang_desk.tasks import Cancelled, Task

log = logging.getLogger(__name__)


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
class Pass(outboxes.Pass):
    """What one run of the sender did, with the requests it made."""

    requests: int = 0


class _Stop(Exception):
    """The run cannot go on now (no connection, credentials refused)."""


class Sender:
    """Sends due rows through one client. Safe to run on several PCs at once (rows are claimed).
    It acts as ``SYSTEM_SATUSEHAT`` (named so in the trail) whoever asked it to send."""

    def __init__(self, client: Client, *, lease: dt.timedelta = outbox.LEASE, backoff_first: float | None = None,
                 rng: Callable[[], float] = random.random) -> None:
        self.client, self.user = client, SYSTEM_SATUSEHAT
        self.lease, self.rng = lease, rng
        self.backoff_first = outbox.BACKOFF_FIRST if backoff_first is None else backoff_first
        self.name = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def backoff(self, attempts: int) -> float:
        """Exponential backoff with jitter: the n-th fault waits about first * 2^(n-1), between half
        and all of it, at most an hour, so that many PCs coming back together do not knock at once."""
        return outboxes.backoff(attempts, self.backoff_first, outbox.BACKOFF_MOST, self.rng())

    def due(self, limit: int = outbox.BATCH) -> list[SatusehatOutbox]:
        """Rows whose turn it is (``outboxes.due``)."""
        return outboxes.due(SatusehatOutbox, self.name, self.lease, limit)

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
            return outboxes.claim(SatusehatOutbox, row.id, self.name, self.lease)

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
        message, faults = str(error), row.faults + 1
        outcome = outboxes.fault_outcome(error.status, error.retryable, faults, outbox.MAX_ATTEMPTS)
        if outcome == outboxes.FAILED:
            self._settle(row, "failed", message if not error.retryable else
                         _("{message} (sudah dicoba {n} kali)").format(message=message, n=faults))
            result.failed += 1
            return
        if outcome == outboxes.STOP:
            self._settle(row, "waiting", message, after=self.backoff(1))
            raise _Stop(message)
        if outcome == outboxes.LINE:  # the line, not the row: due again as soon as the line is back
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
        known = {part: (kind, resource_id) for part, kind, resource_id in outbox.known_resources(row.visit_id)}
        if not made.ready and not (deleted and known):
            if deleted:
                self._settle(row, "cancelled", _("Kunjungan dihapus sebelum terkirim."))
                result.cancelled += 1
            else:
                self._settle(row, "incomplete", "\n".join([*made.missing, *([found] if found else [])]),
                             after=outbox.RECHECK_INCOMPLETE.total_seconds())
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
