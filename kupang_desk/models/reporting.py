"""Reports as they were sent up to the Dinas, and the visits written inside a sent period."""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.accounts import User
from kupang_desk.models.base import BaseModel, now
from kupang_desk.models.visits import Visit


class SentReport(BaseModel):
    """One report of one period as it left the office: the revision, how, who, when and its counts.

    A period with a sent report is locked: a visit written inside it later needs a reason and is
    kept as a ``LateChange`` of the period's latest revision."""

    kind = pw.CharField(max_length=20)  # lb1, recap, top, skdr
    period_start = pw.DateField()
    period_end = pw.DateField()  # inclusive
    revision = pw.SmallIntegerField(default=0)  # 0 the first sending, then Revisi 1, 2...
    sent_at = pw.DateTimeField(default=now)
    sent_by = pw.ForeignKeyField(User, null=True, backref="+", index=False)
    sent_by_name = pw.CharField(max_length=100, default="")
    method = pw.CharField(max_length=10, default="file")  # file, print, dhis2
    note = pw.CharField(max_length=300, default="")
    counts = pw.TextField(default="{}")  # JSON: the report's rows by their code, for the differences later

    class Meta:
        indexes = ((("kind", "period_start", "period_end", "revision"), True),)


class SentFile(BaseModel):
    """A file exactly as it was sent (kept in the database, so backups carry it), with its SHA-256."""

    sent = pw.ForeignKeyField(SentReport, backref="files", on_delete="CASCADE", index=True)
    name = pw.CharField(max_length=150)
    sha256 = pw.CharField(max_length=64)
    content = pw.BlobField()


class LateChange(BaseModel):
    """A visit created, corrected or deleted inside a period already sent, with the clerk's reason."""

    sent = pw.ForeignKeyField(SentReport, backref="late_changes", on_delete="CASCADE", index=True)
    visit = pw.ForeignKeyField(Visit, backref="late_changes", index=True)
    action = pw.CharField(max_length=10)  # create, update, delete
    reason = pw.CharField(max_length=200)
    at = pw.DateTimeField(default=now)
    by = pw.ForeignKeyField(User, null=True, backref="+", index=False)


class CityFile(BaseModel):
    """A puskesmas report file as the Dinas received it: every revision kept, the latest counted."""

    institution_code = pw.CharField(max_length=20)
    institution_name = pw.CharField(max_length=150)
    kind = pw.CharField(max_length=20)  # lb1, recap, top, skdr
    period_start = pw.DateField()
    period_end = pw.DateField()
    revision = pw.SmallIntegerField(default=0)
    made_at = pw.DateTimeField()  # when the puskesmas made the file
    received_at = pw.DateTimeField(default=now)  # when the Dinas imported it
    received_by = pw.ForeignKeyField(User, null=True, backref="+", index=False)
    file_name = pw.CharField(max_length=200)
    file_sha256 = pw.CharField(max_length=64)
    content = pw.BlobField()
    data = pw.TextField()  # the report's data as the file carried it (JSON)

    class Meta:
        indexes = ((("institution_code", "kind", "period_start", "period_end", "revision"), True),)
