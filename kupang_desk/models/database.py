"""Opening the database from a URL: a SQLite file on one PC, PostgreSQL for several."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import peewee as pw
from playhouse.db_url import parseresult_to_dict

from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import migrations
from kupang_desk.models import seed as seed_module
from kupang_desk.models.base import db, remember_generation
from kupang_desk.storage import default_database_path, network_share

ENV_DATABASE = "KUPANG_DESK_DATABASE"
log = logging.getLogger(__name__)

# WAL lets readers go on while one PC writes; synchronous=FULL makes a commit survive
# a power cut; foreign keys are off in SQLite unless asked for.
SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("synchronous", "full"),
    ("busy_timeout", 10000),
    # 8 MB of pages per connection (the window and each worker thread has one): the system's own file
    # cache holds the rest, and with 32 MB each the register's count on its thread kept the window
    # at 141 MB where 117 MB do as fast (benchmarks/run.py).
    ("cache_size", -8000),
)


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed ``--database`` value."""

    kind: str  # "sqlite" or "postgresql"
    url: str
    path: Path | None = None  # SQLite file
    params: dict | None = None  # PostgreSQL connection parameters

    def describe(self) -> str:
        """What the status bar shows: the file, or database and server."""
        if self.kind == "sqlite":
            return f"SQLite: {self.path}"
        params = self.params or {}
        host = params.get("host") or "localhost"
        port = f":{params['port']}" if params.get("port") else ""
        return f"PostgreSQL: {params.get('database')} @ {host}{port}"


def resolve_url(url: str | None = None) -> DatabaseUrl:
    """``--database`` if given, else ``$KUPANG_DESK_DATABASE``, else the default SQLite file.

    ``sqlite:///relative/file``, ``sqlite:////absolute/file`` and a bare file path all
    mean a SQLite file; ``postgresql://user@host:port/dbname`` a PostgreSQL database.
    """
    url = (url or os.environ.get(ENV_DATABASE) or "").strip()
    if not url:
        path = default_database_path()
        return DatabaseUrl("sqlite", f"sqlite:///{path}", path=path)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("postgresql", "postgres", "postgresql+psycopg2"):
        params = parseresult_to_dict(parts, unquote_password=True, unquote_user=True)
        if not params.get("database"):
            raise KnownError(_("Alamat database PostgreSQL harus menyebut nama database, misalnya postgresql://kupang@server/kupang_desk."))
        return DatabaseUrl("postgresql", url, params=params)
    if scheme == "sqlite":
        raw = url[len("sqlite://"):]
        path_text = raw[1:] if raw.startswith("/") else raw
        if not path_text or path_text == ":memory:":
            raise KnownError(_("Alamat database SQLite harus menyebut nama file, misalnya sqlite:///C:/KupangDesk/data.sqlite."))
        return DatabaseUrl("sqlite", url, path=Path(path_text).expanduser())
    if scheme and len(scheme) > 1:
        raise KnownError(
            _("Jenis database '{scheme}' tidak dikenal. Pakai sqlite:///nama-file atau postgresql://pengguna@server/database.").format(scheme=parts.scheme)
        )
    # A bare path (a Windows drive letter parses as a one-letter scheme).
    path = Path(url).expanduser()
    return DatabaseUrl("sqlite", f"sqlite:///{path}", path=path)


def make_database(target: DatabaseUrl) -> pw.Database:
    """A Peewee database for the URL, not yet connected."""
    if target.kind == "sqlite":
        assert target.path is not None
        return pw.SqliteDatabase(str(target.path), pragmas=SQLITE_PRAGMAS, timeout=10)
    params = dict(target.params or {})
    name = params.pop("database")
    params.setdefault("connect_timeout", 5)
    params.setdefault("application_name", "kupang-desk")
    return pw.PostgresqlDatabase(name, **params)


ENV_ALLOW_NETWORK = "KUPANG_DESK_ALLOW_NETWORK_SHARE"


