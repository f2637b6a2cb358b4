"""A patient's DTSEN decile and aid cards (Inpres 4/2025): a decile only with the date of its data."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk.errors import FormInvalid
from kupang_desk.models import Patient
from kupang_desk.patients.registration import PatientForm, update
from tests.helpers.clock import TODAY
from tests.helpers.factories import new_patient, patient_form


def test_a_decile_is_kept_with_its_date_and_the_cards(database):
    patient = new_patient(dtsen_decile="2", dtsen_date=TODAY - dt.timedelta(days=30), kks=True, kip=True)
    saved = Patient.get_by_id(patient.id)
    assert (saved.dtsen_decile, saved.dtsen_date, saved.pkh, saved.kks, saved.kip) == (
        2, TODAY - dt.timedelta(days=30), False, True, True)
    form = PatientForm.from_patient(saved)
    assert (form.dtsen_decile, form.kks) == ("2", True)
    form.dtsen_decile = ""
    form.dtsen_date = None
    update(patient.id, form, reason="keluar dari DTSEN", today=TODAY)
    assert Patient.get_by_id(patient.id).dtsen_decile is None


@pytest.mark.parametrize(("decile", "day", "field", "words"), [
    ("3", None, "dtsen_date", "tanggal data DTSEN"),
    ("11", TODAY, "dtsen_decile", "1 (termiskin) sampai 10"),
    ("4", TODAY + dt.timedelta(days=1), "dtsen_date", "sesudah hari ini"),
])
def test_a_decile_without_its_date_or_out_of_range_is_refused(database, decile, day, field, words):
    from kupang_desk.patients.registration import register

    with pytest.raises(FormInvalid) as refused:
        register(patient_form(dtsen_decile=decile, dtsen_date=day), accept_warnings=True, today=TODAY)
    assert words in refused.value.errors[field]
    assert Patient.select().count() == 0
