"""Likely duplicates are offered, merges move visits and keep the old numbers findable."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk.errors import KnownError
from kupang_desk.models import Patient, PatientIdentifier, Visit
from kupang_desk.names import name_key, similarity
from kupang_desk.patients.duplicates import likely_duplicates
from kupang_desk.patients.merge import merge
from kupang_desk.patients.search import search_patients
from tests.helpers.factories import OEBOBO, new_patient, new_visit


@pytest.mark.parametrize(("a", "b"), [
    ("Yohanis Ndun", "Yohanes Ndun"), ("Maria Bere", "Mariya Bere"), ("Johanes Pah", "Yohanes Pah"),
    ("Stefanus Nope", "Stephanus Nope"), ("Ndun Yohanes", "Yohanes Ndun"),
])
def test_kupang_spelling_variants_are_similar(a, b):
    assert similarity(name_key(a), name_key(b)) >= 0.85


def test_different_people_are_not_similar():
    assert similarity(name_key("Yohanes Ndun"), name_key("Agustinus Benu")) < 0.6


def test_same_birth_date_and_similar_name_is_a_candidate(database):
    existing = new_patient(nik="", no_nik_reason="tanpa KTP")
    new_patient(nik="", no_nik_reason="tanpa KTP", name="Petrus Ndun")  # same birth date, other name
    found = likely_duplicates("Yohanis Ndun", dt.date(1987, 3, 12))
    assert [c.patient.id for c in found] == [existing.id]
    assert "tanggal lahir sama" in found[0].reasons[0]
    assert likely_duplicates("Yohanis Ndun", dt.date(1987, 3, 13)) == []


def test_same_mother_and_kelurahan_is_a_candidate(database):
    existing = new_patient(nik="", no_nik_reason="tanpa KTP", birth_date=dt.date(2019, 5, 1))
    found = likely_duplicates("Yohanis Ndun", dt.date(2019, 5, 2), mother_name="Mariya Bere", kelurahan_code=OEBOBO)
    assert [c.patient.id for c in found] == [existing.id]
    assert found[0].reasons == ("nama ibu dan kelurahan sama",)
    assert likely_duplicates("Yohanis Ndun", dt.date(2019, 5, 2), mother_name="Agnes Taek", kelurahan_code=OEBOBO) == []


def test_merge_moves_visits_and_keeps_identifiers(database):
    survivor = new_patient(nik="", no_nik_reason="tanpa KTP", phone="")
    duplicate = new_patient(name="Yohanis Ndun", bpjs_number="0001234567890", phone="081299887766")
    new_visit(survivor, dt.datetime(2026, 2, 1, 9))
    new_visit(duplicate, dt.datetime(2026, 1, 15, 9), "I10")
    merge(survivor.id, duplicate.id, reason="Pasien sama, terdaftar dua kali")
    survivor = Patient.get_by_id(survivor.id)
    assert Visit.select().where(Visit.patient == survivor.id).count() == 2
    assert Visit.select().where(Visit.patient == duplicate.id).count() == 0
    # The earlier visit of the year is now the kunjungan baru.
    flags = [v.is_new_visit for v in Visit.select().where(Visit.patient == survivor.id).order_by(Visit.visit_at)]
    assert flags == [True, False]
    assert survivor.nik == "5371041203870001"  # taken over from the merged record
    assert (survivor.bpjs_number, survivor.phone) == ("0001234567890", "081299887766")
    kinds = {(i.kind, i.value) for i in PatientIdentifier.select().where(PatientIdentifier.patient == survivor.id)}
    assert ("no_rm", duplicate.no_rm) in kinds
    assert Patient.get_by_id(duplicate.id).merged_into_id == survivor.id
    # Searching the old number finds the surviving record.
    assert [hit.id for hit in search_patients(duplicate.no_rm)] == [survivor.id]
    with pytest.raises(KnownError, match="sudah digabungkan"):
        merge(survivor.id, duplicate.id, reason="lagi")


def test_merge_moves_the_screenings_and_the_pregnancy_so_nobody_is_listed_overdue_for_what_was_done(database):
    from kupang_desk import screening
    from kupang_desk.models import Pregnancy, Screening
    from tests.helpers.clock import TODAY
    from tests.helpers.factories import second_patient

    survivor = second_patient(nik="", no_nik_reason="tanpa KTP")
    duplicate = second_patient(name="Mariya Bere")
    screening.register_pregnancy(duplicate.id, TODAY - dt.timedelta(weeks=8))
    screening.record(duplicate.id, ["anc_t1", "dewasa_gula_darah"], {})
    merge(survivor.id, duplicate.id, reason="Pasien sama, terdaftar dua kali")
    assert Screening.select().where(Screening.patient == survivor.id).count() == 2
    assert Pregnancy.get().patient_id == survivor.id
    due = {d.rule.key: d for d in screening.for_patient(survivor.id)}
    assert not due["anc_t1"].due and not due["dewasa_gula_darah"].due
