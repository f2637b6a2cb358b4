"""An office on SQLite never loads the PostgreSQL driver (11 MB and tens of milliseconds of every
start); an office on PostgreSQL gets it when its database is opened."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_sqlite_database_opens_without_the_postgresql_driver(tmp_path):
    assert _run(f"""
        import sys
        from kupang_desk import connection
        connection.connect("sqlite:///{tmp_path / 'kantor.sqlite'}")
        print(sorted(m for m in sys.modules if m.startswith("psycopg")))
    """) == "[]"


def test_a_postgresql_database_loads_the_driver_when_opened(postgres_server):
    url = postgres_server.url
    assert _run(f"""
        import sys
        from kupang_desk import connection
        before = "psycopg2" in sys.modules
        connection.connect({url!r})
        from kupang_desk.models import Poli
        print(before, "psycopg2" in sys.modules, Poli.select().count() > 0)
    """) == "False True True"
