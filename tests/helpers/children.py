"""Child processes of the tests: the program run as a second process (a scheduled command, a second
PC, an attacker), with this checkout on its path and the tests' clock (``clock_site``)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def environment(**extra: str) -> dict[str, str]:
    """This process's environment, with the checkout on ``PYTHONPATH`` and ``extra`` on top."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(ROOT)])),
            **extra}


def column_values(path: Path, table: str, column: str) -> set[str]:
    """The values of one column of a SQLite file, read only (never a write, never a journal switch)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in connection.execute(f'SELECT "{column}" FROM "{table}"')}
    finally:
        connection.close()
