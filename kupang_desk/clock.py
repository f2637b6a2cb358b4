"""The program's one clock: what "now" and "today" are for every rule, form and report.

Every date the program decides with (a visit may not be after today, a report is due, an account
is locked until, a backup is overdue) comes from here, never from ``datetime.now()`` or
``date.today()`` at the call site. In use it is the PC's wall clock. A test sets it once
(:func:`set_offset_to`) and every date it checks is derived from the same instant; the clock
then keeps running from there, so the order of events and the minutes between them stay real.

Only the standard library is imported: child processes of the test suite import this module at
start (see ``tests/helpers/clock``).
"""

from __future__ import annotations

import datetime as dt
import time

# Seconds added to the wall clock: 0 in use, set by a test.
_offset = 0.0


def now() -> dt.datetime:
    """Local time as the program sees it, to the microsecond."""
    return dt.datetime.fromtimestamp(timestamp())


def today() -> dt.date:
    return now().date()


def timestamp() -> float:
    """Seconds since the epoch as the program sees them (the wall clock plus the test's offset)."""
    return time.time() + _offset


def from_timestamp(seconds: float) -> dt.datetime:
    """The program's local time at a wall-clock timestamp (a file's modification time)."""
    return dt.datetime.fromtimestamp(seconds + _offset)


def set_offset_to(instant: dt.datetime) -> float:
    """Moves the clock so that it reads ``instant`` now and runs on from there; returns the
    offset in seconds (for a child process: :func:`set_offset`)."""
    set_offset(instant.timestamp() - time.time())
    return _offset


def set_offset(seconds: float) -> None:
    global _offset
    _offset = float(seconds)


def offset() -> float:
    return _offset
