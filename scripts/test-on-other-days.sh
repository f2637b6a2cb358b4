#!/bin/sh
# The default test suite on the days where calendars break: the last day of a year, the first
# day of the next, and 29 February of a leap year (over a year ahead of the suite's own day,
# tests/helpers/clock.py). The clock-racing tests (marked serial) race processes, not calendars:
# they run once, on the suite's own day, so the whole CI stays within its 30 minutes.
#   sh scripts/test-on-other-days.sh [DAY ...]        e.g. 2027-06-30
set -eu
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
[ $# -gt 0 ] || set -- 2026-12-31 2027-01-01 2028-02-29
for day in "$@"; do
  echo "+ KUPANG_DESK_TEST_TODAY=$day pytest"
  KUPANG_DESK_TEST_TODAY=$day "$python" -m pytest -q -p no:cacheprovider -n auto -m "not slow and not serial"
done
