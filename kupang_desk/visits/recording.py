"""Recording a visit: defaults from the patient, plausible vitals, diagnoses with kasus baru/lama."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kupang_desk import audit
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import FormInvalid, KnownError, ValidationError
from kupang_desk.i18n import _
from kupang_desk.models import (
    Icd10,
    Patient,
    PaymentType,
    Poli,
    User,
    Visit,
    VisitDiagnosis,
    db,
    now,
    writing,
)
from kupang_desk.patients.registration import live_patient
from kupang_desk.pcare import outbox as pcare_outbox
from kupang_desk.satusehat import outbox
from kupang_desk.validators import age_at, check_visit_date
from kupang_desk.visits import locks, vitals
from kupang_desk.visits.diagnoses import DiagnosisLine, diagnosis_rows

# Plausible ranges (inclusive), from the one table of vital signs (visits/vitals.py).
VITALS: dict[str, tuple[Decimal | int, Decimal | int, str]] = {s.field: (s.low, s.high, s.unit) for s in vitals.SIGNS}
INTEGER_VITALS = {s.field for s in vitals.SIGNS if s.whole}
# Diseases whose every later diagnosis continues one episode (kasus lama), as LB1 counts them.
CHRONIC_CATEGORIES = {"I10", "I11", "I12", "I13", "I15", "E10", "E11", "E12", "E13", "E14", "E78", "J44", "J45",
                      "A15", "A16", "A17", "A18", "A19", "B20", "B24", "M10", "N18", "F20", "G40", "A30"}
# An acute disease diagnosed again within this many days is the same episode.
EPISODE_DAYS = 14


def vital_label(name: str) -> str:
    return {
        "systolic": _("Tekanan darah sistolik"), "diastolic": _("Tekanan darah diastolik"),
        "weight_kg": _("Berat badan"), "height_cm": _("Tinggi badan"), "temperature_c": _("Suhu"),
        "respiration_rate": _("Frekuensi napas"), "heart_rate": _("Denyut nadi"), "waist_cm": _("Lingkar perut"),
    }[name]


@dataclass
class VisitForm:
    """What the clerk entered for one visit; vitals as typed text."""

    patient_id: int
    visit_at: dt.datetime | None = None
    poli_id: int | None = None
    payment_type_id: int | None = None
    complaint: str = ""
    anamnesis: str = ""
    therapy: str = ""
    vitals: dict[str, str] = field(default_factory=dict)
    diagnoses: list[DiagnosisLine] = field(default_factory=list)
    referral_kind: str = ""  # "", "internal", "external"
    referral_poli_id: int | None = None
    referral_facility: str = ""
    referral_specialty: str = ""
    health_worker: str = ""


def is_new_visit(patient_id: int, at: dt.datetime, *, exclude_visit_id: int | None = None, user: SignedIn | None = None) -> bool:
    """Kunjungan baru: no earlier visit by this patient in the same calendar year."""
    require("patient.read", user)
    start = dt.datetime(at.year, 1, 1)
    query = Visit.select().where((Visit.patient == patient_id) & Visit.deleted_at.is_null()
                                 & (Visit.visit_at >= start) & (Visit.visit_at < at))
    if exclude_visit_id:
        query = query.where(Visit.id != exclude_visit_id)
    return not query.exists()


def suggest_new_case(patient_id: int, code: str, at: dt.datetime) -> bool:
    """Kasus baru unless this disease was diagnosed before: ever, for chronic diseases;
    within ``EPISODE_DAYS`` days, for the others. The clerk may change it."""
    category = code[:3]
    query = (VisitDiagnosis.select().join(Visit)
             .where((Visit.patient == patient_id) & Visit.deleted_at.is_null() & (Visit.visit_at < at)))
    if category in CHRONIC_CATEGORIES:
        return not query.where(VisitDiagnosis.icd10.startswith(category)).exists()
    since = at - dt.timedelta(days=EPISODE_DAYS)
    return not query.where((VisitDiagnosis.icd10 == code) & (Visit.visit_at >= since)).exists()


def parse_vital(name: str, text: str) -> int | Decimal | None:
    """A vital sign as typed (comma or dot), checked against its plausible range."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    low, high, unit = VITALS[name]
    label = vital_label(name)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(name, _("{field} harus berupa angka, misalnya {example} {unit}.").format(
            field=label, example=f"{(low + high) // 2}", unit=unit)) from None
    if not value.is_finite() or not low <= value <= high:
        raise ValidationError(name, _("{field} {value} {unit} tidak masuk akal (wajar {low}-{high} {unit}). Periksa salah ketik.").format(
            field=label, value=text, unit=unit, low=low, high=high))
    if name in INTEGER_VITALS:
        return int(value)
    return value.quantize(Decimal("0.1"))


