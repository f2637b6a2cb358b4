"""The school's side of the CKG: the roster out, the results in, and the letters to parents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from kupang_desk import audit, clock
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.ckg import files
from kupang_desk.documents import signing
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.models import CkgResult, Student, now, writing
from kupang_desk.names import same_name


@dataclass(frozen=True)
class RosterOut:
    path: Path
    count: int
    without_nisn: list[str]  # students left out: the puskesmas knows a student by NISN
    fingerprint: str


def export_roster(path: str | Path, *, student_ids: list[int] | None = None, to: str = "",
                  user: SignedIn | None = None) -> RosterOut:
    """The students to screen (all active ones, or ``student_ids``) as a signed file for the puskesmas:
    name, NISN, NIK, sex, birth date, class and parent's phone, nothing more."""
    user = require("student.read", user)
    query = Student.select().where(Student.status == "aktif")
    if student_ids is not None:
        query = query.where(Student.id.in_(student_ids))
    chosen = list(query.order_by(Student.class_group, Student.name_key))
    rows, without = [], []
    for student in chosen:
        if not student.nisn or student.birth_date is None:
            without.append(student.name)
            continue
        rows.append({"nisn": student.nisn, "nik": student.nik or "", "name": student.name, "sex": student.sex,
                     "birth_date": student.birth_date.isoformat(), "class_group": student.class_group,
                     "parent_phone": student.phone})
    if not rows:
        raise KnownError(_("Tidak ada siswa aktif dengan NISN dan tanggal lahir untuk dikirim."))
    written = files.write(path, "roster", rows, to=to)
    with writing():
        audit.record("export", "ckg_roster", "", {"file": str(written), "rows": len(rows)}, user)
    return RosterOut(written, len(rows), without, signing.fingerprint(signing.public_key(files.this_office()[0])))


@dataclass
class ResultsIn:
    puskesmas: str
    fingerprint: str
    first_from_puskesmas: bool
    screened: int = 0
    follow_up: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, NISN, reason)
    written: bool = False

    def describe(self) -> str:
        if self.errors:
            return _("Hasil CKG dari {who} tidak diimpor: {count} baris tidak cocok dengan siswa sekolah ini. Tidak ada "
                     "yang disimpan.").format(who=self.puskesmas, count=len(self.errors))
        text = _("Hasil CKG dari {who}: {screened} siswa sudah diperiksa, {follow} perlu tindak lanjut.").format(
            who=self.puskesmas, screened=self.screened, follow=self.follow_up)
        if self.first_from_puskesmas:
            text += " " + _("File pertama dari puskesmas ini: sidik kuncinya {fingerprint} dicatat.").format(
                fingerprint=self.fingerprint)
        return text


