"""Registering and correcting patients: field checks, warnings to accept, one transaction."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields

from kupang_desk import audit, clock
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import FormInvalid, KnownError, ValidationError
from kupang_desk.i18n import _
from kupang_desk.models import (
    Patient,
    PatientIdentifier,
    PaymentType,
    Region,
    User,
    Visit,
    now,
    writing,
)
from kupang_desk.models.bulk import lock_patient_numbers
from kupang_desk.names import name_key
from kupang_desk.patients.numbers import next_no_rm
from kupang_desk.satusehat import outbox
from kupang_desk.validators import (
    age_at,
    check_birth_date,
    check_bpjs,
    check_kk,
    check_name,
    check_nik,
)
from kupang_desk.visits import locks

EDUCATIONS = ("Tidak/Belum Sekolah", "SD", "SMP", "SMA", "D1/D2/D3", "S1/D4", "S2/S3")
MARITAL_STATUSES = ("Belum Kawin", "Kawin", "Cerai Hidup", "Cerai Mati")
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")
IDENTIFIER_FIELDS = ("nik", "bpjs_number", "kk_number", "no_rm")
# Reviewed values that name a foreign key hold its id, read back through these attributes.
_ATTRIBUTES = {"kelurahan": "kelurahan_code", "payment_type": "payment_type_id"}


@dataclass
class PatientForm:
    """What the clerk typed in the registration form, before any check."""

    nik: str = ""
    name: str = ""
    sex: str = ""
    birth_place: str = ""
    birth_date: dt.date | None = None
    mother_name: str = ""
    mother_nik: str = ""  # a baby without NIK: its mother's (SATUSEHAT finds the baby by it)
    religion: str = ""
    occupation: str = ""
    education: str = ""
    marital_status: str = ""
    kk_number: str = ""
    payment_type_id: int | None = None
    bpjs_number: str = ""
    phone: str = ""
    address: str = ""
    rt: str = ""
    rw: str = ""
    kelurahan_code: str | None = None
    no_nik_reason: str = ""
    dtsen_decile: str = ""  # as typed: 1 (poorest) .. 10, or empty
    dtsen_date: dt.date | None = None
    pkh: bool = False
    kks: bool = False
    kip: bool = False
    prolanis: bool = False

    @classmethod
    def from_patient(cls, patient: Patient) -> PatientForm:
        values = {f.name: getattr(patient, f.name) for f in fields(cls)
                  if f.name not in ("payment_type_id", "kelurahan_code", "nik", "dtsen_decile")}
        return cls(nik=patient.nik or "", payment_type_id=patient.payment_type_id,
                   kelurahan_code=patient.kelurahan_code,
                   dtsen_decile="" if patient.dtsen_decile is None else str(patient.dtsen_decile), **values)


@dataclass
class Review:
    """The outcome of checking a form: cleaned values, errors and warnings by field."""

    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def warning_list(self) -> list[str]:
        return [message for messages in self.warnings.values() for message in messages]


class WarningsNotAccepted(KnownError):
    def __init__(self, review: Review) -> None:
        super().__init__(_("Ada peringatan yang perlu diperiksa: ") + " ".join(review.warning_list()))
        self.review = review


class DuplicateNik(KnownError):
    """The NIK belongs to a registered patient: a hard stop that points to that patient."""

    def __init__(self, existing: Patient) -> None:
        super().__init__(_("NIK ini sudah terdaftar atas nama {name} (No. RM {no_rm}). Buka data pasien itu; jangan didaftarkan dua kali.").format(
            name=existing.name, no_rm=existing.no_rm))
        self.existing = existing


def _check(review: Review, name: str, check, *args, **kwargs):
    try:
        checked = check(*args, **kwargs)
    except ValidationError as error:
        review.errors[name] = error.message
        return None
    if checked.warnings:
        review.warnings.setdefault(name, []).extend(checked.warnings)
    return checked.value


def _short_number(review: Review, name: str, value: str, label: str) -> str:
    text = value.strip()
    if not text:
        return ""
    if not text.isdigit() or len(text) > 3:
        review.errors[name] = _("{field} hanya boleh angka, paling banyak 3 digit (misalnya 004).").format(field=label)
        return text
    return text.zfill(3)


def _aid(result: Review, form: PatientForm, today: dt.date | None) -> None:
    """The DTSEN decile (1..10) with the date of its data (the decile changes with each update), and the cards."""
    values = result.values
    text = form.dtsen_decile.strip()
    values["dtsen_decile"] = int(text) if text.isdigit() and 1 <= int(text) <= 10 else None
    if text and values["dtsen_decile"] is None:
        result.errors["dtsen_decile"] = _("Desil DTSEN adalah angka 1 (termiskin) sampai 10, bukan '{value}'.").format(value=text)
    values["dtsen_date"] = form.dtsen_date
    if form.dtsen_date is not None and form.dtsen_date > (today or clock.today()):
        result.errors["dtsen_date"] = _("Tanggal data DTSEN tidak boleh sesudah hari ini.")
    elif values["dtsen_decile"] is not None and form.dtsen_date is None:
        result.errors["dtsen_date"] = _("Isi tanggal data DTSEN: desil berubah tiap pemutakhiran.")
    for card in ("pkh", "kks", "kip", "prolanis"):
        values[card] = bool(getattr(form, card))


def review(form: PatientForm, *, today: dt.date | None = None) -> Review:
    """Checks every field as the form would; nothing is written."""
    result = Review()
    values = result.values
    values["name"] = _check(result, "name", check_name, form.name, field=_("Nama"))
    if form.sex not in ("L", "P"):
        result.errors["sex"] = _("Jenis kelamin wajib dipilih: L (laki-laki) atau P (perempuan).")
    values["sex"] = form.sex
    values["birth_date"] = _check(result, "birth_date", check_birth_date, form.birth_date, today=today, field=_("Tanggal lahir"))
    birth_date = values["birth_date"] if isinstance(values["birth_date"], dt.date) else None
    nik = _check(result, "nik", check_nik, form.nik, birth_date=birth_date, sex=form.sex or None, required=False)
    values["nik"] = nik or None
    values["no_nik_reason"] = form.no_nik_reason.strip()
    if not form.nik.strip() and not values["no_nik_reason"]:
        result.errors["nik"] = _("NIK wajib diisi. Bila pasien memang tidak punya NIK, isi alasannya (misalnya surat keterangan Dinas Sosial); NIK tidak boleh dikarang.")
    values["kk_number"] = _check(result, "kk_number", check_kk, form.kk_number) or ""
    values["bpjs_number"] = _check(result, "bpjs_number", check_bpjs, form.bpjs_number) or ""
    payment = PaymentType.get_or_none(PaymentType.id == form.payment_type_id) if form.payment_type_id else None
    if payment is None:
        result.errors["payment_type_id"] = _("Cara bayar wajib dipilih.")
    elif payment.is_bpjs and not values["bpjs_number"] and "bpjs_number" not in result.errors:
        result.warnings.setdefault("bpjs_number", []).append(
            _("Cara bayar {payment} tetapi No. BPJS kosong. Isi nomor dari kartu JKN/KIS bila ada.").format(payment=payment.name))
    values["payment_type"] = form.payment_type_id
    phone = "".join(form.phone.split()).replace("-", "")
    if phone and not _PHONE.match(phone):
        result.errors["phone"] = _("Nomor telepon hanya boleh angka (8 sampai 15 digit), misalnya 081234567890.")
    values["phone"] = phone
    values["rt"] = _short_number(result, "rt", form.rt, _("RT"))
    values["rw"] = _short_number(result, "rw", form.rw, _("RW"))
    if form.kelurahan_code:
        region = Region.get_or_none(Region.code == form.kelurahan_code)
        if region is None or region.level != "desa_kelurahan":
            result.errors["kelurahan_code"] = _("Kelurahan/desa tidak dikenal. Pilih dari daftar.")
    else:
        result.errors["kelurahan_code"] = _("Kelurahan/desa wajib dipilih.")
    values["kelurahan"] = form.kelurahan_code
    values["mother_name"] = _check(result, "mother_name", check_name, form.mother_name, field=_("Nama ibu kandung"), required=False) or ""
    values["mother_nik"] = _check(result, "mother_nik", check_nik, form.mother_nik, sex="P", field=_("NIK ibu"),
                                  required=False) or ""
    if values["mother_nik"] and values["mother_nik"] == values["nik"]:
        result.errors["mother_nik"] = _("NIK ibu sama dengan NIK pasien. NIK ibu diisi untuk bayi yang belum punya NIK "
                                        "sendiri; kosongkan bila pasien ini bukan bayi.")
    _aid(result, form, today)
    for name in ("birth_place", "religion", "occupation", "education", "marital_status", "address"):
        values[name] = " ".join(getattr(form, name).split())
    if values["name"]:
        values["name_key"] = name_key(values["name"])
    return result


def live_patient(patient_id: int, *, user: SignedIn | None = None) -> Patient:
    """The patient behind ``patient_id`` unless merged away or deleted."""
    require("patient.read", user)
    patient = Patient.get_or_none(Patient.id == patient_id)
    if patient is None or patient.merged_into_id or patient.deleted_at is not None:
        raise KnownError(_("Pasien ini tidak ada lagi (mungkin sudah digabungkan). Cari pasien lagi."))
    return patient


def load_patient(patient_id: int, *, user: User | None = None) -> Patient:
    """The patient a form opens (to edit)."""
    return live_patient(patient_id, user=user)


@dataclass(frozen=True)
class EditedPatient:
    """A registered patient as the edit form opens it: who, and the form filled in."""

    id: int
    no_rm: str
    form: PatientForm


def load_for_edit(patient_id: int, *, user: User | None = None) -> EditedPatient:
    patient = load_patient(patient_id, user=user)
    return EditedPatient(patient.id, patient.no_rm, PatientForm.from_patient(patient))


def find_by_nik(nik: str, *, exclude_id: int | None = None, user: SignedIn | None = None) -> Patient | None:
    """The patient holding this NIK now, or the one a merged record's NIK went to."""
    require("patient.read", user)
    query = Patient.select().where(Patient.nik == nik)
    if exclude_id:
        query = query.where(Patient.id != exclude_id)
    existing = query.first()
    if existing is not None:
        return existing.merged_into or existing
    former = (PatientIdentifier.select().where((PatientIdentifier.kind == "nik") & (PatientIdentifier.value == nik))
              .order_by(PatientIdentifier.id.desc()).first())
    if former is not None and former.patient_id != exclude_id:
        return former.patient
    return None


