"""A patient's own data and the history of its processing, as one PDF: the data subject's right
of access (UU 27/2022 tentang Pelindungan Data Pribadi). Who opened, changed, printed or
exported the record, and when, comes from the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import peewee as pw
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kupang_desk import audit, clock
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents import pdf as pdf_writer
from kupang_desk.errors import KnownError, os_reason
from kupang_desk.formatting import format_date, format_datetime
from kupang_desk.i18n import _
from kupang_desk.models import (
    AuditEvent,
    Patient,
    PaymentType,
    Poli,
    Region,
    User,
    Visit,
    VisitDiagnosis,
    writing,
)
from kupang_desk.office import current_letterhead


def processing_history(patient_id: int, *, user: SignedIn | None = None) -> list[AuditEvent]:
    """Every event about the patient or one of their visits, oldest first."""
    require("patient.read", user)
    visit_ids = [str(v) for (v,) in Visit.select(Visit.id).where(Visit.patient == patient_id).tuples()]
    condition = (AuditEvent.table_name == "patient") & (AuditEvent.record_id == str(patient_id))
    for chunk in pw.chunked(visit_ids, 500):
        condition |= (AuditEvent.table_name == "visit") & AuditEvent.record_id.in_(chunk)
    return list(AuditEvent.select(AuditEvent, User).join(User, pw.JOIN.LEFT_OUTER).where(condition).order_by(AuditEvent.id))


def write_subject_report(patient_id: int, path: str | Path, *, user: User | None = None,
                         today: dt.date | None = None) -> Path:
    user = require("patient.read", user)
    patient = Patient.get_or_none(Patient.id == patient_id)
    if patient is None:
        raise KnownError(_("Pasien tidak ditemukan."))
    path = Path(path)
    pdf_writer.register_fonts()
    style, escape = pdf_writer.text_style, pdf_writer.escape
    width = A4[0] - 30 * mm
    head = current_letterhead()
    story = pdf_writer.letterhead_block(head, width)
    story += [Spacer(1, 4 * mm), Paragraph(escape(_("DATA PRIBADI DAN RIWAYAT PEMROSESAN")), style(12, bold=True, center=True)),
              Paragraph(escape(_("atas permintaan subjek data, per {date}").format(date=format_date(today or clock.today()))),
                        style(9, center=True)), Spacer(1, 5 * mm),
              Paragraph(escape(_("1. Data pribadi yang disimpan")), style(10, bold=True)), Spacer(1, 2 * mm)]
    kelurahan = Region.get_or_none(Region.code == patient.kelurahan_code)
    payment = PaymentType.get_or_none(PaymentType.id == patient.payment_type_id)
    facts = [
        (_("No. RM"), patient.no_rm), (_("NIK"), patient.nik or "-"), (_("Nama"), patient.name),
        (_("Jenis kelamin"), _("Laki-laki") if patient.sex == "L" else _("Perempuan")),
        (_("Tempat, tanggal lahir"), ", ".join(p for p in (patient.birth_place, format_date(patient.birth_date)) if p)),
        (_("Nama ibu kandung"), patient.mother_name or "-"), (_("NIK ibu"), patient.mother_nik or "-"),
        (_("No. KK"), patient.kk_number or "-"),
        (_("Cara bayar"), payment.name if payment else "-"), (_("No. BPJS"), patient.bpjs_number or "-"),
        (_("Telepon"), patient.phone or "-"),
        (_("Alamat"), ", ".join(p for p in (patient.address, kelurahan.name if kelurahan else "") if p) or "-"),
        (_("Terdaftar sejak"), format_date(patient.created_at.date() if patient.created_at else None)),
    ]
    table = Table([[Paragraph(escape(k), style(9)), Paragraph(escape(str(v)), style(9))] for k, v in facts],
                  colWidths=[45 * mm, width - 45 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, Spacer(1, 5 * mm), Paragraph(escape(_("2. Kunjungan dan diagnosis")), style(10, bold=True)),
              Spacer(1, 2 * mm)]
    visits = list(Visit.select(Visit, Poli).join(Poli).where((Visit.patient == patient) & Visit.deleted_at.is_null())
                  .order_by(Visit.visit_at))
    codes: dict[int, list[str]] = {}
    for chunk in pw.chunked([v.id for v in visits], 500):
        for visit_id, code in VisitDiagnosis.select(VisitDiagnosis.visit, VisitDiagnosis.icd10).where(
                VisitDiagnosis.visit.in_(chunk)).order_by(VisitDiagnosis.position).tuples():
            codes.setdefault(visit_id, []).append(code)
    rows = [[_("Tanggal"), _("Poli"), _("Diagnosis (ICD-10)")]]
    rows += [[format_datetime(v.visit_at), v.poli.name, ", ".join(codes.get(v.id, []))] for v in visits]
    if len(rows) == 1:
        rows.append([_("(belum ada kunjungan)"), "", ""])
    visit_table = LongTable(rows, colWidths=[40 * mm, 40 * mm, width - 80 * mm], repeatRows=1)
    visit_table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), pdf_writer.FONT, 8), ("FONT", (0, 0), (-1, 0), pdf_writer.BOLD, 8),
                                     ("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
    story += [visit_table, Spacer(1, 5 * mm), Paragraph(escape(_("3. Riwayat pemrosesan (siapa, kapan, apa)")), style(10, bold=True)),
              Spacer(1, 2 * mm)]
    events = processing_history(patient.id)
    rows = [[_("Waktu"), _("Oleh"), _("Tindakan"), _("Rincian")]]
    for event in events:
        try:
            details = json.loads(event.details or "{}")
        except ValueError:
            details = {}
        summary = ", ".join(f"{k}: {v}" for k, v in details.items() if k not in ("hash",))[:120]
        rows.append([format_datetime(event.at), audit.who(event), audit.action_label(event.action),
                     Paragraph(escape(summary or "-"), style(7))])
    history_table = LongTable(rows, colWidths=[32 * mm, 45 * mm, 28 * mm, width - 105 * mm], repeatRows=1)
    history_table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), pdf_writer.FONT, 7.5),
                                       ("FONT", (0, 0), (-1, 0), pdf_writer.BOLD, 7.5),
                                       ("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(history_table)
    document = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=12 * mm,
                                 bottomMargin=16 * mm, title=_("Data pribadi {no_rm}").format(no_rm=patient.no_rm),
                                 author=head.name)
    try:
        document.build(story, canvasmaker=pdf_writer.NumberedCanvas)
    except OSError as error:
        raise KnownError(_("File {path} tidak dapat ditulis ({detail}). Pilih folder lain.").format(
            path=path, detail=os_reason(error))) from error
    with writing():
        audit.record("export", "patient", patient.id, {"document": "data pribadi dan riwayat pemrosesan",
                                                       "file": str(path)}, user)
    return path
