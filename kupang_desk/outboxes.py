"""What every outbox to a national service (SATUSEHAT, P-Care) shares on screen: its states and
actions in words, the status bar's line, when a row was sent or is tried again. Each service keeps
its own rules, sender and rows (``satusehat.outbox``, ``pcare.outbox``)."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from kupang_desk.formatting import format_datetime
from kupang_desk.i18n import _
from kupang_desk.models import now


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


def put_back(model, row_ids: list[int] | None) -> int:
    """Kirim ulang, inside the caller's transaction: the chosen rows of an outbox table (else every
    Gagal and Perlu dilengkapi row) go back to Menunggu, due now, their faults cleared. Returns how many."""
    query = model.update(state="waiting", next_try_at=now(), message="", faults=0).where(
        model.state.in_(("failed", "incomplete", "waiting")))
    query = query.where(model.id.in_(row_ids)) if row_ids else query.where(model.state != "waiting")
    return query.execute()
