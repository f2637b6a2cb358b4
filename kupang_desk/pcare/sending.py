"""The P-Care sender: takes the due rows of the outbox (a claim other senders respect), registers
each JKN visit and sends its kunjungan, keeps the numbers P-Care gives, and never sends a visit
twice (see ``pcare.outbox`` for the rules it follows). It acts as ``SYSTEM_PCARE``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from kupang_desk import audit, outboxes
from kupang_desk.accounts.permissions import SYSTEM_PCARE, require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import (
    Patient,
    PcareOutbox,
    PcareReferral,
    PcareVisit,
    Poli,
    Visit,
    VisitDiagnosis,
    now,
    writing,
)
from kupang_desk.pcare import outbox
from kupang_desk.pcare.client import Client, Kunjungan, PcareError, Registration, day_text
from kupang_desk.tasks import Task
from kupang_desk.visits.vitals import SIGNS

log = logging.getLogger(__name__)

Pass = outboxes.Pass


class _Stop(Exception):
    """The run cannot go on now (no connection, the credentials or the clock refused)."""


@dataclass(frozen=True)
class _Prepared:
    """A visit as P-Care will receive it, or what is missing for it."""

    registration: Registration | None
    kunjungan: Kunjungan | None
    missing: list[str]


class Sender:
    """Sends due rows through one client; safe on several PCs at once (rows are claimed)."""

    def __init__(self, client: Client, provider_code: str, *, lease: dt.timedelta = outbox.LEASE,
                 backoff_first: float | None = None, rng: Callable[[], float] = random.random) -> None:
        self.client, self.provider_code, self.user = client, provider_code, SYSTEM_PCARE
        self.lease, self.rng = lease, rng
        self.backoff_first = outbox.BACKOFF_FIRST if backoff_first is None else backoff_first
        self.name = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def backoff(self, faults: int) -> float:
        return outboxes.backoff(faults, self.backoff_first, outbox.BACKOFF_MOST, self.rng())

    def due(self, limit: int = outbox.BATCH) -> list[PcareOutbox]:
        """Rows whose turn it is (``outboxes.due``)."""
        return outboxes.due(PcareOutbox, self.name, self.lease, limit)

    def run(self, task: Task | None = None) -> Pass:
        """Sends what is due now, each row once (a retry waits for its turn in a later run)."""
        require("visit.write", self.user)
        task = task or Task()
        result = Pass()
        tried: set[int] = set()  # one try per row in a run: a fault waits for its backoff, in a later run
        try:
            while True:
                batch = [row for row in self.due() if row.id not in tried]
                handled = 0
                for number, row in enumerate(batch):
                    task.step(number, len(batch), _("Mengirim ke P-Care: kunjungan {id}").format(id=row.visit_id))
                    tried.add(row.id)
                    handled += self._one(row, result)
                if not handled:
                    break
        except _Stop as stop:
            result.stopped = str(stop)
        return result

    def _claim(self, row: PcareOutbox) -> bool:
        with writing():
            return outboxes.claim(PcareOutbox, row.id, self.name, self.lease)

    def _settle(self, row: PcareOutbox, state: str, message: str = "", *, after: float = 0.0, fault: bool = False,
                audit_it: bool = True) -> None:
        """The row's outcome and its audit event in one transaction; the claim is let go."""
        with writing():
            at = now()
            PcareOutbox.update(state=state, message=message[:1000], claimed_by="", claimed_at=None,
                               faults=PcareOutbox.faults + 1 if fault else 0, next_try_at=at + dt.timedelta(seconds=after),
                               sent_at=at if state == "sent" else None).where(PcareOutbox.id == row.id).execute()
            if audit_it:
                held = PcareVisit.get_or_none(PcareVisit.visit == row.visit_id)
                audit.record("pcare", "visit", row.visit_id, {
                    "action": row.action, "result": state, "attempts": row.attempts,
                    **({"noUrut": held.registration_number, "noKunjungan": held.visit_number} if held else {}),
                    **({"message": message[:300]} if message else {})}, self.user)

    def _one(self, row: PcareOutbox, result: Pass) -> bool:
        if not self._claim(row):
            return False
        row = PcareOutbox.get_by_id(row.id)
        try:
            self._deliver(row, result)
        except PcareError as error:
            self._fault(row, error, result)
        except KnownError as error:
            self._settle(row, "failed", str(error))
            result.failed += 1
        return True

    def _fault(self, row: PcareOutbox, error: PcareError, result: Pass) -> None:
        message, faults = str(error), row.faults + 1
        outcome = outboxes.fault_outcome(error.status, error.retryable, faults, outbox.MAX_ATTEMPTS)
        if outcome == outboxes.FAILED:
            self._settle(row, "failed", message if not error.retryable else
                         _("{message} (sudah dicoba {n} kali)").format(message=message, n=faults))
            result.failed += 1
            return
        if outcome == outboxes.STOP:  # the credentials or the PC's clock: every row would be refused
            self._settle(row, "waiting", message, after=self.backoff(1))
            raise _Stop(message)
        self._settle(row, "waiting", message, after=0.0 if outcome == outboxes.LINE else self.backoff(faults),
                     fault=outcome == outboxes.LATER)
        result.retries += 1
        if outcome == outboxes.LINE:  # the line, not the row
            raise _Stop(message)

    def _count_attempt(self, row: PcareOutbox) -> None:
        """Counted before the request leaves: a lost answer is looked up, never posted blind."""
        with writing():
            PcareOutbox.update(attempts=PcareOutbox.attempts + 1).where(PcareOutbox.id == row.id).execute()
        row.attempts += 1

    def _deliver(self, row: PcareOutbox, result: Pass) -> None:
        visit = Visit.get_or_none(Visit.id == row.visit_id)
        held = PcareVisit.get_or_none(PcareVisit.visit == row.visit_id)
        if visit is None:
            raise KnownError(_("Kunjungan {id} tidak ada lagi di database.").format(id=row.visit_id))
        if row.action == "delete" or visit.deleted_at is not None:
            self._delete(row, held, result)
            return
        prepared = _prepare(visit, self.provider_code, held)
        if prepared.missing:
            self._settle(row, "incomplete", "\n".join(prepared.missing), after=outbox.RECHECK_INCOMPLETE.total_seconds())
            result.incomplete += 1
            return
        assert prepared.registration is not None and prepared.kunjungan is not None
        if row.action == "update" and held is not None and held.visit_number:
            self._count_attempt(row)
            self.client.edit_visit(prepared.kunjungan, user=self.user)
            self._settle(row, "sent")
            result.sent += 1
            return
        recovered = False
        if held is None or not held.registration_number:
            number = self._find_registration(visit.id, prepared.registration) if row.attempts else ""
            recovered = bool(number)
            if not number:
                registration = self._with_members_provider(prepared.registration)
                self._count_attempt(row)
                try:
                    number = self.client.register(registration, user=self.user)
                except PcareError as error:  # registered by an answer that was lost, or by hand in P-Care
                    number = self._find_registration(visit.id, prepared.registration) if error.status == 412 else ""
                    if not number:
                        raise
                    recovered = True
            held = self._keep(visit.id, prepared.registration, registration_number=number)
        if not held.visit_number:
            number = self._find_visit(visit.id, prepared.kunjungan) if row.attempts or recovered else ""
            recovered = recovered or bool(number)
            if not number:
                self._count_attempt(row)
                number = self.client.add_visit(prepared.kunjungan, user=self.user)
            held = self._keep(visit.id, prepared.registration, visit_number=number)
        self._settle(row, "sent", _("Sudah ada di P-Care (jawaban kiriman sebelumnya tidak sampai).") if recovered else "")
        result.sent += 1
        result.recovered += recovered

    def _delete(self, row: PcareOutbox, held: PcareVisit | None, result: Pass) -> None:
        if held is None or held.deleted or not (held.registration_number or held.visit_number):
            self._settle(row, "cancelled", _("Kunjungan dihapus sebelum terkirim."))
            result.cancelled += 1
            return
        self._count_attempt(row)
        for step in ("visit", "registration"):
            try:
                if step == "visit" and held.visit_number:
                    self.client.delete_visit(held.visit_number, user=self.user)
                elif step == "registration" and held.registration_number:
                    self.client.delete_registration(held.card_number, held.day, held.registration_number, held.poli_code,
                                                    user=self.user)
            except PcareError as error:  # deleted already by an answer that was lost
                if not (error.status == 412 and "tidak ditemukan" in str(error).lower()):
                    raise
        with writing():
            PcareVisit.update(deleted=True, updated_at=now()).where(PcareVisit.id == held.id).execute()
        self._settle(row, "sent")
        result.sent += 1

    def _keep(self, visit_id: int, registration: Registration, **numbers: str) -> PcareVisit:
        with writing():
            held = PcareVisit.get_or_none(PcareVisit.visit == visit_id)
            if held is None:
                held = PcareVisit.create(visit=visit_id, card_number=registration.card_number, day=registration.day,
                                         poli_code=registration.poli_code, **numbers)
            else:
                for name, value in numbers.items():
                    setattr(held, name, value)
                held.updated_at = now()
                held.save()
        return held

    def _with_members_provider(self, registration: Registration) -> Registration:
        """kdProviderPeserta is the member's own FKTP (a member of another puskesmas may be seen here):
        asked of P-Care, which also says when the card is unknown or the membership lapsed."""
        member = self.client.member(registration.card_number, user=self.user)
        if member is None:
            raise KnownError(_("P-Care tidak mengenal No. Kartu {card}; periksa nomor di data pasien.").format(
                card=registration.card_number))
        if not member.active:
            raise KnownError(_("Kepesertaan JKN {name} ({card}) {status}: kunjungan ini tidak bisa didaftarkan di P-Care. "
                               "Ubah cara bayar kunjungan bila pasien membayar sendiri.").format(
                name=member.name, card=registration.card_number, status=member.status))
        return dataclasses.replace(registration, provider_code=member.provider_code or registration.provider_code)

    def _find_registration(self, visit_id: int, registration: Registration) -> str:
        """noUrut of the member's pendaftaran at that poli on that day, if P-Care holds one that no
        other visit of this office holds (a second visit that day is never attached to the first's)."""
        taken = {number for (number,) in PcareVisit.select(PcareVisit.registration_number).where(
            (PcareVisit.day == registration.day) & (PcareVisit.visit != visit_id) & ~PcareVisit.deleted).tuples()}
        for entry in self.client.registrations_on(registration.day, user=self.user):
            number = str(entry.get("noUrut") or "")
            if ((entry.get("peserta") or {}).get("noKartu") == registration.card_number
                    and (entry.get("poli") or {}).get("kdPoli") == registration.poli_code and number not in taken):
                return number
        return ""

    def _find_visit(self, visit_id: int, kunjungan: Kunjungan) -> str:
        """noKunjungan of the member's kunjungan at that poli on that day, if P-Care holds one that no
        other visit of this office holds."""
        taken = {number for (number,) in PcareVisit.select(PcareVisit.visit_number).where(
            (PcareVisit.card_number == kunjungan.card_number) & (PcareVisit.visit != visit_id)).tuples()}
        for entry in self.client.visits_of(kunjungan.card_number, user=self.user):
            number = str(entry.get("noKunjungan") or "")
            if (entry.get("tglKunjungan") == day_text(kunjungan.day) and (entry.get("poli") or {}).get("kdPoli") == kunjungan.poli_code
                    and number not in taken):
                return number
        return ""


