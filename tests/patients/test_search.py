"""One search box: names with Kupang spellings, NIK, No. RM, BPJS, phone."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk.patients.search import search_patients
from tests.helpers.factories import new_patient, payment


@pytest.fixture
def people(database):
    return {
        "yohanes": new_patient(bpjs_number="0001234567890", payment_type_id=payment("PBI-N")),
        "maria": new_patient(nik="5371045505900002", name="Mariya Manafe", sex="P", birth_date=dt.date(1990, 5, 15),
                             phone="085239001122"),
        "petrus": new_patient(nik="5371040101800003", name="Petrus Fanggidae", birth_date=dt.date(1980, 1, 1),
                              phone="081200000000"),
    }


@pytest.mark.parametrize(("typed", "who"), [
    ("yohanes", "yohanes"), ("Yohanis", "yohanes"), ("johanes ndun", "yohanes"), ("ndun", "yohanes"),
    ("maria", "maria"), ("manafe mariya", "maria"), ("fangidae", "petrus"),
    ("5371041203870001", "yohanes"), ("53710455", "maria"), ("000001", "yohanes"),
    ("0001234567890", "yohanes"), ("0852 3900 1122", "maria"),
    # A word still being typed (one or two letters) is looked for right after its neighbour, as typed.
    ("mariya ma", "maria"), ("etrus fa", "petrus"),
])
def test_finds(people, typed, who):
    hits = search_patients(typed)
    assert hits and hits[0].id == people[who].id


def test_nothing_for_nothing(people):
    assert search_patients("   ") == []
    assert search_patients("zzzz") == []
    assert search_patients("petrus ma") == []  # "ma" begins no word after Petrus


def test_prefix_matches_come_first(people):
    new_patient(nik="5371040202950004", name="Agnes Yohanes", sex="P", birth_date=dt.date(1995, 2, 2))
    names = [hit.name for hit in search_patients("yoha")]
    assert names[0] == "Yohanes Ndun"
    assert "Agnes Yohanes" in names


def test_a_nul_or_another_control_character_pasted_into_a_search_box_is_read_as_a_space(people):
    """Issue 36: a NUL byte pasted from another program crashed the search on PostgreSQL (which
    refuses it in any text); every search box reads control characters as spaces."""
    from kupang_desk.students.records import active_students
    from kupang_desk.visits.icd import search_icd10

    assert [h.name for h in search_patients("Yohanes\x00Ndun")] == [h.name for h in search_patients("Yohanes Ndun")]
    assert search_patients("\x00") == [] and search_patients("5371\x00") is not None
    assert [c.code for c in search_icd10("J06\x00")][:1] == ["J06"]
    assert active_students("Maria\x00\x1b") == []
