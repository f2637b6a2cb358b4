"""What the school prints and sends: the recipient list (PDF and Excel), the letters for account
activation, and the recap of programmes. One place for the window and the command line.

The list is the upward reports' ``Report``, so it shares their letterhead, paper sizes
(A4, F4), page numbers, signature block and Excel layout (identifiers as text, amounts
as numbers shown as Rupiah, totals as formulas).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import peewee as pw
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

from kupang_desk import audit, clock
from kupang_desk.accounts.permissions import require
from kupang_desk.documents import pdf as pdf_writer
from kupang_desk.documents.excel import write_workbook
from kupang_desk.documents.table import (
    Column,
    Letterhead,
    Period,
    Report,
    ReportTable,
    check_output,
)
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date, format_rupiah, terbilang
from kupang_desk.i18n import _
from kupang_desk.models import Award, Institution, ScholarshipProgramme, Student, User, writing
from kupang_desk.office import current_letterhead
from kupang_desk.scholarships.awards import (
    STATUS_ORDER,
    AwardRow,
    Totals,
    award_rows,
    flag_label,
    status_label,
)
from kupang_desk.scholarships.programmes import ProgrammeRef, stages
from kupang_desk.students.grades import school_level
from kupang_desk.tasks import Task


def school_letterhead() -> Letterhead:
    """The school's letterhead: its office lines, name, and NPSN beside the address."""
    head = current_letterhead()
    institution = Institution.select().first()
    if institution is not None and institution.code:
        head.address = " · ".join(part for part in (_("NPSN {npsn}").format(npsn=institution.code), head.address) if part)
    return head


def _year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def recipient_columns(*, with_nik: bool = False) -> list[Column]:
    """The printed list's columns; the office's Excel also carries the NIK (after NISN)."""
    return [
        Column("no", _("No"), width=4, kind="text"),
        Column("nisn", _("NISN"), width=11, kind="id"),
        *([Column("nik", _("NIK"), width=17, kind="id")] if with_nik else []),
        Column("name", _("Nama"), width=24, kind="text"),
        Column("sex", _("L/P"), width=4, kind="text"),
        Column("class", _("Kelas"), width=9, kind="text"),
        Column("flags", _("KIP/KKS/PKH"), width=10, kind="text"),
        Column("born", _("Tanggal Lahir"), width=17, kind="text"),
        Column("mother", _("Nama Ibu Kandung"), width=20, kind="text"),
        Column("kip", _("No. KIP"), width=10, kind="id"),
        Column("bank", _("Bank"), width=6, kind="text"),
        Column("account", _("No. Rekening"), width=16, kind="id"),
        Column("amount", _("Jumlah"), width=13, kind="money"),
        Column("status", _("Status"), width=14, kind="text"),
    ]


def recipient_rows(programme: ProgrammeRef, *, stage: int | None = None, statuses: list[str] | None = None,
                   class_group: str = "", flag: str = "") -> list[AwardRow]:
    """The recipients a list shows: the statuses asked for, or every one but Dibatalkan."""
    wanted = statuses or [s for s in STATUS_ORDER if s != "dibatalkan"]
    return award_rows(programme, statuses=wanted, class_group=class_group, stage=stage, flag=flag)


