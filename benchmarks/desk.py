"""Puskesmas desk figures, each in its own process so memory is its own: run by run.py.

    python benchmarks/desk.py register-raw DB   # raw lazy model, keyset pages of 200
    python benchmarks/desk.py register-app DB   # the app's visit register page
    python benchmarks/desk.py search DB         # patient search per keystroke, app and raw
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def peak_mb() -> int:
    from kupang_desk.ui.app import peak_memory_mb

    return peak_memory_mb()


def _paint(app, view) -> None:
    view.viewport().repaint()
    app.processEvents()


def register_raw(path: str) -> None:
    """The floor: a bare QAbstractTableModel reading 200-row keyset pages of the visit table."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    app = QApplication([])
    connection = sqlite3.connect(path)

    class Raw(QAbstractTableModel):
        def __init__(self):
            super().__init__()
            self.count = connection.execute("SELECT COUNT(*) FROM visit").fetchone()[0]
            self.pages: dict[int, list] = {}

        def rowCount(self, parent=QModelIndex()):  # noqa: B008
            return self.count

        def columnCount(self, parent=QModelIndex()):  # noqa: B008
            return 6

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            number = index.row() // 200
            if number not in self.pages:
                if number == 0:
                    rows = connection.execute("SELECT id, visit_at, patient_id, poli_id, sex, age_years FROM visit "
                                              "ORDER BY id DESC LIMIT 200").fetchall()
                elif number - 1 in self.pages:
                    rows = connection.execute("SELECT id, visit_at, patient_id, poli_id, sex, age_years FROM visit "
                                              "WHERE id < ? ORDER BY id DESC LIMIT 200", (self.pages[number - 1][-1][0],)).fetchall()
                else:  # the end: keyset from the other side
                    rest = self.count - number * 200
                    rows = connection.execute("SELECT id, visit_at, patient_id, poli_id, sex, age_years FROM visit "
                                              "ORDER BY id ASC LIMIT ?", (rest,)).fetchall()[::-1]
                self.pages[number] = rows
            page = self.pages[number]
            offset = index.row() % 200
            return str(page[offset][index.column()]) if offset < len(page) else None

    started = time.perf_counter()
    view = QTableView()
    view.resize(1200, 700)
    view.setModel(Raw())
    view.show()
    _paint(app, view)
    first = time.perf_counter() - started
    started = time.perf_counter()
    view.scrollToBottom()
    _paint(app, view)
    end = time.perf_counter() - started
    print(f"first_paint_ms={first * 1000:.1f} scroll_end_ms={end * 1000:.1f} peak_mb={peak_mb()}")