def review(form: VisitForm, *, today: dt.date | None = None) -> tuple[dict, dict[str, str]]:
    """Checks the form; returns (values for the visit, errors by field)."""
    errors: dict[str, str] = {}
    values: dict = {}
    patient = Patient.get_or_none(Patient.id == form.patient_id)
    if patient is None or patient.merged_into_id:
        raise KnownError(_("Pasien tidak ditemukan (mungkin sudah digabungkan). Cari pasien lagi."))
    at = form.visit_at or now()
    try:
        check_visit_date(at, birth_date=patient.birth_date, today=today)
    except ValidationError as error:
        errors["visit_at"] = error.message
    values["visit_at"] = at
    poli = Poli.get_or_none((Poli.id == form.poli_id) & Poli.active) if form.poli_id else None
    if poli is None:
        errors["poli_id"] = _("Poli wajib dipilih.")
    values["poli"] = form.poli_id
    payment_id = form.payment_type_id or patient.payment_type_id
    if not payment_id or not PaymentType.get_or_none(PaymentType.id == payment_id):
        errors["payment_type_id"] = _("Cara bayar wajib dipilih.")
    values["payment_type"] = payment_id
    for name, text in form.vitals.items():
        try:
            values[name] = parse_vital(name, text or "")
        except ValidationError as error:
            errors[name] = error.message
    if "systolic" in values and "diastolic" in values and values["systolic"] and values["diastolic"] \
            and values["diastolic"] >= values["systolic"]:
        errors["diastolic"] = _("Tekanan diastolik harus lebih kecil dari sistolik. Periksa urutannya (misalnya 120/80).")
    codes = [line.code for line in form.diagnoses]
    if not codes:
        errors["diagnoses"] = _("Isi paling sedikit satu diagnosis ICD-10.")
    elif len(set(codes)) != len(codes):
        errors["diagnoses"] = _("Diagnosis yang sama tercantum dua kali. Hapus salah satunya.")
    else:
        known = {row.code for row in Icd10.select(Icd10.code).where(Icd10.code.in_(codes))}
        unknown = [code for code in codes if code not in known]
        if unknown:
            errors["diagnoses"] = _("Kode ICD-10 tidak dikenal: {codes}. Pilih dari daftar.").format(codes=", ".join(unknown))
        elif sum(line.is_primary for line in form.diagnoses) > 1:
            errors["diagnoses"] = _("Hanya satu diagnosis yang boleh menjadi diagnosis utama.")
    if form.referral_kind not in ("", "internal", "external"):
        errors["referral_kind"] = _("Jenis rujukan tidak dikenal.")
    elif form.referral_kind == "internal" and not form.referral_poli_id:
        errors["referral_kind"] = _("Pilih poli tujuan rujukan internal.")
    elif form.referral_kind == "external" and not form.referral_facility.strip():
        errors["referral_kind"] = _("Isi fasilitas tujuan rujukan (misalnya RSUD S.K. Lerik).")
    values.update(
        complaint=form.complaint.strip(), anamnesis=form.anamnesis.strip(), therapy=form.therapy.strip(),
        referral_kind=form.referral_kind,
        referral_poli=form.referral_poli_id if form.referral_kind == "internal" else None,
        referral_facility=form.referral_facility.strip() if form.referral_kind == "external" else "",
        referral_specialty=form.referral_specialty.strip() if form.referral_kind == "external" else "",
        health_worker=" ".join(form.health_worker.split()),
    )
    return values, errors


def record_visit(form: VisitForm, *, user: User | None = None, today: dt.date | None = None, reason: str = "") -> Visit:
    """Saves the visit and its diagnoses in one transaction; kunjungan baru/lama is computed here.
    A visit dated inside a period already sent needs ``reason`` (see ``locks``)."""
    user = require("visit.write", user)
    values, errors = review(form, today=today)
    if errors:
        raise FormInvalid(errors)
    with writing():
        sent = _late(locks.touched([values["visit_at"].date()]), reason)
        patient = Patient.get_by_id(form.patient_id)
        at = values["visit_at"]
        days, years = age_at(patient.birth_date, at.date())
        visit = Visit.create(patient=patient, is_new_visit=is_new_visit(patient.id, at, user=user), age_days=days, age_years=years,
                             sex=patient.sex, created_by=session.account(user), created_at=now(), **values)
        _write_diagnoses(visit.id, form.diagnoses)
        # A visit entered late can make a later visit of that year a repeat.
        locks.note(visit.id, sent, "create", reason, user)
        refresh_new_visit_flags(patient.id, years=[at.year], user=user, reason=reason, skip=(visit.id,))
        outbox.note(visit.id, "create")
        pcare_outbox.note(visit.id, "create")
        audit.record("create", "visit", visit.id, {
            "patient_id": patient.id, "diagnoses": [line.code for line in form.diagnoses],
            **({"reason": reason.strip()} if sent else {})}, user)
    return Visit.get_by_id(visit.id)


