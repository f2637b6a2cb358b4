"""The access-gap report: visits and people reached per 1,000 inhabitants, the PBI share, inside
and outside the working area; on SQLite and PostgreSQL, from the kept counts."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from kupang_desk import population
from kupang_desk.accounts.permissions import PermissionDenied
from kupang_desk.documents.table import Period
from kupang_desk.models import WorkArea, writing
from kupang_desk.population import Inhabitants
from kupang_desk.reports.access import access_report, reach_by_kelurahan
from kupang_desk.reports.service import save
from tests.helpers.factories import (
    OEBOBO,
    cli_account,
    new_patient,
    new_visit,
    payment,
    second_patient,
)

FONTEIN = "53.71.05.1008"
YEAR = Period.between(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def _office() -> None:
    """Oebobo (working area, 2,000 people) and Fontein (outside, 4,000): Yohanes of Oebobo comes three
    times, once on PBI; Maria of Fontein once, on PBI; a visit of 2025 does not count."""
    with writing():
        WorkArea.create(kelurahan=OEBOBO)
    population.set_population([Inhabitants(OEBOBO, "Oebobo", "", 2000, 1000, 1000, 2025, "BPS"),
                               Inhabitants(FONTEIN, "Fontein", "", 4000)])
    yohanes = new_patient()
    maria = second_patient(kelurahan_code=FONTEIN)
    new_visit(yohanes, dt.datetime(2025, 12, 30, 9))
    for day, code in ((5, "UMUM"), (6, "UMUM"), (7, "PBI-N")):
        new_visit(yohanes, dt.datetime(2026, 10, day, 9), payment_type_id=payment(code))
    new_visit(maria, dt.datetime(2026, 10, 5, 10), payment_type_id=payment("PBI-D"))


def test_visits_per_thousand_the_pbi_share_and_the_least_reached_first(database):
    _office()
    areas = {a.code: a for a in reach_by_kelurahan(YEAR)}
    oebobo, fontein = areas[OEBOBO], areas[FONTEIN]
    assert (oebobo.visits, oebobo.per_1000, oebobo.new_visits, oebobo.new_per_1000, oebobo.pbi_share) == (3, 1.5, 1, 0.5, 33.3)
    assert (fontein.visits, fontein.per_1000, fontein.pbi_share, fontein.inside) == (1, 0.2, 100.0, False)
    report = access_report(YEAR)
    places, kecamatan, inside = report.tables
    names = [row[1] for row in places.rows]
    # Every kelurahan of Kota Kupang is listed; those with a figure come first, lowest rate first.
    assert len(names) == 51 and names[:2] == ["Fontein", "Oebobo"]
    assert places.rows[1][2:] == ["Oebobo", "Ya", 2000, 3, 1.5, 1, 0.5, 1, 33.3]
    assert places.rows[2][4:7] == [None, 0, None]  # no population entered: no rate, never a made-up one
    assert "belum diisi untuk 49 kelurahan" in places.note
    by_kecamatan = {row[1]: row[2:] for row in kecamatan.rows}
    assert by_kecamatan["Kota Raja"][:3] == [4000, 1, 0.2] and by_kecamatan["Oebobo"][:3] == [2000, 3, 1.5]
    assert [row[1:5] for row in inside.rows] == [["Dalam wilayah kerja", 2000, 3, 1.5],
                                                 ["Luar wilayah kerja, di Kota Kupang", 4000, 1, 0.2],
                                                 ["Luar Kota Kupang", None, 0, None], ["Tanpa alamat", None, 0, None]]
    assert report.chart == [("Oebobo", 1.5)]  # the working area's kelurahan


def test_an_address_corrected_moves_the_visits_to_the_new_kelurahan(database):
    _office()
    from kupang_desk.models import Patient
    from kupang_desk.patients.registration import load_for_edit, update

    maria = Patient.get(Patient.kelurahan == FONTEIN)
    form = load_for_edit(maria.id).form
    form.kelurahan_code = OEBOBO
    update(maria.id, form, reason="pindah alamat", accept_warnings=True)
    areas = {a.code: a for a in reach_by_kelurahan(YEAR)}
    assert (areas[OEBOBO].visits, areas[OEBOBO].pbi_visits, areas[FONTEIN].visits) == (4, 2, 0)


def test_the_report_and_the_population_check_their_permissions(database):
    from kupang_desk.accounts import session, users

    clerk = users.create_user("poli-uji", "Petugas Poli", "poli", "rahasia-123", must_change=False)
    with session.acting_as(clerk):
        with pytest.raises(PermissionDenied):
            access_report(YEAR)
        with pytest.raises(PermissionDenied):
            population.set_population([Inhabitants(OEBOBO, "Oebobo", "", 2000)])


def test_the_command_line_saves_excel_and_pdf_with_rates_as_numbers(database, db_url, monkeypatch, tmp_path, capsys):
    from kupang_desk.cli import main
    from kupang_desk.models import database as database_module

    _office()
    cli_account(monkeypatch)
    database_module.close()
    xlsx, pdf = tmp_path / "akses.xlsx", tmp_path / "akses.pdf"
    assert main(["--database", db_url, "report", "access", "--from", "2026-01-01", "--to", "2026-12-31",
                 "--xlsx", str(xlsx), "--pdf", str(pdf), "--quiet"]) == 0
    assert "Akses layanan per kelurahan 2026 disimpan" in capsys.readouterr().out
    sheet = load_workbook(xlsx).active
    oebobo = next(row for row in sheet.iter_rows() if row[1].value == "Oebobo")  # the kelurahan, before the kecamatan
    assert [c.value for c in oebobo[4:11]] == [2000, 3, 1.5, 1, 0.5, 1, 33.3]
    assert oebobo[6].number_format == "#,##0.0" and oebobo[1].data_type == "s"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_save_refuses_nothing_for_an_empty_period(database, tmp_path):
    report = save("access", Period.month("2026-03"), xlsx=tmp_path / "kosong.xlsx")
    assert report.empty is False  # the kelurahan are listed with their zeros, so the office sees the gap
    assert all(row[5] == 0 for row in report.tables[0].rows)
