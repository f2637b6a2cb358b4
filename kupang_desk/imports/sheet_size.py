"""A sheet's size, read from its XML before calamine sees it: the limits a file may hold, the checks of
the archive's other parts, and the counts of rows and cells (regular expressions over plain XML, the
XML parser otherwise). calamine reserves memory for the whole rectangle a sheet claims, and a
rectangle too large ends the process: a file past the limits is refused with what to do instead."""

from __future__ import annotations

import pyexpat
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_number
from kupang_desk.i18n import _


class Limits:
    """How much a file may hold before it is refused unread: the clerk is told what to do instead of the
    program filling the memory (a cell far out at XFD1048576, a million empty rows of formatting)."""

    # Rows that hold data: six years of a busy puskesmas's register (100 visits a day), four districts'
    # Dapodik exports. What an import keeps of each row it checks stays within about 200 MB at this
    # many; a larger file is split (per year) and imported in parts.
    rows = 200_000
    # Cells the sheet claims beyond the ones that hold data: up to a million, or three empty cells for
    # each full one (a 50,000-student Dapodik export leaves most of its 66 columns empty).
    empty_cells = 1_000_000
    empty_per_full = 3
    # Cells that hold data, in all: 200,000 rows of 75 full columns. calamine keeps 32 bytes a cell and
    # its text, so this many already fill a gigabyte; without it, 200,000 rows of 16,384 columns passed.
    cells = 15_000_000
    field = 32_767  # characters in one CSV field (Excel's limit for one cell)


# After r="..." no "/" but the one that closes an empty cell (a greedy class, a third faster than a lazy one).
_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>/]*(/?)>')
_DIMENSION = re.compile(rb'<dimension\b[^>]*\bref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"')
# What Excel, LibreOffice and openpyxl never write into a sheet, and a regular expression cannot read
# as XML does: comments, CDATA, declarations, prefixed element names. A sheet holding any of them is
# read with the XML parser instead.
_NOT_PLAIN = re.compile(rb"<!--|<!\[CDATA\[|<!DOCTYPE|<!ENTITY|<[A-Za-z_][\w.-]*:(?:c|dimension)[\s/>]")
# The same in one pass where no name prefix is involved: a declaration, comment or CDATA, or a cell
# tag followed by anything but a space (Excel writes ``<c r=``), which the XML parser reads instead.
_ODD = re.compile(rb"<(?:!|c[\t\n\r>/])")
_PREFIXED = re.compile(rb":(?:c|dimension)")  # where _NOT_PLAIN needs looking for: one quick pass
_REFERENCE = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
_SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


SHARED_STRINGS = "xl/sharedStrings.xml"  # the workbook's texts, when it keeps them apart from the cells


class ZipLimits:
    """What the parts of an xlsx may unpack to before it is refused unread (a zip bomb is a few
    hundred kilobytes that unpack to gigabytes). The first sheet is read as a stream and may be
    large; the shared strings and the rest are held whole by the reader."""

    shared_strings = 100 * 1024 * 1024
    other_part = 20 * 1024 * 1024
    ratio = 200  # unpacked / packed: XML of a real sheet packs 5 to 50 times
    ratio_from = 1024 * 1024  # small parts may pack better (a row of empty cells)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@dataclass
class SheetSize:
    """What a worksheet's XML says about its size, read as a stream (never the whole sheet at once)."""

    declared: int = 0  # cells inside the <dimension> the file claims
    rows: int = 0  # the last row with a cell of any kind
    columns: int = 0
    data_cells: int = 0
    data_rows: int = 0  # rows holding at least one value
    last_data_row: int = 0  # the last of them: where calamine's sheet ends
    far: str = ""  # the farthest cell, as Excel names it
    part: str = ""  # the sheet's part in the archive
    plain: bool = False  # measured by the regular expressions: plain XML, every cell with its reference

    @property
    def box(self) -> int:
        return max(self.declared, self.rows * self.columns)


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A part that is read whole (the workbook, its relationships), within ``ZipLimits``."""
    info = archive.getinfo(name)
    if info.file_size > ZipLimits.other_part:
        raise _too_big_part(name, info.file_size)
    with archive.open(info) as part:
        data = part.read(ZipLimits.other_part + 1)
    if len(data) > ZipLimits.other_part:
        raise _too_big_part(name, len(data))
    return data


def _xml(data: bytes, name: str) -> ElementTree.Element:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # never in a spreadsheet: declarations that expand
        raise KnownError(_("File Excel ini memuat deklarasi XML ({part}) yang tidak pernah ditulis Excel; buka di Excel, "
                           "simpan ulang, lalu impor lagi.").format(part=name))
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise zipfile.BadZipFile(f"{name}: {error}") from error


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The worksheet calamine reads as the first: the first <sheet> of the workbook, through its
    rels, read as XML (a comment naming another sheet is a comment)."""
    names = set(archive.namelist())
    target = ""
    if "xl/workbook.xml" in names and "xl/_rels/workbook.xml.rels" in names:
        sheet = _xml(_small_part(archive, "xl/workbook.xml"), "xl/workbook.xml").find(f".//{{{_SPREADSHEET}}}sheet")
        wanted = sheet.get(f"{{{_RELATIONSHIPS}}}id") if sheet is not None else None
        for relation in _xml(_small_part(archive, "xl/_rels/workbook.xml.rels"), "xl/_rels/workbook.xml.rels"):
            if wanted and relation.get("Id") == wanted:
                target = (relation.get("Target") or "").lstrip("/")
                target = target if target.startswith("xl/") else "xl/" + target
    if target in names:
        return target
    sheets = sorted(name for name in names if name.startswith("xl/worksheets/") and name.endswith(".xml"))
    if not sheets:
        raise KnownError(_("File Excel ini tidak memuat lembar kerja."))
    return sheets[0]


