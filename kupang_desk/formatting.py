"""Dates, money and identifiers as Indonesian offices write them (and, with ``--lang en``, as
English writes them, month names and digit grouping from Babel's locale data)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from kupang_desk.i18n import _, current_language

MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)


@cache
def _locale_words(language: str) -> tuple[tuple[str, ...], str, str]:
    """Month names, the thousands separator and the time separator of ``language`` (Babel)."""
    from babel import Locale, UnknownLocaleError  # only for a language other than Indonesian
    from babel.numbers import get_group_symbol

    try:
        locale = Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse("en")
    months = locale.months["format"]["wide"]
    return tuple(months[number] for number in range(1, 13)), get_group_symbol(locale), ":"


def _words() -> tuple[tuple[str, ...], str, str]:
    language = current_language()
    return (MONTHS_ID, ".", ".") if language == "id" else _locale_words(language)


def month_names() -> tuple[str, ...]:
    """January to December in the interface's language."""
    return _words()[0]


def format_date(value: dt.date | None) -> str:
    """``5 Desember 2026`` (English: ``5 December 2026``); empty for no date."""
    if value is None:
        return ""
    return f"{value.day} {_words()[0][value.month - 1]} {value.year}"


def format_datetime(value: dt.datetime | None) -> str:
    """``5 Desember 2026 08.30`` (Indonesian writes the time with a dot; English ``08:30``)."""
    if value is None:
        return ""
    return f"{format_date(value.date())} {value.hour:02d}{_words()[2]}{value.minute:02d}"


def format_month(year: int, month: int) -> str:
    """``Oktober 2026``, the reporting period of a monthly report."""
    return f"{_words()[0][month - 1]} {year}"


def format_number(value: int) -> str:
    """``1.800.000``: thousands grouped with dots (English: ``1,800,000``)."""
    return f"{value:,}".replace(",", _words()[1])


def format_rate(value: float) -> str:
    """``1.234,5``: a rate or a share with one decimal, grouped (English: ``1,234.5``)."""
    text = f"{value:,.1f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") if _words()[1] == "." else text


def format_decimal(value: float) -> str:
    """``38,5`` (English ``38.5``): a measurement with the decimal mark the clerk writes."""
    text = f"{value:g}"
    return text.replace(".", ",") if _words()[1] == "." else text


def format_rupiah(value: int) -> str:
    """``Rp1.800.000``; negative amounts as ``-Rp50.000``."""
    sign = "-" if value < 0 else ""
    return f"{sign}Rp{format_number(abs(value))}"


def format_nip(nip: str) -> str:
    """``19770312 200502 2 002``: an 18-digit NIP in its printed groups; other text as it is."""
    if len(nip) == 18 and nip.isdigit():
        return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    return nip


def place_and_date(place: str, value: dt.date) -> str:
    """``Kupang, 5 Desember 2026`` above a signature."""
    return f"{place}, {format_date(value)}"


def terbilang(value: int) -> str:
    """An amount in Indonesian words, as written under a total: ``satu juta delapan ratus
    ribu rupiah`` (num2words, which writes seratus, seribu and sebelas as Indonesian does)."""
    from num2words import num2words  # its language tables load in 80 ms: only for a total in words

    words = num2words(abs(int(value)), lang="id")
    return ("minus " if value < 0 else "") + " ".join(words.split()) + " rupiah"


def format_age(age: dt.timedelta) -> str:
    """How long ago, as a clerk says it: ``baru saja``, ``25 menit lalu``, ``5 jam lalu``, ``3 hari lalu``."""
    seconds = max(int(age.total_seconds()), 0)
    if seconds < 60:
        return _("baru saja")
    if seconds < 3600:
        return _("{n} menit lalu").format(n=seconds // 60)
    if seconds < 48 * 3600:
        return _("{n} jam lalu").format(n=seconds // 3600)
    return _("{n} hari lalu").format(n=seconds // 86400)


def format_address(street: str, rt: str, rw: str, kelurahan: str) -> str:
    """``Jl. Frans Seda No. 5 RT 004/RW 002, Oebobo``; a part that is empty is left out, never printed
    as "RT /RW ," (an empty address is "-")."""
    neighbourhood = "/".join(part for part in (f"RT {rt}" if rt else "", f"RW {rw}" if rw else "") if part)
    first = " ".join(part for part in (" ".join((street or "").split()), neighbourhood) if part)
    return ", ".join(part for part in (first, kelurahan or "") if part) or "-"
