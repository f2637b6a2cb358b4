"""What every outbox to a national service (SATUSEHAT, P-Care) shares on screen: its states and
actions in words, the status bar's line, when a row was sent or is tried again. Each service keeps
its own rules, sender and rows (``satusehat.outbox``, ``pcare.outbox``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from kupang_desk.formatting import format_datetime
from kupang_desk.i18n import _
from kupang_desk.models import Patient, Visit, now
from kupang_desk.validators import typed


def state_words() -> dict[str, str]:
    return {"waiting": _("Menunggu"), "sent": _("Terkirim"), "failed": _("Gagal"), "incomplete": _("Perlu dilengkapi"),
            "cancelled": _("Tidak perlu dikirim")}


def action_words() -> dict[str, str]:
    return {"create": _("Kunjungan"), "update": _("Koreksi"), "delete": _("Penghapusan")}


def status_line(service: str, numbers: dict[str, int]) -> str:
    """``SATUSEHAT: 12 menunggu, 2 perlu dilengkapi, 1 gagal``, or "" when the queue is empty."""
    parts = []
    for state, words in (("waiting", _("{n} menunggu")), ("incomplete", _("{n} perlu dilengkapi")), ("failed", _("{n} gagal"))):
        if numbers.get(state):
            parts.append(words.format(n=numbers[state]))
    return f"{service}: " + ", ".join(parts) if parts else ""


def when_words(state: str, next_try_at: dt.datetime | None, sent_at: dt.datetime | None) -> str:
    """``terkirim 5 Desember 2026 09.12``, ``dicoba lagi ...``, or ""."""
    if state == "sent" and sent_at:
        return _("terkirim {at}").format(at=format_datetime(sent_at))
    if state in ("waiting", "incomplete") and next_try_at and next_try_at > now():
        return _("dicoba lagi {at}").format(at=format_datetime(next_try_at))
    return ""


def backoff(faults: int, first: float, most: float, draw: float) -> float:
    """Exponential backoff with jitter: the n-th fault waits about first * 2^(n-1), between half and
    all of it (``draw`` in [0, 1)), at most ``most``, so that many PCs coming back together do not
    knock at once."""
    return min(most, first * 2 ** max(faults - 1, 0)) * (0.5 + 0.5 * draw)


STOP, FAILED, LINE, LATER = "stop", "failed", "line", "later"


def fault_outcome(status: int, retryable: bool, faults: int, most: int) -> str:
    """What a service's refusal or fault means for the row it answered (``faults`` counting this one):

    - ``STOP``: the credentials or the PC's clock (401, 403): every row would be refused; the row
      waits and the run stops with the message;
    - ``FAILED``: the service refused this row (a 4xx), or faulted ``most`` times in a row (5xx);
    - ``LINE``: no connection: the row is due again as soon as the line is back; the run stops;
    - ``LATER``: a fault worth trying again after its backoff."""
    if status in (401, 403):
        return STOP
    if not retryable or (status >= 500 and faults >= most):
        return FAILED
    return LINE if status == 0 else LATER


OPEN = ("waiting", "incomplete", "failed")


def open_counts(model) -> dict[str, int]:
    """How many rows of an outbox table are in each open state (no personal data: its callers check)."""
    found = dict(model.select(model.state, pw.fn.COUNT(model.id)).where(model.state.in_(OPEN)).group_by(model.state).tuples())
    return {state: found.get(state, 0) for state in OPEN}


def _free(model, sender: str, lease: dt.timedelta) -> pw.Expression:
    """Rows no other living sender holds (a claim older than ``lease`` is a sender that died)."""
    return model.claimed_at.is_null() | (model.claimed_at <= now() - lease) | (model.claimed_by == sender)


def due(model, sender: str, lease: dt.timedelta, limit: int) -> list:
    """Rows whose turn it is: the first open row of each visit, due now, held by no other sender,
    oldest first. Its callers, the senders, check visit.write."""
    first_open = model.select(pw.fn.MIN(model.id)).where(model.state.in_(OPEN)).group_by(model.visit)
    return list(model.select().where(
        model.state.in_(("waiting", "incomplete")) & (model.next_try_at <= now()) & _free(model, sender, lease)
        & model.id.in_(first_open)).order_by(model.id).limit(limit))


def claim(model, row_id: int, sender: str, lease: dt.timedelta) -> bool:
    """Takes a row for ``sender`` inside the caller's transaction; False when another sender has it."""
    return bool(model.update(claimed_by=sender, claimed_at=now()).where(
        (model.id == row_id) & model.state.in_(("waiting", "incomplete")) & _free(model, sender, lease)).execute())


