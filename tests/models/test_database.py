"""Opening databases from URLs, SQLite settings, identifiers as text, transactions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import peewee as pw
import pytest

from kupang_desk.errors import KnownError
from kupang_desk.models import Patient, PaymentType, Poli, Visit, db
from kupang_desk.models import database as database_module


@pytest.mark.parametrize(("url", "kind", "path"), [
    ("sqlite:///data/kd.sqlite", "sqlite", Path("data/kd.sqlite")),
    ("sqlite:////var/lib/kd.sqlite", "sqlite", Path("/var/lib/kd.sqlite")),
    ("/home/klerk/kd.sqlite", "sqlite", Path("/home/klerk/kd.sqlite")),
    ("C:/KupangDesk/kd.sqlite", "sqlite", Path("C:/KupangDesk/kd.sqlite")),
])
def test_sqlite_urls(url, kind, path):
    target = database_module.resolve_url(url)
    assert (target.kind, target.path) == (kind, path)


def test_postgres_url():
    target = database_module.resolve_url("postgresql://kupang:rahasia@10.0.0.5:5433/kupang_desk")
    assert target.kind == "postgresql"
    assert target.params == {"database": "kupang_desk", "user": "kupang", "password": "rahasia", "host": "10.0.0.5", "port": 5433}
    assert target.describe() == "PostgreSQL: kupang_desk @ 10.0.0.5:5433"


def test_environment_variable_chooses_the_database(monkeypatch, tmp_path):
    monkeypatch.setenv(database_module.ENV_DATABASE, f"sqlite:///{tmp_path}/env.sqlite")
    assert database_module.resolve_url(None).path == tmp_path / "env.sqlite"
    # --database wins over the environment.
    assert database_module.resolve_url(f"{tmp_path}/arg.sqlite").path == tmp_path / "arg.sqlite"


def test_default_is_a_file_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(database_module.ENV_DATABASE, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    target = database_module.resolve_url(None)
    assert target.kind == "sqlite"
    assert target.path == tmp_path / "KupangDesk" / "kupang-desk.sqlite"


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://root@localhost/kd", "tidak dikenal"),
    ("postgresql://localhost", "nama database"),
    ("sqlite://", "nama file"),
])
def test_bad_urls_get_a_message(url, message):
    with pytest.raises(KnownError, match=message):
        database_module.resolve_url(url)


def test_missing_folder_is_explained(tmp_path):
    with pytest.raises(KnownError, match="tidak ada"):
        database_module.connect(f"sqlite:///{tmp_path}/nowhere/kd.sqlite")


def test_unreachable_postgres_is_explained():
    with pytest.raises(KnownError, match="Tidak dapat terhubung ke server PostgreSQL"):
        database_module.connect("postgresql://nobody@127.0.0.1:1/none")


def test_sqlite_is_opened_safely(sqlite_database):
    pragma = lambda name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 2  # FULL


def _patient(**fields) -> Patient:
    values = {"no_rm": "000001", "name": "Yohanes Ndun", "sex": "L", "birth_date": dt.date(1987, 3, 12)}
    values.update(fields)
    return Patient.create(**values)


def test_identifiers_stay_text_with_leading_zeros(database):
    _patient(bpjs_number="0001234567890", nik="5371041203870001", phone="081234567890", rt="003")
    row = db.execute_sql("SELECT bpjs_number, nik, phone, rt FROM patient").fetchone()
    assert row == ("0001234567890", "5371041203870001", "081234567890", "003")
    # Even a number handed in by mistake is stored as text.
    _patient(no_rm=123, nik=None)
    assert Patient.get(Patient.no_rm == "123").no_rm == "123"


def test_nik_is_unique_but_may_be_missing(database):
    _patient(nik="5371041203870001")
    _patient(no_rm="000002", nik=None)
    _patient(no_rm="000003", nik=None)  # several people without papers
    with pytest.raises(pw.IntegrityError), db.atomic():
        _patient(no_rm="000004", nik="5371041203870001")
    assert Patient.select().count() == 3


def test_foreign_keys_are_enforced(database):
    with pytest.raises(pw.IntegrityError), db.atomic():
        Visit.create(patient=999, visit_at=dt.datetime(2026, 10, 1, 8), poli=Poli.get().id,
                     payment_type=PaymentType.get().id, age_days=1, age_years=0, sex="L")


def test_a_failed_transaction_leaves_the_data_as_it_was(database):
    _patient()
    with pytest.raises(RuntimeError), db.atomic():
        _patient(no_rm="000002", nik="5371045203870002", name="Maria Bere", sex="P")
        raise RuntimeError("listrik padam")
    assert [p.name for p in Patient.select()] == ["Yohanes Ndun"]


def test_closing_while_another_program_writes_is_no_error(sqlite_url):
    """Issue 35 item 8: a command (a scheduled ``reporting send``) ends while a clerk's window holds the
    write lock: its work stands and it ends cleanly, not with a "database is locked" traceback from
    the closing PRAGMA optimize."""
    import sqlite3

    target = database_module.connect(sqlite_url)
    database_module.close()
    window = sqlite3.connect(str(target.path), isolation_level=None)
    window.execute("BEGIN IMMEDIATE")  # the clerk's save in progress
    window.execute("UPDATE setting SET updated_at = updated_at")
    try:
        database_module.connect(sqlite_url, migrate=False, seed=False)
        for query in ("SELECT count(*) FROM patient WHERE nik = '1'", "SELECT count(*) FROM visit WHERE patient_id = 1"):
            db.execute_sql(query).fetchall()  # queries on indexes without statistics: PRAGMA optimize wants to analyse them
        database_module.close(optimize=True)  # the old close raised "database is locked" here
        assert db.is_closed()
    finally:
        window.execute("ROLLBACK")
        window.close()
