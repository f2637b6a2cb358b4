"""Every setting the app keeps, declared once: its key, type, default, meaning and check.

Readers and writers go through ``get`` and ``put`` (Vorta's ``store/settings.py`` is the
model), so a default is written in one place and a stored value of the wrong type (an old
database, a hand edit) reads as the default instead of breaking a screen.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import Setting

DEFAULT_NO_RM_PATTERN = {"kind": "running", "prefix": "", "width": 6}


def _between(low: int, high: int, message: Callable[[], str]) -> Callable[[Any], str | None]:
    """A range check; ``message`` is called when it fails, so that it speaks the current language."""
    return lambda value: None if low <= int(value) <= high else message()


# LB1 age bands of the domain notes: completed days under one year, completed years above.
DEFAULT_AGE_BANDS = [
    {"label": "0-7 hr", "years": [0, 0], "days": [0, 7]},
    {"label": "8-28 hr", "years": [0, 0], "days": [8, 28]},
    {"label": "29 hr-11 bl", "years": [0, 0], "days": [29, None]},
    {"label": "1-4 th", "years": [1, 4]},
    {"label": "5-9 th", "years": [5, 9]},
    {"label": "10-14 th", "years": [10, 14]},
    {"label": "15-19 th", "years": [15, 19]},
    {"label": "20-44 th", "years": [20, 44]},
    {"label": "45-54 th", "years": [45, 54]},
    {"label": "55-59 th", "years": [55, 59]},
    {"label": "60-69 th", "years": [60, 69]},
    {"label": ">=70 th", "years": [70, None]},
]

@dataclass(frozen=True)
class Key:
    name: str
    kind: type
    default: Any
    meaning: str  # what it is for (developers; the screens have their own labels)
    check: Callable[[Any], str | None] | None = None  # the reason a value is refused, or None
    seeded: bool = False  # written into a new database, so that a backup carries it


KEYS: dict[str, Key] = {key.name: key for key in (
    Key("skdr.week_starts_sunday", bool, True, "SKDR weeks run Sunday-Saturday (the W2 form); False: Monday-Sunday",
        seeded=True),
    Key("skdr.thresholds", dict, {}, "SKDR alert thresholds per letter where the Dinas changed the shipped ones"),
    Key("skdr.icd10_mapping", list, [], "ICD-10 prefix -> SKDR letter pairs; empty: the shipped mapping"),
    Key("reporting.monthly_due_day", int, 10, "monthly reports (LB1, recap, top ten) are due on this day of the next month",
        _between(1, 28, lambda: _("Batas kirim bulanan tanggal 1 sampai 28.")), seeded=True),
    Key("reporting.weekly_due_weekday", int, 1, "the SKDR week is due on this weekday after it (0 Monday ... 1 Tuesday)",
        _between(0, 6, lambda: _("Hari batas kirim mingguan 0 (Senin) sampai 6 (Minggu).")), seeded=True),
    Key("dhis2.mapping", list, [], "the receiving office's DHIS2 mapping: report, row, column, dataElement, combo"),
    Key("dhis2.org_unit", str, "", "the DHIS2 orgUnit code of this office; empty: the puskesmas code of the profile"),
    Key("dhis2.id_scheme", str, "code", "how the Dinas's DHIS2 names data elements, combos, data sets and org units: "
        "code or uid", lambda value: None if value in ("code", "uid") else _("Skema id DHIS2 harus code atau uid.")),
    Key("dhis2.metadata", dict, {}, "the Dinas's data set metadata export, compact: kind -> code or uid -> uid, "
        "zero is significant, period type"),
    Key("dhis2.url", str, "", "the DHIS2 server the office uploads to, for example https://dhis2.example.go.id"),
    Key("dhis2.username", str, "", "the DHIS2 account that uploads (its password is asked, never stored)"),
    Key("satusehat.environment", str, "sandbox", "which SATUSEHAT the outbox talks to: sandbox or production",
        lambda v: None if v in ("sandbox", "production") else _("Lingkungan SATUSEHAT: sandbox atau production.")),
    Key("satusehat.sandbox_url", str, "https://api-satusehat-stg.dto.kemkes.go.id",
        "the SATUSEHAT sandbox base URL (auth and FHIR paths below it)"),
    Key("satusehat.production_url", str, "https://api-satusehat.kemkes.go.id", "the SATUSEHAT production base URL"),
    Key("satusehat.enabled", bool, False, "whether recorded visits are queued and sent to SATUSEHAT"),
    Key("satusehat.requests_per_minute", int, 60, "the most FHIR requests the sender makes a minute",
        _between(1, 6000, lambda: _("Batas permintaan SATUSEHAT 1 sampai 6000 per menit."))),
    Key("satusehat.organization_id", str, "", "this office's Organization IHS id"),
    Key("satusehat.client_id", str, "", "the OAuth2 client id (the secret is kept outside the database)"),
    Key("satusehat.client_secret_sealed", str, "", "the client secret sealed with the installation key, where the "
        "PC has no keyring (empty: in the keyring)"),
    Key("ilp.units", str, "poli", "how this office names where patients are served: poli, klaster (ILP clusters) or "
        "poli_klaster (poli inside clusters); the screens and reports speak the choice",
        lambda v: None if v in ("poli", "klaster", "poli_klaster") else _("Pilih poli, klaster atau poli_klaster.")),
    Key("queue.elderly_age", int, 60, "patients this old or older are called before the others (0: no priority by age)",
        check=_between(0, 120, lambda: _("Umur lansia antara 0 (tidak didahulukan) dan 120 tahun."))),
    Key("pcare.url", str, "https://apijkn.bpjs-kesehatan.go.id/pcare-rest", "the P-Care web service's base URL"),
    Key("pcare.cons_id", str, "", "the consumer id BPJS gave this puskesmas (its secret is kept outside the database)"),
    Key("pcare.username", str, "", "the puskesmas's P-Care account (its password is kept outside the database)"),
    Key("pcare.provider_code", str, "", "this puskesmas's FKTP code at BPJS (kdProvider)"),
    Key("pcare.secret_sealed", str, "", "the consumer secret sealed with the installation key where the PC has no keyring"),
    Key("pcare.user_key_sealed", str, "", "the user key sealed with the installation key where the PC has no keyring"),
    Key("pcare.password_sealed", str, "", "the P-Care password sealed with the installation key where the PC has no keyring"),
    Key("pcare.members", int, 0, "JKN members registered with this FKTP, BPJS's monthly figure (the KBK contact rate)"),
    Key("pcare.non_specialist", list, [], "BPJS's list of non-specialist diagnoses (ICD-10), pasted by the office (KBK RRNS)"),
    Key("pcare.enabled", bool, False, "whether recorded JKN visits are queued and sent to P-Care"),
    Key("pcare.codes", dict, {}, "P-Care's own codes the office chose from its reference lists: poli (poli id -> kdPoli), "
        "doctor (kdDokter), awareness (kdSadar), discharge (kdStatusPulang of an outpatient sent home)"),
    Key("ckg.keys", dict, {}, "the school health check (CKG): {office code: the public key its first roster or results "
        "file was signed with}; later files from that code must carry the same key"),
    Key("ckg.referral_place", str, "", "where the puskesmas refers a student whose CKG result needs follow-up; empty: "
        "the puskesmas itself"),
    Key("city.puskesmas", list, [], "the puskesmas a Dinas expects files from: code and name; empty: Kota Kupang's 11"),
    Key("reference.icd10_titles", str, "", "fingerprint of the shipped Indonesian ICD-10 titles last loaded"),
    Key("lb1.age_bands", list, DEFAULT_AGE_BANDS, "LB1 age bands (days under one year, years above)", seeded=True),
    Key("no_rm.pattern", dict, DEFAULT_NO_RM_PATTERN, "how new No. RM are made (running or family)", seeded=True),
    Key("top_diseases.include_z_codes", bool, False, "whether Z codes count among the top diseases", seeded=True),
    Key("backup.warn_after_days", int, 3, "the status bar warns when the last backup is older",
        _between(1, 60, lambda: _("Peringatan cadangan 1 sampai 60 hari.")), seeded=True),
    Key("backup.folder", str, "", "folder of the automatic backups; empty: beside the user data"),
    Key("session.idle_minutes", int, 10, "idle minutes before the session locks",
        _between(1, 240, lambda: _("Kunci otomatis 1 sampai 240 menit."))),
    Key("roles.permissions", dict, {}, "permissions per role where the office changed the defaults"),
    Key("demo.accounts", list, [], "the demo accounts the sign-in window names"),
    Key("imports.value_map", dict, {}, "answers remembered by imports: {field: {folded value: entry}}"),
    Key("backup.passphrase_check", dict, {}, "the scrypt salt and cost of the backup passphrase and a check "
        "value made with its key (never the key or the passphrase)"),
    Key("database.id", str, "", "a random name given to this database when it is made: the audit anchors "
        "kept outside it are filed under it"),
)}


def get(name: str) -> Any:
    """The stored value of setting ``name``, else (unset or of the wrong type) its default."""
    key = KEYS[name]
    value = Setting.get_value(name, None)
    if value is None or not isinstance(value, key.kind) or (key.kind is int and isinstance(value, bool)):
        return copy.deepcopy(key.default)
    return value


def put(name: str, value: Any) -> Any:
    """Stores ``value`` (inside the caller's transaction) after its type and check; returns
    the value it replaced. ``None`` resets the setting to its default."""
    key = KEYS[name]
    before = get(name)
    if value is None:
        value = copy.deepcopy(key.default)
    if key.kind is int and isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if not isinstance(value, key.kind) or (key.kind is int and isinstance(value, bool)):
        raise KnownError(_("Pengaturan {name} harus berupa {kind}.").format(name=name, kind=key.kind.__name__))
    if key.check is not None and (reason := key.check(value)):
        raise KnownError(reason)
    Setting.set_value(name, value)
    global changes
    changes += 1
    return before


changes = 0  # settings stored by this process: what a cache of a setting compares (``permissions``)


def seeded_defaults() -> dict[str, Any]:
    """What a new database starts with."""
    return {key.name: copy.deepcopy(key.default) for key in KEYS.values() if key.seeded}
