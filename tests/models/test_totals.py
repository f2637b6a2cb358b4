"""The new cases per day and code, kept by the database's own triggers, equal a GROUP BY over the
raw visits after every kind of write (a visit recorded, corrected to another day or code, deleted,
a patient merged, raw SQL, a visit removed outright) and after random sequences of them."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kupang_desk.models import (
    DiagnosisDay,
    DiagnosisMonth,
    Visit,
    VisitDiagnosis,
    db,
    totals,
    writing,
)
from kupang_desk.patients.merge import merge
from kupang_desk.reports import totals as totals_report
from kupang_desk.visits.recording import DiagnosisLine, correct_visit, delete_visit, form_of
from tests.helpers.factories import OEBOBO, new_patient, new_visit, second_patient

FONTEIN = "53.71.05.1008"

CODES = ["J06.9", "A09", "I10", "K29.7"]


def differences() -> list:
    """Every row of every kept table that differs from a GROUP BY over the raw visits."""
    return totals_report.differences(limit=1000)


def kept_counts() -> dict[tuple[str, str], int]:
    return {(str(r.day)[:10], r.icd10_code): r.new_cases for r in DiagnosisDay.select() if r.new_cases}


def test_every_kind_of_write_keeps_the_counts_equal_to_the_raw_visits(database):
    yohanes = new_patient()
    maria = second_patient()
    first = new_visit(yohanes, dt.datetime(2026, 10, 5, 9, 30), "J06.9", "I10")
    second = new_visit(maria, dt.datetime(2026, 10, 5, 10, 0), "J06.9")
    third = new_visit(maria, dt.datetime(2026, 10, 6, 23, 59), "A09")
    assert not differences() and kept_counts() == {("2026-10-05", "J06.9"): 2, ("2026-10-05", "I10"): 1,
                                             ("2026-10-06", "A09"): 1}
    days = {}
    for row in totals.VisitDay.select():
        days[str(row.day)[:10]] = days.get(str(row.day)[:10], 0) + row.visits
    assert days == {"2026-10-05": 2, "2026-10-06": 1}  # visits, not diagnoses: Yohanes's two codes are one visit
    form = form_of(first)  # to another day, one code changed, one case now old
    form.visit_at = dt.datetime(2026, 10, 7, 8, 0)
    form.diagnoses = [DiagnosisLine("A09", True, True), DiagnosisLine("I10", False, False)]
    correct_visit(first.id, form, reason="salah tanggal dan kode")
    assert not differences()
    delete_visit(second.id, reason="tercatat dua kali")
    assert not differences() and ("2026-10-05", "J06.9") not in kept_counts()
    from kupang_desk.patients.registration import load_for_edit, update

    form = load_for_edit(maria.id).form  # her birth date and sex were wrong: the ages and sex of her visits follow
    form.birth_date, form.sex, form.nik = dt.date(2026, 3, 1), "L", "5371040103260002"
    form.kelurahan_code = FONTEIN  # and she lives in Fontein, not Oebobo: her visits move there
    update(maria.id, form, reason="salah tanggal lahir", accept_warnings=True)
    areas = {(str(r.day)[:10], r.kelurahan_code): r.visits for r in totals.VisitArea.select() if r.visits}
    assert areas == {("2026-10-06", FONTEIN): 1, ("2026-10-07", OEBOBO): 1}
    months = {(r.month, r.icd10_code, r.sex, r.age_years, r.age_days) for r in DiagnosisMonth.select() if r.cases}
    assert ("2026-10", "A09", "L", 0, 219) in months  # an infant of 219 days, counted by days
    assert not differences()
    merge(yohanes.id, maria.id, reason="pasien ganda")
    assert not differences()
    with writing():  # raw SQL, as a repair script would: a deleted visit brought back, a visit moved
        Visit.update(deleted_at=None).where(Visit.id == second.id).execute()
        Visit.update(visit_at=dt.datetime(2026, 9, 30, 7, 0)).where(Visit.id == third.id).execute()
        VisitDiagnosis.update(is_new_case=False).where(VisitDiagnosis.visit == first.id).execute()
    assert not differences()
    with writing():
        Visit.delete().where(Visit.id == third.id).execute()  # its diagnoses go with it (ON DELETE CASCADE)
    assert not differences()
    with writing():
        DiagnosisDay.delete().execute()
        totals.rebuild(db.obj)
    assert not differences()


@st.composite
def writes(draw):
    return draw(st.lists(st.tuples(
        st.sampled_from(["record", "correct", "delete"]), st.integers(0, 9), st.integers(0, 3),
        st.lists(st.tuples(st.sampled_from(CODES), st.booleans()), min_size=1, max_size=3, unique_by=lambda x: x[0])),
        min_size=1, max_size=12))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=writes())
def test_random_sequences_of_writes_keep_the_counts(database, steps):
    with writing():
        DiagnosisDay.delete().execute()
        VisitDiagnosis.delete().execute()
        Visit.delete().execute()
    from kupang_desk.models import Patient

    patient = Patient.select().first() or new_patient()
    recorded: list[int] = []
    for kind, day, pick, lines in steps:
        diagnoses = [DiagnosisLine(code, new, i == 0) for i, (code, new) in enumerate(lines)]
        at = dt.datetime(2026, 10, 1 + day, 8 + pick)
        if kind == "record" or not recorded:
            visit = new_visit(patient, at, *[code for code, _new in lines])
            recorded.append(visit.id)
            continue
        target = recorded[pick % len(recorded)]
        if Visit.get_by_id(target).deleted_at is not None:
            continue
        if kind == "correct":
            form = form_of(Visit.get_by_id(target))
            form.visit_at, form.diagnoses = at, diagnoses
            correct_visit(target, form, reason="koreksi")
        else:
            delete_visit(target, reason="hapus")
        assert not differences(), (kind, target)
    assert not differences()


def test_the_command_line_checks_and_rebuilds_the_counts(database, db_url, monkeypatch, capsys):
    from kupang_desk.cli import main
    from kupang_desk.models import database as database_module
    from tests.helpers.factories import cli_account

    new_visit(new_patient(), dt.datetime(2026, 10, 5, 9, 30), "J06.9")
    cli_account(monkeypatch)
    with writing():  # a count gone wrong (a hand edit of the file)
        DiagnosisDay.update(new_cases=5).execute()
    database_module.close()
    assert main(["--database", db_url, "totals", "check"]) == 1
    captured = capsys.readouterr()
    assert "diagnosis_day 2026-10-05 J06.9: tersimpan 5, dari kunjungan 1" in captured.out and "totals rebuild" in captured.err
    assert main(["--database", db_url, "totals", "rebuild"]) == 0
    assert "dibuat ulang: 5 baris" in capsys.readouterr().out  # one day, one month, one year, a day of visits, a kelurahan's day
    assert main(["--database", db_url, "totals", "check"]) == 0
    assert "sama dengan kunjungan" in capsys.readouterr().out
