"""Reports as LibreOffice prints them: an xlsx converted to PDF by ``soffice --headless``, and the
text cells of a sheet that would print over the next column."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pypdf import PdfReader


def soffice() -> str:
    found = shutil.which("soffice")
    if not found:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui fonts-crosextra-carlito")
    return found


def printed(xlsx: Path) -> PdfReader:
    """The PDF LibreOffice prints from ``xlsx`` (its own profile, so tests never share one)."""
    profile = xlsx.parent / "lo-profile"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(xlsx.parent), str(xlsx)], check=True, capture_output=True, timeout=180,
                   env={**os.environ, "HOME": str(xlsx.parent)})
    return PdfReader(xlsx.with_suffix(".pdf"))


def overflowing_cells(xlsx: Path) -> list[str]:
    """Text cells, not wrapped and not merged, longer than their column is wide (in characters)."""
    problems = []
    book = load_workbook(xlsx)
    for sheet in book.worksheets:
        merged = {cell for area in sheet.merged_cells.ranges for row in area.rows for cell in row}
        for row in sheet.iter_rows():
            for cell in row:
                if (not isinstance(cell.value, str) or cell.data_type == "f" or cell.alignment.wrap_text
                        or (cell.row, cell.column) in merged):
                    continue
                if cell.row > sheet.max_row - 10 and cell.column >= sheet.max_column - 8:
                    continue  # the signature block: under empty cells, meant to run on
                following = sheet.cell(row=cell.row, column=cell.column + 1).value
                width = sheet.column_dimensions[get_column_letter(cell.column)].width or 8.43
                if len(cell.value) > width and following not in (None, ""):
                    problems.append(f"{sheet.title}!{cell.coordinate} {cell.value!r} in {width:.0f}")
    return problems


def page_sizes(reader: PdfReader) -> set[tuple[int, int]]:
    return {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
