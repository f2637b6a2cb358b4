"""Reading the first sheet of a spreadsheet or CSV file, and the cells every import shares."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import logging
import math
import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_number
from kupang_desk.i18n import _
from kupang_desk.imports.rows import RowError, cell_text
from kupang_desk.imports.sheet_pieces import read_pieces, sheet_head
from kupang_desk.imports.sheet_size import Limits, check_size, measure_xlsx, too_many_rows

log = logging.getLogger(__name__)

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
    repair) or of a CSV file (comma, semicolon or tab; UTF-8, UTF-16 or Windows text); see
    ``iter_sheet``, which gives them one at a time."""
    _total, rows = iter_sheet(path)
    return list(rows)


def iter_sheet(path: Path) -> tuple[int, Iterator[list]]:
    """The first sheet's row count and its rows one at a time, as Excel numbers them (the empty rows
    and columns before the data put back), so that an import holds one row at a time.

    An xlsx is measured from its XML before calamine sees it (``check_size``): calamine reserves
    memory for the whole rectangle a sheet claims, and a rectangle too large ends the process. A sheet
    of plain XML (what Excel writes) is then read a piece at a time (``sheet_pieces``): the next piece
    on a thread while the caller checks this one's rows, and never the whole sheet in memory. Its rows
    end at their own last cell (a row of a piece with fewer columns is shorter, as a CSV row may be)."""
    if not path.is_file():
        raise KnownError(_("File {path} tidak ditemukan.").format(path=path))
    if path.suffix.lower() in (".csv", ".txt"):
        lines = _csv_line_count(path)
        if lines > Limits.rows * 1.1 + 1:  # refused before a row is read (a note may span lines: some room)
            raise too_many_rows(path, lines)
        return lines, csv_rows(path)
    measured, head = None, None
    if zipfile.is_zipfile(path):
        try:
            measured = measure_xlsx(path)
            check_size(measured, path)
            head = sheet_head(path, measured.part) if measured.plain else None
        except (zipfile.BadZipFile, OSError, zlib.error, EOFError, NotImplementedError) as error:
            log.warning("Unreadable xlsx %s: %r", path, error)  # the technical text, for IT staff
            raise KnownError(_("File {path} rusak dan tidak dapat dibaca: isinya terpotong atau bukan file Excel yang "
                               "utuh. Buka di Excel, simpan ulang, lalu impor lagi.").format(path=path)) from error
    if measured is not None and head is not None:  # calamine reads a piece, the next while its rows are checked
        return measured.last_data_row, _piece_rows(read_pieces(path, measured.part, head), path)
    wait = _read_meanwhile(path)
    if measured is None:  # an old .xls or .ods: its row count is calamine's
        sheet = wait()
        total = sheet.end[0] + 1 if sheet.start and sheet.end else 0
        wait = lambda: sheet  # noqa: E731
    else:
        total = measured.last_data_row  # where calamine's sheet ends, known without waiting for it

    def rows() -> Iterator[list]:
        # iter_rows streams the sheet's used range, after as many empty rows as come before it; the
        # columns before it are put back, so that line numbers and columns are those Excel shows.
        sheet = wait()
        left, right = (sheet.start or (0, 0))[1], (sheet.end or (0, 0))[1]
        width = right - left + 1
        count = 0
        try:
            for row in sheet.iter_rows():
                count += 1
                if count > Limits.rows + 1000:  # an old .xls or .ods, which has no XML to measure first
                    raise KnownError(_("File {file} berisi lebih dari {limit} baris; pisahkan menjadi beberapa file.").format(
                        file=path.name, limit=format_number(Limits.rows)))
                yield [""] * left + row if left and len(row) == width else row  # a new list per row: the reader's own
        except KnownError:
            raise
        except BaseException as error:
            raise _unreadable(error, path) from error

    return total, rows()


def _piece_rows(pieces: Callable[[], Iterator[Any]], path: Path) -> Iterator[list]:
    """The rows of a sheet read in pieces (``read_pieces``), as the whole sheet gives them: the empty
    rows before each piece's first put back (as many as Excel numbers), each row from column A."""
    given = 0  # rows given so far: the next row's index
    try:
        for sheet in pieces():
            if not sheet.start or not sheet.end:  # a piece of empty or formatted rows only
                continue
            (top, left), right = sheet.start, sheet.end[1]
            if top < given:  # rows written out of order across a cut: the lines would be wrong
                raise KnownError(_("File {file} menyimpan baris-barisnya tidak berurutan (baris {row} sesudah baris "
                                   "{last}). Buka di Excel, simpan ulang, lalu impor lagi.").format(
                    file=path.name, row=format_number(top + 1), last=format_number(given)))
            rows = sheet.to_python(skip_empty_area=True)
            del sheet
            while given < top:
                yield [""] * (right + 1)
                given += 1
            for row in rows:
                yield [""] * left + row if left else row
            given += len(rows)
    except KnownError:
        raise
    except BaseException as error:
        raise _unreadable(error, path) from error


