"""Old registers come in with every bad row explained, and a second import adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from kupang_desk.cli import main
from kupang_desk.errors import KnownError
from kupang_desk.imports import sheet_pieces
from kupang_desk.imports.values import REJECT
from kupang_desk.models import Patient, Visit, VisitDiagnosis, db
from kupang_desk.models import database as database_module
from kupang_desk.tasks import Task
from kupang_desk.visits.register_import import import_register
from tests.helpers.clock import TODAY
from tests.helpers.factories import cli_account

HEADERS = ["No RM", "nik", "NAMA", "Jenis Kelamin", "Tanggal Lahir", "Kelurahan", "Poli", "Cara Bayar",
           "Tanggal Kunjungan", "Kunjungan", "Diagnosa", "Kasus", "Catatan"]


def register_file(path, rows, *, title=True):
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append(["REGISTER KUNJUNGAN PUSKESMAS OEBOBO 2022"])
        sheet.merge_cells("A1:F1")
        sheet.append([])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


ROWS = [
    ["000101", "5371041203870001", "Yohanes Ndun ", "L", dt.datetime(1987, 3, 12), "Oebobo", "Umum", "Umum",
     dt.datetime(2022, 3, 1), "Baru", "J06.9; I10", "Baru;Lama", "ok"],
    ["000101", "5371041203870001", "Yohanes Ndun", "L", "12-03-1987", "Oebobo", "Umum", "Umum",
     "15/03/2022", "Lama", "I10", "Lama", ""],  # the same person again, dates as text
    ["", 5371045505900002, "Maria Manafe", "P", "1990-05-15", "Fatululi", "KIA", "BPJS PBI (APBN)",
     "5 Desember 2022", "", "Z34.9", "", "NIK stored as a number"],
    ["", "", "Agnes Taek", "p", "1 Jan 2020", "", "MTBS", "", "3 Des 2022", "", "A09", "", "no NIK"],
    ["", "5.37104E+15", "Petrus Pah", "L", "01-01-1980", "Oebobo", "Umum", "Umum", "01-02-2022", "", "K30", "",
     "scientific damage"],
    ["", "", "Anak 2", "L", "01-01-2010", "Oebobo", "Umum", "Umum", "01-02-2022", "", "K30", "", "digit in name"],
    ["", "", "Lusia Bere", "X", "01-01-2010", "Oebobo", "Umum", "Umum", "01-02-2022", "", "K30", "", "sex"],
    ["", "", "Lusia Bere", "P", "31-02-2010", "Oebobo", "Umum", "Umum", "01-02-2022", "", "K30", "", "date"],
    ["", "", "Lusia Bere", "P", "01-01-2010", "Oebobo", "Umum", "Umum", "01-02-2022", "", "X99.9", "", "code"],
    ["", "", "Lusia Bere", "P", "01-01-2010", "Atlantis", "Umum", "Umum", "01-02-2022", "", "K30", "", "kelurahan"],
    [None] * 13,  # a blank row is ignored
]


# The clerk's answers for the two values no list knows: reject those rows.
REJECT_UNKNOWN = {("Jenis Kelamin", "X"): REJECT, ("Kelurahan", "Atlantis"): REJECT}


@pytest.mark.parametrize("piece", [None, 1], ids=["one piece", "a row a piece"])
def test_import_explains_every_row_and_is_idempotent(database, tmp_path, monkeypatch, piece):
    if piece:
        monkeypatch.setattr(sheet_pieces, "piece_size", lambda _shared: piece)  # calamine reads one row at a time: the same rows, lines
    path = register_file(tmp_path / "register.xlsx", ROWS)
    summary = import_register(path, rejects=tmp_path / "ditolak.xlsx", today=TODAY, values=REJECT_UNKNOWN)
    statuses = [(row.line, row.status, row.column) for row in summary.rows]
    assert [s for _l, s, _c in statuses] == ["new"] * 4 + ["error"] * 6
    assert [c for _l, s, c in statuses if s == "error"] == ["NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Diagnosa",
                                                            "Kelurahan"]
    assert "notasi ilmiah" in summary.rows[4].reason
    assert statuses[0][0] == 4  # Excel's row number, below the title and the header
    assert Patient.select().count() == 3
    assert Visit.select().count() == 4
    yohanes = Patient.get(Patient.nik == "5371041203870001")
    assert yohanes.no_rm == "000101"  # the old number is kept
    # Oebobo is also a village in TTS (53.02.14.2004): the Kota Kupang kelurahan wins.
    assert yohanes.kelurahan_code == "53.71.04.1001"
    assert [v.is_new_visit for v in Visit.select().where(Visit.patient == yohanes).order_by(Visit.visit_at)] == [True, False]
    first = Visit.select().where(Visit.patient == yohanes).order_by(Visit.visit_at).first()
    assert [(d.icd10_code, d.is_new_case) for d in VisitDiagnosis.select().where(VisitDiagnosis.visit == first)
            .order_by(VisitDiagnosis.position)] == [("J06.9", True), ("I10", False)]
    assert Patient.get(Patient.name == "Maria Manafe").nik == "5371045505900002"
    agnes = Patient.get(Patient.name == "Agnes Taek")
    assert agnes.nik is None and agnes.no_nik_reason
    rejects = load_workbook(tmp_path / "ditolak.xlsx").active
    assert [c.value for c in rejects[1]][-2:] == ["Kolom", "Alasan"]
    assert rejects.max_row == 7 and rejects.cell(row=2, column=14).value == "NIK"
    # The same file again adds nothing.
    again = import_register(path, today=TODAY, values=REJECT_UNKNOWN)
    assert again.counts() == {"unchanged": 4, "error": 6}
    assert (Patient.select().count(), Visit.select().count()) == (3, 4)


@pytest.mark.parametrize("piece", [None, 1], ids=["one piece", "a row a piece"])
def test_a_register_below_empty_rows_and_right_of_an_empty_column_names_excel_rows(database, tmp_path, monkeypatch,
                                                                                     piece):
    """calamine gives the empty rows above the data itself: each row is named as Excel numbers it
    (before, a register starting in row 3 had every row named two rows too low)."""
    if piece:
        monkeypatch.setattr(sheet_pieces, "piece_size", lambda _shared: piece)
    book = Workbook()
    sheet = book.active
    for row, values in ((3, HEADERS), (4, ROWS[0]), (5, ROWS[8])):  # rows 1 and 2 and column A empty
        for column, value in enumerate(values, start=2):
            sheet.cell(row=row, column=column, value=value)
    book.save(tmp_path / "register.xlsx")
    summary = import_register(tmp_path / "register.xlsx", today=TODAY, dry_run=True)
    assert [(row.line, row.status, row.column) for row in summary.rows] == [(4, "new", ""), (5, "error", "Diagnosa")]


def test_dry_run_and_all_or_nothing_write_nothing(database, tmp_path):
    path = register_file(tmp_path / "register.xlsx", ROWS)
    assert import_register(path, dry_run=True, today=TODAY).counts()["new"] == 6  # two wait for an answer
    assert import_register(path, all_or_nothing=True, today=TODAY, values=REJECT_UNKNOWN).counts()["error"] == 6
    assert Visit.select().count() == 0 and Patient.select().count() == 0


def test_csv_and_a_missing_header(database, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("Tanggal Kunjungan;Nama;Jenis Kelamin;Tanggal Lahir;Diagnosa\n"
                    "05-10-2022;Maria Bere;P;01-01-1990;J06.9\n", encoding="utf-8")
    assert import_register(path, today=TODAY).counts() == {"new": 1}
    bad = tmp_path / "other.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(KnownError, match="Baris judul"):
        import_register(bad, today=TODAY)


def test_command_line(db_url, tmp_path, capsys, monkeypatch):
    database_module.connect(db_url)
    cli_account(monkeypatch)
    database_module.close()
    path = register_file(tmp_path / "register.xlsx", ROWS)
    # Two values no list knows: each is printed once with the --map that answers it, and nothing is saved.
    assert main(["--database", db_url, "import", "register", str(path), "--dry-run", "--quiet"]) == 2
    out = capsys.readouterr().out
    assert "baru: 6" in out and "--map \"Kelurahan:Atlantis=" in out and "--map \"Jenis Kelamin:X=" in out
    assert main(["--database", db_url, "import", "register", str(path), "--rejects", str(tmp_path / "r.xlsx"), "--quiet",
                 "--map", "Jenis Kelamin:X=(tolak)", "--reject-unknown"]) == 0
    out = capsys.readouterr().out
    assert "ditolak: 6" in out and "r.xlsx" in out
    empty = register_file(tmp_path / "empty.xlsx", [])
    assert main(["--database", db_url, "import", "register", str(empty), "--quiet"]) == 2
    database_module.close()


# Any text a spreadsheet can hold (openpyxl refuses control characters in cells).
cells = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20), st.integers(), st.floats(allow_nan=True), st.booleans(),
                  st.dates(dt.date(1800, 1, 1), dt.date(2100, 1, 1)), st.sampled_from(["L", "P", "J06.9", "I10; K30", "Oebobo", "Umum", "Baru", "01-02-2022"]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, min_size=13, max_size=13), max_size=12))
def test_no_cell_content_breaks_the_import(sqlite_database, tmp_path_factory, rows):
    with db.atomic():
        VisitDiagnosis.delete().execute()
        Visit.delete().execute()
        Patient.delete().execute()
    path = register_file(tmp_path_factory.mktemp("fuzz") / "fuzz.xlsx", rows)
    summary = import_register(path, today=TODAY)
    imported = summary.counts().get("new", 0)
    assert all(row.status in ("new", "unchanged", "error") for row in summary.rows)
    assert all(row.reason for row in summary.rows if row.status == "error")
    assert Visit.select().count() == imported


def test_rows_dated_in_a_sent_month_make_it_need_a_revision(database, tmp_path):
    from kupang_desk.documents.table import Period
    from kupang_desk.models import LateChange
    from kupang_desk.submissions import calendar, sent
    from kupang_desk.visits.register import VisitFilter, VisitRegister
    from tests.helpers.factories import an_institution

    an_institution()
    march = Period.month("2022-03")
    sent.mark_sent("lb1", march)
    path = register_file(tmp_path / "register-maret.xlsx", ROWS[:3])
    checked = import_register(path, dry_run=True, today=TODAY)
    assert "laporan ini perlu revisi: LB1 Maret 2022" in checked.describe()  # said before anything is written
    summary = import_register(path, today=TODAY)
    assert summary.counts()["new"] == 3 and "perlu revisi: LB1 Maret 2022" in summary.describe()
    late = LateChange.select()
    assert sorted((c.action, c.reason, c.visit.visit_at.month) for c in late) == [
        ("create", "diimpor dari register-maret.xlsx", 3)] * 2  # the two March visits, not December's
    rows = VisitRegister(VisitFilter(date_from=dt.date(2022, 1, 1), date_to=dt.date(2022, 12, 31))).page(0)
    assert sorted((r.visit_at.month, r.late) for r in rows) == [(3, True), (3, True), (12, False)]
    status = {(e.kind, e.label): e.status for e in calendar.entries(dt.date(2022, 4, 20))}
    assert status[("lb1", march.label())] == calendar.REVISI


def test_a_load_written_in_many_chunks_keeps_each_late_change_after_its_visit(database, tmp_path, monkeypatch):
    """The visits, their diagnoses and their late changes go to the database a chunk at a time (20,000
    visits); each chunk writes the visits before the rows that name them, whatever the chunks' sizes."""
    from kupang_desk.documents.table import Period
    from kupang_desk.models import LateChange
    from kupang_desk.models.bulk import BulkWriter
    from kupang_desk.submissions import sent
    from kupang_desk.visits import register_import
    from tests.helpers.factories import an_institution

    an_institution()
    sent.mark_sent("lb1", Period.month("2022-03"))
    monkeypatch.setattr(register_import, "CHUNK", 1)
    defaults = BulkWriter.__init__.__defaults__
    monkeypatch.setattr(BulkWriter.__init__, "__defaults__", (1, *defaults[1:]))  # every writer flushes each row
    march = [[f"00{n}", "", f"Pasien {chr(65 + n)}", "P", "01-01-1990", "Oebobo", "Umum", "Umum", f"0{n}-03-2022", "",
              "J06.9; I10", "Baru;Lama", ""] for n in range(1, 6)]
    summary = import_register(register_file(tmp_path / "register.xlsx", march), today=TODAY)
    assert summary.counts() == {"new": 5}
    assert LateChange.select().count() == 5 and VisitDiagnosis.select().count() == 10


