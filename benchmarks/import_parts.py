"""Where an import's time goes: the wall seconds of each part of a 50,000-row register and Dapodik
import (no profiler, whose cost per call would weigh the many small calls), beside the raw read.

    python benchmarks/import_parts.py [--rows 50000]

Each import runs in a fresh process on an empty database, as in ``benchmarks/imports.py``; a part
called inside another (the size check inside the sheet's reading) is counted in both.
"""

from __future__ import annotations

import argparse
import functools
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
PARTS = {
    "register": ("kupang_desk.visits.register_import",
                 ("iter_sheet", "prepare_row", "_refuse_other_people", "_write", "_resolve")),
    "dapodik": ("kupang_desk.students.dapodik", ("read_sheet", "clean", "_match", "_write")),
}


def measure(kind: str, path: str) -> None:
    """One import in this process, its parts timed."""
    import importlib

    from kupang_desk.accounts import session
    from kupang_desk.accounts.permissions import PERMISSIONS
    from kupang_desk.accounts.session import SystemActor
    from kupang_desk.imports import sheets
    from kupang_desk.models import Institution, database

    database.connect(f"sqlite:///{Path(tempfile.mkdtemp()) / 'import.sqlite'}")
    session.sign_in(SystemActor("sistem:benchmark", "Benchmark", frozenset(PERMISSIONS)))
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
    started = time.perf_counter()
    if kind == "register":
        from desk import REGISTER_VALUES

        module.import_register(path, values=REGISTER_VALUES)
    else:
        Institution.create(kind="sekolah", name="SD Inpres Oebobo 2", code="50304512", school_level="SD")
        module.import_students(path)
    print(f"total={time.perf_counter() - started:.2f} " + " ".join(f"{name}={value:.2f}" for name, value in seconds.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--step", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        measure(*args.step)
        return 0
    from desk import write_register_file
    from school import write_export

    folder = Path(tempfile.mkdtemp(prefix="kd-import-parts-"))
    files = {"register": folder / "register.xlsx", "dapodik": folder / "dapodik.xlsx"}
    write_register_file(files["register"], args.rows)
    write_export(files["dapodik"], args.rows)
    for kind, path in files.items():
        raw = subprocess.run([sys.executable, "-c", "import sys, time; from python_calamine import CalamineWorkbook; "
                              "t = time.perf_counter(); CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0)"
                              ".to_python(); print(f'{time.perf_counter() - t:.2f}')", str(path)],
                             capture_output=True, text=True, env=ENV, check=True).stdout.strip()
        parts = subprocess.run([sys.executable, __file__, "--step", kind, str(path)], capture_output=True, text=True,
                               env=ENV, check=False)
        if parts.returncode:
            raise RuntimeError(parts.stderr[-3000:])
        print(f"{kind} ({args.rows:,} rows), seconds; raw calamine read {raw}")
        for part in parts.stdout.split():
            name, value = part.split("=")
            print(f"  {name:<22} {float(value):>6.2f}")
        path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
