"""What the national SATUSEHAT platform knows this office's people and places by."""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.base import BaseModel, IdentifierField, now


class SatusehatId(BaseModel):
    """One SATUSEHAT id of a local thing: a patient's IHS number (fetched once by NIK), a poli's
    Location, a health worker's Practitioner (by the name visits carry, with the NIK to look it up)."""

    KINDS = ("patient", "location", "practitioner")

    kind = pw.CharField(max_length=12)
    key = pw.CharField(max_length=100)  # patient id, poli id, the health worker's name
    ihs_id = IdentifierField(max_length=64, default="")
    nik = IdentifierField(max_length=16, default="")  # a practitioner's NIK, for the lookup
    updated_at = pw.DateTimeField(default=now)

    class Meta:
        table_name = "satusehat_id"
        indexes = ((("kind", "key"), True),)
