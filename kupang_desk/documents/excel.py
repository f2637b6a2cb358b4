"""Reports as Excel workbooks in the health office's layout (openpyxl).

Letterhead rows, merged group headers, a frozen header, widths that fit, borders,
totals as formulas, identifiers as text (format ``@``), and print setup: landscape
or portrait, one page wide, header rows repeated, A4 or F4.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kupang_desk.documents import signing
from kupang_desk.documents.table import Report, ReportTable
from kupang_desk.errors import KnownError, os_reason
from kupang_desk.formatting import format_nip, place_and_date
from kupang_desk.i18n import _

PAPER = {"A4": 9, "F4": 14}  # Excel paper sizes: 9 = A4, 14 = Folio (8.5 x 13 in, the Indonesian F4)
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
# Every font is named: a font without a name shows as a serif fallback in LibreOffice. Calibri is
# what the offices' Excel uses; LibreOffice shows it as the metric-compatible Carlito.
FONT_NAME = "Calibri"
WRAPPED_FROM = 18  # text columns at least this wide wrap instead of running under the next column
POINTS_PER_LINE = 15  # one line of 11 pt Calibri, Excel's own row height


def font(**style) -> Font:
    """An Excel font in the family of every report (bold, size... as openpyxl's ``Font``)."""
    return Font(name=FONT_NAME, family=2, **style)


# Text that Excel or LibreOffice would run as a formula (or a DDE call) when it starts so.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def put(cell, value):
    """Sets ``cell`` (normal or write-only) to ``value``; text is always text, never a formula,
    and loses the control characters Excel refuses. Every xlsx writer of the app uses this."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True  # Excel keeps it text even when the clerk edits the cell
    else:
        cell.value = value
    return cell


def safe_values(sheet, values: list) -> list:
    """A row for a write-only sheet: text that needs it becomes a text cell (see ``put``), the
    rest stays plain values, so that a long export costs about what openpyxl itself costs."""
    for index, value in enumerate(values):
        if isinstance(value, str) and value and (value[0] in FORMULA_STARTS or ILLEGAL_CHARACTERS_RE.search(value)):
            values[index] = put(WriteOnlyCell(sheet), value)
    return values


def formula(cell, text: str):
    """The one way the app writes a formula it made itself (totals)."""
    cell.value = text
    return cell


def write_workbook(reports: list[Report], path: str | Path, *, paper: str = "A4") -> Path:
    """Writes one sheet per report into a new workbook at ``path``."""
    path = Path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for report in reports:
        sheet = workbook.create_sheet(_unique_title(workbook, report.sheet_title or report.kind))
        write_sheet(sheet, report, paper=paper)
        if report.stamp is not None:
            _write_stamp(workbook, sheet, report.stamp)
        if report.anchor:
            workbook.properties.keywords = str(report.anchor)
            sheet.oddFooter.right.text = report.anchor.label()
            sheet.oddFooter.right.size = 7
    save(workbook, path)
    return path


STAMP_SHEET, STAMP_FORMAT = "kupang_desk_data", "kupang-desk-report/2"  # /1 carried no signature
STAMP_CHUNK = 30_000  # characters per cell (Excel keeps at most 32,767)
MAX_STAMPED_FILE = 20 * 1024 * 1024


def visible_digest(sheet) -> str:
    """SHA-256 of a sheet's cells as written (coordinates and values; formulas as their text), so
    that a number changed in Excel after the file was made shows."""
    digest = hashlib.sha256()
    for row in sheet.iter_rows():
        for cell in row:
            value = getattr(cell, "value", None)
            if value is None or value == "":
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            digest.update(f"{cell.row},{cell.column}={value}\n".encode())
    return digest.hexdigest()


def _write_stamp(workbook: Workbook, sheet: Worksheet, stamp: dict) -> None:
    """A hidden sheet with the report's data as JSON, with the visible sheet's SHA-256 inside it, and
    signed by the office (``documents.signing``): A1 the format, A2 the SHA-256 of the data, A3 the
    signature block, A4 onwards the data."""
    data = {**stamp, "sheet": sheet.title, "visible_sha256": visible_digest(sheet)}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    hidden = workbook.create_sheet(STAMP_SHEET)
    hidden.sheet_state = "hidden"
    put(hidden["A1"], STAMP_FORMAT)
    put(hidden["A2"], hashlib.sha256(text.encode()).hexdigest())
    put(hidden["A3"], json.dumps(signing.sign(str(stamp.get("institution_code") or ""), text.encode())))
    for index in range(0, len(text), STAMP_CHUNK):  # a piece may start with "=": text, through put
        put(hidden.cell(row=4 + index // STAMP_CHUNK, column=1), text[index:index + STAMP_CHUNK])


class NotStamped(KnownError):
    """A workbook without Kupang Desk's data sheet (another program's, or typed by hand)."""


def read_stamp(path: str | Path) -> dict:
    """The data a Kupang Desk workbook carries, after checking that neither it nor the visible sheet
    changed since the file was made and signed; ``signing_key`` in it names the key that signed it
    (whether that key is the sender's is the receiver's to judge)."""
    path = Path(path)
    if not path.is_file():
        raise KnownError(_("File {path} tidak ada.").format(path=path))
    if path.stat().st_size > MAX_STAMPED_FILE:
        raise KnownError(_("File {name} terlalu besar untuk laporan puskesmas (lebih dari 20 MB).").format(name=path.name))
    try:
        workbook = load_workbook(path, read_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file: zip, xml, openpyxl's own errors
        raise KnownError(_("File {name} bukan file Excel (.xlsx) yang bisa dibaca.").format(name=path.name)) from error
    try:
        if STAMP_SHEET not in workbook.sheetnames:
            raise NotStamped(_("File {name} tidak dibuat oleh Kupang Desk (tidak ada lembar data laporan), jadi "
                               "tidak diimpor.").format(name=path.name))
        cells = [row[0] for row in workbook[STAMP_SHEET].iter_rows(min_col=1, max_col=1, values_only=True)]
        if cells[:1] == ["kupang-desk-report/1"]:  # an older Kupang Desk's file: sealed, never signed
            signing.signer(None, b"", name=path.name)
        if len(cells) < 4 or cells[0] != STAMP_FORMAT:
            raise NotStamped(_("Lembar data di file {name} tidak dikenal.").format(name=path.name))
        text = "".join(str(c or "") for c in cells[3:])
        altered = _("File {name} sudah diubah sesudah dibuat oleh Kupang Desk ({what}), jadi tidak diimpor. Minta "
                    "puskesmas mengirim ulang file aslinya.")
        if hashlib.sha256(text.encode()).hexdigest() != cells[1]:
            raise KnownError(altered.format(name=path.name, what=_("lembar datanya tidak utuh")))
        try:
            block = json.loads(str(cells[2] or ""))
        except json.JSONDecodeError:
            block = None
        key = signing.signer(block, text.encode(), name=path.name)
        data = json.loads(text)
        if data.get("sheet") not in workbook.sheetnames:
            raise KnownError(altered.format(name=path.name, what=_("lembar laporannya tidak ada")))
        if visible_digest(workbook[data["sheet"]]) != data.get("visible_sha256"):
            raise KnownError(altered.format(name=path.name, what=_("angka atau tulisan di lembar {sheet} berbeda").format(
                sheet=data["sheet"])))
        return {**data, "signing_key": key}
    finally:
        workbook.close()


def save(workbook: Workbook, path: Path) -> None:
    try:
        workbook.save(path)
    except OSError as error:
        raise KnownError(_("File {path} tidak dapat ditulis ({detail}). Pilih folder lain atau tutup file itu di Excel dulu.").format(
            path=path, detail=os_reason(error))) from error


def _unique_title(workbook: Workbook, title: str) -> str:
    candidate, number = title[:31], 2
    while candidate in workbook.sheetnames:
        candidate = f"{title[:27]} ({number})"
        number += 1
    return candidate


def letterhead_rows(sheet: Worksheet, report: Report, width: int) -> int:
    """Writes the letterhead, title and period, each merged across the table; returns the next row."""
    head = report.letterhead
    lines = [(line, font(bold=True, size=12)) for line in head.office]
    lines += [(head.name.upper(), font(bold=True, size=13)), (head.address, font(size=10)), ("", None),
              (report.title, font(bold=True, size=12)), (report.period_line(), font(size=11))]
    for row, (text, style) in enumerate(lines, start=1):
        cell = put(sheet.cell(row=row, column=1), text or None)
        if style:
            cell.font = style
        cell.alignment = Alignment(horizontal="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    rule = len(head.office) + 2
    for column in range(1, width + 1):
        sheet.cell(row=rule, column=column).border = Border(bottom=Side(style="medium"))
    return len(lines) + 2


def write_table(sheet: Worksheet, table: ReportTable, first_row: int) -> tuple[int, int]:
    """Writes ``table`` from ``first_row``; returns (header row, next free row)."""
    columns = table.columns
    keys = {c.key: i + 1 for i, c in enumerate(columns)}
    put(sheet.cell(row=first_row, column=1), table.title).font = font(bold=True)
    top, bottom = first_row + 1, first_row + 2
    for start, end, group in table.header_spans():
        if group:
            put(sheet.cell(row=top, column=start + 1), group)
            if end > start:
                sheet.merge_cells(start_row=top, start_column=start + 1, end_row=top, end_column=end + 1)
            for index in range(start, end + 1):
                put(sheet.cell(row=bottom, column=index + 1), columns[index].header)
        else:
            put(sheet.cell(row=top, column=start + 1), columns[start].header)
            sheet.merge_cells(start_row=top, start_column=start + 1, end_row=bottom, end_column=start + 1)
    for row in (top, bottom):
        for index in range(1, len(columns) + 1):
            cell = sheet.cell(row=row, column=index)
            cell.font, cell.alignment, cell.border, cell.fill = font(bold=True), CENTER, BOX, HEADER_FILL
    # Wrapped headers get the height their lines need: LibreOffice does not grow a row for a merged
    # cell, so without it the lines of the recap's headers print over each other.
    widths = [c.width for c in columns]
    top_lines = bottom_lines = 1
    for start, end, group in table.header_spans():
        if group:
            top_lines = max(top_lines, header_lines(group, sum(widths[start:end + 1], 0.0)))
            bottom_lines = max([bottom_lines] + [header_lines(columns[i].header, widths[i]) for i in range(start, end + 1)])
        else:
            bottom_lines = max(bottom_lines, header_lines(columns[start].header, widths[start]) - top_lines)
    sheet.row_dimensions[top].height = top_lines * POINTS_PER_LINE
    sheet.row_dimensions[bottom].height = bottom_lines * POINTS_PER_LINE
    row_number = bottom + 1
    first_data = row_number
    for values in table.rows:
        lines = 1
        for index, (spec, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = sheet.cell(row=row_number, column=index)
            if spec.total_of:
                letters = [f"{get_column_letter(keys[k])}{row_number}" for k in spec.total_of]
                formula(cell, "=" + "+".join(letters) if len(letters) <= 3 else f"=SUM({','.join(letters)})")
            elif spec.kind == "id":
                put(cell, "" if value is None else str(value))
                cell.number_format = "@"
            else:
                put(cell, value)
            if spec.numeric:
                cell.number_format = number_format(spec)
            cell.border = BOX
            if spec.kind == "text" and spec.key == "no":
                cell.alignment = Alignment(horizontal="center")
            elif spec.kind == "text" and spec.width >= WRAPPED_FROM:
                cell.alignment = WRAP
                lines = max(lines, header_lines(value or "", spec.width))
        if lines > 1:  # LibreOffice does not grow a row for wrapped text by itself
            sheet.row_dimensions[row_number].height = lines * POINTS_PER_LINE
        row_number += 1
    if table.total_label:
        last_data = row_number - 1
        for index, spec in enumerate(columns, start=1):
            cell = sheet.cell(row=row_number, column=index)
            if spec.numeric and spec.summed:
                letter = get_column_letter(index)
                formula(cell, f"=SUM({letter}{first_data}:{letter}{last_data})") if table.rows else put(cell, 0)
                cell.number_format = number_format(spec)
            elif index - 1 == table.label_column():
                put(cell, table.total_label)
            cell.font, cell.border, cell.fill = font(bold=True), BOX, TOTAL_FILL
        row_number += 1
    if table.note:
        put(sheet.cell(row=row_number, column=1), table.note).font = font(italic=True, size=9)
        row_number += 1
    return top, row_number + 1


def header_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped at spaces in a column ``width`` characters wide."""
    lines, used = 1, 0
    for word in str(text).split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines + str(text).count("\n")


