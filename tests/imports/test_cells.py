"""The quick cell tests the imports use on every row answer as the full reading would."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk.imports.identifiers import read_identifier
from kupang_desk.imports.rows import RowCheck, cell_text, filled, read_cell

CELLS = ["", " ", "\u00a0", "\u2003\t\n", "x", " L ", "0", "00123", "1.0", 0, 0.0, 1.5, 5371041203150000.0, None, True, False,
         dt.date(2020, 1, 2), "٣", "１２３", "12 34", "5.37101E+15", "R003898", "r003898", "RM-0038", "RM 01", "Ã1",
         "E15", "1E15", "ǅ1", "RT.01"]


@pytest.mark.parametrize("value", CELLS)
def test_a_filled_cell_is_one_whose_text_is_not_empty(value):
    assert filled(value) == bool(cell_text(value))


@pytest.mark.parametrize("value", CELLS)
@pytest.mark.parametrize("kind", ["nik", "code", "phone", "account"])
def test_a_number_cell_is_read_as_the_identifier_reader_reads_it(value, kind):
    check = RowCheck()
    read = read_cell(check, value, kind, "Kolom")
    try:
        expected = read_identifier(value, kind, "Kolom")
    except Exception as error:  # noqa: BLE001 - the reader's refusal is what read_cell notes
        assert read is None and check.problems + check.damaged, error
    else:
        assert read == expected and not check.problems


def test_rows_left_unread_are_let_go_quietly(tmp_path, caplog):
    """An import that stops reading early (the recall of a few rejected rows) closes the rows: no
    "could not read" in the log for a file that was read well."""
    from openpyxl import Workbook

    from kupang_desk.imports.sheets import iter_sheet

    book = Workbook()
    for number in range(5):
        book.active.append([f"baris {number}"])
    book.save(tmp_path / "lembar.xlsx")
    _count, rows = iter_sheet(tmp_path / "lembar.xlsx")
    assert next(rows) == ["baris 0"]
    rows.close()
    assert "could not read" not in caplog.text


def test_the_row_count_for_the_progress_ends_at_the_last_row_with_data(tmp_path):
    """The count the progress bar runs to comes from the size check (calamine still reading): the last
    row holding a value, as calamine's sheet ends, not a formatted empty row below the data."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from kupang_desk.imports.sheets import iter_sheet

    book = Workbook()
    for number in range(1, 4):
        book.active.append([f"baris {number}", number])
    book.active.cell(row=40, column=2).font = Font(bold=True)  # formatted, empty
    book.save(tmp_path / "lembar.xlsx")
    count, rows = iter_sheet(tmp_path / "lembar.xlsx")
    assert count == 3 and len(list(rows)) == 3


def test_the_row_count_is_the_same_when_the_sheet_is_measured_by_the_xml_parser(tmp_path):
    """A comment in the sheet sends the size check to the XML parser: the count still ends at the last
    row holding a value."""
    from kupang_desk.imports.sheets import iter_sheet
    from tests.imports.test_hostile_inputs import DATA_ROW, HEADER_ROW, _xlsx

    formatted = '<row r="30"><c r="B30" s="1"></c></row><!-- Excel never writes this -->'
    count, rows = iter_sheet(_xlsx(tmp_path / "lembar.xlsx", {"sheet1": HEADER_ROW + DATA_ROW + formatted}))
    assert count == 2 and len(list(rows)) == 2
