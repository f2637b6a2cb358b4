"""Backups that restore: made while the program runs, encrypted, checked before they count, swapped in whole.

A SQLite backup is a copy taken with SQLite's online backup API (other PCs may keep working)
into an owner-only folder of this PC, checked (integrity, every table of its schema, the
institution), then encrypted (``encryption``) onto the stick under a temporary name, read back
and only then renamed to its final name. A PostgreSQL backup is a pg_dump, encrypted the same
way. Nothing on the stick is readable without the office's backup passphrase.

Restoring decrypts into this PC's private folder, checks the same things before the live
database is touched, refuses another institution's backup unless asked, keeps a safety copy of
the current database in the data folder, and swaps the file in one rename under SQLite's
exclusive lock (every other running instance notices the new file before its next write: see
``models.base.writing``); on PostgreSQL the other sessions of the app are disconnected first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw
from platformdirs import user_data_path

import kupang_desk
from kupang_desk import audit, clock, settings
from kupang_desk.accounts.permissions import SYSTEM_BACKUP, acting, require
from kupang_desk.backup import encryption
from kupang_desk.errors import KnownError, os_reason
from kupang_desk.formatting import format_datetime
from kupang_desk.i18n import _
from kupang_desk.models import (
    ALL_MODELS,
    Institution,
    Patient,
    Student,
    User,
    Visit,
    database,
    db,
    writing,
)
from kupang_desk.models.base import (
    GENERATION,
    RESTORE_LOCK,
    RestoreMarker,
    interrupted_restore,
    this_process,
)
from kupang_desk.models.chain import POINT_ACTION
from kupang_desk.models.database import DatabaseUrl, make_database
from kupang_desk.models.migrations import SCHEMA_VERSION
from kupang_desk.pcare import outbox as pcare_outbox
from kupang_desk.satusehat import outbox
from kupang_desk.tasks import Task

log = logging.getLogger(__name__)

SUFFIX = ".kdbackup"  # the suffix keeps it from being opened by mistake as the live database
PG_SUFFIX = ".kdbackup-pg"  # a pg_dump custom-format file inside
CHECKSUM = ".sha256"  # beside a backup of the old, unencrypted kind
PARTIAL = ".sebagian"
# The tables a backup of any schema must hold to be a Kupang Desk database at all; one of the
# current schema must hold every table of it.
CORE_TABLES = {"schema_version", "institution", "user", "patient", "visit", "student"}


@dataclass
class BackupInfo:
    path: Path
    institution: str
    made_at: dt.datetime | None
    schema_version: int
    counts: dict[str, int] = field(default_factory=dict)
    institution_kind: str = ""
    institution_code: str = ""
    database_id: str = ""
    encrypted: bool = False
    accounts: list[str] = field(default_factory=list)  # an old unencrypted backup's accounts, "name (role)"

    def describe(self) -> str:
        when = self.made_at.strftime("%d-%m-%Y %H.%M") if self.made_at else "?"
        text = _("{institution}, dibuat {when}: {patients} pasien, {visits} kunjungan, {students} siswa (skema {version})").format(
            institution=self.institution or _("(tanpa nama)"), when=when, patients=self.counts.get("patient", 0),
            visits=self.counts.get("visit", 0), students=self.counts.get("student", 0), version=self.schema_version)
        if not self.encrypted:
            text += ". " + _("PERINGATAN: cadangan lama tanpa enkripsi; siapa pun dapat mengubah isinya dan membuat file "
                             ".sha256-nya lagi, jadi keasliannya tidak dapat dibuktikan. Akun di dalamnya: {accounts}. "
                             "Periksa akun-akun itu sebelum memakainya.").format(
                accounts=", ".join(self.accounts) or _("tidak ada"))
        return text


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "kupang-desk"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def private_folder() -> Path:
    """An owner-only folder of this PC for the plain copies a backup or restore works on (never the stick)."""
    folder = user_data_path("KupangDesk", appauthor=False, ensure_exists=True) / "sementara"
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


@contextlib.contextmanager
def _scratch(suffix: str) -> Iterator[Path]:
    path = private_folder() / f"{uuid.uuid4().hex}{suffix}"
    try:
        yield path
    finally:
        for leftover in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)


def _institution() -> Institution | None:
    return Institution.select().first()


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


def _manifest(plain: Path, engine: str, made_at: dt.datetime) -> dict:
    institution = _institution()
    return {
        "format": 2, "engine": engine, "made_at": made_at.isoformat(timespec="seconds"), "app_version": kupang_desk.__version__,
        "schema_version": SCHEMA_VERSION, "institution": institution.name if institution else "",
        "institution_kind": institution.kind if institution else "", "institution_code": institution.code if institution else "",
        "database_id": settings.get("database.id"), "counts": _counts(), "audit_head": str(audit.head() or ""),
        "sha256": sha256(plain),
    }


def _sqlite_copy(plain: Path, made_at: dt.datetime, task: Task) -> None:
    destination = sqlite3.connect(str(plain))
    try:
        def progress(_status, remaining, total):
            task.step(total - remaining, total, _("Menyalin database..."))

        db.connection().backup(destination, pages=2048, progress=progress)
        destination.execute("CREATE TABLE IF NOT EXISTS backup_meta (key TEXT PRIMARY KEY, value TEXT)")
        destination.execute("INSERT OR REPLACE INTO backup_meta VALUES ('made_at', ?), ('app_version', ?), ('audit_head', ?)",
                            (made_at.isoformat(timespec="seconds"), kupang_desk.__version__, str(audit.head() or "")))
        destination.commit()
        destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        destination.close()
    check_database_file(plain, restoring=False)


def make_backup(folder: str | Path, *, task: Task | None = None, now: dt.datetime | None = None, user: User | None = None,
                passphrase: str | None = None) -> Path:
    """Backs the open database up into ``folder``, encrypted; returns the checked backup file.

    The key is the one this PC keeps for the database's backup passphrase, else derived from
    ``passphrase`` (or ``$KUPANG_DESK_BACKUP_PASSPHRASE``): see ``encryption.current_key``.
    """
    user = require("backup.run", user)
    task = task or Task()
    folder = Path(folder)
    if not folder.is_dir():
        raise KnownError(_("Folder cadangan {folder} tidak ada. Colokkan flashdisk atau pilih folder lain.").format(folder=folder))
    key = encryption.current_key(passphrase)
    made_at = now or clock.now()
    postgres = isinstance(db.obj, pw.PostgresqlDatabase)
    institution = _institution()
    final = folder / f"{_slug(institution.name if institution else '')}-{made_at:%Y%m%d-%H%M%S}{PG_SUFFIX if postgres else SUFFIX}"
    partial = final.with_name(final.name + PARTIAL)
    try:
        with _scratch(".pgdump" if postgres else ".sqlite") as plain:
            if postgres:
                arguments, environment = _pg_arguments(db.obj)
                task.step(0, 2, _("Membuat cadangan dengan pg_dump..."))
                _run([_pg_tool("pg_dump"), "--format=custom", f"--file={plain}", *arguments], environment, _("pg_dump"))
                task.step(1, 2, _("Memeriksa cadangan..."))
                _run([_pg_tool("pg_restore"), "--list", str(plain)], environment, _("Pemeriksaan cadangan"))
            else:
                _sqlite_copy(plain, made_at, task)
            encryption.encrypt(plain, partial, key, _manifest(plain, "postgresql" if postgres else "sqlite", made_at), task)
        task.step(0, 1, _("Memeriksa cadangan..."))
        encryption.decrypt(partial, None, key=key, task=task, check_all=True)  # read back from the stick, every byte
        os.replace(partial, final)
        _record_backup(final, user)
    except OSError as error:
        raise KnownError(_("Cadangan gagal ditulis ke {folder} ({detail}). Periksa ruang kosong dan apakah flashdisk boleh ditulisi.").format(
            folder=folder, detail=os_reason(error))) from error
    finally:
        partial.unlink(missing_ok=True)
    return final


def check_database_file(path: Path, *, restoring: bool = True) -> BackupInfo:
    """What a plain SQLite file holds, after checking it is a whole Kupang Desk database: integrity,
    every table of its schema version (the core ones for an older schema) and, to be restored, a
    known institution."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise KnownError(_("File {path} bukan cadangan Kupang Desk ({detail}).").format(path=path.name, detail=error)) from error
    try:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise KnownError(_("File cadangan {path} rusak (pemeriksaan integritas gagal). Pakai cadangan lain.").format(path=path.name))
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "schema_version" not in tables:
            raise KnownError(_("File {path} bukan cadangan Kupang Desk.").format(path=path.name))
        version = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
        if version > SCHEMA_VERSION:
            raise KnownError(_("Cadangan ini dibuat oleh Kupang Desk yang lebih baru (skema {found}; program ini sampai {known}). "
                               "Pasang versi terbaru dulu.").format(found=version, known=SCHEMA_VERSION))
        wanted = CORE_TABLES | ({model._meta.table_name for model in ALL_MODELS} if version == SCHEMA_VERSION else set())
        if missing := sorted(wanted - tables):
            shown = ", ".join(missing[:5]) + (_(" dan {count} lainnya").format(count=len(missing) - 5) if len(missing) > 5 else "")
            raise KnownError(_("File {path} bukan database Kupang Desk yang utuh: tabel {tables} tidak ada. "
                               "Cadangan ini tidak dipulihkan; pakai cadangan lain.").format(path=path.name, tables=shown))
        institution = connection.execute("SELECT name, kind, code FROM institution LIMIT 1").fetchone()
        if restoring and (institution is None or not str(institution[0]).strip()):
            raise KnownError(_("File {path} tidak menyebut puskesmas atau sekolahnya (profil kosong); cadangan ini tidak "
                               "dipulihkan.").format(path=path.name))
        counts = {table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in ("patient", "visit", "student")}
        made_at = None
        if "backup_meta" in tables:
            row = connection.execute("SELECT value FROM backup_meta WHERE key = 'made_at'").fetchone()
            made_at = dt.datetime.fromisoformat(row[0]) if row else None
        database_id = ""
        if "setting" in tables:
            row = connection.execute("SELECT value FROM setting WHERE key = 'database.id'").fetchone()
            database_id = _json_text(row[0]) if row else ""
    except sqlite3.DatabaseError as error:
        raise KnownError(_("File {path} bukan cadangan Kupang Desk yang utuh ({detail}).").format(path=path.name, detail=error)) from error
    finally:
        connection.close()
    name, kind, code = institution or ("", "", "")
    return BackupInfo(path, name, made_at, version, counts, kind or "", code or "", database_id)


