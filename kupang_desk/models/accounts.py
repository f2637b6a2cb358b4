"""User accounts and the audit trail."""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.base import BaseModel, IdentifierField, now


class User(BaseModel):
    """A person who signs in; disabled, never deleted, because the audit trail names them."""

    ROLES = ("administrator", "pendaftaran", "poli", "operator_sekolah", "pimpinan")

    username = pw.CharField(max_length=40, unique=True)
    full_name = pw.CharField(max_length=100)
    nip = IdentifierField(max_length=18, default="")
    role = pw.CharField(max_length=30, default="pendaftaran")
    password_hash = pw.CharField(max_length=200, default="")  # argon2id
    must_change_password = pw.BooleanField(default=True)
    active = pw.BooleanField(default=True)
    failed_attempts = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=now)
    last_sign_in = pw.DateTimeField(null=True)


class AuditEvent(BaseModel):
    """Who did what to which record, chained by hash so an edit in the database shows."""

    at = pw.DateTimeField(default=now, index=True)
    user = pw.ForeignKeyField(User, null=True, backref="audit_events", on_delete="RESTRICT")
    # Who, as they were named then: the hash covers these, so renaming accounts moves nothing.
    user_name = pw.CharField(max_length=60, default="")  # an account's user name, or "sistem:..."
    user_full_name = pw.CharField(max_length=100, default="")
    os_user = pw.CharField(max_length=100, default="")  # the operating-system account, as context
    action = pw.CharField(max_length=30, index=True)  # create, update, delete, merge, export, ...
    table_name = pw.CharField(max_length=40, default="")
    record_id = pw.CharField(max_length=40, default="", index=True)
    details = pw.TextField(default="{}")  # JSON: before/after values, file names, reasons
    prev_hash = pw.CharField(max_length=64, default="")
    hash = pw.CharField(max_length=64, default="")
    # Which installation key sealed the hash (HMAC-SHA256); "" for events from before keys (v1).
    key_id = pw.CharField(max_length=16, default="")
    # The chain's counter (schema 15): one more than the event before; empty before the keyed point.
    seq = pw.BigIntegerField(null=True)
