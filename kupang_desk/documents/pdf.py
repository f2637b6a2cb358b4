"""Reports as printed PDF (ReportLab): letterhead, title, table, pages, signature.

Letterhead of the office with the institution's logo and a rule, the title and period,
the table with its header repeated on every page, "Halaman 1 dari N" at the foot of
each page, and the signature block (place and date, title, name, NIP in its groups).
A4 or F4 (215 x 330 mm), portrait or landscape. Fonts: Bitstream Vera, shipped with
ReportLab, so the PDF looks the same on every PC.
"""

from __future__ import annotations

import functools
import heapq
import io
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kupang_desk.documents.table import Report, ReportTable, shown_number
from kupang_desk.errors import KnownError, os_reason
from kupang_desk.formatting import format_nip, place_and_date
from kupang_desk.i18n import _

F4 = (215 * mm, 330 * mm)
PAPERS = {"A4": A4, "F4": F4}
FONT, BOLD = "Vera", "VeraBd"
_fonts_ready = False


def register_fonts() -> None:
    global _fonts_ready
    if not _fonts_ready:
        pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
        pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))
        _fonts_ready = True


def text_style(size: float, *, bold: bool = False, center: bool = False, leading: float | None = None) -> ParagraphStyle:
    return ParagraphStyle("s", fontName=BOLD if bold else FONT, fontSize=size, leading=leading or size * 1.25,
                          alignment=TA_CENTER if center else 0)


def escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class NumberedCanvas(pdf_canvas.Canvas):
    """Writes "Halaman n dari N" once the number of pages is known."""

    def __init__(self, *args, footer: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._footer = footer

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 7.5)
            width = self._pagesize[0]
            text = _("Halaman {page} dari {total}").format(page=self._pageNumber, total=total)
            self.drawCentredString(width / 2, 8 * mm, f"{text} · {self._footer}" if self._footer else text)
            super().showPage()
        super().save()


def letterhead(report: Report, width: float) -> list:
    return [*letterhead_block(report.letterhead, width), Spacer(1, 4 * mm),
            Paragraph(escape(report.title), text_style(11, bold=True, center=True)),
            Paragraph(escape(report.period_line()), text_style(9, center=True)),
            Spacer(1, 4 * mm)]


def letterhead_block(head, width: float) -> list:
    """The office lines, the institution's name and address beside its logo, a rule under them."""
    lines = [Paragraph(escape(line), text_style(11, bold=True, center=True)) for line in head.office]
    lines.append(Paragraph(escape(head.name.upper()), text_style(13, bold=True, center=True)))
    if head.address:
        lines.append(Paragraph(escape(head.address), text_style(8.5, center=True)))
    logo_width = 20 * mm
    logo = ""
    if head.logo:
        try:
            logo = Image(ImageReader(io.BytesIO(head.logo)), width=logo_width, height=logo_width, kind="proportional")
        except Exception:  # a damaged logo must not stop the report
            logo = ""
    block = Table([[logo, lines, ""]], colWidths=[logo_width, width - 2 * logo_width, logo_width])
    block.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, 0), 1.6, colors.black),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 5),
    ]))
    return [block]


def _fit_identifiers(columns: list, rows: list[list], widths: list[float], font_size: float) -> list[float]:
    """Widths in which every identifier (NISN, NIK, No. KIP, No. Rekening) stands on one line: an
    identifier column grows to its longest value, taking the room from the text columns (a name
    wraps; "051278381 / 8" must never print)."""
    need = {}
    for index, column in enumerate(columns):
        if column.kind == "id":
            # Measured on the longest few by characters (10,000 rows measured whole cost 40 ms).
            values = heapq.nlargest(8, (str(row[index]) for row in rows if row[index] not in (None, "")), key=len)
            longest = max((pdfmetrics.stringWidth(value, FONT, font_size) for value in values), default=0.0)
            if longest + 5 > widths[index]:
                need[index] = longest + 5 - widths[index]
    if not need:
        return widths
    text = [i for i, c in enumerate(columns) if c.kind == "text" and not c.numeric and c.key != "no" and i not in need]
    spare = sum(widths[i] * 0.45 for i in text)  # a text column keeps at least 55% of its width
    wanted = sum(need.values())
    share = min(1.0, spare / wanted) if wanted else 0.0
    fitted = list(widths)
    for index, extra in need.items():
        fitted[index] += extra * share
    taken = wanted * share
    room = sum(widths[i] for i in text) or 1.0
    for index in text:
        fitted[index] -= taken * widths[index] / room
    return fitted