def _read_meanwhile(path: Path) -> Callable[[], Any]:
    """calamine reads the first sheet on a thread of its own while the caller goes on (an import loads its
    lists meanwhile: calamine lets go of the interpreter while it reads); the function returned waits for
    the sheet, and raises the clerk's message when calamine could not read it. The sheet is handed over
    once, so that nothing but the caller keeps it."""
    from python_calamine import CalamineWorkbook

    done: dict[str, Any] = {}

    def read() -> None:
        try:
            done["sheet"] = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        except BaseException as error:  # a Rust panic too: told to the caller, who waits for it
            done["error"] = error

    thread = threading.Thread(target=read, name="kupang-desk-sheet", daemon=True)
    thread.start()

    def wait() -> Any:
        thread.join()
        if "error" in done:
            error = done.pop("error")
            raise _unreadable(error, path) from error
        return done.pop("sheet")

    return wait


def _unreadable(error: BaseException, path: Path) -> BaseException:
    """Calamine raises its own types (and a Rust panic) for unreadable files: the clerk's message instead."""
    if isinstance(error, KeyboardInterrupt | SystemExit | KnownError | GeneratorExit):  # the last: rows left unread
        return error
    log.warning("Calamine could not read %s: %r", path, error)
    return KnownError(_("File {path} tidak dapat dibaca sebagai Excel atau CSV: mungkin rusak, dikunci dengan kata "
                        "sandi, atau sebenarnya berformat lain (misalnya unduhan aplikasi web yang diberi nama .xls). "
                        "Buka di Excel, simpan ulang sebagai .xlsx, lalu impor lagi.").format(path=path))


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _encoding(head: bytes, path: Path) -> str:
    for mark, encoding in _BOMS:
        if head.startswith(mark):
            return encoding
    if head.count(b"\x00") > len(head) // 4:  # UTF-16 text: every other byte is zero
        raise KnownError(_("File {file} bukan teks CSV yang dikenal (berisi karakter nol, mungkin UTF-16 tanpa penanda). "
                           "Buka di Excel dan simpan sebagai \"CSV UTF-8 (Comma delimited)\", lalu impor lagi.").format(file=path.name))
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3:  # a character cut by the sample's end
            return "utf-8"
        return "cp1252"  # what Excel on an Indonesian Windows writes as "CSV (Comma delimited)"


def _delimiter(sample: str) -> str:
    """The delimiter that splits the first lines into the same, largest number of columns, quotes
    respected (a ``;`` file whose names hold a quoted comma stays a ``;`` file)."""
    lines = sample.splitlines()[:20]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of the sample may be cut
    best, score = ",", (0, 0)
    for candidate in (";", ",", "\t"):
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=candidate) if row]
        except csv.Error:
            continue
        if not widths or max(widths) < 2:
            continue
        common = max(set(widths), key=widths.count)
        found = (widths.count(common), common)
        if found > score:
            best, score = candidate, found
    return best


def read_csv(path: Path) -> list[list]:
    """A CSV file's rows (see ``csv_rows``, which gives them one at a time)."""
    return list(csv_rows(path))


def csv_rows(path: Path) -> Iterator[list]:
    """A CSV file read as a stream, one row at a time, bounded by ``Limits``."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    encoding = _encoding(head, path)
    csv.field_size_limit(Limits.field)
    count = 0
    try:
        with path.open(encoding=encoding, errors="replace", newline="") as handle:
            delimiter = _delimiter(handle.read(16384))
            handle.seek(0)
            for row in csv.reader(handle, delimiter=delimiter):
                count += 1
                if count > Limits.rows + 1:
                    raise KnownError(_("File {file} berisi lebih dari {limit} baris; pisahkan menjadi beberapa file.").format(
                        file=path.name, limit=format_number(Limits.rows)))
                yield row
    except csv.Error as error:
        log.warning("CSV error in %s at line %d: %r", path, count + 1, error)
        raise KnownError(_("File {file} bukan CSV yang dapat dibaca pada baris {line}: ada tanda kutip yang tidak ditutup "
                           "atau karakter yang tidak sah. Buka di Excel, simpan sebagai CSV UTF-8, lalu impor lagi.").format(
            file=path.name, line=count + 1)) from error


def _csv_line_count(path: Path) -> int:
    """About how many rows a CSV file holds (its line breaks), for the progress bar."""
    lines = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
    return lines


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
    return _text_date(str(value or ""), column)


@lru_cache(maxsize=65536)  # a register repeats its visit days and birth dates: each spelling is read once
def _text_date(value: str, column: str) -> dt.date:
    text = " ".join(value.split())
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
