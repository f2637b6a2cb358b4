"""Backups that restore: made while the program runs, checked before they count, swapped in whole.

A SQLite backup is a copy taken with SQLite's online backup API (other PCs may keep
working), written under a temporary name, opened and integrity-checked, given a
SHA-256 file beside it, and only then renamed to its final name. Restoring checks the
same things, keeps a safety copy of the current database, and replaces the file in one
rename, so a power cut leaves either the old database or the new one, never half.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw
from platformdirs import user_data_path

from kupang_desk import __version__, audit, preferences
from kupang_desk.accounts.permissions import SYSTEM_BACKUP, require
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import Institution, Patient, Student, User, Visit, database, db, writing
from kupang_desk.models.database import DatabaseUrl, make_database
from kupang_desk.models.migrations import SCHEMA_VERSION
from kupang_desk.tasks import Task

SUFFIX = ".kdbackup"  # a SQLite file; the suffix keeps it from being opened by mistake as the live database
PG_SUFFIX = ".kdbackup-pg"  # a pg_dump custom-format file, with a .json of what it holds beside it
CHECKSUM = ".sha256"


@dataclass
class BackupInfo:
    path: Path
    institution: str
    made_at: dt.datetime | None
    schema_version: int
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        when = self.made_at.strftime("%d-%m-%Y %H.%M") if self.made_at else "?"
        return _("{institution}, dibuat {when}: {patients} pasien, {visits} kunjungan, {students} siswa (skema {version})").format(
            institution=self.institution or _("(tanpa nama)"), when=when, patients=self.counts.get("patient", 0),
            visits=self.counts.get("visit", 0), students=self.counts.get("student", 0), version=self.schema_version)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "kupang-desk"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _institution_name() -> str:
    institution = Institution.select().first()
    return institution.name if institution else ""


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise KnownError(_("Program {tool} (dari PostgreSQL) tidak terpasang di PC ini, jadi cadangan PostgreSQL tidak dapat "
                           "dibuat atau dipulihkan di sini. Pasang PostgreSQL client tools, atau jalankan dari PC server.").format(tool=name))
    return found


def _pg_arguments(database: pw.PostgresqlDatabase) -> tuple[list[str], dict[str, str]]:
    params = database.connect_params
    arguments = [f"--dbname={database.database}"]
    for flag, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
        if params.get(key):
            arguments.append(f"{flag}={params[key]}")
    environment = {**os.environ, **({"PGPASSWORD": str(params["password"])} if params.get("password") else {})}
    return arguments, environment


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if result.returncode != 0:
        raise KnownError(_("{what} gagal: {detail}").format(what=what, detail=(result.stderr or result.stdout).strip()[-500:]))


def _counts() -> dict[str, int]:
    return {"patient": Patient.select().count(), "visit": Visit.select().count(), "student": Student.select().count()}


def _make_pg_backup(folder: Path, stamp: str, made_at: dt.datetime, task: Task) -> Path:
    database = db.obj
    arguments, environment = _pg_arguments(database)
    final = folder / f"{_slug(_institution_name())}-{stamp}{PG_SUFFIX}"
    partial = final.with_name(final.name + ".sebagian")
    task.step(0, 2, _("Membuat cadangan dengan pg_dump..."))
    try:
        _run([_pg_tool("pg_dump"), "--format=custom", f"--file={partial}", *arguments], environment, _("pg_dump"))
        task.step(1, 2, _("Memeriksa cadangan..."))
        _run([_pg_tool("pg_restore"), "--list", str(partial)], environment, _("Pemeriksaan cadangan"))
        final.with_name(final.name + ".json").write_text(json.dumps({
            "institution": _institution_name(), "made_at": made_at.isoformat(timespec="seconds"),
            "schema_version": SCHEMA_VERSION, "app_version": __version__, "counts": _counts(),
            "audit_head": str(audit.head() or ""),
        }, ensure_ascii=False), encoding="utf-8")
        digest = sha256(partial)
        os.replace(partial, final)
        final.with_name(final.name + CHECKSUM).write_text(f"{digest}  {final.name}\n", encoding="ascii")
    finally:
        partial.unlink(missing_ok=True)
    return final


def make_backup(folder: str | Path, *, task: Task | None = None, now: dt.datetime | None = None, user: User | None = None) -> Path:
    """Backs the open database up into ``folder``; returns the checked backup file.

    SQLite: the online backup API. PostgreSQL: pg_dump in its custom format, checked
    with pg_restore --list, with what it holds written beside it.
    """
    user = require("backup.run", user)
    task = task or Task()
    folder = Path(folder)
    if not folder.is_dir():
        raise KnownError(_("Folder cadangan {folder} tidak ada. Colokkan flashdisk atau pilih folder lain.").format(folder=folder))
    if isinstance(db.obj, pw.PostgresqlDatabase):
        made_at = now or dt.datetime.now()
        made = _make_pg_backup(folder, made_at.strftime("%Y%m%d-%H%M%S"), made_at, task)
        _record_backup(made, user)
        return made
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    final = folder / f"{_slug(_institution_name())}-{stamp}{SUFFIX}"
    partial = final.with_name(final.name + ".sebagian")
    try:
        destination = sqlite3.connect(str(partial))
        try:
            source = db.connection()

            def progress(_status, remaining, total):
                task.step(total - remaining, total, _("Menyalin database..."))

            source.backup(destination, pages=2048, progress=progress)
            destination.execute(
                "CREATE TABLE IF NOT EXISTS backup_meta (key TEXT PRIMARY KEY, value TEXT)")
            anchor = audit.head()  # the chain's head travels with the backup (audit verify --anchor)
            destination.execute("INSERT OR REPLACE INTO backup_meta VALUES ('made_at', ?), ('app_version', ?), ('audit_head', ?)",
                                ((now or dt.datetime.now()).isoformat(timespec="seconds"), __version__,
                                 str(anchor or "")))
            destination.commit()
            # A backup is one self-contained file: the copy took the live database's WAL mode,
            # which would leave -wal and -shm files beside it on the stick when it is read.
            destination.execute("PRAGMA journal_mode=DELETE")
        finally:
            destination.close()
        task.step(1, 1, _("Memeriksa cadangan..."))
        inspect_backup(partial, check_sum=False)
        digest = sha256(partial)
        os.replace(partial, final)
        final.with_name(final.name + CHECKSUM).write_text(f"{digest}  {final.name}\n", encoding="ascii")
        _record_backup(final, user)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise KnownError(_("Cadangan gagal ditulis ke {folder} ({detail}). Periksa ruang kosong dan apakah flashdisk boleh ditulisi.").format(
            folder=folder, detail=error.strerror or error)) from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return final


def inspect_backup(path: str | Path, *, check_sum: bool = True) -> BackupInfo:
    """What a backup holds, after checking its checksum, its integrity and its version."""
    path = Path(path)
    if not path.is_file():
        raise KnownError(_("File cadangan {path} tidak ditemukan.").format(path=path))
    if check_sum:
        sum_file = path.with_name(path.name + CHECKSUM)
        if sum_file.exists() and sum_file.read_text(encoding="ascii").split()[0] != sha256(path):
            raise KnownError(_("File cadangan {path} rusak: isinya tidak sama dengan saat dibuat. Pakai cadangan lain.").format(path=path))
    if path.name.endswith(PG_SUFFIX):
        return _inspect_pg_backup(path)
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise KnownError(_("File {path} bukan cadangan Kupang Desk ({detail}).").format(path=path, detail=error)) from error
    try:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise KnownError(_("File cadangan {path} rusak (pemeriksaan integritas gagal). Pakai cadangan lain.").format(path=path))
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "schema_version" not in tables:
            raise KnownError(_("File {path} bukan cadangan Kupang Desk.").format(path=path))
        version = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
        if version > SCHEMA_VERSION:
            raise KnownError(_("Cadangan ini dibuat oleh Kupang Desk yang lebih baru (skema {found}; program ini sampai {known}). "
                               "Pasang versi terbaru dulu.").format(found=version, known=SCHEMA_VERSION))
        counts = {table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                  for table in ("patient", "visit", "student") if table in tables}
        institution = connection.execute("SELECT name FROM institution LIMIT 1").fetchone() if "institution" in tables else None
        made_at = None
        if "backup_meta" in tables:
            row = connection.execute("SELECT value FROM backup_meta WHERE key = 'made_at'").fetchone()
            made_at = dt.datetime.fromisoformat(row[0]) if row else None
    except sqlite3.DatabaseError as error:
        raise KnownError(_("File {path} bukan cadangan Kupang Desk yang utuh ({detail}).").format(path=path, detail=error)) from error
    finally:
        connection.close()
    return BackupInfo(path, institution[0] if institution else "", made_at, version, counts)


def _inspect_pg_backup(path: Path) -> BackupInfo:
    meta_file = path.with_name(path.name + ".json")
    if not meta_file.exists():
        raise KnownError(_("Keterangan cadangan {file} tidak ada di sebelah file cadangan.").format(file=meta_file.name))
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    if int(meta.get("schema_version", 0)) > SCHEMA_VERSION:
        raise KnownError(_("Cadangan ini dibuat oleh Kupang Desk yang lebih baru (skema {found}; program ini sampai {known}). "
                           "Pasang versi terbaru dulu.").format(found=meta["schema_version"], known=SCHEMA_VERSION))
    result = subprocess.run([_pg_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise KnownError(_("File cadangan {path} rusak (pg_restore tidak dapat membacanya). Pakai cadangan lain.").format(path=path))
    return BackupInfo(path, meta.get("institution", ""), dt.datetime.fromisoformat(meta["made_at"]) if meta.get("made_at") else None,
                      int(meta.get("schema_version", 0)), meta.get("counts", {}))


def _restore_pg_backup(info: BackupInfo, target: DatabaseUrl, task: Task) -> Path:
    """pg_restore in one transaction (all or nothing), after a safety dump of the current database."""
    database = make_database(target)
    arguments, environment = _pg_arguments(database)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    safety = info.path.with_name(f"{database.database}.sebelum-pulih-{stamp}{PG_SUFFIX}")
    task.step(0, 2, _("Menyimpan salinan pengaman database sekarang..."))
    _run([_pg_tool("pg_dump"), "--format=custom", f"--file={safety}", *arguments], environment, _("pg_dump"))
    task.step(1, 2, _("Memulihkan dengan pg_restore..."))
    _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *arguments, str(info.path)],
         environment, _("Pemulihan"))
    task.step(2, 2, _("Selesai."))
    return safety


def restore_backup(path: str | Path, target: DatabaseUrl, *, task: Task | None = None, user: User | None = None) -> Path:
    """Replaces the database at ``target`` with the backup; returns the safety copy of the old one.

    The caller must have closed every connection to the database (``database.close``).
    """
    user = require("backup.restore", user)
    task = task or Task()
    info = inspect_backup(path)
    if target.kind == "postgresql":
        if not info.path.name.endswith(PG_SUFFIX):
            raise KnownError(_("Cadangan SQLite tidak dapat dipulihkan ke server PostgreSQL; pilih cadangan PostgreSQL."))
        safety = _restore_pg_backup(info, target, task)
        _after_restore(info, target, safety, user)
        return safety
    if info.path.name.endswith(PG_SUFFIX) or target.path is None:
        raise KnownError(_("Cadangan PostgreSQL hanya dapat dipulihkan ke server PostgreSQL."))
    live = target.path
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    safety = live.with_name(f"{live.stem}.sebelum-pulih-{stamp}{live.suffix or '.sqlite'}")
    incoming = live.with_name(live.name + ".pulih")
    try:
        if live.exists():
            task.step(0, 3, _("Menyimpan salinan pengaman database sekarang..."))
            current = sqlite3.connect(str(live))
            copy = sqlite3.connect(str(safety))
            try:
                current.backup(copy)
            finally:
                copy.close()
                current.close()
        task.step(1, 3, _("Menyalin cadangan..."))
        shutil.copyfile(info.path, incoming)
        with incoming.open("rb+") as handle:
            os.fsync(handle.fileno())
        connection = sqlite3.connect(str(incoming))
        connection.execute("DROP TABLE IF EXISTS backup_meta")
        connection.commit()
        connection.close()
        task.step(2, 3, _("Mengganti database..."))
        for leftover in (Path(f"{live}-wal"), Path(f"{live}-shm")):
            leftover.unlink(missing_ok=True)
        os.replace(incoming, live)  # one rename: the old file or the new, never half
    except OSError as error:
        incoming.unlink(missing_ok=True)
        raise KnownError(_("Pemulihan gagal ({detail}); database lama tidak diubah.").format(detail=error.strerror or error)) from error
    task.step(3, 3, _("Selesai."))
    _after_restore(info, target, safety, user)
    return safety


def _record_backup(path: Path, user) -> None:
    """The backup as an audit event, then the chain's head kept outside the database."""
    with writing():
        audit.record("backup", "database", "", {"file": str(path), "bytes": path.stat().st_size}, user)
    audit.remember_head()


