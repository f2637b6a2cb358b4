"""Imports at a district office's scale, each step in a process of its own so that its peak memory
is its own: a 50,000-student Dapodik export (twice: its texts in the cells, as openpyxl's write-only
mode writes them, and in shared strings, as a web application's export may) and a 50,000-visit register.

    python benchmarks/imports.py [--rows 50000]
    python benchmarks/imports.py --rows 10000,50000,200000   # does the cost grow linearly?
    python benchmarks/imports.py --parts                      # where each import's time goes
    python benchmarks/imports.py --repeat 5                   # more runs of each, alternating

For each file: python-calamine reading it whole (the raw floor, time and peak), then the app's
import (read, check every row, write in one transaction) into an empty database, alternating,
``--repeat`` times (3 unless told); the fastest of each is printed, and their ratio: on a shared
machine one run of the raw read alone moved by a third between runs (1.25 to 1.76 s).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
# With --parts, the wall seconds of each part of an import (no profiler, whose cost per call would weigh
# the many small calls); a part called inside another (the size check inside the reading) counts in both.
PARTS = {
    "register": ("kupang_desk.visits.register_import",
                 ("iter_sheet", "prepare_row", "_refuse_other_people", "_write", "_resolve")),
    "dapodik": ("kupang_desk.students.dapodik", ("iter_sheet", "clean", "_match", "_write")),
}


def peak_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM:"))


def time_parts(kind: str) -> dict[str, float]:
    """Wraps each part of the ``kind`` import (and the sheet's size check) in a timer; their seconds."""
    from kupang_desk.imports import sheets

    seconds: dict[str, float] = {}

    def timed(module, name: str) -> None:
        function = getattr(module, name)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started

        setattr(module, name, wrapper)

    module_name, names = PARTS[kind]
    module = importlib.import_module(module_name)
    for name in names:
        timed(module, name)
    timed(sheets, "measure_xlsx")
    return seconds


def step(kind: str, path: str, parts: bool = False) -> None:
    """One measured step, in this (fresh) process."""
    started = time.perf_counter()
    if kind == "raw":
        from python_calamine import CalamineWorkbook

        rows = len(CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python())
    else:
        from kupang_desk.accounts import session
        from kupang_desk.accounts.permissions import PERMISSIONS
        from kupang_desk.accounts.session import SystemActor
        from kupang_desk.models import Institution, database

        database.connect(f"sqlite:///{Path(tempfile.mkdtemp()) / 'import.sqlite'}")
        session.sign_in(SystemActor("sistem:benchmark", "Benchmark", frozenset(PERMISSIONS)))
        seconds = time_parts(kind) if parts else {}
        started = time.perf_counter()
        if kind == "dapodik":
            from kupang_desk.students.dapodik import import_students

            Institution.create(kind="sekolah", name="SD Inpres Oebobo 2", code="50304512", school_level="SD")
            summary = import_students(path)
        else:
            from desk import REGISTER_VALUES

            from kupang_desk.visits.register_import import import_register

            summary = import_register(path, values=REGISTER_VALUES)
        rows = len(summary.rows)
        assert summary.written, summary.counts()
        print(" ".join(f"part_{name}={value:.2f}" for name, value in seconds.items()))
    print(f"seconds={time.perf_counter() - started:.2f} rows={rows} peak_mb={peak_mb()}")


def measured(kind: str, path: Path, parts: bool = False) -> dict[str, float]:
    result = subprocess.run([sys.executable, __file__, "--step", kind, str(path), *(["--parts"] if parts else [])],
                            capture_output=True, text=True, env=ENV, check=False)
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return {key: float(value) for key, value in (part.split("=") for part in result.stdout.split() if "=" in part)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="50000", help="rows per file; several, comma-separated, for the growth")
    parser.add_argument("--parts", action="store_true", help="also the seconds of each part of an import")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating; the fastest counts")
    parser.add_argument("--step", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step(*args.step, parts=args.parts)
        return 0
    from desk import write_register_file
    from school import write_export

    from tests.helpers.workbooks import share_strings

    folder = Path(tempfile.mkdtemp(prefix="kd-imports-"))
    print(f"{'import':<30} {'rows':>8} {'app s':>8} {'raw s':>8} {'ratio':>6} {'µs/row':>7} {'app MB':>8} {'raw MB':>8}"
          f"  app runs, s")
    for rows in (int(part) for part in args.rows.split(",")):
        files = {"dapodik": folder / f"dapodik-{rows}.xlsx", "dapodik-shared": folder / f"dapodik-shared-{rows}.xlsx",
                 "register": folder / f"register-{rows}.xlsx"}
        write_export(files["dapodik"], rows)
        share_strings(files["dapodik"], files["dapodik-shared"])
        write_register_file(files["register"], rows)
        for kind, path in files.items():
            step_kind = kind.removesuffix("-shared")
            runs = [(measured("raw", path), measured(step_kind, path, args.parts)) for _ in range(max(args.repeat, 1))]
            raw = min((run[0] for run in runs), key=lambda figures: figures["seconds"])
            app = min((run[1] for run in runs), key=lambda figures: figures["seconds"])
            label = {"dapodik": "Dapodik students", "dapodik-shared": "Dapodik, texts shared",
                     "register": "visit register"}[kind]
            app_runs = " ".join(f"{run[1]['seconds']:.2f}" for run in runs)
            raw_runs = " ".join(f"{run[0]['seconds']:.2f}" for run in runs)
            print(f"{label:<30} {rows:>8} {app['seconds']:>8.2f} {raw['seconds']:>8.2f} {app['seconds'] / raw['seconds']:>6.2f} "
                  f"{app['seconds'] / rows * 1e6:>7.0f} {max(run[1]['peak_mb'] for run in runs):>8.0f} "
                  f"{max(run[0]['peak_mb'] for run in runs):>8.0f}  {app_runs} (raw {raw_runs})", flush=True)
            for name, value in ((key[5:], value) for key, value in app.items() if key.startswith("part_")):
                print(f"  {name:<28} {value:>8.2f}")
            path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
