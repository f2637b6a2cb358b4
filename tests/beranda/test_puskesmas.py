"""The puskesmas Beranda's figures, from the kept counts, equal the rows they open: the register with
the tile's filter counts the same visits, and the trend equals a count of the raw visits per month."""

from __future__ import annotations

import datetime as dt

from kupang_desk import population
from kupang_desk.beranda.puskesmas import puskesmas_home
from kupang_desk.models import Patient, Visit
from kupang_desk.population import Inhabitants
from kupang_desk.visits.recording import delete_visit
from kupang_desk.visits.register import VisitRegister
from tests.helpers.factories import new_patient, new_visit, second_patient

TODAY = dt.date(2026, 11, 20)


def test_every_figure_equals_the_visits_it_opens(database):
    yohanes = new_patient()
    maria = second_patient()
    for at, person, codes in ((dt.datetime(2026, 11, 20, 8, 0), yohanes, ("J06.9", "I10")),
                              (dt.datetime(2026, 11, 20, 9, 0), maria, ("J06.9",)),
                              (dt.datetime(2026, 11, 3, 10, 0), maria, ("A09",)),
                              (dt.datetime(2026, 10, 15, 10, 0), maria, ("J06.9",)),
                              # After 20 October: not compared with 1-20 November (issue 38 item 9).
                              (dt.datetime(2026, 10, 30, 10, 0), yohanes, ("J06.9",)),
                              (dt.datetime(2025, 11, 10, 10, 0), yohanes, ("A09",)),
                              (dt.datetime(2025, 11, 25, 10, 0), maria, ("A09",))):  # after the 20th: not compared
        new_visit(person, at, *codes)
    gone = new_visit(maria, dt.datetime(2026, 11, 20, 11, 0), "J06.9")
    delete_visit(gone.id, reason="tercatat dua kali")

    home = puskesmas_home(TODAY)
    assert (home.visits_today, home.visits_month, home.visits_month_last_year) == (2, 3, 1)
    assert home.last_year_words == "1–20 November 2025" and round(home.change, 2) == 2.0
    for figure, opens in ((home.visits_today, home.opens_today), (home.visits_month, home.opens_month),
                          (home.visits_month_last_year, home.opens_month_last_year)):
        assert VisitRegister(opens.register).count() == figure
    assert [(d.code, d.cases, d.previous) for d in home.top] == [("J06.9", 2, 1), ("A09", 1, 0), ("I10", 1, 0)]
    for disease in home.top:
        assert VisitRegister(disease.opens.register).count() == disease.cases
    raw = {}
    for visit in Visit.select().where(Visit.deleted_at.is_null()):
        key = (visit.visit_at.year, visit.visit_at.month)
        raw[key] = raw.get(key, 0) + 1
    assert len(home.trend) == 12 and (home.trend[0].year, home.trend[0].month) == (2025, 12)
    assert {(p.year, p.month): p.new + p.old for p in home.trend if p.new + p.old} == {
        k: v for k, v in raw.items() if k >= (2025, 12)}


def test_the_beranda_shows_mother_and_child_pws_once_a_pregnancy_is_registered(database):
    from kupang_desk import screening
    from tests.helpers.clock import TODAY

    assert puskesmas_home(TODAY).pws is None  # nothing registered: nothing to show
    mother = second_patient()
    screening.register_pregnancy(mother.id, TODAY - dt.timedelta(weeks=10))
    screening.record(mother.id, ["anc_t1"], {})
    figures = puskesmas_home(TODAY).pws
    assert figures is not None and (figures.counts.pregnant, figures.counts.k1, figures.counts.k6) == (1, 1, 0)
    assert figures.coverage.pregnant_target == 0  # no target entered: the counts alone
    place = Patient.get_by_id(mother.id).kelurahan
    population.set_population([Inhabitants(place.code, place.name, "", 10_000, None, None, TODAY.year, "Dinas", 40, 36)])
    whole = puskesmas_home(TODAY).pws.coverage
    assert (whole.pregnant_target, whole.mothers.k1, whole.infant_target) == (40, 1, 36)
