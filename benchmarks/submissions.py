"""The reporting cycle's figures, each beside the raw library doing the same work in the same run.

    python benchmarks/submissions.py DB        # DB: the benchmark database (benchmarks/run.py builds it)

- SKDR week: the W2 report of one week (counts, the eight weeks before for the statistical alert,
  the kelurahan of the cases) against one raw GROUP BY of that week's new cases in sqlite3.
- Access gap: the year's report per kelurahan from the kept ``visit_area`` counts, against one raw
  GROUP BY of the year's visits joined to their patients' kelurahan.
- Keeping the daily totals: a visit with two diagnoses recorded through the app, with the
  triggers that keep every kept table and with them dropped (a fresh SQLite database).
- City LB1: eleven puskesmas LB1 workbooks imported (each checked against its seal) and added up
  into the city LB1, against openpyxl merely reading the same eleven files.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kupang_desk.accounts import session  # noqa: E402
from kupang_desk.accounts.permissions import PERMISSIONS  # noqa: E402
from kupang_desk.accounts.session import SystemActor  # noqa: E402

BENCHMARK = SystemActor("sistem:benchmark", "Benchmark", frozenset(PERMISSIONS))


def median_ms(work, runs: int = 7) -> float:
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def skdr_week(path: str) -> dict[str, float]:
    from kupang_desk.models import Visit, database
    from kupang_desk.reports.skdr import Week, skdr_report, week_counts

    database.connect(f"sqlite:///{path}")
    last = Visit.select(Visit.visit_at).order_by(Visit.visit_at.desc()).first().visit_at.date()
    week = Week.of(last - dt.timedelta(days=10))
    period = week.period()
    start, end = (value.strftime("%Y-%m-%d %H:%M:%S") for value in period.bounds())
    raw = sqlite3.connect(path)
    sql = ("SELECT d.icd10_code, p.kelurahan_code, COUNT(*) FROM visit_diagnosis d JOIN visit v ON v.id = d.visit_id "
           "JOIN patient p ON p.id = v.patient_id WHERE v.deleted_at IS NULL AND d.is_new_case AND v.visit_at >= ? "
           "AND v.visit_at < ? GROUP BY 1, 2")
    raw.execute(sql, (start, end)).fetchall()  # warm both
    skdr_report(period)
    visits = Visit.select().where((Visit.visit_at >= period.bounds()[0]) & (Visit.visit_at < period.bounds()[1])).count()
    return {"raw_ms": median_ms(lambda: raw.execute(sql, (start, end)).fetchall()),
            "counts_ms": median_ms(lambda: week_counts(week)),
            "report_ms": median_ms(lambda: skdr_report(period)), "visits": visits}


def city_lb1(path: str) -> dict[str, float]:
    from openpyxl import load_workbook

    from kupang_desk.documents.excel import write_workbook
    from kupang_desk.documents.table import Period
    from kupang_desk.models import database
    from kupang_desk.reports import service
    from kupang_desk.submissions import city

    database.connect(f"sqlite:///{path}")
    folder = Path(tempfile.mkdtemp())
    files = []
    for number, name in enumerate(city.KOTA_KUPANG, start=1):  # eleven months of this database as eleven puskesmas
        report = service.make("lb1", Period.month(f"2025-{number:02d}"))
        report.stamp = {**report.stamp, "institution_code": f"P53710{number:05d}", "institution_name": f"Puskesmas {name}",
                        "period_start": "2026-10-01", "period_end": "2026-10-31"}
        files.append(write_workbook([report], folder / f"lb1-{number:02d}.xlsx"))

    def read_raw() -> None:
        for file in files:
            book = load_workbook(file, read_only=True)
            for sheet in book.worksheets:
                for _row in sheet.iter_rows(values_only=True):
                    pass
            book.close()

    dinas = folder / "dinas.sqlite"
    database.connect(f"sqlite:///{dinas}")
    raw_ms = median_ms(read_raw, runs=3)
    started = time.perf_counter()
    city.import_files(files)
    report = city.city_report("lb1", Period.month("2026-10"))
    app_ms = (time.perf_counter() - started) * 1000
    return {"raw_ms": raw_ms, "app_ms": app_ms, "codes": len(report.tables[0].rows)}


def access_year(path: str) -> dict[str, float]:
    from kupang_desk.documents.table import Period
    from kupang_desk.models import Visit, database
    from kupang_desk.reports.access import access_report

    database.connect(f"sqlite:///{path}")
    last = Visit.select(Visit.visit_at).order_by(Visit.visit_at.desc()).first().visit_at.date()
    period = Period.between(last - dt.timedelta(days=364), last)
    start, end = (value.strftime("%Y-%m-%d %H:%M:%S") for value in period.bounds())
    raw = sqlite3.connect(path)
    sql = ("SELECT p.kelurahan_code, v.payment_type_id, v.is_new_visit, COUNT(*) FROM visit v JOIN patient p "
           "ON p.id = v.patient_id WHERE v.deleted_at IS NULL AND v.visit_at >= ? AND v.visit_at < ? GROUP BY 1, 2, 3")
    access_report(period)
    figures = {"report_ms": median_ms(lambda: access_report(period)),
               "raw_ms": median_ms(lambda: raw.execute(sql, (start, end)).fetchall(), runs=3)}
    database.close()
    return figures


def totals_cost(count: int = 300) -> dict[str, float]:
    from kupang_desk.models import Patient, database, totals
    from kupang_desk.visits.recording import DiagnosisLine, VisitForm, record_visit
    from tests.helpers.factories import new_patient, poli

    folder = Path(tempfile.mkdtemp(prefix="kd-totals-"))
    database.connect(f"sqlite:///{folder / 'totals.sqlite'}")
    for n in range(2 * count + 20):  # a patient of its own for each visit, so every visit costs the same
        new_patient(nik=f"53710412038{n + 1:05d}", name="Yohanes Ndun", kk_number=f"53710415011{n + 1:05d}")
    people = iter(Patient.select(Patient.id).order_by(Patient.id).tuples())

    def record(n: int, start: dt.datetime) -> float:
        started = time.perf_counter()
        for i in range(n):
            lines = [DiagnosisLine("J06.9", True, True), DiagnosisLine("I10", i % 2 == 0, False)]
            record_visit(VisitForm(patient_id=next(people)[0], visit_at=start + dt.timedelta(minutes=i), poli_id=poli(),
                                   diagnoses=lines), today=dt.date(2026, 12, 31))
        return (time.perf_counter() - started) * 1000 / n

    record(20, dt.datetime(2026, 1, 1, 7))  # warm
    kept = record(count, dt.datetime(2026, 2, 1, 7))
    db = database.db.obj
    for table in totals.KEPT:  # every kept table's triggers: the visit written as if no count were kept
        for (name,) in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
                                      (f"{table.table}_%",)).fetchall():
            db.execute_sql(f"DROP TRIGGER {name}")
    bare = record(count, dt.datetime(2026, 3, 1, 7))
    database.close()
    return {"kept_ms": kept, "bare_ms": bare}


if __name__ == "__main__":
    database_path = sys.argv[1]
    with session.acting_as(BENCHMARK):
        skdr = skdr_week(database_path)
        print(f"{'SKDR week (W2 + 8 weeks history), ms':<44} {skdr['report_ms']:>10.1f} {skdr['raw_ms']:>10.1f} "
              f"{skdr['report_ms'] / skdr['raw_ms']:>7.2f}  < 200 ms; raw = one GROUP BY of the week "
              f"({int(skdr['visits']):,} visits; the week's counts alone {skdr['counts_ms']:.1f} ms)")
        access = access_year(database_path)
        print(f"{'access gap, one year, ms':<44} {access['report_ms']:>10.1f} {access['raw_ms']:>10.1f} "
              f"{access['report_ms'] / access['raw_ms']:>7.2f}  < 200 ms; raw = one GROUP BY of the year's visits "
              "by the patients' kelurahan")
        cost = totals_cost()
        print(f"{'visit recorded (2 diagnoses), ms':<44} {cost['kept_ms']:>10.2f} {cost['bare_ms']:>10.2f} "
              f"{cost['kept_ms'] / cost['bare_ms']:>7.2f}  raw = the same without the daily-totals triggers "
              f"({cost['kept_ms'] - cost['bare_ms']:+.2f} ms a visit)")
        found = city_lb1(database_path)
        print(f"{'city LB1 from 11 files, import + add, ms':<44} {found['app_ms']:>10.1f} {found['raw_ms']:>10.1f} "
              f"{found['app_ms'] / found['raw_ms']:>7.2f}  < 2000 ms; raw = openpyxl reading the 11 files "
              f"({int(found['codes'])} codes in the city LB1)")
