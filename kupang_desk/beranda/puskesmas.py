"""The puskesmas Beranda: visits today and this month against the same days last year, the 12-month
trend of kunjungan baru/lama, the ten most frequent diseases this month with last month beside
them and the patients waiting in the queue (the SKDR alerts and the reports due come from the
main window's reminder check, ``submissions.calendar.reminders``).

Read from the counts the database keeps (``models.totals``): a few hundred rows whatever the number
of visits, so the Beranda opens at once on 2,000,000 visits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import peewee as pw

from kupang_desk import clock, population, settings
from kupang_desk.accounts.permissions import allowed, require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.ckg.coverage import Coverage, coverage
from kupang_desk.documents.table import Period
from kupang_desk.formatting import format_date
from kupang_desk.models import DiagnosisDay, QueueEntry, VisitDay, WorkArea
from kupang_desk.pcare.kbk import Indicator, monitor
from kupang_desk.regions import KOTA_KUPANG
from kupang_desk.reports.access import Reach, reach_by_kelurahan
from kupang_desk.reports.counts import MonthPoint, icd_titles, monthly_visits
from kupang_desk.screening.pws import AreaPws, PwsCoverage, against_targets, pws, total
from kupang_desk.visits.register import VisitFilter


@dataclass(frozen=True)
class Opens:
    """Where a figure's rows are: the visit register with a filter, or a section."""

    register: VisitFilter | None = None
    section: str = ""


@dataclass(frozen=True)
class Disease:
    code: str
    name: str
    cases: int  # new cases this month so far
    previous: int  # new cases on the same days of last month
    opens: Opens


@dataclass(frozen=True)
class PwsHome:
    """Mother and child in the working area since 1 January: the counts, and the share of the year's
    targets (Pengaturan > Penduduk) where the office entered them."""

    counts: AreaPws
    coverage: PwsCoverage


@dataclass
class PuskesmasHome:
    today: dt.date
    visits_today: int
    visits_month_last_year: int  # the same days a year before
    trend: list[MonthPoint]  # the last point is this month up to today
    top: list[Disease]
    waiting: int | None  # in the queue now; None when the queue is not used today (or not the user's to see)
    opens_today: Opens
    opens_month: Opens
    opens_month_last_year: Opens
    last_year_words: str  # "1–3 Desember 2025": the days the month is compared with
    kbk: list[Indicator] = field(default_factory=list)  # BPJS's KBK figures, when the office works with P-Care
    ckg: list[Coverage] = field(default_factory=list)  # the CKG at school, per school, once a roster came in
    pws: PwsHome | None = None  # mother and child since 1 January, once a pregnancy or a birth is registered

    @property
    def visits_month(self) -> int:
        """This month up to today."""
        return self.trend[-1].new + self.trend[-1].old

    @property
    def change(self) -> float | None:
        """This month against the same days last year, as a fraction (+0.12 is 12% more)."""
        if not self.visits_month_last_year:
            return None
        return self.visits_month / self.visits_month_last_year - 1


def _same_day_last_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _visits_between(start: dt.date, end: dt.date) -> int:
    """Live visits from ``start`` to ``end`` (inclusive), from the kept day counts."""
    return int(VisitDay.select(pw.fn.COALESCE(pw.fn.SUM(VisitDay.visits), 0))
               .where((VisitDay.day >= start) & (VisitDay.day <= end)).scalar() or 0)


def _same_day_last_month(day: dt.date) -> dt.date:
    """The same day of the month before, or that month's last day (31 March -> 28/29 February)."""
    last = day.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=min(day.day, last.day))