def _json_text(value) -> str:
    try:
        return str(json.loads(value))
    except (TypeError, ValueError):
        return str(value or "")


def _from_manifest(path: Path, manifest: dict) -> BackupInfo:
    if int(manifest.get("schema_version", 0)) > SCHEMA_VERSION:
        raise KnownError(_("Cadangan ini dibuat oleh Kupang Desk yang lebih baru (skema {found}; program ini sampai {known}). "
                           "Pasang versi terbaru dulu.").format(found=manifest["schema_version"], known=SCHEMA_VERSION))
    made = manifest.get("made_at")
    return BackupInfo(path, str(manifest.get("institution", "")), dt.datetime.fromisoformat(made) if made else None,
                      int(manifest.get("schema_version", 0)), dict(manifest.get("counts", {})),
                      str(manifest.get("institution_kind", "")), str(manifest.get("institution_code", "")),
                      str(manifest.get("database_id", "")), encrypted=True)


def _legacy_checksum(path: Path) -> None:
    """A backup of the old, unencrypted kind restores only with its .sha256 beside it, matching."""
    sum_file = path.with_name(path.name + CHECKSUM)
    if not sum_file.exists():
        raise KnownError(_("File pemeriksa {file} tidak ada di sebelah cadangan lama {path}, jadi kerusakan di dalamnya tidak "
                           "dapat diketahui. Cadangan ini tidak dipulihkan; salin juga file .sha256-nya, atau pakai cadangan "
                           "terenkripsi yang lebih baru.").format(file=sum_file.name, path=path.name))
    if sum_file.read_text(encoding="ascii", errors="replace").split()[:1] != [sha256(path)]:
        raise KnownError(_("File cadangan {path} rusak: isinya tidak sama dengan saat dibuat. Pakai cadangan lain.").format(path=path.name))


