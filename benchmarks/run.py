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
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
       "KUPANG_DESK_USER": "kepala", "KUPANG_DESK_PASSWORD": "kupang-demo"}  # the demo's head of the puskesmas
# The installed program starts from compiled bytecode (the installer ships it); a machine that sets
# PYTHONDONTWRITEBYTECODE would otherwise compile every module at every start and time that instead.
ENV.pop("PYTHONDONTWRITEBYTECODE", None)


def _run_python(code: str, *args: str) -> tuple[float, dict[str, float]]:
    """Runs code in a fresh interpreter; returns wall seconds and the key=value figures it prints.
    A process that prints ``shown_at`` (the clock when its window was up) also gets ``to_shown``:
    the seconds from the moment it was started, before the interpreter itself, to that window (any
    ``name_at`` the same, as ``name``)."""
    spawned, started = time.time(), time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=ENV, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    figures = dict(part.split("=", 1) for part in result.stdout.split() if "=" in part)
    for key in [key for key in figures if key.endswith("_at")]:  # a moment: seconds since the start
        figures[key[:-3]] = str(float(figures.pop(key)) - spawned)
    numbers = {}
    for key, value in figures.items():
        try:
            numbers[key] = float(value)
        except ValueError:  # a word (the widget focused, the section shown): checked, not averaged
            WORDS[key] = value
    return elapsed, numbers


WORDS: dict[str, str] = {}


def build_database(path: Path, patients: int, visits: int) -> float:
    """Builds the benchmark database with the app's own demo command; returns seconds."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kupang_desk", "--database", f"sqlite:///{path}", "demo",
                    "--patients", str(patients), "--visits", str(visits), "--quiet"], env=ENV, check=True)
    elapsed = time.perf_counter() - started
    # The build leaves hundreds of MB for the system to write back: written now, so that the figures
    # after it are not taken while the disk is still busy with the build.
    if hasattr(os, "sync"):
        os.sync()
    return elapsed


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
        print(f"startup_seconds={elapsed:.3f} peak_mb={peak} shown_at={time.time():.6f}")
        window.close(); app.quit()
    QTimer.singleShot(0, done)
    app.exec()
""")

APP_START = "import sys; from kupang_desk.cli import main; sys.exit(main(sys.argv[1:]))"

# The clerk's start: the sign-in dialog first (timed to the moment it is on screen with the keyboard in
# it), a second of typing, Enter, then the main window (timed from Enter). The driver lives here, not
# in the program: it waits for the dialog as a clerk would, types into its fields and clicks Masuk.
SIGNED_IN_START = textwrap.dedent("""
    import os, sys, time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    import kupang_desk.ui.signin as signin
    from kupang_desk.cli import main
    marks = {}
    def look():
        app = QApplication.instance()
        focus = app.focusWidget()
        if "enter" not in marks:
            if focus is not None and focus.objectName() in ("username", "password") and focus.window().isVisible():
                marks["dialog"], marks["dialog_at"] = focus.window(), time.time()
                QTimer.singleShot(1000, type_password)  # the clerk's typing
                return
        else:
            window = next((w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()), None)
            if window is not None:
                app.processEvents()
                focus = app.focusWidget()
                print(f"dialog_shown_at={marks['dialog_at']:.6f} enter_to_window={time.perf_counter() - marks['enter']:.3f} "
                      f"dialog_focused={marks['focused']} window_focused={focus.objectName() if focus else '-'}",
                      flush=True)
                os._exit(0)  # not the closing backup of a signed-in session: the figures are taken

        QTimer.singleShot(2, look)
    def type_password():
        dialog = marks["dialog"]
        marks["focused"] = QApplication.instance().focusWidget().objectName()
        dialog.username.setText(os.environ["KUPANG_DESK_USER"])
        dialog.password.setText(os.environ["KUPANG_DESK_PASSWORD"])
        marks["enter"] = time.perf_counter()
        QTimer.singleShot(0, look)
        dialog.sign_in_button.click()
    shown = signin.SignInDialog.showEvent
    def first_look(self, event):
        shown(self, event)
        QTimer.singleShot(0, look)
    signin.SignInDialog.showEvent = first_look
    sys.exit(main(sys.argv[1:]))
""")


