"""PWS: mother-and-child coverage of the year's targets and the life-cycle screenings per kelurahan, and who is overdue
for the Pustu and the kader, as the report (Excel and PDF) and the command line give it."""

from __future__ import annotations

import datetime as dt

import openpyxl

from kupang_desk import population, screening
from kupang_desk.documents.table import Period
from kupang_desk.models import Patient
from kupang_desk.population import Inhabitants
from kupang_desk.reports import service
from tests.helpers.clock import TODAY
from tests.helpers.factories import new_patient, new_visit, second_patient


def _month() -> Period:
    return Period.month(TODAY.strftime("%Y-%m"))


def test_coverage_and_the_overdue_list_per_kelurahan(database, tmp_path):
    man = new_patient(birth_date=dt.date(TODAY.year - 40, 1, 1), phone="081234567890")  # Oebobo, from the factory
    woman = second_patient(birth_date=dt.date(TODAY.year - 35, 2, 1))
    kelurahan = Patient.get_by_id(man.id).kelurahan.name
    last_month = dt.datetime.combine(TODAY.replace(day=1) - dt.timedelta(days=20), dt.time(9))
    new_visit(man, last_month, "I10", vitals={"systolic": "150", "diastolic": "95", "weight_kg": "70", "height_cm": "168",
                                              "waist_cm": "92"}, today=TODAY)
    screening.record(man.id, ["dewasa_gula_darah"], {})
    screening.record(woman.id, [], {"dewasa_iva": (TODAY + dt.timedelta(days=7), "pustu")})
    report = service.save("screening", _month(), xlsx=tmp_path / "pws.xlsx", pdf=tmp_path / "pws.pdf")
    counts, shares, coverage, listed = report.tables
    assert [r[1] for r in counts.rows] == [kelurahan]  # nobody pregnant or newborn: the row is there with zeros
    assert counts.rows[0][3:] == [0] * 9
    share = next(r for r in shares.rows if r[1] == kelurahan)
    assert share[2:10] == [None] * 8 and share[10] == 50.0  # no targets: no rate; PTM: one of two adults screened
    assert f"Sasaran belum diisi untuk {kelurahan}" in shares.note
    row = next(r for r in coverage.rows if r[1] == kelurahan)
    assert row[2:5] == [2, 1, 1]  # two registered adults, Yohanes screened in full, Maria not
    assert row[5] == 50.0
    (maria,) = listed.rows
    assert maria[3] == "Maria Bere" and "Gula darah" in maria[7] and "Deteksi dini kanker leher rahim" in maria[7]
    assert "(Pustu)" in maria[8]
    sheet = openpyxl.load_workbook(tmp_path / "pws.xlsx").worksheets[0]
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "Maria Bere" in values and any(isinstance(v, str) and v.startswith("PEMANTAUAN WILAYAH SETEMPAT") for v in values)
    assert (tmp_path / "pws.pdf").stat().st_size > 0


def test_the_command_line_writes_the_pws(database, db_url, monkeypatch, tmp_path, capsys):
    from kupang_desk.cli import main
    from kupang_desk.models import database as database_module
    from tests.helpers.factories import cli_account

    new_patient(birth_date=dt.date(TODAY.year - 40, 1, 1))
    cli_account(monkeypatch)
    database_module.close()
    out = tmp_path / "pws.xlsx"
    assert main(["--database", db_url, "report", "screening", "--month", TODAY.strftime("%Y-%m"), "--xlsx", str(out)]) == 0
    assert out.exists()


def test_the_pws_report_counts_the_pregnancies_and_their_contacts_for_the_head(database, tmp_path):
    mother = second_patient()
    lmp = TODAY - dt.timedelta(weeks=20)
    screening.register_pregnancy(mother.id, lmp)
    screening.record(mother.id, ["anc_t1"], {}, day=lmp + dt.timedelta(weeks=9))
    place = Patient.get_by_id(mother.id).kelurahan
    population.set_population([Inhabitants(place.code, place.name, "", 10_000, None, None, TODAY.year, "Dinas", 40, 36)])
    period = Period.between(lmp, TODAY)
    report = service.save("screening", period, xlsx=tmp_path / "pws.xlsx", pdf=tmp_path / "pws.pdf")
    counts, shares, _coverage, listed = report.tables
    kelurahan = place.name
    row = next(r for r in counts.rows if r[1] == kelurahan)
    assert row[3:7] == [1, 1, 0, 0]  # one pregnant, K1, not yet K4 or K6
    # PWS coverage is of the year's target, not of the pregnancies registered (that would be 100%)
    assert next(r for r in shares.rows if r[1] == kelurahan)[2:5] == [40, 36, 2.5]
    assert next(r for r in shares.rows if r[1] == "KESELURUHAN")[2:5] == [40, 36, 2.5]
    assert "Sasaran belum diisi" not in shares.note
    assert any("Pemeriksaan kehamilan trimester 2" in r[7] for r in listed.rows)  # her second trimester's contacts are due
    sheet = openpyxl.load_workbook(tmp_path / "pws.xlsx").worksheets[0]
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert any(isinstance(v, str) and v.startswith("PWS ibu dan anak") for v in values)