def _top_diseases(today: dt.date, *, limit: int = 10) -> list[Disease]:
    """This month's most frequent diseases so far (new cases, as the top-ten report counts them) with
    the same days of last month beside each (6 December against 1-6 November, never against the
    whole of November); each opens the register of its visits this month."""
    include_z = settings.get("top_diseases.include_z_codes")
    start = today.replace(day=1)
    before_end = _same_day_last_month(today)

    def cases(first: dt.date, last: dt.date) -> dict[str, int]:
        condition = DiagnosisDay.day.between(first, last)
        if not include_z:
            condition &= ~DiagnosisDay.icd10_code.startswith("Z")
        query = (DiagnosisDay.select(DiagnosisDay.icd10_code, pw.fn.SUM(DiagnosisDay.new_cases))
                 .where(condition).group_by(DiagnosisDay.icd10_code).tuples())
        return {code: int(n) for code, n in query if n}

    now, before = cases(start, today), cases(before_end.replace(day=1), before_end)
    ranked = sorted(now, key=lambda code: (-now[code], code))[:limit]
    titles = icd_titles(ranked)
    return [Disease(code, titles.get(code, ""), now[code], before.get(code, 0),
                    Opens(register=VisitFilter(date_from=start, date_to=today, icd10=code, new_case=True)))
            for code in ranked]


def _waiting(today: dt.date) -> int | None:
    """Patients waiting in today's queue (a count: no names); None when nobody was queued today."""
    states = dict(QueueEntry.select(QueueEntry.state, pw.fn.COUNT(QueueEntry.id))
                  .where(QueueEntry.day == today).group_by(QueueEntry.state).tuples())
    return states.get("menunggu", 0) if states else None


def puskesmas_home(today: dt.date | None = None, *, user: SignedIn | None = None) -> PuskesmasHome:
    """The Beranda's figures (no personal data: counts only; the rows they open check their own rights)."""
    user = require("report.make", user)
    today = today or clock.today()
    start = today.replace(day=1)
    last_year_end = _same_day_last_year(today)
    last_year_start = last_year_end.replace(day=1)
    return PuskesmasHome(
        today, _visits_between(today, today), _visits_between(last_year_start, last_year_end), monthly_visits(today),
        _top_diseases(today), _waiting(today) if allowed(user, "patient.read") else None,
        Opens(register=VisitFilter(date_from=today, date_to=today)),
        Opens(register=VisitFilter(date_from=start, date_to=today)),
        Opens(register=VisitFilter(date_from=last_year_start, date_to=last_year_end)),
        format_date(last_year_end) if last_year_start == last_year_end else
        f"{last_year_start.day}–{format_date(last_year_end)}",
        monitor(today, user=user) if settings.get("pcare.enabled") or settings.get("pcare.members") else [],
        coverage(user=user) if allowed(user, "patient.read") else [], _pws_this_year(today, user))


def _pws_this_year(today: dt.date, user: SignedIn) -> PwsHome | None:
    """K1-K6, KN and IDL of the working area since 1 January, with their share of the year's targets;
    None when there is nothing to count."""
    inside = {code for (code,) in WorkArea.select(WorkArea.kelurahan).tuples()}
    areas = pws(today.replace(month=1, day=1), today, kelurahan=inside or None, user=user)
    whole = total(areas)
    if not (whole.pregnant or whole.born or whole.infants):
        return None
    return PwsHome(whole, against_targets(areas, population.pws_targets(), inside))


@dataclass(frozen=True)
class AccessHome:
    """Who is reached: Kota Kupang's kelurahan over the last twelve months, with their visits per
    1,000 inhabitants; each opens the register of its visits in that time."""

    period: Period
    areas: list[Reach]  # Kota Kupang's kelurahan, the least reached first

    def least_reached(self, count: int = 3) -> list[Reach]:
        """The working area's least reached kelurahan (the city's when no working area is set)."""
        rated = [a for a in self.areas if a.per_1000 is not None]
        inside = [a for a in rated if a.inside]
        return (inside or rated)[:count]

    def opens(self, area: Reach) -> Opens:
        return Opens(register=VisitFilter(date_from=self.period.start, date_to=self.period.end, kelurahan_code=area.code))


def access_home(today: dt.date | None = None, *, user: SignedIn | None = None) -> AccessHome:
    """The Beranda's map: the access-gap figures of the twelve months up to ``today``."""
    today = today or clock.today()
    period = Period.between(_same_day_last_year(today) + dt.timedelta(days=1), today)
    areas = [a for a in reach_by_kelurahan(period, user=user) if a.code.startswith(KOTA_KUPANG + ".")]
    return AccessHome(period, areas)
