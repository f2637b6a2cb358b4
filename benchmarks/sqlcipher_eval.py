"""Would an encrypted live database (SQLCipher) keep the desk fast? The same work on plain SQLite
and on SQLCipher (the sqlcipher3 wheel), side by side: a bulk load of visits, a month's count
grouped like LB1, a name search by LIKE, and 2,000 single-row transactions with synchronous=FULL.

Run: python benchmarks/sqlcipher_eval.py  (needs ``pip install sqlcipher3``; not a dependency)."""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROWS = 300_000


def work(module, path: Path, key: str | None) -> dict[str, float]:
    connection = module.connect(str(path))
    if key:
        connection.execute(f"PRAGMA key = '{key}'")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA cache_size=-32000")  # the app's page cache (models.database)
    connection.execute("CREATE TABLE visit (id INTEGER PRIMARY KEY, patient TEXT, at TEXT, code TEXT, age INTEGER, sex TEXT)")
    rng = random.Random(1)
    rows = [(i, f"Pasien {rng.randrange(200_000)}", f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
             rng.choice(["J06.9", "I10", "K30", "A09", "Z34.9"]), rng.randrange(90), rng.choice("LP")) for i in range(ROWS)]
    figures = {}
    start = time.perf_counter()
    with connection:
        connection.executemany("INSERT INTO visit VALUES (?, ?, ?, ?, ?, ?)", rows)
    connection.execute("CREATE INDEX visit_at ON visit (at)")
    figures["load"] = time.perf_counter() - start
    start = time.perf_counter()
    for month in range(1, 13):
        connection.execute("SELECT code, sex, age / 5, COUNT(*) FROM visit WHERE at BETWEEN ? AND ? GROUP BY 1, 2, 3",
                           (f"2026-{month:02d}-01", f"2026-{month:02d}-31")).fetchall()
    figures["lb1 x12"] = time.perf_counter() - start
    start = time.perf_counter()
    for name in ("Pasien 123", "Pasien 9", "Pasien 4567"):
        connection.execute("SELECT COUNT(*) FROM visit WHERE patient LIKE ?", (f"%{name}%",)).fetchone()
    figures["like x3"] = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(2000):
        with connection:
            connection.execute("INSERT INTO visit VALUES (?, 'Baru', '2026-12-02', 'I10', 40, 'L')", (ROWS + i,))
    figures["2000 commits"] = time.perf_counter() - start
    connection.close()
    return figures


def main() -> int:
    try:
        import sqlcipher3
    except ImportError:
        print("sqlcipher3 is not installed: pip install sqlcipher3")
        return 1
    with tempfile.TemporaryDirectory() as folder:
        plain = work(sqlite3, Path(folder) / "plain.sqlite", None)
        cipher = work(sqlcipher3, Path(folder) / "cipher.sqlite", "kata-sandi-uji")
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, "
          f"sqlcipher {sqlcipher3.connect(':memory:').execute('PRAGMA cipher_version').fetchone()[0]}, {ROWS:,} visits")
    for name in plain:
        print(f"{name:>14}: plain {plain[name]:7.3f} s   sqlcipher {cipher[name]:7.3f} s   {cipher[name] / plain[name]:4.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
