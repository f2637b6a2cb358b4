"""What the screens and the command line show of the SATUSEHAT outbox: the states and actions in
words, the counts for the status bar, the rows of the Antrean SATUSEHAT window and what one row
sends, readable."""

from __future__ import annotations

import datetime as dt
import logging

from kupang_desk import outboxes
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime, format_decimal
from kupang_desk.i18n import _
from kupang_desk.models import (
    SatusehatOutbox,
    Visit,
)
from kupang_desk.satusehat import bundle
from kupang_desk.satusehat.outbox import known_resources

log = logging.getLogger(__name__)
state_words, action_words = outboxes.state_words, outboxes.action_words


def counts(*, user: SignedIn | None = None) -> dict[str, int]:
    """How many rows are in each open state: the status bar's "SATUSEHAT: 12 menunggu"."""
    require("patient.read", user)
    return outboxes.open_counts(SatusehatOutbox)


def status_line(numbers: dict[str, int]) -> str:
    """``SATUSEHAT: 12 menunggu, 2 perlu dilengkapi, 1 gagal``, or "" when the queue is empty."""
    return outboxes.status_line("SATUSEHAT", numbers)


Row = outboxes.Row


def rows(*, state: str = "", text: str = "", limit: int = 1000, user: SignedIn | None = None) -> list[Row]:
    """The outbox for the screen (``outboxes.screen_rows``)."""
    require("patient.read", user)
    return outboxes.screen_rows(SatusehatOutbox, Row, state=state, text=text, limit=limit)


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
    for part, kind, resource_id in known_resources(row.visit_id):
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
