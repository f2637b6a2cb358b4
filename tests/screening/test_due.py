"""What is due for a patient's life stage, from the rules file, the visits and what was ticked or scheduled."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk import screening
from kupang_desk.errors import KnownError
from kupang_desk.models import AuditEvent, Screening
from tests.helpers.clock import TODAY
from tests.helpers.factories import new_patient, new_visit, second_patient


def _keys(items) -> list[str]:
    return [d.rule.key for d in items]


def test_every_rule_names_its_source_and_the_life_stage_chooses_the_rules(database):
    assert screening.rules() and all(rule.source for rule in screening.rules())
    man = new_patient(birth_date=dt.date(TODAY.year - 39, 1, 1))
    woman = second_patient(birth_date=dt.date(TODAY.year - 35, 1, 1))
    baby = new_patient(nik="5371040101250007", name="Bayi Ndun", kk_number="5371041501100007",
                       birth_date=TODAY - dt.timedelta(days=100))
    elder = new_patient(nik="5371040101500009", name="Petrus Lay", kk_number="5371041501100019",
                        birth_date=dt.date(TODAY.year - 70, 1, 1))
    assert set(_keys(screening.for_patient(man.id))) == {"dewasa_tekanan_darah", "dewasa_imt", "dewasa_lingkar_perut",
                                                       "dewasa_gula_darah"}
    assert "dewasa_iva" in _keys(screening.for_patient(woman.id))  # women of 30 to 50
    baby_keys = set(_keys(screening.for_patient(baby.id)))  # growth, and the doses of three months, not nine
    assert {"balita_berat", "balita_tinggi", "imun_bcg", "imun_dpt2", "imun_polio3"} <= baby_keys
    assert all(key.startswith(("balita_", "imun_")) for key in baby_keys) and "imun_mr" not in baby_keys
    assert all(key.startswith("lansia_") for key in _keys(screening.for_patient(elder.id)))
    assert all(d.due and d.last_done is None for d in screening.for_patient(man.id))  # nothing done yet: all due


def test_a_visit_that_measured_it_or_a_tick_makes_it_done_until_its_interval_passes(database):
    man = new_patient(birth_date=dt.date(TODAY.year - 39, 1, 1))
    long_ago = TODAY - dt.timedelta(days=400)
    recently = TODAY - dt.timedelta(days=90)
    new_visit(man, dt.datetime.combine(long_ago, dt.time(9)), "J06.9", vitals={"waist_cm": "88"}, today=TODAY)
    new_visit(man, dt.datetime.combine(recently, dt.time(9)), "I10", vitals={"systolic": "150", "diastolic": "95"}, today=TODAY)
    due = {d.rule.key: d for d in screening.for_patient(man.id)}
    assert not due["dewasa_tekanan_darah"].due and due["dewasa_tekanan_darah"].last_done == recently
    assert due["dewasa_lingkar_perut"].due and due["dewasa_lingkar_perut"].last_done == long_ago  # over a year: due again
    next_week = TODAY + dt.timedelta(days=7)
    assert screening.record(man.id, ["dewasa_gula_darah"], {"dewasa_imt": (next_week, "posyandu")}) == 2
    due = {d.rule.key: d for d in screening.for_patient(man.id)}
    assert not due["dewasa_gula_darah"].due and due["dewasa_gula_darah"].last_done == TODAY
    assert (due["dewasa_imt"].due, due["dewasa_imt"].scheduled_on, due["dewasa_imt"].place) == (True, next_week, "posyandu")
    assert [d.due for d in screening.for_patient(man.id)] == sorted([d.due for d in screening.for_patient(man.id)],
                                                                     reverse=True)  # what is due comes first
    event = AuditEvent.select().where(AuditEvent.table_name == "patient").order_by(AuditEvent.id.desc()).first()
    assert "dewasa_gula_darah" in event.details


def test_a_wrong_schedule_is_refused_in_words_and_nothing_is_written(database):
    man = new_patient(birth_date=dt.date(TODAY.year - 39, 1, 1))
    with pytest.raises(KnownError) as refused:
        screening.record(man.id, ["dewasa_iva"], {"dewasa_imt": (TODAY - dt.timedelta(days=1), "pasar"),
                                                  "dewasa_gula_darah": (TODAY, "pustu")})
    said = str(refused.value)
    assert "dewasa_iva bukan untuk umur, jenis kelamin atau kehamilan pasien ini" in said
    assert "sudah lewat" in said and "pilih tempat" in said
    assert Screening.select().count() == 0


def test_a_broken_rules_file_stops_with_its_line(monkeypatch, tmp_path):
    broken = tmp_path / "reference"
    broken.mkdir()
    (broken / "skrining.csv").write_text("kunci,nama,klaster,umur_dari,umur_sampai,jenis_kelamin,setiap_bulan,bukti,sumber\n"
                                         "x,X,3,dua belas,,,12,,Sumber\n", encoding="utf-8")
    monkeypatch.setattr(screening, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    screening.rules.cache_clear()
    try:
        with pytest.raises(KnownError, match="baris data 2 tidak terbaca"):
            screening.rules()
    finally:
        screening.rules.cache_clear()