def inspect_backup(path: str | Path, *, passphrase: str | None = None, check_all: bool = False,
                   task: Task | None = None) -> BackupInfo:
    """What a backup holds: from the manifest inside an encrypted one (which the passphrase, or
    the key this PC keeps, opens), or after checking an old unencrypted one whole. ``check_all``
    reads every chunk of an encrypted one too, so a byte changed anywhere is refused before the
    clerk is asked to restore it."""
    path = Path(path)
    if not path.is_file():
        raise KnownError(_("File cadangan {path} tidak ditemukan.").format(path=path))
    if encryption.is_encrypted(path):
        manifest, _key = encryption.decrypt(path, passphrase, check_all=check_all, task=task)
        return _from_manifest(path, manifest)
    _legacy_checksum(path)
    if path.name.endswith(PG_SUFFIX):
        raise KnownError(_("Cadangan PostgreSQL lama (tanpa enkripsi) tidak dipulihkan dari sini; pulihkan dengan pg_restore "
                           "oleh petugas TI, atau pakai cadangan yang lebih baru."))
    info = check_database_file(path)
    info.accounts = _accounts_in(path)
    return info


def _accounts_in(path: Path) -> list[str]:
    """The accounts an old unencrypted backup would bring in, as "name (role)" (read-only)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute('SELECT username, role FROM "user" ORDER BY role, username LIMIT 50').fetchall()
    except sqlite3.Error:
        return []
    finally:
        connection.close()
    return [f"{name} ({role})" for name, role in rows]


def _open_backup(path: Path, passphrase: str | None, plain: Path, task: Task) -> tuple[BackupInfo, str, encryption.BackupKey | None]:
    """Decrypts (or copies) the backup into ``plain`` and checks it whole: (what it holds, its engine, its key)."""
    if not path.is_file():
        raise KnownError(_("File cadangan {path} tidak ditemukan.").format(path=path))
    if encryption.is_encrypted(path):
        manifest, key = encryption.decrypt(path, passphrase, plain, task=task)
        info = _from_manifest(path, manifest)
        if manifest.get("engine") == "sqlite":
            checked = check_database_file(plain)
            info.counts, info.schema_version = checked.counts, checked.schema_version
        elif not info.institution:
            raise KnownError(_("File {path} tidak menyebut puskesmas atau sekolahnya; cadangan ini tidak dipulihkan.").format(path=path.name))
        return info, str(manifest.get("engine", "sqlite")), key
    info = inspect_backup(path)
    shutil.copyfile(path, plain)
    os.chmod(plain, 0o600)
    return info, "sqlite", None


def _same_institution(info: BackupInfo, current: BackupInfo | None) -> bool:
    if current is None or not current.institution:
        return True  # an empty or new database: nothing to mix up
    if info.database_id and info.database_id == current.database_id:
        return True
    if info.institution_kind and current.institution_kind and info.institution_kind != current.institution_kind:
        return False
    if info.institution_code and current.institution_code:
        return info.institution_code == current.institution_code
    return " ".join(info.institution.lower().split()) == " ".join(current.institution.lower().split())


# Tables whose rows make a database worth protecting: any account, any person, any record.
PROTECTED_TABLES = ("user", "patient", "visit", "student", "award", "audit_event")


def holds_nothing(target: DatabaseUrl) -> bool:
    """Whether ``target`` is a new installation: no account and no record (or no database yet).

    Restoring into it needs no sign-in, since there is no account to sign in with and nothing
    the restore could replace; the backup's passphrase is what opens the data. A database that
    cannot be read counts as holding something (fails closed).
    """
    # A new database's trail holds its keyed point only (models.chain): that is not a record.
    rows = _first_rows(target, [f'SELECT EXISTS (SELECT 1 FROM "{table}"'
                                + (f" WHERE action <> '{POINT_ACTION}')" if table == "audit_event" else ")")
                                for table in PROTECTED_TABLES])
    return rows is not None and all(row is not None and not row[0] for row in rows)


def _first_rows(target: DatabaseUrl, queries: list[str]) -> list[tuple | None] | None:
    """The first row of each query on ``target``, read without writing to it: [] when its SQLite file
    does not exist yet, None when it cannot be read (damaged, server down, not a database of ours)."""
    if target.kind == "sqlite":
        if target.path is None:
            return None
        if not target.path.exists():
            return []
        try:
            connection = sqlite3.connect(f"file:{target.path}?mode=ro", uri=True)
            try:
                return [connection.execute(query).fetchone() for query in queries]
            finally:
                connection.close()
        except sqlite3.DatabaseError:
            return None
    database = make_database(target)
    try:
        database.connect()
        return [database.execute_sql(query).fetchone() for query in queries]
    except pw.DatabaseError:
        return None
    finally:
        if not database.is_closed():
            database.close()


def _current(target: DatabaseUrl) -> BackupInfo | None:
    """The institution of the database a restore would replace (None when there is none yet, or
    when it cannot be read: a damaged database is what restores are for)."""
    rows = _first_rows(target, ["SELECT name, kind, code FROM institution LIMIT 1",
                                "SELECT value FROM setting WHERE key = 'database.id'"])
    if not rows or rows[0] is None:
        return None
    (name, kind, code), ident = rows[0], rows[1]
    return BackupInfo(target.path or Path(), name, None, 0, {}, kind or "", code or "",
                      _json_text(ident[0]) if ident else "")


def restorer(target: DatabaseUrl, user: User | None = None) -> User | None:
    """Who may restore into ``target``: an account with ``backup.restore``, or nobody at all when
    ``target`` is a new installation (the office's new PC: no account to sign in with, nothing to
    replace; the backup's passphrase is what opens the data)."""
    if acting(user) is None and holds_nothing(target):
        return None
    return require("backup.restore", user)


def belongs_elsewhere(info: BackupInfo, target: DatabaseUrl) -> str | None:
    """The institution of the database at ``target`` when the backup is another institution's, else None."""
    restorer(target)
    current = _current(target)
    return None if _same_institution(info, current) or current is None else current.institution


def restore_backup(path: str | Path, target: DatabaseUrl, *, task: Task | None = None, user: User | None = None,
                   passphrase: str | None = None, other_institution: bool = False) -> Path:
    """Replaces the database at ``target`` with the backup; returns the safety copy of the old one.

    Everything is checked before the live database is touched: the backup's seal (or the old
    kind's .sha256), a whole database of its schema, the institution (another one's backup
    needs ``other_institution``). The caller closes its own connection first (``database.close``).
    """
    user = restorer(target, user)
    task = task or Task()
    path = Path(path)
    with _scratch(".pulih") as plain:
        info, engine, key = _open_backup(path, passphrase, plain, task)
        if key is None and not holds_nothing(target):  # the old unencrypted kind: nothing proves where it came from
            raise KnownError(_("Cadangan lama tanpa enkripsi ({file}) tidak dipulihkan ke database yang sudah berisi data: "
                               "file .sha256 di sebelahnya dapat dibuat siapa saja, jadi isinya (termasuk akun {accounts}) "
                               "tidak dapat dibuktikan asli. Pulihkan hanya ke database baru yang masih kosong di PC baru, "
                               "lalu periksa akun-akunnya; atau pakai cadangan terenkripsi yang lebih baru.").format(
                file=path.name, accounts=", ".join(info.accounts) or _("tidak ada")))
        current = _current(target)
        foreign = not _same_institution(info, current)
        if foreign and not other_institution:
            assert current is not None
            raise KnownError(_("Cadangan ini milik {other}, bukan {this}. Memulihkannya akan mengganti seluruh data {this} "
                               "dengan data {other}. Bila memang itu maksudnya, pulihkan dengan pilihan \"institusi lain\" "
                               "(--other-institution) dan ketik nama institusinya untuk memastikan.").format(
                other=info.institution, this=current.institution))
        if target.kind == "postgresql":
            if engine != "postgresql":
                raise KnownError(_("Cadangan SQLite tidak dapat dipulihkan ke server PostgreSQL; pilih cadangan PostgreSQL."))
            safety = _restore_pg(plain, target, key, task, path)
        else:
            if engine != "sqlite" or target.path is None:
                raise KnownError(_("Cadangan PostgreSQL hanya dapat dipulihkan ke server PostgreSQL."))
            safety = _swap_sqlite(plain, target.path, task, path)
    _after_restore(info, target, safety, user, other_institution=foreign)
    return safety


def _holders(path: Path) -> list[str]:
    """The other processes that have ``path`` open, as "PID 1234 (program)" (Linux; elsewhere unknown)."""
    found: list[str] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    wanted = {os.path.realpath(path), os.path.realpath(f"{path}-wal")}
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if any(os.path.realpath(link) in wanted for link in (entry / "fd").iterdir()):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                found.append(_("PID {pid} ({program})").format(pid=entry.name, program=command[:80] or "?"))
        except OSError:
            continue
    return found


def _unused(path: Path) -> Path:
    """``path``, or with -2, -3... before its suffix when a file of that name exists (two restores in one second)."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name[:-len(path.suffix)] if path.suffix else path.name}-{number}{path.suffix}")
    return candidate


def _marker(text: str) -> tuple[str, str]:
    return GENERATION, json.dumps(text)


def _restore_marker(generation: str, before_row, safety: Path, source: Path) -> RestoreMarker:
    """The marker of a restore by this process; ``before_row`` the generation setting's row, if any."""
    host, pid, started = this_process()
    before = str(json.loads(before_row[0])) if before_row else ""
    return RestoreMarker(generation=generation, before=before, at=int(clock.timestamp()), host=host, pid=pid,
                         started=started, safety=str(safety), file=str(source))


def interrupted_restore_note() -> tuple[str, Path | None] | None:
    """When a restore died before this program opened the database: what to tell the clerk, and the
    backup it was restoring (to offer it again) when that file is still there; else None."""
    marker = interrupted_restore()
    if marker is None:
        return None
    safety = Path(marker.safety) if marker.safety else None
    text = _("Pemulihan dari cadangan yang dimulai {when} di PC {host} terhenti sebelum selesai (programnya tertutup atau "
             "listrik padam). Database masih berisi data sebelum pemulihan itu dan dapat dipakai seperti biasa.").format(
        when=format_datetime(clock.from_timestamp(marker.at)), host=marker.host)
    if safety is not None and safety.is_file():
        text += " " + _("Salinan pengaman yang sempat dibuat: {path}.").format(path=safety)
    source = Path(marker.file) if marker.file else None
    return text, source if source is not None and source.is_file() else None


def _stamp_generation(plain: Path, generation: str) -> None:
    """The restored copy carries a new generation: the programs still open on the old one then refuse to write."""
    connection = sqlite3.connect(str(plain))
    try:
        connection.execute("DROP TABLE IF EXISTS backup_meta")
        connection.execute("INSERT OR REPLACE INTO setting (key, value, updated_at) VALUES (?, ?, ?)",
                           (*_marker(generation), clock.now().isoformat(" ", "seconds")))
        connection.commit()
    finally:
        connection.close()


def _swap_sqlite(plain: Path, live: Path, task: Task, source: Path) -> Path:
    """The restored database written into ``live`` with SQLite's backup API, as one transaction.

    The file is never renamed or replaced under the programs that have it open (SQLite's WAL
    files would then mix two databases): the content changes as in any write, which they see.
    First the live database is marked "being restored" (their next write is refused from then
    on), then its safety copy is taken, then the restored content goes in with a new generation;
    the programs still open see the new generation before their next write and stop with a message
    (``models.base.writing``). A write in progress is waited for; one that keeps the lock is reported."""
    safety = _unused(live.with_name(f"{live.stem}.sebelum-pulih-{clock.now():%Y%m%d-%H%M%S}{live.suffix or '.sqlite'}"))
    generation = uuid.uuid4().hex
    _stamp_generation(plain, generation)
    if not live.exists():
        shutil.copyfile(plain, live)
        os.chmod(live, 0o600)
        return safety
    connection = sqlite3.connect(str(live), timeout=15)
    try:
        task.step(0, 3, _("Menunggu PC dan jendela lain selesai menyimpan..."))
        try:
            with connection:
                connection.execute("BEGIN IMMEDIATE")
                row = connection.execute("SELECT value FROM setting WHERE key = ?", (GENERATION,)).fetchone()
                connection.execute("INSERT OR REPLACE INTO setting (key, value, updated_at) VALUES (?, ?, ?)",
                                   (*_marker(_restore_marker(generation, row, safety, source).text()),
                                    clock.now().isoformat(" ", "seconds")))
        except sqlite3.OperationalError as error:
            raise KnownError(_("Database sedang dipakai menyimpan oleh program lain, jadi pemulihan tidak dijalankan dan tidak ada "
                               "yang berubah. Tutup Kupang Desk di PC dan jendela lain ({who}), lalu pulihkan lagi.").format(
                who=", ".join(_holders(live)) or _("tidak diketahui"))) from error
        task.step(1, 3, _("Menyimpan salinan pengaman database sekarang..."))
        copy = sqlite3.connect(str(safety))
        try:
            connection.backup(copy)
        finally:
            copy.close()
        os.chmod(safety, 0o600)
        task.step(2, 3, _("Mengganti isi database..."))
        restored = sqlite3.connect(str(plain))
        try:
            restored.backup(connection)  # all pages in one step: one transaction, the old content or the new
        finally:
            restored.close()
    except sqlite3.Error as error:
        raise KnownError(_("Pemulihan gagal ({detail}); database lama tidak diubah.").format(detail=error)) from error
    except OSError as error:
        raise KnownError(_("Pemulihan gagal ({detail}); database lama tidak diubah.").format(detail=os_reason(error))) from error
    finally:
        connection.close()
    task.step(3, 3, _("Selesai."))
    return safety


def _restore_pg(plain: Path, target: DatabaseUrl, key: encryption.BackupKey | None, task: Task, source: Path) -> Path:
    """pg_restore in one transaction (all or nothing), after the app's other sessions are
    disconnected and an encrypted safety dump of the current database is kept in the data folder."""
    database = make_database(target)
    safety = _unused(private_folder().parent / f"{database.database}.sebelum-pulih-{clock.now():%Y%m%d-%H%M%S}{PG_SUFFIX}")
    task.step(0, 3, _("Memutus sambungan Kupang Desk lain ke database..."))
    generation = uuid.uuid4().hex
    holder = make_database(target)  # a session of its own ("kupang-desk-pulih", not disconnected) holds the restore's lock
    holder.connect_params["application_name"] = "kupang-desk-pulih"
    try:
        holder.connect()
        holder.execute_sql("SELECT pg_advisory_lock(%s)", (RESTORE_LOCK,))
        with holder.atomic():
            row = holder.execute_sql("SELECT value FROM setting WHERE key = %s", (GENERATION,)).fetchone()
            marker = _restore_marker(generation, row, safety, source)
        _set_pg_generation(database, marker.text())
        disconnect_others(database)
        _restore_pg_steps(database, plain, safety, key, task)
        _set_pg_generation(database, generation)
    finally:
        holder.close()  # the lock goes with the session, also when this process dies
    task.step(3, 3, _("Selesai."))
    return safety


def _restore_pg_steps(database: pw.PostgresqlDatabase, plain: Path, safety: Path, key: encryption.BackupKey | None,
                      task: Task) -> None:
    arguments, environment = _pg_arguments(database)
    task.step(1, 3, _("Menyimpan salinan pengaman database sekarang..."))
    with _scratch(".pgdump") as dump:
        _run([_pg_tool("pg_dump"), "--format=custom", f"--file={dump}", *arguments], environment, _("pg_dump"))
        if key is not None:
            encryption.encrypt(dump, safety, key, {"format": 2, "engine": "postgresql", "sha256": sha256(dump),
                                                    "made_at": clock.now().isoformat(timespec="seconds"),
                                                    "institution": "", "schema_version": SCHEMA_VERSION}, task)
        else:
            shutil.copyfile(dump, safety)
            os.chmod(safety, 0o600)
    task.step(2, 3, _("Memulihkan dengan pg_restore..."))
    disconnect_others(database)
    _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *arguments, str(plain)],
         environment, _("Pemulihan"))


