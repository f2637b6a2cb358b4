"""Scholarship programmes, each student's award in one, its status changes and payouts."""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.accounts import User
from kupang_desk.models.base import BaseModel, IdentifierField, now
from kupang_desk.models.students import Student


class ScholarshipProgramme(BaseModel):
    """A programme (PIP, Beasiswa Prestasi Pemkot Kupang, a school's own) for one year.

    Amount rules, eligibility reasons and stage names are editable records (JSON),
    because they change by year and office.
    """

    name = pw.CharField(max_length=120)
    funder = pw.CharField(max_length=120, default="")
    year = pw.IntegerField()
    # {"SD": 450000, "SMP": 750000, "SMA": 1800000, "SMK": 1800000, "half_for_new_and_final": true}
    amount_rules = pw.TextField(default="{}")
    eligibility_reasons = pw.TextField(default="[]")  # JSON list of strings
    stages = pw.TextField(default='["Tahap 1"]')  # JSON list of payout stage names
    active = pw.BooleanField(default=True)

    class Meta:
        indexes = ((("name", "year"), True),)


class Award(BaseModel):
    """One student's award in one programme, followed from proposal to withdrawal."""

    STATUSES = (
        "diusulkan", "sk_nominasi", "rekening_aktif", "sk_pemberian",
        "dicairkan", "diambil", "dibatalkan",
    )

    programme = pw.ForeignKeyField(ScholarshipProgramme, backref="awards")
    student = pw.ForeignKeyField(Student, backref="awards")
    status = pw.CharField(max_length=20, default="diusulkan", index=True)
    reason = pw.CharField(max_length=100, default="")  # eligibility reason
    amount = pw.IntegerField(default=0)  # Rupiah for the year
    nomination_decree = pw.CharField(max_length=80, default="")
    nomination_date = pw.DateField(null=True)
    bank = pw.CharField(max_length=40, default="")
    account_number = IdentifierField(max_length=30, default="")
    account_activated_on = pw.DateField(null=True)
    activation_deadline = pw.DateField(null=True)
    grant_decree = pw.CharField(max_length=80, default="")
    grant_date = pw.DateField(null=True)
    withdrawn_confirmed_on = pw.DateField(null=True)
    cancel_reason = pw.CharField(max_length=40, default="")
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("programme", "student"), True),)


class AwardEvent(BaseModel):
    """One transition of an award's status: from, to, who and when."""

    award = pw.ForeignKeyField(Award, backref="events", on_delete="CASCADE")
    from_status = pw.CharField(max_length=20, default="")
    to_status = pw.CharField(max_length=20)
    at = pw.DateTimeField(default=now)
    user = pw.ForeignKeyField(User, null=True, backref="+")
    note = pw.CharField(max_length=200, default="")


class Payout(BaseModel):
    """Money paid on an award in one stage (tahap)."""

    award = pw.ForeignKeyField(Award, backref="payouts", on_delete="CASCADE")
    stage = pw.SmallIntegerField()
    paid_on = pw.DateField()
    amount = pw.IntegerField()
    created_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("award", "stage"), True),)
