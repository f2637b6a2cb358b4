"""Cetak: the saved PDF in the print preview, printed through QPrinter with its paper and orientation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pypdf
import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from kupang_desk.ui import printing
from kupang_desk.ui.printing import PrintPreview
from kupang_desk.ui.reports import ReportsPage
from tests.helpers.factories import new_patient, new_visit

F4 = (215 / 25.4 * 72, 330 / 25.4 * 72)


def make_pdf(path: Path, size, pages: int) -> Path:
    drawing = canvas.Canvas(str(path), pagesize=size)
    for number in range(pages):
        drawing.setFont("Helvetica-Bold", 40)
        drawing.drawString(72, size[1] - 144, f"Halaman {number + 1}")
        drawing.rect(36, 36, size[0] - 72, size[1] - 72)
        drawing.showPage()
    drawing.save()
    return path


def print_to_pdf(dialog: PrintPreview, target: Path) -> pypdf.PdfReader:
    """What the printer receives, through Qt's own PDF printer output."""
    dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    dialog.printer().setOutputFileName(str(target))
    dialog.paint_pages(dialog.printer())
    return pypdf.PdfReader(target)


@pytest.mark.parametrize(("size", "paper"), [(A4, (595, 842)), (landscape(F4), (935, 609))])
def test_every_page_reaches_the_printer_on_the_pdfs_paper(qtbot, tmp_path, size, paper):
    dialog = PrintPreview(make_pdf(tmp_path / "laporan.pdf", size, 3), title="LB1 Oktober 2026")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Pratinjau cetak: LB1 Oktober 2026"
    printed = print_to_pdf(dialog, tmp_path / "printer.pdf")
    assert len(printed.pages) == 3
    for page in printed.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == paper
    # the page is drawn, not left blank: the rendered page carries an image
    assert printed.pages[2].images


def test_the_preview_says_when_there_is_no_printer_and_saves_the_same_pdf(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(printing, "printers_available", lambda: False)
    source = make_pdf(tmp_path / "kartu.pdf", A4, 1)
    dialog = PrintPreview(source)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.no_printer.isVisible() and "Tidak ada printer" in dialog.no_printer.text()
    copy = dialog.save_copy(str(tmp_path / "salinan.pdf"))
    assert copy.read_bytes() == source.read_bytes()
    monkeypatch.setattr(printing, "printers_available", lambda: True)
    with_printer = PrintPreview(source)
    qtbot.addWidget(with_printer)
    with_printer.show()
    assert not with_printer.no_printer.isVisible()


def test_a_broken_pdf_is_refused_in_words(tmp_path):
    broken = tmp_path / "rusak.pdf"
    broken.write_bytes(b"%PDF-1.4 bukan pdf")
    with pytest.raises(Exception, match="tidak bisa dibaca untuk dicetak"):
        PrintPreview(broken)


def test_cetak_on_the_reports_page_opens_the_preview_of_the_lb1(qtbot, sqlite_database, tmp_path):
    new_visit(new_patient(), dt.datetime(2026, 10, 5, 9), "J06.9")
    page = ReportsPage(today=dt.date(2026, 11, 3))
    qtbot.addWidget(page)
    page.show()
    page.paper.setCurrentIndex(page.paper.findData("F4"))
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(page, "print_preview", None) is not None, timeout=15000)
    preview = page.print_preview
    qtbot.addWidget(preview)
    assert preview.isVisible() and preview.pages() >= 1
    assert "pratinjau cetak dibuka" in page.status.text()
    printed = print_to_pdf(preview, tmp_path / "printer.pdf")
    first = printed.pages[0]
    assert round(float(first.mediabox.width)) == 935  # the LB1 is F4 landscape on paper too
    assert preview.pdf.parent == printing.print_folder() and preview.pdf.exists()
    preview.reject()
    assert not preview.pdf.exists()  # a PDF made only for printing goes when the preview closes
