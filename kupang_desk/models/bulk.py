"""Writing many rows fast inside the caller's transaction (demo data, register imports)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence

import peewee as pw

from kupang_desk.models import search_index, totals
from kupang_desk.models.base import db

CHUNK = 20_000


PATIENT_NUMBERS_LOCK = 7105372  # pg_advisory_xact_lock key: who gives out patients and their No. RM


def next_id(model: type[pw.Model]) -> int:
    """The id after the largest: for SQLite (one writer at a time) and for loading an empty database
    (the demo); elsewhere on PostgreSQL use ``reserve_ids``."""
    return (model.select(pw.fn.MAX(model._meta.primary_key)).scalar() or 0) + 1


def reserve_ids(model: type[pw.Model], count: int) -> list[int]:
    """``count`` ids for new rows of ``model``, inside the caller's transaction. On PostgreSQL they
    come from the table's sequence, so that two imports, or an import and the clerks registering
    at the loket, never pick the same id; on SQLite the write lock already keeps them apart."""
    if count <= 0:
        return []
    if not isinstance(db.obj, pw.PostgresqlDatabase):
        first = next_id(model)
        return list(range(first, first + count))
    table = model._meta.table_name
    cursor = db.execute_sql(f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) FROM generate_series(1, %s)", (count,))
    return [row[0] for row in cursor.fetchall()]


def lock_patient_numbers() -> None:
    """Inside a write transaction on PostgreSQL: waits for any other PC giving out patients and No. RM
    (a registration, another import), so that two of them never take the same number."""
    if isinstance(db.obj, pw.PostgresqlDatabase):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (PATIENT_NUMBERS_LOCK,))


def select_in(sql: str, values: Iterable, size: int = 500) -> Iterator[tuple]:
    """The rows of ``sql``, whose ``{}`` is the list of an ``IN``, for ``values`` a chunk at a time
    (bounded, as every IN list here), with plain placeholders: Peewee builds a query at several
    microseconds a value, most of a 50,000-row import's look-ups of who is already known."""
    param = db.obj.param
    for chunk in pw.chunked(values, size):
        yield from db.execute_sql(sql.format(", ".join([param] * len(chunk))), chunk).fetchall()


@contextlib.contextmanager
def counted_after_load(first_patient: int | None, first_visit: int | None) -> Iterator[None]:
    """A load of new patients and visits (ids from ``first_patient`` and ``first_visit`` up, written
    inside the block) inside the caller's write transaction, on SQLite: the row-by-row insert triggers
    of the kept counts and of the name index are dropped for the load, and what they would have done
    is done at its end in one statement per table (a 50,000-visit register spends most of its writing
    time in them otherwise). The triggers are made again, exactly as they were, before the block ends.

    Everything happens in the one transaction: no other connection (the window beside a scheduled
    command) ever sees the tables without their triggers, and a failure rolls back the rows and the
    triggers together. On PostgreSQL nothing changes: COPY fires the row triggers as any insert does."""
    if isinstance(db.obj, pw.PostgresqlDatabase) or not db.in_transaction():
        yield
        return
    wanted = [kept.insert_trigger for kept in totals.KEPT] + [search_index.INSERT_TRIGGER]
    held = dict(db.execute_sql(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
                               f"({', '.join('?' * len(wanted))})", wanted).fetchall())
    if len(held) != len(wanted):  # not the schema this was written for: the triggers count as they are
        yield
        return
    for name in held:
        db.execute_sql(f'DROP TRIGGER "{name}"')
    try:
        yield
        if first_visit is not None:
            for kept in totals.KEPT:
                db.execute_sql(kept.add_loaded(first_visit))
        if first_patient is not None:
            search_index.add_loaded(db.obj, first_patient)
    finally:
        for statement in held.values():
            db.execute_sql(statement)


