"""The day's queue from the loket to the poli: one entry per patient per poli, numbered per poli
per day (``U-012``), with the moments it was called, served and finished."""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.accounts import User
from kupang_desk.models.base import BaseModel, db, now
from kupang_desk.models.patients import Patient
from kupang_desk.models.reference import Poli
from kupang_desk.models.visits import Visit


class QueueEntry(BaseModel):
    """A patient waiting for (or served by) one poli on one day.

    States: menunggu -> dipanggil -> dilayani -> selesai; dirujuk (sent on to another poli: a new
    entry there, the same visit); batal (with a reason). The visit exists, and counts in the
    reports, from the moment the poli saves it: the entry then points at it."""

    STATES = ("menunggu", "dipanggil", "dilayani", "selesai", "dirujuk", "batal")

    day = pw.DateField()
    poli = pw.ForeignKeyField(Poli, backref="+")
    number = pw.IntegerField()  # 12 of U-012: per poli per day, in order of arrival, no gaps
    label = pw.CharField(max_length=12)
    patient = pw.ForeignKeyField(Patient, backref="+", index=True)
    visit = pw.ForeignKeyField(Visit, backref="+", null=True)
    state = pw.CharField(max_length=10, default="menunggu")
    turn = pw.IntegerField()  # the order it is called in: the number, or later when skipped to the end
    # Called before the others (ILP: elderly patients first): 2 gawat darurat (the loket says so),
    # 1 lansia (the patient's age on the day, from Pengaturan's age), 0 the rest; by turn within each.
    priority = pw.SmallIntegerField(default=0)
    referred_from = pw.ForeignKeyField("self", null=True, backref="+")
    note = pw.CharField(max_length=200, default="")  # the loket's complaint, a referral's reason, a cancellation's
    arrived_at = pw.DateTimeField(default=now)
    called_at = pw.DateTimeField(null=True)
    served_at = pw.DateTimeField(null=True)
    finished_at = pw.DateTimeField(null=True)
    by = pw.ForeignKeyField(User, null=True, backref="+", index=False)

    class Meta:
        table_name = "queue_entry"
        indexes = ((("day", "poli", "number"), True), (("day", "poli", "state", "turn"), False))


OPEN_STATES = ("menunggu", "dipanggil", "dilayani")
OPEN_SQL = "state IN (" + ", ".join(f"'{state}'" for state in OPEN_STATES) + ")"
# One open number per patient per poli per day, held by the database itself (schema v14): two loket
# PCs giving the same patient a number at the same moment cannot both succeed.
ONE_OPEN_INDEX = ("CREATE UNIQUE INDEX IF NOT EXISTS queue_entry_one_open ON queue_entry (day, poli_id, patient_id) "
                  f"WHERE {OPEN_SQL}")
QueueEntry.add_index(pw.SQL(ONE_OPEN_INDEX))


def minutes_between(start: pw.Node, end: pw.Node) -> pw.Node:
    """``end - start`` in minutes, in SQL, on either engine (SQLite keeps times as ISO text)."""
    if isinstance(db.obj, pw.PostgresqlDatabase):
        return pw.NodeList((pw.SQL("EXTRACT(EPOCH FROM ("), end, pw.SQL("-"), start, pw.SQL("))")), glue=" ") / 60
    return (pw.fn.julianday(end) - pw.fn.julianday(start)) * 1440
