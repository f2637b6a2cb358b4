"""The patient card (kartu berobat): ID-card size, No. RM as text and as a Code 128 barcode."""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics.barcode import code128
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from kupang_desk import audit
from kupang_desk.accounts.permissions import require
from kupang_desk.errors import KnownError, os_reason
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.models import Institution, Patient, Region, User

CARD = (85.6 * mm, 54.0 * mm)  # ISO/IEC 7810 ID-1, like a KTP


def write_patient_card(patient_id: int, path: str | Path, *, user: User | None = None) -> Path:
    """Writes the card as a one-page PDF; the print is recorded in the audit trail."""
    user = require("patient.read", user)
    patient = Patient.get_or_none(Patient.id == patient_id)
    if patient is None:
        raise KnownError(_("Pasien tidak ditemukan."))
    institution = Institution.select().first()
    path = Path(path)
    width, height = CARD
    try:
        pdf = canvas.Canvas(str(path), pagesize=CARD)
    except OSError as error:
        raise KnownError(_("File {path} tidak dapat ditulis: {detail}").format(path=path, detail=os_reason(error))) from error
    pdf.setTitle(_("Kartu berobat {no_rm}").format(no_rm=patient.no_rm))
    pdf.setFillColorRGB(0.04, 0.43, 0.31)
    pdf.rect(0, height - 11 * mm, width, 11 * mm, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.setFont("Helvetica-Bold", 8)
    pdf.drawString(4 * mm, height - 5 * mm, (institution.name if institution else "Kupang Desk")[:48])
    pdf.setFont("Helvetica", 6.5)
    pdf.drawString(4 * mm, height - 9 * mm, _("KARTU BEROBAT"))
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(4 * mm, height - 17.5 * mm, _("No. RM {no_rm}").format(no_rm=patient.no_rm))
    pdf.setFont("Helvetica-Bold", 9)
    pdf.drawString(4 * mm, height - 23 * mm, patient.name[:40])
    kelurahan = Region.get_or_none(Region.code == patient.kelurahan_code)
    lines = [
        _("Lahir: {date} ({sex})").format(date=format_date(patient.birth_date), sex=patient.sex),
        _("NIK: {nik}").format(nik=patient.nik or "-"),
        _("BPJS: {number}").format(number=patient.bpjs_number or "-"),
        (kelurahan.name if kelurahan else patient.address)[:45],
    ]
    pdf.setFont("Helvetica", 7)
    for row, line in enumerate(lines):
        pdf.drawString(4 * mm, height - (27.5 + row * 3.6) * mm, line)
    barcode = code128.Code128(patient.no_rm, barHeight=9 * mm, barWidth=0.9)
    barcode.drawOn(pdf, width - barcode.width - 3 * mm, 4.5 * mm)
    pdf.setFont("Helvetica", 5.5)
    pdf.drawRightString(width - 3 * mm, 1.2 * mm, _("Bawa kartu ini setiap berobat."))
    pdf.showPage()
    try:
        pdf.save()
    except OSError as error:
        raise KnownError(_("File {path} tidak dapat ditulis: {detail}").format(path=path, detail=os_reason(error))) from error
    audit.record("print", "patient", patient.id, {"document": "kartu berobat", "file": str(path)}, user)
    return path
