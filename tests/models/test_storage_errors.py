"""A database that cannot be written gives a clear message and keeps what was saved."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from kupang_desk.errors import KnownError
from kupang_desk.models import Patient, db
from kupang_desk.patients.registration import register
from tests.helpers.factories import new_patient, patient_form


def _second_patient():
    return register(patient_form(nik="5371045505900002", name="Maria Manafe", sex="P",
                                 birth_date=dt.date(1990, 5, 15)), accept_warnings=True)


def test_read_only(sqlite_database):
    new_patient()
    db.execute_sql("PRAGMA query_only = 1")  # as a write-protected file or USB stick behaves
    with pytest.raises(KnownError, match="hanya-baca") as caught:
        _second_patient()
    assert "isian Anda belum hilang" in str(caught.value)
    db.execute_sql("PRAGMA query_only = 0")
    assert [p.name for p in Patient.select()] == ["Yohanes Ndun"]


def test_disk_full(sqlite_database):
    new_patient()
    pages = db.execute_sql("PRAGMA page_count").fetchone()[0]
    db.execute_sql(f"PRAGMA max_page_count = {pages}")  # no room to grow, as on a full disk
    with pytest.raises(KnownError, match="Disk penuh"):
        for _number in range(500):
            register(patient_form(nik="", no_nik_reason="uji " + "x" * 150, name="Pasien Uji",
                                  address="Jl. " + "Panjang " * 20), accept_warnings=True)
    assert Patient.select().count() >= 1
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_locked_by_another_program(sqlite_database):
    other = sqlite3.connect(str(sqlite_database.path))
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    db.execute_sql("PRAGMA busy_timeout = 200")
    try:
        with pytest.raises(KnownError, match="terkunci"):
            _second_patient()
    finally:
        other.rollback()
        other.close()
    assert _second_patient().no_rm  # once the other program lets go, saving works
