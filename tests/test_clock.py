"""One clock: the program decides every date by ``kupang_desk.clock``, and the tests run it from one
day (``tests/helpers/clock.py``), in their own process and in every child they start."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

from kupang_desk import clock
from kupang_desk.models import now
from tests.helpers.clock import NOW, TODAY, last_month, months_ago

ROOT = Path(__file__).resolve().parent.parent
# Reading a date off the PC's clock anywhere but the two clock modules. (``time.time()`` stays
# allowed: tests use it as a stopwatch shared between processes, never as a date.)
# Called or handed over (``default_factory=dt.date.today``).
WALL_CLOCK = re.compile(r"\b(?:date\.today|datetime\.(?:now|today|utcnow)|QDate(?:Time)?\.current\w*|currentDate\w*)\b")
ALLOWED = {ROOT / "kupang_desk" / "clock.py", ROOT / "tests" / "helpers" / "clock.py", Path(__file__).resolve()}


def test_nothing_reads_the_wall_clock_but_the_clock():
    found = []
    for folder in ("kupang_desk", "tests", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path in ALLOWED:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if WALL_CLOCK.search(line) and not line.lstrip().startswith("#"):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], "reads the wall clock instead of kupang_desk.clock / tests.helpers.clock:\n" + "\n".join(found)


def test_the_wall_clock_pattern_catches_what_it_is_for():
    for line in ("today = dt.date.today()", "at = datetime.now()",
                 "QDate.currentDate()", "self.when = QDateTime.currentDateTime()", "dt.datetime.utcnow()",
                 "signed_on: dt.date = field(default_factory=dt.date.today)"):
        assert WALL_CLOCK.search(line), line
    assert not WALL_CLOCK.search("clock.today()") and not WALL_CLOCK.search("clock.now()")


def test_the_program_reads_the_tests_day():
    assert clock.today() == TODAY
    assert NOW <= clock.now() < NOW + dt.timedelta(minutes=10)  # and its time runs on from there
    assert now().date() == TODAY  # the models' timestamps too


def test_a_child_process_reads_the_same_day():
    code = "from kupang_desk import clock; print(clock.today().isoformat())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.stdout.strip() == TODAY.isoformat(), result.stderr


def test_the_month_helpers_cross_the_year():
    assert last_month(dt.date(2027, 1, 1)) == dt.date(2026, 12, 1)
    assert months_ago(13, dt.date(2028, 2, 29)) == dt.date(2027, 1, 1)
    assert months_ago(0, dt.date(2026, 12, 31)) == dt.date(2026, 12, 1)
