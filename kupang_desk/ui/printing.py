"""Printing: the PDF the program saves, shown page by page in Qt's print preview and printed through
QPrinter to the printer the clerk picks, with the PDF's paper size and orientation carried over.

Pages are rendered with pdfium (pypdfium2), so what comes out of the printer is exactly the PDF that
"Simpan PDF" writes; nothing is laid out twice.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QBoxLayout, QLabel, QToolBar, QWidget

from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.ui.operations import show_error
from kupang_desk.ui.widgets import ask_save_path, fit_to_screen

POINTS_PER_MM = 72 / 25.4
# Pages are rendered at this resolution for the printer and at the screen's for the preview: text at
# 200 dpi prints clean on office lasers, and an A4 page stays about 12 MB while it is being drawn.
PRINT_DPI = 200
PREVIEW_DPI = 110
# Paper the offices use, in millimetres; F4 (folio) is the Indonesian government paper.
PAPERS = {"A4": (210.0, 297.0), "F4": (215.0, 330.0)}


def paper_of(width_pt: float, height_pt: float) -> tuple[QPageSize, QPageLayout.Orientation]:
    """The page size and orientation of a PDF page given in points (A4 and F4 by name, else exact)."""
    short, long_ = sorted((width_pt / POINTS_PER_MM, height_pt / POINTS_PER_MM))
    orientation = QPageLayout.Orientation.Landscape if width_pt > height_pt else QPageLayout.Orientation.Portrait
    for name, (w, h) in PAPERS.items():
        if abs(short - w) < 2 and abs(long_ - h) < 2:
            if name == "A4":
                return QPageSize(QPageSize.PageSizeId.A4), orientation
            return QPageSize(QSizeF(w, h), QPageSize.Unit.Millimeter, name, QPageSize.SizeMatchPolicy.ExactMatch), orientation
    return QPageSize(QSizeF(short, long_), QPageSize.Unit.Millimeter, "", QPageSize.SizeMatchPolicy.FuzzyMatch), orientation


def printers_available() -> bool:
    return bool(QPrinterInfo.availablePrinters())


class PrintPreview(QPrintPreviewDialog):
    """Qt's print preview of one PDF, with "Simpan PDF..." beside Print and a line when no printer exists."""

    def __init__(self, pdf: Path, parent: QWidget | None = None, title: str = "") -> None:
        import pypdfium2  # pdfium loads when the first document is printed

        try:
            self.document = pypdfium2.PdfDocument(str(pdf))
        except pypdfium2.PdfiumError as error:
            raise KnownError(_("Berkas PDF {name} tidak bisa dibaca untuk dicetak; simpan ulang laporannya.").format(
                name=pdf.name)) from error
        self.pdf = Path(pdf)
        # Kept alive here: the dialog does not own the printer it is given (Qt's printer() returns it).
        printer = self.owned_printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setFullPage(True)  # the PDF carries its own margins
        printer.setDocName(title or self.pdf.stem)
        if len(self.document):
            width, height = self.document[0].get_size()
            size, orientation = paper_of(width, height)
            printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0)))
        super().__init__(printer, parent)
        self.setWindowTitle(_("Pratinjau cetak: {title}").format(title=title or self.pdf.name))
        self.paintRequested.connect(self.paint_pages)
        toolbar = self.findChild(QToolBar)
        if toolbar is not None:
            save = toolbar.addAction(_("Simpan PDF..."))
            save.setObjectName("savePdf")
            save.triggered.connect(lambda: self.save_copy())
        self.no_printer = QLabel(_("Tidak ada printer yang terpasang di komputer ini. Pasang printer lewat Pengaturan "
                                   "Windows (Printer & pemindai), atau simpan PDF-nya dan cetak di komputer lain."))
        self.no_printer.setObjectName("noPrinter")
        self.no_printer.setWordWrap(True)
        self.no_printer.setStyleSheet("color: #a40000; padding: 4px;")
        layout = self.layout()
        assert isinstance(layout, QBoxLayout), layout
        layout.insertWidget(0, self.no_printer)
        self.no_printer.setVisible(not printers_available())
        fit_to_screen(self, 900, 700)

    def pages(self) -> int:
        return len(self.document)

    def paint_pages(self, printer: QPrinter) -> None:
        """Draws every page of the PDF onto ``printer`` (the preview's or the real one), filling the paper."""
        import pypdfium2
        painter = QPainter()
        if not painter.begin(printer):
            show_error(self, KnownError(_("Printer tidak bisa dipakai saat ini; periksa kabel, kertas dan tinta, lalu coba lagi.")))
            return
        previewing = painter.paintEngine().type() == painter.paintEngine().Type.Picture
        dpi = PREVIEW_DPI if previewing else PRINT_DPI
        try:
            for index in range(len(self.document)):
                if index:
                    printer.newPage()
                page = self.document[index]
                # BGRx is Qt's own RGB32 in memory: the page goes to the printer without a conversion.
                bitmap = page.render(scale=dpi / 72, may_draw_forms=True, force_bitmap_format=pypdfium2.raw.FPDFBitmap_BGRx)
                image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB32)
                target = printer.pageLayout().fullRectPixels(printer.resolution())
                painter.drawImage(QRectF(target), image.copy())  # copy: the bitmap's buffer goes with it
                page.close()
        finally:
            painter.end()

    def save_copy(self, path: str | None = None) -> Path | None:
        """"Simpan PDF...": the same file that is being printed, where the clerk wants it."""
        path = path or ask_save_path(self, "printed-pdf", _("Simpan PDF"), self.pdf.name, "PDF (*.pdf)")
        if not path:
            return None
        try:
            shutil.copyfile(self.pdf, path)
        except OSError as error:
            show_error(self, error)
            return None
        return Path(path)

    def done(self, result: int) -> None:
        super().done(result)
        self.document.close()
        if self.pdf.parent == print_folder():  # made only for printing: personal data does not stay in temp
            self.pdf.unlink(missing_ok=True)


@cache
def print_folder() -> Path:
    """Where PDFs made only for printing are written (the system's temporary folder, one per run)."""
    return Path(tempfile.mkdtemp(prefix="kupang-desk-cetak-"))


def preview_pdf(parent: QWidget | None, pdf: Path, title: str = "") -> PrintPreview | None:
    """Opens the print preview of ``pdf``; returns the dialog (already shown, modal) or None on a bad file."""
    try:
        dialog = PrintPreview(pdf, parent, title)
    except KnownError as error:
        show_error(parent, error)
        return None
    dialog.open()
    return dialog