def register(form: PatientForm, *, accept_warnings: bool = False, user: User | None = None,
             today: dt.date | None = None) -> Patient:
    """Registers a new patient with the next No. RM, in one transaction."""
    user = require("patient.write", user)
    checked = review(form, today=today)
    if not checked.ok:
        raise FormInvalid(checked.errors, lead=_("Data pasien belum dapat disimpan: "))
    if checked.warnings and not accept_warnings:
        raise WarningsNotAccepted(checked)
    values = checked.values
    with writing():
        if values["nik"]:
            existing = find_by_nik(values["nik"], user=user)
            if existing is not None:
                raise DuplicateNik(existing)
        stamp = now()
        lock_patient_numbers()
        patient = Patient.create(
            no_rm=next_no_rm(values["kelurahan"], values["kk_number"]), created_at=stamp, updated_at=stamp,
            created_by=session.account(user), **values)
        audit.record("create", "patient", patient.id, {
            "no_rm": patient.no_rm, "warnings_accepted": checked.warning_list()}, user)
    return patient


def update(patient_id: int, form: PatientForm, *, reason: str, accept_warnings: bool = False,
           user: User | None = None, today: dt.date | None = None) -> Patient:
    """Corrects a patient's data; the reason and the values before and after are kept."""
    user = require("patient.write", user)
    if not reason.strip():
        raise KnownError(_("Alasan perubahan wajib diisi, misalnya 'salah ketik tanggal lahir, sesuai KTP'."))
    checked = review(form, today=today)
    if not checked.ok:
        raise FormInvalid(checked.errors, lead=_("Data pasien belum dapat disimpan: "))
    if checked.warnings and not accept_warnings:
        raise WarningsNotAccepted(checked)
    values = checked.values
    with writing():
        patient = Patient.get_by_id(patient_id)
        if values["nik"]:
            existing = find_by_nik(values["nik"], exclude_id=patient.id, user=user)
            if existing is not None and existing.id != patient.id:
                raise DuplicateNik(existing)
        before = {name: getattr(patient, _ATTRIBUTES.get(name, name)) for name in values}
        changed = {name: (before[name], value) for name, value in values.items() if before[name] != value}
        if not changed:
            return patient
        for name in IDENTIFIER_FIELDS:
            if name in changed and before[name]:
                PatientIdentifier.create(patient=patient, kind=name, value=before[name], note=reason.strip()[:200])
        for name, value in values.items():
            setattr(patient, name, value)
        patient.updated_at = now()
        patient.save()
        if "birth_date" in changed or "sex" in changed:
            refresh_visit_ages(patient, reason=_("data pasien dikoreksi: {reason}").format(reason=reason.strip()), user=user)
        # Another person to SATUSEHAT (a baby without NIK is found by its mother's NIK, birth date and sex):
        # its number and the visits it holds follow.
        if "nik" in changed or (not patient.nik and {"mother_nik", "birth_date", "sex"} & changed.keys()):
            outbox.patient_changed(patient.id, nik_changed=True)
        audit.record("update", "patient", patient.id, {
            "reason": reason.strip(), "changes": {name: {"before": old, "after": new} for name, (old, new) in changed.items()},
        }, user)
    return patient


def refresh_visit_ages(patient: Patient, *, reason: str, user: SignedIn | None = None) -> int:
    """Recomputes the age and sex stored on the patient's visits (after a correction or merge, inside
    its transaction); a visit that changes inside a sent period is kept as a late change of that
    report with ``reason``. Returns how many visits changed."""
    require("patient.write", user)
    changed = []
    for visit in Visit.select(Visit.id, Visit.visit_at, Visit.age_days, Visit.age_years, Visit.sex).where(
            Visit.patient == patient):
        days, years = age_at(patient.birth_date, visit.visit_at.date())
        if (visit.age_days, visit.age_years, visit.sex) != (days, years, patient.sex):
            Visit.update(age_days=days, age_years=years, sex=patient.sex).where(Visit.id == visit.id).execute()
            changed.append((visit.id, visit.visit_at.date()))
    locks.note_side_changes(changed, reason, user)
    return len(changed)

