"""Checks for identifiers, dates and names, as plain functions.

Each ``check_*`` returns a ``Checked`` (the cleaned value and any warnings) or raises
``ValidationError`` naming the field and saying what to fix. Warnings are things a
clerk may accept with one click (a NIK whose embedded birth date differs from the
typed one: NIKs are never re-issued); errors cannot be accepted.

No input raises anything but ``ValidationError``: cells from Excel arrive as numbers,
floats in scientific notation, dates or None, and each gets a message.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass
from functools import cache
from typing import TypeGuard

from kupang_desk import clock
from kupang_desk.errors import ValidationError
from kupang_desk.i18n import _
from kupang_desk.models.seed import region_rows
from kupang_desk.names import tidy_name

# Agama as the KTP and Dapodik write it.
RELIGIONS = ("Islam", "Kristen Protestan", "Katolik", "Hindu", "Buddha", "Khonghucu", "Kepercayaan")

# Kemendagri province codes (the first two digits of NIK and KK).
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
    "31", "32", "33", "34", "35", "36", "51", "52", "53",
    "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76",
    "81", "82", "91", "92", "93", "94", "95", "96",
})
NTT = "53"
_SCIENTIFIC = re.compile(r"^[+-]?\d+([.,]\d+)?[eE][+-]?\d+$")
_NAME_PUNCTUATION = set(" .,'-`’")
_PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z .,'`’-]{0,99}\Z")  # most names: accepted without a look at each letter
MAX_AGE_YEARS = 130


@dataclass(frozen=True)
class Checked:
    """A value that passed its check, with warnings the clerk may accept."""

    value: object
    warnings: tuple[str, ...] = ()


@cache
def ntt_region_codes() -> frozenset[str]:
    """Region codes of NTT without dots (``5371``, ``537104``), from the shipped table."""
    return frozenset(code.replace(".", "") for code, _name, _level in region_rows())


def typed_digits(value: object) -> TypeGuard[str]:
    """Whether a value is digits typed as text (0-9 only), which every identifier check and reader
    takes as it is: the common cell of an import, passed without their steps."""
    return type(value) is str and value.isdigit() and value.isascii()


def _digits(value: object, field: str, length: int, *, required: bool = True) -> str | None:
    """The value as a string of exactly ``length`` digits, or ``None`` when blank and optional.

    Spaces typed between groups are dropped; numbers from spreadsheets are accepted
    when no digit can have been lost.
    """
    if typed_digits(value) and len(value) == length:
        return value  # the common cell, already right: none of the steps below would change it
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, _("{field} wajib diisi.").format(field=field))
        return None
    if isinstance(value, bool):
        raise ValidationError(field, _("{field} harus berupa {length} digit angka.").format(field=field, length=length))
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or not value.is_integer() or abs(value) >= 1e15:
            raise ValidationError(field, _(
                "{field} rusak: tersimpan sebagai angka {value} sehingga digit terakhirnya bisa hilang. "
                "Ketik ulang {field} dari dokumen aslinya dan simpan sebagai teks."
            ).format(field=field, value=repr(value)))
        text = str(int(value))
    elif isinstance(value, str):
        text = "".join(value.split())
    else:
        raise ValidationError(field, _("{field} tidak dapat dibaca; ketik {length} digit angka.").format(field=field, length=length))
    if _SCIENTIFIC.match(text):
        raise ValidationError(field, _(
            "{field} rusak oleh Excel: tertulis {value} (notasi ilmiah), digit aslinya sudah hilang. "
            "Ketik ulang {field} dari dokumen aslinya dan format kolomnya sebagai Teks."
        ).format(field=field, value=text))
    if text.startswith("-"):
        raise ValidationError(field, _("{field} tidak boleh negatif; ketik {length} digit angka.").format(field=field, length=length))
    if not text.isascii() or not text.isdigit():
        raise ValidationError(field, _("{field} hanya boleh berisi angka 0-9; periksa huruf atau tanda baca di '{value}'.").format(
            field=field, value=str(value).strip()))
    if len(text) != length:
        hint = ""
        if len(text) < length:
            hint = " " + _("Jika angka nol di depan hilang (misalnya karena Excel), tambahkan kembali.")
        raise ValidationError(field, _("{field} harus {length} digit; yang diisi {count} digit.").format(
            field=field, length=length, count=len(text)) + hint)
    return text


def _embedded_date(ddmmyy: str, field: str) -> tuple[int, int, int, str]:
    """Day, month, two-digit year and sex ("L"/"P") from the DDMMYY part of a NIK."""
    day, month, year = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:])
    sex = "L"
    if day > 40:
        day -= 40
        sex = "P"
    try:
        dt.date(2000 + year, month, day)
    except ValueError:
        raise ValidationError(field, _(
            "{field} memuat tanggal lahir yang tidak mungkin (digit ke-7 sampai 12: {digits}). "
            "Untuk perempuan tanggal ditambah 40. Periksa kembali dari KTP atau KK."
        ).format(field=field, digits=ddmmyy)) from None
    return day, month, year, sex


def nik_birth_and_sex(nik: str, *, today: dt.date | None = None) -> tuple[dt.date, str] | None:
    """The birth date and sex a 16-digit NIK carries (digits 7-12, DDMMYY, day + 40 for a woman),
    to fill the form ahead of the clerk; None when the NIK does not carry a possible date.
    The century is the one that puts the birth date in the past."""
    digits = re.sub(r"\D", "", nik or "")
    if len(digits) != 16:
        return None
    try:
        day, month, year, sex = _embedded_date(digits[6:12], "NIK")
    except ValidationError:
        return None
    today = today or clock.today()
    century = 2000 if 2000 + year <= today.year else 1900
    try:
        born = dt.date(century + year, month, day)
    except ValueError:  # 29 Februari of a year that was not a leap year in that century
        return None
    return (born, sex) if born <= today else None


def check_nik(
    value: object,
    *,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    field: str | None = None,
    required: bool = True,
    regions: Container[str] | None = None,
) -> Checked:
    """NIK: 16 digits, a known region, a possible birth date; mismatches are warnings."""
    field = field or _("NIK")
    nik = _digits(value, field, 16, required=required)
    if nik is None:
        return Checked("")
    regions = ntt_region_codes() if regions is None else regions
    warnings: list[str] = []
    province, city, district = nik[:2], nik[:4], nik[:6]
    if province not in PROVINCE_CODES:
        raise ValidationError(field, _(
            "{field}: dua digit pertama ({code}) bukan kode provinsi. Periksa kembali dari KTP atau KK."
        ).format(field=field, code=province))
    if province != NTT:
        warnings.append(_("{field} diterbitkan di luar NTT (kode provinsi {code}). Boleh disimpan bila memang begitu di KTP/KK.").format(
            field=field, code=province))
    elif city not in regions:
        raise ValidationError(field, _(
            "{field}: kode kabupaten/kota {code} tidak ada di NTT. Periksa digit ke-3 dan ke-4 (Kota Kupang: 5371)."
        ).format(field=field, code=city))
    elif district not in regions:
        warnings.append(_(
            "{field}: kode kecamatan {code} tidak ada di daftar wilayah NTT. Periksa digit ke-5 dan ke-6; bila sesuai KTP, boleh disimpan."
        ).format(field=field, code=district))
    day, month, year, nik_sex = _embedded_date(nik[6:12], field)
    if nik[12:] == "0000":
        raise ValidationError(field, _("{field}: empat digit terakhir tidak boleh 0000. Periksa kembali dari KTP atau KK.").format(field=field))
    if isinstance(birth_date, dt.date) and (birth_date.day, birth_date.month, birth_date.year % 100) != (day, month, year):
        warnings.append(_(
            "Tanggal lahir di {field} ({nik_date}) berbeda dengan tanggal lahir yang diisi ({typed}). "
            "NIK tidak pernah diterbitkan ulang, jadi boleh disimpan bila dokumennya memang begitu."
        ).format(field=field, nik_date=f"{day:02d}-{month:02d}-{year:02d}", typed=birth_date.strftime("%d-%m-%y")))
    if sex in ("L", "P") and sex != nik_sex:
        if nik_sex == "P":
            message = _("{field} menunjukkan perempuan (tanggal lahirnya ditambah 40), tetapi jenis kelamin yang diisi L. Periksa kembali.")
        else:
            message = _("{field} menunjukkan laki-laki (tanggal lahirnya tidak ditambah 40), tetapi jenis kelamin yang diisi P. Periksa kembali.")
        warnings.append(message.format(field=field))
    return Checked(nik, tuple(warnings))


def check_kk(value: object, *, field: str | None = None, required: bool = False) -> Checked:
    """Family card number: 16 digits starting with a province code."""
    field = field or _("No. KK")
    kk = _digits(value, field, 16, required=required)
    if kk is None:
        return Checked("")
    if kk[:2] not in PROVINCE_CODES:
        raise ValidationError(field, _("{field}: dua digit pertama ({code}) bukan kode provinsi. Periksa kembali dari kartu keluarga.").format(
            field=field, code=kk[:2]))
    return Checked(kk)


def check_bpjs(value: object, *, field: str | None = None, required: bool = False) -> Checked:
    """BPJS/JKN card number: 13 digits, leading zeros kept."""
    field = field or _("No. BPJS")
    number = _digits(value, field, 13, required=required)
    if number is None:
        return Checked("")
    if number == "0" * 13:
        raise ValidationError(field, _("{field} tidak boleh nol semua. Salin nomor dari kartu JKN/KIS.").format(field=field))
    return Checked(number)


def check_nisn(value: object, *, field: str | None = None, required: bool = False) -> Checked:
    """NISN: 10 digits. The first three often follow the birth year, but need not."""
    field = field or _("NISN")
    number = _digits(value, field, 10, required=required)
    return Checked(number or "")


def check_npsn(value: object, *, field: str | None = None, required: bool = True) -> Checked:
    """NPSN (national school number): 8 digits."""
    field = field or _("NPSN")
    number = _digits(value, field, 8, required=required)
    return Checked(number or "")


def check_nip(value: object, *, sex: str | None = None, field: str | None = None, required: bool = False,
              today: dt.date | None = None) -> Checked:
    """NIP: 18 digits = birth date, appointment year and month, sex digit, serial."""
    field = field or _("NIP")
    nip = _digits(value, field, 18, required=required)
    if nip is None:
        return Checked("")
    today = today or clock.today()
    try:
        born = dt.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(field, _("{field}: delapan digit pertama harus tanggal lahir (TTTTBBHH), tetapi {digits} bukan tanggal.").format(
            field=field, digits=nip[:8])) from None
    appointed_year, appointed_month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= appointed_month <= 12:
        raise ValidationError(field, _("{field}: digit ke-13 dan ke-14 harus bulan pengangkatan (01-12), bukan {digits}.").format(
            field=field, digits=nip[12:14]))
    if born > today or born.year < today.year - 100:
        raise ValidationError(field, _("{field}: tanggal lahir {date} di dalamnya tidak masuk akal. Periksa kembali.").format(
            field=field, date=born.strftime("%d-%m-%Y")))
    if appointed_year < born.year + 17 or (appointed_year, appointed_month) > (today.year, today.month):
        raise ValidationError(field, _(
            "{field}: tahun pengangkatan {year} (digit ke-9 sampai 12) tidak cocok dengan tahun lahir {born}. Periksa kembali."
        ).format(field=field, year=appointed_year, born=born.year))
    if nip[14] not in "12":
        raise ValidationError(field, _("{field}: digit ke-15 harus 1 (laki-laki) atau 2 (perempuan), bukan {digit}.").format(
            field=field, digit=nip[14]))
    if nip[15:] == "000":
        raise ValidationError(field, _("{field}: tiga digit terakhir tidak boleh 000.").format(field=field))
    warnings = []
    if sex in ("L", "P") and sex != ("L" if nip[14] == "1" else "P"):
        warnings.append(_("{field} menunjukkan jenis kelamin lain dari yang diisi. Periksa kembali.").format(field=field))
    return Checked(nip, tuple(warnings))


def _as_date(value: object, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(field, _("{field} wajib diisi.").format(field=field))
    raise ValidationError(field, _("{field} bukan tanggal; isi dengan format hari-bulan-tahun, misalnya 05-12-2026.").format(field=field))


def check_birth_date(value: object, *, today: dt.date | None = None, field: str | None = None) -> Checked:
    """A birth date: not in the future, not more than 130 years ago."""
    field = field or _("Tanggal lahir")
    born = _as_date(value, field)
    today = today or clock.today()
    if born > today:
        raise ValidationError(field, _("{field} tidak boleh sesudah hari ini. Periksa tahunnya.").format(field=field))
    if born.year < today.year - MAX_AGE_YEARS:
        raise ValidationError(field, _("{field} {year} berarti umur lebih dari {age} tahun. Periksa tahunnya.").format(
            field=field, year=born.year, age=MAX_AGE_YEARS))
    return Checked(born)


def check_visit_date(value: object, *, birth_date: dt.date | None, today: dt.date | None = None,
                     field: str | None = None) -> Checked:
    """A visit date: not before the patient's birth, not after today."""
    field = field or _("Tanggal kunjungan")
    visited = _as_date(value, field)
    today = today or clock.today()
    if visited > today:
        raise ValidationError(field, _("{field} tidak boleh sesudah hari ini.").format(field=field))
    if isinstance(birth_date, dt.date) and visited < birth_date:
        raise ValidationError(field, _("{field} tidak boleh sebelum tanggal lahir pasien ({born}).").format(
            field=field, born=birth_date.strftime("%d-%m-%Y")))
    return Checked(value if isinstance(value, dt.datetime) else visited)


