"""The master data SATUSEHAT needs before a visit can go: the office's Organization id, a Location
per poli, a Practitioner per health worker, and each patient's IHS number. Kept in ``SatusehatId``
(Pengaturan > SATUSEHAT writes it; a patient's number comes from the lookup by NIK)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import peewee as pw

from kupang_desk import audit, credentials, settings
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.models import Patient, Poli, SatusehatId, SatusehatOutbox, Visit, now, writing
from kupang_desk.tasks import Task

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,63}$")


def _checked(ihs_id: str, what: str) -> str:
    value = "".join((ihs_id or "").split())
    if value and not _ID.match(value):
        raise KnownError(_("ID SATUSEHAT {what} '{value}' tidak dikenal: hanya huruf, angka, titik dan tanda minus, "
                           "paling panjang 64.").format(what=what, value=ihs_id))
    return value


def id_of(kind: str, key: object) -> str:
    """The SATUSEHAT id of one patient, poli or health worker, or "" when there is none yet."""
    value = (SatusehatId.select(SatusehatId.ihs_id).where((SatusehatId.kind == kind) & (SatusehatId.key == str(key)))
             .scalar())
    return value or ""


def organization_id() -> str:
    return settings.get("satusehat.organization_id")


def _put(kind: str, key: str, ihs_id: str, nik: str, user: SignedIn) -> None:
    with writing():
        row = SatusehatId.get_or_none((SatusehatId.kind == kind) & (SatusehatId.key == key))
        before = row.ihs_id if row else ""
        if not ihs_id and not nik:
            if row is not None:
                row.delete_instance()
        elif row is None:
            SatusehatId.create(kind=kind, key=key, ihs_id=ihs_id, nik=nik, updated_at=now())
        else:
            row.ihs_id, row.nik, row.updated_at = ihs_id, nik, now()
            row.save()
        if before != ihs_id:
            audit.record("update", f"satusehat_{kind}", key, {"ihs_id": [before, ihs_id]}, user)


def set_location(poli_id: int, location_id: str, *, user: SignedIn | None = None) -> None:
    """The SATUSEHAT Location of a poli (empty: none yet)."""
    user = require("settings.edit", user)
    poli = Poli.get_or_none(Poli.id == poli_id)
    if poli is None:
        raise KnownError(_("Poli nomor {id} tidak ada.").format(id=poli_id))
    _put("location", str(poli.id), _checked(location_id, _("lokasi {poli}").format(poli=poli.name)), "", user)


def set_practitioner(name: str, ihs_id: str, *, nik: str = "", user: SignedIn | None = None) -> None:
    """The SATUSEHAT Practitioner of a health worker, by the name the visits carry."""
    user = require("settings.edit", user)
    key = " ".join((name or "").split())
    if not key:
        raise KnownError(_("Tulis nama tenaga kesehatan seperti tertulis di kunjungan."))
    nik = "".join((nik or "").split())
    if nik and not (nik.isdigit() and len(nik) == 16):
        raise KnownError(_("NIK tenaga kesehatan {name} harus 16 angka.").format(name=key))
    _put("practitioner", key, _checked(ihs_id, _("tenaga kesehatan {name}").format(name=key)), nik, user)


def set_patient_id(patient_id: int, ihs_id: str, *, user: SignedIn | None = None) -> None:
    """A patient's IHS number, as the service returned it for their NIK."""
    user = require("patient.write", user)
    patient = Patient.get_or_none(Patient.id == patient_id)
    if patient is None:
        raise KnownError(_("Pasien nomor {id} tidak ada.").format(id=patient_id))
    if not patient.nik and not patient.mother_nik:
        raise KnownError(_("Pasien {no_rm} {name} belum punya NIK; SATUSEHAT mencari pasien menurut NIK (bayi: menurut "
                           "NIK ibunya), jadi ID IHS tidak bisa diisi.").format(no_rm=patient.no_rm, name=patient.name))
    _put("patient", str(patient.id), _checked(ihs_id, _("pasien {name}").format(name=patient.name)), "", user)


def keep_found_patient_id(patient_id: int, ihs_id: str, *, user: SignedIn | None = None) -> None:
    """The IHS number the service answered for a patient's NIK while a visit was being sent: kept
    by the sender (visit.write), which changes nothing of the patient's own data."""
    require("visit.write", user)
    patient = Patient.get_or_none(Patient.id == patient_id)
    if patient is None or not (patient.nik or patient.mother_nik):
        return
    _put("patient", str(patient.id), _checked(ihs_id, _("pasien {name}").format(name=patient.name)), "", user)


