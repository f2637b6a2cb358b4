"""Pregnancies and their antenatal contacts (K1-K6), the newborn's visits (KN1-KN3), the basic
immunisations, and the PWS that counts them per kelurahan."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk import screening
from kupang_desk.errors import KnownError
from kupang_desk.models import AuditEvent, Patient, Pregnancy, Screening
from kupang_desk.screening.pws import first_birthday, pws, total
from tests.helpers.clock import TODAY
from tests.helpers.factories import new_patient, second_patient


def _due(patient_id: int, day: dt.date = TODAY) -> dict[str, screening.Due]:
    return {d.rule.key: d for d in screening.for_patient(patient_id, day)}


NAMES = ("", "Satu", "Dua", "Tiga", "Empat", "Lima")


def _woman(number: int, **values):
    return new_patient(nik=f"53710445069{number:05d}", name=f"Ibu {NAMES[number]}", sex="P", birth_date=dt.date(1990, 6, 5),
                       kk_number=f"53710415011{number:05d}", **values)


def _child(number: int, born: dt.date):
    return new_patient(nik=f"53710401012{number:05d}", name=f"Anak {NAMES[number]}", sex="L", birth_date=born,
                       kk_number=f"53710415012{number:05d}")


def test_a_pregnancy_brings_its_antenatal_contacts_trimester_by_trimester(database):
    mother = second_patient()
    assert not any(key.startswith("anc_") for key in _due(mother.id))  # not recorded pregnant: no antenatal contact
    lmp = TODAY - dt.timedelta(weeks=10)
    screening.register_pregnancy(mother.id, lmp)
    assert screening.due_date(lmp) == lmp + dt.timedelta(days=280)
    first = _due(mother.id)["anc_t1"]
    assert (first.due, first.count, first.needed) == (True, 0, 1)
    screening.record(mother.id, ["anc_t1"], {})
    assert (_due(mother.id)["anc_t1"].due, _due(mother.id)["anc_t1"].count) == (False, 1)
    with pytest.raises(KnownError, match="sudah dicatat dilakukan"):
        screening.record(mother.id, ["anc_t1"], {})  # twice the same day is one contact
    week_15 = lmp + dt.timedelta(weeks=15)
    second = _due(mother.id, week_15)
    assert "anc_t1" not in second and (second["anc_t2"].due, second["anc_t2"].needed) == (True, 2)
    screening.record(mother.id, ["anc_t2"], {}, day=week_15)
    assert (_due(mother.id, week_15)["anc_t2"].due, _due(mother.id, week_15)["anc_t2"].count) == (True, 1)  # one of two
    with pytest.raises(KnownError, match="sudah tercatat hamil sejak HPHT"):
        screening.register_pregnancy(mother.id, TODAY - dt.timedelta(weeks=2))
    screening.end_pregnancy(mother.id, TODAY, "lahir_hidup")
    assert not any(key.startswith("anc_") for key in _due(mother.id, TODAY + dt.timedelta(days=1)))
    assert AuditEvent.select().where(AuditEvent.table_name == "pregnancy").count() == 2


def test_a_pregnancy_that_cannot_be_is_refused_with_what_to_check(database):
    man = new_patient()
    with pytest.raises(KnownError) as refused:
        screening.register_pregnancy(man.id, TODAY - dt.timedelta(weeks=8))
    assert "Yohanes Ndun" in str(refused.value) and "jenis kelamin" in str(refused.value)
    woman = second_patient()
    with pytest.raises(KnownError, match="sesudah hari ini"):
        screening.register_pregnancy(woman.id, TODAY + dt.timedelta(days=1))
    with pytest.raises(KnownError, match="lebih dari 42 minggu"):
        screening.register_pregnancy(woman.id, TODAY - dt.timedelta(weeks=45))
    with pytest.raises(KnownError, match="tidak tercatat hamil"):
        screening.end_pregnancy(woman.id, TODAY, "keguguran")
    assert Pregnancy.select().count() == 0


def test_a_newborn_is_due_its_neonatal_visits_and_a_child_its_doses_by_age(database):
    baby = _child(1, TODAY - dt.timedelta(days=1))
    due = _due(baby.id)
    assert due["kn1"].due and "kn2" not in due and due["imun_hb0"].due
    screening.record(baby.id, ["kn1", "imun_hb0"], {})
    fifth_day = TODAY + dt.timedelta(days=4)
    due = _due(baby.id, fifth_day)
    assert "kn1" not in due and due["kn2"].due and not due["imun_hb0"].due
    older = _child(2, TODAY - dt.timedelta(days=75))  # two months old: BCG, polio, DPT-HB-Hib 1, PCV 1, rotavirus 1
    due = _due(older.id)
    assert {"imun_bcg", "imun_polio1", "imun_dpt1", "imun_polio2"} <= set(due) and "imun_mr" not in due
    assert "imun_hb0" not in due  # its days are over


def _pregnant_with(number: int, contacts_at_weeks: list[int], lmp: dt.date):
    mother = _woman(number)
    screening.register_pregnancy(mother.id, lmp, day=lmp + dt.timedelta(weeks=6))
    for week in contacts_at_weeks:
        day = lmp + dt.timedelta(weeks=week)
        trimester = "anc_t1" if week < 12 else "anc_t2" if week < 24 else "anc_t3"
        screening.record(mother.id, [trimester], {}, day=day)
    return mother


def test_the_pws_counts_k1_k4_k6_kn_and_complete_basic_immunisation_per_kelurahan(database):
    lmp = TODAY - dt.timedelta(weeks=39)
    _pregnant_with(1, [8, 14, 20, 26, 30, 36], lmp)  # six contacts 1-2-3: K6
    _pregnant_with(2, [8, 20, 30, 36], lmp)  # four contacts 1-1-2: K4, not K6
    _pregnant_with(3, [20], lmp)  # one contact, in the second trimester: K1 only
    _pregnant_with(4, [], lmp)  # registered, never seen again
    newborn = _child(1, TODAY - dt.timedelta(days=20))
    screening.record(newborn.id, ["kn1"], {}, day=newborn.birth_date + dt.timedelta(days=1))
    screening.record(newborn.id, ["kn2"], {}, day=newborn.birth_date + dt.timedelta(days=4))
    screening.record(newborn.id, ["kn3"], {}, day=newborn.birth_date + dt.timedelta(days=10))
    _child(2, TODAY - dt.timedelta(days=15))  # born in the period, not visited
    start = TODAY - dt.timedelta(days=364)
    complete, missed = _child(3, start - dt.timedelta(days=300)), _child(4, start - dt.timedelta(days=200))
    assert start <= first_birthday(complete.birth_date) <= TODAY and start <= first_birthday(missed.birth_date) <= TODAY
    doses = [rule.key for rule in screening.rules() if rule.indicator == "idl" and rule.key != "imun_hb0"]
    for child in (complete, missed):
        screening.record(child.id, ["imun_hb0"], {}, day=child.birth_date + dt.timedelta(days=1))
        at_ten_months = child.birth_date + dt.timedelta(days=305)
        screening.record(child.id, [d for d in doses if child is complete or d != "imun_mr"], {}, day=at_ten_months)
    areas = pws(start, TODAY)
    whole = total(areas)
    assert (whole.pregnant, whole.k1, whole.k4, whole.k6) == (4, 3, 2, 1)
    assert (whole.born, whole.kn1, whole.kn_complete) == (2, 1, 1)
    assert (whole.infants, whole.idl) == (2, 1)
    (area,) = areas
    assert area.kelurahan == Patient.get_by_id(newborn.id).kelurahan_code  # the factory's Oebobo
    outside = pws(start, TODAY, kelurahan={"53.71.99.9999"})
    assert outside == []


def test_a_contact_after_the_period_ends_is_not_counted_in_it(database):
    lmp = TODAY - dt.timedelta(weeks=30)
    _pregnant_with(1, [8], lmp)
    before_the_contact = lmp + dt.timedelta(weeks=7)
    assert (total(pws(lmp, before_the_contact)).pregnant, total(pws(lmp, before_the_contact)).k1) == (1, 0)
    assert total(pws(lmp, TODAY)).k1 == 1
    assert Screening.select().where(Screening.key == "anc_t1").count() == 1
