"""Files built to hurt: a cell at XFD1048576, a million rows, odd CSV encodings, cells too long."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kupang_desk.cli import main
from kupang_desk.errors import KnownError
from kupang_desk.imports.sheets import read_sheet
from kupang_desk.models import Patient, Student, Visit
from kupang_desk.models import database as database_module
from kupang_desk.students.dapodik import import_students
from kupang_desk.visits.register_import import import_register
from tests.helpers.dapodik import student, write_export
from tests.helpers.factories import cli_account
from tests.visits.test_register_import import HEADERS, TODAY, register_file

ROOT = Path(__file__).resolve().parents[2]
GOOD = ["", "", "Maria Bere", "P", "01-01-1990", "Oebobo", "Umum", "Umum", "01-02-2022", "", "J06.9", "", ""]

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
                  'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                  '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
             'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
             'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                  '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                  '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def million_rows(path: Path, rows: int = 1_048_576) -> Path:
    """An xlsx of ``rows`` numbered rows, written as XML straight into the zip (openpyxl would take minutes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><dimension ref="A1:A%d"/><sheetData>' % rows)
            for start in range(1, rows + 1, 65536):
                sheet.write(b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n)
                                     for n in range(start, min(start + 65536, rows + 1))))
            sheet.write(b"</sheetData></worksheet>")
    return path


@pytest.fixture
def bomb(tmp_path) -> Path:
    """1.6 KB that claims the whole sheet: one cell at XFD1048576 under a real header."""
    book = Workbook()
    book.active.append(HEADERS)
    book.active["XFD1048576"] = "x"
    book.save(tmp_path / "bom.xlsx")
    return tmp_path / "bom.xlsx"


