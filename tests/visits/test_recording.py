"""Recording visits: kunjungan and kasus baru/lama, vitals, diagnoses, referral."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk.errors import FormInvalid, KnownError
from kupang_desk.models import Visit, VisitDiagnosis
from kupang_desk.visits import icd
from kupang_desk.visits.recording import (
    DiagnosisLine,
    VisitForm,
    is_new_visit,
    parse_vital,
    record_visit,
    suggest_new_case,
)
from tests.helpers.clock import at, days_ago
from tests.helpers.factories import TODAY, new_patient, new_visit, poli


def test_a_visit_with_two_diagnoses(database):
    patient = new_patient()
    form = VisitForm(patient_id=patient.id, visit_at=dt.datetime(2026, 10, 5, 8, 30), poli_id=poli(),
                     complaint="Batuk pilek 3 hari", vitals={"systolic": "150", "diastolic": "95", "weight_kg": "61,5",
                                                             "temperature_c": "37,8"},
                     diagnoses=[DiagnosisLine("J06.9", True, False), DiagnosisLine("I10", True, True)],
                     health_worker="dr. Maria Bere")
    visit = record_visit(form, today=TODAY)
    assert visit.payment_type_id == patient.payment_type_id  # the patient's by default
    assert (visit.age_years, visit.sex, visit.is_new_visit) == (39, "L", True)
    assert str(visit.weight_kg) == "61.5"
    lines = list(VisitDiagnosis.select().where(VisitDiagnosis.visit == visit).order_by(VisitDiagnosis.position))
    assert [(d.icd10_code, d.is_primary) for d in lines] == [("J06.9", False), ("I10", True)]


def test_kunjungan_baru_is_the_first_of_the_year(database):
    patient = new_patient()
    first = new_visit(patient, dt.datetime(2026, 3, 1, 9))
    second = new_visit(patient, dt.datetime(2026, 4, 1, 9))
    next_year = new_visit(patient, dt.datetime(2025, 12, 30, 9))
    assert [Visit.get_by_id(v.id).is_new_visit for v in (first, second, next_year)] == [True, False, True]
    # Entered late: an earlier visit of 2026 makes the March one a repeat.
    early = new_visit(patient, dt.datetime(2026, 1, 10, 9))
    assert Visit.get_by_id(early.id).is_new_visit and not Visit.get_by_id(first.id).is_new_visit
    assert not is_new_visit(patient.id, dt.datetime(2026, 5, 1))


def test_kasus_lama_suggested_from_history(database):
    patient = new_patient()
    new_visit(patient, dt.datetime(2026, 1, 10, 9), "I10", "J06.9")
    assert not suggest_new_case(patient.id, "I10", dt.datetime(2026, 9, 1))  # chronic: always lama
    assert not suggest_new_case(patient.id, "J06.9", dt.datetime(2026, 1, 20))  # same episode
    assert suggest_new_case(patient.id, "J06.9", dt.datetime(2026, 3, 1))  # a new cold
    assert suggest_new_case(patient.id, "A09", dt.datetime(2026, 3, 1))


@pytest.mark.parametrize(("name", "typed", "message"), [
    ("weight_kg", "500", "tidak masuk akal"), ("temperature_c", "3,7", "tidak masuk akal"),
    ("systolic", "abc", "harus berupa angka"),
])
def test_implausible_vitals_are_refused(name, typed, message):
    with pytest.raises(Exception, match=message):
        parse_vital(name, typed)


def test_invalid_visits_are_explained_and_not_saved(database):
    patient = new_patient()
    form = VisitForm(patient_id=patient.id, visit_at=dt.datetime(1980, 1, 1, 9), poli_id=None,
                     vitals={"systolic": "80", "diastolic": "120"}, diagnoses=[DiagnosisLine("X99.99")],
                     referral_kind="external")
    with pytest.raises(FormInvalid) as caught:
        record_visit(form, today=TODAY)
    assert set(caught.value.errors) == {"visit_at", "poli_id", "diastolic", "diagnoses", "referral_kind"}
    assert Visit.select().count() == 0


def test_icd10_picker_finds_by_code_and_words(database):
    assert [c.code for c in icd.search_icd10("j069")] == ["J06.9"]
    assert icd.search_icd10("J06")[0].code == "J06"
    found = [c.code for c in icd.search_icd10("hipertensi")]
    assert "I10" in found
    assert "J06.9" in [c.code for c in icd.search_icd10("ispa")]
    assert "A09.9" in [c.code for c in icd.search_icd10("gastroenteritis")]
    favourites = ["K30", "I10"]
    assert [c.code for c in icd.search_icd10("", favourites=favourites)] == favourites
    assert icd.search_icd10("hipertensi", favourites=["I10"])[0].code == "I10"


def test_most_used_codes(database):
    patient = new_patient()
    for days in range(1, 4):
        new_visit(patient, at(days_ago(days)), "K30")
    new_visit(patient, at(days_ago(5)), "I10")
    new_visit(patient, at(days_ago(95)), "I10")  # before the last 90 days: not counted
    new_visit(patient, at(days_ago(96)), "I10")
    assert icd.most_used(today=TODAY)[:2] == ["K30", "I10"]


def test_a_correction_replaces_the_diagnoses_and_keeps_before_and_after(database):
    import json

    from kupang_desk.accounts import users
    from kupang_desk.models import AuditEvent
    from kupang_desk.visits.recording import correct_visit, delete_visit, form_of

    clerk = users.create_user("poli1", "dr. Yohanes Nope", "poli", "rahasia-123", must_change=False)
    patient = new_patient()
    visit = new_visit(patient, dt.datetime(2026, 11, 20, 9, 0), "J06.9")
    form = form_of(visit)
    with pytest.raises(FormInvalid) as missing:
        correct_visit(visit.id, form, reason="  ", user=clerk, today=TODAY)
    assert "reason" in missing.value.errors
    form.diagnoses = [DiagnosisLine("J18.9", True, True), DiagnosisLine("I10", False, False)]
    form.complaint = "Batuk 2 minggu, sesak"
    correct_visit(visit.id, form, reason="salah kode diagnosis", user=clerk, today=TODAY)
    codes = [d.icd10_code for d in VisitDiagnosis.select().where(VisitDiagnosis.visit == visit).order_by(VisitDiagnosis.position)]
    assert codes == ["J18.9", "I10"]
    event = AuditEvent.select().where((AuditEvent.action == "update") & (AuditEvent.table_name == "visit")).get()
    details = json.loads(event.details)
    assert event.user_id == clerk.id and details["reason"] == "salah kode diagnosis"
    assert details["diagnoses"] == [["J06.9 (utama) baru"], ["J18.9 (utama) baru", "I10 lama"]]
    assert details["complaint"][1] == "Batuk 2 minggu, sesak"
    delete_visit(visit.id, reason="tercatat dua kali", user=clerk)
    assert Visit.get_by_id(visit.id).deleted_at is not None
    with pytest.raises(KnownError, match="sudah dihapus"):
        correct_visit(visit.id, form, reason="lagi", user=clerk, today=TODAY)
    assert AuditEvent.select().where(AuditEvent.action == "delete").get().user_id == clerk.id


def test_a_corrected_visit_shows_its_vitals_as_typed(database):
    """Issue 38 item 9: Suhu typed 38,5 came back 38.5 in the correction form."""
    from kupang_desk.visits.recording import form_of
    from tests.helpers.factories import new_patient, new_visit

    visit = new_visit(new_patient(), dt.datetime(2026, 11, 2, 9, 0), vitals={"temperature_c": "38,5", "weight_kg": "64",
                                                                           "systolic": "120"})
    assert form_of(visit).vitals == {"temperature_c": "38,5", "weight_kg": "64", "systolic": "120"}
