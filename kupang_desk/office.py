"""Pengaturan: the institution profile and every reference list the other features read,
each change checked, written in one transaction and audited with its before and after.

Also the first-run setup (profile, first administrator, backup folder), which needs no
permission because there is nobody yet to ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kupang_desk import audit, settings
from kupang_desk.accounts import users
from kupang_desk.accounts.permissions import (
    ADMIN_KEEPS,
    PERMISSIONS,
    ROLES,
    SYSTEM_SETUP,
    require,
)
from kupang_desk.backup import encryption
from kupang_desk.documents.table import Letterhead
from kupang_desk.errors import KnownError, ValidationError
from kupang_desk.i18n import _
from kupang_desk.models import (
    Institution,
    PaymentType,
    Poli,
    Region,
    User,
    WorkArea,
    now,
    writing,
)
from kupang_desk.regions import KOTA_KUPANG
from kupang_desk.students.grades import LEVELS
from kupang_desk.validators import check_nip, check_npsn


@dataclass
class Profile:
    kind: str = "puskesmas"
    name: str = ""
    code: str = ""
    school_level: str = ""
    address: str = ""
    city: str = "Kupang"
    phone: str = ""
    head_name: str = ""
    head_nip: str = ""
    letterhead: str = ""
    show_both: bool = False

    @classmethod
    def current(cls) -> Profile:
        institution = Institution.select().first()
        if institution is None:
            return cls()
        return cls(**{key: getattr(institution, key) for key in cls.__dataclass_fields__})


def default_letterhead(kind: str) -> list[str]:
    """The lines above the institution's name when the profile sets none."""
    return ["PEMERINTAH KOTA KUPANG", "DINAS KESEHATAN" if kind == "puskesmas" else "DINAS PENDIDIKAN DAN KEBUDAYAAN"]


def current_letterhead() -> Letterhead:
    """Who sends a document and who signs it, from the institution's profile."""
    institution = Institution.select().first()
    if institution is None:
        return Letterhead(default_letterhead("puskesmas"), _("(profil institusi belum diisi)"), "", None,
                          "Kupang", _("Kepala Puskesmas"), "", "")
    office = [line.strip() for line in (institution.letterhead or "").splitlines() if line.strip()]
    office = office or default_letterhead(institution.kind)
    return Letterhead(office, institution.name, institution.address, institution.logo, institution.city or "Kupang",
                      institution.head_title, institution.head_name, institution.head_nip)


def _clean_profile(profile: Profile) -> dict:
    if profile.kind not in Institution.KINDS:
        raise KnownError(_("Jenis institusi harus puskesmas, sekolah atau dinas."))
    name = " ".join(profile.name.split())
    if not name:
        raise KnownError(_("Nama institusi wajib diisi, misalnya UPTD Puskesmas Oebobo atau SD Inpres Oebobo 2."))
    code = "".join(profile.code.split())
    level = profile.school_level if profile.kind == "sekolah" else ""
    try:
        if profile.kind == "sekolah":
            if level not in LEVELS:
                raise KnownError(_("Pilih jenjang sekolah: SD, SMP, SMA atau SMK."))
            code = str(check_npsn(code, required=False).value)
        head_nip = check_nip(profile.head_nip, required=False).value if profile.head_nip.strip() else ""
    except ValidationError as error:
        raise KnownError(error.message) from None
    return dict(kind=profile.kind, name=name, code=code, school_level=level, address=" ".join(profile.address.split()),
                city=profile.city.strip() or "Kupang", phone=profile.phone.strip(), head_name=" ".join(profile.head_name.split()),
                head_nip=head_nip, letterhead="\n".join(line.strip() for line in profile.letterhead.splitlines() if line.strip()),
                show_both=bool(profile.show_both))


def save_profile(profile: Profile, *, logo: bytes | None = None, remove_logo: bool = False, user: User | None = None) -> Institution:
    actor = require("settings.edit", user)
    values = _clean_profile(profile)
    with writing():
        institution = Institution.select().first()
        before = {key: getattr(institution, key) for key in values} if institution else {}
        if institution is None:
            institution = Institution.create(**values)
        else:
            for key, value in values.items():
                setattr(institution, key, value)
        if logo is not None:
            institution.logo = logo
        elif remove_logo:
            institution.logo = None
        institution.updated_at = now()
        institution.save()
        changed = {key: [before.get(key), value] for key, value in values.items() if before.get(key) != value}
        if logo is not None or remove_logo:
            changed["logo"] = ["", "(baru)" if logo is not None else "(dihapus)"]
        audit.record("update", "institution", institution.id, changed, actor)
    return institution


