"""Population per kelurahan: typed in Pengaturan or imported from the office's Excel sheet, checked
whole before anything is saved; on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from openpyxl import Workbook

from PySide6.QtCore import Qt

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
    bad = _sheet(tmp_path / "salah.xlsx", [[1, "", "Oebobbo", None, None, 5]])
    assert main(["--database", db_url, "population", "import", str(bad)]) == EXIT_USER
    assert 'Baris 4: kelurahan "Oebobbo" tidak ada di Kota Kupang' in capsys.readouterr().err