def recipient_report(programme: ProgrammeRef, *, stage: int | None = None, statuses: list[str] | None = None,
                     class_group: str = "", flag: str = "", signed_on: dt.date | None = None,
                     rows: list[AwardRow] | None = None, with_nik: bool = False) -> Report:
    """The daftar penerima of ``programme``: for one stage (that stage's amounts) or the year.
    Cancelled awards are left out unless ``statuses`` asks for them. ``with_nik`` adds the NIK
    (the office's Excel)."""
    if stage is not None and not 1 <= stage <= len(stages(programme)):
        raise KnownError(_("Program {name} {year} tidak punya tahap {stage}; tahapnya: {stages}.").format(
            name=programme.name, year=programme.year, stage=stage, stages=", ".join(stages(programme))))
    if rows is None:
        rows = recipient_rows(programme, stage=stage, statuses=statuses, class_group=class_group, flag=flag)
    table = ReportTable(_("Daftar penerima"), recipient_columns(with_nik=with_nik), total_label=_("Jumlah"))
    for number, row in enumerate(rows, start=1):
        table.rows.append([str(number), row.nisn, *([row.nik] if with_nik else []), row.name, row.sex, row.class_group,
                           ", ".join(row.flags), format_date(row.birth_date), row.mother_name, row.kip_number, row.bank, row.account_number,
                           row.amount, status_label(row.status)])
    total = sum(row.amount for row in rows)
    stage_text = stages(programme)[stage - 1] if stage else _("Seluruh tahap")
    school = Institution.select().first()
    title = _("DAFTAR PENERIMA {programme} TAHUN {year}").format(programme=programme.name.upper(), year=programme.year)
    # The title names every filter in force, so a list printed for one status never looks like the whole year.
    status_text = _("Status: {statuses}").format(statuses=", ".join(status_label(s) for s in statuses)) if statuses else ""
    class_text = class_group if class_group.lower().startswith("kelas") else _("Kelas {group}").format(group=class_group)
    subtitle = " · ".join(part for part in (stage_text, status_text, class_text if class_group else "",
                                            flag_label(flag) if flag else "", school.name if school else "") if part)
    closing = [_("Jumlah penerima: {count} siswa. Jumlah dana: {amount} ({words}).").format(
        count=len(rows), amount=format_rupiah(total), words=terbilang(total))] if rows else []
    return Report("penerima", title, _year_period(programme.year), [table], school_letterhead(), landscape=True,
                  signed_on=signed_on or clock.today(), subtitle=subtitle, closing=closing,
                  sheet_title="Daftar penerima")


def recap_report(year: int, *, signed_on: dt.date | None = None, user: User | None = None) -> Report:
    """Recipients and amounts of every programme of ``year`` by status, then by class: how much
    is granted, paid, and still to be paid."""
    user = require("award.print", user)
    programmes = list(ScholarshipProgramme.select().where(ScholarshipProgramme.year == year).order_by(ScholarshipProgramme.name))
    shown = [s for s in STATUS_ORDER]
    status_columns = [Column(s, status_label(s), group=_("Penerima menurut status"), width=9) for s in shown]
    money = [Column("amount", _("Jumlah dana"), width=14, kind="money"), Column("paid", _("Sudah cair"), width=14, kind="money"),
             Column("outstanding", _("Belum cair"), width=14, kind="money")]
    by_programme = ReportTable(_("Menurut program"), [Column("programme", _("Program"), width=30, kind="text"),
                                                      *status_columns, *money], total_label=_("Jumlah"))
    tables = [by_programme]
    for programme in programmes:
        rows = award_rows(programme)
        counts = {s: sum(1 for r in rows if r.status == s) for s in shown}
        whole = Totals.of(rows)
        by_programme.rows.append([programme.name, *(counts[s] for s in shown), whole.amount, whole.paid, whole.outstanding])
        by_class = ReportTable(_("{programme}: menurut kelas").format(programme=programme.name),
                               [Column("class", _("Kelas"), width=14, kind="text"), *status_columns, *money],
                               total_label=_("Jumlah"))
        for group in sorted({r.class_group for r in rows}, key=lambda g: (min(r.grade or 99 for r in rows if r.class_group == g), g)):
            mine = [r for r in rows if r.class_group == group]
            part = Totals.of(mine)
            by_class.rows.append([group or "-", *(sum(1 for r in mine if r.status == s) for s in shown),
                                  part.amount, part.paid, part.outstanding])
        if by_class.rows:
            tables.append(by_class)
    return Report("rekap_beasiswa", _("REKAP PENERIMA BEASISWA TAHUN {year}").format(year=year), _year_period(year), tables,
                  school_letterhead(), landscape=True, signed_on=signed_on or clock.today(),
                  subtitle=_("Keadaan {date}").format(date=format_date(clock.today())), sheet_title="Rekap beasiswa")


