"""Backups are checked before they count; restores swap the whole file or nothing."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading

import pytest

from kupang_desk.backup import (
    CHECKSUM,
    inspect_backup,
    latest_backup_age,
    make_backup,
    restore_backup,
    rotate,
)
from kupang_desk.cli import main
from kupang_desk.errors import KnownError
from kupang_desk.models import AuditEvent, Patient
from kupang_desk.models import database as database_module
from kupang_desk.models.migrations import SCHEMA_VERSION
from tests.helpers.factories import new_patient


def test_backup_while_another_pc_writes_then_restore(sqlite_database, tmp_path):
    new_patient()
    other = sqlite3.connect(str(sqlite_database.path), check_same_thread=False)  # another PC, mid-write
    other.execute("BEGIN")
    other.execute("UPDATE setting SET value = value")
    folder = tmp_path / "usb"
    folder.mkdir()
    # The copy runs while the other PC writes; the backup's audit event waits until it is done.
    finished = threading.Timer(1.0, other.rollback)
    finished.start()
    path = make_backup(folder)
    finished.join()
    other.close()
    assert AuditEvent.select().where(AuditEvent.action == "backup").count() == 1
    assert path.suffix == ".kdbackup" and path.with_name(path.name + CHECKSUM).exists()
    info = inspect_backup(path)
    assert info.counts["patient"] == 1 and info.schema_version == SCHEMA_VERSION
    # On the stick: the backup and its checksum, nothing half-written or left over (-wal, -shm).
    assert sorted(p.name for p in folder.iterdir()) == [path.name, path.name + CHECKSUM]
    new_patient(nik="5371045505900002", name="Maria Manafe", sex="P", birth_date=dt.date(1990, 5, 15))
    assert Patient.select().count() == 2
    database_module.close()
    safety = restore_backup(path, sqlite_database)
    database_module.connect(f"sqlite:///{sqlite_database.path}")
    assert [p.name for p in Patient.select()] == ["Yohanes Ndun"]
    kept = sqlite3.connect(str(safety))
    assert kept.execute("SELECT COUNT(*) FROM patient").fetchone()[0] == 2  # the state before the restore
    kept.close()


def test_a_damaged_backup_is_refused(sqlite_database, tmp_path):
    path = make_backup(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(KnownError, match="rusak"):
        inspect_backup(path)
    database_module.close()
    before = sqlite_database.path.read_bytes()
    with pytest.raises(KnownError):
        restore_backup(path, sqlite_database)
    assert sqlite_database.path.read_bytes() == before


def test_a_backup_from_a_newer_program_is_refused(sqlite_database, tmp_path):
    path = make_backup(tmp_path)
    connection = sqlite3.connect(str(path))
    connection.execute("INSERT INTO schema_version (version, applied_at, app_version) VALUES (?, '2030-01-01', '9')",
                       (SCHEMA_VERSION + 1,))
    connection.commit()
    connection.close()
    with pytest.raises(KnownError, match="lebih baru"):
        inspect_backup(path, check_sum=False)


def test_missing_folder_is_explained(sqlite_database, tmp_path):
    with pytest.raises(KnownError, match="flashdisk"):
        make_backup(tmp_path / "E:")


def test_rotation_keeps_days_weeks_and_months(sqlite_database, tmp_path):
    now = dt.datetime(2026, 11, 27, 18)
    for days in range(0, 400, 3):
        path = make_backup(tmp_path, now=now - dt.timedelta(days=days))
        stamp = (now - dt.timedelta(days=days)).timestamp()
        os.utime(path, (stamp, stamp))
    removed = rotate(tmp_path, daily=7, weekly=4, monthly=12)
    kept = sorted(tmp_path.glob("*.kdbackup"))
    assert removed and len(kept) <= 7 + 4 + 12
    assert all(p.with_name(p.name + CHECKSUM).exists() for p in kept)
    assert latest_backup_age(tmp_path, now=now) < dt.timedelta(hours=1)


def test_command_line_backup_and_restore(tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path}/kd.sqlite"
    assert main(["--database", url, "demo", "--patients", "30", "--visits", "60", "--quiet"]) == 0
    monkeypatch.setenv("KUPANG_DESK_USER", "admin")  # the demo's administrator
    monkeypatch.setenv("KUPANG_DESK_PASSWORD", "kupang-demo")
    assert main(["--database", url, "backup", "--to", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "30 pasien, 60 kunjungan" in out
    backup = next(tmp_path.glob("*.kdbackup"))
    assert main(["--database", url, "restore", str(backup)]) == 2  # no --yes, no terminal: nothing happens
    assert main(["--database", url, "restore", str(backup), "--yes"]) == 0
    assert "Salinan pengaman" in capsys.readouterr().out


def test_postgresql_backup_and_restore_with_pg_tools(schema_db_url, tmp_path):
    import shutil

    if not schema_db_url.startswith("postgresql"):
        pytest.skip("the SQLite path is tested above")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed here")
    database_module.connect(schema_db_url)
    new_patient()
    path = make_backup(tmp_path)
    assert path.name.endswith(".kdbackup-pg")
    info = inspect_backup(path)
    assert info.counts["patient"] == 1 and info.schema_version == SCHEMA_VERSION
    Patient.update(name="Salah Ubah").execute()
    database_module.close()
    safety = restore_backup(path, database_module.resolve_url(schema_db_url))
    assert safety.exists()
    database_module.connect(schema_db_url)
    assert [p.name for p in Patient.select()] == ["Yohanes Ndun"]
    database_module.close()


def test_missing_pg_tools_are_explained(schema_db_url, tmp_path, monkeypatch):
    if not schema_db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    import kupang_desk.backup as backup_module

    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)
    database_module.connect(schema_db_url)
    with pytest.raises(KnownError, match="pg_dump.*tidak terpasang"):
        make_backup(tmp_path)
    database_module.close()
