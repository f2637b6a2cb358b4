"""What the screens and the command line show of the P-Care outbox: the states in words, the counts
for the status bar ("P-Care: 3 menunggu") and the rows of the Antrean P-Care window."""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from kupang_desk import outboxes
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.models import PcareOutbox, PcareVisit

state_words, action_words = outboxes.state_words, outboxes.action_words


def counts(*, user: SignedIn | None = None) -> dict[str, int]:
    """How many rows are in each open state."""
    require("patient.read", user)
    return outboxes.open_counts(PcareOutbox)


def status_line(numbers: dict[str, int]) -> str:
    """``P-Care: 12 menunggu, 2 perlu dilengkapi, 1 gagal``, or "" when the queue is empty."""
    return outboxes.status_line("P-Care", numbers)


@dataclass(frozen=True)
class Row(outboxes.Row):
    """One outbox row as the screen shows it, with the numbers P-Care gave the visit."""

    registration_number: str | None
    visit_number: str | None


def rows(*, state: str = "", text: str = "", limit: int = 1000, user: SignedIn | None = None) -> list[Row]:
    """The outbox for the screen (``outboxes.screen_rows``), with P-Care's numbers of each visit."""
    require("patient.read", user)
    return outboxes.screen_rows(
        PcareOutbox, Row, state=state, text=text, limit=limit,
        extra=(PcareVisit.registration_number, PcareVisit.visit_number),
        joined=lambda query: query.join(PcareVisit, pw.JOIN.LEFT_OUTER, on=(PcareVisit.visit == PcareOutbox.visit)))