def save_list(programme: ProgrammeRef, *, pdf: str | Path | None = None, xlsx: str | Path | None = None,
              stage: int | None = None, statuses: list[str] | None = None, class_group: str = "", flag: str = "",
              paper: str = "A4", user: User | None = None, task: Task | None = None,
              signed_on: dt.date | None = None) -> Report:
    """Writes the recipient list as PDF and/or Excel; the export is recorded in the audit trail."""
    user = require("award.print", user)
    task = task or Task()
    if not pdf and not xlsx:
        raise KnownError(_("Sebutkan file keluaran: --pdf NAMA.pdf dan/atau --xlsx NAMA.xlsx."))
    if pdf:
        check_output(Path(pdf), (".pdf",))
    if xlsx:
        check_output(Path(xlsx), (".xlsx",))
    task.step(0, 2, _("Menyusun daftar penerima..."))
    rows = recipient_rows(programme, stage=stage, statuses=statuses, class_group=class_group, flag=flag)  # once for both
    report = recipient_report(programme, stage=stage, statuses=statuses, class_group=class_group, flag=flag,
                              signed_on=signed_on, rows=rows)
    report.anchor = audit.head()
    if pdf:
        task.step(1, 2, _("Menulis PDF..."))
        pdf_writer.write_pdf(report, pdf, paper=paper)
    if xlsx:
        task.step(1, 2, _("Menulis Excel..."))
        office = recipient_report(programme, stage=stage, statuses=statuses, class_group=class_group, flag=flag,
                                  signed_on=signed_on, rows=rows, with_nik=True)
        office.anchor = report.anchor
        write_workbook([office], xlsx, paper=paper)
    with writing():
        audit.record("export", "award", programme.id, {"programme": programme.name, "year": programme.year, "stage": stage,
                                                       "rows": len(report.tables[0].rows), "pdf": str(pdf or ""),
                                                       "xlsx": str(xlsx or ""), "anchor": str(report.anchor or "")}, user)
    audit.remember_head()
    task.step(2, 2, _("Selesai."))
    return report


# ---------------------------------------------------------------- letters

