"""The visit register reads pages by keyset and offset, and every route gives the same rows."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from kupang_desk import demo
from kupang_desk.models import Patient, PaymentType, Visit, VisitDiagnosis
from kupang_desk.visits.register import VisitFilter, VisitRegister
from tests.helpers.clock import TODAY, at, last_month, month_start


@pytest.fixture
def visits(database):
    demo.generate(60, 1500, today=TODAY, years=2)


def _all_ids(register: VisitRegister) -> list[int]:
    return [row.id for row in register.iter_rows(chunk=97)]


@pytest.mark.parametrize(("sort", "descending"), [("visit_at", True), ("visit_at", False), ("name", False), ("no_rm", True)])
def test_every_route_to_a_page_gives_the_same_rows(visits, sort, descending):
    expected = _all_ids(VisitRegister(sort=sort, descending=descending))
    assert len(expected) == 1500 == len(set(expected))
    # Read in a random order: neighbours by keyset, jumps by offset from either end.
    register = VisitRegister(sort=sort, descending=descending, page_size=50)
    order = list(range(30))
    random.Random(7).shuffle(order)
    for number in order:
        assert [r.id for r in register.page(number)] == expected[number * 50:(number + 1) * 50]
    # Sequential reading, forwards and backwards.
    for pages in (range(30), reversed(range(30))):
        register = VisitRegister(sort=sort, descending=descending, page_size=50)
        got = {n: [r.id for r in register.page(n)] for n in pages}
        assert [i for n in range(30) for i in got[n]] == expected


def test_default_order_is_newest_first(visits):
    rows = VisitRegister().page(0)
    assert rows[0].visit_at == Visit.select().order_by(Visit.visit_at.desc()).first().visit_at
    assert [r.visit_at for r in rows] == sorted((r.visit_at for r in rows), reverse=True)


def test_filters(visits):
    month = last_month()  # a whole month inside the demo's two years
    following = month_start(month + dt.timedelta(days=31))
    register = VisitRegister(VisitFilter(date_from=month, date_to=following - dt.timedelta(days=1)))
    expected = Visit.select().where((Visit.visit_at >= at(month, 0)) & (Visit.visit_at < at(following, 0))).count()
    assert register.count() == expected > 0
    assert all((r.visit_at.year, r.visit_at.month) == (month.year, month.month) for r in register.iter_rows())
    j06 = VisitRegister(VisitFilter(icd10="J06"))
    assert j06.count() == VisitDiagnosis.select(VisitDiagnosis.visit).where(VisitDiagnosis.icd10.startswith("J06")).distinct().count()
    assert all("J06" in r.diagnoses for r in j06.iter_rows())
    kelurahan = Patient.select().first().kelurahan_code
    assert all(Patient.get(Patient.no_rm == r.no_rm).kelurahan_code == kelurahan
               for r in VisitRegister(VisitFilter(kelurahan_code=kelurahan)).iter_rows())
    new = VisitRegister(VisitFilter(new_visit=True))
    assert new.count() == Visit.select().where(Visit.is_new_visit).count()
    pbi = VisitRegister(VisitFilter(pbi=True))  # PBI-N and PBI-D together
    assert pbi.count() == Visit.select().join(PaymentType).where(PaymentType.code.in_(["PBI-N", "PBI-D"])).count() > 0
    assert {r.payment for r in pbi.iter_rows()} == {"BPJS PBI (APBN)", "BPJS PBI (APBD)"}
    assert VisitRegister(VisitFilter(date_from=TODAY + dt.timedelta(days=1))).page(0) == []


def test_deleted_visits_are_left_out(visits):
    victim = Visit.select().first()
    Visit.update(deleted_at=dt.datetime(2026, 11, 1), deleted_reason="salah pasien").where(Visit.id == victim.id).execute()
    register = VisitRegister()
    assert register.count() == 1499
    assert victim.id not in _all_ids(register)


def test_age_labels(visits):
    from kupang_desk.visits.register import RegisterRow
    base = dict(id=1, visit_at=dt.datetime(2026, 1, 1), no_rm="1", name="x", sex="L", poli="", payment="", kelurahan="",
                is_new_visit=True)
    assert RegisterRow(age_days=12, age_years=0, **base).age == "12 hr"
    assert RegisterRow(age_days=150, age_years=0, **base).age == "5 bl"
    assert RegisterRow(age_days=4000, age_years=10, **base).age == "10 th"
