"""School desk figures at a school's scale (1,500 students) and a district office's (50,000).

    python benchmarks/school.py [--students 1500 50000]

For each size: a Dapodik-shaped export is written (not timed), then
- import: python-calamine reading the file (raw) beside the app's import (read, check
  every row, write in one transaction), and the second import of the same file;
- the recipient list of every student as PDF beside raw ReportLab ``LongTable`` on the
  same strings, and as Excel beside raw openpyxl write-only on the same values;
- class promotion of everyone, and its undo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def write_export(path: Path, count: int, seed: int = 7) -> None:
    """A Dapodik-shaped export (title rows, two-row header, every column) in write-only mode."""
    from openpyxl import Workbook

    from tests.helpers.dapodik import AFTER, BEFORE, PARENT

    rng = random.Random(seed)
    names = ["Maria", "Yosef", "Agustina", "Yohanes", "Debora", "Petrus", "Selfina", "Imanuel", "Ester", "Marthen"]
    families = ["Bere", "Ndun", "Manafe", "Pah", "Lay", "Tode", "Sinlae", "Bana", "Mesah", "Nope"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(["Daftar Peserta Didik"])
    sheet.append(["SD INPRES OEBOBO 2"])
    sheet.append(["Kecamatan Kec. Oebobo, Kota Kupang, Provinsi Nusa Tenggara Timur"])
    sheet.append(["Tanggal Unduh: 2026-11-20 10:12:01"])
    top = list(BEFORE)
    bottom = [None] * len(BEFORE)
    for group in ("Data Ayah", "Data Ibu", "Data Wali"):
        top += [group] + [None] * (len(PARENT) - 1)
        bottom += list(PARENT)
    top += list(AFTER)
    bottom += [None] * len(AFTER)
    sheet.append(top)
    sheet.append(bottom)
    for number in range(1, count + 1):
        sex = rng.choice("LP")
        grade = rng.randrange(1, 7)
        born = dt.date(2026 - 6 - grade, rng.randrange(1, 13), rng.randrange(1, 29))
        day = born.day + (40 if sex == "P" else 0)
        nik = f"537104{day:02d}{born.month:02d}{born.year % 100:02d}{number % 9999 + 1:04d}"
        name = f"{rng.choice(names)} {chr(65 + number % 26)}{chr(65 + number // 26 % 26)} {rng.choice(families)}"
        row = {"No": number, "Nama": name, "NIPD": str(10000 + number), "JK": sex, "NISN": f"0{number:09d}",
               "Tempat Lahir": "Kupang", "Tanggal Lahir": born.isoformat(), "NIK": nik, "Agama": "Katolik",
               "Alamat": "Jl. Frans Seda", "RT": "004", "RW": "002", "Kelurahan": "Oebobo", "HP": "081234567890",
               "Penerima KPS": "Tidak", "Rombel": f"Kelas {grade}{rng.choice('AB')}", "Nomor KIP": f"K{number:06d}",
               "Bank": "BRI", "Nomor Rekening Bank": f"0123{number:011d}", "Rekening Atas Nama": name,
               "Layak PIP (usulan dari sekolah)": "Ya", "Alasan Layak PIP": "Siswa Miskin/Rentan Miskin",
               "No KK": f"537104150110{number % 9999 + 1:04d}"}
        values = [row.get(header) for header in BEFORE]
        for group in ("Ayah", "Ibu", "Wali"):
            values += [f"{rng.choice(names)} {rng.choice(families)}" if group != "Wali" else None] + [None] * 5
        values += [row.get(header) for header in AFTER]
        sheet.append(values)
    book.save(path)


def measure(count: int) -> None:
    from python_calamine import CalamineWorkbook

    from kupang_desk.models import Institution, Student, database
    from kupang_desk.scholarships import awards, programmes
    from kupang_desk.students import classes
    from kupang_desk.students.dapodik import import_students

    folder = Path(tempfile.mkdtemp())
    source = folder / f"dapodik-{count}.xlsx"
    write_export(source, count)
    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(source)).get_sheet_by_index(0).to_python()
    raw_read = time.perf_counter() - started
    database.connect(f"sqlite:///{folder / 'school.sqlite'}")
    Institution.create(kind="sekolah", name="SD Inpres Oebobo 2", code="50304512", school_level="SD")
    started = time.perf_counter()
    summary = import_students(source)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = import_students(source)
    second = time.perf_counter() - started
    print(f"students={count} rows={len(rows) - 6} raw_read_s={raw_read:.2f} import_s={first:.2f} "
          f"reimport_s={second:.2f} new={summary.counts().get('new', 0)} error={summary.counts().get('error', 0)} "
          f"unchanged_again={again.counts().get('unchanged', 0)}")

    pip = programmes.ensure_pip(2026)
    started = time.perf_counter()
    awards.propose(pip, [s for (s,) in Student.select(Student.id).tuples()])
    propose = time.perf_counter() - started
    print(f"students={count} propose_s={propose:.2f}")
    if count <= 5000:  # a school prints its list; a district office does not print 50,000 rows
        printing(pip, folder, count)
    started = time.perf_counter()
    _promotion, plan = classes.promote("2027/2028")
    promote = time.perf_counter() - started
    started = time.perf_counter()
    _promotion, restored, _kept = classes.undo_promotion()
    undo = time.perf_counter() - started
    print(f"students={count} promote_s={promote:.2f} undo_s={undo:.2f} moved={len(plan.moves)} "
          f"graduated={len(plan.graduates)} restored={restored} peak_mb={peak_mb()}")
    database.close()


def printing(pip, folder: Path, count: int) -> None:
    from openpyxl import Workbook
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import LongTable, SimpleDocTemplate

    from kupang_desk.scholarships import printouts

    report = printouts.recipient_report(pip)
    strings = [[str(v) for v in row] for row in report.tables[0].rows]
    started = time.perf_counter()
    printouts.save_list(pip, pdf=folder / "list.pdf")
    app_pdf = time.perf_counter() - started
    started = time.perf_counter()
    SimpleDocTemplate(str(folder / "raw.pdf"), pagesize=landscape(A4)).build([LongTable(strings, repeatRows=1)])
    raw_pdf = time.perf_counter() - started
    started = time.perf_counter()
    printouts.save_list(pip, xlsx=folder / "list.xlsx")
    app_xlsx = time.perf_counter() - started
    started = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in report.tables[0].rows:
        sheet.append(row)
    book.save(folder / "raw.xlsx")
    raw_xlsx = time.perf_counter() - started
    print(f"students={count} list_pdf_s={app_pdf:.2f} raw_pdf_s={raw_pdf:.2f} "
          f"list_xlsx_s={app_xlsx:.2f} raw_xlsx_s={raw_xlsx:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, nargs="+", default=[1500, 50000])
    args = parser.parse_args()
    print(f"School desk benchmarks on {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}")
    for count in args.students:
        measure(count)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
