"""The visit register with the desk's filters, to xlsx (streamed, flat memory) and PDF.

The columns are those of the register on screen: what the clerk sees is what the file
holds. Rows are read by keyset a chunk at a time and written as they come, so 100,000
visits cost no more memory than 1,000.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kupang_desk import clock, regions
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents.excel import header_lines
from kupang_desk.documents.stream import StreamSheet
from kupang_desk.documents.table import Anchor, Column, Period, Report, ReportTable
from kupang_desk.i18n import _
from kupang_desk.models.patients import Patient
from kupang_desk.models.reference import PaymentType, Poli
from kupang_desk.office import current_letterhead, unit_word
from kupang_desk.queue.entries import whole_minutes
from kupang_desk.reports.base import visit_report
from kupang_desk.tasks import Task
from kupang_desk.visits.register import VisitFilter, VisitRegister


def register_columns() -> list[Column]:
    return [
        Column("no", _("No"), width=6, kind="text"), Column("visit_at", _("Waktu"), width=16, kind="text"),
        Column("no_rm", _("No. RM"), width=11, kind="id"), Column("name", _("Nama"), width=26, kind="text"),
        Column("sex", _("JK"), width=4, kind="text"), Column("age", _("Umur"), width=7, kind="text"),
        Column("poli", unit_word(), width=12, kind="text"), Column("diagnoses", _("Diagnosis"), width=16, kind="text"),
        Column("new_visit", _("Kunjungan"), width=9, kind="text"), Column("payment", _("Cara bayar"), width=20, kind="text"),
        Column("kelurahan", _("Kelurahan"), width=16, kind="text"),
        Column("wait", _("Tunggu (menit)"), width=8, summed=False),
        Column("service", _("Layanan (menit)"), width=8, summed=False),
    ]


def _values(number: int, row) -> list:
    return [number, row.visit_at, row.no_rm, row.name, row.sex, row.age, row.poli, row.diagnoses,
            _("Baru") if row.is_new_visit else _("Lama"), row.payment, row.kelurahan, whole_minutes(row.wait),
            whole_minutes(row.service)]


def filter_period(flt: VisitFilter) -> Period:
    return Period(flt.date_from or date(2000, 1, 1), flt.date_to or clock.today())


def _filter_words(flt: VisitFilter) -> str:
    """Every filter in force besides the dates, in words for the printed title ("" when none)."""
    parts = []
    if flt.poli_id:
        poli = Poli.get_or_none(Poli.id == flt.poli_id)
        parts.append(_("Poli {name}").format(name=poli.name if poli else flt.poli_id))
    if flt.payment_type_id:
        payment = PaymentType.get_or_none(PaymentType.id == flt.payment_type_id)
        parts.append(_("Pembayaran {name}").format(name=payment.name if payment else flt.payment_type_id))
    if flt.pbi:
        parts.append(_("Peserta BPJS PBI"))
    if flt.kelurahan_code:
        parts.append(_("Kelurahan {name}").format(name=regions.name_of(flt.kelurahan_code) or flt.kelurahan_code))
    if flt.icd10:
        parts.append((_("Diagnosis {code} (kasus baru)") if flt.new_case else _("Diagnosis {code}")).format(
            code=flt.icd10.upper()))
    if flt.new_visit is not None:
        parts.append(_("Kunjungan baru saja") if flt.new_visit else _("Kunjungan lama saja"))
    if flt.waited_over is not None:
        parts.append(_("Menunggu lebih dari {n} menit").format(n=flt.waited_over))
    if flt.patient_id:
        patient = Patient.get_or_none(Patient.id == flt.patient_id)
        parts.append(_("Pasien {no_rm}").format(no_rm=patient.no_rm if patient else flt.patient_id))
    return " · ".join(str(part) for part in parts)


def _period_line(flt: VisitFilter) -> str:
    """"Periode: 1 Oktober 2026 s.d. ... · Poli Umum · ..." as the register's title line."""
    period = _("Periode: {period}").format(period=filter_period(flt).label())
    words = _filter_words(flt)
    return f"{period} · {words}" if words else period


def export_register_xlsx(flt: VisitFilter, path: str | Path, *, paper: str = "A4", task: Task | None = None,
                         user: SignedIn | None = None, anchor: Anchor | None = None) -> int:
    """Streams the filtered register into ``path`` (XlsxWriter, constant memory: ``documents.stream``);
    returns the number of visits written."""
    require("report.make", user)
    task = task or Task()
    register = VisitRegister(flt, descending=False, user=user)
    total = register.count()
    columns = register_columns()
    head = current_letterhead()
    title_rows = [*head.office, head.name.upper(), _("REGISTER KUNJUNGAN"), _period_line(flt), ""]
    header_row = len(title_rows)  # 0-based
    with StreamSheet(Path(path), _("Register kunjungan"), keywords=str(anchor or "")) as out:
        out.widths([column.width + 1 for column in columns])
        out.print_setup(landscape=True, paper=paper, title_row=header_row)
        bold = out.style(bold=True)
        for text in title_rows:
            out.append([text or None], [bold])
        # A header wider than its column ("Tunggu (menit)") wraps onto a second line.
        heading = out.style(bold=True, bg_color="#DDEBF7", border=1, align="center", valign="vcenter", text_wrap=True)
        out.append([column.header for column in columns], [heading] * len(columns),
                   lines=max(header_lines(c.header, c.width) for c in columns))
        plain = [out.style(num_format="@") if column.kind == "id" else
                 out.style(num_format="dd-mm-yyyy hh:mm") if column.key == "visit_at" else None for column in columns]
        # A name or diagnosis longer than its column wraps instead of printing under the next column.
        wrapped = {index: column.width for index, column in enumerate(columns) if column.kind == "text" and column.key != "no"}
        wrap = out.style(valign="top", text_wrap=True)
        written = 0
        for number, row in enumerate(register.iter_rows(chunk=5000), start=1):
            values = _values(number, row)
            formats, lines = plain, 1
            for index, width in wrapped.items():
                value = values[index]
                if isinstance(value, str) and len(value) > width:
                    if formats is plain:
                        formats = list(plain)
                    formats[index] = wrap
                    lines = max(lines, header_lines(value, width))
            out.append(values, formats, lines=lines)
            written = number
            if number % 5000 == 0:
                task.step_of(number, total, _("Menulis kunjungan {done} dari {total}"))
        out.append([])
        out.append([_("Jumlah kunjungan: {count}").format(count=written)])
    return written


def register_report(flt: VisitFilter, *, limit: int | None = None, task: Task | None = None, user: SignedIn | None = None) -> Report:
    """The filtered register as a report (for the PDF and the preview); ``limit`` rows at most."""
    require("report.make", user)
    task = task or Task()
    register = VisitRegister(flt, descending=False, user=user)
    total = register.count()
    table = ReportTable(_("Register kunjungan"), register_columns())
    for number, row in enumerate(register.iter_rows(chunk=5000), start=1):
        if limit is not None and number > limit:
            break
        values = _values(number, row)
        values[1] = row.visit_at.strftime("%d-%m-%Y %H.%M")
        table.rows.append(values)
        if number % 5000 == 0:
            task.step_of(number, total, _("Membaca kunjungan {done} dari {total}"))
    table.note = _("Jumlah kunjungan: {count}").format(count=len(table.rows))
    report = visit_report("register", _("REGISTER KUNJUNGAN"), filter_period(flt), [table], landscape=True)
    report.subtitle = _period_line(flt)  # without filters the same line as the default
    return report