def register_app(path: str) -> None:
    """The app's register page: count off the GUI thread, then pages as the view asks."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from kupang_desk.models import database
    from kupang_desk.ui.visit_register import VisitRegisterPage

    app = QApplication([])
    database.connect(f"sqlite:///{path}")
    started = time.perf_counter()
    page = VisitRegisterPage()
    page.resize(1200, 700)
    page.show()
    loop = QEventLoop()
    page.loaded.connect(lambda _n: loop.quit())
    page.apply()
    if page.model.register is None:  # counted on a worker thread: wait for it
        loop.exec()
    _paint(app, page.view)
    first = time.perf_counter() - started
    started = time.perf_counter()
    page.view.scrollToBottom()
    _paint(app, page.view)
    end = time.perf_counter() - started
    started = time.perf_counter()
    page.view.verticalScrollBar().setValue(page.view.verticalScrollBar().maximum() // 2)
    _paint(app, page.view)
    middle = time.perf_counter() - started
    print(f"first_paint_ms={first * 1000:.1f} scroll_end_ms={end * 1000:.1f} "
          f"jump_middle_ms={middle * 1000:.1f} peak_mb={peak_mb()}")


def keystrokes(path: str, count: int = 150, seed: int = 5) -> list[str]:
    """What clerks type, keystroke by keystroke: names (some misspelled), NIKs, No. RM, BPJS numbers."""
    from kupang_desk.names import tidy_name

    connection = sqlite3.connect(path)
    rows = connection.execute("SELECT name, nik, no_rm, bpjs_number FROM patient WHERE id IN "
                              "(SELECT id FROM patient ORDER BY random() LIMIT ?)", (count,)).fetchall()
    rng = random.Random(seed)
    swaps = (("e", "i"), ("y", "i"), ("j", "y"), ("oe", "u"), ("ph", "f"))
    typed: list[str] = []
    for name, nik, no_rm, bpjs in rows:
        name = tidy_name(name).lower()
        if rng.random() < 0.5:
            old, new = rng.choice(swaps)
            name = name.replace(old, new, 1)
        typed += [name[:i] for i in range(1, len(name) + 1)]
        if nik:
            typed += [nik[:i] for i in range(4, 17)]
        typed += [no_rm[:i] for i in range(1, len(no_rm) + 1)]
        if bpjs:
            typed += [bpjs[:i] for i in range(6, 14)]
    return typed


def search(path: str) -> None:
    from kupang_desk.models import database
    from kupang_desk.patients.search import search_patients

    database.connect(f"sqlite:///{path}")
    typed = keystrokes(path)
    search_patients("warm up")
    times = []
    for text in typed:
        started = time.perf_counter()
        search_patients(text)
        times.append(time.perf_counter() - started)
    raw = sqlite3.connect(path)
    names = [t for t in typed if t[:1].isalpha() and len(t) >= 3][:400]
    like, fts = [], []
    for text in names:
        started = time.perf_counter()
        raw.execute("SELECT id FROM patient WHERE name LIKE ? LIMIT 50", (f"%{text}%",)).fetchall()
        like.append(time.perf_counter() - started)
        started = time.perf_counter()
        raw.execute("SELECT rowid FROM patient_fts WHERE patient_fts MATCH ? LIMIT 50",
                    ('"' + text.replace('"', "") + '"',)).fetchall()
        fts.append(time.perf_counter() - started)

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=100)[94] * 1000

    def p99(values: list[float]) -> float:
        return statistics.quantiles(values, n=100)[98] * 1000

    print(f"keystrokes={len(times)} p50_ms={statistics.median(times) * 1000:.2f} p95_ms={p95(times):.2f} "
          f"p99_ms={p99(times):.2f} max_ms={max(times) * 1000:.1f} raw_like_p95_ms={p95(like):.2f} "
          f"raw_fts_p95_ms={p95(fts):.2f} raw_fts_p99_ms={p99(fts):.2f}")


def lb1(path: str) -> None:
    """LB1 computed for a month and a year, and the month written as xlsx and PDF; raw GROUP BY beside."""
    import tempfile

    from kupang_desk.documents.excel import write_workbook
    from kupang_desk.documents.pdf import write_pdf
    from kupang_desk.documents.table import Period
    from kupang_desk.models import database
    from kupang_desk.reports.lb1 import lb1_report

    database.connect(f"sqlite:///{path}")
    month, year = Period.month("2026-10"), Period.between(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    raw_sql = (
        "SELECT d.icd10_code, CASE WHEN v.age_years = 0 AND v.age_days <= 7 THEN 0 WHEN v.age_years = 0 AND v.age_days <= 28 "
        "THEN 1 WHEN v.age_years = 0 THEN 2 WHEN v.age_years <= 4 THEN 3 WHEN v.age_years <= 9 THEN 4 WHEN v.age_years <= 14 "
        "THEN 5 WHEN v.age_years <= 19 THEN 6 WHEN v.age_years <= 44 THEN 7 WHEN v.age_years <= 54 THEN 8 WHEN v.age_years <= 59 "
        "THEN 9 WHEN v.age_years <= 69 THEN 10 ELSE 11 END AS band, v.sex, d.is_new_case, COUNT(*) FROM visit_diagnosis d "
        "JOIN visit v ON v.id = d.visit_id WHERE v.deleted_at IS NULL AND v.visit_at >= ? AND v.visit_at < ? "
        "GROUP BY 1, 2, 3, 4")
    raw = sqlite3.connect(path)
    figures = {}
    for name, period in (("month", month), ("year", year)):
        start, end = (value.strftime("%Y-%m-%d %H:%M:%S") for value in period.bounds())
        raw.execute(raw_sql, (start, end)).fetchall()  # warm the cache for both
        started = time.perf_counter()
        raw.execute(raw_sql, (start, end)).fetchall()
        figures[f"raw_{name}_ms"] = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        report = lb1_report(period)
        figures[f"app_{name}_ms"] = (time.perf_counter() - started) * 1000
    report = lb1_report(month)
    folder = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    write_workbook([report], folder / "lb1.xlsx")
    figures["xlsx_ms"] = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    write_pdf(report, folder / "lb1.pdf", paper="F4")
    figures["pdf_ms"] = (time.perf_counter() - started) * 1000
    print(" ".join(f"{key}={value:.1f}" for key, value in figures.items()), f"rows={len(report.tables[0].rows)}")


EXPORT_RANGE = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))  # about 100,000 visits on the benchmark database


def export_app(path: str, kind: str) -> None:
    """The app's register export: xlsx of the range, or PDF of its first 10,000 rows."""
    import tempfile

    from kupang_desk.documents.pdf import write_pdf
    from kupang_desk.models import database
    from kupang_desk.reports.register import export_register_xlsx, register_report
    from kupang_desk.visits.register import VisitFilter

    database.connect(f"sqlite:///{path}")
    flt = VisitFilter(date_from=EXPORT_RANGE[0], date_to=EXPORT_RANGE[1])
    target = Path(tempfile.mkdtemp()) / f"register.{kind}"
    started = time.perf_counter()
    if kind == "xlsx":
        rows = export_register_xlsx(flt, target)
    else:
        report = register_report(flt, limit=10000)
        rows = len(report.tables[0].rows)
        write_pdf(report, target)
    print(f"seconds={time.perf_counter() - started:.3f} rows={rows} peak_mb={peak_mb()}")


