"""What the national SATUSEHAT platform knows this office's people and places by."""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.base import BaseModel, IdentifierField, now
from kupang_desk.models.visits import Visit


class SatusehatId(BaseModel):
    """One SATUSEHAT id of a local thing: a patient's IHS number (fetched once by NIK), a poli's
    Location, a health worker's Practitioner (by the name visits carry, with the NIK to look it up)."""

    KINDS = ("patient", "location", "practitioner")

    kind = pw.CharField(max_length=12)
    key = pw.CharField(max_length=100)  # patient id, poli id, the health worker's name
    ihs_id = IdentifierField(max_length=64, default="")
    nik = IdentifierField(max_length=16, default="")  # a practitioner's NIK, for the lookup
    updated_at = pw.DateTimeField(default=now)

    class Meta:
        table_name = "satusehat_id"
        indexes = ((("kind", "key"), True),)


class SatusehatOutbox(BaseModel):
    """One visit event to send to SATUSEHAT: its first record, a correction or a deletion. Written
    in the transaction that records the event, so a visit saved is a visit queued."""

    ACTIONS = ("create", "update", "delete")
    # waiting: Menunggu; sent: Terkirim; failed: Gagal (the service refused it: Kirim ulang after
    # fixing); incomplete: Perlu dilengkapi (master data missing); cancelled: nothing to send (the
    # visit was deleted before it ever left)
    STATES = ("waiting", "sent", "failed", "incomplete", "cancelled")

    visit = pw.ForeignKeyField(Visit, backref="+", index=True)
    action = pw.CharField(max_length=8)
    state = pw.CharField(max_length=12, default="waiting")
    attempts = pw.IntegerField(default=0)  # posts that went out (or may have)
    faults = pw.IntegerField(default=0)  # server faults and timeouts in a row: the backoff grows with them
    next_try_at = pw.DateTimeField(default=now)
    message = pw.TextField(default="")  # the service's answer, or what is missing
    claimed_by = pw.CharField(max_length=64, default="")  # the sender working on it (another PC's too)
    claimed_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=now)
    sent_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "satusehat_outbox"
        indexes = ((("state", "next_try_at"), False),)


class SatusehatResource(BaseModel):
    """A resource the service accepted for a visit and the id it gave it: a correction updates
    these, a deletion marks them entered-in-error, nothing is created twice."""

    visit = pw.ForeignKeyField(Visit, backref="+", index=False)
    part = pw.CharField(max_length=60)  # encounter, condition/A09, observation/8867-4
    resource_type = pw.CharField(max_length=20)
    resource_id = IdentifierField(max_length=64)

    class Meta:
        table_name = "satusehat_resource"
        indexes = ((("visit", "part"), True),)
