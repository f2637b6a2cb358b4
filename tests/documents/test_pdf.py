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


def _pages_text(path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(str(path)).pages]


def test_a_long_table_prints_page_by_page_exactly_as_one_reportlab_table(tmp_path, monkeypatch):
    """A register of thousands of rows is laid out a page at a time (fast); what is printed is what
    ReportLab's own table split prints: the same pages, each with the two header rows, every row once
    in order, long names wrapped, the total row last in bold."""
    import datetime as dt

    from kupang_desk.documents.table import Letterhead, Period, Report

    columns = [Column("no", "No.", width=4, summed=False), Column("title", "Diagnosis", width=30, kind="text"),
               *[Column(f"n{i}", "Jumlah kasus", group="Kunjungan baru", width=6) for i in range(3)]]
    rows = [[number, LONG if number % 7 == 0 else f"Penyakit {number}", number, 2 * number, 3]
            for number in range(1, 701)]
    report = Report("register", "Register uji", Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
                    [ReportTable("Kunjungan", columns, rows=rows, total_label="Jumlah")],
                    Letterhead(["PEMERINTAH KOTA KUPANG"], "Puskesmas Oebobo", "Jl. Frans Seda", None, "Kupang",
                               "Kepala Puskesmas", "dr. Maria Bere", "198001012005012001"),
                    signed_on=dt.date(2026, 12, 5))
    assert isinstance(pdf.table_flowable(report.tables[0], 700), pdf.PagedTable)
    paged = _pages_text(pdf.write_pdf(report, tmp_path / "paged.pdf"))
    monkeypatch.setattr(pdf.PagedTable, "WINDOW", 10_000)  # the whole table as one ReportLab LongTable
    assert not isinstance(pdf.table_flowable(report.tables[0], 700), pdf.PagedTable)
    whole = _pages_text(pdf.write_pdf(report, tmp_path / "whole.pdf"))
    assert paged == whole
    import re

    with_rows = [page for page in paged if "Penyakit" in page]
    assert len(with_rows) > 10 and all("Kunjungan baru" in page and "Jumlah kasus" in page for page in with_rows)
    text = "\n".join(paged)
    assert [int(n) for n in re.findall(r"Penyakit (\d+)", text)] == [n for n in range(1, 701) if n % 7]
    assert text.count("kolitis infeksi") == 100  # the long name, wrapped in its cell, on every seventh row
    assert "Jumlah\n245.350\n490.700\n2.100" in with_rows[-1].split("Penyakit 699")[-1]  # the total row, last


def test_identifiers_never_wrap_and_the_signature_keeps_the_last_rows_company(tmp_path):
    """Issue 38 item 2: NISN, No. KIP and No. Rekening broke in the middle of the number ("051278381 /
    8") and the signature block stood alone on page 2. An identifier stays on one line; whatever the
    number of rows, the signature's page also holds the table's last rows."""
    import datetime as dt

    from kupang_desk.documents.table import Letterhead, Period, Report
    from kupang_desk.scholarships.printouts import recipient_columns

    def recipients(count: int) -> Report:
        rows = [[str(n), f"05127838{n:02d}", f"Siswa Penerima Nomor {n} Dengan Nama Panjang", "L", "Kelas 4A", "KIP",
                 "12 Maret 2015", "Maria Yasinta Bere Manafe", f"KIP{n:011d}", "BRI", f"0123-01-0{n:05d}-50-9", 450_000,
                 "Dicairkan"] for n in range(1, count + 1)]
        return Report("penerima", "Daftar penerima", Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
                      [ReportTable("Penerima", recipient_columns(), rows=rows, total_label="Jumlah")],
                      Letterhead(["PEMERINTAH KOTA KUPANG"], "SD Inpres Oebobo 2", "Jl. Frans Seda", None, "Kupang",
                                 "Kepala Sekolah", "Yosefina Manafe", "197703122005022002"),
                      landscape=False, signed_on=dt.date(2026, 12, 5))

    pdf.register_fonts()
    flowable = pdf.table_flowable(recipients(3).tables[0], 186 * pdf.mm, font_size=8)
    for row in flowable._cellvalues[1:4]:
        for column in (1, 8, 10):  # NISN, No. KIP, No. Rekening: plain text that fits its column
            assert isinstance(row[column], str)
            assert pdf.pdfmetrics.stringWidth(row[column], pdf.FONT, 8) <= flowable._argW[column] - 4, row[column]
    alone = 0
    for count in range(18, 40):
        pages = _pages_text(pdf.write_pdf(recipients(count), tmp_path / f"penerima-{count}.pdf"))
        assert f"0512783{count:03d}"[-10:] in pages[-1] or f"05127838{count:02d}" in pages[-1], count
        assert "Yosefina Manafe" in pages[-1]
        alone += len(pages) > 1
    assert alone  # some of these counts did push the signature over: the rule was tried
