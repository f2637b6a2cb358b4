"""Tandai terkirim: a report as it left the office, kept with its files (SHA-256), who, when, how and
its counts; the period is locked from then on, and a later change shows as differences cell by cell.

The files kept are the ones the program writes for that report at that moment (Excel and PDF, with
"Revisi N" on a revision), plus any file the clerk adds (a DHIS2 file, a scan of the signed letter).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from kupang_desk import audit
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents.excel import write_workbook
from kupang_desk.documents.pdf import write_pdf
from kupang_desk.documents.table import Period, Report
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime
from kupang_desk.i18n import _
from kupang_desk.models import LateChange, Patient, SentFile, SentReport, Visit, now, writing
from kupang_desk.reports import service
from kupang_desk.reports.base import SENT_KINDS, kind_label
from kupang_desk.reports.stamp import plain_value
from kupang_desk.submissions.calendar import METHODS
from kupang_desk.tasks import Task
from kupang_desk.visits import locks
from kupang_desk.visits.locks import changed_since, latest_sent

MAX_EXTRA_FILE = 20 * 1024 * 1024  # a file added to a sent report: a DHIS2 file or a scan, never a video


@dataclass(frozen=True)
class Difference:
    table: str
    row: str  # the row's code and name, "JUMLAH" for the totals
    column: str  # "1-4 th L", "Kasus baru Jml"
    old: object
    new: object


def _column_name(column) -> str:
    return f"{column.group} {column.header}".strip()


def snapshot(report: Report) -> dict:
    """The report's cells by row label and column name, as kept with a sent report."""
    tables = []
    for table in report.tables:
        label_columns: list[int] = []
        for index, column in enumerate(table.columns):
            if column.numeric:
                break
            if column.key != "no":
                label_columns.append(index)
        values = [i for i, c in enumerate(table.columns) if i not in label_columns and c.key != "no"]
        rows = {}
        for row in table.rows + ([table.totals()] if table.total_label and table.rows else []):
            key = " ".join(str(row[i]) for i in label_columns if row[i] not in (None, "")) or str(row[0])
            rows[key] = {_column_name(table.columns[i]): plain_value(row[i]) for i in values}
        if table.note:  # the W2's X (all visits) and the SMS line, the LB1's cases outside the age bands
            rows[_("Catatan")] = {_("Catatan"): table.note}
        tables.append({"title": table.title, "rows": rows})
    return {"tables": tables}


def differences(before: dict, after: dict) -> list[Difference]:
    """Every cell that differs between two snapshots, rows and columns in the order they print."""
    found = []
    old_tables = {t["title"]: t["rows"] for t in before.get("tables", [])}
    new_tables = {t["title"]: t["rows"] for t in after.get("tables", [])}
    for title in [*new_tables, *(t for t in old_tables if t not in new_tables)]:
        old_rows, new_rows = old_tables.get(title, {}), new_tables.get(title, {})
        for row in [*new_rows, *(r for r in old_rows if r not in new_rows)]:
            old_cells, new_cells = old_rows.get(row, {}), new_rows.get(row, {})
            for column in [*new_cells, *(c for c in old_cells if c not in new_cells)]:
                old, new = old_cells.get(column), new_cells.get(column)
                empty = 0 if isinstance(old if old is not None else new, (int, float)) else ""
                old, new = empty if old is None else old, empty if new is None else new
                if old != new:
                    found.append(Difference(title, row, column, old, new))
    return found


def history(kind: str, period: Period, *, user: SignedIn | None = None) -> list[SentReport]:
    """Every sending of this report and period, the first first."""
    require("report.make", user)
    return list(SentReport.select().where((SentReport.kind == kind) & (SentReport.period_start == period.start)
                                          & (SentReport.period_end == period.end)).order_by(SentReport.revision))


