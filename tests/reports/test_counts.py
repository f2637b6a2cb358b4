"""The reports' SQL counts against a plain-Python count, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kupang_desk.documents.table import Period
from kupang_desk.models import Patient, PaymentType, Poli, Visit, VisitDiagnosis, WorkArea, db
from kupang_desk.reports.lb1 import lb1_counts, lb1_report
from kupang_desk.reports.recap import recap_report
from kupang_desk.reports.top import top_report
from kupang_desk.validators import age_at
from tests.reports import brute
from tests.reports.brute import Record

OCTOBER = Period.month("2026-10")
YEAR = Period.between(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
CODES = ["J06.9", "I10", "A09", "Z00.0", "K30", "J06.9"]


def store(records: list[Record]) -> None:
    """Writes the records as patients, visits and diagnoses (ages fixed at the visit, as the app does)."""
    poli, payment = Poli.get().id, PaymentType.get().id
    with db.atomic():
        for number, record in enumerate(records):
            patient = Patient.create(no_rm=f"T{number:05d}", name="Pasien Uji", sex=record.sex, birth_date=record.birth,
                                     kelurahan="53.71.04.1001" if number % 2 else "53.71.01.1001")
            days, years = age_at(record.birth, record.visit_at.date())
            visit = Visit.create(patient=patient, visit_at=record.visit_at, poli=poli, payment_type=payment,
                                 is_new_visit=record.is_new_visit, age_days=days, age_years=years, sex=record.sex)
            for position, (code, new) in enumerate(record.diagnoses, start=1):
                VisitDiagnosis.create(visit=visit, icd10=code, is_new_case=new, is_primary=position == 1, position=position)


def compare_lb1(records: list[Record], period: Period = OCTOBER) -> None:
    expected = brute.lb1(records, period.start, period.end)
    got = lb1_counts(period)
    assert {code: dict(counter) for code, counter in expected.items()} == {code: dict(cells) for code, cells in got.items()}


EDGES = [
    # Turns 1 on the visit day: 1-4 th, not 29 hr-11 bl.
    Record(dt.date(2025, 10, 10), "L", dt.datetime(2026, 10, 10, 8), [("J06.9", True)]),
    Record(dt.date(2025, 10, 11), "P", dt.datetime(2026, 10, 10, 8), [("J06.9", True)]),
    # 7 and 8 days old; 28 and 29 days old.
    Record(dt.date(2026, 10, 3), "L", dt.datetime(2026, 10, 10, 8), [("A09", True)]),
    Record(dt.date(2026, 10, 2), "L", dt.datetime(2026, 10, 10, 8), [("A09", True)]),
    Record(dt.date(2026, 9, 12), "P", dt.datetime(2026, 10, 10, 8), [("A09", True)]),
    Record(dt.date(2026, 9, 11), "P", dt.datetime(2026, 10, 10, 8), [("A09", True)]),
    # Born on 29 February: not yet 2 on 28 February... and a visit in October.
    Record(dt.date(2024, 2, 29), "L", dt.datetime(2026, 10, 1, 0, 0), [("J06.9", True)]),
    # Three diagnoses, one of them kasus lama.
    Record(dt.date(1960, 5, 5), "P", dt.datetime(2026, 10, 15, 9), [("I10", False), ("K30", True), ("Z00.0", True)]),
    # The first and the last moment of the month, and just outside it.
    Record(dt.date(1990, 1, 1), "L", dt.datetime(2026, 10, 1, 0, 0), [("I10", True)]),
    Record(dt.date(1990, 1, 1), "L", dt.datetime(2026, 10, 31, 23, 59), [("I10", False)]),
    Record(dt.date(1990, 1, 1), "L", dt.datetime(2026, 9, 30, 23, 59), [("I10", True)]),
    Record(dt.date(1990, 1, 1), "L", dt.datetime(2026, 11, 1, 0, 0), [("I10", True)]),
]


def test_the_edges(database):
    store(EDGES)
    compare_lb1(EDGES)
    compare_lb1(EDGES, YEAR)
    report = lb1_report(OCTOBER)
    table = report.tables[0]
    rows = {row[1]: row for row in table.rows}
    bands = [c.group for c in table.columns if c.key.startswith("b") and c.key.endswith("L")]
    col = {c.key: i for i, c in enumerate(table.columns)}
    j06 = rows["J06.9"]
    assert j06[col[f"b{bands.index('1-4 th')}L"]] == 2  # the first birthday and the leap-day child
    assert j06[col[f"b{bands.index('29 hr-11 bl')}P"]] == 1  # one day short of a year
    a09 = rows["A09"]
    assert [a09[col[f"b{bands.index('0-7 hr')}L"]], a09[col[f"b{bands.index('8-28 hr')}L"]]] == [1, 1]
    assert [a09[col[f"b{bands.index('8-28 hr')}P"]], a09[col[f"b{bands.index('29 hr-11 bl')}P"]]] == [1, 1]
    i10 = rows["I10"]
    assert (i10[col["newL"]], i10[col["oldL"]], i10[col["oldP"]], i10[col["all"]]) == (1, 1, 1, 3)
    assert len(table.rows) == 5  # J06.9, A09, I10, K30, Z00.0
    top = top_report(OCTOBER, include_z=False).tables[0]
    assert "Z00.0" not in [row[1] for row in top.rows]
    ranked = [(row[1], row[-1]) for row in top_report(OCTOBER, include_z=True, new_cases_only=False).tables[0].rows]
    assert ranked[:3] == [("A09", 4), ("I10", 3), ("J06.9", 3)] and ("Z00.0", 1) in ranked


def test_leap_day_birthday_in_a_common_year(database):
    records = [Record(dt.date(2024, 2, 29), "P", dt.datetime(2026, 2, 28, 9), [("J06.9", True)]),
               Record(dt.date(2024, 2, 29), "P", dt.datetime(2026, 3, 1, 9), [("J06.9", True)])]
    store(records)
    feb_mar = Period.between(dt.date(2026, 2, 1), dt.date(2026, 3, 31))
    compare_lb1(records, feb_mar)
    assert [v.age_years for v in Visit.select().order_by(Visit.visit_at)] == [1, 2]


records_strategy = st.lists(st.builds(
    Record,
    birth=st.dates(dt.date(1925, 1, 1), dt.date(2026, 10, 31)),
    sex=st.sampled_from(["L", "P"]),
    visit_at=st.datetimes(dt.datetime(2026, 9, 28), dt.datetime(2026, 11, 3)),
    diagnoses=st.lists(st.tuples(st.sampled_from(CODES), st.booleans()), min_size=1, max_size=3,
                       unique_by=lambda item: item[0]),
    is_new_visit=st.booleans(),
), max_size=25).map(lambda rs: [r for r in rs if r.birth <= r.visit_at.date()])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=records_strategy)
def test_generated_visits_count_the_same_in_sql_and_python(database, records):
    with db.atomic():
        VisitDiagnosis.delete().execute()
        Visit.delete().execute()
        Patient.delete().execute()
    store(records)
    compare_lb1(records)
    compare_lb1(records, YEAR)  # a calendar year: from the counts kept per year
    expected = brute.top(records, OCTOBER.start, OCTOBER.end)
    got = {row[1]: row[-1] for row in top_report(OCTOBER, limit=50, include_z=False).tables[0].rows}
    assert got == dict(expected)
    recap = recap_report(OCTOBER)
    total_visits = sum(1 for r in records if brute.in_period(r, OCTOBER.start, OCTOBER.end))
    for table in recap.tables[:2] + [recap.tables[4]]:  # poli, payment, age band: every visit once
        assert sum(row[-1] for row in table.rows) == total_visits
    new_visits = sum(1 for r in records if brute.in_period(r, OCTOBER.start, OCTOBER.end) and r.is_new_visit)
    assert sum(row[recap.tables[0].column_index("new")] for row in recap.tables[0].rows) == new_visits


def test_recap_splits_the_working_area(database):
    WorkArea.create(kelurahan="53.71.04.1001")
    records = [Record(dt.date(1980, 1, 1), "L", dt.datetime(2026, 10, 5, 9), [("I10", True)]) for _ in range(3)]
    store(records)  # odd numbers in Oebobo (inside), even in Namosain (outside)
    inside, outside = recap_report(OCTOBER).tables[2:4]
    assert [(row[1], row[-1]) for row in inside.rows] == [("Oebobo", 1)]
    assert [(row[1], row[-1]) for row in outside.rows] == [("Namosain", 2)]


def test_recap_counts_the_pbi_visits_per_kelurahan_working_area_first(database):
    WorkArea.create(kelurahan="53.71.04.1001")
    records = [Record(dt.date(1980, 1, 1), "L" if n % 3 else "P", dt.datetime(2026, 10, 5, 9), [("I10", True)])
               for n in range(5)]
    store(records)  # odd numbers in Oebobo (inside), even in Namosain (outside), all paid Umum
    pbi = PaymentType.get(PaymentType.code == "PBI-D")
    visits = list(Visit.select().order_by(Visit.id))
    Visit.update(payment_type=pbi).where(Visit.id.in_([visits[0].id, visits[1].id, visits[3].id])).execute()
    table = next(t for t in recap_report(OCTOBER).tables if t.title == "Kunjungan peserta BPJS PBI menurut kelurahan")
    # Oebobo: visits 1 and 3 (L, P); Namosain: visit 0 (P); visits 2 and 4, paid Umum, are not here.
    assert [(row[1], row[-3], row[-2], row[-1]) for row in table.rows] == [("Oebobo", 1, 1, 2), ("Namosain", 0, 1, 1)]


@pytest.mark.parametrize("rollup", [False, True])
def test_empty_period_is_a_valid_empty_report(database, rollup):
    report = lb1_report(Period.month("2031-01"), rollup=rollup)
    assert report.empty and "sengaja kosong" in report.empty_note()
