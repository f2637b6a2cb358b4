"""One reader for identifier cells: every import takes NIK, NISN, BPJS and accounts by the same rules."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk.imports.identifiers import IdentifierDamaged, read_identifier

CUT = "mungkin terpotong Excel"

# (cell as the spreadsheet hands it over, kind, length, digits read, warning that must appear or "")
READ = [
    ("5371041203870001", "nik", None, "5371041203870001", ""),  # text as typed
    (" 5371 0412 0387 0001 ", "nik", None, "5371041203870001", ""),  # spaces between groups
    ("5371.0412.0387.0001", "nik", None, "5371041203870001", ""),  # dots between groups
    (5371041203870001, "nik", None, "5371041203870001", ""),  # an exact integer
    (5371041203870001.0, "nik", None, "5371041203870001", ""),  # a float whose 16th digit is not 0: intact
    (5371041203870000.0, "nik", None, "5371041203870000", CUT),  # 16th digit 0: Excel may have cut it
    (5371041203870000, "nik", None, "5371041203870000", CUT),
    (151234567, "nisn", None, "0151234567", ""),  # the leading zero Excel dropped comes back
    (151234567.0, "nisn", None, "0151234567", ""),
    (12345678901.0, "bpjs", None, "0012345678901", ""),  # BPJS: 13 digits
    (12301012345501, "account", 15, "012301012345501", ""),  # BRI: 15 digits
    (81234500011, "phone", None, "081234500011", ""),  # a phone number keeps its 0
    ("0812-3450-0011", "phone", None, "081234500011", ""),
    (101.0, "code", 6, "000101", ""),  # No. RM of the running pattern, width 6
    ("rm-00.12", "code", None, "RM-00.12", ""),  # a No. RM as text keeps its punctuation
    (None, "nik", None, "", ""),
    ("", "nik", None, "", ""),
]

DAMAGED = [
    ("5.37101E+15", "nik", "notasi ilmiah"),
    ("5,37104e+15", "nik", "notasi ilmiah"),
    (5.371041203870001e17, "nik", "notasi ilmiah"),  # past 2**53 a float holds no exact integer
    (5371041203.5, "nik", "bukan nomor yang utuh"),
    (float("nan"), "nisn", "bukan nomor yang utuh"),
    (-151234567, "nisn", "negatif"),
    (True, "nik", "benar/salah"),
    (dt.date(2015, 3, 12), "nik", "tanggal"),
]


@pytest.mark.parametrize(("value", "kind", "length", "text", "warning"), READ)
def test_identifier_cells_are_read_by_one_rule(value, kind, length, text, warning):
    read = read_identifier(value, kind, "NIK", length=length)
    assert read.text == text
    assert (warning in read.warning) if warning else read.warning == ""


@pytest.mark.parametrize(("value", "kind", "reason"), DAMAGED)
def test_damaged_identifier_cells_say_what_to_retype(value, kind, reason):
    with pytest.raises(IdentifierDamaged) as damaged:
        read_identifier(value, kind, "NIK")
    assert reason in damaged.value.reason and damaged.value.column == "NIK"
