"""The life-cycle screenings of ILP a patient had, or has been given a date for."""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.accounts import User
from kupang_desk.models.base import BaseModel, now
from kupang_desk.models.patients import Patient
from kupang_desk.models.visits import Visit


class Screening(BaseModel):
    """One screening of one patient (``key`` of ``resources/reference/skrining.csv``): done on a day,
    or scheduled for a day at the puskesmas, a Pustu or a Posyandu."""

    PLACES = ("puskesmas", "pustu", "posyandu")

    patient = pw.ForeignKeyField(Patient, backref="+", index=True)
    key = pw.CharField(max_length=40)
    done_on = pw.DateField(null=True)
    scheduled_on = pw.DateField(null=True)
    place = pw.CharField(max_length=12, default="")
    visit = pw.ForeignKeyField(Visit, null=True, backref="+", index=False)
    created_at = pw.DateTimeField(default=now)
    by = pw.ForeignKeyField(User, null=True, backref="+", index=False)

    class Meta:
        table_name = "screening"
        indexes = ((("patient", "key"), False),)


class Pregnancy(BaseModel):
    """One pregnancy of a patient, from the first day of her last period (HPHT): its antenatal
    contacts (K1-K6) are the ticks of the ``kehamilan`` rules dated inside it. ``ended_on`` and
    ``outcome`` once it ended (born alive, stillborn, miscarried)."""

    OUTCOMES = ("lahir_hidup", "lahir_mati", "keguguran")

    patient = pw.ForeignKeyField(Patient, backref="+", index=True)
    lmp = pw.DateField()  # hari pertama haid terakhir
    ended_on = pw.DateField(null=True)
    outcome = pw.CharField(max_length=12, default="")
    created_at = pw.DateTimeField(default=now)
    by = pw.ForeignKeyField(User, null=True, backref="+", index=False)

    class Meta:
        table_name = "pregnancy"
