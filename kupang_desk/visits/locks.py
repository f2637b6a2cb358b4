"""A period sent to the Dinas is locked: a visit created, corrected or deleted inside it later
needs the clerk's reason, is kept as a late change of the period's latest sent revision, and
turns that report to "Perlu revisi" (``kupang_desk.submissions``).

A sending counts its report and keeps it as sent in one step that no visit write can come
between (``hold_for_sending``); every write of a visit looks up the sent periods it touches with
``touched``, under the same lock, so a visit is either in the counts kept or a late change of them,
never neither."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import peewee as pw

from kupang_desk.accounts import session
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents.table import Period
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.models import LateChange, SentReport, db, now

PERIOD_LOCK = 0x4B445354  # PostgreSQL advisory lock key ("KDST"): sendings hold it alone, visit writes share it

KIND_NAMES = {"lb1": "LB1", "recap": "Rekap kunjungan", "top": "Penyakit terbanyak", "skdr": "SKDR"}


def sent_covering(days: Iterable[dt.date]) -> list[SentReport]:
    """The latest sent revision of every report whose period holds one of ``days``."""
    days = set(days)
    if not days:
        return []
    low, high = min(days), max(days)
    query = (SentReport.select().where((SentReport.period_start <= high) & (SentReport.period_end >= low))
             .order_by(SentReport.revision.desc()))
    latest: dict[tuple, SentReport] = {}
    for row in query:
        key = (row.kind, row.period_start, row.period_end)
        if key not in latest and any(row.period_start <= day <= row.period_end for day in days):
            latest[key] = row
    return sorted(latest.values(), key=lambda row: (row.period_start, row.kind))


def _period_lock(exclusive: bool) -> None:
    """Inside a write transaction. On SQLite the transaction already holds the file's one write lock
    (``BEGIN IMMEDIATE``), so nothing else is needed; on PostgreSQL row locks do not cover a row
    that does not exist yet (a new visit), so both sides take one advisory lock, held to the commit."""
    if isinstance(db.obj, pw.PostgresqlDatabase):
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        db.execute_sql(f"SELECT {function}(%s)", (PERIOD_LOCK,))


def hold_for_sending() -> None:
    """Inside the sending's write transaction, before it counts: waits for visit writes under way to
    commit and holds new ones until the sending commits."""
    _period_lock(exclusive=True)


def touched(days: Iterable[dt.date]) -> list[SentReport]:
    """Inside a visit write's transaction, before it writes: ``sent_covering`` with the period lock
    held, so a sending under way either counted this write or is seen here as sent."""
    _period_lock(exclusive=False)
    return sent_covering(days)


def note_side_changes(visits: Iterable[tuple[int, dt.date]], reason: str, user: SignedIn | None,
                      skip: Iterable[int] = ()) -> None:
    """Keeps as late changes the visits a write changed besides its own (ages after a birth date is
    corrected, kunjungan baru/lama after an earlier visit is entered): each one inside a sent period
    turns that report to "Perlu revisi", with ``reason`` in words (inside the caller's transaction)."""
    skipped = set(skip)
    visits = [(visit_id, day) for visit_id, day in visits if visit_id not in skipped]
    if not visits:
        return
    sent = touched(day for _visit, day in visits)
    for visit_id, day in visits:
        note(visit_id, [row for row in sent if row.period_start <= day <= row.period_end], "update", reason, user)


def describe(sent: SentReport) -> str:
    """``LB1 Oktober 2026 (dikirim 10 November 2026)``."""
    period = Period(sent.period_start, sent.period_end).label()
    revision = _(", revisi {n}").format(n=sent.revision) if sent.revision else ""
    return _("{kind} {period} (dikirim {when}{revision})").format(
        kind=KIND_NAMES.get(sent.kind, sent.kind), period=period, when=format_date(sent.sent_at.date()), revision=revision)


def reason_needed(sent: list[SentReport]) -> str:
    return _("Tanggal ini masuk periode yang laporannya sudah dikirim: {reports}. Tulis alasannya, misalnya "
             "'kunjungan terlambat dicatat'; laporan itu akan ditandai perlu revisi.").format(
        reports="; ".join(describe(row) for row in sent))


def note(visit_id: int, sent: list[SentReport], action: str, reason: str, user: SignedIn | None) -> None:
    """Keeps the late change against each sent report it touches (inside the caller's transaction)."""
    for row in sent:
        LateChange.create(sent=row, visit=visit_id, action=action, reason=" ".join(reason.split())[:200], at=now(),
                          by=session.account(user))


def latest_sent(kind: str, period: Period) -> SentReport | None:
    """The latest sending of this report and period, or None."""
    return (SentReport.select().where((SentReport.kind == kind) & (SentReport.period_start == period.start)
                                      & (SentReport.period_end == period.end))
            .order_by(SentReport.revision.desc()).first())


def changed_since(sent: SentReport) -> bool:
    """Whether a visit inside the period was written after this sending."""
    return LateChange.select().where(LateChange.sent == sent).exists()


def revision_now(kind: str, period: Period) -> int:
    """The revision a report of this period is now: the latest sent one while nothing changed
    since, one more once a visit inside it changed; 0 when it was never sent."""
    latest = latest_sent(kind, period)
    if latest is None:
        return 0
    return latest.revision + 1 if changed_since(latest) else latest.revision
