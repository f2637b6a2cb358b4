"""The P-Care outbox's rules: every JKN visit queued in the transaction that records it, and what
the sender (``pcare.sending``) must hold to. The shape is the SATUSEHAT outbox's; the protocol is
not: P-Care knows a visit as a pendaftaran (a number for the member at a poli on a day, noUrut)
and a kunjungan on it (noKunjungan).

A row is one event of one JKN visit (paid by a payment type marked BPJS): its record (create:
pendaftaran, then kunjungan), a correction (update: the kunjungan edited) or a deletion (the
kunjungan and the pendaftaran deleted). Rows of one visit go in order. The states are Menunggu,
Terkirim, Gagal (P-Care refused it: fix, then Kirim ulang), Perlu dilengkapi (a card number or one
of P-Care's codes missing, said in words) and Tidak perlu dikirim (deleted before it ever left).

Nothing is sent twice: an attempt is counted in the database before its request leaves; before a
row that has an attempt is posted again, P-Care is asked what it holds (the day's registrations,
the member's kunjungan) and the numbers it gave are recovered instead. A restore counts an
attempt on every open row for the same reason. The numbers P-Care gives are kept (``PcareVisit``).
"""

from __future__ import annotations

import datetime as dt

from kupang_desk import audit, outboxes, settings
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import FormInvalid
from kupang_desk.i18n import _
from kupang_desk.models import PaymentType, PcareOutbox, PcareVisit, Visit, now, writing

OPEN = outboxes.OPEN
LEASE = dt.timedelta(seconds=90)  # a claim older than this is a sender that died
MAX_ATTEMPTS = 8  # server faults in a row before a row is Gagal
BACKOFF_FIRST, BACKOFF_MOST = 30.0, 3600.0  # seconds
RECHECK_INCOMPLETE = dt.timedelta(minutes=10)
BATCH = 200
# The codes P-Care owns, chosen by the office from P-Care's own reference lists (Pengaturan > P-Care,
# "Ambil daftar dari P-Care"): never guessed, since a wrong code is accepted and wrong.
CODES = ("doctor", "awareness", "discharge", "referral")  # referral: the discharge status of a rujukan lanjut


def enabled() -> bool:
    """Whether this office sends its JKN visits to P-Care (Pengaturan > P-Care)."""
    return bool(settings.get("pcare.enabled"))


def codes() -> dict:
    """The office's P-Care codes: ``poli`` (poli id as text -> kdPoli) and ``CODES``."""
    chosen = settings.get("pcare.codes")
    return {"poli": dict(chosen.get("poli") or {}), **{name: str(chosen.get(name) or "") for name in CODES}}


def save_codes(poli: dict[int, str], doctor: str, awareness: str, discharge: str, *, referral: str = "",
               turn_on: bool | None = None, user: SignedIn | None = None) -> dict:
    """Keeps the codes chosen from P-Care's lists (and, when given, whether JKN visits are sent). The
    referral's discharge status is needed only once a visit is referred to hospital (its row says so)."""
    user = require("settings.edit", user)
    cleaned = {"poli": {str(poli_id): code.strip() for poli_id, code in poli.items() if code and code.strip()},
               "doctor": doctor.strip(), "awareness": awareness.strip(), "discharge": discharge.strip(),
               "referral": referral.strip()}
    errors = {name: _("Pilih {what} dari daftar P-Care.").format(what=label) for name, label in (
        ("doctor", _("dokter")), ("awareness", _("kesadaran")), ("discharge", _("status pulang"))) if turn_on and not cleaned[name]}
    if turn_on and not cleaned["poli"]:
        errors["poli"] = _("Pasangkan paling sedikit satu poli dengan kode poli P-Care.")
    if errors:
        raise FormInvalid(errors, lead=_("Pengiriman ke P-Care belum dinyalakan: "))
    with writing():
        settings.put("pcare.codes", cleaned)
        if turn_on is not None:
            settings.put("pcare.enabled", turn_on)
        audit.record("update", "setting", "pcare.codes", {**cleaned, **({"enabled": turn_on} if turn_on is not None else {})},
                     user)
    return cleaned


def is_jkn(visit_id: int) -> bool:
    """Paid by JKN: the visit's payment type is marked BPJS."""
    return bool(Visit.select(PaymentType.is_bpjs).join(PaymentType, on=(Visit.payment_type == PaymentType.id))
                .where(Visit.id == visit_id).scalar())


def note(visit_id: int, action: str) -> None:
    """Queues one event of a visit inside the caller's transaction (the visit's own). Nothing when
    the office does not send to P-Care, or for a visit not paid by JKN that P-Care never held.

    A correction of a visit whose first row has not left needs no row: that row sends the visit as
    it is then. A correction that makes a visit JKN queues its first record; one that takes it out
    of JKN after P-Care holds it deletes it there. A deletion of a visit that never left closes its
    rows."""
    if action not in PcareOutbox.ACTIONS:
        raise ValueError(action)
    if not enabled():
        return
    rows = list(PcareOutbox.select().where(PcareOutbox.visit == visit_id))
    held = PcareVisit.select().where((PcareVisit.visit == visit_id) & ~PcareVisit.deleted).exists()
    never_left = all(r.attempts == 0 and r.state != "sent" for r in rows) and not held
    jkn = action != "delete" and is_jkn(visit_id)
    if action == "create":
        if jkn:
            PcareOutbox.create(visit=visit_id, action="create", created_at=now(), next_try_at=now())
        return
    if action == "update":
        if jkn and not rows:  # made JKN by the correction
            PcareOutbox.create(visit=visit_id, action="create", created_at=now(), next_try_at=now())
            return
        if never_left and any(r.state in ("waiting", "incomplete") and r.action == "create" for r in rows):
            if not jkn:  # taken out of JKN before it left: nothing to send
                _cancel(rows, _("Kunjungan tidak lagi dibayar JKN sebelum terkirim."))
            return
        if not rows:
            return
        action = "update" if jkn else "delete"
    if action == "delete" and never_left:
        _cancel(rows, _("Kunjungan dihapus sebelum terkirim."))
        return
    PcareOutbox.create(visit=visit_id, action=action, created_at=now(), next_try_at=now())


def _cancel(rows: list[PcareOutbox], why: str) -> None:
    PcareOutbox.update(state="cancelled", message=why, next_try_at=now()).where(
        PcareOutbox.id.in_([r.id for r in rows if r.state != "sent"])).execute()


def after_restore() -> None:
    """Inside the restore's transaction: the backup may be older than a send, so every open row
    counts as attempted and P-Care is asked before it is posted."""
    PcareOutbox.update(attempts=1).where(PcareOutbox.state.in_(OPEN) & (PcareOutbox.attempts == 0)).execute()


def retry(row_ids: list[int] | None = None, *, user: SignedIn | None = None) -> int:
    """Kirim ulang: the chosen rows (else every Gagal and Perlu dilengkapi row) go back to Menunggu,
    due now, with their count of server faults cleared. Returns how many."""
    user = require("visit.write", user)
    with writing():
        changed = outboxes.put_back(PcareOutbox, row_ids)
        if changed:
            audit.record("pcare_retry", "visit", "", {"rows": changed}, user)
    return changed

