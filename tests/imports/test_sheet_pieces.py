"""An xlsx read a piece at a time (calamine on a thread, the next piece while this one's rows are
checked) gives the rows the whole sheet gives, on the lines Excel shows, and lets its thread go."""

from __future__ import annotations

import datetime as dt
import re
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from python_calamine import CalamineError, CalamineWorkbook

from kupang_desk.errors import KnownError
from kupang_desk.imports import sheet_pieces
from kupang_desk.imports.sheets import iter_sheet
from tests.helpers.workbooks import share_strings


def whole(path: Path) -> list[list]:
    """The sheet as calamine reads it whole, the columns before its data put back."""
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    left = sheet.start[1]
    return [[""] * left + row for row in sheet.iter_rows()]


def trimmed(rows: list[list]) -> list[list]:
    """Rows without their empty cells at the right (a piece ends at its own last column)."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] == "":
            row.pop()
        out.append(row)
    return out


def register(path: Path, *, epoch=None) -> Path:
    book = Workbook()
    if epoch is not None:
        book.epoch = epoch
    sheet = book.active
    sheet["C2"] = "REGISTER KUNJUNGAN"  # a title in row 2, column C: rows and a column before the data
    for column, header in enumerate(("No. RM", "Nama", "Tanggal", "Umur", "Baru"), start=2):
        sheet.cell(row=4, column=column, value=header)
    for number in range(5, 61):
        if 20 <= number < 30:
            continue  # ten empty rows in the middle: across a cut when a piece is a row
        sheet.cell(row=number, column=2, value=f"{number:06d}")  # an identifier as text
        sheet.cell(row=number, column=3, value=f"Pasien {number}")
        sheet.cell(row=number, column=4, value=dt.date(2026, 1, 1) + dt.timedelta(days=number))
        sheet.cell(row=number, column=5, value=number * 1.5)
        sheet.cell(row=number, column=6, value=number % 2 == 0)
    sheet.cell(row=45, column=9, value="catatan di kolom I")  # one row wider than the rest
    book.create_sheet("Lain")["A1"] = "lembar kedua"
    book.save(path)
    return path


@pytest.mark.parametrize("epoch", [None, CALENDAR_MAC_1904], ids=["1900", "1904"])
@pytest.mark.parametrize("piece", [1, 700, None])
def test_a_sheet_read_in_pieces_gives_every_row_where_excel_has_it(tmp_path, monkeypatch, piece, epoch):
    path = register(tmp_path / "register.xlsx", epoch=epoch)
    if piece:  # 1: each piece a row, a cut at every row; None: the size a file is read in, one piece here
        monkeypatch.setattr(sheet_pieces, "piece_size", lambda _shared: piece)
    read = []
    real = sheet_pieces._workbook
    monkeypatch.setattr(sheet_pieces, "_workbook", lambda *args: read.append(1) or real(*args))
    total, rows = iter_sheet(path)
    got = list(rows)
    assert len(read) == {1: 48, 700: 13}.get(piece, 1)  # a piece per row (the title, header and 46 rows), or fewer
    assert total == len(got) == 60
    assert trimmed(got) == trimmed(whole(path))
    assert got[1][2] == "REGISTER KUNJUNGAN" and got[3][1:3] == ["No. RM", "Nama"]
    assert got[19] == [] or not any(got[19])  # row 20: empty, in its place
    assert got[29][1:4] == ["000030", "Pasien 30", dt.date(2026, 1, 31)]  # the first row after the gap, line 30
    assert got[44][8] == "catatan di kolom I" and got[59][5] is True


@pytest.mark.parametrize("whole_from", [1 << 20, 100], ids=["small strings: pieces", "large strings: whole"])
def test_a_workbook_of_shared_strings_gives_the_same_rows_in_pieces_or_whole(tmp_path, monkeypatch, whole_from):
    """Shared strings larger than a piece would be read again for every piece (a Dapodik-shaped export
    held 403 MB so, 298 MB whole): such a workbook is read whole; smaller ones in pieces."""
    path = share_strings(register(tmp_path / "register.xlsx"), tmp_path / "bersama.xlsx")
    with zipfile.ZipFile(path) as archive:
        assert b"inlineStr" not in archive.read("xl/worksheets/sheet1.xml")
        assert 100 < archive.getinfo("xl/sharedStrings.xml").file_size < 1 << 20
    monkeypatch.setattr(sheet_pieces, "WHOLE_FROM", whole_from)
    monkeypatch.setattr(sheet_pieces, "piece_size", lambda _shared: 1)
    read = []
    real = sheet_pieces._workbook
    monkeypatch.setattr(sheet_pieces, "_workbook", lambda *args: read.append(1) or real(*args))
    _total, rows = iter_sheet(path)
    got = list(rows)
    assert len(read) == (48 if whole_from > 100 else 0)
    assert trimmed(got) == trimmed(whole(path))
    assert got[29][1:4] == ["000030", "Pasien 30", dt.date(2026, 1, 31)] and got[44][8] == "catatan di kolom I"


def test_rows_out_of_order_across_a_cut_are_refused_with_both_rows(tmp_path, monkeypatch):
    """Excel writes rows in order; a file that does not (row 3 written after row 40) would put rows on
    the wrong lines once cut: refused, with what to do."""
    book = Workbook()
    for number in range(1, 41):
        book.active.append([f"baris {number}"])
    book.save(tmp_path / "acak.xlsx")
    with zipfile.ZipFile(tmp_path / "acak.xlsx") as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"]
    third = re.search(rb'<row r="3".*?</row>', xml)
    assert third is not None
    xml = xml.replace(third.group(0), b"").replace(b"</sheetData>", third.group(0) + b"</sheetData>")
    with zipfile.ZipFile(tmp_path / "acak.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in {**parts, "xl/worksheets/sheet1.xml": xml}.items():
            archive.writestr(name, data)
    assert [row[0] for row in whole(tmp_path / "acak.xlsx")][:4] == ["baris 1", "baris 2", "baris 3", "baris 4"]
    monkeypatch.setattr(sheet_pieces, "piece_size", lambda _shared: 1)
    _total, rows = iter_sheet(tmp_path / "acak.xlsx")
    with pytest.raises(KnownError, match=r"tidak berurutan \(baris 3 sesudah baris 40\)"):
        list(rows)


def _reader_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "kupang-desk-sheet"]


def _ended(threads: list[threading.Thread]) -> bool:
    for thread in threads:
        thread.join(timeout=5)
    return not any(thread.is_alive() for thread in threads)


def test_a_reader_stopped_early_lets_its_thread_and_pieces_go(tmp_path, monkeypatch):
    """The recall of a few rejected rows stops reading early: the thread ends instead of waiting
    forever with a piece in hand, and Python's switch interval is its own again."""
    path = register(tmp_path / "register.xlsx")
    monkeypatch.setattr(sheet_pieces, "piece_size", lambda _shared: 1)
    interval = sys.getswitchinterval()
    before = _reader_threads()
    _total, rows = iter_sheet(path)
    assert not any(next(rows))  # row 1, empty
    assert sys.getswitchinterval() == pytest.approx(sheet_pieces.SWITCH_INTERVAL)  # while read (kept in µs)
    threads = [thread for thread in _reader_threads() if thread not in before]
    assert len(threads) == 1
    rows.close()
    assert _ended(threads)
    assert sys.getswitchinterval() == interval