def _too_big_part(name: str, size: int) -> KnownError:
    return KnownError(_("File Excel ini berisi bagian {part} yang bila dibuka menjadi {size} MB: terlalu besar untuk "
                        "sebuah lembar data (file rusak atau sengaja dibuat membengkak). Buka di Excel, salin datanya ke "
                        "buku kerja baru, simpan, lalu impor lagi.").format(part=name, size=format_number(size // (1024 * 1024))))


def check_archive(archive: zipfile.ZipFile, sheet: str) -> None:
    """Every part but the first sheet (which is measured as a stream) unpacked in pieces before the
    reader holds it whole: its size within ``ZipLimits``, its packing ratio believable, and its
    checksum right (so the declared sizes are the true ones)."""
    for info in archive.infolist():
        if info.filename == sheet or info.is_dir():
            continue
        limit = ZipLimits.shared_strings if info.filename == SHARED_STRINGS else ZipLimits.other_part
        if info.file_size > limit or (info.file_size > ZipLimits.ratio_from
                                      and info.file_size > ZipLimits.ratio * max(info.compress_size, 1)):
            raise _too_big_part(info.filename, info.file_size)
        unpacked = 0
        with archive.open(info) as part:  # checks the CRC at its end: a lying size fails here
            while block := part.read(1 << 20):
                unpacked += len(block)
                if unpacked > limit:
                    raise _too_big_part(info.filename, unpacked)


class _Measure:
    """Counts a sheet's cells as the XML parser sees them (any quotes, comments, prefixes)."""

    def __init__(self, size: SheetSize) -> None:
        self.size, self.far_row, self.far_column, self.last_data_row = size, 0, 0, 0
        self.open_cell: tuple[int, bool] | None = None  # the row of the cell being read, whether it held a value

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition("}")[2]
        if local == "c":
            found = _REFERENCE.match(attributes.get("r", ""))
            if found is None:  # a cell without its place: the reader puts it after the last one
                row, column = max(self.far_row, 1), self.far_column + 1
            else:
                row, column = int(found.group(2)), _column_number(found.group(1).encode())
            self.far_row, self.far_column = max(self.far_row, row), max(self.far_column, column)
            self.open_cell = (row, False)
        elif local in ("v", "is", "f") and self.open_cell is not None:
            self.open_cell = (self.open_cell[0], True)
        elif local == "dimension" and not self.size.declared:
            last = attributes.get("ref", "").rpartition(":")[2]
            if found := _REFERENCE.match(last):
                self.size.declared = _column_number(found.group(1).encode()) * int(found.group(2))

    def end(self, name: str) -> None:
        if name.rpartition("}")[2] == "c" and self.open_cell is not None:
            row, held = self.open_cell
            if held:
                self.size.data_cells += 1
                self.size.last_data_row = max(self.size.last_data_row, row)
                if row != self.last_data_row:
                    self.size.data_rows += 1
                    self.last_data_row = row
            self.open_cell = None


def _measure_as_xml(archive: zipfile.ZipFile, name: str) -> SheetSize:
    size = SheetSize()
    measure = _Measure(size)
    parser = pyexpat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler, parser.EndElementHandler = measure.start, measure.end
    parser.EntityDeclHandler = _refuse_entities
    with archive.open(name) as sheet:
        try:
            while block := sheet.read(1 << 20):
                parser.Parse(block, False)
            parser.Parse(b"", True)
        except pyexpat.ExpatError as error:
            raise zipfile.BadZipFile(f"{name}: {error}") from error
    size.rows, size.columns = measure.far_row, measure.far_column
    size.far = _letters(measure.far_column) + str(measure.far_row) if measure.far_row else ""
    return size


def _refuse_entities(*_args) -> None:
    raise KnownError(_("File Excel ini memuat deklarasi XML yang tidak pernah ditulis Excel; buka di Excel, simpan ulang, "
                       "lalu impor lagi."))


def _letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def measure_xlsx(path: Path) -> SheetSize:
    """The first sheet's size from its XML, decompressed and scanned in pieces of 1 MB, after the
    other parts are checked (``check_archive``). Plain XML (what Excel writes) is scanned with
    regular expressions; a sheet with anything else is read again with the XML parser."""
    with zipfile.ZipFile(path) as archive:
        name = _first_sheet(archive)
        check_archive(archive, name)
        size = _measure_plain(archive, name)
        if size is not None:
            size.plain = True
        else:
            size = _measure_as_xml(archive, name)
        size.part = name
        return size


def _by_length(text: bytes) -> tuple[int, bytes]:
    return len(text), text


def _between(low: str, high: str) -> str:
    """A regular expression for the numbers ``low``..``high``, both written with as many digits."""
    if low == high:
        return low
    if low == "0" * len(low) and high == "9" * len(high):
        return f"[0-9]{{{len(low)}}}"
    if low[0] == high[0]:
        return low[0] + _between(low[1:], high[1:])
    rest = len(low) - 1
    parts = [low[0] + _between(low[1:], "9" * rest)]
    if int(low[0]) + 1 < int(high[0]):
        parts.append(f"[{int(low[0]) + 1}-{int(high[0]) - 1}]" + "[0-9]" * rest)
    parts.append(high[0] + _between("0" * rest, high[1:]))
    return "(?:" + "|".join(parts) + ")"


@lru_cache(maxsize=1024)
def _outside(low: int, high: int, letters: bytes) -> re.Pattern[bytes]:
    """A cell whose reference is not as Excel writes it (``A1``: 1-3 letters, then digits without a
    leading zero), or whose row is outside ``low``..``high``, or whose column is after ``letters``
    (by length, then alphabet): one search over a piece, without an object per cell. The longest row
    numbers are tried first, as most cells have them (a 50,000-row register: 0.10 s a file, 0.05 s so)."""
    rows = "|".join(_between(str(low) if length == len(str(low)) else "1" + "0" * (length - 1),
                             str(high) if length == len(str(high)) else "9" * length)
                    for length in range(len(str(high)), len(str(low)) - 1, -1))
    far = letters.decode()
    columns = [f"[A-Z]{{1,{len(far) - 1}}}"] if len(far) > 1 else []
    columns += [far[:at] + (f"[A-{chr(ord(letter) - 1)}]" if letter > "A" else "(?!)") + "[A-Z]" * (len(far) - at - 1)
                for at, letter in enumerate(far)] + [far]
    return re.compile(f'<c r="(?!(?:{"|".join(columns)})(?:{rows})")'.encode())


_FIRST_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')


class _PlainCount:
    """The running count of ``_measure_plain``, a piece of whole cells at a time."""

    def __init__(self, size: SheetSize) -> None:
        self.size, self.far_row, self.far_letters, self.last_data_row = size, 0, b"", 0

    def piece(self, text: bytes) -> bool:
        """Counts one piece; False when a cell tag is one the expressions do not read."""
        cells = text.count(b"<c ")
        if not cells:
            return True
        if not (self._quick(text, cells) or self._each_cell(text, cells)):
            return False
        # The last cell holding a value (<v>, or <is> for text written in the cell): where calamine's
        # sheet ends. A cell that only carries formatting (<c r="B40" s="1"></c>) is no data for calamine.
        held = max(text.rfind(b"<v>"), text.rfind(b"<v "), text.rfind(b"<is>"))
        start = text.rfind(b'<c r="', 0, held) if held != -1 else -1
        if start != -1 and (cell := _FIRST_CELL.match(text, start)):
            self.size.last_data_row = max(self.size.last_data_row, int(cell[2]))
        return True

    def _quick(self, text: bytes, cells: int) -> bool:
        """The piece as Excel writes one, counted without an object per cell: every cell ``<c r="A1"``
        and holding a value (closed by ``</c>``), its rows running from the first cell's to the last
        cell's with one row element each, and no cell outside those rows or right of the farthest
        column. Anything else (True not returned) is counted cell by cell instead."""
        if text.count(b'<c r="') != cells or text.count(b"</c>") != cells:
            return False
        first = _FIRST_CELL.match(text, text.find(b'<c r="'))
        last = _FIRST_CELL.match(text, text.rfind(b'<c r="'))
        if first is None or last is None:
            return False
        low, high = int(first[2]), int(last[2])
        first_row = text.find(b"<row ")
        starts_inside_a_row = first_row == -1 or first_row > text.find(b"<c ")
        if high - low + 1 != text.count(b'"><c r="') + starts_inside_a_row:
            return False
        far_letters = max(self.far_letters, first[1], last[1], key=_by_length)
        if _outside(low, high, far_letters).search(text):
            return False
        self.far_letters, self.far_row = far_letters, max(self.far_row, high)
        self.size.data_cells += cells
        self.size.data_rows += high - low + 1 - (low == self.last_data_row)
        self.last_data_row = high
        return True

    def _each_cell(self, text: bytes, count: int) -> bool:
        cells = _CELL.findall(text)
        if len(cells) != count:  # a cell tag the expression does not read: read as XML instead
            return False
        # A sheet has millions of cells: counted with set and list operations, not a loop per cell.
        # Column letters order like numbers: by length, then alphabet.
        self.far_letters = max({letters for letters, _digits, _empty in cells} | {self.far_letters}, key=_by_length)
        self.far_row = max(self.far_row, *map(int, {digits for _letters, digits, _empty in cells}))
        full = [digits for _letters, digits, empty in cells if not empty]
        if full:  # a row cut by the piece's end is counted once, in the piece where it starts
            self.size.data_cells += len(full)
            self.size.data_rows += len({int(digits) for digits in set(full)} - {self.last_data_row})
            self.last_data_row = int(full[-1])
        return True


def _measure_plain(archive: zipfile.ZipFile, name: str, piece_size: int = 1 << 20) -> SheetSize | None:
    """The size by regular expressions; None when the sheet is not plain XML (then they could be fooled).
    The sheet is read in pieces of ``piece_size`` cut before a cell, so that each holds whole cells."""
    size = SheetSize()
    count = _PlainCount(size)
    with archive.open(name) as sheet:
        rest = b""
        head = True
        while True:
            block = sheet.read(piece_size)
            text = rest + block
            if block:
                cut = text.rfind(b"<c ")
                cut = cut if cut > 0 else text.rfind(b"<")
                text, rest = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            # Each test is a pass over the piece: a 50,000-student export unpacks to 70 MB of them.
            if _ODD.search(text) or (_PREFIXED.search(text) and _NOT_PLAIN.search(text)):
                return None
            if head and (dimension := _DIMENSION.search(text)):
                size.declared = _column_number(dimension.group(1)) * int(dimension.group(2))
            head = False
            if not count.piece(text):
                return None
            if not block:
                break
        size.rows, size.columns = count.far_row, _column_number(count.far_letters)
        size.far = count.far_letters.decode() + str(count.far_row) if count.far_row else ""
    return size


def too_many_rows(path: Path, rows: int) -> KnownError:
    return KnownError(_("File {file} berisi {rows} baris data; paling banyak {limit} baris sekali impor. "
                        "Pisahkan menjadi beberapa file (misalnya per tahun), lalu impor satu per satu.").format(
        file=path.name, rows=format_number(rows), limit=format_number(Limits.rows)))


def check_size(size: SheetSize, path: Path) -> None:
    """Refuses, with what to do, a sheet that would not fit: too many rows or cells, or cells claimed far
    beyond the data."""
    if size.data_rows > Limits.rows:
        raise too_many_rows(path, size.data_rows)
    if size.data_cells > Limits.cells:
        raise KnownError(_("File {file} berisi {cells} sel data; paling banyak {limit} sel sekali impor. Hapus kolom "
                           "yang tidak dipakai, atau pisahkan barisnya menjadi beberapa file, lalu impor satu per "
                           "satu.").format(file=path.name, cells=format_number(size.data_cells),
                                            limit=format_number(Limits.cells)))
    if size.box - size.data_cells > max(Limits.empty_cells, Limits.empty_per_full * size.data_cells):
        raise KnownError(_("File {file} mengaku memakai sel sampai {far} padahal datanya hanya {cells} sel: lembar "
                           "itu terlalu besar untuk dibaca. Di Excel, hapus baris dan kolom kosong di bawah dan di kanan "
                           "data (atau salin datanya ke lembar baru), simpan, lalu impor lagi.").format(
            file=path.name, far=size.far or "?", cells=format_number(size.data_cells)))
