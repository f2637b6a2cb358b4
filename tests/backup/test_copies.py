"""Backups are encrypted and checked before they count; restores check what they restore and swap
the whole file or nothing."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
import threading

import pytest

from kupang_desk import clock, settings
from kupang_desk.accounts import session, users
from kupang_desk.backup import encryption
from kupang_desk.backup.copies import (
    CHECKSUM,
    inspect_backup,
    latest_backup_age,
    make_backup,
    private_folder,
    remove_leftovers,
    restore_backup,
    rotate,
    sha256,
)
from kupang_desk.cli import main
from kupang_desk.errors import KnownError
from kupang_desk.models import AuditEvent, Institution, Patient, writing
from kupang_desk.models import database as database_module
from kupang_desk.models.migrations import SCHEMA_VERSION
from tests.helpers.clock import file_time
from tests.helpers.factories import an_institution, new_patient

PASSPHRASE = os.environ["KUPANG_DESK_BACKUP_PASSPHRASE"]  # set for the whole run by conftest


def legacy_backup(live, folder, *, checksum: bool = True):
    """A backup of the old, unencrypted kind: a plain SQLite copy with its .sha256 beside it."""
    path = folder / "lama-20250101-080000.kdbackup"
    source, target = sqlite3.connect(str(live)), sqlite3.connect(str(path))
    source.backup(target)
    target.execute("PRAGMA journal_mode=DELETE")
    source.close()
    target.close()
    if checksum:
        path.with_name(path.name + CHECKSUM).write_text(f"{sha256(path)}  {path.name}\n", encoding="ascii")
    return path


def test_backup_while_another_pc_writes_then_restore(sqlite_database, tmp_path):
    an_institution()
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
    info = inspect_backup(path)
    assert info.counts["patient"] == 1 and info.schema_version == SCHEMA_VERSION and info.encrypted
    # On the stick: the one encrypted file, nothing half-written or left over (-wal, -shm, .sha256).
    assert sorted(p.name for p in folder.iterdir()) == [path.name]
    assert list(private_folder().iterdir()) == []  # nor a plain copy left on this PC
    new_patient(nik="5371045505900002", name="Maria Manafe", sex="P", birth_date=dt.date(1990, 5, 15))
    assert Patient.select().count() == 2
    database_module.close()
    safety = restore_backup(path, sqlite_database)
    database_module.connect(f"sqlite:///{sqlite_database.path}")
    assert [p.name for p in Patient.select()] == ["Yohanes Ndun"]
    kept = sqlite3.connect(str(safety))
    assert kept.execute("SELECT COUNT(*) FROM patient").fetchone()[0] == 2  # the state before the restore
    kept.close()
    assert stat.S_IMODE(safety.stat().st_mode) == 0o600


def test_the_stick_shows_nothing_to_whoever_finds_it(sqlite_database, tmp_path):
    an_institution()
    new_patient()
    path = make_backup(tmp_path)
    data = path.read_bytes()
    for secret in (b"5371041203870001", b"Yohanes", b"Oebobo", b"argon2", b"SQLite format"):
        assert secret not in data
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(str(path)).execute("SELECT * FROM patient").fetchall()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_wrong_passphrase_a_flipped_byte_and_a_cut_file_are_refused(sqlite_database, tmp_path):
    an_institution()
    new_patient()
    path = make_backup(tmp_path)
    inspect_backup(path, passphrase=PASSPHRASE)
    with pytest.raises(KnownError, match="Kata sandi cadangan salah"):
        inspect_backup(path, passphrase="bukan-kata-sandinya")
    database_module.close()
    before = sqlite_database.path.read_bytes()
    data = path.read_bytes()
    for damaged, reason in ((data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 1]) + data[len(data) // 2 + 1:], "rusak"),
                            (data[:-100], "terpotong|rusak"), (data[: len(data) - (len(data) % 1000) - 1], "terpotong|rusak")):
        path.write_bytes(damaged)
        with pytest.raises(KnownError, match=reason):
            restore_backup(path, sqlite_database)
        assert sqlite_database.path.read_bytes() == before
    path.write_bytes(data)
    with pytest.raises(KnownError, match="salah"):
        restore_backup(path, sqlite_database, passphrase="bukan-kata-sandinya")
    assert sqlite_database.path.read_bytes() == before


def test_a_schema_only_file_with_a_correct_checksum_is_refused(sqlite_database, tmp_path):
    an_institution()
    new_patient()
    fake = tmp_path / "palsu.kdbackup"
    connection = sqlite3.connect(str(fake))
    connection.execute("CREATE TABLE schema_version (version INTEGER, applied_at TEXT, app_version TEXT)")
    connection.execute("INSERT INTO schema_version VALUES (?, '2026-01-01', '1')", (SCHEMA_VERSION,))
    connection.commit()
    connection.close()
    fake.with_name(fake.name + CHECKSUM).write_text(f"{sha256(fake)}  {fake.name}\n", encoding="ascii")
    database_module.close()
    before = sqlite_database.path.read_bytes()
    with pytest.raises(KnownError, match="yang utuh: tabel .*dan 37 lainnya tidak ada"):
        restore_backup(fake, sqlite_database)
    assert sqlite_database.path.read_bytes() == before
    database_module.connect(f"sqlite:///{sqlite_database.path}")
    assert Patient.select().count() == 1  # the app still opens, with its data


def test_an_old_unencrypted_backup_needs_its_checksum(sqlite_database, tmp_path):
    an_institution()
    new_patient()
    database_module.close()
    path = legacy_backup(sqlite_database.path, tmp_path, checksum=False)
    with pytest.raises(KnownError, match=r"\.sha256.*tidak ada"):
        restore_backup(path, sqlite_database)
    path.with_name(path.name + CHECKSUM).write_text(f"{sha256(path)}  {path.name}\n", encoding="ascii")
    # With it, the old kind restores only into a database that holds nothing yet (a new PC).
    empty = database_module.resolve_url(f"sqlite:///{tmp_path / 'baru.sqlite'}")
    restore_backup(path, empty)
    assert [p.name for p in Patient.select()] == ["Yohanes Ndun"]


def test_an_old_backup_with_a_planted_administrator_never_replaces_an_office_database(sqlite_database, tmp_path):
    """Issue 35 item 7: a checksum is not authenticity. The old unencrypted kind, with an account
    planted and its .sha256 computed again, is refused on a database in use (the message names the
    accounts it holds); offered for an empty one, the warning names them before anything is asked."""
    from kupang_desk.models import User

    an_institution()
    new_patient()
    users.create_user("kepala", "Kepala Puskesmas", "administrator", "rahasia-kepala-1", must_change=False)
    database_module.close()
    path = legacy_backup(sqlite_database.path, tmp_path, checksum=False)
    planted = sqlite3.connect(str(path))
    planted.execute('UPDATE "user" SET username = \'penyusup\', full_name = \'Penyusup\' WHERE username = \'kepala\'')
    planted.commit()
    planted.close()
    path.with_name(path.name + CHECKSUM).write_text(f"{sha256(path)}  {path.name}\n", encoding="ascii")
    before = sqlite_database.path.read_bytes()
    with pytest.raises(KnownError, match=r"tidak dipulihkan ke database yang sudah berisi data.*penyusup \(administrator\)"):
        restore_backup(path, sqlite_database)
    assert sqlite_database.path.read_bytes() == before
    database_module.connect(f"sqlite:///{sqlite_database.path}")
    assert [u.username for u in User.select()] == ["kepala"]
    database_module.close()
    shown = inspect_backup(path).describe()
    assert "PERINGATAN" in shown and "penyusup (administrator)" in shown


def test_another_institutions_backup_needs_to_be_asked_for_and_is_audited(sqlite_database, tmp_path):
    an_institution("SD Inpres Oebufu", "sekolah", "50304512")
    with writing():
        settings.put("database.id", "database-sekolah")  # made on the school's own PC
    theirs = make_backup(tmp_path)
    an_institution("UPTD Puskesmas Oebobo", "puskesmas", "1050101")
    with writing():
        settings.put("database.id", "database-puskesmas")
    new_patient()
    database_module.close()
    before = sqlite_database.path.read_bytes()
    with pytest.raises(KnownError, match="milik SD Inpres Oebufu, bukan UPTD Puskesmas Oebobo"):
        restore_backup(theirs, sqlite_database)
    assert sqlite_database.path.read_bytes() == before
    restore_backup(theirs, sqlite_database, other_institution=True)
    assert Institution.get().name == "SD Inpres Oebufu"
    event = AuditEvent.select().where(AuditEvent.action == "restore").get()
    assert '"other_institution": true' in event.details and "SD Inpres Oebufu" in event.details


def test_a_backup_from_a_newer_program_is_refused(sqlite_database, tmp_path):
    an_institution()
    database_module.close()
    path = legacy_backup(sqlite_database.path, tmp_path, checksum=False)
    connection = sqlite3.connect(str(path))
    connection.execute("INSERT INTO schema_version (version, applied_at, app_version) VALUES (?, '2030-01-01', '9')",
                       (SCHEMA_VERSION + 1,))
    connection.commit()
    connection.close()
    path.with_name(path.name + CHECKSUM).write_text(f"{sha256(path)}  {path.name}\n", encoding="ascii")
    with pytest.raises(KnownError, match="lebih baru"):
        inspect_backup(path)


def test_no_backup_without_the_passphrase(sqlite_database, tmp_path, monkeypatch):
    monkeypatch.delenv(encryption.ENV_PASSPHRASE)
    with pytest.raises(encryption.PassphraseNeeded, match="belum diatur"):
        make_backup(tmp_path)
    encryption.set_passphrase("pantai lasiana biru")
    path = make_backup(tmp_path)  # this PC keeps the key: the daily backup asks nobody
    assert inspect_backup(path).counts["patient"] == 0
    with pytest.raises(KnownError, match="paling sedikit 8"):
        encryption.set_passphrase("pendek")


def test_partial_backups_are_removed_at_the_next_start(sqlite_database, tmp_path):
    partial = tmp_path / "puskesmas-20261201-170000.kdbackup.sebagian"
    partial.write_bytes(b"half")
    plain = private_folder() / "sisa.sqlite"
    plain.write_bytes(b"plain copy")
    fresh = tmp_path / "puskesmas-20261202-080000.kdbackup.sebagian"  # another window's backup, running now
    fresh.write_bytes(b"running")
    old = file_time(clock.now() - dt.timedelta(hours=2))
    for path in (partial, plain):
        os.utime(path, (old, old))
    assert sorted(remove_leftovers(tmp_path)) == sorted([partial, plain])
    assert fresh.exists() and not partial.exists() and not plain.exists()


def test_missing_folder_is_explained(sqlite_database, tmp_path):
    with pytest.raises(KnownError, match="flashdisk"):
        make_backup(tmp_path / "E:")


def test_rotation_keeps_days_weeks_and_months(sqlite_database, tmp_path):
    now = clock.now()
    for days in range(0, 400, 9):
        path = make_backup(tmp_path, now=now - dt.timedelta(days=days))
        stamp = file_time(now - dt.timedelta(days=days))
        os.utime(path, (stamp, stamp))
    removed = rotate(tmp_path, daily=7, weekly=4, monthly=12)
    kept = sorted(tmp_path.glob("*.kdbackup"))
    assert removed and len(kept) <= 7 + 4 + 12
    assert latest_backup_age(tmp_path, now=now) < dt.timedelta(hours=1)


def test_command_line_backup_and_restore(tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path}/kd.sqlite"
    assert main(["--database", url, "demo", "--patients", "30", "--visits", "60", "--quiet"]) == 0
    monkeypatch.setenv("KUPANG_DESK_USER", "admin")  # the demo's administrator
    monkeypatch.setenv("KUPANG_DESK_PASSWORD", "kupang-demo")
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, encryption.DEMO_PASSPHRASE)
    assert main(["--database", url, "backup", "--to", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "30 pasien, 60 kunjungan" in out
    backup = next(tmp_path.glob("*.kdbackup"))
    assert main(["--database", url, "restore", str(backup)]) == 2  # no --yes, no terminal: nothing happens
    assert main(["--database", url, "restore", str(backup), "--yes"]) == 0
    assert "Salinan pengaman" in capsys.readouterr().out
    # On another PC (no key kept) with the wrong passphrase: refused, nothing changed.
    shutil.rmtree(encryption._key_file().parent)
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, "bukan-kata-sandinya")
    assert main(["--database", url, "restore", str(backup), "--yes"]) == 2
    assert "salah" in capsys.readouterr().err
    sheet = tmp_path / "lembar.pdf"
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, encryption.DEMO_PASSPHRASE)
    assert main(["--database", url, "backup", "--recovery-sheet", str(sheet)]) == 0
    assert sheet.read_bytes().startswith(b"%PDF") and stat.S_IMODE(sheet.stat().st_mode) == 0o600


def test_postgresql_backup_and_restore_with_pg_tools(schema_db_url, tmp_path):
    if not schema_db_url.startswith("postgresql"):
        pytest.skip("the SQLite path is tested above")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed here")
    database_module.connect(schema_db_url)
    an_institution()
    new_patient()
    usb = tmp_path / "usb"
    usb.mkdir()
    path = make_backup(usb)
    assert path.name.endswith(".kdbackup-pg") and sorted(p.name for p in usb.iterdir()) == [path.name]
    assert b"Yohanes" not in path.read_bytes() and b"PGDMP" not in path.read_bytes()
    info = inspect_backup(path)
    assert info.counts["patient"] == 1 and info.schema_version == SCHEMA_VERSION
    Patient.update(name="Salah Ubah").execute()
    database_module.close()
    safety = restore_backup(path, database_module.resolve_url(schema_db_url))
    # The safety dump of the database it replaced stays on this PC, encrypted, never on the stick.
    assert safety.exists() and safety.parent != usb and encryption.is_encrypted(safety)
    assert sorted(p.name for p in usb.iterdir()) == [path.name]
    database_module.connect(schema_db_url)
    assert [p.name for p in Patient.select()] == ["Yohanes Ndun"]
    database_module.close()


def test_missing_pg_tools_are_explained(schema_db_url, tmp_path, monkeypatch):
    if not schema_db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    import kupang_desk.backup.copies as backup_module

    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)
    database_module.connect(schema_db_url)
    with pytest.raises(KnownError, match="pg_dump.*tidak terpasang"):
        make_backup(tmp_path)
    database_module.close()


def test_an_office_moves_to_a_new_pc_by_restoring_without_signing_in(tmp_path, capsys, monkeypatch):
    """The new PC has no account to sign in with and nothing to lose: the passphrase opens the backup."""
    old = f"sqlite:///{tmp_path}/lama.sqlite"
    assert main(["--database", old, "demo", "--patients", "30", "--visits", "60", "--quiet"]) == 0
    monkeypatch.setenv("KUPANG_DESK_USER", "admin")
    monkeypatch.setenv("KUPANG_DESK_PASSWORD", "kupang-demo")
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, encryption.DEMO_PASSPHRASE)
    assert main(["--database", old, "backup", "--to", str(tmp_path), "--quiet"]) == 0
    backup = next(tmp_path.glob("*.kdbackup"))
    monkeypatch.delenv("KUPANG_DESK_USER")
    monkeypatch.delenv("KUPANG_DESK_PASSWORD")
    new = f"sqlite:///{tmp_path}/baru.sqlite"
    assert main(["--database", new, "info"]) == 0  # installed and started once: an empty database
    capsys.readouterr()
    assert main(["--database", new, "restore", str(backup), "--yes"]) == 0
    assert "Database dipulihkan" in capsys.readouterr().out
    assert main(["--database", new, "info"]) == 0
    assert "Pasien       : 30" in capsys.readouterr().out
    # Now it holds the office's data: the next restore needs an account of it again.
    assert main(["--database", new, "restore", str(backup), "--yes"]) == 2
    assert "Masuk dulu" in capsys.readouterr().err


@pytest.mark.parametrize("holding", ["an account", "a patient"])
def test_a_database_with_anything_in_it_still_needs_a_sign_in_to_restore(sqlite_database, tmp_path, holding):
    an_institution()
    backup = make_backup(tmp_path)
    if holding == "a patient":
        new_patient()
    else:
        users.create_user("kepala", "Kepala Puskesmas", "administrator", "Rahasia-sekali-123")
    database_module.close()
    before = sqlite_database.path.read_bytes()
    with session.acting_as(None), pytest.raises(KnownError, match="Masuk dulu"):
        restore_backup(backup, sqlite_database)
    assert sqlite_database.path.read_bytes() == before


def test_the_write_mark_moves_with_every_write(database):
    """What the closing backup compares: any committed write moves it (on both engines)."""
    from kupang_desk.models.database import write_mark

    an_institution()
    before = write_mark()
    assert before
    new_patient()
    after = write_mark()
    assert after and after != before


def test_each_database_on_the_pc_keeps_its_own_automatic_backups(db_url, sqlite_url, tmp_path):
    """Issue 35 item 5: a puskesmas (on either engine) and a school database on one PC, one user
    folder. The school's rotation leaves the puskesmas's backups alone, a new school says it has no
    backup yet, and the status bar and the Beranda read one answer."""
    from kupang_desk.backup import copies as backup

    database_module.connect(db_url)
    an_institution()
    first = backup.automatic_backup()
    assert first is not None and first.parent == backup.backup_folder()
    now = clock.now()
    for days in range(1, 21):  # three weeks of the puskesmas's daily backups
        older = first.with_name(f"puskesmas-{days:02d}{first.suffix}")
        shutil.copyfile(first, older)
        stamp = file_time(now - dt.timedelta(days=days))
        os.utime(older, (stamp, stamp))
    puskesmas = sorted(backup.backup_folder().iterdir())
    puskesmas_last = backup.last_backup()
    assert puskesmas_last.age is not None and not puskesmas_last.late
    database_module.close()

    database_module.connect(sqlite_url)  # the school's database, made on the same PC
    with writing():  # the tests' databases are copies of one file; a database set up anew has an id of its own
        settings.put("database.id", "5e2f0c1d9a8b4c7d")
    an_institution("SD Inpres Oebobo 1", kind="sekolah", code="50300001")
    school_folder = backup.backup_folder()
    assert school_folder != puskesmas[0].parent
    last = backup.last_backup()
    assert (last.age, last.late) == (None, True)  # "Belum ada cadangan", not the puskesmas's of minutes ago
    made = backup.automatic_backup()
    assert made is not None and made.parent == school_folder
    backup.rotate(school_folder, daily=1, weekly=0, monthly=0)
    database_module.close()
    assert all(path.exists() for path in puskesmas)  # nothing of the puskesmas's went
