"""The SATUSEHAT outbox's rules: every visit event queued in the transaction that records it, and
what the sender that empties the queue when the line allows must hold to. The sender is
``satusehat.sending``, its thread while the window is open ``satusehat.background``, and what the
screens and the command line show of the queue ``satusehat.outbox_view``.

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

from kupang_desk import audit, outboxes, settings
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.i18n import _
from kupang_desk.models import (
    SatusehatId,
    SatusehatOutbox,
    SatusehatResource,
    Visit,
    now,
    writing,
)
from kupang_desk.tasks import Task

log = logging.getLogger(__name__)

OPEN = outboxes.OPEN
LEASE = dt.timedelta(seconds=90)  # a claim older than this is a sender that died
MAX_ATTEMPTS = 8  # server faults in a row before a row is Gagal
BACKOFF_FIRST, BACKOFF_MOST = 30.0, 3600.0  # seconds
RECHECK_INCOMPLETE = dt.timedelta(minutes=10)
LINE_PAUSE_FIRST, LINE_PAUSE_MOST = 30.0, 600.0  # seconds between runs while there is no connection
IDLE_POLL = 60.0  # seconds between looks at the queue when nothing is due
BATCH = 200


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


def retry(row_ids: list[int] | None = None, *, user: SignedIn | None = None) -> int:
    """Kirim ulang: the chosen rows (else every Gagal and Perlu dilengkapi row) go back to
    Menunggu, due now, with their count of server faults cleared. Returns how many."""
    user = require("visit.write", user)
    with writing():
        changed = outboxes.put_back(SatusehatOutbox, row_ids)
        if changed:
            audit.record("satusehat_retry", "visit", "", {"rows": changed}, user)
    return changed

def known_resources(visit_id: int) -> list[tuple[str, str, str]]:
    return list(SatusehatResource.select(SatusehatResource.part, SatusehatResource.resource_type,
                                         SatusehatResource.resource_id)
                .where(SatusehatResource.visit == visit_id).order_by(SatusehatResource.part).tuples())