def _raw_rows(path: str, limit: int | None = None) -> list[list]:
    raw = sqlite3.connect(path)
    sql = ("SELECT v.id, v.visit_at, p.no_rm, p.name, v.sex, v.age_years, o.name, "
           "(SELECT group_concat(icd10_code, ', ') FROM visit_diagnosis d WHERE d.visit_id = v.id), v.is_new_visit, "
           "t.name, r.name FROM visit v JOIN patient p ON p.id = v.patient_id JOIN poli o ON o.id = v.poli_id "
           "JOIN payment_type t ON t.id = v.payment_type_id LEFT JOIN region r ON r.code = p.kelurahan_code "
           "WHERE v.deleted_at IS NULL AND v.visit_at >= ? AND v.visit_at < ? ORDER BY v.visit_at, v.id")
    start = f"{EXPORT_RANGE[0]} 00:00:00"
    end = f"{EXPORT_RANGE[1] + dt.timedelta(days=1)} 00:00:00"
    if limit:
        sql += f" LIMIT {int(limit)}"
    # The same values the app writes: times as datetimes, the rest as read.
    return [[row[0], dt.datetime.fromisoformat(row[1]), *row[2:]] for row in raw.execute(sql, (start, end))]


def export_raw(path: str, kind: str, writer: str = "openpyxl") -> None:
    """The floor: openpyxl write-only (or XlsxWriter constant-memory) / a ReportLab LongTable on the same
    rows, read raw first (not timed)."""
    import tempfile

    rows = _raw_rows(path, None if kind == "xlsx" else 10000)
    target = Path(tempfile.mkdtemp()) / f"raw.{kind}"
    started = time.perf_counter()
    if kind == "xlsx" and writer == "xlsxwriter":
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(target), {"constant_memory": True})
        sheet = workbook.add_worksheet()
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
        workbook.close()
    elif kind == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in rows:
            sheet.append(row)
        workbook.save(target)
    else:
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.platypus import LongTable, SimpleDocTemplate

        document = SimpleDocTemplate(str(target), pagesize=landscape(A4))
        document.build([LongTable([[str(v) for v in row] for row in rows], repeatRows=1)])
    print(f"seconds={time.perf_counter() - started:.3f} rows={len(rows)} peak_mb={peak_mb()}")


