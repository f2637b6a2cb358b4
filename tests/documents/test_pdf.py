"""The PDF table as it prints: header words whole, long text wrapped inside its column."""

from __future__ import annotations

from reportlab.platypus import Paragraph

from kupang_desk.documents import pdf
from kupang_desk.documents.table import Column, ReportTable

LONG = "Diare dan gastroenteritis oleh penyebab infeksi tertentu (kolitis infeksi)"


def lb1_like() -> ReportTable:
    columns = [Column("code", "Kode ICD-10", width=6, kind="id"), Column("title", "Diagnosis", width=30, kind="text"),
               *[Column(f"n{i}", "Jumlah kasus", group="Kunjungan baru", width=4) for i in range(3)]]
    return ReportTable("LB1", columns, rows=[["A09", LONG, 1, 2, 3], ["I10", "Hipertensi", 4, 5, 6]])


def laid_out_lines(cell: Paragraph, width: float) -> list[str]:
    cell.wrap(width, 1000)
    return [" ".join(word for word in (line.words if hasattr(line, "words") else line[1])) for line in cell.blPara.lines]


def test_header_words_are_never_broken_and_long_text_wraps_inside_its_column():
    pdf.register_fonts()
    table = lb1_like()
    flowable = pdf.table_flowable(table, 300, font_size=7)
    widths = flowable._argW
    headers = flowable._cellvalues[1]
    for column, cell in enumerate(headers[2:], start=2):
        lines = laid_out_lines(cell, widths[column] - 4)
        assert all(line in ("Jumlah", "kasus", "Jumlah kasus") for line in lines), lines  # never "Jumla" / "h kasus"
    body = flowable._cellvalues[2]
    assert isinstance(body[1], Paragraph)  # the long title wraps instead of running under the numbers
    assert body[1].wrap(widths[1] - 4, 1000)[0] <= widths[1] - 4
    assert flowable._cellvalues[3][1] == "Hipertensi"  # short text stays plain (fast)