def _set_pg_generation(database: pw.PostgresqlDatabase, generation: str) -> None:
    with database.connection_context(), database.atomic():
        database.execute_sql("INSERT INTO setting (key, value, updated_at) VALUES (%s, %s, now()) ON CONFLICT (key) "
                             "DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at", _marker(generation))


def disconnect_others(database: pw.PostgresqlDatabase) -> int:
    """Ends the other sessions of the app (application_name kupang-desk) on this database; their
    next query fails and the window tells the clerk to open Kupang Desk again. Returns how many."""
    require("backup.restore")
    with database.connection_context():
        rows = database.execute_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND application_name = 'kupang-desk'").fetchall()
    return len(rows)


def _record_backup(path: Path, user) -> None:
    """The backup as an audit event, then the chain's head kept outside the database."""
    with writing():
        audit.record("backup", "database", "", {"file": str(path), "bytes": path.stat().st_size}, user)
    audit.remember_head()


def _after_restore(info: BackupInfo, target: DatabaseUrl, safety: Path | None, user, *, other_institution: bool = False) -> None:
    """Opens the restored database, records the restore in its trail, and moves the head this PC
    keeps back to the restored chain (which is rightly shorter than the one it replaced)."""
    database.connect(target.url)
    with writing():
        outbox.after_restore()
        pcare_outbox.after_restore()
        audit.record("restore", "database", "", {"file": str(info.path), "made_at": str(info.made_at or ""),
                                                 "safety_copy": str(safety or ""),
                                                 "other_institution": other_institution, "institution": info.institution}, user)
    audit.remember_head(reset=True)