CORRECTED_FIELDS = ("visit_at", "poli", "payment_type", "complaint", "anamnesis", "therapy", *VITALS, "referral_kind",
                    "referral_poli", "referral_facility", "referral_specialty", "health_worker")


def _late(sent: list, reason: str) -> list:
    """The sent reports a write touches; without a reason a write into a sent period is refused."""
    if sent and not " ".join((reason or "").split()):
        raise FormInvalid({"reason": locks.reason_needed(sent)})
    return sent


def late_reports(at: dt.datetime, *, user: SignedIn | None = None) -> list[str]:
    """The sent reports a visit at ``at`` would change, in words (the form asks for a reason then)."""
    require("visit.write", user)
    return [locks.describe(row) for row in locks.sent_covering([at.date()])]


def _write_diagnoses(visit_id: int, lines: list[DiagnosisLine]) -> None:
    for row in diagnosis_rows(lines):
        VisitDiagnosis.create(visit=visit_id, icd10=row.code, is_new_case=row.is_new_case, is_primary=row.is_primary,
                              position=row.position)


@dataclass(frozen=True)
class VisitPatient:
    """The patient a visit form is for, as the form shows them."""

    id: int
    no_rm: str
    name: str
    sex: str
    birth_date: dt.date
    payment_type_id: int | None

    @classmethod
    def of(cls, patient: Patient) -> VisitPatient:
        return cls(patient.id, patient.no_rm, patient.name, patient.sex, patient.birth_date, patient.payment_type_id)


@dataclass(frozen=True)
class Correction:
    """A recorded visit as the correction form opens it."""

    id: int  # the visit's
    form: VisitForm


def load_for_visit(patient_id: int, *, user: User | None = None) -> VisitPatient:
    """The patient the new-visit form opens for."""
    user = require("visit.write", user)
    return VisitPatient.of(live_patient(patient_id, user=user))


def load_for_correction(visit_id: int, *, user: User | None = None) -> tuple[VisitPatient, Correction]:
    """The patient and the live visit the correction form opens."""
    require("visit.write", user)
    visit = _live_visit(visit_id)
    return VisitPatient.of(Patient.get_by_id(visit.patient_id)), Correction(visit.id, form_of(visit))


def _typed(value) -> str:
    """A stored vital sign as the clerk types it: ``38,5``, ``120`` (never ``38.5`` nor ``36.0``)."""
    number = Decimal(str(value))
    return format(number.normalize() if number == number.to_integral() else number, "f").replace(".", ",")


def form_of(visit: Visit) -> VisitForm:
    """The visit as the form shows it, for a correction."""
    lines = [DiagnosisLine(d.icd10_code, d.is_new_case, d.is_primary) for d in
             VisitDiagnosis.select().where(VisitDiagnosis.visit == visit).order_by(VisitDiagnosis.position)]
    vitals = {name: _typed(getattr(visit, name)) for name in VITALS if getattr(visit, name) is not None}
    return VisitForm(patient_id=visit.patient_id, visit_at=visit.visit_at, poli_id=visit.poli_id,
                     payment_type_id=visit.payment_type_id, complaint=visit.complaint, anamnesis=visit.anamnesis,
                     therapy=visit.therapy, vitals=vitals, diagnoses=lines, referral_kind=visit.referral_kind,
                     referral_poli_id=visit.referral_poli_id, referral_facility=visit.referral_facility,
                     referral_specialty=visit.referral_specialty, health_worker=visit.health_worker)


def _live_visit(visit_id: int) -> Visit:
    visit = Visit.get_or_none(Visit.id == visit_id)
    if visit is None or visit.deleted_at is not None:
        raise KnownError(_("Kunjungan ini tidak ada atau sudah dihapus."))
    return visit


def _diagnosis_text(visit_id: int) -> list[str]:
    return [f"{code}{' (utama)' if primary else ''}{' baru' if new else ' lama'}" for code, new, primary in
            VisitDiagnosis.select(VisitDiagnosis.icd10, VisitDiagnosis.is_new_case, VisitDiagnosis.is_primary)
            .where(VisitDiagnosis.visit == visit_id).order_by(VisitDiagnosis.position).tuples()]