def test_rows_never_asked_for_let_the_thread_go(tmp_path, monkeypatch):
    """An import refused between opening the file and its first row (a value list that would not load)
    drops its rows unread: the thread does not wait for ever with the first piece in hand."""
    monkeypatch.setattr(sheet_pieces, "piece_size", lambda _shared: 1)
    before = _reader_threads()
    _total, rows = iter_sheet(register(tmp_path / "register.xlsx"))
    threads = [thread for thread in _reader_threads() if thread not in before]
    del rows
    assert len(threads) == 1 and _ended(threads)


def test_a_piece_calamine_cannot_read_gives_the_clerks_message(tmp_path, monkeypatch):
    path = register(tmp_path / "register.xlsx")
    monkeypatch.setattr(sheet_pieces, "piece_size", lambda _shared: 1)
    calls = []
    real = CalamineWorkbook.from_filelike

    def failing(handle):
        calls.append(1)
        if len(calls) == 5:
            raise CalamineError("rusak di tengah")
        return real(handle)

    monkeypatch.setattr(CalamineWorkbook, "from_filelike", failing)
    before = _reader_threads()
    _total, rows = iter_sheet(path)
    threads = [thread for thread in _reader_threads() if thread not in before]
    with pytest.raises(KnownError, match="tidak dapat dibaca sebagai Excel"):
        list(rows)
    assert _ended(threads)
