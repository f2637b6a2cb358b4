"""Making and saving reports: one place for the window and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kupang_desk import audit
from kupang_desk.accounts.permissions import require
from kupang_desk.documents.excel import write_workbook
from kupang_desk.documents.pdf import write_pdf
from kupang_desk.documents.table import Period, Report, check_output
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import User, database, reading, writing
from kupang_desk.reports.access import access_report
from kupang_desk.reports.base import SENT_KINDS, kind_label
from kupang_desk.reports.ckg import ckg_report
from kupang_desk.reports.lb1 import lb1_report
from kupang_desk.reports.recap import recap_report
from kupang_desk.reports.register import export_register_xlsx, register_report
from kupang_desk.reports.screening import screening_report
from kupang_desk.reports.skdr import skdr_report
from kupang_desk.reports.stamp import stamp_of
from kupang_desk.reports.top import top_report
from kupang_desk.tasks import Task
from kupang_desk.visits import locks
from kupang_desk.visits.register import VisitFilter


@dataclass
class Options:
    rollup: bool = False  # LB1: 3-character categories
    limit: int = 10  # top: how many
    new_cases_only: bool = True  # top
    include_z: bool | None = None  # top; None: as set in Pengaturan
    paper: str = "A4"
    register_filter: VisitFilter | None = None  # register: the desk's filter (dates from the period)


def make(kind: str, period: Period, options: Options | None = None, *, task: Task | None = None,
         preview_rows: int | None = None, user: User | None = None) -> Report:
    """Counts a report; nothing is written."""
    user = require("report.make", user)
    options = options or Options()
    task = task or Task()
    task.step(0, 1, _("Menghitung {report}...").format(report=kind_label(kind)))
    made_from = database.write_mark()  # before counting: a write while it counts makes it stale
    report = count(kind, period, options, task=task, preview_rows=preview_rows, user=user)
    report.made_from = made_from
    return report


def count(kind: str, period: Period, options: Options, *, task: Task | None = None, preview_rows: int | None = None,
          user: User | None = None) -> Report:
    """``make`` without the database's write mark: also inside a write transaction (a sending counts
    with visit writes held)."""
    user = require("report.make", user)
    with reading():  # the queries of one report, and the proof of its totals, see the same visits
        report = _make(kind, period, options, task or Task(), preview_rows, user)
    report.complete = not (kind == "register" and preview_rows is not None)
    if kind in SENT_KINDS:
        report.revision = locks.revision_now(kind, period)
        report.stamp = stamp_of(report)
    return report


def _make(kind: str, period: Period, options: Options, task: Task, preview_rows: int | None, user: User) -> Report:
    if kind == "lb1":
        return lb1_report(period, rollup=options.rollup, user=user)
    if kind == "recap":
        return recap_report(period, user=user)
    if kind == "top":
        if options.limit < 1:
            raise KnownError(_("Jumlah penyakit terbanyak minimal 1."))
        return top_report(period, limit=options.limit, new_cases_only=options.new_cases_only, include_z=options.include_z,
                          user=user)
    if kind == "register":
        return register_report(_register_filter(period, options), limit=preview_rows, task=task, user=user)
    if kind == "skdr":
        return skdr_report(period, user=user)
    if kind == "access":
        return access_report(period, user=user)
    if kind == "screening":
        return screening_report(period, task=task, user=user)
    if kind == "ckg":
        return ckg_report(period, user=user)
    raise KnownError(_("Laporan '{kind}' tidak dikenal. Pilih lb1, recap, top, register, skdr, access, screening atau ckg.").format(
        kind=kind))


def _register_filter(period: Period, options: Options) -> VisitFilter:
    base = options.register_filter or VisitFilter()
    return VisitFilter(**{**base.__dict__, "date_from": period.start, "date_to": period.end})


def reusable(report: Report | None, kind: str, period: Period) -> bool:
    """Whether a report counted before (the preview) is what counting again would give: the same
    report, whole, and nothing written to the database since."""
    return (report is not None and report.kind == kind and report.period == period and report.complete
            and bool(report.made_from) and report.made_from == database.write_mark())


def save(kind: str, period: Period, options: Options | None = None, *, xlsx: str | Path | None = None,
         pdf: str | Path | None = None, task: Task | None = None, previewed: Report | None = None,
         user: User | None = None) -> Report:
    """Makes the report and writes the files asked for; the export is recorded in the audit trail.
    ``previewed``: the report the clerk looked at, made with these options; it is written as it is
    when nothing changed since it was counted, else counted again."""
    user = require("report.make", user)
    options = options or Options()
    task = task or Task()
    if not xlsx and not pdf:
        raise KnownError(_("Sebutkan file keluaran: --xlsx NAMA.xlsx dan/atau --pdf NAMA.pdf."))
    for target in (xlsx, pdf):
        if target:
            check_output(Path(target), (".xlsx", ".pdf"))
    anchor = audit.head()
    written = 0
    if kind == "register" and xlsx:
        # Streamed: the register can hold 100,000 visits.
        written = export_register_xlsx(_register_filter(period, options), xlsx, paper=options.paper, task=task, user=user,
                                       anchor=anchor)
    # The report itself: what the PDF and the workbook hold, and what the caller shows.
    # A register saved only as Excel needs no more than the preview's first rows.
    if kind != "register" and previewed is not None and reusable(previewed, kind, period):
        report = previewed  # counted once per preview-then-save
    else:
        report = make(kind, period, options, task=task, preview_rows=1000 if kind == "register" and not pdf else None,
                      user=user)
    report.anchor = anchor
    if xlsx and kind != "register":
        task.step(1, 2, _("Menulis Excel..."))
        write_workbook([report], xlsx, paper=options.paper)
    if pdf:
        task.step(1, 2, _("Menulis PDF..."))
        write_pdf(report, pdf, paper=options.paper)
    unchanged = bool(report.made_from) and report.made_from == database.write_mark()
    with writing():
        audit.record("export", "report", kind, {"period": period.label(), "rows": written or sum(len(t.rows) for t in report.tables),
                                                "xlsx": str(xlsx or ""), "pdf": str(pdf or ""), "anchor": str(anchor or "")}, user)
    audit.remember_head()
    # The export's own audit event changes the database, not the report: a second save (the PDF
    # after the Excel) still writes this one.
    report.made_from = database.write_mark() if unchanged else ""
    task.step(2, 2, _("Selesai."))
    return report