# The first start on a new database: the splash (timed to the moment it is on screen) while the
# reference data loads, then the first-run setup (timed to its window; the driver stops there).
FIRST_START = textwrap.dedent("""
    import os, sys, time
    import kupang_desk.ui.signin as signin
    import kupang_desk.ui.splash as splash
    from kupang_desk.cli import main
    shown, setup_shown = splash.FirstStartSplash.showEvent, signin.FirstRunDialog.showEvent
    def on_splash(self, event):
        shown(self, event)
        print(f"splash_at={time.time():.6f}", flush=True)
    def on_setup(self, event):
        setup_shown(self, event)
        print(f"setup_at={time.time():.6f}", flush=True)
        os._exit(0)
    splash.FirstStartSplash.showEvent, signin.FirstRunDialog.showEvent = on_splash, on_setup
    sys.exit(main(sys.argv[1:]))
""")


def first_start(runs: int) -> tuple[float, float]:
    """Median seconds to the splash and to the first-run setup on a new, empty SQLite file."""
    splashes, setups = [], []
    for _ in range(runs):
        folder = Path(tempfile.mkdtemp())
        printed = _run_python(FIRST_START, "--database", f"sqlite:///{folder / 'baru.sqlite'}")[1]
        splashes.append(printed["splash"])
        setups.append(printed["setup"])
    return statistics.median(splashes), statistics.median(setups)


def startup(database: Path, runs: int) -> dict[str, tuple[float, float, int, float, float]]:
    """Median seconds from starting the process (interpreter included) to its shown main window,
    app and bare PySide6; the same to the process's end (closing the window and exiting too); the
    time inside the program; the highest peak memory. The app signs in the demo's head of the
    puskesmas (kepala) from the environment, so the window is a real role's (the Beranda, its
    search box focused); the password check (argon2, deliberately slow) is timed apart and counted in."""
    starts = {"bare PySide6 window": (BARE_WINDOW, ()),
              "Kupang Desk main window": (APP_START, ("--database", f"sqlite:///{database}", "--exit-after-start"))}
    taken: dict[str, list[tuple[float, dict[str, float]]]] = {name: [] for name in starts}
    dialogs, enters = [], []
    for code, args in starts.values():
        _run_python(code, *args)  # a first start, not counted: the modules and libraries into the file cache
    for _ in range(runs):  # in turn, so that the machine's drift falls on both alike
        for name, (code, args) in starts.items():
            taken[name].append(_run_python(code, *args))
        printed = _run_python(SIGNED_IN_START, "--database", f"sqlite:///{database}")[1]
        dialogs.append(printed["dialog_shown"])
        enters.append(printed["enter_to_window"])
    figures = {}
    for name, results in taken.items():
        figures[name] = (statistics.median(p["shown"] for _w, p in results),
                         statistics.median(p["startup_seconds"] for _w, p in results),
                         max(int(p["peak_mb"]) for _w, p in results),
                         statistics.median(p.get("password_check_seconds", 0.0) for _w, p in results),
                         statistics.median(w for w, _p in results))
    figures["sign-in"] = (statistics.median(dialogs), statistics.median(enters), 0, 0.0, 0.0)
    return figures


