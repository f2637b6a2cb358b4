"""Visits (kunjungan) and their ICD-10 diagnoses."""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.accounts import User
from kupang_desk.models.base import BaseModel, now
from kupang_desk.models.patients import Patient
from kupang_desk.models.reference import Icd10, PaymentType, Poli


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
