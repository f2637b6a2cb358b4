"""Any text the app writes into a spreadsheet is text, never a formula: every writer, one helper."""

from __future__ import annotations

import ast
import datetime as dt
import pkgutil
from pathlib import Path

from openpyxl import load_workbook

import kupang_desk
from kupang_desk import audit
from kupang_desk.documents.excel import FORMULA_STARTS, write_workbook
from kupang_desk.documents.table import Column, Period, Report, ReportTable
from kupang_desk.models import Institution, writing
from kupang_desk.office import current_letterhead
from kupang_desk.reports.register import export_register_xlsx
from kupang_desk.visits.register import VisitFilter
from kupang_desk.visits.register_import import import_register
from tests.helpers.factories import new_patient, new_visit

HOSTILE = ["=HYPERLINK(\"http://x\",\"klik\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"]
MARKERS = ("HYPERLINK", "cmd|", "SUM(A1)", "1+1", "2+3")
# The modules that write xlsx; a new writer must use reports.excel.put and be added here (and below).
WRITERS = {"kupang_desk.documents.excel", "kupang_desk.documents.stream", "kupang_desk.audit", "kupang_desk.imports.rows"}


def _modules():
    root = Path(kupang_desk.__file__).parent
    for info in pkgutil.walk_packages([str(root)], "kupang_desk."):
        path = root.joinpath(*info.name.split(".")[1:])
        path = path / "__init__.py" if info.ispkg else path.with_suffix(".py")
        yield info.name, ast.parse(path.read_text(encoding="utf-8"))


def test_every_module_that_writes_xlsx_sets_cells_through_the_one_helper():
    writers = set()
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                if any(n.split(".")[0] in ("openpyxl", "xlsxwriter") for n in names):
                    writers.add(name)
            # Values go through put(): no cell(..., value=...) and no WriteOnlyCell(..., value=...).
            if isinstance(node, ast.Call) and any(k.arg == "value" for k in node.keywords):
                func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                assert func not in ("cell", "WriteOnlyCell"), f"{name}:{node.lineno} sets a cell value without put()"
        # Nor `cell.value = ...` or `sheet["A1"] = ...`, except inside put() and formula() themselves.
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef) and name == "kupang_desk.documents.excel" \
                    and function.name in ("put", "formula"):
                continue
            for node in ast.walk(function) if isinstance(function, ast.FunctionDef) else []:
                for target in node.targets if isinstance(node, ast.Assign) else []:
                    if name in WRITERS and (isinstance(target, ast.Attribute) and target.attr == "value"
                                            or isinstance(target, ast.Subscript)
                                            and "sheet" in ast.unparse(target.value).lower()
                                            or isinstance(target, ast.Subscript) and ast.unparse(target.value) == "hidden"):
                        raise AssertionError(f"{name}:{node.lineno} sets a cell without put(): {ast.unparse(node)}")
    assert writers == WRITERS


def _assert_text(path: Path) -> int:
    checked = 0
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # a formula: only the app's own totals
                    assert not any(m in str(cell.value) for m in MARKERS), f"{path.name} {cell.coordinate}: {cell.value}"
                elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    assert cell.data_type == "s" and cell.quotePrefix, f"{path.name} {cell.coordinate}: {cell.value!r}"
                    checked += 1
                assert not (isinstance(cell.value, str) and "\x07" in cell.value)  # Excel refuses it
    return checked


def test_hostile_text_stays_text_in_every_writer(database, tmp_path):
    with writing():  # a letterhead line is free text the office types
        if not Institution.update(letterhead="\n".join(HOSTILE)).execute():
            Institution.create(name="UPTD Puskesmas Oebobo", letterhead="\n".join(HOSTILE))
    head = current_letterhead()
    table = ReportTable("=1+1", [Column("name", "Nama", kind="text", width=20), Column("id", "NIK", kind="id", width=18),
                                 Column("n", "Jumlah")], total_label="Jumlah")
    table.rows = [[text, text, 1] for text in HOSTILE]
    report = Report("lb1", "LB1", Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31)), [table], head)
    files = [write_workbook([report], tmp_path / "report.xlsx")]

    new_visit(new_patient(), dt.datetime(2026, 10, 5, 9), "J06.9")
    export_register_xlsx(VisitFilter(dt.date(2026, 10, 1), dt.date(2026, 10, 31)), tmp_path / "register.xlsx")
    files.append(tmp_path / "register.xlsx")

    with writing():
        for text in HOSTILE:
            audit.record("update", "patient", text, {"note": text})
    audit.export_xlsx(tmp_path / "audit.xlsx")
    files.append(tmp_path / "audit.xlsx")

    # A CSV can carry what openpyxl refuses (a bell character) into a rejected row.
    lines = ["Nama;Jenis Kelamin;Tanggal Lahir;Tanggal Kunjungan;Diagnosa;Catatan"]
    lines += [f"Nama{n};X;01-01-1990;01-02-2022;K30;{text.strip()}\x07" for n, text in enumerate(HOSTILE)]
    (tmp_path / "r.csv").write_text("\n".join(lines), encoding="utf-8")
    import_register(tmp_path / "r.csv", dry_run=True, rejects=tmp_path / "ditolak.xlsx", today=dt.date(2026, 11, 27),
                    unknown="reject")
    files.append(tmp_path / "ditolak.xlsx")

    for path in files:
        assert _assert_text(path) >= 1, path.name
    # The totals the app computes are still formulas.
    sheet = load_workbook(tmp_path / "report.xlsx").active
    assert any(c.data_type == "f" and str(c.value).startswith("=SUM(") for row in sheet.iter_rows() for c in row)


def test_the_data_sheet_of_a_stamped_report_is_text_whatever_the_institution_is_called(sqlite_database, tmp_path):
    """Issue 36: an institution named with 31,000 "=" went into the hidden data sheet of the LB1 a
    puskesmas sends, cut into pieces of 30,000 characters, and its second piece became a formula.
    (SQLite keeps a name that long; PostgreSQL's column refuses it, so only SQLite can be attacked so.)"""
    from kupang_desk.documents.excel import STAMP_SHEET, read_stamp
    from kupang_desk.reports import service
    from tests.helpers.clock import last_month

    name = "=" * 31_000
    with writing():
        if not Institution.update(name=name).execute():
            Institution.create(name=name, kind="puskesmas", code="1050101")
    new_visit(new_patient(), dt.datetime.combine(last_month(), dt.time(9)), "J06.9")
    path = tmp_path / "lb1.xlsx"
    service.save("lb1", Period.month(last_month().strftime("%Y-%m")), xlsx=path)
    pieces = [cell for row in load_workbook(path)[STAMP_SHEET].iter_rows() for cell in row if cell.value]
    assert len(pieces) >= 4 and any(str(cell.value).startswith("=") for cell in pieces)
    assert [cell.coordinate for cell in pieces if cell.data_type != "s"] == []  # no piece is a formula
    assert _assert_text(path) >= 1
    assert name in str(read_stamp(path))
