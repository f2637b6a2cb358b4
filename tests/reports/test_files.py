"""Saved reports read back: Excel values, types, merges, text identifiers, formulas that add up; PDF text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kupang_desk.cli import main
from kupang_desk.documents.table import Period
from kupang_desk.models import database as database_module
from kupang_desk.reports import service
from kupang_desk.visits.register import VisitFilter
from tests.helpers.factories import cli_account, new_patient, new_visit

OCTOBER = Period.month("2026-10")


@pytest.fixture
def october(database):
    first = new_patient()
    second = new_patient(nik="5371045505900002", name="Maria Manafe", sex="P", birth_date=dt.date(2025, 5, 15))
    new_visit(first, dt.datetime(2026, 10, 1, 8), "J06.9", "I10")
    new_visit(second, dt.datetime(2026, 10, 31, 13), "J06.9")
    new_visit(second, dt.datetime(2026, 11, 2, 9), "A09")  # outside the month
    return first, second


def evaluate(sheet, formula: str) -> int:
    """A checker's reading of the formulas written: =A1+B1, =SUM(A1:A9), =SUM(A1,B1)."""
    body = formula.lstrip("=")
    if body.startswith("SUM(") and ":" in body:
        return sum(_value(sheet, cell.coordinate) for row in sheet[body[4:-1]] for cell in row)
    parts = body[4:-1].split(",") if body.startswith("SUM(") else body.split("+")
    return sum(_value(sheet, part) for part in parts)


def _value(sheet, coordinate: str) -> int:
    value = sheet[coordinate].value
    return evaluate(sheet, value) if isinstance(value, str) and value.startswith("=") else (value or 0)


def test_lb1_workbook_layout_types_and_formulas(october, tmp_path):
    path = tmp_path / "lb1.xlsx"
    service.save("lb1", OCTOBER, service.Options(paper="F4"), xlsx=path)
    sheet = load_workbook(path).active
    assert sheet.title == "LB1"
    texts = [c.value for c in sheet["A"][:12] if c.value]
    assert texts[:2] == ["PEMERINTAH KOTA KUPANG", "DINAS KESEHATAN"]
    assert "LAPORAN BULANAN DATA KESAKITAN (LB1)" in texts and "Periode: Oktober 2026" in texts
    header = next(c.row for c in sheet["A"] if c.value == "No")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert f"D{header}:E{header}" in merged  # the first age band over its L and P
    assert f"A{header}:A{header + 1}" in merged
    assert sheet.cell(row=header, column=4).value == "0-7 hr"
    assert sheet.freeze_panes == f"A{header + 2}"
    rows = {sheet.cell(row=r, column=2).value: r for r in range(header + 2, sheet.max_row + 1)}
    j06 = rows["J06.9"]
    code_cell = sheet.cell(row=j06, column=2)
    assert code_cell.data_type == "s" and code_cell.number_format == "@"
    columns = {sheet.cell(row=header + 1, column=c).value: c for c in range(1, sheet.max_column + 1)}
    total_column = sheet.max_column
    assert sheet.cell(row=j06, column=total_column).value.startswith("=")
    assert evaluate(sheet, sheet.cell(row=j06, column=total_column).value) == 2
    total_row = next(r for r in range(header, sheet.max_row + 1) if sheet.cell(row=r, column=3).value == "JUMLAH")
    grand = sheet.cell(row=total_row, column=total_column).value
    assert grand.startswith("=SUM(") and evaluate(sheet, grand) == 3  # J06.9 twice, I10 once
    assert "Jml" in columns
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth) == ("landscape", 14, 1)
    assert sheet.print_title_rows == f"${header}:${header + 1}"  # the header repeats on every page


def test_lb1_pdf_has_title_totals_pages_and_signature(october, tmp_path):
    path = tmp_path / "lb1.pdf"
    service.save("lb1", OCTOBER, xlsx=None, pdf=path)
    text = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    assert "LAPORAN BULANAN DATA KESAKITAN (LB1)" in text
    assert "Periode: Oktober 2026" in text
    assert "Infeksi saluran pernapasan atas akut" in text
    assert re.search(r"JUMLAH.*\b3\b", text.replace("\n", " "))
    assert "Halaman 1 dari" in text
    assert "Kepala Puskesmas" in text


def test_top_and_recap_files(october, tmp_path):
    service.save("top", OCTOBER, xlsx=tmp_path / "top.xlsx", pdf=tmp_path / "top.pdf")
    sheet = load_workbook(tmp_path / "top.xlsx").active
    codes = [sheet.cell(row=r, column=2).value for r in range(1, sheet.max_row + 1)]
    assert codes.index("J06.9") < codes.index("I10")
    assert "J06.9" in PdfReader(str(tmp_path / "top.pdf")).pages[0].extract_text()
    service.save("recap", OCTOBER, xlsx=tmp_path / "recap.xlsx")
    recap = load_workbook(tmp_path / "recap.xlsx").active
    titles = [c.value for c in recap["A"] if isinstance(c.value, str) and c.value.startswith("Kunjungan menurut")]
    assert titles == ["Kunjungan menurut poli", "Kunjungan menurut cara bayar", "Kunjungan menurut golongan umur"]


