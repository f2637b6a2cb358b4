"""What the patient card shows: the record (opening it is recorded) and diagnoses over time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from kupang_desk import audit
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import (
    Icd10,
    Patient,
    PatientIdentifier,
    User,
    Visit,
    VisitDiagnosis,
    day_of,
    writing,
)


@dataclass(frozen=True)
class DiagnosisHistory:
    code: str
    title: str
    first: dt.date
    last: dt.date
    times: int


def open_patient(patient_id: int, *, user: User | None = None) -> Patient:
    """The patient's record; opening it is written to the record of processing (UU PDP)."""
    user = require("patient.read", user)
    patient = Patient.get_or_none(Patient.id == patient_id)
    if patient is None:
        raise KnownError(_("Pasien tidak ditemukan."))
    if patient.merged_into_id:
        patient = patient.merged_into
    with writing():
        audit.record("view", "patient", patient.id, {}, user)
    return patient


def diagnoses_over_time(patient_id: int, *, user: SignedIn | None = None) -> list[DiagnosisHistory]:
    """Each code the patient was diagnosed with: first and last date and how often, latest first."""
    require("patient.read", user)
    first, last, times = pw.fn.MIN(Visit.visit_at), pw.fn.MAX(Visit.visit_at), pw.fn.COUNT(VisitDiagnosis.id)
    query = (VisitDiagnosis.select(VisitDiagnosis.icd10, Icd10.title, Icd10.title_id, first, last, times)
             .join(Visit).switch(VisitDiagnosis).join(Icd10)
             .where((Visit.patient == patient_id) & Visit.deleted_at.is_null())
             .group_by(VisitDiagnosis.icd10, Icd10.title, Icd10.title_id).order_by(last.desc()))
    return [DiagnosisHistory(code, title_id or title, day_of(start), day_of(end), count)
            for code, title, title_id, start, end, count in query.tuples()]


def former_identifiers(patient_id: int) -> list[PatientIdentifier]:
    return list(PatientIdentifier.select().where(PatientIdentifier.patient == patient_id).order_by(PatientIdentifier.id))


