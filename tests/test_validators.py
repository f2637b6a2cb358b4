"""Validators: real-looking cases, table-driven, and no input that raises anything else."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kupang_desk.errors import ValidationError
from kupang_desk.validators import (
    age_at,
    check_birth_date,
    check_bpjs,
    check_kk,
    check_name,
    check_nik,
    check_nip,
    check_nisn,
    check_npsn,
    check_visit_date,
    nik_birth_and_sex,
)
from tests.helpers.clock import TODAY

# (NIK, birth date typed, sex typed, expected warnings that mention..., error expected?)
NIK_CASES = [
    # Kota Kupang, Oebobo (537104), man born 12-03-1987.
    ("5371041203870001", dt.date(1987, 3, 12), "L", [], None),
    # Woman: day + 40.
    ("5371045203870002", dt.date(1987, 3, 12), "P", [], None),
    # Typed with spaces between groups, as read off a card.
    ("5371 0452 0387 0002", dt.date(1987, 3, 12), "P", [], None),
    # Woman's NIK typed as man: a warning, not an error.
    ("5371045203870002", dt.date(1987, 3, 12), "L", ["perempuan"], None),
    # Birth date differs from the NIK: a warning (NIKs are never re-issued).
    ("5371041203870001", dt.date(1987, 3, 13), "L", ["berbeda"], None),
    # Issued in Kabupaten Kupang (5301), Semau (530104).
    ("5301042511990003", dt.date(1999, 11, 25), "L", [], None),
    # Issued outside NTT (Bali, 51): a warning.
    ("5171011508000001", dt.date(2000, 8, 15), "L", ["luar NTT"], None),
    # Unknown kecamatan in Kota Kupang (537199): a warning to check.
    ("5371991203870001", None, None, ["kecamatan"], None),
    # Unknown kabupaten in NTT (5399): an error.
    ("5399011203870001", None, None, [], "kabupaten"),
    # Not a province code.
    ("0071041203870001", None, None, [], "provinsi"),
    # Impossible embedded date: 31 February, and day 35.
    ("5371043102870001", None, None, [], "tidak mungkin"),
    ("5371043503870001", None, None, [], "tidak mungkin"),
    # Serial 0000.
    ("5371041203870000", None, None, [], "0000"),
    # Too short, letters, Excel damage.
    ("537104120387001", None, None, [], "16 digit"),
    ("53710412O3870001", None, None, [], "angka"),
    ("5.37104E+15", None, None, [], "notasi ilmiah"),
    (5.371041203870001e15, None, None, [], "rusak"),
    ("", None, None, [], "wajib"),
    (None, None, None, [], "wajib"),
]


@pytest.mark.parametrize(("nik", "born", "sex", "warnings", "error"), NIK_CASES)
def test_nik(nik, born, sex, warnings, error):
    if error:
        with pytest.raises(ValidationError, match=error) as caught:
            check_nik(nik, birth_date=born, sex=sex)
        assert caught.value.field == "NIK"
        return
    checked = check_nik(nik, birth_date=born, sex=sex)
    assert checked.value == str(nik).replace(" ", "")
    assert len(checked.warnings) == len(warnings)
    for expected, message in zip(warnings, checked.warnings, strict=True):
        assert expected in message


def test_nik_optional_blank_is_empty():
    assert check_nik("  ", required=False).value == ""


def test_nik_date_on_29_february_is_possible():
    assert check_nik("5371042902000001").value == "5371042902000001"


@pytest.mark.parametrize(("value", "expected", "error"), [
    ("0001234567890", "0001234567890", None),  # leading zeros kept
    ("000 1234 5678 90", "0001234567890", None),
    (1234567890, None, "nol di depan"),  # an Excel number that lost its zeros
    ("0000000000000", None, "nol semua"),
    ("", "", None),  # optional
    ("12345678901234", None, "13 digit"),
])
def test_bpjs(value, expected, error):
    if error:
        with pytest.raises(ValidationError, match=error):
            check_bpjs(value)
    else:
        assert check_bpjs(value).value == expected


@pytest.mark.parametrize(("check", "good", "bad", "message"), [
    (check_kk, "5371041501100007", "9971041501100007", "provinsi"),
    (check_nisn, "0098765432", "98765432", "10 digit"),
    (check_npsn, "50304567", "5030456", "8 digit"),
])
def test_other_identifiers(check, good, bad, message):
    assert check(good).value == good
    with pytest.raises(ValidationError, match=message):
        check(bad)


def test_nisn_whose_prefix_does_not_follow_birth_year_is_valid():
    assert check_nisn("3129876543").value == "3129876543"


@pytest.mark.parametrize(("nip", "error"), [
    ("197703122005022002", None),
    ("1977 0312 2005 02 2 002", None),
    ("197702302005022002", "bukan tanggal"),  # 30 February
    ("197703122005132002", "bulan pengangkatan"),
    ("197703121985022002", "pengangkatan"),  # appointed at 7
    ("197703122005023002", "digit ke-15"),
    ("197703122005022000", "000"),
    ("197703122030012002", "pengangkatan"),  # appointed in the future
])
def test_nip(nip, error):
    if error:
        with pytest.raises(ValidationError, match=error):
            check_nip(nip, today=TODAY)
    else:
        assert check_nip(nip, today=TODAY).value == nip.replace(" ", "")


def test_nip_sex_mismatch_is_a_warning():
    assert check_nip("197703122005022002", sex="L", today=TODAY).warnings


def test_dates():
    assert check_birth_date(dt.date(1950, 1, 1), today=TODAY).value == dt.date(1950, 1, 1)
    with pytest.raises(ValidationError, match="sesudah hari ini"):
        check_birth_date(TODAY + dt.timedelta(days=1), today=TODAY)
    with pytest.raises(ValidationError, match="lebih dari 130"):
        check_birth_date(dt.date(1890, 1, 1), today=TODAY)
    with pytest.raises(ValidationError, match="sebelum tanggal lahir"):
        check_visit_date(dt.date(2020, 1, 1), birth_date=dt.date(2020, 1, 2), today=TODAY)
    with pytest.raises(ValidationError, match="sesudah hari ini"):
        check_visit_date(TODAY + dt.timedelta(days=4), birth_date=None, today=TODAY)
    visit = dt.datetime.combine(TODAY, dt.time(8, 30))
    assert check_visit_date(visit, birth_date=dt.date(2020, 1, 1), today=TODAY).value == visit


@pytest.mark.parametrize(("typed", "stored", "error"), [
    ("  Yohanes   Ndun ", "Yohanes Ndun", None),
    ("Maria Goreti da Silva", "Maria Goreti da Silva", None),
    ("Ni Luh Ayu Putu-Dewi", "Ni Luh Ayu Putu-Dewi", None),
    ("Yohanis N'dolu", "Yohanis N'dolu", None),
    ("Agustinus 2", None, "angka"),
    ("Maria@Bere", None, "@"),
    ("   ", None, "wajib"),
    ("...", None, "huruf"),
])
def test_names(typed, stored, error):
    if error:
        with pytest.raises(ValidationError, match=error):
            check_name(typed)
    else:
        assert check_name(typed).value == stored


@pytest.mark.parametrize(("born", "on", "days", "years"), [
    (dt.date(2025, 10, 1), dt.date(2026, 10, 1), 365, 1),  # first birthday
    (dt.date(2025, 10, 2), dt.date(2026, 10, 1), 364, 0),
    (dt.date(2024, 2, 29), dt.date(2025, 2, 28), 365, 0),  # leap-day baby
    (dt.date(2024, 2, 29), dt.date(2025, 3, 1), 366, 1),
    (dt.date(2026, 10, 1), dt.date(2026, 10, 8), 7, 0),
])
def test_age_at(born, on, days, years):
    assert age_at(born, on) == (days, years)


anything = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(),
    st.text(alphabet="0123456789 .eE+-", max_size=24), st.dates(), st.datetimes(), st.binary(), st.lists(st.integers()),
)


@settings(max_examples=300, deadline=None)
@given(value=anything, born=st.one_of(st.none(), st.dates()), sex=st.sampled_from([None, "L", "P", "X"]))
def test_no_input_raises_anything_but_a_validation_error(value, born, sex):
    checks = [
        lambda: check_nik(value, birth_date=born, sex=sex),
        lambda: check_kk(value), lambda: check_bpjs(value), lambda: check_nisn(value),
        lambda: check_npsn(value), lambda: check_nip(value, sex=sex), lambda: check_name(value),
        lambda: check_birth_date(value), lambda: check_visit_date(value, birth_date=born),
    ]
    for check in checks:
        try:
            result = check()
        except ValidationError as error:
            assert error.message and error.field
        else:
            assert result.value is not None


@pytest.mark.parametrize(("nik", "expected"), [
    ("5371045203870001", (dt.date(1987, 3, 12), "P")),
    ("5371041203870001", (dt.date(1987, 3, 12), "L")),
    ("5371 0415 0820 0003", (dt.date(2020, 8, 15), "L")),  # typed with spaces, a child
    ("5371041512260001", None),  # 15-12-2026 is after today: not a birth date yet
    ("5371043213870001", None),  # day 32 does not exist
    ("537104120387", None),  # too short
])
def test_a_nik_carries_the_birth_date_and_sex(nik, expected):
    assert nik_birth_and_sex(nik, today=dt.date(2026, 12, 2)) == expected