def backup_folder() -> Path:
    """Where the open database's automatic backups go: a folder of its own (named by its database id)
    inside the setting ``backup.folder``, else inside a folder beside the user data. Every database
    on the PC (a puskesmas and a school, a test copy) has its own, so one's rotation never deletes
    another's backups and "last backup" is always this database's."""
    configured = settings.get("backup.folder")
    base = Path(configured) if configured else user_data_path("KupangDesk", appauthor=False) / "cadangan"
    folder = base / database_folder_name()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def database_folder_name() -> str:
    """The open database's folder among the automatic backups: ``db-`` and the start of its id."""
    identity = re.sub(r"[^0-9a-zA-Z]", "", str(settings.get("database.id") or ""))[:12]
    return f"db-{identity or 'tanpa-id'}"


@dataclass(frozen=True)
class LastBackup:
    """The open database's newest automatic backup, as the status bar and the Beranda show it."""

    folder: Path
    age: dt.timedelta | None  # None: none yet
    late: bool  # none, or older than Pengaturan allows (``backup.warn_after_days``)


def last_backup() -> LastBackup:
    """One answer for every place that says how old the latest backup is."""
    folder = backup_folder()
    age = latest_backup_age(folder)
    return LastBackup(folder, age, age is None or age.days >= settings.get("backup.warn_after_days"))


