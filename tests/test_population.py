"""Population per kelurahan: typed in Pengaturan or imported from the office's Excel sheet, checked
whole before anything is saved; on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from openpyxl import Workbook

from PySide6.QtCore import QLocale, Qt

from kupang_desk import population
from kupang_desk.errors import KnownError
from kupang_desk.models import AuditEvent, Population
from kupang_desk.population import Inhabitants

OEBOBO, FONTEIN, OETETE = "53.71.04.1001", "53.71.05.1008", "53.71.04.1008"


def _sheet(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["Jumlah Penduduk per Kelurahan, Kota Kupang Dalam Angka 2025"])  # a title above the header
    sheet.append([])
    sheet.append(["No", "Kode", "Kelurahan", "Laki-laki", "Perempuan", "Jumlah Penduduk"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_bps_sheet_is_imported_by_name_or_code_and_its_total_line_skipped(database, tmp_path):
    path = _sheet(tmp_path / "penduduk.xlsx", [[1, "", "Oebobo", 6120, 6230, 12350], [2, FONTEIN, "", "4.100", "4.000", "8.100"],
                                                [3, "", "tuak daun merah", None, None, 7000], ["", "", "Jumlah", None, None, 27450]])
    assert population.import_population(path, year=2025, source="BPS") == 3
    figures = {row.code: (row.total, row.men, row.women, row.year) for row in population.city_population() if row.total}
    assert figures == {OEBOBO: (12350, 6120, 6230, 2025), FONTEIN: (8100, 4100, 4000, 2025), "53.71.04.1014": (7000, None, None, 2025)}
    assert AuditEvent.select().where(AuditEvent.table_name == "population").count() == 1


@pytest.mark.parametrize(("row", "says"), [
    ([9, "", "Oebobbo", None, None, 500], 'Baris 5: kelurahan "Oebobbo" tidak ada di Kota Kupang'),
    ([9, "", "Oetete", 100, 100, 500], "Baris 5: laki-laki 100 + perempuan 100 tidak sama dengan jumlah 500"),
    ([9, "", "Oetete", None, None, "lima ratus"], 'Baris 5: jumlah penduduk "lima ratus" bukan angka'),
    ([9, "", "Oebobo", None, None, 300], "Baris 5: kelurahan Oebobo sudah ada di Baris 4"),
])
def test_a_sheet_with_one_bad_row_saves_nothing_and_says_which_line(database, tmp_path, row, says):
    population.set_population([Inhabitants(OEBOBO, "Oebobo", "", 9999)])
    path = _sheet(tmp_path / "penduduk.xlsx", [[1, "", "Oebobo", None, None, 12350], row])
    with pytest.raises(KnownError, match=re.escape(says)):
        population.import_population(path)
    assert [(p.kelurahan_code, p.total) for p in Population.select()] == [(OEBOBO, 9999)]  # as it was


def test_a_sheet_without_the_columns_says_what_it_needs(database, tmp_path):
    book = Workbook()
    book.active.append(["Nama", "Umur"])
    book.save(tmp_path / "lain.xlsx")
    with pytest.raises(KnownError, match="kolom Kelurahan .* dan Jumlah penduduk"):
        population.import_population(tmp_path / "lain.xlsx")


def test_the_clerk_types_a_figure_in_pengaturan_and_clears_another(qtbot, database, tmp_path):
    from kupang_desk.ui.settings.references import PopulationEditor

    population.set_population([Inhabitants(FONTEIN, "Fontein", "", 8100)])
    editor = PopulationEditor()
    qtbot.addWidget(editor)
    table = editor.table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    assert table.rowCount() == 51 and table.item(rows["Fontein"], 2).text() == "8100"
    assert table.item(rows["Oebobo"], 1).text() == "Oebobo"  # its kecamatan
    table.item(rows["Oebobo"], 2).setText("12.350")  # as a clerk types it, with the thousands dot
    table.item(rows["Oebobo"], 5).setText("2025")
    table.item(rows["Fontein"], 2).setText("")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "Penduduk disimpan: 1 kelurahan berisi angka" in editor.message.text()
    assert [(p.kelurahan_code, p.total, p.year) for p in Population.select()] == [(OEBOBO, 12350, 2025)]
    table.item(rows["Oetete"], 2).setText("dua ribu")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert 'Oetete: penduduk "dua ribu" bukan angka' in editor.message.text()
    assert Population.select().count() == 1
    path = _sheet(tmp_path / "penduduk.xlsx", [[1, OETETE, "", None, None, 5000]])
    assert editor.import_file(str(path))
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    assert table.item(rows["Oetete"], 2).text() == "5000" and table.item(rows["Oebobo"], 2).text() == "12350"


def test_the_command_line_imports_and_shows_the_population(database, db_url, monkeypatch, tmp_path, capsys):
    from kupang_desk.cli import EXIT_USER, main
    from kupang_desk.models import database as database_module
    from tests.helpers.factories import cli_account

    cli_account(monkeypatch)
    database_module.close()
    path = _sheet(tmp_path / "penduduk.xlsx", [[1, "", "Oebobo", None, None, 12350]])
    assert main(["--database", db_url, "population", "import", str(path), "--year", "2025", "--source", "BPS"]) == 0
    assert "1 kelurahan diimpor" in capsys.readouterr().out
    assert main(["--database", db_url, "population", "show"]) == 0
    shown = capsys.readouterr().out
    assert any(line.startswith(OEBOBO) and "12.350" in line and "2025 BPS" in line for line in shown.splitlines())
    book = Workbook()
    book.active.append(["Kelurahan", "Jumlah penduduk", "Sasaran ibu hamil", "Sasaran bayi"])
    book.active.append(["Oebobo", 12350, 240, 218])
    book.save(tmp_path / "sasaran.xlsx")
    assert main(["--database", db_url, "population", "import", str(tmp_path / "sasaran.xlsx")]) == 0
    capsys.readouterr()
    assert main(["--database", db_url, "population", "show"]) == 0
    assert any(line.startswith(OEBOBO) and "sasaran ibu hamil 240, bayi 218" in line
               for line in capsys.readouterr().out.splitlines())
    bad = _sheet(tmp_path / "salah.xlsx", [[1, "", "Oebobbo", None, None, 5]])
    assert main(["--database", db_url, "population", "import", str(bad)]) == EXIT_USER
    assert 'Baris 4: kelurahan "Oebobbo" tidak ada di Kota Kupang' in capsys.readouterr().err


def test_the_pws_targets_are_saved_beside_the_population_and_checked(database):
    population.set_population([Inhabitants(OEBOBO, "Oebobo", "", 12350, 6120, 6230, 2026, "Dinas", 240, 218)])
    row = next(r for r in population.city_population() if r.code == OEBOBO)
    assert (row.pregnant_target, row.infant_target) == (240, 218)
    audited = AuditEvent.select().where(AuditEvent.table_name == "population").order_by(AuditEvent.id.desc()).first()
    assert "240" in audited.details and "218" in audited.details  # a changed target is in the trail
    with pytest.raises(KnownError, match="sasaran ibu hamil 7000 lebih dari penduduk perempuan 6230"):
        population.set_population([Inhabitants(OEBOBO, "Oebobo", "", 12350, 6120, 6230, 2026, "", 7000, 218)])
    with pytest.raises(KnownError, match="sasaran Fontein diisi tanpa jumlah penduduk"):
        population.set_population([Inhabitants(FONTEIN, "Fontein", "", None, None, None, None, "", 150, None)])
    assert [(p.pregnant_target, p.infant_target) for p in Population.select()] == [(240, 218)]  # as it was


def test_the_targets_are_estimated_as_pws_kia_asks():
    # 1.10 x CBR x population for pregnant women, CBR x population for infants (Pedoman PWS-KIA 2009)
    assert population.estimated_targets(10_000, 17.5) == (193, 175)  # 192.5: halves up, as by hand
    with pytest.raises(KnownError, match="CBR"):
        population.estimated_targets(10_000, 175)


def test_a_sheet_with_the_dinas_targets_is_imported(database, tmp_path):
    book = Workbook()
    book.active.append(["Kelurahan", "Jumlah penduduk", "Sasaran Bumil", "Sasaran Bayi"])
    book.active.append(["Oebobo", 12350, 240, 218])
    book.save(tmp_path / "sasaran.xlsx")
    population.import_population(tmp_path / "sasaran.xlsx")
    assert [(p.kelurahan_code, p.total, p.pregnant_target, p.infant_target) for p in Population.select()] == [
        (OEBOBO, 12350, 240, 218)]


def test_the_clerk_fills_the_empty_targets_from_the_birth_rate_and_saves(qtbot, database):
    from kupang_desk.ui.settings.references import PopulationEditor

    population.set_population([Inhabitants(OEBOBO, "Oebobo", "", 10_000), Inhabitants(FONTEIN, "Fontein", "", 8000, None,
                                                                                        None, None, "", 150, None)])
    editor = PopulationEditor()
    qtbot.addWidget(editor)
    table = editor.table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    assert [table.horizontalHeaderItem(c).text() for c in (6, 7)] == ["Sasaran bumil", "Sasaran bayi"]
    qtbot.mouseClick(editor.estimate_button, Qt.MouseButton.LeftButton)
    assert "Isi dulu angka kelahiran kasar" in editor.message.text()
    editor.birth_rate.setLocale(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))  # as the program sets it
    editor.birth_rate.lineEdit().selectAll()
    qtbot.keyClicks(editor.birth_rate, "17,5")  # the decimal comma, as the clerk writes it
    qtbot.mouseClick(editor.estimate_button, Qt.MouseButton.LeftButton)
    assert "3 sasaran diisi dari CBR 17,5" in editor.message.text()
    assert (table.item(rows["Oebobo"], 6).text(), table.item(rows["Oebobo"], 7).text()) == ("193", "175")
    assert (table.item(rows["Fontein"], 6).text(), table.item(rows["Fontein"], 7).text()) == ("150", "140")  # typed kept
    assert table.item(rows["Oetete"], 6).text() == ""  # no population, no target
    assert [(p.kelurahan_code, p.pregnant_target) for p in Population.select().order_by(Population.kelurahan)] == [
        (OEBOBO, None), (FONTEIN, 150)]  # nothing saved before Simpan
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert {p.kelurahan_code: (p.pregnant_target, p.infant_target) for p in Population.select()} == {
        OEBOBO: (193, 175), FONTEIN: (150, 140)}
