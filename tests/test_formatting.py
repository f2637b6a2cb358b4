"""Dates, money and NIP as Indonesian offices print them."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk.formatting import (
    format_age,
    format_date,
    format_datetime,
    format_month,
    format_nip,
    format_rupiah,
    place_and_date,
)


def test_dates():
    assert format_date(dt.date(2026, 12, 5)) == "5 Desember 2026"
    assert format_date(None) == ""
    assert format_datetime(dt.datetime(2026, 2, 1, 8, 5)) == "1 Februari 2026 08.05"
    assert format_month(2026, 10) == "Oktober 2026"
    assert place_and_date("Kupang", dt.date(2026, 12, 5)) == "Kupang, 5 Desember 2026"


def test_money_and_nip():
    assert format_rupiah(1800000) == "Rp1.800.000"
    assert format_rupiah(450000) == "Rp450.000"
    assert format_rupiah(0) == "Rp0"
    assert format_rupiah(-50000) == "-Rp50.000"
    assert format_nip("197703122005022002") == "19770312 200502 2 002"
    assert format_nip("-") == "-"


@pytest.mark.parametrize(("age", "text"), [
    (dt.timedelta(seconds=5), "baru saja"), (dt.timedelta(minutes=25, seconds=30), "25 menit lalu"),
    (dt.timedelta(hours=5, minutes=59), "5 jam lalu"), (dt.timedelta(hours=47), "47 jam lalu"),
    (dt.timedelta(days=3, hours=2), "3 hari lalu"), (dt.timedelta(seconds=-3), "baru saja"),
])
def test_how_long_ago_as_a_clerk_says_it(age, text):
    assert format_age(age) == text


def test_english_writes_dates_and_numbers_as_english_does():
    from kupang_desk.formatting import format_datetime, format_month, month_names
    from kupang_desk.i18n import set_language

    set_language("en")
    try:
        assert format_date(dt.date(2026, 12, 5)) == "5 December 2026"
        assert format_datetime(dt.datetime(2026, 12, 5, 8, 30)) == "5 December 2026 08:30"
        assert format_month(2026, 10) == "October 2026"
        assert format_rupiah(1_800_000) == "Rp1,800,000"
        assert month_names()[0] == "January"
    finally:
        set_language("id")
    assert format_date(dt.date(2026, 12, 5)) == "5 Desember 2026" and format_rupiah(1_800_000) == "Rp1.800.000"


def test_an_address_leaves_out_what_is_empty():
    """Issue 38 item 9: the card showed "RT /RW ," for a patient without RT, RW and kelurahan."""
    from kupang_desk.formatting import format_address

    assert format_address("Jl. Frans Seda No. 5", "004", "002", "Oebobo") == "Jl. Frans Seda No. 5 RT 004/RW 002, Oebobo"
    assert format_address("", "", "", "") == "-"
    assert format_address("Jl. Timor Raya", "", "", "Oesapa") == "Jl. Timor Raya, Oesapa"
    assert format_address("", "007", "", "") == "RT 007"
