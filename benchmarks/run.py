"""Kupang Desk benchmarks: each figure beside the raw library doing the same work, same run.

    python benchmarks/run.py                 # reuse benchmarks/data/bench.sqlite, or build it
    python benchmarks/run.py --rebuild       # measure the demo build too (about 4 minutes)
    python benchmarks/run.py --scale 0.1     # a tenth of the data, for a quick look

Absolute times drift on shared machines; the ratio to the raw figure measured in the
same run is what to compare between runs (see shared/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "benchmarks" / "data"
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}


def _run_python(code: str, *args: str) -> tuple[float, dict[str, float]]:
    """Runs code in a fresh interpreter; returns wall seconds and the key=value figures it prints."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=ENV, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    figures = dict(part.split("=") for part in result.stdout.split() if "=" in part)
    return elapsed, {key: float(value) for key, value in figures.items()}


def build_database(path: Path, patients: int, visits: int) -> float:
    """Builds the benchmark database with the app's own demo command; returns seconds."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kupang_desk", "--database", f"sqlite:///{path}", "demo",
                    "--patients", str(patients), "--visits", str(visits), "--quiet"], env=ENV, check=True)
    return time.perf_counter() - started


def raw_peewee_insert(visits: int) -> float:
    """The floor of PERFORMANCE.md: Peewee insert_many of the visit rows in one transaction."""
    import peewee as pw

    folder = Path(tempfile.mkdtemp())
    database = pw.SqliteDatabase(str(folder / "raw.sqlite"), pragmas={"journal_mode": "wal", "synchronous": "full"})

    class RawVisit(pw.Model):
        patient_id = pw.IntegerField(index=True)
        visit_at = pw.DateTimeField(index=True)
        poli_id = pw.IntegerField()
        payment_type_id = pw.IntegerField()
        is_new_visit = pw.BooleanField()
        age_days = pw.IntegerField()
        age_years = pw.IntegerField()
        sex = pw.CharField()
        complaint = pw.TextField()
        systolic = pw.IntegerField(null=True)
        diastolic = pw.IntegerField(null=True)
        weight_kg = pw.FloatField(null=True)
        temperature_c = pw.FloatField(null=True)
        health_worker = pw.CharField()

        class Meta:
            database = None

    RawVisit._meta.set_database(database)
    database.create_tables([RawVisit])
    rng = random.Random(1)
    rows = [(rng.randrange(1, 200000), f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} 08:30:00",
             rng.randrange(1, 13), rng.randrange(1, 7), rng.random() < 0.3, rng.randrange(0, 30000),
             rng.randrange(0, 90), "L", "Batuk pilek", 120, 80, 55.5, 36.8, "dr. Maria Bere") for _ in range(visits)]
    fields = [RawVisit.patient_id, RawVisit.visit_at, RawVisit.poli_id, RawVisit.payment_type_id, RawVisit.is_new_visit,
              RawVisit.age_days, RawVisit.age_years, RawVisit.sex, RawVisit.complaint, RawVisit.systolic,
              RawVisit.diastolic, RawVisit.weight_kg, RawVisit.temperature_c, RawVisit.health_worker]
    started = time.perf_counter()
    with database.atomic():
        for start in range(0, len(rows), 2000):
            RawVisit.insert_many(rows[start:start + 2000], fields=fields).execute()
    elapsed = time.perf_counter() - started
    database.close()
    return elapsed


BARE_WINDOW = textwrap.dedent("""
    import time
    started = time.perf_counter()
    from PySide6.QtWidgets import QApplication, QMainWindow
    from PySide6.QtCore import QTimer
    app = QApplication([])
    window = QMainWindow()
    window.show()
    def done():
        app.processEvents()
        elapsed = time.perf_counter() - started
        peak = next(int(line.split()[1]) // 1024 for line in open("/proc/self/status") if line.startswith("VmHWM:"))
        print(f"startup_seconds={elapsed:.3f} peak_mb={peak}")
        window.close(); app.quit()
    QTimer.singleShot(0, done)
    app.exec()
""")

APP_START = "import sys; from kupang_desk.cli import main; sys.exit(main(sys.argv[1:]))"


def startup(database: Path, runs: int) -> dict[str, tuple[float, float, int]]:
    """Median wall time to a shown main window, whole process, app and bare PySide6."""
    figures = {}
    for name, code, args in (
        ("bare PySide6 window", BARE_WINDOW, ()),
        ("Kupang Desk main window", APP_START, ("--database", f"sqlite:///{database}", "--exit-after-start")),
    ):
        walls, inner, peak = [], [], 0
        for _ in range(runs):
            wall, printed = _run_python(code, *args)
            walls.append(wall)
            inner.append(printed["startup_seconds"])
            peak = max(peak, int(printed["peak_mb"]))
        figures[name] = (statistics.median(walls), statistics.median(inner), peak)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rebuild", action="store_true", help="build the database again and measure the build")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 200,000 patients / 2,000,000 visits")
    parser.add_argument("--runs", type=int, default=5, help="start-ups to take the median of")
    args = parser.parse_args()
    patients, visits = int(200_000 * args.scale), int(2_000_000 * args.scale)
    DATA.mkdir(parents=True, exist_ok=True)
    database = DATA / f"bench-{patients}-{visits}.sqlite"
    print(f"Kupang Desk benchmarks on {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.machine()}; data {patients:,} patients / {visits:,} visits ({database.name})")
    print(f"{'figure':<44} {'app':>10} {'raw':>10} {'ratio':>7}  target")

    if args.rebuild or not database.exists():
        build = build_database(database, patients, visits)
        raw = raw_peewee_insert(visits)
        print(f"{'demo build (patients+visits+diagnoses), s':<44} {build:>10.1f} {raw:>10.1f} {build / raw:>7.2f}  "
              f"< 120 s at full scale; raw = Peewee insert_many of the visit rows alone")
    else:
        print(f"{'demo build':<44} {'(reused ' + database.name + '; --rebuild to measure)'}")

    figures = startup(database, args.runs)
    bare_wall, bare_inner, bare_rss = figures["bare PySide6 window"]
    app_wall, app_inner, app_rss = figures["Kupang Desk main window"]
    print(f"{'start-up to shown window, whole process, s':<44} {app_wall:>10.3f} {bare_wall:>10.3f} {app_wall / bare_wall:>7.2f}  < 1 s")
    print(f"{'start-up measured inside the process, s':<44} {app_inner:>10.3f} {bare_inner:>10.3f} {app_inner / bare_inner:>7.2f}")
    print(f"{'start-up peak memory, MB':<44} {app_rss:>10d} {bare_rss:>10d} {app_rss / max(bare_rss, 1):>7.2f}")

    desk = str(ROOT / "benchmarks" / "desk.py")
    medians = {}
    for name in ("register-raw", "register-app"):
        runs = [_run_python(f"import runpy, sys; sys.argv = [{desk!r}, {name!r}, {str(database)!r}]; "
                            f"runpy.run_path({desk!r}, run_name='__main__')")[1] for _ in range(args.runs)]
        medians[name] = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    raw, app = medians["register-raw"], medians["register-app"]
    print(f"{'visit register first paint, ms':<44} {app['first_paint_ms']:>10.1f} {raw['first_paint_ms']:>10.1f} "
          f"{app['first_paint_ms'] / raw['first_paint_ms']:>7.2f}  within 2x of raw")
    print(f"{'visit register scroll to end, ms':<44} {app['scroll_end_ms']:>10.1f} {raw['scroll_end_ms']:>10.1f} "
          f"{app['scroll_end_ms'] / raw['scroll_end_ms']:>7.2f}  < 50 ms")
    print(f"{'visit register jump to the middle, ms':<44} {app['jump_middle_ms']:>10.1f} {'':>10} {'':>7}")
    print(f"{'visit register peak memory, MB':<44} {app['peak_mb']:>10.0f} {raw['peak_mb']:>10.0f} "
          f"{app['peak_mb'] / raw['peak_mb']:>7.2f}  < 150 MB")
    _wall, found = _run_python(f"import runpy, sys; sys.argv = [{desk!r}, 'search', {str(database)!r}]; "
                               f"runpy.run_path({desk!r}, run_name='__main__')")
    print(f"{'patient search per keystroke p95, ms':<44} {found['p95_ms']:>10.2f} {found['raw_fts_p95_ms']:>10.2f} "
          f"{found['p95_ms'] / found['raw_fts_p95_ms']:>7.2f}  < 20 ms; raw = one FTS5 trigram query "
          f"({int(found['keystrokes'])} keystrokes, p50 {found['p50_ms']:.2f} ms, max {found['max_ms']:.1f} ms, "
          f"raw LIKE scan p95 {found['raw_like_p95_ms']:.1f} ms)")

    def desk_run(*words: str) -> dict[str, float]:
        code = (f"import runpy, sys; sys.argv = [{desk!r}, *{[*words[:1], str(database), *words[1:]]!r}]; "
                f"runpy.run_path({desk!r}, run_name='__main__')")
        return _run_python(code)[1]

    lb1 = desk_run("lb1")
    print(f"{'LB1 one month, compute, ms':<44} {lb1['app_month_ms']:>10.1f} {lb1['raw_month_ms']:>10.1f} "
          f"{lb1['app_month_ms'] / lb1['raw_month_ms']:>7.2f}  < 500 ms; raw = the GROUP BY alone")
    print(f"{'LB1 one year, compute, ms':<44} {lb1['app_year_ms']:>10.1f} {lb1['raw_year_ms']:>10.1f} "
          f"{lb1['app_year_ms'] / lb1['raw_year_ms']:>7.2f}  < 3000 ms")
    print(f"{'LB1 one month, write xlsx / PDF (F4), ms':<44} {lb1['xlsx_ms']:>10.1f} {lb1['pdf_ms']:>10.1f} {'':>7}  < 2000 ms each")
    for kind, target in (("xlsx", "within 1.2x, memory flat (< 200 MB)"), ("pdf", "within 1.2x")):
        app_figures, raw_figures = desk_run("export-app", kind), desk_run("export-raw", kind)
        label = f"register export {kind}, {int(app_figures['rows']):,} rows, s"
        print(f"{label:<44} "
              f"{app_figures['seconds']:>10.2f} {raw_figures['seconds']:>10.2f} "
              f"{app_figures['seconds'] / raw_figures['seconds']:>7.2f}  {target}; peak {app_figures['peak_mb']:.0f} MB "
              f"vs {raw_figures['peak_mb']:.0f} MB (raw holds the rows in memory; its read is not timed)")
    imported = desk_run("import")
    print(f"{'register import, 50,000 rows, s':<44} {imported['import_s']:>10.2f} {imported['raw_read_s']:>10.2f} "
          f"{imported['import_s'] / imported['raw_read_s']:>7.2f}  < 15 s; raw = python-calamine reading the file")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
