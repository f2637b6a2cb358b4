"""One reader for identifier cells (NIK, KK, BPJS, NISN, No. RM, account numbers) in every import.

Spreadsheets hand identifiers over as text, as numbers, or damaged. The rules, one table:

- text is taken as typed: trimmed, inner spaces and dots removed;
- a number that is an exact integer becomes its digits again, with the leading zeros its
  kind needs (NISN 10, BPJS 13, NIK and KK 16, account numbers by bank);
- a 16-digit number whose last digit is not 0 cannot have been cut by Excel (Excel keeps
  15 significant digits and writes zeros after them), so it is taken as it is;
- a 16-digit number ending in 0 may have been cut: it is taken with a warning that the
  preview and the warnings sheet show ("periksa NIK, mungkin terpotong Excel");
- scientific notation (``5.37101E+15``), a fraction, or a number too large to be exact is
  damage: ``IdentifierDamaged`` says what to retype.

Whether the digits then make a valid NIK (region, date, length) is the validators' job.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Hashable
from functools import lru_cache
from typing import NamedTuple

from kupang_desk.i18n import _
from kupang_desk.validators import typed_digits

_SCIENTIFIC = re.compile(r"^[+-]?\d+([.,]\d+)?[eE][+-]?\d+$")
# Identifiers whose digits may run past Excel's 15 significant digits.
CUT_LENGTH = 16
EXCEL_DIGITS = 15
LENGTHS = {"nik": 16, "kk": 16, "bpjs": 13, "nisn": 10}
# Student savings accounts for PIP: BRI (SD/SMP) numbers have 15 digits, BNI (SMA/SMK) 10.
ACCOUNT_LENGTHS = {"BRI": 15, "BNI": 10}
KINDS = (*LENGTHS, "account", "phone", "code")


class IdentifierDamaged(Exception):
    """The cell cannot be an identifier as it stands; ``reason`` says what to retype."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


class Identifier(NamedTuple):  # a tuple: made for every identifier cell of an import, at a third of a dataclass's cost
    """The identifier as text ("" for a blank cell) and a warning the clerk should see."""

    text: str
    warning: str = ""


@lru_cache(maxsize=1024)  # an export names a handful of banks on every row
def account_length(bank: str) -> int | None:
    """The number of digits of a student account at ``bank`` (by name), when known."""
    bank = str(bank or "").upper()
    return next((n for name, n in ACCOUNT_LENGTHS.items() if name in bank), None)


def read_identifier(value: object, kind: str, column: str, *, length: int | None = None) -> Identifier:
    """The identifier in one cell. ``kind`` is one of ``KINDS``; ``length`` overrides the
    kind's own (an account's length by bank, the No. RM width of the running pattern)."""
    if value is None:
        return Identifier("")
    if typed_digits(value) and kind in KINDS:
        return Identifier(value)  # the most common cell: taken as it is (as _read would)
    # A file repeats its values (a family's KK, an empty RT): each distinct cell is read once.
    read = _read_once(type(value).__name__, value, kind, column, length)
    if isinstance(read, IdentifierDamaged):
        raise IdentifierDamaged(read.column, read.reason)
    return read


@lru_cache(maxsize=65536)
def _read_once(_type: str, value: Hashable, kind: str, column: str, length: int | None) -> Identifier | IdentifierDamaged:
    try:
        return _read(value, kind, column, length)
    except IdentifierDamaged as damaged:
        return damaged


def _read(value: object, kind: str, column: str, length: int | None) -> Identifier:
    if kind not in KINDS:
        raise ValueError(f"unknown identifier kind {kind}")
    length = length or LENGTHS.get(kind)
    if value is None:
        return Identifier("")
    if isinstance(value, bool):
        raise IdentifierDamaged(column, _("{column} berisi nilai benar/salah, bukan nomor. Ketik nomornya.").format(column=column))
    if isinstance(value, dt.date | dt.datetime | dt.time):
        raise IdentifierDamaged(column, _(
            "{column} terbaca sebagai tanggal, bukan nomor. Format kolomnya sebagai Teks lalu ketik ulang nomornya.").format(column=column))
    if isinstance(value, float):
        return _from_float(value, kind, column, length)
    if isinstance(value, int):
        return _from_digits(str(value), kind, column, length, from_number=True)
    text = "".join(str(value).split())
    if _SCIENTIFIC.match(text):
        raise IdentifierDamaged(column, damaged_message(column, text))
    if kind != "code":
        text = text.replace(".", "")
    if kind == "phone":
        text = text.replace("-", "")
    return Identifier(text.upper() if kind == "code" else text)


def damaged_message(column: str, shown: str) -> str:
    return _("{column} rusak oleh Excel: tertulis {value} (notasi ilmiah), digit aslinya sudah hilang. "
             "Ketik ulang {column} dari dokumen aslinya dan format kolomnya sebagai Teks.").format(column=column, value=shown)


def _from_float(value: float, kind: str, column: str, length: int | None) -> Identifier:
    if not math.isfinite(value) or value < 0 or not value.is_integer():
        raise IdentifierDamaged(column, _("{column} bukan nomor yang utuh: {value}. Ketik ulang dari dokumen aslinya.").format(
            column=column, value=display_number(value)))
    if value >= 2 ** 53:  # past this a float holds no exact integer: digits are already lost
        raise IdentifierDamaged(column, damaged_message(column, f"{value:.5E}"))
    return _from_digits(str(int(value)), kind, column, length, from_number=True)


def _from_digits(text: str, kind: str, column: str, length: int | None, *, from_number: bool) -> Identifier:
    if text.startswith("-"):
        raise IdentifierDamaged(column, _("{column} tidak boleh negatif: {value}.").format(column=column, value=text))
    if kind == "phone":
        # 081... typed into a number cell lost its 0 (62... is the country code, kept).
        return Identifier(text if text.startswith(("0", "62")) else "0" + text)
    if length and len(text) < length:
        text = text.zfill(length)  # Excel dropped the leading zeros of a number cell
    warning = ""
    if from_number and len(text) >= CUT_LENGTH and text.endswith("0") and len(text.rstrip("0")) <= EXCEL_DIGITS:
        warning = _("Periksa {column}, mungkin terpotong Excel: tersimpan sebagai angka {value}, dan Excel hanya "
                    "menyimpan 15 digit (digit ke-16 menjadi 0). Cocokkan dengan KTP/KK.").format(column=column, value=text)
    return Identifier(text, warning)


def display_number(value: float) -> str:
    """A float as the clerk typed it: ``1`` not ``1.0``, ``5371041203150000`` not ``5.37e15``."""
    if math.isfinite(value) and value.is_integer() and abs(value) < 2 ** 53:
        return str(int(value))
    return repr(value)
