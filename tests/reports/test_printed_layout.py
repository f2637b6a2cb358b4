"""The reports on paper, as LibreOffice prints the workbooks (slow: ``pytest -m slow``)."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk.documents.table import Period
from kupang_desk.reports import service
from tests.helpers.factories import new_patient, new_visit
from tests.helpers.libreoffice import overflowing_cells, page_sizes, printed

pytestmark = pytest.mark.slow
A4_LANDSCAPE, A4_PORTRAIT = (842, 595), (595, 842)
# Codes with the longest Indonesian titles a puskesmas records, so that wrapping is exercised.
CODES = ["A09", "J06.9", "I10", "K30", "M79.1", "E11.9", "L30.9", "B35.4", "O80", "Z00.0", "A15.0", "K04.7"]


@pytest.fixture
def october(sqlite_database):
    for number in range(60):
        sex = "LP"[number % 2]
        nik = f"537104{12 + 40 * (sex == 'P')}0387{number + 1:04d}"
        given = ["Yohanes", "Maria", "Agustinus", "Fransiska", "Bernadus", "Yuliana"][number % 6]
        family = ["Ndun", "Bere", "Manafe", "Tanau", "Fanggidae", "Lay", "Nalle", "Adoe", "Mooy", "Riwu"][number // 6]
        patient = new_patient(name=f"{given} Kristoforus {family} Wadu Leba", sex=sex, nik=nik)
        for day in (3, 17):
            new_visit(patient, dt.datetime(2026, 10, day, 8 + number % 8), CODES[number % len(CODES)],
                      CODES[(number + 5) % len(CODES)])
    return Period.month("2026-10")


@pytest.mark.parametrize(("kind", "paper_size", "most_pages"), [
    ("lb1", A4_LANDSCAPE, 2), ("recap", A4_PORTRAIT, 4), ("top", A4_PORTRAIT, 1), ("register", A4_LANDSCAPE, 8),
    ("screening", A4_LANDSCAPE, 8)])  # 60 adults overdue, two lines each
def test_each_report_prints_one_page_wide_with_no_text_over_its_neighbour(october, tmp_path, kind, paper_size, most_pages):
    xlsx = tmp_path / f"{kind}.xlsx"
    service.save(kind, october, service.Options(), xlsx=xlsx)
    assert overflowing_cells(xlsx) == []
    pdf = printed(xlsx)
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Halaman 1 dari" in text  # the footer, so LibreOffice printed what the sheet set up
    assert page_sizes(pdf) == {paper_size}
    # One page wide: 120 visits (register) or a dozen codes (LB1) need few pages; a sheet that is
    # not fitted to the width prints each row band two or three times across (34 pages before).
    assert 1 <= len(pdf.pages) <= most_pages, f"{kind}: {len(pdf.pages)} pages"