def remove_leftovers(folder: Path, *, older_than: dt.timedelta = dt.timedelta(minutes=30)) -> list[Path]:
    """Partial backups a killed backup left on the stick or in the backup folder, and plain copies
    left in this PC's private folder: removed once they are older than any backup still running."""
    removed = []
    limit = clock.now() - older_than
    for path in [*folder.glob(f"*{PARTIAL}"), *private_folder().iterdir()]:
        try:
            if path.is_file() and clock.from_timestamp(path.stat().st_mtime) < limit:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def quick_check() -> bool:
    """SQLite's quick integrity check of the open database (True on PostgreSQL)."""
    if not isinstance(db.obj, pw.SqliteDatabase):
        return True
    return db.execute_sql("PRAGMA quick_check").fetchone()[0] == "ok"


MARK_FILE = "cadangan-terakhir.json"  # beside the automatic backups: the state the newest one was made of


def _unchanged_since_backup(folder: Path) -> Path | None:
    """The newest automatic backup when the database has not been written since it was made."""
    try:
        kept = json.loads((folder / MARK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    made = folder / str(kept.get("backup", ""))
    mark = database.write_mark()
    same = kept.get("database") == settings.get("database.id") and mark and kept.get("mark") == mark
    return made if same and made.is_file() and made.name else None


def automatic_backup(*, task: Task | None = None, max_age: dt.timedelta = dt.timedelta(days=1),
                     force: bool = False) -> Path | None:
    """The daily (or closing, with ``force``) backup into ``backup_folder()``, then rotation.
    Returns the new backup, or None when a recent one exists, or (closing) nothing was written
    since the newest one was made."""
    folder = backup_folder()
    remove_leftovers(folder)
    age = latest_backup_age(folder)
    if not force and age is not None and age < max_age:
        return None
    if force and (same := _unchanged_since_backup(folder)) is not None:
        log.info("Closing backup skipped: nothing written since %s", same.name)
        return None
    if not encryption.key_available():
        log.warning("Automatic backup waits for the backup passphrase on this PC")
        return None
    path = make_backup(folder, task=task, user=SYSTEM_BACKUP)
    rotate(folder)
    mark = database.write_mark()  # after the backup's own audit event: the state a later closing compares with
    if mark:
        (folder / MARK_FILE).write_text(json.dumps({"database": settings.get("database.id"), "mark": mark,
                                                    "backup": path.name}), encoding="utf-8")
    return path


def backups_in(folder: str | Path) -> list[Path]:
    return sorted([*Path(folder).glob(f"*{SUFFIX}"), *Path(folder).glob(f"*{PG_SUFFIX}")])


def latest_backup_age(folder: str | Path, *, now: dt.datetime | None = None) -> dt.timedelta | None:
    """How old the newest backup in ``folder`` is, or None when there is none."""
    files = backups_in(folder)
    if not files:
        return None
    newest = max(file.stat().st_mtime for file in files)
    return (now or clock.now()) - clock.from_timestamp(newest)


def rotate(folder: str | Path, *, daily: int = 7, weekly: int = 4, monthly: int = 12) -> list[Path]:
    """Keeps the newest backup of each of the last ``daily`` days, ``weekly`` weeks and
    ``monthly`` months; deletes the rest with their checksum files. Returns what was deleted."""
    files = sorted(backups_in(folder), key=lambda p: p.stat().st_mtime, reverse=True)
    keep: set[Path] = set()
    for size, key in ((daily, lambda d: d.date()), (weekly, lambda d: d.isocalendar()[:2]), (monthly, lambda d: (d.year, d.month))):
        seen: list = []
        for file in files:
            bucket = key(clock.from_timestamp(file.stat().st_mtime))
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

