"""What the screens and the command line show of the P-Care outbox: the states in words, the counts
for the status bar ("P-Care: 3 menunggu") and the rows of the Antrean P-Care window."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from kupang_desk import outboxes
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.models import Patient, PcareOutbox, PcareVisit, Visit
from kupang_desk.pcare.outbox import OPEN
from kupang_desk.validators import typed

state_words, action_words = outboxes.state_words, outboxes.action_words


def counts(*, user: SignedIn | None = None) -> dict[str, int]:
    """How many rows are in each open state."""
    require("patient.read", user)
    return outboxes.open_counts(PcareOutbox)


def status_line(numbers: dict[str, int]) -> str:
    """``P-Care: 12 menunggu, 2 perlu dilengkapi, 1 gagal``, or "" when the queue is empty."""
    return outboxes.status_line("P-Care", numbers)


@dataclass(frozen=True)
class Row:
    """One outbox row as the screen shows it, with the numbers P-Care gave the visit."""

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
    registration_number: str | None
    visit_number: str | None

    @property
    def when(self) -> str:
        return outboxes.when_words(self.state, self.next_try_at, self.sent_at)


def rows(*, state: str = "", text: str = "", limit: int = 1000, user: SignedIn | None = None) -> list[Row]:
    """The outbox for the screen: open rows first, then the latest; ``state`` and a visit number
    or a part of the patient's name or No. RM narrow it."""
    require("patient.read", user)
    o = PcareOutbox
    query = (o.select(o.id, o.visit, Visit.visit_at, Patient.no_rm, Patient.name, o.action, o.state, o.attempts, o.message,
                      o.next_try_at, o.sent_at, PcareVisit.registration_number, PcareVisit.visit_number)
             .join(Visit, on=(o.visit == Visit.id)).join(Patient, on=(Visit.patient == Patient.id))
             .join(PcareVisit, pw.JOIN.LEFT_OUTER, on=(PcareVisit.visit == o.visit)))
    if state:
        query = query.where(o.state == state)
    words = typed(text)
    if words.isdigit():
        query = query.where((o.visit == int(words)) | (Patient.no_rm == words))
    elif words:
        query = query.where(Patient.name.contains(words) | Patient.no_rm.contains(words))
    is_open = pw.Case(None, [(o.state.in_(OPEN), 0)], 1)
    return [Row(*values) for values in query.order_by(is_open, o.id.desc()).limit(limit).tuples()]
