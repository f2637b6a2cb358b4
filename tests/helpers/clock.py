"""The tests' one clock: the day every test runs on, and the dates derived from it.

Every test runs with the program's clock (``kupang_desk.clock``) set to :data:`NOW` (the conftest's
autouse fixture), and so does every child process a test starts (``clock_site/sitecustomize.py``,
on the children's ``PYTHONPATH``). A test never reads the wall clock for a date: it takes
:data:`TODAY` or a date derived from it here.

``KUPANG_DESK_TEST_TODAY=2027-01-01`` runs the suite on another day; ``.ci/run`` runs it on the
days where calendars break (31 December, 1 January, 29 February of 2028). The default is
a fixed day, so a failure found once can be run again.
"""

from __future__ import annotations

import datetime as dt
import os

DEFAULT_TODAY = dt.date(2026, 11, 27)
TODAY = dt.date.fromisoformat(os.environ.get("KUPANG_DESK_TEST_TODAY") or DEFAULT_TODAY.isoformat())
# Nine in the morning: a working day well away from midnight, so a test that runs for minutes
# stays on the same day.
NOW = dt.datetime.combine(TODAY, dt.time(9, 0))
OFFSET_VARIABLE = "KUPANG_DESK_TEST_CLOCK_OFFSET"


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def month_start(day: dt.date = TODAY) -> dt.date:
    return day.replace(day=1)


def last_month(day: dt.date = TODAY) -> dt.date:
    """The first day of the month before ``day``'s."""
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def months_ago(months: int, day: dt.date = TODAY) -> dt.date:
    """The first day of the month ``months`` before ``day``'s."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def file_time(instant: dt.datetime) -> float:
    """The wall-clock timestamp (for ``os.utime``) of a file the program should see as written at
    ``instant`` on its clock."""
    from kupang_desk import clock

    return instant.timestamp() - clock.offset()
