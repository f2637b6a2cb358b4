"""Issue 43: the size check before calamine counts a sheet as Excel writes it without an object per
cell (a third of a 50,000-student export's reading time before). It must count every sheet exactly
as the cell-by-cell count and the XML parser do: far cells hidden in the middle of a piece, rows out
of order, leading zeros, empty cells, rows without cells, columns past the farthest so far."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from kupang_desk.imports import sheet_size

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(column: int, row: int | str, kind: int) -> str:
    reference = f"{_letters(column)}{row}"
    if kind == 0:
        return f'<c r="{reference}" s="1"/>'  # formatted, empty
    if kind == 1:
        return f'<c r="{reference}"><v>{row}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>Nama {row}</t></is></c>'


def _sheet(rows: list[tuple[int | str, list[str]]]) -> bytes:
    body = "".join(f'<row r="{number}">{"".join(cells)}</row>' if cells else f'<row r="{number}" ht="20" customHeight="1"/>'
                   for number, cells in rows)
    return f'<worksheet xmlns="{MAIN}"><dimension ref="A1:C3"/><sheetData>{body}</sheetData></worksheet>'.encode()


def _random_sheet(seed: int) -> tuple[bytes, int]:
    """Mostly what Excel writes (rows in order, one cell after another), with what a file may also
    hold; and how many cells were put out of their place."""
    chance = random.Random(seed)
    width = chance.choice((3, 12, 30, 66, 120))
    rows: list[tuple[int | str, list[str]]] = []
    number = chance.randint(1, 4)
    for _ in range(chance.randint(1, 250)):
        number += 1 if chance.random() < 0.9 else chance.randint(2, 30)  # now and then rows left out
        kinds = [1 if chance.random() < 0.5 else 2 for _ in range(width)]
        if chance.random() < 0.05:
            kinds[chance.randrange(width)] = 0
        cells = [_cell(column, number, kind) for column, kind in enumerate(kinds, start=1) if chance.random() < 0.95]
        rows.append((number, [] if chance.random() < 0.02 else cells))
    unusual = chance.choice((0, 0, 1, 3))
    for _ in range(unusual):  # something unusual, anywhere
        row = chance.randrange(len(rows))
        odd = chance.choice((
            _cell(chance.randint(1, width + 40), chance.randint(1, number + 5000), chance.choice((0, 1, 2))),  # far or back
            _cell(chance.randint(1, width), f"0{rows[row][0]}", 1),  # a leading zero
            _cell(width + chance.randint(1, 800), rows[row][0], 2),  # a column past the rest
            _cell(chance.randint(1, width), rows[row][0], 0),
        ))
        number_cells = rows[row][1]
        number_cells.insert(chance.randint(0, len(number_cells)), odd)
    return _sheet(rows), unusual


def _xlsx(path: Path, sheet: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def _plain(path: Path, piece: int, *, quick: bool, monkeypatch) -> sheet_size.SheetSize | None:
    with monkeypatch.context() as patch:
        if not quick:
            patch.setattr(sheet_size._PlainCount, "_quick", lambda *_args: False)
        with zipfile.ZipFile(path) as archive:
            size = sheet_size._measure_plain(archive, "xl/worksheets/sheet1.xml", piece)
    if size is not None and piece < 1000:  # the <dimension> is looked for in the first piece, whole at 1 MB
        size.declared = 9
    return size


@pytest.mark.parametrize("seed", range(60))
def test_the_quick_count_is_the_cell_by_cell_count_and_the_xml_parsers(tmp_path, monkeypatch, seed):
    sheet, unusual = _random_sheet(seed)
    path = _xlsx(tmp_path / "lembar.xlsx", sheet)
    with zipfile.ZipFile(path) as archive:
        parsed = sheet_size._measure_as_xml(archive, "xl/worksheets/sheet1.xml")
    for piece in (97, 1000, 1 << 20):  # pieces cut inside rows, and the whole sheet in one
        quick = _plain(path, piece, quick=True, monkeypatch=monkeypatch)
        assert quick == _plain(path, piece, quick=False, monkeypatch=monkeypatch), (seed, piece)
        assert quick is not None
        if unusual:  # a cell of another row inside a row: the parser counts each change of row, at least as many
            assert (quick.rows, quick.columns, quick.data_cells) == (parsed.rows, parsed.columns, parsed.data_cells)
            assert parsed.data_rows >= quick.data_rows
        else:
            assert quick == parsed, (seed, piece)


@pytest.mark.parametrize(("hidden", "far"), [
    ('<c r="C1048576"><v>1</v></c>', "C1048576"),  # a far row among ordinary cells of row 40
    ('<c r="XFD40" s="1"/>', "XFD80"),  # a far column, empty (far: its column, the last row)
    ('<c r="AAA40"><v>1</v></c>', "AAA80"),
    ('<c r="B9"><v>1</v></c>', "C80"),  # a row before the piece's first: counted, not far
])
def test_a_cell_hidden_among_ordinary_ones_is_found(tmp_path, monkeypatch, hidden, far):
    rows = [(number, [_cell(column, number, 2) for column in (1, 2, 3)]) for number in range(1, 81)]
    rows[39][1].insert(1, hidden)
    path = _xlsx(tmp_path / "lembar.xlsx", _sheet(rows))
    with zipfile.ZipFile(path) as archive:
        parsed = sheet_size._measure_as_xml(archive, "xl/worksheets/sheet1.xml")
    for piece in (200, 1000, 1 << 20):
        size = _plain(path, piece, quick=True, monkeypatch=monkeypatch)
        assert size == _plain(path, piece, quick=False, monkeypatch=monkeypatch)
        assert size is not None and size.far == parsed.far == far and size.data_cells == parsed.data_cells


@pytest.mark.parametrize(("low", "high"), [(1, 1), (7, 10_234), (999, 1000), (20_000, 20_725), (1, 1_048_576),
                                           (50_006, 50_006), (9, 99), (100, 109)])
def test_the_row_range_expression_takes_exactly_the_rows_inside(low, high):
    pattern = sheet_size._outside(low, high, b"BN")
    for row in {1, 2, 9, 10, 11, 99, 100, 101, low - 1, low, low + 1, high - 1, high, high + 1, high * 10, 1_048_577}:
        if row < 1:
            continue
        found = pattern.search(f'<c r="B{row}">'.encode()) is not None
        assert found == (not low <= row <= high), row
    assert pattern.search(f'<c r="B0{low}">'.encode())  # written with a leading zero: counted cell by cell
    assert pattern.search(f'<c r="BO{low}">'.encode()) and pattern.search(f'<c r="AAA{low}">'.encode())
    assert not pattern.search(f'<c r="AZ{low}">'.encode()) and not pattern.search(f'<c r="BN{high}">'.encode())