def test_the_kept_counts_equal_the_raw_visits_after_an_import_beside_recorded_visits(database, tmp_path):
    """The Beranda, LB1 and SKDR read the kept counts: after an import they must read as a GROUP BY of
    the visits would, on days that already had visits too."""
    from kupang_desk.models import totals
    from kupang_desk.reports import totals as totals_report
    from tests.helpers.factories import new_patient, new_visit

    yohanes = new_patient()  # the file's first rows are his: their visits join his record
    new_visit(yohanes, dt.datetime(2022, 3, 1, 9, 0), "J06.9", today=TODAY)
    path = register_file(tmp_path / "register.xlsx", ROWS)
    assert import_register(path, today=TODAY, values=REJECT_UNKNOWN).counts()["new"] == 4
    assert totals_report.differences(limit=100) == []
    days: dict[str, int] = {}
    for row in totals.VisitDay.select():
        days[str(row.day)[:10]] = days.get(str(row.day)[:10], 0) + row.visits
    assert days["2022-03-01"] == 2 and days["2022-12-05"] == 1  # beside the recorded visit, and a day of its own
    march = {(r.icd10_code, r.cases) for r in totals.DiagnosisMonth.select() if r.month == "2022-03" and r.cases}
    assert march == {("J06.9", 2), ("I10", 1)}  # the recorded visit's J06.9 and the imported one, in one row