@dataclass
class Changes:
    """What happened to a sent period since its latest sending."""

    sent: SentReport
    late: list[tuple[LateChange, str]]  # the change and the patient's "No. RM name"
    differences: list[Difference]

    def lines(self, limit: int = 40) -> list[str]:
        """In words, for the screen and the command line."""
        out = [_("{when}: {action} kunjungan {who}, alasan: {reason}").format(
            when=format_datetime(change.at), action=_action_word(change.action), who=who, reason=change.reason)
            for change, who in self.late]
        if not self.differences:
            out.append(_("Tidak ada angka laporan yang berubah."))
        for d in self.differences[:limit]:
            out.append(_("{row}, {column}: {old} menjadi {new}").format(row=d.row, column=d.column, old=d.old, new=d.new))
        if len(self.differences) > limit:
            out.append(_("... dan {n} sel lain.").format(n=len(self.differences) - limit))
        return out


def _action_word(action: str) -> str:
    return {"create": _("dicatat"), "update": _("dikoreksi"), "delete": _("dihapus")}.get(action, action)


def changes(kind: str, period: Period, *, user: SignedIn | None = None, task: Task | None = None) -> Changes | None:
    """The late changes since the period's latest sending and the report cells they changed (the
    report is counted again and compared with the counts kept); None when never sent."""
    user = require("report.make", user)
    sent = latest_sent(kind, period)
    if sent is None:
        return None
    late = [(change, f"{no_rm} {name}") for change, no_rm, name in
            ((c, c.visit.patient.no_rm, c.visit.patient.name) for c in
             LateChange.select(LateChange, Visit, Patient).join(Visit).join(Patient)
             .where(LateChange.sent == sent).order_by(LateChange.at, LateChange.id))]
    if not late:
        return Changes(sent, [], [])
    now_report = service.make(kind, period, task=task, user=user)
    return Changes(sent, late, differences(json.loads(sent.counts), snapshot(now_report)))


def mark_sent(kind: str, period: Period, *, method: str = "file", note: str = "", extra_files: Sequence[Path | str] | None = None,
              paper: str = "A4", task: Task | None = None, user: SignedIn | None = None) -> SentReport:
    """Keeps the report as sent now: its Excel and PDF (as the program writes them now, "Revisi N"
    on a revision), any extra files, the counts, who, when and how. A period sent and unchanged
    since is refused: there is nothing new to send."""
    user = require("report.send", user)
    task = task or Task()
    if kind not in SENT_KINDS:
        raise KnownError(_("Laporan '{kind}' tidak dikirim ke Dinas; yang dikirim: {kinds}.").format(
            kind=kind, kinds=", ".join(SENT_KINDS)))
    if method not in METHODS:
        raise KnownError(_("Cara kirim '{method}' tidak dikenal. Pilih file, print atau dhis2.").format(method=method))
    previous = latest_sent(kind, period)
    if previous is not None and not changed_since(previous):
        raise KnownError(_("{report} {period} sudah ditandai terkirim pada {when} dan tidak berubah sejak itu.").format(
            report=kind_label(kind), period=period.label(), when=format_datetime(previous.sent_at)))
    extras = []
    for path in extra_files or []:
        path = Path(path)
        if not path.is_file():
            raise KnownError(_("File {path} tidak ada.").format(path=path))
        if path.stat().st_size > MAX_EXTRA_FILE:
            raise KnownError(_("File {name} terlalu besar untuk disimpan bersama laporan (paling besar 20 MB).").format(
                name=path.name))
        extras.append((path.name, path.read_bytes()))
    revision = 0 if previous is None else previous.revision + 1
    options = service.Options(paper=paper)
    report = service.make(kind, period, options, task=task, user=user)
    files = _sent_files(report, kind, period, revision, paper) + extras
    task.step(2, 3, _("Menyimpan..."))
    with writing():
        # Counted again with visit writes held (a few tens of milliseconds): what is kept as sent is
        # what the database holds at the mark, and a visit saved from now on is a late change of it.
        locks.hold_for_sending()
        if latest_sent(kind, period) != previous:
            raise KnownError(_("{report} {period} baru saja ditandai terkirim dari PC atau jendela lain. Lihat riwayat "
                               "kirimnya.").format(report=kind_label(kind), period=period.label()))
        counted = service.count(kind, period, options, user=user)
        if snapshot(counted) != snapshot(report):  # a visit was saved while the files were being written
            report = counted
            files = _sent_files(report, kind, period, revision, paper) + extras
        sent = SentReport.create(kind=kind, period_start=period.start, period_end=period.end, revision=revision, sent_at=now(),
                                 sent_by=session.account(user), sent_by_name=user.full_name, method=method,
                                 note=" ".join(note.split())[:300], counts=json.dumps(snapshot(report), ensure_ascii=False))
        _keep(sent, files, method, user)
    task.step(3, 3, _("Selesai."))
    return sent


