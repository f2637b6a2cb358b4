"""The region pickers' lists: regencies of NTT, their kecamatan and kelurahan/desa."""

from __future__ import annotations

from peewee import chunked

from kupang_desk.models import Region

KOTA_KUPANG = "53.71"


def children(parent_code: str) -> list[tuple[str, str]]:
    """(code, name) of the areas directly under ``parent_code``, by name."""
    return [(r.code, r.name) for r in Region.select(Region.code, Region.name)
            .where(Region.parent == parent_code).order_by(Region.name)]


def regencies() -> list[tuple[str, str]]:
    """Regencies and cities of NTT, Kota Kupang first."""
    rows = children("53")
    return sorted(rows, key=lambda row: (row[0] != KOTA_KUPANG, row[1]))


def parents_of(kelurahan_code: str) -> tuple[str, str]:
    """(regency code, kecamatan code) of a kelurahan code such as ``53.71.04.1001``."""
    parts = kelurahan_code.split(".")
    return ".".join(parts[:2]), ".".join(parts[:3])


def names_of(codes: set[str]) -> dict[str, str]:
    """code -> name of these regions, in one query a few hundred at a time."""
    names: dict[str, str] = {}
    for chunk in chunked(sorted(codes), 500):
        names.update(Region.select(Region.code, Region.name).where(Region.code.in_(chunk)).tuples())
    return names


def name_of(code: str | None) -> str:
    region = Region.get_or_none(Region.code == code) if code else None
    return region.name if region else ""
