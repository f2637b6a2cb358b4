"""What BPJS's P-Care holds of this office's JKN visits, and the outbox that brings it there."""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.accounts import User
from kupang_desk.models.base import BaseModel, IdentifierField, now
from kupang_desk.models.visits import Visit


class PcareOutbox(BaseModel):
    """One JKN visit event to send to P-Care: its first record (pendaftaran then kunjungan), a
    correction (the kunjungan edited) or a deletion (the kunjungan and the pendaftaran deleted).
    Written in the transaction that records the event: a visit saved is a visit queued."""

    ACTIONS = ("create", "update", "delete")
    # waiting: Menunggu; sent: Terkirim; failed: Gagal (P-Care refused it: Kirim ulang after fixing);
    # incomplete: Perlu dilengkapi (a code or a card number missing, said in words); cancelled:
    # nothing to send (deleted before it ever left)
    STATES = ("waiting", "sent", "failed", "incomplete", "cancelled")

    visit = pw.ForeignKeyField(Visit, backref="+", index=True)
    action = pw.CharField(max_length=8)
    state = pw.CharField(max_length=12, default="waiting")
    attempts = pw.IntegerField(default=0)  # posts that went out (or may have): looked up before the next
    faults = pw.IntegerField(default=0)  # server faults in a row: the backoff grows with them
    next_try_at = pw.DateTimeField(default=now)
    message = pw.TextField(default="")
    claimed_by = pw.CharField(max_length=64, default="")
    claimed_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=now)
    sent_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "pcare_outbox"
        indexes = ((("state", "next_try_at"), False),)


class PcareVisit(BaseModel):
    """The numbers P-Care gave one visit: its pendaftaran (noUrut, on a day at a poli) and its
    kunjungan (noKunjungan). A correction edits that kunjungan; a deletion deletes both."""

    visit = pw.ForeignKeyField(Visit, backref="+", unique=True)
    card_number = IdentifierField(max_length=13)
    day = pw.DateField()
    poli_code = pw.CharField(max_length=5)
    registration_number = IdentifierField(max_length=20, default="")  # noUrut
    visit_number = IdentifierField(max_length=30, default="")  # noKunjungan
    deleted = pw.BooleanField(default=False)
    updated_at = pw.DateTimeField(default=now)

    class Meta:
        table_name = "pcare_visit"


class PcareReferral(BaseModel):
    """A JKN visit referred to hospital (rujukan lanjut), as P-Care wants it: the subspecialty and the
    receiving facility by BPJS's own codes (chosen from P-Care's lists), the planned day, and for a
    diagnosis BPJS counts as non-specialist the TACC reason (Time, Age, Complication, Comorbidity)."""

    visit = pw.ForeignKeyField(Visit, backref="+", unique=True)
    subspecialty_code = pw.CharField(max_length=10)
    subspecialty_name = pw.CharField(max_length=120, default="")
    facility_code = IdentifierField(max_length=20)  # kdppk
    facility_name = pw.CharField(max_length=150, default="")
    planned_on = pw.DateField()  # tglEstRujuk
    tacc = pw.SmallIntegerField(default=-1)  # -1: none
    tacc_reason = pw.CharField(max_length=150, default="")
    by = pw.ForeignKeyField(User, null=True, backref="+", index=False)
    updated_at = pw.DateTimeField(default=now)

    class Meta:
        table_name = "pcare_referral"
