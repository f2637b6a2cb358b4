"""The recipient list and the scholarship recap on paper, as LibreOffice prints them (slow)."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk.documents.excel import write_workbook
from kupang_desk.scholarships import printouts
from tests.helpers.libreoffice import overflowing_cells, page_sizes, printed
from tests.scholarships.test_printouts import school

pytestmark = pytest.mark.slow
F4_LANDSCAPE = (936, 612)  # Excel's Folio, 8.5 x 13 in


def test_the_recipient_list_and_the_recap_print_one_page_wide(sqlite_database, tmp_path):
    pip, _ids = school(sqlite_database)
    printouts.save_list(pip, xlsx=tmp_path / "daftar.xlsx", paper="F4", signed_on=dt.date(2026, 12, 5))
    write_workbook([printouts.recap_report(2026)], tmp_path / "rekap.xlsx")
    for name in ("daftar", "rekap"):
        assert overflowing_cells(tmp_path / f"{name}.xlsx") == [], name
    listing = printed(tmp_path / "daftar.xlsx")
    assert len(listing.pages) == 1 and page_sizes(listing) == {F4_LANDSCAPE}
    text = listing.pages[0].extract_text()
    assert "No. Rekening" in text and "Status" in text  # the last columns are on the page, not on a second one
    recap = printed(tmp_path / "rekap.xlsx")
    assert len(recap.pages) == 1
    assert "Belum cair" in recap.pages[0].extract_text()