def test_a_cell_at_xfd1048576_is_refused_before_the_reader_sees_it(database, bomb, tmp_path):
    assert bomb.stat().st_size < 8000
    for importer in (import_register, import_students):
        with pytest.raises(KnownError, match="XFD1048576") as refused:
            importer(bomb)
        assert "hapus baris dan kolom kosong" in str(refused.value)
    lying = tmp_path / "lying.xlsx"  # a dimension that claims the whole sheet over three cells
    with zipfile.ZipFile(bomb) as source, zipfile.ZipFile(lying, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="XFD1048576"', b'<c r="N1"').replace(b'A1:XFD1048576', b"A1:XFD1048576")
            target.writestr(item, data)
    with pytest.raises(KnownError, match="terlalu besar"):
        read_sheet(lying)
    assert Patient.select().count() == 0


def test_the_command_line_survives_the_bomb(db_url, bomb, monkeypatch, capsys):
    database_module.connect(db_url)
    cli_account(monkeypatch)
    database_module.close()
    assert main(["--database", db_url, "import", "register", str(bomb), "--quiet"]) == 2
    assert "XFD1048576" in capsys.readouterr().err


def test_a_million_rows_are_refused_in_bounded_time_and_memory(tmp_path):
    """In a child process, so that its peak memory is its own (figures printed for the note)."""
    path = million_rows(tmp_path / "juta.xlsx")
    # VmHWM: the peak of this process alone (ru_maxrss would count pytest's memory, inherited through exec).
    probe = ("import json, re, sys, time\n"
             "def peak():\n    return int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) / 1024\n"
             "from pathlib import Path\nfrom kupang_desk.errors import KnownError\n"
             "from kupang_desk.imports.sheets import read_sheet\nstart = time.perf_counter()\n"
             "try:\n    read_sheet(Path(sys.argv[1])); message = ''\nexcept KnownError as error:\n    message = str(error)\n"
             "print(json.dumps({'seconds': time.perf_counter() - start, 'message': message,"
             " 'peak_mb': peak()}))\n")
    done = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    figures = json.loads(done.stdout)
    print(f"1,048,576 rows, {path.stat().st_size / 1e6:.1f} MB: {figures['seconds']:.1f} s, peak {figures['peak_mb']:.0f} MB")
    assert "1.048.576 baris data" in figures["message"] and "Pisahkan" in figures["message"]
    assert figures["peak_mb"] < 300 and figures["seconds"] < 60


def test_csv_as_the_field_writes_it(database, tmp_path):
    header = "Tanggal Kunjungan;Nama;Jenis Kelamin;Tanggal Lahir;Diagnosa;Catatan\n"
    quoted = tmp_path / "titik-koma.csv"  # a ; file whose note holds a quoted comma
    quoted.write_text(header + '05-10-2022;Maria Bere;P;01-01-1990;J06.9;"batuk, pilek"\n'
                      '06-10-2022;Yosef Lay;L;01-01-1980;I10;"kontrol, obat"\n', encoding="utf-8")
    assert import_register(quoted, today=TODAY).counts() == {"new": 2}
    for encoding in ("utf-16", "utf-8-sig"):  # Excel's "Unicode text" and "CSV UTF-8" both carry a BOM
        path = tmp_path / f"{encoding}.csv"
        path.write_text(header + "07-10-2022;Agnes Taek;P;01-01-1970;K30;ok\n", encoding=encoding)
        assert read_sheet(path)[1][1] == "Agnes Taek"
    bare = tmp_path / "utf16-tanpa-penanda.csv"
    bare.write_bytes((header + "07-10-2022;Agnes Taek;P;01-01-1970;K30;ok\n").encode("utf-16-le"))
    with pytest.raises(KnownError, match="CSV UTF-8"):
        read_sheet(bare)
    windows = tmp_path / "windows.csv"
    windows.write_bytes((header + "08-10-2022;José Bría;L;01-01-1970;K30;ok\n").encode("cp1252"))
    assert read_sheet(windows)[1][1] == "José Bría"


def test_a_cell_longer_than_its_column_is_a_row_error(database, tmp_path):
    long_rm = ["9" * 40, *GOOD[1:]]
    summary = import_register(register_file(tmp_path / "r.xlsx", [long_rm, GOOD]), today=TODAY)
    assert [r.status for r in summary.rows] == ["error", "new"]
    assert "No RM terlalu panjang (40 karakter, paling banyak 30)" in summary.rows[0].reason
    assert [p.name for p in Patient.select()] == ["Maria Bere"] and Visit.select().count() == 1
    students = import_students(write_export(tmp_path / "d.xlsx", [student(NIPD="2" * 25)]), today=TODAY)
    assert [r.status for r in students.rows] == ["error"] and "NIPD terlalu panjang (25 karakter" in students.rows[0].reason
    assert Student.select().count() == 0


def test_a_control_character_in_a_rejected_row_still_writes_the_rejects_first(database, tmp_path):
    bad = ["", "", "Maria\x07 Bere\x1b", "P", "01-01-1990", "Oebobo", "Umum", "Umum", "01-02-2022", "", "J06.9", "", "\x00x"]
    source = tmp_path / "r.csv"
    source.write_text(";".join(HEADERS) + "\n" + ";".join(bad) + "\n" + ";".join(GOOD) + "\n", encoding="utf-8")
    rejects = tmp_path / "ditolak.xlsx"
    summary = import_register(source, today=TODAY, rejects=rejects)
    assert summary.counts() == {"error": 1, "new": 1}
    sheet = load_workbook(rejects).active
    assert sheet.cell(2, 3).value == "Maria Bere"  # what Excel refuses is gone, the rest is kept


def test_a_sparse_export_of_a_whole_district_is_read_while_a_far_cell_is_not(tmp_path):
    """A 50,000-student Dapodik export fills few of its 66 columns: two million empty cells among
    1.25 million full ones is a real file, not an attack; one cell a million rows away still is."""
    from kupang_desk.imports.sheet_size import SheetSize, check_size

    check_size(SheetSize(rows=50006, columns=66, data_cells=1_250_073, data_rows=50006, far="BN50006"),
               tmp_path / "dapodik.xlsx")
    with pytest.raises(KnownError, match="terlalu besar"):
        check_size(SheetSize(rows=1_048_576, columns=14, data_cells=60, data_rows=5, far="N1048576"),
                   tmp_path / "jauh.xlsx")
    # Every row full to the last column Excel has: within the rows allowed, beyond any memory.
    check_size(SheetSize(rows=200_000, columns=66, data_cells=13_200_000, data_rows=200_000, far="BN200000"),
               tmp_path / "empat-kabupaten.xlsx")
    with pytest.raises(KnownError, match=r"berisi 3\.276\.800\.000 sel data; paling banyak 15\.000\.000 sel"):
        check_size(SheetSize(rows=200_000, columns=16_384, data_cells=3_276_800_000, data_rows=200_000,
                             far="XFD200000"), tmp_path / "penuh.xlsx")