def connect(url: str | None = None, *, migrate: bool = True, seed: bool = True,
            allow_network_share: bool | None = None) -> DatabaseUrl:
    """Binds the proxy to the database at ``url``, migrates it and loads reference data.

    Raises ``KnownError`` with a message a clerk can act on when the database cannot be
    opened (server down, file in a folder that does not exist, newer schema).
    """
    target = resolve_url(url)
    if target.kind == "sqlite":
        assert target.path is not None
        folder = target.path.parent
        if not folder.exists():
            raise KnownError(_("Folder {folder} tidak ada. Buat foldernya dulu atau pilih lokasi lain untuk database.").format(folder=folder))
        if allow_network_share is None:
            allow_network_share = os.environ.get(ENV_ALLOW_NETWORK, "") == "1"
        share = None if allow_network_share else network_share(folder)
        if share:
            raise KnownError(_(
                "File database {path} ada di folder jaringan ({kind}). SQLite lewat jaringan dapat merusak data bila "
                "beberapa PC menyimpan bersamaan. Untuk beberapa PC, pakai satu server PostgreSQL "
                "(--database postgresql://...); untuk satu PC, simpan file di disk PC itu sendiri. "
                "Petugas TI yang paham risikonya dapat membukanya dengan --allow-network-share."
            ).format(path=target.path, kind=share))
    database = make_database(target)
    try:
        database.connect(reuse_if_open=True)
    except pw.OperationalError as error:
        raise KnownError(_connect_failure_message(target, error)) from error
    db.initialize(database)
    if migrate:
        migrations.migrate(database, target)
    if seed:
        seed_module.ensure_reference_data()
    remember_generation()
    return target


def close(*, optimize: bool = False) -> None:
    """Closes the connection of this thread, if any (safe to call twice).

    ``optimize`` (when the program ends) lets SQLite refresh the planner statistics
    that need it, as its documentation recommends before closing.
    """
    if db.obj is not None and not db.is_closed():
        if optimize and isinstance(db.obj, pw.SqliteDatabase):
            # A nicety that needs the write lock: while another window or PC is saving it is left for
            # the next close, never an error after the work has been committed.
            try:
                db.execute_sql("PRAGMA busy_timeout = 200")
                db.execute_sql("PRAGMA optimize")
            except pw.OperationalError as error:
                log.info("PRAGMA optimize left for later: %s", error)
        db.close()


def _connect_failure_message(target: DatabaseUrl, error: Exception) -> str:
    if target.kind == "postgresql":
        return _(
            "Tidak dapat terhubung ke server PostgreSQL ({where}). Pastikan server menyala dan "
            "alamat, nama pengguna serta kata sandinya benar. Keterangan teknis: {detail}"
        ).format(where=target.describe(), detail=str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__)
    return _(
        "File database {path} tidak dapat dibuka. Periksa apakah folder itu boleh ditulisi. Keterangan teknis: {detail}"
    ).format(path=target.path, detail=error)


def write_mark() -> str:
    """A mark of the open database that changes with every committed write, by any connection or
    PC; "" when it cannot be told (then nothing is skipped or reused on its account: the closing
    backup, a previewed report).

    SQLite (WAL): after a TRUNCATE checkpoint the write-ahead log is empty and every write since
    has either left frames in it or, checkpointed, changed the main file; so the file's size and
    modification time with an empty log mark the state. PostgreSQL: the server's WAL position,
    which any write moves (so does other work of the server: then a backup is made that was not
    needed, never the other way)."""
    if isinstance(db.obj, pw.PostgresqlDatabase):
        return str(db.obj.execute_sql("SELECT pg_current_wal_lsn()::text").fetchone()[0])
    busy, _frames, _done = db.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    path = Path(db.obj.database)
    wal = path.with_name(path.name + "-wal")
    if busy or (wal.exists() and wal.stat().st_size):
        return ""
    found = path.stat()
    return f"{found.st_size}:{found.st_mtime_ns}"
