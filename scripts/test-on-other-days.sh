#!/bin/sh
# The default test suite on the days where calendars break: the last day of a year, the first
# day of the next, and 29 February of a leap year (over a year ahead of the suite's own day,
# tests/helpers/clock.py). The clock-racing tests (marked serial) race processes, not calendars:
# they run once, on the suite's own day, so the whole CI stays within its 30 minutes.
# The first day runs on both engines; the others on SQLite only (KUPANG_DESK_TEST_ENGINES): the
# program computes every calendar boundary in Python (kupang_desk/clock.py, the periods and SKDR
# weeks) and hands SQL only dates to compare, so the second engine would repeat the first's work
# (about a minute a day on 2 cores; the suite's own day runs both engines everywhere).
#   sh scripts/test-on-other-days.sh [DAY ...]        e.g. 2027-06-30
set -eu
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
[ $# -gt 0 ] || set -- 2026-12-31 2027-01-01 2028-02-29
engines=sqlite,postgresql
for day in "$@"; do
  echo "+ KUPANG_DESK_TEST_TODAY=$day KUPANG_DESK_TEST_ENGINES=$engines pytest"
  KUPANG_DESK_TEST_TODAY=$day KUPANG_DESK_TEST_ENGINES=$engines "$python" -m pytest -q -p no:cacheprovider -n auto \
    -m "not slow and not serial"
  engines=sqlite
done
