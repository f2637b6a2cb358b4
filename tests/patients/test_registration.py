"""Registering and correcting patients, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kupang_desk.errors import FormInvalid
from kupang_desk.models import AuditEvent, Patient, PatientIdentifier, Setting, Visit
from kupang_desk.patients import registration
from kupang_desk.patients.registration import (
    DuplicateNik,
    WarningsNotAccepted,
    register,
    review,
    update,
)
from tests.helpers.factories import TODAY, new_patient, new_visit, patient_form, payment


def test_register_gives_the_next_number_and_stores_identifiers_as_text(database):
    first = register(patient_form(bpjs_number="0001234567890", payment_type_id=payment("PBI-N")), today=TODAY)
    second = register(patient_form(nik="5371045203870002", name="Maria Bere", sex="P", kk_number=""), today=TODAY)
    assert (first.no_rm, second.no_rm) == ("000001", "000002")
    stored = Patient.get_by_id(first.id)
    assert stored.bpjs_number == "0001234567890"
    assert (stored.rt, stored.rw) == ("004", "002")
    assert stored.name_key == "iuhanis ndun"
    event = AuditEvent.get(AuditEvent.table_name == "patient", AuditEvent.record_id == str(first.id))
    assert event.action == "create"


def test_errors_name_the_field_and_block(database):
    result = review(patient_form(nik="5371041203870", name="Yohanes 2", sex="", kelurahan_code=None))
    assert set(result.errors) == {"nik", "name", "sex", "kelurahan_code"}
    assert "16 digit" in result.errors["nik"]
    with pytest.raises(FormInvalid):
        register(patient_form(name=""), today=TODAY)
    assert Patient.select().count() == 0


def test_warnings_need_one_acceptance(database):
    form = patient_form(birth_date=dt.date(1987, 3, 13))  # NIK says the 12th
    with pytest.raises(WarningsNotAccepted) as caught:
        register(form, today=TODAY)
    assert "berbeda" in caught.value.review.warning_list()[0]
    assert Patient.select().count() == 0
    patient = register(form, accept_warnings=True, today=TODAY)
    details = json.loads(AuditEvent.get(AuditEvent.record_id == str(patient.id)).details)
    assert "berbeda" in details["warnings_accepted"][0]


def test_a_person_without_nik_needs_a_reason_never_an_invented_number(database):
    assert "alasan" in review(patient_form(nik="")).errors["nik"]
    patient = register(patient_form(nik="", no_nik_reason="Surat keterangan Dinas Sosial"), today=TODAY)
    assert patient.nik is None
    register(patient_form(nik="", name="Agnes Taek", sex="P", no_nik_reason="Bayi belum punya NIK"), today=TODAY)


def test_same_nik_is_a_hard_stop_that_points_to_the_patient(database):
    first = new_patient()
    with pytest.raises(DuplicateNik) as caught:
        register(patient_form(name="Yohanis Ndun"), accept_warnings=True, today=TODAY)
    assert caught.value.existing.id == first.id
    assert first.no_rm in str(caught.value)
    assert Patient.select().count() == 1


def test_correction_keeps_the_reason_the_old_values_and_fixes_visit_ages(database):
    patient = new_patient(birth_date=dt.date(2000, 3, 12), nik="5371041203000001")
    visit = new_visit(patient, dt.datetime(2026, 3, 11, 9))
    assert visit.age_years == 25
    form = registration.PatientForm.from_patient(patient)
    form.birth_date = dt.date(2000, 3, 10)
    form.nik = "5371041003000001"
    with pytest.raises(Exception, match="Alasan"):
        update(patient.id, form, reason=" ", today=TODAY)
    update(patient.id, form, reason="Salah ketik, sesuai KTP", today=TODAY)
    assert Visit.get_by_id(visit.id).age_years == 26
    former = PatientIdentifier.get(PatientIdentifier.patient == patient.id)
    assert (former.kind, former.value) == ("nik", "5371041203000001")
    event = AuditEvent.get(AuditEvent.action == "update")
    details = json.loads(event.details)
    assert details["reason"] == "Salah ketik, sesuai KTP"
    assert details["changes"]["birth_date"] == {"before": "2000-03-12", "after": "2000-03-10"}


def test_family_folder_numbers_share_a_household(database):
    Setting.set_value("no_rm.pattern", {"kind": "family"})
    father = new_patient()
    mother = new_patient(nik="5371045505900002", name="Maria Bere", sex="P", birth_date=dt.date(1990, 5, 15))
    neighbour = new_patient(nik="5371040101800003", name="Petrus Pah", birth_date=dt.date(1980, 1, 1),
                            kk_number="5371041501100099")
    assert father.no_rm == "041001-0001-01"
    assert mother.no_rm == "041001-0001-02"
    assert neighbour.no_rm == "041001-0002-01"
