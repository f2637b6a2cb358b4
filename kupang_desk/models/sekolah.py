"""Students, scholarship programmes, awards and their payouts."""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.accounts import User
from kupang_desk.models.base import BaseModel, IdentifierField, now
from kupang_desk.models.reference import Region


class Student(BaseModel):
    """A student as Dapodik knows them; NISN and NIK unique within the school."""

    nisn = IdentifierField(max_length=10, null=True, unique=True)
    nipd = IdentifierField(max_length=20, default="")
    nik = IdentifierField(max_length=16, null=True, unique=True)
    kk_number = IdentifierField(max_length=16, default="")
    name = pw.CharField(max_length=100)
    name_key = pw.CharField(max_length=100, default="", index=True)
    sex = pw.CharField(max_length=1)
    birth_place = pw.CharField(max_length=60, default="")
    birth_date = pw.DateField(null=True)
    religion = pw.CharField(max_length=20, default="")
    class_group = pw.CharField(max_length=30, default="", index=True)  # rombel, e.g. "Kelas 4A"
    grade = pw.SmallIntegerField(null=True)  # 1..12
    mother_name = pw.CharField(max_length=100, default="")
    father_name = pw.CharField(max_length=100, default="")
    guardian_name = pw.CharField(max_length=100, default="")
    address = pw.CharField(max_length=200, default="")
    rt = IdentifierField(max_length=3, default="")
    rw = IdentifierField(max_length=3, default="")
    kelurahan = pw.ForeignKeyField(Region, null=True, column_name="kelurahan_code")
    phone = IdentifierField(max_length=20, default="")
    kip_number = IdentifierField(max_length=20, default="")
    kks_number = IdentifierField(max_length=20, default="")
    kps_recipient = pw.BooleanField(default=False)  # PKH/KPS
    kps_number = IdentifierField(max_length=30, default="")
    bank = pw.CharField(max_length=40, default="")
    account_number = IdentifierField(max_length=30, default="")
    account_holder = pw.CharField(max_length=100, default="")
    pip_eligible = pw.BooleanField(default=False)  # "Layak PIP (usulan dari sekolah)"
    pip_reason = pw.CharField(max_length=100, default="")
    status = pw.CharField(max_length=20, default="aktif")  # aktif, lulus, pindah, keluar, ...
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)


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


class Promotion(BaseModel):
    """One class promotion (kenaikan kelas) of the whole school, kept so it can be undone."""

    school_year = pw.CharField(max_length=9)  # the year moved into, e.g. "2027/2028"
    at = pw.DateTimeField(default=now)
    user = pw.ForeignKeyField(User, null=True, backref="+")
    undone_at = pw.DateTimeField(null=True)


class PromotionItem(BaseModel):
    """What one student was before and after a promotion."""

    promotion = pw.ForeignKeyField(Promotion, backref="items", on_delete="CASCADE")
    student = pw.ForeignKeyField(Student, backref="+", on_delete="CASCADE")
    old_class_group = pw.CharField(max_length=30)
    old_grade = pw.SmallIntegerField(null=True)
    old_status = pw.CharField(max_length=20)
    new_class_group = pw.CharField(max_length=30)
    new_grade = pw.SmallIntegerField(null=True)
    new_status = pw.CharField(max_length=20)
