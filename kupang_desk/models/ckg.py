"""Cek Kesehatan Gratis (CKG) at school: the puskesmas's list of the students a school sent to be
screened, with what it found; the school's copy of what came back (no diagnoses)."""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.accounts import User
from kupang_desk.models.base import BaseModel, IdentifierField, now
from kupang_desk.models.patients import Patient
from kupang_desk.models.students import Student


class CkgStudent(BaseModel):
    """At the puskesmas: one student of a school's roster, the patient they are, and the screening."""

    school_code = IdentifierField(max_length=20)  # NPSN
    school_name = pw.CharField(max_length=120)
    school_kelurahan = pw.CharField(max_length=13, default="")  # the school's kelurahan (its profile), for coverage by area
    nisn = IdentifierField(max_length=10)
    class_group = pw.CharField(max_length=30, default="")
    parent_phone = IdentifierField(max_length=20, default="")
    patient = pw.ForeignKeyField(Patient, backref="+", index=True)
    roster_at = pw.DateTimeField(default=now)  # when the school made the roster it came in
    screened_on = pw.DateField(null=True)
    height_cm = pw.FloatField(null=True)
    weight_kg = pw.FloatField(null=True)
    bmi_z = pw.FloatField(null=True)  # BMI-for-age, WHO 2007
    height_z = pw.FloatField(null=True)  # height-for-age, WHO 2007
    vision = pw.CharField(max_length=12, default="")  # "", "normal", "gangguan"
    hearing = pw.CharField(max_length=12, default="")
    teeth = pw.CharField(max_length=12, default="")  # "", "sehat", "karies"
    anaemia = pw.CharField(max_length=12, default="")  # "", "tidak", "ya"
    systolic = pw.SmallIntegerField(null=True)
    diastolic = pw.SmallIntegerField(null=True)
    referral_place = pw.CharField(max_length=80, default="")  # "" when no follow-up is needed
    referral_date = pw.DateField(null=True)
    referral_done = pw.DateField(null=True)  # the day the referral was seen to
    by = pw.ForeignKeyField(User, null=True, backref="+", index=False)
    updated_at = pw.DateTimeField(default=now)

    class Meta:
        table_name = "ckg_student"
        indexes = ((("school_code", "nisn"), True),)


class CkgResult(BaseModel):
    """At the school: what the puskesmas sent back for one student: screened or not, and whether
    and where to follow up. Never a diagnosis (UU PDP: the school needs only this)."""

    student = pw.ForeignKeyField(Student, backref="+", unique=True)
    screened_on = pw.DateField(null=True)
    follow_up = pw.BooleanField(default=False)
    referral_place = pw.CharField(max_length=80, default="")
    referral_date = pw.DateField(null=True)
    referral_done = pw.DateField(null=True)
    puskesmas_code = IdentifierField(max_length=20, default="")
    puskesmas_name = pw.CharField(max_length=120, default="")
    received_at = pw.DateTimeField(default=now)

    class Meta:
        table_name = "ckg_result"