def _letter(row: AwardRow, student: Student, programme: ProgrammeRef, head: Letterhead, width: float,
            signed_on: dt.date, decree: str, school_bank: str) -> list:
    style = pdf_writer.text_style
    escape = pdf_writer.escape
    school = head.name
    bank = row.bank or school_bank
    story = pdf_writer.letterhead_block(head, width)
    story += [Spacer(1, 4 * mm), Paragraph("<u>" + escape(_("SURAT KETERANGAN AKTIVASI REKENING")) + "</u>", style(12, bold=True, center=True)),
              Paragraph(escape(_("Nomor: ........../........../{year}").format(year=signed_on.year)), style(10, center=True)),
              Spacer(1, 6 * mm),
              Paragraph(escape(_("Yang bertanda tangan di bawah ini, Kepala {school}, menerangkan dengan sebenarnya bahwa:").format(
                  school=school)), style(10.5, leading=15)), Spacer(1, 3 * mm)]
    facts = [
        (_("Nama"), student.name), (_("NISN"), student.nisn or "-"), (_("NIK"), student.nik or "-"),
        (_("Tempat, tanggal lahir"), ", ".join(p for p in (student.birth_place, format_date(student.birth_date)) if p) or "-"),
        (_("Jenis kelamin"), _("Laki-laki") if student.sex == "L" else _("Perempuan")),
        (_("Kelas"), student.class_group or "-"), (_("Nama ibu kandung"), student.mother_name or "-"),
        (_("Nama ayah/wali"), student.father_name or student.guardian_name or "-"),
        (_("Nomor KIP"), student.kip_number or "-"), (_("Alamat"), student.address or "-"),
    ]
    table = Table([[Paragraph(escape(label), style(10.5)), ":", Paragraph(escape(value), style(10.5))] for label, value in facts],
                  colWidths=[56 * mm, 5 * mm, width - 66 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 10 * mm),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               ("FONT", (0, 0), (-1, -1), pdf_writer.FONT, 10.5)]))
    story += [table, Spacer(1, 3 * mm)]
    basis = _("berdasarkan SK Nominasi nomor {decree}").format(decree=decree) if decree else ""
    body = _("adalah benar siswa aktif pada {school} tahun ajaran {year}, dan tercatat sebagai calon penerima {programme} tahun {year_programme}{basis}. "
             "Surat keterangan ini dibuat sebagai syarat pembukaan/aktivasi rekening simpanan pelajar atas nama siswa tersebut "
             "pada Bank {bank}.").format(school=school, year=school_year_of(signed_on), programme=programme.name,
                                         year_programme=programme.year, basis=(" " + basis) if basis else "", bank=bank)
    story += [Paragraph(escape(body), style(10.5, leading=15)), Spacer(1, 3 * mm),
              Paragraph(escape(_("Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya.")), style(10.5, leading=15))]
    report = Report("surat", "", _year_period(programme.year), [], head, landscape=False, signed_on=signed_on)
    story.append(pdf_writer.signature(report, width))
    return story


def school_year_of(day: dt.date) -> str:
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}/{start + 1}"


def save_letters(programme: ProgrammeRef, award_ids: list[int] | None, path: str | Path, *, paper: str = "A4",
                 user: User | None = None, signed_on: dt.date | None = None, task: Task | None = None) -> int:
    """One activation letter per student (the selected awards, or every nominated student whose
    account is not active yet), all in one PDF, each on its own page. Returns how many."""
    user = require("award.print", user)
    task = task or Task()
    path = Path(path)
    check_output(path, (".pdf",))
    rows = award_rows(programme) if award_ids else award_rows(programme, statuses=["sk_nominasi"])
    if award_ids:
        wanted = set(award_ids)
        rows = [r for r in rows if r.award_id in wanted]
    if not rows:
        raise KnownError(_("Tidak ada siswa untuk dibuatkan surat: pilih penerima di daftar, atau catat SK Nominasi dulu."))
    decrees: dict[int, str] = {}
    students: dict[int, Student] = {}
    for chunk in pw.chunked(rows, 500):
        decrees.update(Award.select(Award.id, Award.nomination_decree).where(
            Award.id.in_([r.award_id for r in chunk])).tuples())
        students.update((s.id, s) for s in Student.select().where(Student.id.in_([r.student_id for r in chunk])))
    # PIP accounts: BRI for SD/SMP, BNI for SMA/SMK, where the award names no bank.
    school_bank = "BRI" if school_level() in ("SD", "SMP") else "BNI"
    pdf_writer.register_fonts()
    size = pdf_writer.PAPERS.get(paper, pdf_writer.PAPERS["A4"])
    margin = 20 * mm
    width = size[0] - 2 * margin
    head = school_letterhead()
    signed_on = signed_on or clock.today()
    story: list = []
    for index, row in enumerate(rows):
        task.step_of(index, len(rows), _("Menyusun surat {done} dari {total}"))
        if index:
            story.append(PageBreak())
        story += _letter(row, students[row.student_id], programme, head, width, signed_on,
                         decrees.get(row.award_id, ""), school_bank)
    pdf_writer.write_letters(path, story, size=size, margin=margin, title=_("Surat keterangan aktivasi rekening"), author=head.name)
    with writing():
        audit.record("export", "award_letter", programme.id, {"letters": len(rows), "pdf": str(path)}, user)
    return len(rows)