class BulkWriter:
    """Writes many rows of one table fast, inside the caller's transaction.

    Uses ``executemany`` on SQLite and ``COPY`` on PostgreSQL, because Peewee's
    ``insert_many`` costs several times more. Fields not named take their defaults
    (nullable ones are left to the database). An empty table loses its secondary
    indexes for the load and gets them back, built in one pass, in ``close``; on
    PostgreSQL the id sequence is moved past the ids given.
    """

    def __init__(self, model: type[pw.Model], columns: Sequence[str], chunk: int = CHUNK,
                 parent: BulkWriter | None = None, ready: bool = False) -> None:
        meta = model._meta
        # Rows of ``parent`` are written first, so foreign keys always find their row.
        self.model, self.chunk, self.parent = model, chunk, parent
        fields = [meta.fields[name] for name in columns]
        extra, defaults = [], []
        for field in meta.sorted_fields:
            if field.name in columns or (field.primary_key and field.name == "id"):
                continue
            value = field.default() if callable(field.default) else field.default
            if value is None:
                if not field.null:
                    raise ValueError(f"{meta.table_name}.{field.column_name} needs a value")
                continue
            extra.append(field)
            defaults.append(field.db_value(value))
        self.database = db.obj
        self.connection = self.database.connection()  # the caller's, and so its transaction
        self.postgres = isinstance(self.database, pw.PostgresqlDatabase)
        self.convert = _pg_value if self.postgres else _sqlite_value
        # Only columns the driver cannot take as they are get converted, value by value;
        # ``ready=True`` promises the caller already gives dates as ISO text.
        needs = (pw.DateField, pw.DateTimeField, pw.BooleanField) if self.postgres else (pw.DateField, pw.DateTimeField)
        self.slow = [] if ready else [i for i, f in enumerate(fields) if isinstance(f, needs)]
        names = ", ".join(f'"{f.column_name}"' for f in (*fields, *extra))
        table = meta.table_name
        if self.postgres:
            # COPY takes no constants: the defaults travel with every row.
            self.tail = tuple(self.convert(v) for v in defaults)
            self.statement = f"COPY \"{table}\" ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        else:
            # Defaults are written into the statement once instead of bound for every row.
            self.tail = ()
            values = ", ".join(["?"] * len(fields) + [_sql_literal(v) for v in defaults])
            self.statement = f'INSERT INTO "{table}" ({names}) VALUES ({values})'
        self.sets_ids = "id" in columns
        self.rebuild = not model.select().exists()
        if self.rebuild:
            for index in meta.fields_to_index():
                self.database.execute_sql(f'DROP INDEX IF EXISTS "{index._name}"')
        self.batch: list[Sequence] = []
        self.count = 0

    def add(self, row: Sequence) -> None:
        if self.slow:
            row = list(row)
            for i in self.slow:
                row[i] = self.convert(row[i])
        if self.tail:
            row = (*row, *self.tail)
        self.batch.append(row)
        if len(self.batch) >= self.chunk:
            self.flush()

    def extend(self, rows: Sequence[Sequence]) -> None:
        """Adds rows the caller made ready (see ``ready``); written at once."""
        if self.slow or self.tail:
            for row in rows:
                self.add(row)
            return
        self.batch.extend(rows)
        if len(self.batch) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        if self.parent is not None:
            self.parent.flush()
        batch, self.batch = self.batch, []
        self.count += len(batch)
        if self.postgres:
            buffer = io.StringIO()
            # NULL travels as an unquoted \N, so an empty string stays an empty string.
            csv.writer(buffer, lineterminator="\n").writerows(
                [["\\N" if value is None else value for value in row] for row in batch])
            buffer.seek(0)
            self.connection.cursor().copy_expert(self.statement, buffer)
        else:
            self.connection.executemany(self.statement, batch)

    def close(self) -> int:
        """Writes what is left, rebuilds indexes; returns the number of rows written."""
        self.flush()
        if self.rebuild:
            self.model._schema.create_indexes(safe=True)  # type: ignore[attr-defined]  # set by the metaclass
        if self.postgres and self.sets_ids:  # ids given by hand (the demo): move the sequence past them, never back
            table = self.model._meta.table_name
            sequence = self.database.execute_sql(f"SELECT pg_get_serial_sequence('\"{table}\"', 'id')").fetchone()[0]
            self.database.execute_sql(
                f"SELECT setval('{sequence}', m) FROM (SELECT MAX(id) AS m FROM \"{table}\") AS x "
                f"WHERE m > (SELECT last_value FROM {sequence})")
        return self.count


def bulk_insert(model: type[pw.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Writes ``rows`` (values in the order of ``columns``) with a ``BulkWriter``."""
    writer = BulkWriter(model, columns)
    for row in rows:
        writer.add(row)
    return writer.close()


def _sql_literal(value) -> str:
    """A default value written into an INSERT statement (text, number, boolean or NULL)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(_sqlite_value(value)).replace("'", "''") + "'"


def _sqlite_value(value):
    if type(value) is str:
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat(" ", "seconds")  # what strftime("%Y-%m-%d %H:%M:%S") gives, ten times faster
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _pg_value(value):
    """A value for COPY csv: None stays NULL, booleans as words, dates as ISO text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _sqlite_value(value)