def find_baby(client, mother_nik: str, birth_date: dt.date, sex: str, name: str) -> tuple[str, str]:
    """A baby without NIK among the Patients SATUSEHAT keeps under its mother's NIK: the one born that
    day of that sex. Returns (IHS number, "") or ("", why not), never a guess between twins."""
    gender = "male" if sex == "L" else "female"
    babies = client.babies_of(mother_nik)
    same = [b for b in babies if b.get("birthDate") == birth_date.isoformat() and b.get("gender") == gender]
    if len(same) == 1:
        return str(same[0]["id"]), ""
    if not same:
        return "", _("SATUSEHAT belum mengenal bayi {name} (lahir {born}) dengan NIK ibu {nik}: bayi didaftarkan di "
                     "SATUSEHAT oleh tempat ia lahir. Tanyakan ID IHS-nya ke sana, atau isi NIK bayi bila sudah ada.").format(
            name=name, born=format_date(birth_date), nik=mother_nik)
    return "", _("Ada {n} bayi lahir {born} dengan NIK ibu {nik} di SATUSEHAT (kembar): ID IHS bayi {name} diisi dengan "
                 "tangan, tidak ditebak.").format(n=len(same), born=format_date(birth_date), nik=mother_nik, name=name)


SECRET = "satusehat.client_secret"  # kept by kupang_desk.credentials, never in the database


def store_secret(secret: str, *, user: SignedIn | None = None) -> str:
    """Keeps the OAuth2 client secret outside the database (``kupang_desk.credentials``). Returns where
    it went, in words; the secret itself is never logged or shown."""
    user = require("settings.edit", user)
    secret = secret.strip()
    if not secret:
        raise KnownError(_("Tulis client secret SATUSEHAT dari portal SATUSEHAT."))
    with writing():
        in_keyring = credentials.keep(SECRET, secret)
        audit.record("update", "setting", SECRET, {"stored": "keyring" if in_keyring else "sealed"}, user)
    return _("di keyring sistem operasi") if in_keyring else _("terenkripsi dengan kunci instalasi PC ini")


def client_secret() -> str:
    """The stored client secret, or "" when none is stored (or this PC cannot open it)."""
    return credentials.read(SECRET)


@dataclass(frozen=True)
class Practitioner:
    name: str
    nik: str
    ihs_id: str


@dataclass(frozen=True)
class MasterData:
    environment: str
    organization_id: str
    client_id: str
    has_secret: bool
    locations: dict[int, str]  # poli id -> Location id
    practitioners: list[Practitioner]  # every health worker named on a visit, and those entered here
    enabled: bool = False  # visits are queued and sent
    requests_per_minute: int = 60


def current(*, user: SignedIn | None = None) -> MasterData:
    require("settings.edit", user)
    rows = {(r.kind, r.key): r for r in SatusehatId.select().where(SatusehatId.kind.in_(("location", "practitioner")))}
    names = {" ".join(n.split()) for (n,) in Visit.select(Visit.health_worker).where(Visit.health_worker != "")
             .distinct().tuples()}
    names |= {key for kind, key in rows if kind == "practitioner"}
    return MasterData(
        settings.get("satusehat.environment"), settings.get("satusehat.organization_id"),
        settings.get("satusehat.client_id"), bool(client_secret()),
        {int(key): row.ihs_id for (kind, key), row in rows.items() if kind == "location"},
        [Practitioner(name, rows[("practitioner", name)].nik if ("practitioner", name) in rows else "",
                      rows[("practitioner", name)].ihs_id if ("practitioner", name) in rows else "")
         for name in sorted(names, key=str.lower)],
        settings.get("satusehat.enabled"), settings.get("satusehat.requests_per_minute"))