def measure(database: Path, runs: int, *, whole: bool) -> dict[str, float]:
    """Every figure on one database, printed as a table row each; returns the growth figures."""
    figures = startup(database, runs)
    bare_shown, bare_inner, bare_rss, _bare_check, bare_wall = figures["bare PySide6 window"]
    app_shown, app_inner, app_rss, app_check, app_wall = figures["Kupang Desk main window"]
    row("start-up to shown window, whole process, s", app_shown, bare_shown, "< 0.5 s", f"{app_shown:.3f}",
        f"{bare_shown:.3f}", f"(the password check, {app_check:.2f} s of it)")
    row("  the same process to its end (closed, exited), s", app_wall, bare_wall, "", f"{app_wall:.3f}", f"{bare_wall:.3f}")
    dialog, enter, *_rest = figures["sign-in"]
    row("a clerk's start: sign-in dialog on screen, s", dialog, bare_shown, "< 0.5 s", f"{dialog:.3f}", f"{bare_shown:.3f}",
        f"(keyboard in {WORDS.get('dialog_focused', '?')})")
    row("  then Enter to the main window, s", enter, bare_shown, "< 0.5 s", f"{enter:.3f}", f"{bare_shown:.3f}",
        f"(after a second of typing; keyboard in {WORDS.get('window_focused', '?')})")
    row("start-up measured inside the process, s", app_inner, bare_inner, "", f"{app_inner:.3f}", f"{bare_inner:.3f}",
        f"(opens on {WORDS.get('section', '?')}, keyboard in {WORDS.get('focused', '?')})")
    row("start-up peak memory, MB", app_rss, bare_rss, "< 100 MB", f"{app_rss:d}", f"{bare_rss:d}")

    if whole:
        splash, setup = first_start(max(3, runs // 2))
        row("first start, empty database: splash on screen, s", splash, bare_shown, "< 0.5 s", f"{splash:.3f}",
            f"{bare_shown:.3f}", f"(reference data loaded, first-run setup on screen at {setup:.2f} s)")
    desk = str(ROOT / "benchmarks" / "desk.py")

    def desk_run(*words: str) -> dict[str, float]:
        code = (f"import runpy, sys; sys.argv = [{desk!r}, *{[*words[:1], str(database), *words[1:]]!r}]; "
                f"runpy.run_path({desk!r}, run_name='__main__')")
        return _run_python(code)[1]

    medians = {}
    for name in ("register-raw", "register-app"):
        results = [desk_run(name) for _ in range(runs)]
        medians[name] = {key: statistics.median(run[key] for run in results) for key in results[0]}
    raw, app = medians["register-raw"], medians["register-app"]
    row("visit register first paint, ms", app["first_paint_ms"], raw["first_paint_ms"], "within 2x of raw")
    row("visit register scroll to end, ms", app["scroll_end_ms"], raw["scroll_end_ms"], "< 50 ms")
    row("visit register peak memory, MB", app["peak_mb"], raw["peak_mb"], "< 130 MB")
    found = desk_run("search")
    row("patient search per keystroke p99, ms", found["p99_ms"], found["raw_fts_p99_ms"], "< 15 ms; raw = one FTS5 query",
        extra=f"({int(found['keystrokes'])} keystrokes: p50 {found['p50_ms']:.2f}, p95 {found['p95_ms']:.2f}, "
              f"max {found['max_ms']:.1f} ms, target max < 30)")
    lb1 = desk_run("lb1")
    row("LB1 one year, from the kept counts, ms", lb1["app_year_ms"], lb1["raw_year_ms"], "< 100 ms; raw = GROUP BY of the visits")
    beranda = _run_python(f"import runpy, sys; sys.argv = ['b', {str(database)!r}]; "
                          f"runpy.run_path({str(ROOT / 'benchmarks' / 'beranda.py')!r}, run_name='__main__')")[1]
    row("Beranda first paint, ms", beranda["paint_ms"], beranda["raw_visits_ms"], "< 300 ms; raw = same figures from the visits")
    def interleaved(kinds: tuple[str, ...], file_kind: str, times: int = 3) -> dict[str, dict[str, float]]:
        """Each of ``kinds`` run ``times`` times in turn, app and raw alternating (this machine's speed
        drifts by a third within minutes: one run each compares two different moments); medians."""
        runs = {kind: [] for kind in kinds}
        for _ in range(times):
            for kind in kinds:
                runs[kind].append(desk_run(kind, file_kind))
        return {kind: {key: statistics.median(run[key] for run in results) for key in results[0]}
                for kind, results in runs.items()}

    export = interleaved(("export-app", "export-raw", "export-raw-xlsxwriter"), "xlsx")
    app_x, raw_x, fast_x = export["export-app"], export["export-raw"], export["export-raw-xlsxwriter"]
    row(f"register export xlsx, {int(app_x['rows']):,} rows, s", app_x["seconds"], raw_x["seconds"],
        "<= 1.2x openpyxl write-only, incl. the read", extra=f"(raw XlsxWriter {fast_x['seconds']:.2f} s; peak "
                                                           f"{app_x['peak_mb']:.0f} MB, target < 200; medians of 3, alternating)")
    growth = {"start-up s": app_shown, "sign-in dialog s": dialog, "Enter to window s": enter, "search p99 ms": found["p99_ms"], "register first paint ms": app["first_paint_ms"],
              "LB1 year ms": lb1["app_year_ms"], "Beranda paint ms": beranda["paint_ms"],
              "export s": app_x["seconds"], "export MB": app_x["peak_mb"]}
    if whole:
        pdf = interleaved(("export-app", "export-raw"), "pdf")
        pdf_app, pdf_raw = pdf["export-app"], pdf["export-raw"]
        row(f"register export pdf, {int(pdf_app['rows']):,} rows, s", pdf_app["seconds"], pdf_raw["seconds"], "within 1.2x",
            extra=f"(peak {pdf_app['peak_mb']:.0f} MB, raw {pdf_raw['peak_mb']:.0f} MB; medians of 3, alternating)")
    return growth


def row(label: str, app: float, raw: float, target: str, app_text: str = "", raw_text: str = "", extra: str = "") -> None:
    ratio = app / raw if raw else float("nan")
    print(f"{label:<44} {app_text or f'{app:.1f}':>10} {raw_text or f'{raw:.1f}':>10} {ratio:>7.2f}  {target} {extra}".rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rebuild", action="store_true", help="build the database again and measure the build")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 200,000 patients / 2,000,000 visits")
    parser.add_argument("--runs", type=int, default=5, help="start-ups to take the median of")
    parser.add_argument("--growth", action="store_true", help="also at 10%% and 50%% of the data: how each cost grows")
    args = parser.parse_args()
    patients, visits = int(200_000 * args.scale), int(2_000_000 * args.scale)
    DATA.mkdir(parents=True, exist_ok=True)
    database = DATA / f"bench-{patients}-{visits}.sqlite"
    print(f"Kupang Desk benchmarks on {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.machine()}; data {patients:,} patients / {visits:,} visits ({database.name})")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "kupang_desk")], env=ENV, check=True,
                   stdout=subprocess.DEVNULL)
    print(f"{'figure':<44} {'app':>10} {'raw':>10} {'ratio':>7}  target")
    if args.rebuild or not database.exists():
        build = build_database(database, patients, visits)
        raw = raw_peewee_insert(visits)
        row("demo build (patients+visits+diagnoses), s", build, raw,
            "< 120 s at full scale; raw = Peewee insert_many of the visit rows alone")
    else:
        print(f"{'demo build':<44} {'(reused ' + database.name + '; --rebuild to measure)'}")
    full = measure(database, args.runs, whole=True)
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "imports.py")], env=ENV, check=True)
    if not args.growth:
        return 0
    grown = {}
    for share in (0.1, 0.5):
        small = DATA / f"bench-{int(patients * share)}-{int(visits * share)}.sqlite"
        if args.rebuild or not small.exists():
            build_database(small, int(patients * share), int(visits * share))
        print(f"-- at {share:.0%} of the data ({small.name})")
        grown[share] = measure(small, max(3, args.runs // 2), whole=False)
    grown[1.0] = full
    print(f"\nGrowth ({patients:,} patients / {visits:,} visits = 100%)")
    print(f"{'figure':<28} {'10%':>9} {'50%':>9} {'100%':>9}  100% / 10%")
    for key in full:
        values = [grown[share][key] for share in (0.1, 0.5, 1.0)]
        print(f"{key:<28} {values[0]:>9.2f} {values[1]:>9.2f} {values[2]:>9.2f}  {values[2] / values[0]:>6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