def _sent_files(report: Report, kind: str, period: Period, revision: int, paper: str) -> list[tuple[str, bytes]]:
    """The Excel and PDF of a sending, "Revisi N" on a revision, as name and content."""
    report.revision = revision
    report.stamp = {**(report.stamp or {}), "revision": revision}
    stem = f"{kind}-{period.slug()}" + (f"-revisi-{revision}" if revision else "")
    with tempfile.TemporaryDirectory(prefix="kupang-desk-kirim-") as folder:
        xlsx, pdf = Path(folder) / f"{stem}.xlsx", Path(folder) / f"{stem}.pdf"
        write_workbook([report], xlsx, paper=paper)
        write_pdf(report, pdf, paper=paper)
        return [(xlsx.name, xlsx.read_bytes()), (pdf.name, pdf.read_bytes())]


def record_upload(kind: str, period: Period, files: list[Path], summary: str, *,
                  user: SignedIn | None = None) -> SentReport:
    """Keeps a DHIS2 upload: with the latest sending when nothing changed since (the same numbers went
    by file and by DHIS2), else as a new sending (method dhis2) that is a revision where one was sent."""
    user = require("report.send", user)
    previous = latest_sent(kind, period)
    if previous is None or changed_since(previous):
        return mark_sent(kind, period, method="dhis2", note=summary, extra_files=files, user=user)
    contents = [(Path(p).name, Path(p).read_bytes()) for p in files]
    with writing():
        note = " ".join(f"{previous.note} {summary}".split())[:300]
        SentReport.update(note=note).where(SentReport.id == previous.id).execute()
        _keep(SentReport.get_by_id(previous.id), contents, "dhis2", user)
    return SentReport.get_by_id(previous.id)


def _keep(sent: SentReport, files: list[tuple[str, bytes]], method: str, user: SignedIn) -> None:
    """Stores the files of a sending with their SHA-256 and audits it (inside the caller's transaction)."""
    hashes = {name: hashlib.sha256(content).hexdigest() for name, content in files}
    for name, content in files:
        SentFile.create(sent=sent, name=name[:150], sha256=hashes[name], content=content)
    audit.record("send", "sent_report", sent.id, {
        "kind": sent.kind, "period": Period(sent.period_start, sent.period_end).label(), "revision": sent.revision,
        "method": method, "files": hashes}, user)


def _plain_name(name: str) -> str:
    """A stored file's name as a name in the chosen folder and nothing else: a name a changed database
    gives as ``../x`` or ``/etc/x`` (or ``C:\\x``) is refused, never followed out of the folder."""
    plain = PureWindowsPath(name).name  # splits on / and \ alike, and drops a drive
    if not plain or plain != name or plain in (".", "..") or any(ord(c) < 32 for c in plain):
        raise KnownError(_("Nama file tersimpan {name!r} bukan nama file biasa (berisi folder atau tanda khusus), jadi "
                           "tidak ditulis; tidak ada file yang ditulis di luar folder tujuan. Periksa database ini "
                           "(kupang-desk audit verify).").format(name=name))
    return plain


def save_files(sent_id: int, folder: str | Path, *, user: SignedIn | None = None) -> list[Path]:
    """Writes the files of a sent report into ``folder``, each checked against its SHA-256."""
    require("report.make", user)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = list(SentFile.select().where(SentFile.sent == sent_id).order_by(SentFile.id))
    names = [_plain_name(row.name) for row in rows]  # every name checked before any file is written
    written = []
    for row, name in zip(rows, names, strict=True):
        content = bytes(row.content)
        if hashlib.sha256(content).hexdigest() != row.sha256:
            raise KnownError(_("File {name} yang tersimpan tidak cocok lagi dengan sidik SHA-256-nya; "
                               "pulihkan database dari cadangan.").format(name=row.name))
        target = folder / name
        target.write_bytes(content)
        written.append(target)
    return written
