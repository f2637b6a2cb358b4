"""Two PCs import registers into one PostgreSQL database while a clerk registers patients: nobody
gets a program error, every row lands once, no id or No. RM is given twice."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kupang_desk.models import Patient, Visit
from kupang_desk.models import database as database_module
from tests.helpers.factories import cli_account
from tests.visits.test_register_import import register_file

ROOT = Path(__file__).resolve().parents[2]

REGISTERING = textwrap.dedent("""
    import sys, datetime as dt
    from kupang_desk.accounts import session
    from kupang_desk.models import database
    from kupang_desk.patients.registration import register
    from tests.helpers.actors import TEST_ACTOR
    from tests.helpers.factories import patient_form
    database.connect(sys.argv[1])
    with session.acting_as(TEST_ACTOR):
        for number in range(40):
            register(patient_form(nik=f"5371041203{number + 1001:06d}", name="Pasien Loket", kk_number=""),
                     accept_warnings=True, today=dt.date(2026, 11, 27))
    print("ok")
""")


def rows(first: int, count: int, prefix: str) -> list[list]:
    return [[f"{prefix}{n:05d}", "", "Yosef Bana", "L", "01-01-1980", "Oebobo", "Umum", "Umum", "01-02-2022", "", "I10", "", ""]
            for n in range(first, first + count)] + \
           [["", "", f"Maria Bere {chr(65 + n % 26)}", "P", "02-02-1990", "Oebobo", "Umum", "Umum", "03-02-2022", "", "J06.9", "", ""]
            for n in range(count)]


@pytest.mark.serial
def test_two_imports_and_the_loket_at_once(db_url, tmp_path, monkeypatch):
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers with its file lock; this is PostgreSQL's case")
    database_module.connect(db_url)
    cli_account(monkeypatch)
    database_module.close()
    first = register_file(tmp_path / "a.xlsx", rows(0, 6000, "A"))
    second = register_file(tmp_path / "b.xlsx", rows(5000, 6000, "A"))  # 1000 numbers in both files
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = [subprocess.Popen([sys.executable, "-m", "kupang_desk", "--database", db_url, "import", "register", str(path),
                                 "--quiet", "--reject-unknown"], cwd=ROOT, env=environment,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for path in (first, second)]
    started.append(subprocess.Popen([sys.executable, "-c", REGISTERING, db_url], cwd=ROOT, env=environment,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = [process.communicate(timeout=240) for process in started]
    for process, (out, err) in zip(started, results, strict=True):
        assert process.returncode == 0, (out, err)
        assert "Terjadi kesalahan program" not in err and "Traceback" not in err
    database_module.connect(db_url)
    numbers = [p.no_rm for p in Patient.select()]
    assert len(numbers) == len(set(numbers))
    assert Patient.select().where(Patient.no_rm.startswith("A")).count() == 11000  # A00000..A10999, each once
    assert Patient.select().where(Patient.name == "Pasien Loket").count() == 40
    assert Visit.select().count() >= 11000
    database_module.close()