def _after_restore(info: BackupInfo, target: DatabaseUrl, safety: Path | None, user) -> None:
    """Opens the restored database, records the restore in its trail, and moves the head this PC
    keeps back to the restored chain (which is rightly shorter than the one it replaced)."""
    database.connect(target.url)
    with writing():
        audit.record("restore", "database", "", {"file": str(info.path), "made_at": str(info.made_at or ""),
                                                 "safety_copy": str(safety or "")}, user)
    audit.remember_head(reset=True)

def backup_folder() -> Path:
    """Where automatic backups go: the setting ``backup.folder``, else a folder beside the user data."""
    configured = preferences.get("backup.folder")
    folder = Path(configured) if configured else user_data_path("KupangDesk", appauthor=False) / "cadangan"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def quick_check() -> bool:
    """SQLite's quick integrity check of the open database (True on PostgreSQL)."""
    if not isinstance(db.obj, pw.SqliteDatabase):
        return True
    return db.execute_sql("PRAGMA quick_check").fetchone()[0] == "ok"


def automatic_backup(*, task: Task | None = None, max_age: dt.timedelta = dt.timedelta(days=1),
                     force: bool = False) -> Path | None:
    """The daily (or closing, with ``force``) backup into ``backup_folder()``, then rotation.
    Returns the new backup, or None when a recent one exists or the database is not SQLite."""
    folder = backup_folder()
    age = latest_backup_age(folder)
    if not force and age is not None and age < max_age:
        return None
    path = make_backup(folder, task=task, user=SYSTEM_BACKUP)
    rotate(folder)
    return path