def _triggers() -> dict[str, str]:
    return dict(db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())


def test_after_an_import_every_later_write_is_counted_and_found_as_before(sqlite_database, tmp_path):
    """The import counts its rows at the end instead of row by row: the triggers that count a visit
    recorded at the loket, and that put a new patient in the name search, are back exactly as they were."""
    from kupang_desk.patients.search import search_patients
    from kupang_desk.reports import totals as totals_report
    from tests.helpers.factories import new_patient, new_visit

    before = _triggers()
    path = register_file(tmp_path / "register.xlsx", ROWS)
    import_register(path, today=TODAY, values=REJECT_UNKNOWN)
    assert _triggers() == before
    assert [p.name for p in search_patients("manafe")] == ["Maria Manafe"]  # imported: in the name index
    later = new_patient(name="Kornelis Benu", nik="5371041506880003", birth_date=dt.date(1988, 6, 15))
    new_visit(later, dt.datetime(2022, 12, 5, 9, 0), "Z34.9", today=TODAY)
    assert [p.name for p in search_patients("benu")] == ["Kornelis Benu"]
    assert totals_report.differences(limit=100) == []


def test_an_import_that_fails_while_writing_leaves_the_counts_and_their_triggers(sqlite_database, tmp_path, monkeypatch):
    """A failure halfway through the load (a power cut, a full disk) rolls back the rows and the
    dropped triggers together: nothing imported, and the next visit is counted."""
    from kupang_desk.models import bulk
    from kupang_desk.models.totals import VisitDay
    from kupang_desk.reports import totals as totals_report
    from tests.helpers.factories import new_patient, new_visit

    before = _triggers()
    written = bulk.BulkWriter.close

    def fail_after_visits(self):
        count = written(self)
        if self.model is VisitDiagnosis:
            raise OSError("disk full")
        return count

    monkeypatch.setattr(bulk.BulkWriter, "close", fail_after_visits)
    with pytest.raises(OSError):
        import_register(register_file(tmp_path / "register.xlsx", ROWS), today=TODAY, values=REJECT_UNKNOWN)
    monkeypatch.undo()
    assert _triggers() == before
    assert Visit.select().count() == 0 and Patient.select().count() == 0
    new_visit(new_patient(), dt.datetime(2022, 12, 5, 9, 0), "A09", today=TODAY)
    assert totals_report.differences(limit=100) == []
    assert sum(row.visits for row in VisitDay.select()) == 1