def _number(value) -> int | float:
    return float(value) if isinstance(value, Decimal) else value


def _prepare(visit: Visit, provider_code: str, held: PcareVisit | None = None) -> _Prepared:
    """The pendaftaran and kunjungan of a visit, or what the clerk must complete first, in words."""
    patient = Patient.get_by_id(visit.patient_id)
    chosen = outbox.codes()
    missing = []
    card = "".join(ch for ch in patient.bpjs_number if ch.isdigit())
    if len(card) != 13:
        missing.append(_("Pasien {name} (No. RM {no_rm}) belum punya No. Kartu BPJS 13 angka; isi di data pasien "
                         "(tombol Cek BPJS mencarinya dengan NIK).").format(name=patient.name, no_rm=patient.no_rm))
    poli_code = held.poli_code if held is not None else chosen["poli"].get(str(visit.poli_id), "")
    if not poli_code:
        missing.append(_("Poli {poli} belum dipasangkan dengan kode poli P-Care (Pengaturan > P-Care).").format(
            poli=Poli.get_by_id(visit.poli_id).name))
    for name, label in (("doctor", _("dokter")), ("awareness", _("kesadaran")), ("discharge", _("status pulang"))):
        if not chosen[name]:
            missing.append(_("Kode {what} P-Care belum dipilih (Pengaturan > P-Care).").format(what=label))
    diagnoses = tuple(code for (code,) in VisitDiagnosis.select(VisitDiagnosis.icd10).where(VisitDiagnosis.visit == visit.id)
                      .order_by(VisitDiagnosis.is_primary.desc(), VisitDiagnosis.position).tuples())
    if not diagnoses:
        missing.append(_("Kunjungan belum punya diagnosis."))
    referral = PcareReferral.get_or_none(PcareReferral.visit == visit.id) if visit.referral_kind == "external" else None
    if visit.referral_kind == "external" and referral is None:
        missing.append(_("Rujukan ke {place}: pilih faskes tujuan dan subspesialis dari daftar P-Care (Antrean P-Care > "
                         "Lengkapi rujukan BPJS).").format(place=visit.referral_facility or _("faskes lanjutan")))
    if referral is not None and not chosen["referral"]:
        missing.append(_("Kode status pulang untuk rujukan lanjut belum dipilih (Pengaturan > P-Care)."))
    if missing:
        return _Prepared(None, None, missing)
    vitals = {sign.pcare: _number(getattr(visit, sign.field)) for sign in SIGNS
              if sign.pcare and getattr(visit, sign.field) is not None}
    day = held.day if held is not None else visit.visit_at.date()
    registration = Registration(card_number=card, day=day, poli_code=poli_code, provider_code=provider_code,
                                complaint=visit.complaint, sick=not all(code.startswith("Z") for code in diagnoses),
                                vitals=vitals)  # a healthy visit (kunjSakit false): only Z codes, a check-up, KB, ANC
    referred = _referred(referral, chosen["referral"]) if referral is not None else {}
    kunjungan = Kunjungan(card_number=card, day=day, poli_code=poli_code, doctor_code=chosen["doctor"],
                          awareness_code=chosen["awareness"], discharge_code=referred.pop("discharge_code", chosen["discharge"]),
                          diagnoses=diagnoses,
                          complaint=visit.complaint, anamnesis=visit.anamnesis, therapy=visit.therapy, vitals=vitals,
                          temperature=float(visit.temperature_c) if visit.temperature_c is not None else None,
                          number=held.visit_number if held is not None else "",
                          **referred)
    return _Prepared(registration, kunjungan, [])


def _referred(referral: PcareReferral, discharge_code: str) -> dict:
    """The kunjungan's rujukan lanjut: facility, subspecialty and day by P-Care's codes, with TACC."""
    return {"discharge_code": discharge_code, "tacc": referral.tacc, "tacc_reason": referral.tacc_reason,
            "referral": {"kdppk": referral.facility_code, "tglEstRujuk": day_text(referral.planned_on),
                         "subSpesialis": {"kdSubSpesialis1": referral.subspecialty_code, "kdSarana": None}, "khusus": None}}


def send(client: Client, provider_code: str, *, task: Task | None = None, user: SignedIn | None = None, **options) -> Pass:
    """One run of the sender (the command line's ``pcare kirim``, the window's Kirim sekarang)."""
    require("visit.write", user)  # who asks for it; the sending itself acts as SYSTEM_PCARE
    return Sender(client, provider_code, **options).run(task)