def _day(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    return dt.date.fromisoformat(str(value))


def import_results(path: str | Path, *, user: SignedIn | None = None) -> ResultsIn:
    """The puskesmas's results, all or nothing: each row must name a student of this school by NISN
    and by name; a row for another child is refused with both names."""
    user = require("student.write", user)
    received = files.read(path, "results")
    result = ResultsIn(received.name, received.fingerprint, received.new_key)
    by_nisn = {s.nisn: s for s in Student.select().where(Student.nisn.in_(
        [str(row.get("nisn")) for row in received.rows if row.get("nisn")]))}
    plan = []
    for line, row in enumerate(received.rows, start=1):
        nisn, name = str(row.get("nisn") or ""), str(row.get("name") or "")
        student = by_nisn.get(nisn)
        if student is None:
            result.errors.append((line, nisn, _("NISN {nisn} ({name}) tidak ada di data siswa sekolah ini.").format(
                nisn=nisn, name=name)))
            continue
        if not same_name(name, student.name):
            result.errors.append((line, nisn, _("NISN {nisn} di sekolah ini milik {ours}, tetapi file puskesmas menyebut "
                                                "{theirs}. Hasil tidak ditempelkan ke siswa lain.").format(
                nisn=nisn, ours=student.name, theirs=name)))
            continue
        try:
            values: dict[str, object] = {"screened_on": _day(row.get("screened_on")), "follow_up": bool(row.get("follow_up")),
                      "referral_place": str(row.get("referral_place") or "")[:80],
                      "referral_date": _day(row.get("referral_date")), "referral_done": _day(row.get("referral_done"))}
        except ValueError:
            result.errors.append((line, nisn, _("Tanggal di baris ini tidak terbaca.")))
            continue
        plan.append((student, values))
    if result.errors:
        return result
    with writing():
        stamp = now()
        for student, values in plan:
            values.update(puskesmas_code=received.code, puskesmas_name=received.name[:120], received_at=stamp)
            updated = CkgResult.update(**values).where(CkgResult.student == student.id).execute()
            if not updated:
                CkgResult.create(student=student, **values)
            result.screened += int(values["screened_on"] is not None)
            result.follow_up += bool(values["follow_up"])
        files.remember_key(received)
        audit.record("import", "ckg_results", received.code, {"puskesmas": received.name, "rows": len(plan),
                                                              "key": received.fingerprint}, user)
    result.written = True
    return result


def results(*, user: SignedIn | None = None) -> dict[int, CkgResult]:
    """{student id: what the puskesmas sent back}."""
    require("student.read", user)
    return {row.student_id: row for row in CkgResult.select()}


def result_words(row: CkgResult | None) -> str:
    """What the Siswa list shows for a student."""
    if row is None:
        return ""
    if row.screened_on is None:
        return _("belum diperiksa")
    if row.follow_up and not row.referral_done:
        return _("perlu tindak lanjut")
    return _("sudah diperiksa")


def save_letters(path: str | Path, *, student_ids: list[int] | None = None, user: SignedIn | None = None,
                 signed_on: dt.date | None = None) -> int:
    """One letter to the parents of each student who needs follow-up (or of ``student_ids``), each on its
    own page of one PDF: that the child was screened at school, needs to be seen, where and when. Returns how many."""
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        PageBreak,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    from kupang_desk.documents import pdf as pdf_writer
    from kupang_desk.documents.table import Period, Report, check_output
    from kupang_desk.scholarships.printouts import school_letterhead

    user = require("award.print", user)
    path = Path(path)
    check_output(path, (".pdf",))
    query = (CkgResult.select(CkgResult, Student).join(Student).where(CkgResult.follow_up & CkgResult.referral_done.is_null())
             if student_ids is None else
             CkgResult.select(CkgResult, Student).join(Student).where(CkgResult.student.in_(student_ids) & CkgResult.follow_up))
    chosen = list(query.order_by(Student.class_group, Student.name_key))
    if not chosen:
        raise KnownError(_("Tidak ada siswa yang perlu tindak lanjut: surat dibuat untuk siswa yang hasil CKG-nya meminta "
                           "pemeriksaan lanjutan."))
    pdf_writer.register_fonts()
    size = pdf_writer.PAPERS["A4"]
    margin = 20 * mm
    width = size[0] - 2 * margin
    head = school_letterhead()
    signed_on = signed_on or clock.today()
    style, escape = pdf_writer.text_style, pdf_writer.escape
    story: list = []
    for index, row in enumerate(chosen):
        student = row.student
        if index:
            story.append(PageBreak())
        story += pdf_writer.letterhead_block(head, width)
        story += [Spacer(1, 4 * mm), Paragraph("<u>" + escape(_("PEMBERITAHUAN HASIL CEK KESEHATAN GRATIS (CKG) DI SEKOLAH")) + "</u>",
                                               style(12, bold=True, center=True)), Spacer(1, 6 * mm),
                  Paragraph(escape(_("Kepada Yth. Orang tua/wali dari:")), style(10.5, leading=15)), Spacer(1, 2 * mm)]
        facts = [(_("Nama"), student.name), (_("NISN"), student.nisn or "-"), (_("Kelas"), student.class_group or "-")]
        table = Table([[Paragraph(escape(label), style(10.5)), ":", Paragraph(escape(value), style(10.5))] for label, value in facts],
                      colWidths=[40 * mm, 5 * mm, width - 50 * mm])
        table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (0, -1), 10 * mm), ("TOPPADDING", (0, 0), (-1, -1), 1),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
        body = _("Pada {day}, putra/putri Bapak/Ibu telah mengikuti Cek Kesehatan Gratis di sekolah oleh {who}. Dari "
                 "pemeriksaan itu, anak perlu diperiksa lebih lanjut di {place}{when}. Mohon Bapak/Ibu mendampingi anak ke "
                 "sana dengan membawa surat ini dan kartu BPJS/KIS bila ada. Hasil pemeriksaan dijelaskan oleh petugas "
                 "kesehatan di tempat rujukan.").format(
            day=format_date(row.screened_on) if row.screened_on else "-", who=row.puskesmas_name or _("puskesmas"),
            place=row.referral_place or row.puskesmas_name or _("puskesmas"),
            when=_(" paling lambat {date}").format(date=format_date(row.referral_date)) if row.referral_date else "")
        story += [table, Spacer(1, 4 * mm), Paragraph(escape(body), style(10.5, leading=15)), Spacer(1, 3 * mm),
                  Paragraph(escape(_("Atas perhatian Bapak/Ibu kami ucapkan terima kasih.")), style(10.5, leading=15))]
        report = Report("surat", "", Period(signed_on, signed_on), [], head, landscape=False, signed_on=signed_on)
        story.append(pdf_writer.signature(report, width))
    pdf_writer.write_letters(path, story, size=size, margin=margin, title=_("Pemberitahuan hasil CKG"), author=head.name)
    with writing():
        audit.record("export", "ckg_letter", "", {"letters": len(chosen), "pdf": str(path)}, user)
    return len(chosen)