def test_a_value_repeated_down_the_file_is_judged_on_every_row(database, tmp_path):
    """The import reads a repeated cell once (a register repeats its diagnoses, dates and lists), but
    every row that carries a refused or unanswered value is still refused or counted, not only the first."""
    good = ["", "", "Maria Bere", "P", "01-01-1990", "Oebobo", "Umum", "Umum", "05-10-2022", "", "J06.9; I10", "Baru;Lama", ""]
    rows = [good,
            [*good[:2], "Yosef Lay", "L", *good[4:10], "X99.9; I10", "Baru;Lama", ""],
            [*good[:2], "Agnes Taek", "P", *good[4:10], "X99.9; I10", "Baru;Lama", ""],
            [*good[:2], "Lusia Bere", "P", "31-02-2010", *good[5:]],
            [*good[:2], "Petrus Pah", "L", "31-02-2010", *good[5:]],
            [*good[:2], "Yakobus Nope", "L", *good[4:10], "J06.9; I10", "Baru;Kambuh", ""],
            [*good[:2], "Dominggus Lay", "L", *good[4:10], "J06.9; I10", "Baru;Kambuh", ""],
            [*good[:2], "Kornelis Benu", "L", *good[4:10], "J06.9; I10", "Baru;Lama", ""]]
    summary = import_register(register_file(tmp_path / "register.xlsx", rows), today=TODAY)
    assert [r.status for r in summary.rows] == ["new", "error", "error", "error", "error", "new", "new", "new"]
    assert all("X99.9" in r.reason for r in summary.rows[1:3])
    assert all("Tanggal Lahir" in r.column for r in summary.rows[3:5])
    assert [(u.value, u.count) for u in summary.unknown] == [("Kambuh", 2)]  # asked once, for both rows
    assert not summary.written
    answered = import_register(register_file(tmp_path / "register.xlsx", rows), today=TODAY,
                               values={("Kasus", "Kambuh"): "lama"})
    assert answered.written and answered.counts() == {"new": 4, "error": 4}
    lines = {(p.name, d.icd10_code, d.is_new_case) for d in VisitDiagnosis.select() for p in [d.visit.patient]}
    assert ("Yakobus Nope", "I10", False) in lines and ("Kornelis Benu", "I10", False) in lines


