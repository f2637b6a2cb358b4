"""The KBK monitor counts BPJS's three figures from the office's own JKN visits, against BPJS's targets,
and says what it needs when it cannot count one."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk.errors import FormInvalid
from kupang_desk.pcare import kbk
from tests.helpers.clock import TODAY
from tests.helpers.factories import an_institution, new_patient, new_visit, payment, second_patient

MORNING = dt.datetime.combine(TODAY.replace(day=1), dt.time(8, 0))  # the month's first morning
LATER = dt.datetime.combine(TODAY, dt.time(8, 30))  # today, before the clock's 09:00 (the same day on the 1st)


def _people():
    jkn = payment("PBI-N")
    yohanes = new_patient(payment_type_id=jkn)
    maria = second_patient(payment_type_id=jkn)
    petrus = new_patient(nik="5371040101800003", name="Petrus Lay", kk_number="5371041501100009", payment_type_id=jkn)
    paying = new_patient(nik="5371040202800004", name="Simon Manu", kk_number="5371041501100010",
                         payment_type_id=payment("UMUM"))
    return yohanes, maria, petrus, paying


def by_key(day=TODAY) -> dict[str, kbk.Indicator]:
    return {figure.key: figure for figure in kbk.monitor(day)}


def test_each_figure_says_what_it_needs_before_it_can_be_counted(database):
    an_institution()
    figures = by_key()
    assert [f.key for f in kbk.monitor(TODAY)] == ["contact", "rrns", "rppt"]
    assert figures["contact"].met is None and "jumlah peserta JKN terdaftar" in figures["contact"].missing
    assert figures["rrns"].met is None and "daftar diagnosis non-spesialistik dari BPJS" in figures["rrns"].missing


def test_the_three_figures_are_counted_from_this_months_jkn_visits_against_bpjs_targets(database):
    an_institution()
    yohanes, maria, petrus, paying = _people()
    at = MORNING
    new_visit(yohanes, at, "I10", vitals={"systolic": "150", "diastolic": "95"})
    new_visit(yohanes, LATER, "I10", vitals={"systolic": "132", "diastolic": "84"})  # the last one counts
    new_visit(maria, at, "I10", vitals={"systolic": "160", "diastolic": "100"})
    new_visit(petrus, at, "A09", referral_kind="external", referral_facility="RSUD W. Z. Johannes")  # non-specialist
    new_visit(petrus, at + dt.timedelta(minutes=20), "C50.9", referral_kind="external", referral_facility="RSUD")  # specialist
    new_visit(paying, at, "A09", referral_kind="external", referral_facility="RSUD")  # not JKN: not counted
    new_visit(yohanes, at - dt.timedelta(days=3), "A09", referral_kind="external", referral_facility="RSUD")  # last month
    kbk.save_figures(20, "A09, J06.9\nK29.7")
    figures = by_key()
    contact = figures["contact"]
    assert (contact.value, contact.met) == ("150‰", True)  # 3 of 20 members: exactly the target
    assert "3 dari 20 peserta" in contact.counted
    rrns = figures["rrns"]
    assert (rrns.value, rrns.met) == ("20%", False)  # 1 of 5 JKN visits
    rppt = figures["rppt"]
    assert (rppt.value, rppt.met) == ("50%", True)  # Yohanes controlled at his last visit, Maria not
    kbk.save_figures(21, "A09")
    assert by_key()["contact"].met is False  # 142.9 per mil


def test_a_pasted_list_keeps_known_codes_and_names_the_unknown_ones(database):
    an_institution()
    assert kbk.save_figures(1234, "a09 J06.9; k29.7 J069")[1] == ["A09", "J06.9", "K29.7"]
    with pytest.raises(FormInvalid, match="Bukan kode ICD-10 yang dikenal: XYZ, 12"):
        kbk.save_figures(1234, "A09 XYZ 12")


def test_once_prolanis_members_are_marked_only_they_count_as_controlled(database):
    from kupang_desk.patients.registration import PatientForm, update

    an_institution()
    yohanes, maria, _petrus, _paying = _people()
    new_visit(yohanes, MORNING, "I10", vitals={"systolic": "132", "diastolic": "84"})
    new_visit(maria, MORNING, "I10", vitals={"systolic": "160", "diastolic": "100"})
    assert by_key()["rppt"].value == "50%" and "tandai peserta Prolanis" in by_key()["rppt"].counted
    form = PatientForm.from_patient(maria)
    form.prolanis = True
    update(maria.id, form, reason="peserta Prolanis menurut BPJS", accept_warnings=True, today=TODAY)
    rppt = by_key()["rppt"]
    assert (rppt.title, rppt.value, rppt.met) == ("Prolanis terkendali (hipertensi)", "0%", False)  # Maria only
    assert "1 peserta Prolanis" in rppt.counted
