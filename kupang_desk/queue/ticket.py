"""The queue ticket for a 58 mm or 80 mm receipt printer: the puskesmas, the poli, the number
large, the time and the patient's initials only (a ticket left on a bench names nobody)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from kupang_desk.beranda.summary import institution
from kupang_desk.documents.pdf import BOLD, FONT, register_fonts
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime
from kupang_desk.i18n import _
from kupang_desk.office import unit_word
from kupang_desk.queue.entries import Entry

WIDTHS = {58: 58 * mm, 80: 80 * mm}
HEIGHT = 62 * mm


def write_ticket(entry: Entry, path: str | Path, *, width: int = 58) -> Path:
    """One small page, as the receipt printer's driver cuts it."""
    if width not in WIDTHS:
        raise KnownError(_("Lebar kertas struk {width} mm tidak dikenal: 58 atau 80.").format(width=width))
    register_fonts()
    page_width = WIDTHS[width]
    path = Path(path)
    sheet = canvas.Canvas(str(path), pagesize=(page_width, HEIGHT))
    sheet.setTitle(_("Nomor antrean {label}").format(label=entry.label))
    middle = page_width / 2
    office = institution()
    y = HEIGHT - 8 * mm
    for text, font, size in (((office.name if office else "Kupang Desk")[:40], BOLD, 8),
                             (f"{unit_word()} {entry.poli}", FONT, 9)):
        sheet.setFont(font, size)
        sheet.drawCentredString(middle, y, text)
        y -= size * 1.5
    sheet.setFont(BOLD, 30 if width == 58 else 36)
    sheet.drawCentredString(middle, y - 26, entry.label)
    y -= 38
    sheet.setFont(FONT, 8)
    for text in (format_datetime(entry.arrived_at), entry.initials, _("Tunggu sampai nomor Anda dipanggil.")):
        y -= 11
        sheet.drawCentredString(middle, y, text)
    sheet.showPage()
    sheet.save()
    return path
