"""The recipient list, the activation letters and the office's Excel read back as an administrator would check them."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kupang_desk.cli import main
from kupang_desk.errors import KnownError
from kupang_desk.formatting import terbilang
from kupang_desk.models import AuditEvent, Award, Institution, Student
from kupang_desk.models import database as database_module
from kupang_desk.names import name_key
from kupang_desk.scholarships import awards, printouts, programmes
from kupang_desk.scholarships.awards import Step
from tests.helpers.clock import TODAY
from tests.helpers.factories import cli_account


@pytest.mark.parametrize("amount,words", [
    (1800000, "satu juta delapan ratus ribu rupiah"), (450000, "empat ratus lima puluh ribu rupiah"),
    (1150000, "satu juta seratus lima puluh ribu rupiah"), (11000, "sebelas ribu rupiah"),
    (1000, "seribu rupiah"), (0, "nol rupiah"), (2375000, "dua juta tiga ratus tujuh puluh lima ribu rupiah"),
])
def test_terbilang(amount, words):
    assert terbilang(amount) == words


def school(database):
    Institution.create(kind="sekolah", name="SD Inpres Oebobo 2", code="50304512", school_level="SD",
                       address="Jl. Frans Seda No. 12, Kupang", head_name="Yosefina Manafe, S.Pd.",
                       head_nip="197703122005022002")
    pip = programmes.ensure_pip(2026)
    people = [("Maria Bere", "P", 5, "0151234567", "K7XQ2P", "012301012345501"),
              ("Yosef Tanau", "L", 1, "0191234568", "K7XQ2Q", "012301012345502"),
              ("Ana Lay", "P", 3, "0171234569", "", "")]
    for name, sex, grade, nisn, kip, account in people:
        student = Student.create(name=name, name_key=name_key(name), sex=sex, nisn=nisn, nik=f"53710412031500{grade:02d}",
                                 class_group=f"Kelas {grade}A",
                                 grade=grade, birth_date=dt.date(2016 - grade, 3, 12), mother_name="Agustina Ndun",
                                 kip_number=kip, bank="BRI" if account else "", account_number=account,
                                 address="Jl. Frans Seda")
        awards.propose(pip, [student.id])
    ids = {a.student.name: a.id for a in Award.select(Award, Student).join(Student)}
    awards.transition(list(ids.values()), Step("sk_nominasi", decree="SK-NOM/2026/015", decree_date=dt.date(2026, 3, 15),
                                               deadline=dt.date(2026, 12, 5)), today=TODAY)
    awards.transition([ids["Maria Bere"], ids["Yosef Tanau"]], Step("rekening_aktif", activated_on=TODAY), today=TODAY)
    return pip, ids


def test_recipient_list_pdf_and_excel_read_back(database, tmp_path):
    pip, _ids = school(database)
    report = printouts.save_list(pip, pdf=tmp_path / "daftar.pdf", xlsx=tmp_path / "daftar.xlsx", paper="F4",
                                 signed_on=dt.date(2026, 12, 5))
    text = "\n".join(page.extract_text() for page in PdfReader(str(tmp_path / "daftar.pdf")).pages)
    for expected in ("DINAS PENDIDIKAN DAN KEBUDAYAAN", "SD INPRES OEBOBO 2", "NPSN 50304512", "DAFTAR PENERIMA PIP TAHUN 2026",
                     "Maria Bere", "Yosef Tanau", "Ana Lay", "0151234567", "Rp450.000", "Rp225.000", "Rp1.125.000",
                     "satu juta seratus dua puluh lima ribu rupiah", "Kupang, 5 Desember 2026", "Kepala Sekolah",
                     "Yosefina Manafe, S.Pd.", "NIP 19770312 200502 2 002"):
        assert expected in text, expected
    page = PdfReader(str(tmp_path / "daftar.pdf")).pages[0]
    assert round(float(page.mediabox.height)) == 609  # F4 landscape: 215 mm high

    sheet = load_workbook(tmp_path / "daftar.xlsx").active
    header_row = next(r for r in range(1, 20) if sheet.cell(row=r, column=2).value == "NISN")
    first = header_row + 2  # the two-row header
    assert sheet.cell(row=header_row, column=3).value == "NIK"  # the office's Excel carries the NIK too
    nisn, nik, flags, account, amount = (sheet.cell(row=first, column=c) for c in (2, 3, 7, 12, 13))
    assert (nisn.value, nisn.data_type, nisn.number_format) == ("0191234568", "s", "@")  # grade 1 sorts first
    assert (nik.value, nik.data_type) == ("5371041203150001", "s")
    assert flags.value == "KIP" and sheet.cell(row=header_row, column=7).value == "KIP/KKS/PKH"
    assert (account.value, account.data_type) == ("012301012345502", "s")
    assert (amount.value, amount.number_format) == (225000, '"Rp"#,##0')
    total = sheet.cell(row=first + 3, column=13)
    assert total.value == f"=SUM(M{first}:M{first + 2})"
    assert any("satu juta seratus dua puluh lima ribu rupiah" in str(c.value) for row in sheet.iter_rows() for c in row)
    assert len(report.tables[0].rows) == 3
    assert AuditEvent.select().where(AuditEvent.action == "export").count() == 1


def test_one_stage_list_shows_that_stages_amounts_and_cancelled_awards_are_left_out(database, tmp_path):
    pip, ids = school(database)
    awards.transition([ids["Ana Lay"]], Step("dibatalkan", cancel_reason="Pindah sekolah"), today=TODAY)
    report = printouts.recipient_report(pip, stage=2)
    assert [row[2] for row in report.tables[0].rows] == ["Yosef Tanau", "Maria Bere"]
    assert [row[11] for row in report.tables[0].rows] == [112500, 225000]  # half of each year's amount
    assert "Tahap 2" in report.subtitle
    with pytest.raises(KnownError, match="tidak punya tahap 3"):
        printouts.recipient_report(pip, stage=3)


def test_a_list_printed_for_one_status_and_class_says_so_in_its_title(database, tmp_path):
    pip, _ids = school(database)
    printouts.save_list(pip, pdf=tmp_path / "aktif.pdf", xlsx=tmp_path / "aktif.xlsx", statuses=["rekening_aktif"],
                        class_group="Kelas 5A")
    text = PdfReader(str(tmp_path / "aktif.pdf")).pages[0].extract_text()
    assert "Seluruh tahap · Status: Rekening aktif · Kelas 5A" in text
    assert "Maria Bere" in text and "Yosef Tanau" not in text  # Yosef is in Kelas 1A
    sheet = load_workbook(tmp_path / "aktif.xlsx").active
    assert any(isinstance(c.value, str) and "Status: Rekening aktif · Kelas 5A" in c.value for c in sheet["A"])


def test_activation_letters_one_page_per_student(database, tmp_path):
    pip, ids = school(database)
    count = printouts.save_letters(pip, None, tmp_path / "surat.pdf")
    assert count == 1  # only Ana's account is still not active
    pages = PdfReader(str(tmp_path / "surat.pdf")).pages
    text = pages[0].extract_text()
    for expected in ("SURAT KETERANGAN AKTIVASI REKENING", "Ana Lay", "0171234569", "SK-NOM/2026/015", "Bank BRI",
                     "Yosefina Manafe, S.Pd."):
        assert expected in text, expected
    assert printouts.save_letters(pip, list(ids.values()), tmp_path / "semua.pdf") == 3
    assert len(PdfReader(str(tmp_path / "semua.pdf")).pages) == 3


def test_recap_counts_recipients_and_what_is_still_to_be_paid(database):
    pip, ids = school(database)
    awards.transition([ids["Maria Bere"]], Step("sk_pemberian", decree="SK-PEM/1", decree_date=TODAY), today=TODAY)
    awards.record_payout([ids["Maria Bere"]], 1, TODAY, today=TODAY)
    report = printouts.recap_report(2026)
    by_programme = report.tables[0]
    row = by_programme.rows[0]
    columns = [c.key for c in by_programme.columns]
    assert row[0] == "PIP" and row[columns.index("amount")] == 1125000
    assert (row[columns.index("paid")], row[columns.index("outstanding")]) == (225000, 900000)
    assert row[columns.index("sk_nominasi")] == 1 and row[columns.index("dicairkan")] == 1


def test_scholarship_list_from_the_command_line(sqlite_url, tmp_path, capsys, monkeypatch):
    database_module.connect(sqlite_url)
    school(None)
    cli_account(monkeypatch)
    database_module.close()
    pdf, xlsx = tmp_path / "pip.pdf", tmp_path / "pip.xlsx"
    assert main(["--database", sqlite_url, "scholarship", "list", "--programme", "PIP", "--year", "2026",
                 "--pdf", str(pdf), "--xlsx", str(xlsx), "--paper", "F4"]) == 0
    assert "3 siswa, Rp1.125.000" in capsys.readouterr().out
    assert pdf.stat().st_size > 2000 and xlsx.stat().st_size > 2000
    assert main(["--database", sqlite_url, "scholarship", "list", "--programme", "PIP", "--year", "2025",
                 "--pdf", str(pdf)]) == 2
    assert "Program yang ada: PIP 2026" in capsys.readouterr().err
    assert main(["--database", sqlite_url, "scholarship", "deadlines"]) == 0
    assert "Ana Lay" in capsys.readouterr().out


def test_a_list_of_the_card_holders_only_says_which_card_and_shows_each_students_cards(database, tmp_path):
    pip, _ids = school(database)
    Student.update(kks_number="KKS-5371-0099", kps_recipient=True).where(Student.name == "Ana Lay").execute()
    rows = awards.award_rows(pip)
    assert {r.name: r.flags for r in rows} == {"Maria Bere": ("KIP",), "Yosef Tanau": ("KIP",), "Ana Lay": ("KKS", "PKH")}
    assert [r.name for r in awards.award_rows(pip, flag="PKH")] == ["Ana Lay"]
    assert len(awards.award_rows(pip, flag="any")) == 3
    report = printouts.save_list(pip, pdf=tmp_path / "kip.pdf", xlsx=tmp_path / "kip.xlsx", flag="KIP")
    assert [row[2] for row in report.tables[0].rows] == ["Yosef Tanau", "Maria Bere"]
    text = PdfReader(str(tmp_path / "kip.pdf")).pages[0].extract_text()
    assert "Seluruh tahap · Pemegang KIP" in text and "Ana Lay" not in text
    with pytest.raises(KnownError, match="Pilih KIP, KKS, PKH, any atau desil1-4"):
        awards.award_rows(pip, flag="BLT")
