"""Kalender pelaporan: each month's LB1, recap and top ten and each week's SKDR, with its due date
(monthly: day 10 of the next month; weekly: the Tuesday after the week; both in Pengaturan) and
its state: Belum, Terlambat, Terkirim or Perlu revisi.

The calendar starts at the period of the first recorded visit (an office that starts using the
program is not late for the years before it) and ends at the last period already over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from kupang_desk import clock, settings
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents.table import Period
from kupang_desk.i18n import _
from kupang_desk.models import LateChange, SentReport, Visit, day_of
from kupang_desk.reports.base import MONTHLY_KINDS, kind_label
from kupang_desk.reports.skdr import Alert, Week, alerts, office_starts_sunday, office_week

BELUM, TERLAMBAT, TERKIRIM, REVISI = "belum", "terlambat", "terkirim", "revisi"
METHODS = ("file", "print", "dhis2")  # how a report was sent


def method_label(method: str) -> str:
    return {"file": _("File (Excel/PDF, surel atau flashdisk)"), "print": _("Dicetak dan diantar"),
            "dhis2": _("Unggah DHIS2")}.get(method, method)


def status_label(status: str) -> str:
    return {BELUM: _("Belum"), TERLAMBAT: _("Terlambat"), TERKIRIM: _("Terkirim"), REVISI: _("Perlu revisi")}[status]


@dataclass(frozen=True)
class Entry:
    kind: str
    period: Period
    label: str  # "Oktober 2026", "2026-W43"
    due: dt.date
    status: str
    sent: SentReport | None  # the latest sending
    late_changes: int  # visits written inside the period after that sending

    @property
    def overdue(self) -> bool:
        return self.status in (TERLAMBAT, REVISI)

    def title(self) -> str:
        return f"{kind_label(self.kind)} {self.label}"


def monthly_due(period: Period) -> dt.date:
    """Day N (Pengaturan, default 10) of the month after the period, or that month's last day."""
    day = settings.get("reporting.monthly_due_day")
    year, month = (period.end.year + 1, 1) if period.end.month == 12 else (period.end.year, period.end.month + 1)
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, max(1, min(day, last)))


def weekly_due(period: Period) -> dt.date:
    """The first chosen weekday (Pengaturan, default Tuesday) after the week's last day."""
    weekday = settings.get("reporting.weekly_due_weekday") % 7
    return period.end + dt.timedelta(days=(weekday - period.end.weekday() - 1) % 7 + 1)


def _first_visit_day() -> dt.date | None:
    first = Visit.select(pw.fn.MIN(Visit.visit_at)).where(Visit.deleted_at.is_null()).scalar()
    if first is None:
        return None
    return day_of(first)


def entries(today: dt.date | None = None, *, months: int = 12, weeks: int = 12, user: SignedIn | None = None) -> list[Entry]:
    """The last ``months`` months and ``weeks`` weeks that are over, newest first, each report with its state."""
    require("report.make", user)
    today = today or clock.today()
    first = _first_visit_day()
    if first is None:
        return []
    periods: list[tuple[str, Period, str, dt.date]] = []
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    for _step in range(months):
        period = Period.month(f"{month_end.year}-{month_end.month:02d}")
        if period.end < first:
            break
        for kind in MONTHLY_KINDS:
            periods.append((kind, period, period.label(), monthly_due(period)))
        month_end = period.start - dt.timedelta(days=1)
    starts_sunday = office_starts_sunday()
    week = Week.of(today, starts_sunday=starts_sunday).previous()
    for _step in range(weeks):
        period = week.period()
        if period.end < first:
            break
        periods.append(("skdr", period, week.label(), weekly_due(period)))
        week = week.previous()
    if not periods:
        return []
    low = min(p.start for _k, p, _l, _d in periods)
    sent: dict[tuple, SentReport] = {}
    for row in SentReport.select().where(SentReport.period_end >= low).order_by(SentReport.revision):
        sent[(row.kind, row.period_start, row.period_end)] = row  # the latest revision wins
    late = dict(LateChange.select(LateChange.sent, pw.fn.COUNT(LateChange.id))
                .where(LateChange.sent.in_([row.id for row in sent.values()] or [0]))
                .group_by(LateChange.sent).tuples())
    found = []
    for kind, period, label, due in periods:
        row = sent.get((kind, period.start, period.end))
        changes = late.get(row.id, 0) if row else 0
        if row is None:
            status = TERLAMBAT if today > due else BELUM
        else:
            status = REVISI if changes else TERKIRIM
        found.append(Entry(kind, period, label, due, status, row, changes))
    return sorted(found, key=lambda e: (e.due, e.kind), reverse=True)


def overdue_line(found: list[Entry], *, limit: int = 4) -> str:
    """The status bar's words: the most recent overdue report of each kind first, then how many more:
    "Laporan terlambat: SKDR 2026-W47, LB1 Oktober 2026 dan 5 lainnya; perlu revisi: ...", or ""."""
    parts = []
    for status, words in ((TERLAMBAT, _("Laporan terlambat")), (REVISI, _("perlu revisi"))):
        chosen = sorted((e for e in found if e.status == status), key=lambda e: e.due, reverse=True)
        if not chosen:
            continue
        firsts: dict[str, Entry] = {}
        for entry in chosen:
            firsts.setdefault(entry.kind, entry)
        named = sorted(firsts.values(), key=lambda e: e.due, reverse=True)[:limit]
        named += [e for e in chosen if e not in named][:max(0, limit - len(named))]
        more = _(" dan {n} lainnya").format(n=len(chosen) - len(named)) if len(chosen) > len(named) else ""
        parts.append(f"{words}: {', '.join(_short(e) for e in named)}{more}")
    if not parts:
        return ""
    line = "; ".join(parts)
    return line[0].upper() + line[1:]


def _short(entry: Entry) -> str:
    names = {"lb1": "LB1", "recap": _("Rekap"), "top": _("10 besar"), "skdr": "SKDR"}
    return f"{names[entry.kind]} {entry.label}"




@dataclass(frozen=True)
class Reminders:
    """What the main window's status bar names: reports overdue and this week's SKDR alerts."""

    overdue: str
    week: Week
    alerts: list[Alert]
    overdue_count: int = 0

    def line(self) -> str:
        parts = [self.overdue] if self.overdue else []
        if self.alerts:
            parts.append(_("SKDR {week}: peringatan {alerts}").format(week=self.week.label(), alerts="; ".join(
                _("{letter} {name} ({cases} kasus{places})").format(
                    letter=a.letter, name=a.name, cases=a.cases,
                    places=", " + ", ".join(f"{place} {n}" for place, n in a.kelurahan[:2]) if a.kelurahan else "")
                for a in self.alerts)))
        return " · ".join(parts)


def reminders(today: dt.date | None = None, *, user: SignedIn | None = None) -> Reminders:
    """Overdue reports and the alerts of the week so far (a cluster shows the week it starts)."""
    user = require("report.make", user)
    today = today or clock.today()
    week = office_week(today)
    found = entries(today, user=user)
    return Reminders(overdue_line(found), week, alerts(week, user=user), sum(1 for entry in found if entry.overdue))