def write_register_file(source: Path, count: int = 50000) -> None:
    """A register of ``count`` visits spelt as offices write them, so that every row goes through the
    value mapping."""
    from openpyxl import Workbook

    rng = random.Random(3)
    kelurahan = ["Oebobo", "Kel. Fatululi", "OEPURA", "Naikoten 1", "alak", "Oesapa", "Bakunase", "Kayu Putih"]
    payments = ["Umum", "BPJS PBI", "PBI", "KIS", "Tunai", "Mandiri", "BPJS Non PBI", "Jamkesda"]
    polis = ["Poli Umum", "BP Umum", "BP Gigi", "KIA", "Lansia", "MTBS"]
    codes = ["J06.9", "I10", "A09", "K30", "L30.9", "M79.1", "K02.9", "E11.9"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["REGISTER KUNJUNGAN 2021-2025"])
    sheet.append(["Tanggal Kunjungan", "No RM", "NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Kelurahan", "Poli",
                  "Cara Bayar", "Kunjungan", "Diagnosa", "Kasus"])
    for _number in range(count):
        person = rng.randrange(12000)
        born = dt.date(1940 + person % 80, 1 + person % 12, 1 + person % 28)
        sex = "L" if person % 2 else "P"
        day = born.day + (40 if sex == "P" else 0)
        nik = f"537104{day:02d}{born.month:02d}{born.year % 100:02d}{1 + person % 9999:04d}"
        visit = dt.date(2021, 1, 4) + dt.timedelta(days=rng.randrange(1800))
        picked = rng.sample(codes, rng.choice((1, 1, 2)))
        sheet.append([visit.strftime("%d-%m-%Y"), f"R{person:06d}", nik, f"Pasien Nomor {chr(65 + person % 26)}",
                      "Laki-laki" if sex == "L" else "Perempuan", born, rng.choice(kelurahan), rng.choice(polis),
                      rng.choice(payments), "", ";".join(picked),
                      ";".join("Baru" for _c in picked)])
    book.save(source)


REGISTER_VALUES = {("Cara Bayar", "BPJS Non PBI"): "PBPU", ("Kelurahan", "Naikoten 1"): "Naikoten Satu"}


def register_import(path: str) -> None:
    """50,000 register rows: raw python-calamine read beside the app's read, check and write."""
    import tempfile

    from python_calamine import CalamineWorkbook

    from kupang_desk.models import database
    from kupang_desk.visits.register_import import import_register

    folder = Path(tempfile.mkdtemp())
    source = folder / "register-50000.xlsx"
    write_register_file(source)
    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(source)).get_sheet_by_index(0).to_python()
    raw = time.perf_counter() - started
    target = folder / "import.sqlite"
    database.connect(f"sqlite:///{target}")
    started = time.perf_counter()
    summary = import_register(source, values=REGISTER_VALUES)
    app = time.perf_counter() - started
    counts = summary.counts()
    print(f"rows={len(rows) - 2} raw_read_s={raw:.2f} import_s={app:.2f} unknown={len(summary.unknown)} new={counts.get('new', 0)} "
          f"unchanged={counts.get('unchanged', 0)} error={counts.get('error', 0)} peak_mb={peak_mb()}")


def _sign_in_benchmark() -> None:
    """The figures are the app's own functions, which check permissions: this process acts as a
    system actor with every permission, as the command line acts for its signed-in user."""
    from kupang_desk.accounts import session
    from kupang_desk.accounts.permissions import PERMISSIONS
    from kupang_desk.accounts.session import SystemActor

    session.sign_in(SystemActor("sistem:benchmark", "Benchmark", frozenset(PERMISSIONS)))


if __name__ == "__main__":
    command, database_path = sys.argv[1], sys.argv[2]
    _sign_in_benchmark()
    if command == "import":
        register_import(database_path)
        sys.exit(0)
    commands = {"register-raw": register_raw, "register-app": register_app, "search": search, "lb1": lb1}
    if command in commands:
        commands[command](database_path)
    elif command == "export-app":
        export_app(database_path, sys.argv[3])
    elif command == "export-raw":
        export_raw(database_path, sys.argv[3])
    elif command == "export-raw-xlsxwriter":
        export_raw(database_path, sys.argv[3], writer="xlsxwriter")