def put_back(model, row_ids: list[int] | None) -> int:
    """Kirim ulang, inside the caller's transaction: the chosen rows of an outbox table (else every
    Gagal and Perlu dilengkapi row) go back to Menunggu, due now, their faults cleared. Returns how many."""
    query = model.update(state="waiting", next_try_at=now(), message="", faults=0).where(
        model.state.in_(("failed", "incomplete", "waiting")))
    query = query.where(model.id.in_(row_ids)) if row_ids else query.where(model.state != "waiting")
    return query.execute()


@dataclass
class Pass:
    """What one run of a sender did."""

    sent: int = 0
    failed: int = 0
    incomplete: int = 0
    cancelled: int = 0
    recovered: int = 0  # found already at the service (an earlier answer lost): not posted again
    retries: int = 0  # answers that will be tried again (server faults, 429, a timeout)
    stopped: str = ""  # why the run stopped early (no connection, the credentials)

    def text(self) -> str:
        words = _("{sent} terkirim, {failed} gagal, {incomplete} perlu dilengkapi, {retries} dicoba lagi nanti").format(
            sent=self.sent, failed=self.failed, incomplete=self.incomplete, retries=self.retries)
        return words + (f". {self.stopped}" if self.stopped else ".")


@dataclass(frozen=True)
class Row:
    """One outbox row as the screen shows it (a service's own row adds its fields after these)."""

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
        return when_words(self.state, self.next_try_at, self.sent_at)


def screen_rows(model, row: type[Row], *, state: str, text: str, limit: int, extra: tuple = (), joined=None) -> list:
    """An outbox table's rows for the screen (its callers check patient.read): open rows first, then
    the latest; ``state`` and a visit number or a part of the patient's name or No. RM narrow it.
    ``extra`` columns come after the shared ones, from ``joined(query)`` when they need a join."""
    query = (model.select(model.id, model.visit, Visit.visit_at, Patient.no_rm, Patient.name, model.action, model.state,
                          model.attempts, model.message, model.next_try_at, model.sent_at, *extra)
             .join(Visit, on=(model.visit == Visit.id)).join(Patient, on=(Visit.patient == Patient.id)))
    if joined is not None:
        query = joined(query)
    if state:
        query = query.where(model.state == state)
    words = typed(text)
    if words.isdigit():
        query = query.where((model.visit == int(words)) | (Patient.no_rm == words))
    elif words:
        query = query.where(Patient.name.contains(words) | Patient.no_rm.contains(words))
    is_open = pw.Case(None, [(model.state.in_(OPEN), 0)], 1)
    return [row(*values) for values in query.order_by(is_open, model.id.desc()).limit(limit).tuples()]


def problem_lines(rows_of) -> list[str]:
    """The Gagal and Perlu dilengkapi rows (50 of each at most) as the command line prints them;
    ``rows_of`` is a service's ``outbox_view.rows`` (which checks patient.read)."""
    return [f"{row.visit_id}\t{state_words()[row.state]}\t{row.no_rm} {row.patient}\t" + " ".join(row.message.split())
            for state in ("failed", "incomplete") for row in rows_of(state=state, limit=50)]


def rows_of_visits(rows_of, visit_ids: list[int]) -> list[int]:
    """The outbox rows of these visit numbers (the command line's ``retry VISIT_ID...``)."""
    return [row.id for visit in visit_ids for row in rows_of(text=str(visit)) if row.visit_id == visit]