def read_logo(path: str | Path) -> bytes:
    """The logo file's bytes, when it is a PNG or JPEG of a sensible size."""
    path = Path(path)
    if not path.is_file():
        raise KnownError(_("File logo {path} tidak ditemukan.").format(path=path))
    data = path.read_bytes()
    if not (data.startswith(b"\x89PNG") or data.startswith(b"\xff\xd8")):
        raise KnownError(_("Logo harus berupa gambar PNG atau JPG."))
    if len(data) > 2_000_000:
        raise KnownError(_("Logo terlalu besar ({size} KB); pakai gambar di bawah 2 MB.").format(size=len(data) // 1024))
    return data


def first_run(profile: Profile, *, username: str, full_name: str, password: str, backup_passphrase: str,
              backup_folder: str = "") -> User:
    """The first start of a new installation: the profile, the first administrator, the backup
    passphrase (every backup is encrypted under it), the backup folder."""
    if users.has_accounts():
        raise KnownError(_("Program ini sudah disiapkan; masuk dengan akun yang ada."))
    values = _clean_profile(profile)
    encryption.check_passphrase(backup_passphrase)
    if backup_passphrase == password:
        raise KnownError(_("Kata sandi cadangan harus lain dari kata sandi administrator: cadangan dibuka oleh siapa pun "
                           "yang memegang lembar pemulihan, akun hanya oleh administrator."))
    if backup_folder:
        folder = Path(backup_folder)
        if not folder.is_dir():
            raise KnownError(_("Folder cadangan {folder} tidak ada. Pilih folder yang ada, misalnya di flashdisk atau drive D.").format(
                folder=folder))
    with writing():
        institution = Institution.select().first()
        if institution is None:
            institution = Institution.create(**values)
        else:
            Institution.update(**values, updated_at=now()).where(Institution.id == institution.id).execute()
        admin = users.create_user(username, full_name, "administrator", password, must_change=False, by=SYSTEM_SETUP)
        if backup_folder:
            settings.put("backup.folder", str(Path(backup_folder)))
        audit.record("setup", "institution", institution.id, {"admin": admin.username, "backup_folder": backup_folder}, admin)
        encryption.set_passphrase(backup_passphrase, user=admin)
    return admin


def _setting(key: str, value, actor: User | None) -> None:
    before = settings.put(key, value)
    audit.record("update", "setting", key, {"before": before, "after": value}, actor)


def _save_listed(model, table: str, values: dict, item_id: int | None, taken: str, actor: User | None):
    """Creates (at the end of the list) or edits one row of a short reference list, audited;
    ``taken`` is the message when another row already has the name."""
    with writing():
        if model.select().where((model.name == values["name"]) & (model.id != (item_id or 0))).exists():
            raise KnownError(taken.format(name=values["name"]))
        if item_id is None:
            item = model.create(**values, sort_order=(model.select().count() + 1) * 10)
            audit.record("create", table, item.id, values, actor)
            return item
        item = model.get_by_id(item_id)
        before = {key: getattr(item, key) for key in values}
        model.update(**values).where(model.id == item_id).execute()
        audit.record("update", table, item_id, {k: [before[k], v] for k, v in values.items() if before[k] != v}, actor)
        return model.get_by_id(item_id)


def save_poli(name: str, *, code: str = "", cluster: str = "", active: bool = True, poli_id: int | None = None,
              user: User | None = None) -> Poli:
    """A poli or ILP cluster; one in use is deactivated, never deleted."""
    actor = require("settings.edit", user)
    name = " ".join((name or "").split())
    if not name:
        raise KnownError(_("Nama poli wajib diisi."))
    values = dict(name=name, code=code.strip().upper(), cluster=cluster.strip(), active=active)
    return _save_listed(Poli, "poli", values, poli_id, _("Poli {name} sudah ada."), actor)


def save_payment_type(name: str, *, code: str = "", is_bpjs: bool = False, is_pbi: bool = False, active: bool = True,
                      payment_id: int | None = None, user: User | None = None) -> PaymentType:
    actor = require("settings.edit", user)
    name = " ".join((name or "").split())
    if not name:
        raise KnownError(_("Nama cara bayar wajib diisi."))
    if is_pbi and not is_bpjs:
        raise KnownError(_("PBI adalah kepesertaan BPJS: centang juga Peserta BPJS."))
    values = dict(name=name, code=code.strip().upper(), is_bpjs=is_bpjs, is_pbi=is_pbi, active=active)
    return _save_listed(PaymentType, "payment_type", values, payment_id, _("Cara bayar {name} sudah ada."), actor)


def set_work_area(codes: list[str], *, user: User | None = None) -> int:
    """The kelurahan of the working area (wilayah kerja), replacing the list."""
    actor = require("settings.edit", user)
    wanted = sorted(set(codes))
    known = {code for (code,) in Region.select(Region.code).where(
        (Region.level == "desa_kelurahan") & Region.code.in_(wanted)).tuples()} if wanted else set()
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise KnownError(_("Kode kelurahan tidak dikenal: {codes}.").format(codes=", ".join(unknown)))
    with writing():
        before = sorted(code for (code,) in WorkArea.select(WorkArea.kelurahan).tuples())
        WorkArea.delete().execute()
        for code in wanted:
            WorkArea.create(kelurahan=code)
        audit.record("update", "work_area", "", {"before": before, "after": wanted}, actor)
    return len(wanted)


def check_age_bands(bands: list[dict]) -> list[dict]:
    """Bands in order, without gaps or overlaps: days inside the first year, then years, the last open."""
    if not bands:
        raise KnownError(_("Isi paling sedikit satu kelompok umur."))
    cleaned: list[dict] = []
    expect_day: int | None = 0
    expect_year: int | None = 0
    for number, band in enumerate(bands, start=1):
        label = " ".join(str(band.get("label", "")).split())
        if not label:
            raise KnownError(_("Kelompok umur ke-{number}: nama kelompok wajib diisi.").format(number=number))
        if band.get("days") is not None:
            low, high = band["days"]
            if expect_year != 0 or low != expect_day or (high is not None and high < low):
                raise KnownError(_("Kelompok umur {label}: hari harus mulai dari {start} dan tidak terbalik.").format(
                    label=label, start=expect_day))
            cleaned.append({"label": label, "years": [0, 0], "days": [low, high]})
            expect_day = (high + 1) if high is not None else None
            if high is None:
                expect_year = 1
        else:
            low, high = band["years"]
            if expect_day not in (0, None) and expect_year == 0:
                raise KnownError(_("Kelompok umur {label}: kelompok hari sebelumnya harus berakhir terbuka (kosong) sampai umur 1 tahun.").format(label=label))
            if low != expect_year or (high is not None and high < low):
                raise KnownError(_("Kelompok umur {label}: tahun harus mulai dari {start} dan tidak terbalik.").format(
                    label=label, start=expect_year))
            cleaned.append({"label": label, "years": [low, high]})
            expect_year = (high + 1) if high is not None else None
    if expect_year is not None:
        raise KnownError(_("Kelompok umur terakhir harus terbuka ke atas (kolom 'sampai' kosong)."))
    return cleaned


def set_age_bands(bands: list[dict], *, user: User | None = None) -> list[dict]:
    actor = require("settings.edit", user)
    cleaned = check_age_bands(bands)
    with writing():
        _setting("lb1.age_bands", cleaned, actor)
    return cleaned


def set_no_rm_pattern(kind: str, *, prefix: str = "", width: int = 6, user: User | None = None) -> dict:
    actor = require("settings.edit", user)
    if kind not in ("running", "family"):
        raise KnownError(_("Pola No. RM harus 'running' (nomor urut) atau 'family' (nomor keluarga)."))
    if not 3 <= int(width) <= 10:
        raise KnownError(_("Panjang nomor urut 3 sampai 10 digit."))
    prefix = prefix.strip().upper()
    if len(prefix) > 5 or not all(ch.isalnum() or ch in "-/." for ch in prefix):
        raise KnownError(_("Awalan No. RM paling banyak 5 huruf/angka, misalnya 'OEB-'."))
    value = {"kind": kind, "prefix": prefix, "width": int(width)}
    with writing():
        _setting("no_rm.pattern", value, actor)
    return value


def set_backup_settings(folder: str, warn_after_days: int, *, user: User | None = None) -> None:
    actor = require("settings.edit", user)
    if folder and not Path(folder).is_dir():
        raise KnownError(_("Folder cadangan {folder} tidak ada.").format(folder=folder))
    with writing():  # the registry checks the range (settings.KEYS)
        _setting("backup.folder", folder or None, actor)
        _setting("backup.warn_after_days", int(warn_after_days), actor)


def idle_minutes() -> int:
    return settings.get("session.idle_minutes")


def set_idle_minutes(minutes: int, *, user: User | None = None) -> None:
    actor = require("settings.edit", user)
    with writing():  # the registry checks the range (settings.KEYS)
        _setting("session.idle_minutes", int(minutes), actor)


def set_role_permissions(mapping: dict[str, list[str]], *, user: User | None = None) -> dict[str, list[str]]:
    """Which permissions each role has; the administrator always keeps account and settings work."""
    actor = require("users.manage", user)
    cleaned = {}
    for role in ROLES:
        granted = [p for p in mapping.get(role, []) if p in PERMISSIONS]
        if role == "administrator":
            granted = sorted(set(granted) | set(ADMIN_KEEPS))
        cleaned[role] = sorted(set(granted))
    with writing():
        _setting("roles.permissions", cleaned, actor)
    return cleaned


@dataclass(frozen=True)
class ReferenceItem:
    """One poli or payment type as Pengaturan edits it."""

    id: int
    name: str
    code: str
    cluster: str  # poli: the ILP cluster
    is_bpjs: bool  # payment type: a BPJS membership
    active: bool
    is_pbi: bool = False  # payment type: BPJS PBI (the premium paid by the state)


def reference_items(kind: str) -> list[ReferenceItem]:
    """The poli ("poli") or payment types ("payment") in list order, inactive ones too."""
    if kind == "poli":
        return [ReferenceItem(p.id, p.name, p.code, p.cluster, False, bool(p.active))
                for p in Poli.select().order_by(Poli.sort_order, Poli.name)]
    return [ReferenceItem(p.id, p.name, p.code, "", bool(p.is_bpjs), bool(p.active), bool(p.is_pbi))
            for p in PaymentType.select().order_by(PaymentType.sort_order, PaymentType.name)]


def city_kelurahan() -> list[tuple[str, str]]:
    """(code, name) of the kelurahan of Kota Kupang, by name: what a working area is made of."""
    return list(Region.select(Region.code, Region.name).where(
        (Region.level == "desa_kelurahan") & Region.code.startswith(KOTA_KUPANG + ".")).order_by(Region.name).tuples())


def work_area() -> set[str]:
    """Codes of the kelurahan in the puskesmas's working area."""
    return {code for (code,) in WorkArea.select(WorkArea.kelurahan).tuples()}


def default_age_bands() -> list[dict]:
    return settings.KEYS["lb1.age_bands"].default


UNIT_MODES = ("poli", "klaster", "poli_klaster")


def unit_mode() -> str:
    """How the office organises its service rooms (ILP, KMK HK.01.07/MENKES/2015/2023): by poli, by
    life-cycle cluster, or poli inside clusters. The entries are the one Poli/klaster list either way, so
    an office that moves to clusters adds its clusters as entries and sets the old poli inactive: the
    visits before keep the poli they were made in."""
    mode = settings.get("ilp.units")
    return mode if mode in UNIT_MODES else "poli"


def unit_word() -> str:
    """What the screens call a service room: "Poli", "Klaster" or "Poli/klaster"."""
    return {"poli": _("Poli"), "klaster": _("Klaster"), "poli_klaster": _("Poli/klaster")}[unit_mode()]


def unit_mode_words() -> dict[str, str]:
    return {"poli": _("Poli (seperti sebelum ILP)"), "klaster": _("Klaster ILP (ruang klaster)"),
            "poli_klaster": _("Poli di dalam klaster")}


def set_unit_mode(mode: str, *, user: User | None = None) -> str:
    user = require("settings.edit", user)
    if mode not in UNIT_MODES:
        raise KnownError(_("Pilih poli, klaster atau poli di dalam klaster."))
    with writing():
        _setting("ilp.units", mode, user)
    return mode


def poli_choices(*, active_only: bool = True) -> list[tuple[str, int]]:
    """(name, id) of the poli in list order, for the choice boxes of the screens; with poli inside
    clusters, each named with its cluster ("Umum (Klaster 3)")."""
    query = Poli.select(Poli.name, Poli.cluster, Poli.id).order_by(Poli.sort_order)
    inside = unit_mode() == "poli_klaster"
    return [(f"{name} ({cluster})" if inside and cluster else name, poli_id)
            for name, cluster, poli_id in (query.where(Poli.active) if active_only else query).tuples()]


def payment_choices(*, active_only: bool = True) -> list[tuple[str, int]]:
    """(name, id) of the payment types in list order."""
    query = PaymentType.select(PaymentType.name, PaymentType.id).order_by(PaymentType.sort_order)
    return list((query.where(PaymentType.active) if active_only else query).tuples())
