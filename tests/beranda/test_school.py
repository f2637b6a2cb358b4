"""The school Beranda: recipients by status, money paid and still to pay, the deadlines of the next
14 days, and the eligible students never proposed with KIP/KKS/PKH first; each figure equals the
recipients or students it opens."""

from __future__ import annotations

import datetime as dt

from kupang_desk.beranda.school import school_home
from kupang_desk.scholarships import awards
from tests.scholarships.test_awards import TODAY, award_at, make_student, pip  # noqa: F401 - the fixture


def test_the_school_figures_equal_their_recipients_and_students(pip):  # noqa: F811 - the fixture
    nominated = award_at(pip, "sk_nominasi", 1)  # activation deadline in 8 days
    paid = award_at(pip, "dicairkan", 2)
    award_at(pip, "dibatalkan", 3)
    plain = make_student(4, pip_eligible=True, name="Ana Tanpa Kartu")
    carded = make_student(5, pip_eligible=True, name="Yosef Pemegang KIP", kip_number="KIP123456")
    make_student(6, pip_eligible=True, name="Lulus Kemarin", status="lulus")  # not at school: not a candidate
    make_student(7, pip_eligible=False)

    home = school_home(TODAY)
    [figures] = home.programmes
    assert figures.by_status == {"sk_nominasi": 1, "dicairkan": 1, "dibatalkan": 1}
    for status, count in figures.by_status.items():
        assert len(awards.award_rows(pip, statuses=[status])) == count
    rows = awards.award_rows(pip)
    assert home.totals.recipients == 2  # the cancelled award is no recipient
    assert home.totals.paid == sum(r.paid for r in rows) > 0
    assert home.totals.outstanding == sum(r.outstanding for r in rows) and home.totals.outstanding > 0
    assert [(row.award_id, days) for row, days in home.deadlines] == [(nominated.id, 8)]
    assert school_home(TODAY - dt.timedelta(days=30)).deadlines == []  # 38 days ahead: not yet
    assert [(c.name, c.flags) for c in home.candidates] == [("Yosef Pemegang KIP", ("KIP",)), ("Ana Tanpa Kartu", ())]
    assert paid.id not in {c.id for c in home.candidates} and plain.id in {c.id for c in home.candidates}
    assert carded.id == home.candidates[0].id
