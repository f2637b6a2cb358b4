"""Patients, visits and their diagnoses."""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.accounts import User
from kupang_desk.models.base import BaseModel, IdentifierField, now
from kupang_desk.models.reference import Icd10, PaymentType, Poli, Region


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


class Visit(BaseModel):
    """One visit (kunjungan) of a patient to a poli."""

    patient = pw.ForeignKeyField(Patient, backref="visits", index=True)
    visit_at = pw.DateTimeField()  # indexed for live visits only, below
    # Low-cardinality references get no index of their own: a dozen poli or payment
    # types would not narrow a search, and every index slows the bulk of inserts.
    poli = pw.ForeignKeyField(Poli, index=False)
    payment_type = pw.ForeignKeyField(PaymentType, index=False)
    # Kunjungan baru: the patient's first visit of the calendar year to this puskesmas.
    is_new_visit = pw.BooleanField(default=False)
    # Age and sex at the visit, fixed when the visit is saved (and recomputed when a
    # birth date is corrected) so monthly reports group in SQL on both databases.
    age_days = pw.IntegerField()
    age_years = pw.IntegerField()
    sex = pw.CharField(max_length=1)
    complaint = pw.TextField(default="")
    anamnesis = pw.TextField(default="")
    therapy = pw.TextField(default="")
    systolic = pw.IntegerField(null=True)
    diastolic = pw.IntegerField(null=True)
    weight_kg = pw.DecimalField(max_digits=5, decimal_places=1, null=True)
    height_cm = pw.DecimalField(max_digits=5, decimal_places=1, null=True)
    temperature_c = pw.DecimalField(max_digits=4, decimal_places=1, null=True)
    respiration_rate = pw.IntegerField(null=True)
    heart_rate = pw.IntegerField(null=True)
    waist_cm = pw.DecimalField(max_digits=5, decimal_places=1, null=True)
    referral_kind = pw.CharField(max_length=10, default="")  # "", "internal", "external"
    referral_poli = pw.ForeignKeyField(Poli, null=True, backref="+", index=False)
    referral_facility = pw.CharField(max_length=150, default="")
    referral_specialty = pw.CharField(max_length=80, default="")
    health_worker = pw.CharField(max_length=100, default="")
    deleted_at = pw.DateTimeField(null=True)
    deleted_reason = pw.CharField(max_length=200, default="")
    created_at = pw.DateTimeField(default=now)
    created_by = pw.ForeignKeyField(User, null=True, backref="+", index=False)


# Every list and report asks for live visits (deleted_at IS NULL) in a time range, in
# time order: a partial index serves all three and leaves the planner no other reading.
# The few deleted visits get a partial index of their own, so they count in milliseconds.
Visit.add_index(Visit.index(Visit.visit_at, name="visit_live_visit_at", where=Visit.deleted_at.is_null()))
Visit.add_index(Visit.index(Visit.deleted_at, name="visit_deleted", where=Visit.deleted_at.is_null(False)))


class VisitDiagnosis(BaseModel):
    """One ICD-10 diagnosis of a visit, with kasus baru/lama and the primary mark."""

    visit = pw.ForeignKeyField(Visit, backref="diagnoses", on_delete="CASCADE", index=True)
    icd10 = pw.ForeignKeyField(Icd10, column_name="icd10_code", index=True)
    is_new_case = pw.BooleanField(default=True)
    is_primary = pw.BooleanField(default=False)
    position = pw.SmallIntegerField(default=1)
    note = pw.CharField(max_length=200, default="")
