"""The Beranda's first paint on the benchmark database, beside the raw work it replaces.

    python benchmarks/beranda.py DB        # DB: the benchmark database (benchmarks/run.py builds it)

- app: a PuskesmasBeranda made, filled (tiles, top ten, trend) and painted into a pixmap, the
  chart library not yet loaded (it loads after the first paint, as in the window);
- figures alone: ``puskesmas_home`` (the kept counts read through Peewee);
- raw, from the visits: the same figures as sqlite3 GROUP BYs over ``visit`` and
  ``visit_diagnosis`` (what the Beranda would cost without the kept counts);
- raw, from the kept counts: the same reads in sqlite3 (the floor);
- chart: importing pyqtgraph and drawing the trend, after the paint.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.submissions import BENCHMARK, median_ms  # noqa: E402
from kupang_desk.accounts import session  # noqa: E402


def main(path: str) -> None:
    from PySide6.QtWidgets import QApplication

    from kupang_desk.beranda.puskesmas import puskesmas_home
    from kupang_desk.models import Visit, database

    app = QApplication.instance() or QApplication([])
    database.connect(f"sqlite:///{path}")
    session.sign_in(BENCHMARK)
    today = Visit.select(Visit.visit_at).order_by(Visit.visit_at.desc()).first().visit_at.date()
    start = today.replace(day=1)
    year_ago = dt.date(today.year - 1, today.month, 1)
    raw = sqlite3.connect(path)
    day = lambda d: d.isoformat()  # noqa: E731
    from_visits = [
        ("SELECT COUNT(*) FROM visit WHERE deleted_at IS NULL AND visit_at >= ? AND visit_at < ?",
         (day(today), day(today + dt.timedelta(days=1)))),
        ("SELECT COUNT(*) FROM visit WHERE deleted_at IS NULL AND visit_at >= ? AND visit_at < ?",
         (day(start), day(today + dt.timedelta(days=1)))),
        ("SELECT substr(visit_at, 1, 7), is_new_visit, COUNT(*) FROM visit WHERE deleted_at IS NULL AND visit_at >= ? "
         "GROUP BY 1, 2", (day(year_ago),)),
        ("SELECT d.icd10_code, COUNT(*) FROM visit_diagnosis d JOIN visit v ON v.id = d.visit_id WHERE v.deleted_at IS NULL "
         "AND d.is_new_case AND v.visit_at >= ? GROUP BY 1 ORDER BY 2 DESC LIMIT 10", (day(start),)),
    ]
    from_kept = [
        ("SELECT SUM(visits) FROM visit_day WHERE day = ?", (day(today),)),
        ("SELECT SUM(visits) FROM visit_day WHERE day >= ? AND day <= ?", (day(start), day(today))),
        ("SELECT day, is_new_visit, SUM(visits) FROM visit_day WHERE day >= ? GROUP BY 1, 2", (day(year_ago),)),
        ("SELECT icd10_code, SUM(cases) FROM diagnosis_month WHERE month = ? AND is_new_case GROUP BY 1 "
         "ORDER BY 2 DESC LIMIT 10", (today.strftime("%Y-%m"),)),
    ]

    def run(statements):
        for sql, params in statements:
            raw.execute(sql, params).fetchall()

    run(from_visits)
    run(from_kept)
    puskesmas_home(today)
    from kupang_desk.ui.beranda import PuskesmasBeranda  # the page module, as the window imports it

    def first_paint() -> None:
        page = PuskesmasBeranda()
        page.resize(1110, 690)
        page.refresh(today)
        page.grab()  # laid out and painted
        if page.access_operation is not None:  # the map's count, off the GUI thread: not part of the paint
            page.access_operation.worker.wait()
            app.processEvents()
        page.deleteLater()

    first_paint()
    paint = median_ms(first_paint)
    figures = median_ms(lambda: puskesmas_home(today))
    from kupang_desk.beranda.puskesmas import access_home

    access_home(today)
    access = median_ms(lambda: access_home(today))
    raw_visits = median_ms(lambda: run(from_visits), runs=3)
    raw_kept = median_ms(lambda: run(from_kept))
    page = PuskesmasBeranda()
    page.refresh(today)
    started = time.perf_counter()
    page.chart.load()  # starts the library's import thread
    from kupang_desk.ui.beranda import CHART_LIBRARY

    CHART_LIBRARY.join()
    page.chart.load()  # builds the plot
    page.chart.grab()
    chart = (time.perf_counter() - started) * 1000
    app.processEvents()
    visits = Visit.select().count()
    print(f"Beranda on {visits:,} visits, today {today}")
    print(f"{'figure':<52} {'ms':>9}")
    print(f"{'first paint (tiles, top ten, trend data)':<52} {paint:>9.1f}   target < 300")
    print(f"{'  of which the figures (puskesmas_home)':<52} {figures:>9.1f}")
    print(f"{'raw sqlite3, same figures from the visits':<52} {raw_visits:>9.1f}")
    print(f"{'raw sqlite3, same figures from the kept counts':<52} {raw_kept:>9.1f}")
    print(f"{'chart after the paint (import pyqtgraph + draw)':<52} {chart:>9.1f}")
    print(f"{'map figures, 12 months (access_home, worker thread)':<52} {access:>9.1f}")
    print(f"paint_ms={paint:.1f} figures_ms={figures:.1f} raw_visits_ms={raw_visits:.1f} raw_kept_ms={raw_kept:.1f} "
          f"chart_ms={chart:.1f} access_ms={access:.1f}")


if __name__ == "__main__":
    main(sys.argv[1])
