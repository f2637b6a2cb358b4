"""SKDR (early warning) weekly counts: new cases per SKDR code, X = all visits of the week,
the SMS line, and the alerts a surveillance officer must answer within 24 hours.

Epidemiological weeks as the W2 form numbers them: a week runs Sunday to Saturday (or Monday
to Sunday, a setting) and week 1 is the first week with at least four days in the year (the
week's fourth day decides its year; a Monday week is then the ISO week). ICD-10 codes map to SKDR letters by the longest
matching prefix of a mapping shipped as reference data. Alerts are of two kinds: the Dinas's
threshold per code (a count at or above it), and the data's own signal, a week more than two
standard deviations above the mean of the previous eight weeks at this puskesmas.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

import peewee as pw

from kupang_desk import regions, settings
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents.table import Column, Period, Report, ReportTable
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.models import DiagnosisDay, Patient, Visit, VisitDiagnosis, day_of
from kupang_desk.reports.base import visit_report
from kupang_desk.reports.counts import live_visits_in
from kupang_desk.resources import resource_path

_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
HISTORY_WEEKS = 8


@dataclass(frozen=True)
class SkdrCode:
    letter: str
    name: str
    threshold: int  # new cases in one week at one puskesmas that make an alert


@dataclass(frozen=True)
class Week:
    year: int
    number: int
    starts_sunday: bool = True

    @classmethod
    def parse(cls, text: str, *, starts_sunday: bool = True) -> Week:
        """``2026-W43`` (or ``2026W43``) as the W2 form numbers it."""
        match = _WEEK.match(text or "")
        if not match:
            raise KnownError(_("Minggu '{text}' tidak dikenal. Tulis tahun-W-minggu, misalnya 2026-W43.").format(text=text))
        week = cls(int(match.group(1)), int(match.group(2)), starts_sunday)
        week.period()  # refuses a week the year does not have
        return week

    @classmethod
    def of(cls, day: dt.date, *, starts_sunday: bool = True) -> Week:
        start = _week_start(day, starts_sunday)
        middle = start + dt.timedelta(days=3)  # the fourth day decides the year (Wednesday or Thursday)
        return cls(middle.year, (middle - dt.date(middle.year, 1, 1)).days // 7 + 1, starts_sunday)

    def period(self) -> Period:
        first = _week_start(dt.date(self.year, 1, 1), self.starts_sunday)
        if (first + dt.timedelta(days=3)).year < self.year:
            first += dt.timedelta(days=7)
        start = first + dt.timedelta(days=7 * (self.number - 1))
        if self.number < 1 or Week.of(start, starts_sunday=self.starts_sunday) != self:
            raise KnownError(_("Tahun {year} tidak punya minggu ke-{week}.").format(year=self.year, week=self.number))
        return Period.between(start, start + dt.timedelta(days=6))

    def previous(self, weeks: int = 1) -> Week:
        return Week.of(self.period().start - dt.timedelta(days=7 * weeks), starts_sunday=self.starts_sunday)

    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"


def _week_start(day: dt.date, starts_sunday: bool) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() + 1) % 7 if starts_sunday else day.weekday())


@cache
def default_codes() -> tuple[SkdrCode, ...]:
    """The SKDR codes with the Dinas's example thresholds (``skdr-codes.csv``)."""
    with resource_path("reference", "skdr-codes.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(SkdrCode(row["letter"], row["name"], int(row["threshold"])) for row in csv.DictReader(handle))


@cache
def default_mapping() -> tuple[tuple[str, str], ...]:
    """(ICD-10 prefix, SKDR letter), longest prefix first (``skdr-icd10.csv``)."""
    with resource_path("reference", "skdr-icd10.csv").open(encoding="utf-8", newline="") as handle:
        rows = [(row["icd10"].strip().upper(), row["letter"].strip().upper()) for row in csv.DictReader(handle)]
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


def current_codes() -> tuple[SkdrCode, ...]:
    """The SKDR codes with this office's thresholds (Pengaturan), the shipped ones where unchanged."""
    changed = settings.get("skdr.thresholds")
    return tuple(SkdrCode(c.letter, c.name, int(changed.get(c.letter, c.threshold))) for c in default_codes())


def current_mapping() -> tuple[tuple[str, str], ...]:
    """ICD-10 prefix -> letter as this office set it (Pengaturan), else the shipped mapping; longest first."""
    rows = settings.get("skdr.icd10_mapping")
    if not rows:
        return default_mapping()
    return tuple(sorted(((str(p).strip().upper(), str(letter).strip().upper()) for p, letter in rows), key=lambda r: -len(r[0])))


def letter_of(code: str, mapping: tuple[tuple[str, str], ...] | None = None) -> str | None:
    """The SKDR letter of an ICD-10 code (longest matching prefix), or None."""
    for prefix, letter in mapping or current_mapping():
        if code.upper().startswith(prefix):
            return letter
    return None


@dataclass
class WeekCounts:
    week: Week
    cases: Counter = field(default_factory=Counter)  # letter -> new cases
    visits: int = 0  # X: every live visit of the week
    kelurahan: dict[str, Counter] = field(default_factory=dict)  # letter -> kelurahan name -> new cases


def week_counts(week: Week, *, mapping: tuple[tuple[str, str], ...] | None = None, places: bool = True,
                user: SignedIn | None = None) -> WeekCounts:
    """New cases per SKDR letter and all visits of ``week``, with the kelurahan the cases live in
    unless ``places`` is False (the SMS line and DHIS2 need the counts only)."""
    require("report.make", user)
    mapping = mapping or current_mapping()
    result = WeekCounts(week, visits=_visits(week.period()))
    if places:
        result.kelurahan = _by_place(week, mapping)
        for letter, where in result.kelurahan.items():
            result.cases[letter] = sum(where.values())
    else:
        result.cases = _weekly(week, mapping, 1)[0]
    return result


def _visits(period: Period) -> int:
    """X of the W2 form: every live visit of the week."""
    return Visit.select().where(live_visits_in(period)).count()


def sms_line(counts: WeekCounts) -> str:
    """``SKDR 43#2026#A2,C3,X361``: letters with cases in code order, then X (a nihil week: X only)."""
    order = {code.letter: index for index, code in enumerate(default_codes())}  # the W2 form's order
    parts = [f"{letter}{n}" for letter, n in sorted(counts.cases.items(), key=lambda item: order.get(item[0], 99)) if n]
    return f"SKDR {counts.week.number}#{counts.week.year}#{','.join([*parts, f'X{counts.visits}'])}"


@dataclass(frozen=True)
class Alert:
    letter: str
    name: str
    cases: int
    reason: str  # in words, for the main window and the report
    kelurahan: tuple[tuple[str, int], ...]  # where the cases live, most first


# The statistical rule (mean + 2 SD of the eight weeks before) speaks only over real history: all
# eight weeks on or after the office's first recorded visit, at least half of them with cases of the
# letter, and at least this many cases this week (and half the Dinas's threshold). Without it a
# single case after quiet weeks, or weeks before the office kept any data, raise alarms nobody
# should answer: a clerk must be able to trust that an alert means something.
STATISTICAL_MINIMUM = 3
STATISTICAL_WEEKS_WITH_CASES = HISTORY_WEEKS // 2


def alerts(week: Week, *, codes: tuple[SkdrCode, ...] | None = None, mapping: tuple[tuple[str, str], ...] | None = None,
           counts: WeekCounts | None = None, user: SignedIn | None = None) -> list[Alert]:
    """The week's alerts: at or above the code's threshold (the Pedoman SKDR's rule, set by the
    Dinas), or, over real history only (``STATISTICAL_MINIMUM``), above mean + 2 SD of the previous
    eight weeks.
    The week and its history come from one scan of nine weeks; the kelurahan of the cases are
    looked up for the alerting letters only."""
    require("report.make", user)
    return _assess(week, codes or current_codes(), mapping or current_mapping(), counts)[1]


def _assess(week: Week, codes: tuple[SkdrCode, ...], mapping: tuple[tuple[str, str], ...],
            counts: WeekCounts | None = None) -> tuple[Counter, list[Alert]]:
    """The week's new cases per letter and its alerts."""
    weeks = _weekly(week, mapping, HISTORY_WEEKS + 1)
    cases, history = (counts.cases if counts else weeks[0]), weeks[1:]
    first = Visit.select(pw.fn.MIN(Visit.visit_at)).where(Visit.deleted_at.is_null()).scalar()
    first_day = day_of(first) if first else None
    real_history = first_day is not None and week.previous(HISTORY_WEEKS).period().start >= first_day
    raised = []
    for code in codes:
        count = cases.get(code.letter, 0)
        if not count:
            continue
        past = [earlier.get(code.letter, 0) for earlier in history]
        mean, spread = statistics.fmean(past), statistics.pstdev(past)
        reasons = []
        if count >= code.threshold:
            reasons.append(_("{n} kasus baru, ambang {threshold}").format(n=count, threshold=code.threshold))
        if (real_history and count >= max(STATISTICAL_MINIMUM, -(-code.threshold // 2))
                and sum(1 for n in past if n) >= STATISTICAL_WEEKS_WITH_CASES and count > mean + 2 * spread):
            reasons.append(_("di atas rata-rata 8 minggu sebelumnya ({mean:.1f}) + 2 simpangan baku ({spread:.1f})").format(
                mean=mean, spread=spread))
        if reasons:
            raised.append((code, count, "; ".join(reasons)))
    places = counts.kelurahan if counts and counts.kelurahan else _places(week, {c.letter for c, _n, _r in raised}, mapping)
    return cases, [Alert(code.letter, code.name, count, reason, tuple(places.get(code.letter, Counter()).most_common()))
                   for code, count, reason in raised]


def alert_line(alert: Alert) -> str:
    """An alert as one line for the command line, beside the SMS line."""
    where = ", ".join(f"{name} {count}" for name, count in alert.kelurahan[:3])
    return _("PERINGATAN {letter} {name}: {reason}{where}. Tanggapi dalam 24 jam.").format(
        letter=alert.letter, name=alert.name, reason=alert.reason, where=f" ({where})" if where else "")


def _places(week: Week, letters: set[str], mapping: tuple[tuple[str, str], ...]) -> dict[str, Counter]:
    """letter -> kelurahan name -> new cases of the week, for these letters only."""
    if not letters:
        return {}
    return {letter: where for letter, where in _by_place(week, mapping).items() if letter in letters}


def _by_place(week: Week, mapping: tuple[tuple[str, str], ...]) -> dict[str, Counter]:
    query = (VisitDiagnosis.select(VisitDiagnosis.icd10, Patient.kelurahan_code, pw.fn.COUNT(VisitDiagnosis.id))
             .join(Visit).join(Patient).where(live_visits_in(week.period()) & VisitDiagnosis.is_new_case)
             .group_by(VisitDiagnosis.icd10, Patient.kelurahan_code))
    rows = list(query.tuples())
    names = regions.names_of({code for _icd, code, _n in rows if code})
    letters = _letters(mapping)
    places: dict[str, Counter] = defaultdict(Counter)
    for icd, kelurahan, count in rows:
        letter = letters(icd)
        if letter is not None:
            places[letter][names.get(kelurahan or "", "") or _("(tanpa kelurahan)")] += count
    return dict(places)


def _history(week: Week, mapping: tuple[tuple[str, str], ...], weeks: int = HISTORY_WEEKS) -> list[Counter]:
    """New cases per letter in each of the ``weeks`` weeks before ``week`` (the nearest first)."""
    return _weekly(week, mapping, weeks + 1)[1:]


def _weekly(week: Week, mapping: tuple[tuple[str, str], ...], weeks: int) -> list[Counter]:
    """New cases per letter in ``week`` and the ``weeks - 1`` weeks before it (``week`` first), from
    the new cases per day and code the database keeps (``models.totals``): a few thousand rows
    however many visits the weeks had."""
    end = week.period().end
    start = end - dt.timedelta(days=7 * weeks - 1)
    query = (DiagnosisDay.select(DiagnosisDay.day, DiagnosisDay.icd10_code, DiagnosisDay.new_cases)
             .where((DiagnosisDay.day >= start) & (DiagnosisDay.day <= end) & (DiagnosisDay.new_cases > 0)))
    buckets: list[Counter] = [Counter() for _week in range(weeks)]
    letters = _letters(mapping)
    for value, icd, count in query.tuples():
        letter = letters(icd)
        if letter is not None:
            when = day_of(value)  # a date, or its text, by engine
            buckets[(end - when).days // 7][letter] += count
    return buckets


def _letters(mapping: tuple[tuple[str, str], ...]):
    """letter_of with this mapping, each ICD-10 code looked up once."""
    return cache(lambda code: letter_of(code, mapping))


def office_starts_sunday() -> bool:
    """Whether this office counts SKDR weeks Sunday to Saturday (the W2 form) or Monday to Sunday
    (ISO), as Pengaturan > Pelaporan says: the one place that reads it."""
    return bool(settings.get("skdr.week_starts_sunday"))


def office_week(day: dt.date) -> Week:
    """The SKDR week ``day`` falls in, as this office counts weeks."""
    return Week.of(day, starts_sunday=office_starts_sunday())


def week_of_setting(text: str) -> Week:
    """``2026-W43`` with this office's first day of the week (Pengaturan)."""
    return Week.parse(text, starts_sunday=office_starts_sunday())


def skdr_report(period: Period, *, user: SignedIn | None = None) -> Report:
    """The W2 table of the week that ``period`` is: every SKDR code with its new cases, the
    threshold and the alert, X = all visits, the SMS line and where the alerted cases live."""
    require("report.make", user)
    week = office_week(period.start)
    if week.period() != period:
        raise KnownError(_("Laporan SKDR dibuat per minggu; pilih satu minggu, misalnya --week 2026-W43."))
    cases, found = _assess(week, current_codes(), current_mapping())
    counts = WeekCounts(week, cases, _visits(period))
    raised = {alert.letter: alert for alert in found}
    columns = [Column("no", _("No"), width=4, kind="text"), Column("letter", _("Kode"), width=5, kind="text"),
               Column("name", _("Penyakit atau sindrom"), width=40, kind="text"),
               Column("cases", _("Kasus baru"), width=8), Column("threshold", _("Ambang"), width=8, summed=False),
               Column("alert", _("Peringatan"), width=30, kind="text")]
    table = ReportTable(_("Laporan mingguan SKDR (W2)"), columns, total_label=_("JUMLAH"))
    for number, code in enumerate(current_codes(), start=1):
        alert = raised.get(code.letter)
        table.rows.append([str(number), code.letter, code.name, counts.cases.get(code.letter, 0), code.threshold,
                           alert.reason if alert else ""])
    table.note = _("X (jumlah kunjungan minggu ini): {visits}. Pesan SMS: {sms}").format(
        visits=counts.visits, sms=sms_line(counts))
    start, end = period.start, period.end
    closing = [_("Peringatan {letter} {name}: {cases} kasus; kelurahan: {places}.").format(
        letter=a.letter, name=a.name, cases=a.cases, places=", ".join(f"{place} ({n})" for place, n in a.kelurahan))
        for a in raised.values()]
    report = visit_report("skdr", _("LAPORAN MINGGUAN SKDR (W2)"), period, [table], landscape=False)
    report.subtitle = _("Minggu ke-{week} tahun {year}: {start} s.d. {end}").format(
        week=week.number, year=week.year, start=format_date(start), end=format_date(end))
    report.closing = closing
    report.figures = {"visits": counts.visits}
    return report
