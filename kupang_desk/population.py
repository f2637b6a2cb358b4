"""Inhabitants per kelurahan: the reference the access-gap report divides by, and the year's PWS
targets (sasaran ibu hamil, sasaran bayi) that the PWS report divides K1-K6, KN and IDL by.

The office enters the figures it has (BPS "Kota Kupang Dalam Angka", the kelurahan's own
register or Dukcapil's; the Dinas's data sasaran) in Pengaturan, or imports them from an Excel
sheet with one row per kelurahan. Nothing is invented: a kelurahan without a figure shows its
visits but no rate; the targets are estimated from a birth rate only when the clerk asks, and
then stand in the table as numbers to read before saving.
A save or an import is checked whole first and written in one transaction, audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kupang_desk import audit
from kupang_desk.accounts.permissions import require
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_decimal
from kupang_desk.i18n import _
from kupang_desk.imports.sheets import read_sheet
from kupang_desk.imports.values import fold
from kupang_desk.models import Population, Region, User, now, writing
from kupang_desk.regions import KOTA_KUPANG


@dataclass(frozen=True)
class Inhabitants:
    """One kelurahan's figure (``total`` None: not entered)."""

    code: str
    name: str
    kecamatan: str
    total: int | None = None
    men: int | None = None
    women: int | None = None
    year: int | None = None
    source: str = ""
    pregnant_target: int | None = None  # sasaran ibu hamil of the year
    infant_target: int | None = None  # sasaran bayi of the year


# Pedoman Pemantauan Wilayah Setempat Kesehatan Ibu dan Anak (PWS-KIA), Departemen Kesehatan RI 2009,
# "Penetapan sasaran": pregnant women 1.10 x CBR x population (births plus the pregnancies that end
# before one), infants CBR x population, where the Dinas has not given its own figures.
PREGNANT_PER_BIRTH = 1.10


def estimated_targets(total: int, birth_rate: float) -> tuple[int, int]:
    """Sasaran ibu hamil and sasaran bayi of a kelurahan of ``total`` inhabitants, from the crude
    birth rate per 1,000 (CBR) of the Dinas or BPS."""
    if not 0 < birth_rate <= 60:
        raise KnownError(_("Angka kelahiran kasar (CBR) {rate} per 1.000 penduduk tidak masuk akal: isi angka dari Dinas atau "
                           "BPS, misalnya 17,5.").format(rate=format_decimal(birth_rate)))
    births = birth_rate * total / 1000
    return int(PREGNANT_PER_BIRTH * births + 0.5), int(births + 0.5)  # halves up, as by hand


def pws_targets() -> dict[str, tuple[int | None, int | None]]:
    """Kelurahan code -> (sasaran ibu hamil, sasaran bayi) of the year, as entered: what the PWS
    divides by, for the Beranda and the report alike. Public figures, no person in them."""
    return {code: (pregnant, infants) for code, pregnant, infants in Population.select(
        Population.kelurahan, Population.pregnant_target, Population.infant_target).tuples()}


def city_population() -> list[Inhabitants]:
    """Every kelurahan of Kota Kupang by kecamatan and name, with its figure where entered, then any
    other kelurahan the office gave a figure for."""
    entered = {row[0]: row[1:] for row in Population.select(
        Population.kelurahan, Population.total, Population.men, Population.women, Population.year, Population.source,
        Population.pregnant_target, Population.infant_target).tuples()}
    kelurahan = list(Region.select(Region.code, Region.name, Region.parent).where(
        (Region.level == "desa_kelurahan") & (Region.code.startswith(KOTA_KUPANG + ".") | Region.code.in_(list(entered) or [""]))))
    kecamatan = dict(Region.select(Region.code, Region.name).where(
        Region.code.in_(sorted({r.parent_code for r in kelurahan}) or [""])).tuples())
    rows = []
    for region in sorted(kelurahan, key=lambda r: (not r.code.startswith(KOTA_KUPANG + "."), kecamatan.get(r.parent_code, ""), r.name)):
        figure = entered.get(region.code)
        rows.append(Inhabitants(region.code, region.name, kecamatan.get(region.parent_code, ""),
                                *(figure or ())))
    return rows


