"""The CKG form at the puskesmas: a class of 40 screened from the keyboard. What a clerk waits for after
each Ctrl+Enter (save, list and coverage again, the next student shown), beside the raw SQLite UPDATE
of one row in the same run.

    python benchmarks/ckg.py [--students 40] [--schools 30]

A class of 40 in an hour leaves 90 seconds a child; the program's share should be well under a second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--schools", type=int, default=30, help="other schools' rosters already imported (40 each)")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from kupang_desk.accounts import session
    from kupang_desk.accounts.permissions import PERMISSIONS
    from kupang_desk.accounts.session import SystemActor
    from kupang_desk.ckg import puskesmas, school
    from kupang_desk.models import Institution, database, writing
    from kupang_desk.students.records import save_student

    app = QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="kd-ckg-"))
    path = folder / "ckg.sqlite"
    database.connect(f"sqlite:///{path}")
    session.sign_in(SystemActor("sistem:benchmark", "Benchmark", frozenset(PERMISSIONS)))
    today = dt.date.today()
    for number in range(args.schools + 1):
        with writing():
            Institution.delete().execute()
            Institution.create(kind="sekolah", name=f"SD Inpres Kupang {number}", code=f"5030{number:04d}")
            from kupang_desk.models import Student

            Student.delete().execute()
        for pupil in range(args.students):
            letters = "".join(chr(97 + (number // 26 ** k) % 26) for k in range(2))
            save_student({"name": f"Siswa {chr(65 + pupil % 26)}{chr(65 + pupil // 26)} Sekolah {letters}", "sex": "LP"[pupil % 2],
                          "birth_date": dt.date(today.year - 10, 1 + pupil % 12, 1 + pupil % 28),
                          "nisn": f"{number:03d}{pupil:07d}", "class_group": "Kelas 5A"}, today=today)
        roster = school.export_roster(folder / f"roster-{number}.json")
        with writing():
            Institution.delete().execute()
            Institution.create(kind="puskesmas", name="UPTD Puskesmas Oebobo", code="1050101")
        puskesmas.import_roster(roster.path, today=today)
    from kupang_desk.ui.ckg import CkgDialog

    dialog = CkgDialog()
    dialog.show()
    dialog.school.setCurrentIndex(dialog.school.count() - 1)
    app.processEvents()
    waits = []
    for pupil in range(args.students):
        dialog.height_box.setText(str(125 + pupil % 20))
        dialog.weight_box.setText(str(22 + pupil % 15))
        started = time.perf_counter()
        assert dialog.save_and_next()
        app.processEvents()
        waits.append(time.perf_counter() - started)
    raw = sqlite3.connect(path)
    raw_waits = []
    for row_id in range(1, args.students + 1):
        started = time.perf_counter()
        with raw:
            raw.execute("UPDATE ckg_student SET height_cm = ?, weight_kg = ? WHERE id = ?", (130, 28, row_id))
        raw_waits.append(time.perf_counter() - started)
    print(f"students on the list: {args.students * (args.schools + 1)} ({args.schools + 1} schools)")
    print(f"{'after Ctrl+Enter':<32} {'median ms':>10} {'max ms':>8}")
    print(f"{'app: save, list, next student':<32} {statistics.median(waits) * 1000:>10.1f} {max(waits) * 1000:>8.1f}")
    print(f"{'raw: one UPDATE, committed':<32} {statistics.median(raw_waits) * 1000:>10.1f} {max(raw_waits) * 1000:>8.1f}")
    print(f"a class of {args.students}: the program's share {sum(waits):.1f} s of an hour")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