def table_flowable(table: ReportTable, width: float, *, font_size: float = 7.0, rows: slice | None = None,
                   totals: bool = True) -> LongTable | PagedTable:
    """The table with its header; ``rows``: only those rows (the header still on top), ``totals``: with
    the totals row of the whole table when it has one."""
    columns = table.columns
    top, bottom = [], []
    spans = []
    for start, end, group in table.header_spans():
        if group:
            top += [group] + [""] * (end - start)
            bottom += [columns[i].header for i in range(start, end + 1)]
            if end > start:
                spans.append(("SPAN", (start, 0), (end, 0)))
        else:
            top.append(columns[start].header)
            bottom.append("")
            spans.append(("SPAN", (start, 0), (start, 1)))
    cell_style = text_style(font_size, leading=font_size * 1.15)
    total_chars = sum(c.width for c in columns)
    widths = _fit_identifiers(columns, table.rows, [width * c.width / total_chars for c in columns], font_size)
    room = [w - 4 for w in widths]  # the cell's padding
    spanned = _spanned_room(top, room)
    grouped = any(c.group for c in columns)
    if grouped:
        data = [[header_cell(text, spanned[i], font_size) for i, text in enumerate(top)],
                [header_cell(text, room[i], font_size) for i, text in enumerate(bottom)]]
    else:
        # One header row and no spans: ReportLab recomputes spans at every page split,
        # which makes a 10,000-row register crawl.
        data = [[header_cell(text, room[i], font_size) for i, text in enumerate(top)]]
        spans = []
    header_rows = len(data)
    for row in table.rows[rows or slice(None)]:
        data.append([_cell(value, spec, cell_style, room[i]) for i, (value, spec) in enumerate(zip(row, columns, strict=True))])
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, font_size),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#DDEBF7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        *spans,
    ]
    for column, spec in enumerate(columns):
        if spec.numeric:
            style.append(("ALIGN", (column, header_rows), (column, -1), "RIGHT"))
        elif spec.key == "no":
            style.append(("ALIGN", (column, header_rows), (column, -1), "CENTER"))
    last_style = []
    if table.total_label and totals:
        data.append([_cell(value, spec, cell_style, room[i]) if spec.numeric else value
                     for i, (value, spec) in enumerate(zip(table.totals(), columns, strict=True))])
        last_style = [("FONT", (0, -1), (-1, -1), BOLD, font_size), ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2"))]
    if len(data) - header_rows > PagedTable.WINDOW:
        return PagedTable(data[:header_rows], data[header_rows:], widths, style, last_style)
    flowable = LongTable(data, colWidths=widths, repeatRows=header_rows)
    flowable.setStyle(TableStyle(style + last_style))
    return flowable


class PagedTable(Flowable):
    """A long table laid out a page at a time, its header on every page.

    ReportLab splits a table at a page break by measuring it and copying every row still to come
    into a new table, so a 10,000-row register paid for some 270 copies of thousands of rows. This
    keeps the rows in a list and gives each page a LongTable of the next ``WINDOW`` rows only (more
    than the fullest page holds), split where the page ends: the cost grows with the rows.
    """

    WINDOW = 60  # rows measured for one page; a page of the register holds about 45 (more are measured when it holds more)

    def __init__(self, header: list[list], rows: list[list], widths: list[float], style: list, last_style: list,
                 start: int = 0) -> None:
        super().__init__()
        self.header, self.rows, self.widths, self.style, self.last_style = header, rows, widths, style, last_style
        self.start = start
        self.hAlign = "CENTER"  # as a Table is placed
        self._laid: tuple[float, float, LongTable, bool] | None = None  # where it was measured, the table, fits whole

    def _table(self, count: int) -> LongTable:
        end = min(self.start + count, len(self.rows))
        table = LongTable(self.header + self.rows[self.start:end], colWidths=self.widths, repeatRows=len(self.header))
        table.setStyle(TableStyle(self.style + (self.last_style if end == len(self.rows) else [])))
        return table

    def _lay_out(self, width: float, height: float) -> tuple[LongTable, bool] | None:
        """The table of the next rows measured in ``width`` × ``height``, and whether all the rest fit;
        None when not even the header and one row do (the rest begins on the next page)."""
        if self._laid is not None and self._laid[:2] == (width, height):
            return self._laid[2], self._laid[3]
        if self._table(1).wrap(width, height)[1] > height:
            return None
        count = self.WINDOW
        while True:
            table = self._table(count)
            needed = table.wrap(width, height)[1]
            last = self.start + count >= len(self.rows)
            if needed > height or last:
                break
            count *= 2
        self._laid = (width, height, table, last and needed <= height)
        return table, self._laid[3]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        laid = self._lay_out(availWidth, availHeight)
        if laid is None or not laid[1]:
            return availWidth, availHeight + 1  # split here (or, when nothing fits, on the next page)
        return laid[0]._width, laid[0]._height

    def split(self, availWidth: float, availHeight: float) -> list:  # noqa: N803 - ReportLab's names
        laid = self._lay_out(availWidth, availHeight)
        if laid is None:
            return []
        table, whole = laid
        if whole:
            return [table]
        parts = table.split(availWidth, availHeight)
        if len(parts) < 2:
            return parts
        shown = len(parts[0]._cellvalues) - len(self.header)
        return [parts[0], PagedTable(self.header, self.rows, self.widths, self.style, self.last_style, self.start + shown)]

    def draw(self) -> None:
        assert self._laid is not None and self._laid[3], "drawn without being laid out whole"
        self._laid[2].drawOn(self.canv, 0, 0)


def _spanned_room(top: list[str], room: list[float]) -> list[float]:
    """The room of each top header cell, a group header spanning the empty cells after it."""
    spanned = list(room)
    for index, text in enumerate(top):
        if text:
            end = index + 1
            while end < len(top) and top[end] == "":
                end += 1
            spanned[index] = sum(room[index:end]) + 4 * (end - index - 1)
    return spanned


SMALLEST_HEADER = 4.5  # points; below this a printed header cannot be read


def header_cell(text: str, room: float, font_size: float) -> Paragraph:
    """A header that wraps only at spaces: the font shrinks until the longest word fits its column
    ("Jumlah kasus" never prints as "Jumla/h kasus")."""
    size = font_size
    longest = max(text.split(), key=lambda word: pdfmetrics.stringWidth(word, BOLD, font_size), default="")
    while size > SMALLEST_HEADER and pdfmetrics.stringWidth(longest, BOLD, size) > room:
        size -= 0.25
    style = text_style(size, bold=True, center=True, leading=size * 1.15)
    return Paragraph(escape(text), style)


def _cell(value, spec, style, room: float):
    if value is None:
        return ""
    if spec.numeric and isinstance(value, int | float):
        return shown_number(value, spec.kind)
    text = str(value)
    if spec.kind == "id":  # an identifier is never wrapped (its column was widened to hold it)
        return text
    # A Paragraph (which wraps) only where the text is wider than its column: laying out
    # Paragraphs is what makes long tables slow, and plain text would run into the next column.
    if len(text) * style.fontSize < room:  # fits even if every letter were an em wide: no need to measure
        return text
    return Paragraph(escape(text), style) if pdfmetrics.stringWidth(text, style.fontName, style.fontSize) > room else text


def _chart_number(value: float) -> str:
    """``1.250`` for a whole number, ``12,5`` otherwise."""
    return shown_number(int(value) if float(value).is_integer() else float(value), "")


def bar_chart(bars: list[tuple[str, int | float]], width: float) -> Drawing:
    """Horizontal bars, the first on top, drawn with ReportLab's own graphics; the labels as wide as
    the longest needs, the numbers in Indonesian form."""
    height = 14 * mm + 7 * mm * len(bars)
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    room = max([pdfmetrics.stringWidth(str(label), FONT, 7) for label, _value in bars] + [18 * mm]) + 4 * mm
    chart.x, chart.y = room, 8 * mm
    chart.width, chart.height = width - room - 20 * mm, height - 12 * mm
    chart.data = [[value for _label, value in reversed(bars)]]
    chart.categoryAxis.categoryNames = [label for label, _value in reversed(bars)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#0B6E4F")
    chart.barLabelFormat = chart.valueAxis.labelTextFormat = _chart_number
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"  # the number just past the bar's end, never over it
    chart.barLabels.nudge = 3
    drawing.add(chart)
    return drawing


def trend_chart(points: list[tuple[str, int, int]], width: float) -> Drawing:
    """Kunjungan baru and lama per month as stacked columns, as the Beranda draws them, with a legend."""
    height = 62 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 18 * mm, 12 * mm
    chart.width, chart.height = width - 60 * mm, height - 18 * mm
    chart.data = [[new for _label, new, _old in points], [old for _label, _new, old in points]]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = [label for label, _new, _old in points]
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = FONT, 7
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = _chart_number
    chart.bars[0].fillColor = colors.HexColor("#2e7d32")
    chart.bars[1].fillColor = colors.HexColor("#90caf9")
    chart.barWidth, chart.groupSpacing = 6, 4
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 38 * mm, height - 14 * mm
    legend.fontName, legend.fontSize = FONT, 7
    legend.colorNamePairs = [(colors.HexColor("#2e7d32"), _("Kunjungan baru")), (colors.HexColor("#90caf9"), _("Kunjungan lama"))]
    drawing.add(legend)
    return drawing


def signature(report: Report, width: float, *, mark: Flowable | None = None) -> KeepTogether:
    head = report.letterhead
    lines = [place_and_date(head.city, report.signed_on), head.signer_title, "", "", "",
             f"<u><b>{escape(head.signer_name or '........................................')}</b></u>",
             _("NIP {nip}").format(nip=format_nip(head.signer_nip)) if head.signer_nip else ""]
    block = Table([["", [Paragraph(line or "&nbsp;", text_style(9)) for line in lines]]], colWidths=[width * 0.62, width * 0.38])
    return KeepTogether([*([mark] if mark is not None else []), Spacer(1, 6 * mm), block])


class PageMark(Flowable):
    """Takes no room; notes the page it lands on (where a table ended, where the signature went)."""

    def __init__(self, pages: list[int]) -> None:
        super().__init__()
        self.pages = pages

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self) -> None:
        self.pages.append(self.canv.getPageNumber())


KEPT_WITH_SIGNATURE = 3  # rows of the last table that go to the signature's page rather than leave it alone


def write_pdf(report: Report, path: str | Path, *, paper: str = "A4") -> Path:
    """Writes the report as a PDF at ``path``. The signature never stands alone on the last page:
    when it would, the last rows of the last table go over with it (under the repeated header)."""
    register_fonts()
    path = Path(path)
    table_end: list[int] = []
    signed: list[int] = []
    _build(report, path, paper, 0, table_end, signed)
    last = report.tables[-1] if report.tables else None
    if last is not None and table_end and signed and signed[-1] > table_end[-1] and len(last.rows) > KEPT_WITH_SIGNATURE:
        _build(report, path, paper, KEPT_WITH_SIGNATURE, [], [])
    return path


def _build(report: Report, path: Path, paper: str, keep_last: int, table_end: list[int], signed: list[int]) -> None:
    size = PAPERS.get(paper, A4)
    size = landscape(size) if report.landscape else portrait(size)
    margin = 12 * mm
    width = size[0] - 2 * margin
    story: list = letterhead(report, width)
    if report.empty:
        story.append(Paragraph(escape(report.empty_note()), text_style(9)))
    font_size = 6.3 if report.tables and len(report.tables[0].columns) > 20 else 8.0
    for number, table in enumerate(report.tables, start=1):
        story += [CondPageBreak(30 * mm), Paragraph(escape(table.title), text_style(9, bold=True)), Spacer(1, 1.5 * mm)]
        if keep_last and number == len(report.tables):
            story += [table_flowable(table, width, font_size=font_size, rows=slice(0, -keep_last), totals=False),
                      PageBreak(), table_flowable(table, width, font_size=font_size, rows=slice(-keep_last, None))]
        else:
            story.append(table_flowable(table, width, font_size=font_size))
        story.append(PageMark(table_end))
        if table.note:
            story += [Spacer(1, 1 * mm), Paragraph(escape(table.note), text_style(7.5))]
        story.append(Spacer(1, 4 * mm))
    if report.chart:
        story += [CondPageBreak(60 * mm)]
        if report.chart_title:
            story += [Paragraph(escape(report.chart_title), text_style(9, bold=True)), Spacer(1, 1.5 * mm)]
        story += [bar_chart(report.chart, width)]
    if report.trend:
        story += [CondPageBreak(70 * mm), Paragraph(escape(report.trend_title), text_style(9, bold=True)),
                  Spacer(1, 1.5 * mm), trend_chart(report.trend, width)]
    for line in report.closing:
        story.append(Paragraph(escape(line), text_style(9)))
    story.append(signature(report, width, mark=PageMark(signed)))
    document = SimpleDocTemplate(str(path), pagesize=size, leftMargin=margin, rightMargin=margin, topMargin=margin,
                                 bottomMargin=16 * mm, title=f"{report.title} {report.period.label()}",
                                 author=report.letterhead.name, keywords=str(report.anchor or ""))
    footer = report.anchor.label() if report.anchor else ""
    try:
        document.build(story, canvasmaker=functools.partial(NumberedCanvas, footer=footer))
    except OSError as error:
        raise KnownError(_("File {path} tidak dapat ditulis ({detail}). Pilih folder lain atau tutup file itu dulu.").format(
            path=path, detail=os_reason(error))) from error


def write_letters(path: Path, story: list, *, size: tuple[float, float], margin: float, title: str, author: str) -> None:
    """Writes letters (one per page, their pages already broken in ``story``) on portrait paper of ``size``."""
    document = SimpleDocTemplate(str(path), pagesize=size, leftMargin=margin, rightMargin=margin, topMargin=14 * mm,
                                 bottomMargin=16 * mm, title=title, author=author)
    try:
        document.build(story)
    except OSError as error:
        raise KnownError(_("File {path} tidak dapat ditulis ({detail}). Pilih folder lain atau tutup file itu dulu.").format(
            path=path, detail=os_reason(error))) from error
