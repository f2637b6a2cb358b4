"""Patients and the identifiers they were once known by."""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.accounts import User
from kupang_desk.models.base import BaseModel, IdentifierField, now
from kupang_desk.models.reference import PaymentType, Region


class Patient(BaseModel):
    """A registered person; identity fields follow Permenkes 24/2022.

    NIK may be empty (a person without papers) but is never invented. Records are
    merged or soft-deleted, never removed, so No. RM is never reused.
    """

    no_rm = IdentifierField(max_length=30, unique=True)
    nik = IdentifierField(max_length=16, null=True, unique=True)
    kk_number = IdentifierField(max_length=16, default="")
    bpjs_number = IdentifierField(max_length=13, default="", index=True)
    name = pw.CharField(max_length=100)
    # Lower-case, spelling-folded name (Yohanes = Yohanis) for search and duplicate checks.
    name_key = pw.CharField(max_length=100, default="", index=True)
    sex = pw.CharField(max_length=1)  # "L" or "P"
    birth_place = pw.CharField(max_length=60, default="")
    birth_date = pw.DateField()
    mother_name = pw.CharField(max_length=100, default="")
    # A baby without a NIK of its own: its mother's, by which SATUSEHAT finds it (the nik-ibu identifier).
    mother_nik = IdentifierField(max_length=16, default="")
    religion = pw.CharField(max_length=20, default="")
    occupation = pw.CharField(max_length=60, default="")
    education = pw.CharField(max_length=30, default="")
    marital_status = pw.CharField(max_length=20, default="")
    phone = IdentifierField(max_length=20, default="", index=True)
    address = pw.CharField(max_length=200, default="")
    rt = IdentifierField(max_length=3, default="")
    rw = IdentifierField(max_length=3, default="")
    kelurahan = pw.ForeignKeyField(Region, null=True, column_name="kelurahan_code", index=True)
    payment_type = pw.ForeignKeyField(PaymentType, null=True, index=False)
    # Why a person has no NIK (e.g. the letter from social services).
    no_nik_reason = pw.CharField(max_length=200, default="")
    # Social protection (Inpres 4/2025): the household's DTSEN welfare decile (1 poorest .. 10) with the
    # date of the data it came from, and the aid cards the family holds.
    dtsen_decile = pw.SmallIntegerField(null=True)
    dtsen_date = pw.DateField(null=True)
    pkh = pw.BooleanField(default=False)
    kks = pw.BooleanField(default=False)
    kip = pw.BooleanField(default=False)
    prolanis = pw.BooleanField(default=False)  # in BPJS's chronic disease programme (hypertension, diabetes)
    merged_into = pw.ForeignKeyField("self", null=True, backref="merged_from", index=False)
    deleted_at = pw.DateTimeField(null=True)
    deleted_reason = pw.CharField(max_length=200, default="")
    created_at = pw.DateTimeField(default=now)
    created_by = pw.ForeignKeyField(User, null=True, backref="+", index=False)
    updated_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("birth_date", "sex"), False),)


class PatientIdentifier(BaseModel):
    """An identifier a patient was once known by (from a merge or a correction), kept for finding them."""

    KINDS = ("no_rm", "nik", "bpjs_number", "kk_number")

    patient = pw.ForeignKeyField(Patient, backref="former_identifiers", on_delete="CASCADE")
    kind = pw.CharField(max_length=20)
    value = IdentifierField(max_length=30, index=True)
    note = pw.CharField(max_length=200, default="")
    recorded_at = pw.DateTimeField(default=now)