def test_another_program_on_the_file_never_sees_the_counting_triggers_missing(sqlite_database, tmp_path, monkeypatch):
    """The window and a scheduled command share one file: while an import loads without its row-by-row
    triggers, a second connection (another program) still reads the schema with them, and after the
    commit it records a visit that is counted."""
    import sqlite3

    from kupang_desk.models import bulk

    before = _triggers()
    seen_by_other: list[set[str]] = []
    seen_by_import: list[set[str]] = []
    written = bulk.BulkWriter.close

    def look_from_outside(self):
        count = written(self)
        if self.model is VisitDiagnosis:  # in the middle of the load, inside the import's transaction
            other = sqlite3.connect(sqlite_database.path, timeout=5)
            seen_by_other.append({name for (name,) in other.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")})
            other.close()
            seen_by_import.append(set(_triggers()))
        return count

    monkeypatch.setattr(bulk.BulkWriter, "close", look_from_outside)
    import_register(register_file(tmp_path / "register.xlsx", ROWS), today=TODAY, values=REJECT_UNKNOWN)
    assert dict(db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()) == before
    assert seen_by_other == [set(before)]
    assert "visit_day_insert" not in seen_by_import[0]  # the import itself was loading without it at that moment


def test_a_patient_named_on_every_visit_is_checked_on_every_row(database, tmp_path):
    """The import reads one patient's cells once (a register names the patient at each visit), but only
    what passed clean is taken again: a warning or a problem of those cells is told on each of the rows,
    and each row's own visit is still checked against the birth date."""
    lusia = ["R000007", "5.37104E+15", "Lusia Bere", "P", "01-01-1990", "Oebobo", "Umum", "Umum"]
    yosef = ["", "5371041203870001", "Yosef Lay", "L", "01-01-2099", "Oebobo", "Umum", "Umum"]
    maria = ["", "5371045505900002", "Maria Manafe", "P", "15-05-1990", "Oebobo", "Umum", "Umum"]
    atlantis = [*maria[:5], "Atlantis", *maria[6:]]

    def visit(day: str, code: str = "J06.9") -> list:
        return [day, "", code, "", ""]

    rows = [[*lusia, *visit("05-10-2022")], [*lusia, *visit("05-10-2022", "K30")],
            [*yosef, *visit("05-10-2022")], [*yosef, *visit("06-10-2022")],
            [*maria, *visit("05-10-2022")], [*maria, *visit("01-01-1989")],
            [*atlantis, *visit("06-10-2022")], [*atlantis, *visit("07-10-2022")]]
    summary = import_register(register_file(tmp_path / "register.xlsx", rows), today=TODAY, dry_run=True)
    assert [(r.status, r.column) for r in summary.rows] == [
        ("new", "NIK"), ("new", "NIK"),  # imported without the cut NIK, "perlu dilengkapi", both rows
        ("error", "Tanggal Lahir, Tanggal Kunjungan"), ("error", "Tanggal Lahir, Tanggal Kunjungan"),
        ("new", ""), ("error", "Tanggal Kunjungan"),  # the second visit is before the birth date
        ("new", "Kelurahan"), ("new", "Kelurahan")]  # waiting for the answer, both rows
    assert all(r.incomplete for r in summary.rows[:2])
    assert [(u.value, u.count) for u in summary.unknown] == [("Atlantis", 2)]


def test_the_progress_counts_rows_as_the_clerk_reads_numbers(database, tmp_path):
    """The progress window of a register of 1,200 visits says "dari 1.200", not "dari 1200"."""
    rows = [["", "", f"Pasien {chr(65 + n % 26)}{chr(65 + n // 26 % 26)}", "P", "01-01-1990", "Oebobo", "Umum", "Umum",
             (TODAY - dt.timedelta(days=n % 300)).strftime("%d-%m-%Y"), "", "K30", "", ""] for n in range(1200)]
    said: list[str] = []
    summary = import_register(register_file(tmp_path / "register.xlsx", rows), today=TODAY,
                              task=Task(lambda _done, _total, text: said.append(text)))
    assert summary.written and summary.counts() == {"new": 1200}
    assert "Memeriksa baris 0 dari 1.200" in said and "Menyimpan baris 0 dari 1.200" in said
