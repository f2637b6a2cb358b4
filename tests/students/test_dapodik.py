"""A Dapodik export comes in by column name, identifiers stay text, and every bad row is explained."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from kupang_desk.cli import main
from kupang_desk.errors import KnownError
from kupang_desk.imports import sheet_pieces
from kupang_desk.models import AuditEvent, Student
from kupang_desk.models import database as database_module
from kupang_desk.students.dapodik import import_students
from tests.helpers.clock import TODAY
from tests.helpers.dapodik import student, write_export
from tests.helpers.factories import cli_account


def export(tmp_path, students, **kwargs):
    return write_export(tmp_path / "dapodik.xlsx", students, **kwargs)


def classroom() -> list[dict]:
    return [
        student(),
        # Numbers where text belongs: NISN lost its leading zero, the account its zeros, HP its 0.
        student(Nama="Yosef Tanau", JK="L", NISN=151234568, NIK="5371041003150002", NIPD=2202,
                **{"Nomor Rekening Bank": 12301012345502, "HP": 81234500011, "Ibu Nama": "Sara Tanau",
                   "Tanggal Lahir": dt.datetime(2015, 3, 10)}),
        student(Nama="Ana Lay", NISN="0151234569", NIK="5.37101E+15", NIPD="2203"),  # damaged by Excel
        student(Nama="Ani Lay", NISN="0151234567", NIK="5371044404150003", NIPD="2204"),  # NISN again
        student(Nama="Dominggus Pah", JK="L", NISN="0141234570", NIK="5371041212140004", NIPD="2205",
                Rombel="Kelas 6B", **{"Tanggal Lahir": "12-12-2014", "Layak PIP (usulan dari sekolah)": "Tidak"}),
    ]


@pytest.mark.parametrize("piece", [None, 1], ids=["one piece", "a row a piece"])
def test_dapodik_export_is_read_by_name_with_identifiers_as_text(database, tmp_path, monkeypatch, piece):
    if piece:
        monkeypatch.setattr(sheet_pieces, "piece_size", lambda _shared: piece)  # calamine reads one row at a time: the same rows, lines
    path = export(tmp_path, classroom(), blank_rows_at=(3,))
    preview = import_students(path, dry_run=True, today=TODAY)
    # Ana Lay's NIK was damaged by Excel, but her NISN says who she is: she comes in without
    # the NIK, "perlu dilengkapi", and the reason says what to retype.
    assert [(r.status, r.column) for r in preview.rows] == [
        ("new", ""), ("new", ""), ("new", "NIK"), ("error", "NISN"), ("new", "")]
    assert [r.incomplete for r in preview.rows] == [False, False, True, False, False]
    assert Student.select().count() == 0  # the preview writes nothing
    assert "notasi ilmiah" in preview.rows[2].reason and "Ketik ulang" in preview.rows[2].reason
    assert "sudah ada di baris 7" in preview.rows[3].reason  # the header ends at row 6; the first student is row 7
    assert preview.rows[2].line == 10  # a blank row before it: the line numbers are Excel's

    summary = import_students(path, rejects=tmp_path / "ditolak.xlsx", today=TODAY)
    assert summary.written and summary.counts() == {"new": 4, "error": 1}
    assert "1 perlu dilengkapi" in summary.describe()
    assert Student.get(Student.name == "Ana Lay").nik is None
    yosef = Student.get(Student.name == "Yosef Tanau")
    assert (yosef.nisn, yosef.nipd, yosef.account_number, yosef.phone) == (
        "0151234568", "2202", "012301012345502", "081234500011")
    assert (yosef.mother_name, yosef.class_group, yosef.grade, yosef.birth_date) == (
        "Sara Tanau", "Kelas 5A", 5, dt.date(2015, 3, 10))
    maria = Student.get(Student.nisn == "0151234567")
    assert (maria.kelurahan_code, maria.father_name, maria.rt, maria.pip_eligible) == (
        "53.71.04.1001", "Yohanes Bere", "004", True)
    assert Student.get(Student.name == "Dominggus Pah").pip_eligible is False

    rejects = load_workbook(tmp_path / "ditolak.xlsx").active
    header = [c.value for c in rejects[1]]
    assert header[-2:] == ["Kolom", "Alasan"] and "Data Ibu Nama" in header
    assert [rejects.cell(row=r, column=header.index("Nama") + 1).value for r in range(2, rejects.max_row + 1)] == ["Ani Lay"]
    assert rejects.cell(row=2, column=len(header) - 1).value == "NISN"
    # The rejects file holds names and identifiers: it is an audit event like any export.
    written = AuditEvent.get((AuditEvent.action == "export") & (AuditEvent.table_name == "rejects"))
    assert "ditolak.xlsx" in written.details
    check = load_workbook(tmp_path / "ditolak.xlsx")["Periksa"]  # imported, to look at again
    assert check.cell(row=2, column=header.index("Nama") + 1).value == "Ana Lay"
    assert check.cell(row=2, column=len(header) - 1).value == "NIK"


def test_second_import_changes_nothing_and_a_fixed_reject_comes_in(database, tmp_path):
    path = export(tmp_path, classroom())
    import_students(path, rejects=tmp_path / "ditolak.xlsx", today=TODAY)
    before = [(s.id, s.updated_at) for s in Student.select().order_by(Student.id)]
    again = import_students(path, today=TODAY)
    assert again.counts() == {"unchanged": 4, "error": 1} and not again.written
    assert [(s.id, s.updated_at) for s in Student.select().order_by(Student.id)] == before

    # The clerk fixes the repeated NISN in the rejects file and imports that file.
    book = load_workbook(tmp_path / "ditolak.xlsx")
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("Nama") + 1).value == "Ani Lay"
    sheet.cell(row=2, column=header.index("NISN") + 1, value="0151234571")
    book.save(tmp_path / "ditolak.xlsx")
    fixed = import_students(tmp_path / "ditolak.xlsx", today=TODAY)
    assert fixed.counts() == {"new": 1}
    assert Student.get(Student.name == "Ani Lay").nisn == "0151234571"
    # Ana Lay came in without her damaged NIK; the next export with the NIK as text completes her.
    completed = import_students(export(tmp_path, [classroom()[2] | {"NIK": "5371045506150005"}]), today=TODAY)
    assert completed.counts() == {"update": 1}
    assert Student.get(Student.name == "Ana Lay").nik == "5371045506150005"


def test_a_changed_row_updates_and_a_blank_cell_erases_nothing(database, tmp_path):
    import_students(export(tmp_path, [student()]), today=TODAY)
    changed = student(Rombel="Kelas 6A", **{"Nomor Rekening Bank": None, "Ibu Nama": "Agustina  Ndun"})
    summary = import_students(export(tmp_path, [changed]), today=TODAY)
    assert [r.status for r in summary.rows] == ["update"]
    maria = Student.get()
    assert (maria.class_group, maria.grade, maria.account_number) == ("Kelas 6A", 6, "012301012345501")
    assert AuditEvent.select().where(AuditEvent.table_name == "student").count() == 2


def test_a_nik_of_another_student_is_refused(database, tmp_path):
    import_students(export(tmp_path, [student(), student(Nama="Yosef Tanau", JK="L", NISN="0151234568",
                                                         NIK="5371041003150002", NIPD="2202")]), today=TODAY)
    clash = student(NIK="5371041003150002")  # Maria's row carrying Yosef's NIK
    summary = import_students(export(tmp_path, [clash]), today=TODAY)
    assert summary.rows[0].status == "error" and "milik siswa lain (Yosef Tanau)" in summary.rows[0].reason


def test_a_file_excel_would_repair_is_still_read(database, tmp_path):
    """A wrong sheet dimension and no document properties: Excel offers to repair such files."""
    path = export(tmp_path, [student()])
    broken = tmp_path / "rusak.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            if item.filename.startswith("docProps/"):
                continue
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="', b'<dimension ref="A1:B2" x="').replace(b' x="A1:', b' x="')
            target.writestr(item, data)
    assert import_students(broken, today=TODAY).counts() == {"new": 1}


def test_a_file_without_the_student_header_is_refused_with_what_to_do(database, tmp_path):
    book = Workbook()
    book.active.append(["Tanggal Kunjungan", "Nama", "Diagnosa"])
    book.save(tmp_path / "lain.xlsx")
    with pytest.raises(KnownError, match="Daftar Peserta Didik"):
        import_students(tmp_path / "lain.xlsx")


def test_command_line_prints_counts_and_fails_when_nothing_is_readable(sqlite_url, tmp_path, capsys, monkeypatch):
    database_module.connect(sqlite_url)
    cli_account(monkeypatch)
    database_module.close()
    path = export(tmp_path, classroom())
    assert main(["--database", sqlite_url, "students", "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "baru: 4" in out and "ditolak: 1" in out and "perlu dilengkapi: 1" in out and "--dry-run" in out
    assert main(["--database", sqlite_url, "students", "import", str(path), "--rejects", str(tmp_path / "r.xlsx")]) == 0
    assert "Baris yang ditolak" in capsys.readouterr().out
    database_module.connect(sqlite_url)
    assert Student.select().count() == 4
    database_module.close()
    # A damaged NIK and nothing else to know the student by: refused.
    only_bad = export(tmp_path, [student(NIK="5.37101E+15", NISN="", NIPD="")])
    assert main(["--database", sqlite_url, "students", "import", str(only_bad)]) == 2
    assert "Tidak ada baris yang dapat dibaca" in capsys.readouterr().err


CELLS = st.one_of(
    st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(CELLS, min_size=12, max_size=12))
def test_no_cell_content_crashes_the_importer(sqlite_database, tmp_path_factory, values):
    keys = ["Nama", "JK", "NISN", "NIK", "Tanggal Lahir", "Rombel", "RT", "Kelurahan", "Nomor Rekening Bank",
            "Penerima KPS", "Ibu Nama", "Layak PIP (usulan dari sekolah)"]
    row = student(**dict(zip(keys, values, strict=True)))
    path = write_export(tmp_path_factory.mktemp("h") / "d.xlsx", [row])
    summary = import_students(path, dry_run=True, today=TODAY)
    assert len(summary.rows) <= 1
    for result in summary.rows:
        assert result.status in ("new", "error")
        assert result.status == "new" or result.reason


def test_identifiers_stored_as_exact_numbers_come_in_as_text(database, tmp_path):
    """Every student of an export whose NIK, NISN and KK cells are numbers comes in (they were all 'NIK rusak')."""
    students = [student(Nama=f"Siswa {chr(65 + n)}", NISN=151234560.0 + n, NIK=5371045203150001.0 + n * 10,
                        NIPD=2200.0 + n, **{"No KK": 5371041501100007.0, "RT": 4.0, "Agama": "Kristen", "JK": "Perempuan"})
                for n in range(5)]
    summary = import_students(export(tmp_path, students), today=TODAY)
    assert summary.counts() == {"new": 5} and summary.written
    first = Student.get(Student.name == "Siswa A")
    assert (first.nisn, first.nik, first.kk_number, first.nipd, first.rt) == (
        "0151234560", "5371045203150001", "5371041501100007", "2200", "004")
    assert (first.religion, first.sex) == ("Kristen Protestan", "P")  # Dapodik's spellings, mapped


def test_a_nik_excel_may_have_cut_imports_with_a_warning(database, tmp_path):
    path = export(tmp_path, [student(NIK=5371045203150010.0)])
    summary = import_students(path, rejects=tmp_path / "periksa.xlsx", today=TODAY)
    assert summary.counts() == {"new": 1} and "mungkin terpotong Excel" in summary.rows[0].reason
    assert Student.get().nik == "5371045203150010"
    assert load_workbook(tmp_path / "periksa.xlsx")["Periksa"].max_row == 2


def test_a_religion_no_list_knows_is_asked_once_and_remembered(database, tmp_path):
    path = export(tmp_path, [student(Agama="Marapu"), student(Nama="Yosef Tanau", NISN="0151234568", NIK="5371041003150002",
                                                              NIPD="2202", JK="L", Agama="Marapu")])
    check = import_students(path, today=TODAY)
    assert [(u.column, u.value, u.count) for u in check.unknown] == [("Agama", "Marapu", 2)]
    assert not check.written and Student.select().count() == 0
    done = import_students(path, today=TODAY, values={("Agama", "Marapu"): "Kepercayaan"})
    assert done.written and {s.religion for s in Student.select()} == {"Kepercayaan"}
    assert import_students(path, dry_run=True, today=TODAY).unknown == []


def test_a_row_with_another_childs_nisn_is_refused_naming_both(database, tmp_path):
    import_students(export(tmp_path, [student()]), today=TODAY)
    other = student(Nama="Yosef Lay", JK="L", **{"Tanggal Lahir": "2013-07-01", "NIK": "", "NIPD": ""})
    summary = import_students(export(tmp_path, [other]), today=TODAY)
    assert [r.status for r in summary.rows] == ["error"]
    reason = summary.rows[0].reason
    assert "Maria Bere" in reason and "Yosef Lay" in reason and "0151234567" in reason and "12-03-2015" in reason
    assert Student.get().name == "Maria Bere"


def test_a_district_file_keeps_the_cells_of_its_first_clean_rows_and_of_every_bad_one(database, tmp_path, monkeypatch):
    """Past the first clean rows only the rows with a problem or a warning keep their cells for the
    check's table; every student is still saved, and the rejects file still has its rows whole."""
    from kupang_desk.students import dapodik

    monkeypatch.setattr(dapodik, "PREVIEW_ROWS", 1)
    summary = import_students(export(tmp_path, classroom()), rejects=tmp_path / "ditolak.xlsx", today=TODAY)
    shown = {row.line: bool(row.original) for row in summary.rows}
    statuses = {row.line: row.status for row in summary.rows}
    assert summary.written and Student.select().count() == 4
    assert [shown[line] for line in sorted(shown)] == [True, False, True, True, False]  # Ana Lay: warned; Ani Lay: refused
    assert statuses[min(statuses)] == "new" and "error" in statuses.values()
    sheet = load_workbook(tmp_path / "ditolak.xlsx").active
    assert any(c.value == "Ani Lay" for row in sheet.iter_rows() for c in row)


def test_a_bad_row_gives_every_reason_at_once(database, tmp_path):
    """Issue 38 item 7: a row whose name held a digit, whose NIK Excel had written 5.37104E+15 and
    whose NISN repeated an earlier row gave one reason ("Nama tidak boleh berisi angka"); the clerk
    fixed it, imported again, and met the next. Every problem of the row is said the first time."""
    path = export(tmp_path, [student(), student(Nama="Ani Lay 2", NISN="0151234567", NIK="5.37104E+15", NIPD="2299")])
    summary = import_students(path, today=TODAY)
    bad = summary.rows[1]
    assert bad.status == "error"
    columns = [column for column, _reason in bad.problems]
    assert "Nama" in columns and "NISN" in columns, bad.problems
    assert any("sudah ada di baris" in reason for _column, reason in bad.problems)
    assert any("NIK" in column for column, _note in bad.problems + bad.warnings)