def save(data: MasterData, *, user: SignedIn | None = None) -> None:
    """Everything Pengaturan > SATUSEHAT shows, in one transaction: all of it or none."""
    user = require("settings.edit", user)
    if data.environment not in ("sandbox", "production"):
        raise KnownError(_("Lingkungan SATUSEHAT: sandbox atau production."))
    organization = _checked(data.organization_id, _("organisasi"))
    with writing():
        changed = {}
        for name, value in (("satusehat.environment", data.environment), ("satusehat.organization_id", organization),
                            ("satusehat.client_id", data.client_id.strip()), ("satusehat.enabled", data.enabled),
                            ("satusehat.requests_per_minute", data.requests_per_minute)):
            before = settings.put(name, value)
            if before != value:
                changed[name] = [before, value]
        if changed:
            audit.record("update", "setting", "satusehat", changed, user)
        for poli_id, location in data.locations.items():
            set_location(poli_id, location, user=user)
        for person in data.practitioners:
            set_practitioner(person.name, person.ihs_id, nik=person.nik, user=user)
        # What was missing may be filled in now: the Perlu dilengkapi rows are looked at again at once.
        SatusehatOutbox.update(next_try_at=now()).where(SatusehatOutbox.state == "incomplete").execute()


@dataclass
class Fetched:
    """What one run of the IHS-number lookup did."""

    found: int = 0
    not_found: list[str] = field(default_factory=list)  # "No. RM name" (or a worker's name) the index does not know
    kind: str = "patient"  # or practitioner

    def text(self) -> str:
        words = (_("{found} ID IHS pasien diambil") if self.kind == "patient" else
                 _("{found} ID praktisi diambil")).format(found=self.found)
        if self.not_found:
            words += "; " + _("{n} NIK tidak dikenal SATUSEHAT: {names}").format(
                n=len(self.not_found), names=", ".join(self.not_found[:5]) + (" ..." if len(self.not_found) > 5 else ""))
        return words + "."


def fetch_patient_ids(client, *, limit: int = 500, task: Task | None = None, user: SignedIn | None = None) -> Fetched:
    """Looks up by NIK the IHS number of patients who have a visit and a NIK but no number yet (the
    most recent visits first, at most ``limit`` per run) and stores each as it arrives, so a broken
    line or a cancel keeps what was already fetched. A patient without NIK is never looked up."""
    user = require("patient.write", user)
    task = task or Task()
    known = SatusehatId.select(SatusehatId.key).where(SatusehatId.kind == "patient")
    searchable = (Patient.nik.is_null(False) & (Patient.nik != "")) | (Patient.mother_nik != "")
    wanted = list(Patient.select(Patient.id, Patient.no_rm, Patient.name, Patient.nik, Patient.mother_nik, Patient.birth_date,
                                 Patient.sex)
                  .join(Visit, on=(Visit.patient == Patient.id))
                  .where(searchable & Visit.deleted_at.is_null()
                         & Patient.deleted_at.is_null() & ~(Patient.id.cast("TEXT").in_(known)))
                  .group_by(Patient.id, Patient.no_rm, Patient.name, Patient.nik, Patient.mother_nik, Patient.birth_date,
                            Patient.sex)
                  .order_by(pw.fn.MAX(Visit.visit_at).desc()).limit(limit).tuples())
    result = Fetched()
    for number, (patient_id, no_rm, name, nik, mother_nik, born, sex) in enumerate(wanted):
        task.step_of(number, len(wanted), _("Mencari ID IHS pasien {done} dari {total}"))
        ihs_id = client.patient_by_nik(nik) if nik else find_baby(client, mother_nik, born, sex, name)[0]
        if ihs_id:
            _put("patient", str(patient_id), _checked(ihs_id, _("pasien {name}").format(name=name)), "", user)
            result.found += 1
        else:
            result.not_found.append(f"{no_rm} {name}")
    task.step(len(wanted), len(wanted), _("Selesai."))
    return result


def fetch_practitioner_ids(client, *, user: SignedIn | None = None) -> Fetched:
    """Looks up by NIK the Practitioner id of the health workers entered with a NIK and no id yet,
    and stores each as it arrives. A health worker without NIK is left to be filled in by hand."""
    user = require("settings.edit", user)
    result = Fetched(kind="practitioner")
    wanted = list(SatusehatId.select().where((SatusehatId.kind == "practitioner") & (SatusehatId.nik != "")
                                            & (SatusehatId.ihs_id == "")).order_by(SatusehatId.key))
    for row in wanted:
        ihs_id = client.practitioner_by_nik(row.nik)
        if ihs_id:
            _put("practitioner", row.key, _checked(ihs_id, _("tenaga kesehatan {name}").format(name=row.key)), row.nik,
                 user)
            result.found += 1
        else:
            result.not_found.append(row.key)
    return result
