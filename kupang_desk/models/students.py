"""Students and the class promotions that can be undone."""

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
    # DTSEN (Inpres 4/2025): the household's welfare decile, 1 (poorest) to 10, and the day it was read;
    # aid goes mostly to deciles 1-4, and the decile changes with each quarterly update.
    dtsen_decile = pw.SmallIntegerField(null=True)
    dtsen_date = pw.DateField(null=True)
    pip_reason = pw.CharField(max_length=100, default="")
    status = pw.CharField(max_length=20, default="aktif")  # aktif, lulus, pindah, keluar, ...
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)


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