def correct_visit(visit_id: int, form: VisitForm, *, reason: str, user: User | None = None,
                  today: dt.date | None = None) -> Visit:
    """Corrects a recorded visit (its diagnoses too) with a reason; the audit trail keeps before and after."""
    user = require("visit.write", user)
    if not " ".join((reason or "").split()):
        raise FormInvalid({"reason": _("Alasan koreksi wajib diisi, misalnya 'salah kode diagnosis'.")})
    values, errors = review(form, today=today)
    if errors:
        raise FormInvalid(errors)
    with writing():
        visit = _live_visit(visit_id)
        if visit.patient_id != form.patient_id:
            raise KnownError(_("Kunjungan ini milik pasien lain."))
        sent = locks.touched({visit.visit_at.date(), values["visit_at"].date()})
        before = {name: getattr(visit, name + "_id" if name in ("poli", "payment_type", "referral_poli") else name)
                  for name in CORRECTED_FIELDS}
        before_codes = _diagnosis_text(visit.id)
        patient = Patient.get_by_id(visit.patient_id)
        days, years = age_at(patient.birth_date, values["visit_at"].date())
        Visit.update(**{k: v for k, v in values.items() if k in CORRECTED_FIELDS}, age_days=days,
                     age_years=years).where(Visit.id == visit.id).execute()
        VisitDiagnosis.delete().where(VisitDiagnosis.visit == visit.id).execute()
        _write_diagnoses(visit.id, form.diagnoses)
        refresh_new_visit_flags(patient.id, years=sorted({visit.visit_at.year, values["visit_at"].year}), user=user,
                                reason=reason, skip=(visit.id,))
        changed: dict[str, object] = {name: [str(before[name] if before[name] is not None else ""), str(values.get(name) or "")]
                   for name in CORRECTED_FIELDS if name in values and str(before[name] or "") != str(values[name] or "")}
        after_codes = _diagnosis_text(visit.id)
        if after_codes != before_codes:
            changed["diagnoses"] = [before_codes, after_codes]
        locks.note(visit.id, sent, "update", reason, user)
        outbox.note(visit.id, "update")
        pcare_outbox.note(visit.id, "update")
        audit.record("update", "visit", visit.id, {"patient_id": patient.id, "reason": reason.strip(), **changed}, user)
    return Visit.get_by_id(visit_id)


def delete_visit(visit_id: int, *, reason: str, user: User | None = None) -> Visit:
    """Removes a visit from every list and report (soft: it stays in the database with the reason)."""
    user = require("visit.delete", user)
    if not " ".join((reason or "").split()):
        raise KnownError(_("Alasan penghapusan wajib diisi, misalnya 'kunjungan tercatat dua kali'."))
    with writing():
        visit = _live_visit(visit_id)
        locks.note(visit.id, locks.touched([visit.visit_at.date()]), "delete", reason, user)
        Visit.update(deleted_at=now(), deleted_reason=reason.strip()[:200]).where(Visit.id == visit.id).execute()
        outbox.note(visit.id, "delete")
        pcare_outbox.note(visit.id, "delete")
        refresh_new_visit_flags(visit.patient_id, years=[visit.visit_at.year], user=user, reason=reason, skip=(visit.id,))
        audit.record("delete", "visit", visit.id, {"patient_id": visit.patient_id, "reason": reason.strip(),
                                                   "diagnoses": _diagnosis_text(visit.id)}, user)
    return Visit.get_by_id(visit_id)


def refresh_new_visit_flags(patient_id: int, years: list[int] | None = None, *, user: SignedIn | None = None,
                            reason: str = "", skip: tuple[int, ...] = ()) -> list[tuple[int, dt.date]]:
    """Marks the first visit of each year as kunjungan baru and the rest as lama; returns the visits
    it changed. Inside a write: a changed visit in a sent period (other than ``skip``, the write's
    own, noted already) is kept as a late change with ``reason`` or a reason in words."""
    require("visit.write", user)
    query = Visit.select(Visit.id, Visit.visit_at, Visit.is_new_visit).where(
        (Visit.patient == patient_id) & Visit.deleted_at.is_null()).order_by(Visit.visit_at, Visit.id)
    seen: set[int] = set()
    changed = []
    for visit in query:
        year = visit.visit_at.year
        if years is not None and year not in years:
            continue
        first = year not in seen
        seen.add(year)
        if visit.is_new_visit != first:
            Visit.update(is_new_visit=first).where(Visit.id == visit.id).execute()
            changed.append((visit.id, visit.visit_at.date()))
    if changed and db.in_transaction():
        locks.note_side_changes(changed, reason or _("kunjungan baru/lama berubah karena kunjungan lain pasien ini"), user,
                                skip=skip)
    return changed