def whole_number(value: object, what: str, where: str) -> int | None:
    """A whole number from a cell or a field (``12.345`` and ``12,345`` as a clerk types them)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise KnownError(_("{where}: {what} harus berupa angka.").format(where=where, what=what))
    if isinstance(value, float):
        if value != int(value):
            raise KnownError(_("{where}: {what} {value} bukan bilangan bulat.").format(where=where, what=what, value=value))
        value = int(value)
    if isinstance(value, str):
        digits = value.strip().replace(".", "").replace(",", "").replace(" ", "")
        if not digits.isdigit():
            raise KnownError(_("{where}: {what} \"{value}\" bukan angka. Tulis angka saja, misalnya 12345.").format(
                where=where, what=what, value=value.strip()))
        value = int(digits)
    if not isinstance(value, int) or value < 0 or value > 10_000_000:
        raise KnownError(_("{where}: {what} {value} tidak masuk akal (0 sampai 10.000.000).").format(
            where=where, what=what, value=value))
    return value


def _checked(rows: list[Inhabitants], where: list[str]) -> list[Inhabitants]:
    known = {code for (code,) in Region.select(Region.code).where(
        (Region.level == "desa_kelurahan") & Region.code.in_([r.code for r in rows] or [""])).tuples()}
    seen: dict[str, str] = {}
    for row, place in zip(rows, where, strict=True):
        if row.code not in known:
            raise KnownError(_("{where}: kode kelurahan {code} tidak dikenal.").format(where=place, code=row.code))
        if row.code in seen:
            raise KnownError(_("{where}: kelurahan {name} sudah ada di {first}; satu kelurahan satu baris.").format(
                where=place, name=row.name or row.code, first=seen[row.code]))
        seen[row.code] = place
        if row.total is None:
            if row.pregnant_target is not None or row.infant_target is not None:
                raise KnownError(_("{where}: sasaran {name} diisi tanpa jumlah penduduk. Isi jumlah penduduknya dulu.").format(
                    where=place, name=row.name or row.code))
            continue
        ceiling = row.women if row.women is not None else row.total  # no more pregnant women than women
        for target, what in ((row.pregnant_target, _("sasaran ibu hamil")), (row.infant_target, _("sasaran bayi"))):
            if target is not None and target > ceiling:
                raise KnownError(_("{where}: {what} {target} lebih dari penduduk{women} {total} ({name}).").format(
                    where=place, what=what, target=target, total=ceiling,
                    women=_(" perempuan") if row.women is not None else "", name=row.name or row.code))
        if row.total == 0:
            raise KnownError(_("{where}: jumlah penduduk {name} 0. Kosongkan bila belum ada angkanya.").format(
                where=place, name=row.name or row.code))
        if row.men is not None and row.women is not None and row.men + row.women != row.total:
            raise KnownError(_("{where}: laki-laki {men} + perempuan {women} tidak sama dengan jumlah {total} ({name}).").format(
                where=place, men=row.men, women=row.women, total=row.total, name=row.name or row.code))
    return rows


def set_population(rows: list[Inhabitants], *, user: User | None = None) -> int:
    """Replaces the figures of these kelurahan (``total`` None clears one); returns how many hold a
    figure afterwards. All rows are checked before any is written."""
    actor = require("settings.edit", user)
    _checked(rows, [row.name or row.code for row in rows])
    with writing():
        before = {code: list(figures) for code, *figures in Population.select(
            Population.kelurahan, Population.total, Population.pregnant_target, Population.infant_target)
            .where(Population.kelurahan.in_([r.code for r in rows] or [""])).tuples()}
        Population.delete().where(Population.kelurahan.in_([r.code for r in rows if r.total is None] or [""])).execute()
        for row in rows:
            if row.total is None:
                continue
            values = dict(total=row.total, men=row.men, women=row.women, year=row.year, source=row.source[:100],
                          pregnant_target=row.pregnant_target, infant_target=row.infant_target, updated_at=now())
            (Population.insert(kelurahan=row.code, **values)
             .on_conflict(conflict_target=[Population.kelurahan], update=values).execute())
        changed = {}
        for row in rows:
            after = [row.total, row.pregnant_target, row.infant_target] if row.total is not None else None
            if before.get(row.code) != after:
                changed[row.code] = [before.get(row.code), after]  # [penduduk, sasaran ibu hamil, sasaran bayi]
        if changed:
            audit.record("update", "population", "", changed, actor)
        return Population.select().count()


_HEADERS = {
    "code": ("kode", "kodewilayah", "kodekelurahan", "kodedesa", "kodekemendagri"),
    "name": ("kelurahan", "desakelurahan", "kelurahandesa", "namakelurahan", "desa", "wilayah"),
    "total": ("jumlah", "jumlahpenduduk", "penduduk", "total", "jumlahjiwa", "jiwa"),
    "men": ("lakilaki", "l", "pria"),
    "women": ("perempuan", "p", "wanita"),
    "year": ("tahun",),
    "pregnant_target": ("sasaranibuhamil", "sasaranbumil", "ibuhamil", "bumil"),
    "infant_target": ("sasaranbayi", "bayi", "sasaranlahirhidup", "lahirhidup"),
}


def _header(rows: list[list]) -> tuple[int, dict[str, int]]:
    for number, row in enumerate(rows[:15]):
        found: dict[str, int] = {}
        for index, cell in enumerate(row):
            key = fold(cell)
            for field, names in _HEADERS.items():
                if key in names and field not in found:
                    found[field] = index
        if "total" in found and ("code" in found or "name" in found):
            return number, found
    raise KnownError(_("Baris judul tidak ditemukan. Lembar pertama harus punya kolom Kelurahan (atau Kode) dan "
                       "Jumlah penduduk, boleh juga Laki-laki, Perempuan dan Tahun; satu baris per kelurahan."))


def read_population(path: str | Path, *, year: int | None = None, source: str = "") -> list[Inhabitants]:
    """The rows of a population sheet, checked whole (a kelurahan by its Kemendagri code or, in
    Kota Kupang, by its name); the first problem is refused with its line and what to fix."""
    path = Path(path)
    rows = read_sheet(path)
    top, columns = _header(rows)
    city = list(Region.select(Region.code, Region.name).where(
        (Region.level == "desa_kelurahan") & Region.code.startswith(KOTA_KUPANG + ".")).tuples())
    by_name: dict[str, list[str]] = {}
    for code, name in city:
        by_name.setdefault(fold(name), []).append(code)
    names = dict(city)
    found: list[Inhabitants] = []
    where: list[str] = []
    for number, row in enumerate(rows[top + 1:], start=top + 2):
        def cell(field: str, row: list = row) -> object:
            index = columns.get(field)
            return row[index] if index is not None and index < len(row) else None

        place = _("Baris {n}").format(n=number)
        code = str(cell("code") or "").strip()
        name = str(cell("name") or "").strip()
        if not code and not name and cell("total") in (None, ""):
            continue  # an empty line
        if fold(name) in ("jumlah", "total", "kotakupang"):
            continue  # the sheet's own total line
        if not code:
            matches = by_name.get(fold(name), [])
            if len(matches) != 1:
                raise KnownError(_("{where}: kelurahan \"{name}\" tidak ada di Kota Kupang. Periksa ejaannya atau "
                                   "isi kolom Kode dengan kode Kemendagri (misalnya 53.71.04.1001).").format(where=place, name=name))
            code = matches[0]
        total = whole_number(cell("total"), _("jumlah penduduk"), place)
        if total is None:
            raise KnownError(_("{where}: jumlah penduduk {name} kosong.").format(where=place, name=name or code))
        found.append(Inhabitants(code, name or names.get(code, ""), "", total, whole_number(cell("men"), _("laki-laki"), place),
                                 whole_number(cell("women"), _("perempuan"), place),
                                 whole_number(cell("year"), _("tahun"), place) or year, source,
                                 whole_number(cell("pregnant_target"), _("sasaran ibu hamil"), place),
                                 whole_number(cell("infant_target"), _("sasaran bayi"), place)))
        where.append(place)
    if not found:
        raise KnownError(_("File {file} tidak berisi baris penduduk di bawah judulnya.").format(file=path.name))
    return _checked(found, where)


def import_population(path: str | Path, *, year: int | None = None, source: str = "", user: User | None = None) -> int:
    """Reads a population sheet and saves it whole, or nothing; returns the rows saved."""
    require("settings.edit", user)
    rows = read_population(path, year=year, source=source)
    set_population(rows, user=user)
    return len(rows)
