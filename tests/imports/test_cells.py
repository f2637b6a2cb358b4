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
