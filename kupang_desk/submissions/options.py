"""Pengaturan > Pelaporan: due dates, the SKDR week, thresholds and mapping, and the DHIS2 server.
Each change is audited with its before and after, like every setting."""

from __future__ import annotations

from dataclasses import dataclass

from kupang_desk import audit, settings
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import writing
from kupang_desk.reports.skdr import current_codes, current_mapping, default_codes
from kupang_desk.visits.icd import normalize_code

LETTERS = {code.letter for code in default_codes()}


@dataclass
class ReportingOptions:
    monthly_due_day: int
    weekly_due_weekday: int  # 0 Monday ... 6 Sunday
    week_starts_sunday: bool
    dhis2_url: str
    dhis2_username: str
    dhis2_org_unit: str
    dhis2_id_scheme: str = "code"  # how the Dinas's server reads identifiers: its codes, or uids

    @classmethod
    def current(cls) -> ReportingOptions:
        get = settings.get
        return cls(get("reporting.monthly_due_day"), get("reporting.weekly_due_weekday"), get("skdr.week_starts_sunday"),
                   get("dhis2.url"), get("dhis2.username"), get("dhis2.org_unit"), get("dhis2.id_scheme"))


def _put(key: str, value, actor: SignedIn) -> None:
    before = settings.put(key, value)
    if before != value:
        audit.record("update", "setting", key, {"before": before, "after": value}, actor)


def save_options(options: ReportingOptions, *, user: SignedIn | None = None) -> None:
    actor = require("settings.edit", user)
    url = options.dhis2_url.strip()
    if url and not url.startswith(("https://", "http://")):
        raise KnownError(_("Alamat server DHIS2 dimulai dengan https://, misalnya https://dhis2.kemkes.go.id."))
    with writing():  # the registry checks the ranges (settings.KEYS)
        _put("reporting.monthly_due_day", int(options.monthly_due_day), actor)
        _put("reporting.weekly_due_weekday", int(options.weekly_due_weekday), actor)
        _put("skdr.week_starts_sunday", bool(options.week_starts_sunday), actor)
        _put("dhis2.url", url, actor)
        _put("dhis2.username", options.dhis2_username.strip(), actor)
        _put("dhis2.org_unit", "".join(options.dhis2_org_unit.split()), actor)
        _put("dhis2.id_scheme", options.dhis2_id_scheme, actor)


def skdr_thresholds(*, user: SignedIn | None = None) -> list[tuple[str, str, int]]:
    """(letter, name, threshold) in the W2 form's order, as this office has them."""
    require("settings.edit", user)
    return [(c.letter, c.name, c.threshold) for c in current_codes()]


def set_skdr_thresholds(thresholds: dict[str, int], *, user: SignedIn | None = None) -> None:
    """Keeps the thresholds that differ from the shipped ones (a threshold is 1 to 10,000 cases a week)."""
    actor = require("settings.edit", user)
    shipped = {c.letter: c.threshold for c in default_codes()}
    changed = {}
    for letter, value in thresholds.items():
        if letter not in LETTERS:
            raise KnownError(_("Kode SKDR '{letter}' tidak dikenal.").format(letter=letter))
        if not 1 <= int(value) <= 10_000:
            raise KnownError(_("Ambang SKDR {letter} harus 1 sampai 10.000 kasus seminggu.").format(letter=letter))
        if int(value) != shipped[letter]:
            changed[letter] = int(value)
    with writing():
        _put("skdr.thresholds", changed, actor)


def skdr_mapping(*, user: SignedIn | None = None) -> list[tuple[str, str]]:
    """(ICD-10 prefix, letter), sorted by prefix, as this office maps them."""
    require("settings.edit", user)
    return sorted(current_mapping())


def set_skdr_mapping(rows: list[tuple[str, str]] | None, *, user: SignedIn | None = None) -> int:
    """The office's ICD-10 -> SKDR mapping; None or empty goes back to the shipped one. Returns its size."""
    actor = require("settings.edit", user)
    cleaned: dict[str, str] = {}
    for prefix, letter in rows or []:
        typed = prefix = "".join(str(prefix).split()).upper()
        letter = str(letter).strip().upper()
        if not prefix and not letter:
            continue
        if letter not in LETTERS:
            raise KnownError(_("Huruf SKDR '{letter}' untuk {prefix} tidak dikenal; pakai salah satu: {letters}.").format(
                letter=letter, prefix=prefix or "?", letters=", ".join(sorted(LETTERS))))
        if len(prefix) > 3:  # a whole code, typed J069 or J06.9: stored as J06.9
            prefix = normalize_code(prefix) or ""
        if not prefix or not prefix[0].isalpha():
            raise KnownError(_("Awalan kode ICD-10 '{prefix}' tidak dikenal; tulis misalnya A09 atau J12.").format(prefix=typed))
        if cleaned.get(prefix, letter) != letter:
            raise KnownError(_("Awalan {prefix} dipetakan ke dua huruf ({a} dan {b}); pilih satu.").format(
                prefix=prefix, a=cleaned[prefix], b=letter))
        cleaned[prefix] = letter
    with writing():
        _put("skdr.icd10_mapping", sorted([p, letter] for p, letter in cleaned.items()), actor)
    return len(cleaned) or len(current_mapping())
