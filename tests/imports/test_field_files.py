"""Files as the field writes them: spellings mapped, not refused; asked once; counted right."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from kupang_desk.documents.table import Period
from kupang_desk.imports.values import ADD, list_mappings
from kupang_desk.models import Patient, PaymentType, Poli, Visit, VisitDiagnosis
from kupang_desk.reports.lb1 import lb1_counts
from kupang_desk.visits.register_import import import_register
from tests.helpers.clock import TODAY
from tests.reports import brute
from tests.visits.test_register_import import register_file

MARCH = Period(dt.date(2022, 3, 1), dt.date(2022, 3, 31))

# No RM, NIK, Nama, JK, Tgl lahir, Kelurahan, Poli, Cara Bayar, Tgl kunjungan, Kunjungan, Diagnosa, Kasus, Catatan
FIELD_ROWS = [
    ["000201", 5371041203870001.0, "Yohanes Ndun", "Laki-laki", "12-03-1987", "Kel. Oebobo", "Poli Umum", "BPJS PBI",
     "01-03-2022", "B", "J06.9; J06.9; I10", "baru; baru; lama", "code repeated: I10 keeps lama"],
    ["000202", "", "Maria Manafe", "Perempuan", "15-05-1990", "OEBOBO", "KIA", "BPJS Non PBI", "02-03-2022", "B", "Z34.9", "B", ""],
    ["000203", "", "Agnes Taek", "P", "01-01-2020", "Fatululi", "Poli Anak", "KIS", "03-03-2022", "Baru", "A09", "", ""],
    ["000204", "", "Petrus Pah", "Pria", "01-01-1950", "oebobo", "BP Umum", "Tunai", "04-03-2022", "L", "I10", "Lama", ""],
    ["000205", "", "Lusia Bere", "Wanita", "01-01-1965", "Fatululi", "Lansia", "BPJS Non PBI", "05-03-2022", "L",
     "E11.9; I10", "KL; KB", ""],
    ["000206", "", "Dominggus Bana", "L", "01-01-1979", "Oebobo", "Poli Jiwa", "Mandiri", "06-03-2022", "B", "F32.9", "Baru", ""],
]


def hand_count() -> list[brute.Record]:
    """The file read by hand: what LB1 must count for March 2022."""
    day = lambda text: dt.datetime.strptime(text, "%d-%m-%Y")  # noqa: E731
    return [
        brute.Record(day("12-03-1987").date(), "L", day("01-03-2022"), [("J06.9", True), ("I10", False)]),
        brute.Record(day("15-05-1990").date(), "P", day("02-03-2022"), [("Z34.9", True)]),
        brute.Record(day("01-01-2020").date(), "P", day("03-03-2022"), [("A09", True)]),
        brute.Record(day("01-01-1950").date(), "L", day("04-03-2022"), [("I10", False)]),
        brute.Record(day("01-01-1965").date(), "P", day("05-03-2022"), [("E11.9", False), ("I10", True)]),
        brute.Record(day("01-01-1979").date(), "L", day("06-03-2022"), [("F32.9", True)]),
    ]


def test_a_register_as_offices_write_it_asks_once_per_value_and_counts_right(database, tmp_path):
    path = register_file(tmp_path / "register-2022.xlsx", FIELD_ROWS)
    check = import_register(path, dry_run=True, today=TODAY)
    # Every spelling is matched but two: "BPJS Non PBI" (PPU or PBPU?) and a poli the list lacks.
    assert [(u.column, u.value, u.count) for u in check.unknown] == [("Cara Bayar", "BPJS Non PBI", 2), ("Poli", "Poli Jiwa", 1)]
    assert [e.name for e in [PaymentType.get_by_id(int(c.key)) for c in check.unknown[0].candidates]] == [
        "BPJS Non-PBI (PPU)", "BPJS Non-PBI (PBPU/BP)"]
    assert check.counts() == {"new": 6} and not check.written
    assert Visit.select().count() == 0  # nothing written while a value is unanswered

    pbpu = PaymentType.get(PaymentType.code == "PBPU")
    summary = import_register(path, today=TODAY, values={("Cara Bayar", "BPJS Non PBI"): "PBPU", ("Poli", "Poli Jiwa"): ADD})
    assert summary.written and summary.counts() == {"new": 6}
    jiwa = Poli.get(Poli.name == "Poli Jiwa")
    assert Visit.select().where(Visit.poli == jiwa).count() == 1
    assert Visit.select().where(Visit.payment_type == pbpu).count() == 3  # the two answered and "Mandiri"
    assert Patient.get(Patient.no_rm == "000201").kelurahan_code == "53.71.04.1001"  # "Kel. Oebobo": Kota Kupang's
    # LB1 of the imported month equals the hand count of the file (kasus kept with their codes).
    got = lb1_counts(MARCH)
    expected = brute.lb1(hand_count(), MARCH.start, MARCH.end)
    assert {code: dict(c) for code, c in expected.items()} == {code: dict(c) for code, c in got.items()}

    # The answers are remembered: the next register with the same spellings asks nothing.
    later = [row[:8] + ["07-03-2022"] + row[9:] for row in FIELD_ROWS]
    again = import_register(register_file(tmp_path / "register-2022b.xlsx", later), dry_run=True, today=TODAY)
    assert again.unknown == []
    assert {(m.column, m.value, m.target_label) for m in list_mappings()} >= {
        ("Cara Bayar", "BPJS Non PBI", "BPJS Non-PBI (PBPU/BP)"), ("Poli", "Poli Jiwa", "Poli Jiwa")}


def test_a_repeated_code_keeps_its_own_kasus(database, tmp_path):
    """Fails on the old importer, which stored I10 as kasus baru here (LB1's wrong columns)."""
    path = register_file(tmp_path / "r.xlsx", FIELD_ROWS[:1])
    import_register(path, today=TODAY, values={})
    visit = Visit.get()
    assert [(d.icd10_code, d.is_new_case) for d in VisitDiagnosis.select().where(VisitDiagnosis.visit == visit)
            .order_by(VisitDiagnosis.position)] == [("J06.9", True), ("I10", False)]


def test_a_nik_excel_may_have_cut_comes_in_with_a_warning_or_is_left_out(database, tmp_path):
    # 5371041203870012 typed into a number cell: Excel keeps 15 digits and writes a 0 for the 16th.
    row = ["000301", 5371041203870010.0, "Yohanes Ndun", "L", "12-03-1987", "Oebobo", "Umum", "Umum", "01-03-2022", "B",
           "J06.9", "Baru", ""]
    path = register_file(tmp_path / "r.xlsx", [row])
    summary = import_register(path, today=TODAY, rejects=tmp_path / "ditolak.xlsx")
    assert summary.counts() == {"new": 1} and "mungkin terpotong Excel" in summary.rows[0].reason
    assert Patient.get().nik == "5371041203870010"
    warned = load_workbook(tmp_path / "ditolak.xlsx")["Periksa"]
    assert warned.cell(row=2, column=3).value == "Yohanes Ndun"  # the warnings sheet lists the row
    assert warned.cell(row=2, column=2).value == "5371041203870010"  # digits as text, not 5.37104E+15

    other = register_file(tmp_path / "r2.xlsx", [["000302", 5371045505900010.0, "Maria Manafe", "P", "15-05-1990", *row[5:]]])
    left_out = import_register(other, today=TODAY, cut_identifiers="empty")
    assert left_out.rows[0].incomplete and "perlu dilengkapi" in left_out.describe()
    assert Patient.get(Patient.no_rm == "000302").nik is None


def test_every_problem_of_a_row_is_reported(database, tmp_path):
    row = ["", "", "Anak 2", "", "31-02-2010", "Oebobo", "Umum", "Umum", "2099-01-01", "", "X99.9; K30", "", ""]
    summary = import_register(register_file(tmp_path / "r.xlsx", [row]), dry_run=True, today=TODAY)
    result = summary.rows[0]
    assert result.status == "error"
    assert [column for column, _reason in result.problems] == [
        "Nama", "Jenis Kelamin", "Tanggal Lahir", "Tanggal Kunjungan", "Diagnosa"]