def test_register_export_streams_identifiers_as_text(october, tmp_path):
    service.save("register", OCTOBER, service.Options(register_filter=VisitFilter(icd10="J06")),
                 xlsx=tmp_path / "reg.xlsx", pdf=tmp_path / "reg.pdf")
    sheet = load_workbook(tmp_path / "reg.xlsx").active
    header = next(c.row for c in sheet["A"] if c.value == "No")
    first = header + 1
    assert sheet.cell(row=first, column=3).value == "000001"
    assert sheet.cell(row=first, column=3).number_format == "@"
    assert isinstance(sheet.cell(row=first, column=2).value, dt.datetime)
    assert sheet.cell(row=first + 1, column=8).value == "J06.9"
    assert sheet.cell(row=first + 2, column=1).value is None  # two J06 visits in October
    pdf_text = PdfReader(str(tmp_path / "reg.pdf")).pages[0].extract_text()
    assert "000001" in pdf_text
    # The title names the filter in force, on paper and in Excel.
    assert "Diagnosis J06" in pdf_text
    assert any(c.value == "Periode: Oktober 2026 · Diagnosis J06" for c in sheet["A"])
    # Printed one page wide with the header frozen (a streamed sheet lost both before).
    # (fitToWidth left out is 1, OOXML's default, as XlsxWriter writes it)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and (sheet.page_setup.fitToWidth or 1) == 1
    assert sheet.page_setup.fitToHeight == 0 and sheet.print_title_rows.replace("$", "") == f"{first - 1}:{first - 1}"
    assert sheet.freeze_panes == f"A{first}"


def test_command_line(october, db_url, tmp_path, capsys, monkeypatch):
    cli_account(monkeypatch)
    database_module.close()
    args = ["--database", db_url, "report"]
    assert main([*args, "lb1", "--month", "2026-10", "--xlsx", str(tmp_path / "a.xlsx"), "--pdf", str(tmp_path / "a.pdf"), "--quiet"]) == 0
    assert (tmp_path / "a.xlsx").exists() and (tmp_path / "a.pdf").exists()
    # A register saved only as Excel is not mistaken for an empty period.
    assert main([*args, "register", "--month", "2026-10", "--xlsx", str(tmp_path / "r.xlsx"), "--quiet"]) == 0
    assert main([*args, "register", "--month", "2031-01", "--xlsx", str(tmp_path / "r0.xlsx"), "--quiet"]) == 3
    capsys.readouterr()
    assert main([*args, "top", "--month", "2026-13", "--pdf", str(tmp_path / "b.pdf")]) == 2
    assert "2026-10" in capsys.readouterr().err
    assert main([*args, "recap", "--month", "2026-10", "--xlsx", str(tmp_path / "none" / "c.xlsx")]) == 2
    assert "tidak ada" in capsys.readouterr().err
    assert main([*args, "lb1", "--month", "2031-01", "--pdf", str(tmp_path / "empty.pdf"), "--quiet"]) == 3
    assert "sengaja kosong" in capsys.readouterr().err
    assert "sengaja kosong" in PdfReader(str(tmp_path / "empty.pdf")).pages[0].extract_text()
    database_module.close()


def test_an_lb1_that_does_not_add_up_is_refused_and_nothing_is_written(october, tmp_path, monkeypatch):
    from kupang_desk.errors import KnownError
    from kupang_desk.reports import lb1

    assert service.make("lb1", OCTOBER).tables[0].rows  # the true LB1 passes its own check
    real = lb1.lb1_counts

    def one_case_lost(*args, **kwargs):  # a counting bug: one new case falls out of the GROUP BY
        counts = real(*args, **kwargs)
        cells = next(iter(counts.values()))
        key = next(k for k, n in cells.items() if k[2] and n)
        cells[key] -= 1
        return counts

    monkeypatch.setattr(lb1, "lb1_counts", one_case_lost)
    with pytest.raises(KnownError, match=r"LB1 Oktober 2026 tidak lolos pemeriksaan jumlah.*kasus baru di laporan \d+, "
                                         r"di database \d+"):
        service.save("lb1", OCTOBER, xlsx=tmp_path / "lb1.xlsx", pdf=tmp_path / "lb1.pdf")
    assert not (tmp_path / "lb1.xlsx").exists() and not (tmp_path / "lb1.pdf").exists()
