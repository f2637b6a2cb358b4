"""Reading the first sheet of a spreadsheet or CSV file, and the cells every import shares."""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from pathlib import Path

from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.imports.rows import RowError, cell_text

MONTHS = {name: number for number, names in enumerate((
    ("januari", "jan"), ("februari", "feb", "pebruari"), ("maret", "mar"), ("april", "apr"), ("mei",),
    ("juni", "jun"), ("juli", "jul"), ("agustus", "agu", "agt", "ags"), ("september", "sep", "sept"),
    ("oktober", "okt"), ("november", "nov", "nop"), ("desember", "des")), start=1) for name in names}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_WORD_DATE = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def header_key(value) -> str:
    return " ".join(str(value or "").lower().replace(".", " ").replace("_", " ").split())


def read_sheet(path: Path) -> list[list]:
    """Every row of the first sheet (Excel via python-calamine, tolerant of files Excel would
    repair) or of a CSV file (comma, semicolon or tab)."""
    if not path.is_file():
        raise KnownError(_("File {path} tidak ditemukan.").format(path=path))
    if path.suffix.lower() in (".csv", ".txt"):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return [list(row) for row in csv.reader(text.splitlines(), dialect)]
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return [list(row) for row in workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)]
    except Exception as error:  # calamine raises its own types for unreadable files
        raise KnownError(_("File {path} tidak dapat dibaca sebagai Excel atau CSV ({detail}).").format(
            path=path, detail=error)) from error


def parse_date(value, column: str) -> dt.date:
    """An Excel date or date-time, an Excel serial number, or text: 05-12-2026, 05/12/2026,
    2026-12-05, 5 Desember 2026, 5 Des 2026."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value) or not 1 <= value < 2958466:
            raise RowError(column, _("{column} bukan tanggal: {value}.").format(column=column, value=cell_text(value)))
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = " ".join(str(value or "").split())
    if not text:
        raise RowError(column, _("{column} kosong.").format(column=column))
    try:
        if match := _NUMERIC_DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
            year += 2000 if year < 100 else 0
            return dt.date(year, month, day)
        if match := _ISO_DATE.match(text):
            return dt.date(*(int(part) for part in match.groups()))
        if (match := _WORD_DATE.match(text)) and match.group(2).lower() in MONTHS:
            return dt.date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
    except ValueError:
        pass
    raise RowError(column, _("{column} '{value}' bukan tanggal yang dikenal; tulis misalnya 05-12-2026 atau 5 Desember 2026.").format(
        column=column, value=text))