def number_format(spec) -> str:
    """Thousands grouped; Rupiah shown as ``Rp1.800.000`` while the cell stays a number."""
    return {"money": '"Rp"#,##0', "rate": "#,##0.0"}.get(spec.kind, "#,##0")


def signature_rows(sheet: Worksheet, report: Report, row: int, width: int) -> int:
    head = report.letterhead
    column = max(width - 6, 1)
    lines = [(place_and_date(head.city, report.signed_on), font()), (head.signer_title, font()), ("", None), ("", None),
             ("", None), (head.signer_name, font(bold=True, underline="single")),
             (_("NIP {nip}").format(nip=format_nip(head.signer_nip)) if head.signer_nip else "", font())]
    for offset, (text, style) in enumerate(lines):
        cell = put(sheet.cell(row=row + offset, column=column), text or None)
        if style:
            cell.font = style
    return row + len(lines)


def write_sheet(sheet: Worksheet, report: Report, *, paper: str = "A4") -> None:
    width = max((len(t.columns) for t in report.tables), default=6)  # no table (no file came yet): the note's width
    row = letterhead_rows(sheet, report, width)
    header_rows: list[int] = []
    if report.empty:
        put(sheet.cell(row=row, column=1), report.empty_note()).font = font(italic=True)
        row += 2
    for table in report.tables:
        top, row = write_table(sheet, table, row)
        header_rows.append(top)
    for line in report.closing:
        put(sheet.cell(row=row - 1, column=1), line)
        row += 1
    signature_rows(sheet, report, row, width)
    for index in range(1, width + 1):
        widest = max((t.columns[index - 1].width for t in report.tables if index <= len(t.columns)), default=14)
        sheet.column_dimensions[get_column_letter(index)].width = widest + 1
    if header_rows:
        first_header = header_rows[0]
        sheet.freeze_panes = sheet.cell(row=first_header + 2, column=1)
        sheet.print_title_rows = f"{first_header}:{first_header + 1}"
    setup_print(sheet, landscape=report.landscape, paper=paper)


def setup_print(sheet: Worksheet, *, landscape: bool, paper: str) -> None:
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = PAPER.get(paper, PAPER["A4"])
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = _("Halaman &P dari &N")