def plain_name(text: str) -> bool:
    """Whether a name is already as ``check_name`` leaves it (most are): a letter, then letters and
    . , ' - with single spaces, no space at the end, at most 100 characters."""
    return _PLAIN_NAME.match(text) is not None and "  " not in text and not text.endswith(" ")


def check_name(value: object, *, field: str | None = None, required: bool = True) -> Checked:
    """A person's name: trimmed, single spaces, letters and . , ' - only, no digits."""
    field = field or _("Nama")
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, _("{field} wajib diisi.").format(field=field))
        return Checked("")
    if not isinstance(value, str):
        raise ValidationError(field, _("{field} harus berupa huruf, bukan angka atau tanggal.").format(field=field))
    name = tidy_name(value)
    if _PLAIN_NAME.match(name):
        return Checked(name)
    if any(ch.isdigit() for ch in name):
        raise ValidationError(field, _("{field} tidak boleh berisi angka; hapus angka dari '{name}'.").format(field=field, name=name))
    odd = sorted({ch for ch in name if not (ch.isalpha() or ch in _NAME_PUNCTUATION or unicodedata.category(ch) == "Mn")})
    if odd:
        raise ValidationError(field, _("{field} berisi tanda yang tidak dipakai dalam nama: {chars}. Hapus tanda itu.").format(
            field=field, chars=" ".join(odd)))
    if not any(ch.isalpha() for ch in name):
        raise ValidationError(field, _("{field} harus berisi huruf.").format(field=field))
    if len(name) > 100:
        raise ValidationError(field, _("{field} terlalu panjang ({count} huruf, paling banyak 100).").format(field=field, count=len(name)))
    return Checked(name)


def age_at(birth_date: dt.date, on: dt.date) -> tuple[int, int]:
    """(completed days, completed years) of a person born on ``birth_date`` at ``on``.

    A person born on 29 February completes a year on 1 March in common years.
    """
    days = (on - birth_date).days
    years = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return days, years


_CONTROL = dict.fromkeys(range(32), " ") | {127: " "}


def typed(text: object) -> str:
    """What was typed into a search or filter box, as one line: control characters (a NUL pasted
    from another program, which PostgreSQL refuses in any text) read as spaces, runs of spaces as one."""
    return " ".join(str(text or "").translate(_CONTROL).split())