def backups_in(folder: str | Path) -> list[Path]:
    return sorted([*Path(folder).glob(f"*{SUFFIX}"), *Path(folder).glob(f"*{PG_SUFFIX}")])


def latest_backup_age(folder: str | Path, *, now: dt.datetime | None = None) -> dt.timedelta | None:
    """How old the newest backup in ``folder`` is, or None when there is none."""
    files = backups_in(folder)
    if not files:
        return None
    newest = max(file.stat().st_mtime for file in files)
    return (now or dt.datetime.now()) - dt.datetime.fromtimestamp(newest)


def rotate(folder: str | Path, *, daily: int = 7, weekly: int = 4, monthly: int = 12) -> list[Path]:
    """Keeps the newest backup of each of the last ``daily`` days, ``weekly`` weeks and
    ``monthly`` months; deletes the rest with their checksum files. Returns what was deleted."""
    files = sorted(backups_in(folder), key=lambda p: p.stat().st_mtime, reverse=True)
    keep: set[Path] = set()
    for size, key in ((daily, lambda d: d.date()), (weekly, lambda d: d.isocalendar()[:2]), (monthly, lambda d: (d.year, d.month))):
        seen: list = []
        for file in files:
            bucket = key(dt.datetime.fromtimestamp(file.stat().st_mtime))
            if bucket not in seen:
                seen.append(bucket)
                if len(seen) <= size:
                    keep.add(file)
    removed = []
    for file in files:
        if file not in keep:
            file.unlink(missing_ok=True)
            file.with_name(file.name + CHECKSUM).unlink(missing_ok=True)
            file.with_name(file.name + ".json").unlink(missing_ok=True)
            removed.append(file)
    return removed

