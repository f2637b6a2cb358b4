"""Counts kept beside the raw tables so that the weekly and yearly reports do not scan millions of
visits, over the live (not deleted) visits:

- ``diagnosis_day``: new cases per day and ICD-10 code (SKDR's week and its eight weeks of history);
- ``diagnosis_month``: diagnoses per month, code, sex, age (years; days under one year) and kasus
  baru/lama (LB1 of whole months, with whatever age bands Pengaturan sets);
- ``diagnosis_year``: the same per calendar year (the yearly LB1);
- ``visit_day``: visits per day, poli, payment, kunjungan baru/lama and sex (the Beranda's today,
  this month against last year's, and the 12-month trend);
- ``visit_area``: visits per day, the patient's kelurahan, payment and kunjungan baru/lama (the
  access-gap report: visits and people reached per 1,000 inhabitants, the PBI share).

Narrow tables rather than one table of every dimension: with the day, the code, the age band, the
sex, the kasus, the poli, the payment and the kelurahan together nearly every diagnosis is a row
of its own, and the reports would read as much as the raw tables.

The database keeps them itself, with triggers on ``visit`` and ``visit_diagnosis`` generated from
one description per table: every write, whatever path it comes by (a form, an import, a merge, a
correction that moves a visit to another day, a birth date corrected, a deletion, raw SQL),
changes the counts in its own transaction. ``rebuild`` makes them again from the raw tables (the
migration does, and ``kupang-desk totals rebuild``); tests compare them with a GROUP BY after
every kind of write.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from kupang_desk.models.base import BaseModel


class DiagnosisDay(BaseModel):
    """New cases of one ICD-10 code on one day."""

    day = pw.DateField()
    icd10_code = pw.CharField(max_length=10)
    new_cases = pw.IntegerField(default=0)

    class Meta:
        table_name = "diagnosis_day"
        primary_key = pw.CompositeKey("day", "icd10_code")


class DiagnosisMonth(BaseModel):
    """Diagnoses of one code in one month, by sex, age and kasus baru/lama."""

    month = pw.CharField(max_length=7)  # 2026-10
    icd10_code = pw.CharField(max_length=10)
    sex = pw.CharField(max_length=1)
    age_years = pw.IntegerField()
    age_days = pw.IntegerField()  # under one year; -1 above
    is_new_case = pw.BooleanField()
    cases = pw.IntegerField(default=0)

    class Meta:
        table_name = "diagnosis_month"
        primary_key = pw.CompositeKey("month", "icd10_code", "sex", "age_years", "age_days", "is_new_case")


class DiagnosisYear(BaseModel):
    """Diagnoses of one code in one calendar year, by sex, age and kasus baru/lama: the yearly LB1
    reads a third of the rows twelve months of ``diagnosis_month`` hold.

    Its columns are written out rather than inherited from ``DiagnosisMonth``'s: Peewee puts inherited
    columns first, and SQLite 3.40's integrity check then reports the WITHOUT ROWID table's count as
    NULL ("NULL value in diagnosis_year.cases"), so every backup would be refused as damaged."""

    year = pw.CharField(max_length=4)  # 2026
    icd10_code = pw.CharField(max_length=10)
    sex = pw.CharField(max_length=1)
    age_years = pw.IntegerField()
    age_days = pw.IntegerField()  # under one year; -1 above
    is_new_case = pw.BooleanField()
    cases = pw.IntegerField(default=0)

    class Meta:
        table_name = "diagnosis_year"
        primary_key = pw.CompositeKey("year", "icd10_code", "sex", "age_years", "age_days", "is_new_case")


class VisitDay(BaseModel):
    """Visits on one day at one poli, by payment, kunjungan baru/lama and sex."""

    day = pw.DateField()
    poli_id = pw.IntegerField()
    payment_type_id = pw.IntegerField()
    is_new_visit = pw.BooleanField()
    sex = pw.CharField(max_length=1)
    visits = pw.IntegerField(default=0)

    class Meta:
        table_name = "visit_day"
        primary_key = pw.CompositeKey("day", "poli_id", "payment_type_id", "is_new_visit", "sex")


class VisitArea(BaseModel):
    """Visits on one day from one kelurahan (the patient's address; "" without one), by payment and
    kunjungan baru/lama."""

    day = pw.DateField()
    kelurahan_code = pw.CharField(max_length=13)
    payment_type_id = pw.IntegerField()
    is_new_visit = pw.BooleanField()
    visits = pw.IntegerField(default=0)

    class Meta:
        table_name = "visit_area"
        primary_key = pw.CompositeKey("day", "kelurahan_code", "payment_type_id", "is_new_visit")


class _KeptTable:
    """What every kept table shares: its columns from the visit row (``{v}``, per engine), the count
    column, the test of a visit update that moves it, the check and the rebuild."""

    model: type[BaseModel]
    visit_columns: tuple[tuple[str, str, str], ...]  # column, SQLite expression, PostgreSQL expression
    count: str

    @property
    def table(self) -> str:
        return self.model._meta.table_name

    def columns(self) -> str:
        raise NotImplementedError

    def from_visits(self, postgres: bool, since: int | None = None, grouped: bool = True) -> str:
        """The counts as a GROUP BY over the raw tables: what the table must hold (of the visits
        from id ``since`` up, when given); not ``grouped``, a row with a count of 1 for each."""
        raise NotImplementedError

    @property
    def insert_trigger(self) -> str:
        """The SQLite trigger that counts a new row (a visit, or a diagnosis of a visit)."""
        raise NotImplementedError

    def add_loaded(self, since: int) -> str:
        """The visits loaded from id ``since`` up (with their diagnoses) added to the counts in one
        statement: what the insert trigger would have done row by row (SQLite). Each row is added to
        its count as it comes, without a GROUP BY: sorting 66,000 diagnoses into their groups first
        cost a fifth more than the upserts it saves (benchmarks/imports.py)."""
        return (f"INSERT INTO {self.table} ({self.columns()}, {self.count}) {self.from_visits(False, since, grouped=False)} "
                f"{self.merged()}")

    def merged(self) -> str:
        """The end of an insert of counts that adds each to the row already there (or makes it)."""
        return f"ON CONFLICT ({self.columns()}) DO UPDATE SET {self.count} = {self.table}.{self.count} + EXCLUDED.{self.count}"

    def of_visit(self, row: str, postgres: bool) -> str:
        return ", ".join((pg if postgres else lite).format(v=row) for _name, lite, pg in self.visit_columns)

    def visit_changed(self, postgres: bool) -> str:
        """Whether an update of a visit moves it (or its diagnoses) in this table."""
        same = [f"({(pg if postgres else lite).format(v='OLD')}) IS NOT DISTINCT FROM ({(pg if postgres else lite).format(v='NEW')})"
                if postgres else f"({lite.format(v='old')}) IS ({lite.format(v='new')})"
                for _name, lite, pg in self.visit_columns]
        alive = "(OLD.deleted_at IS NULL) = (NEW.deleted_at IS NULL)" if postgres else \
            "(old.deleted_at IS NULL) = (new.deleted_at IS NULL)"
        return f"NOT ({' AND '.join([*same, alive])})"

    def held(self) -> str:
        return f"SELECT {self.columns()}, {self.count} FROM {self.table} WHERE {self.count} <> 0"

    def rebuild(self, postgres: bool) -> list[str]:
        return [f"DELETE FROM {self.table}",
                f"INSERT INTO {self.table} ({self.columns()}, {self.count}) {self.from_visits(postgres)}"]


@dataclass(frozen=True)
class Kept(_KeptTable):
    """A kept table of diagnoses: its columns from the visit and from the diagnosis (``{d}``), which
    diagnoses it counts, and the count column."""

    model: type[BaseModel]
    visit_columns: tuple[tuple[str, str, str], ...]
    diagnosis_columns: tuple[tuple[str, str], ...]  # column, expression (both engines)
    counted: str  # which diagnoses, in terms of {d}
    count: str

    def columns(self) -> str:
        return ", ".join([name for name, *_rest in self.visit_columns] + [name for name, _e in self.diagnosis_columns])

    def of_diagnosis(self, row: str) -> str:
        return ", ".join(expression.format(d=row) for _name, expression in self.diagnosis_columns)

    # ------------------------------------------------------------------ the statements

    def add_diagnosis(self, row: str, postgres: bool) -> str:
        return (f"INSERT INTO {self.table} ({self.columns()}, {self.count}) "
                f"SELECT {self.of_visit('v', postgres)}, {self.of_diagnosis(row)}, 1 FROM visit v "
                f"WHERE v.id = {row}.visit_id AND v.deleted_at IS NULL AND {self.counted.format(d=row)} "
                f"ON CONFLICT ({self.columns()}) DO UPDATE SET {self.count} = {self.table}.{self.count} + 1")

    def remove_diagnosis(self, row: str, postgres: bool) -> str:
        return (f"UPDATE {self.table} SET {self.count} = {self.count} - 1 WHERE {self.counted.format(d=row)} "
                f"AND ({self.columns()}) = (SELECT {self.of_visit('v', postgres)}, {self.of_diagnosis(row)} "
                f"FROM visit v WHERE v.id = {row}.visit_id AND v.deleted_at IS NULL)")

    def remove_visit(self, row: str, postgres: bool) -> str:
        names = ", ".join(name for name, _e in self.diagnosis_columns)
        match = " AND ".join(f"{expression.format(d='d')} = {self.table}.{name}" for name, expression in self.diagnosis_columns)
        visit_match = " AND ".join(f"{name} = {(pg if postgres else lite).format(v=row)}"
                                   for name, lite, pg in self.visit_columns)
        return (f"UPDATE {self.table} SET {self.count} = {self.count} - (SELECT COUNT(*) FROM visit_diagnosis d "
                f"WHERE d.visit_id = {row}.id AND {self.counted.format(d='d')} AND {match}) "
                f"WHERE {row}.deleted_at IS NULL AND {visit_match} AND ({names}) IN "
                f"(SELECT {self.of_diagnosis('d')} FROM visit_diagnosis d WHERE d.visit_id = {row}.id "
                f"AND {self.counted.format(d='d')})")

    def add_visit(self, row: str, postgres: bool) -> str:
        return (f"INSERT INTO {self.table} ({self.columns()}, {self.count}) "
                f"SELECT {self.of_visit(row, postgres)}, {self.of_diagnosis('d')}, COUNT(*) FROM visit_diagnosis d "
                f"WHERE {row}.deleted_at IS NULL AND d.visit_id = {row}.id AND {self.counted.format(d='d')} "
                f"GROUP BY {self.of_diagnosis('d')} {self.merged()}")

    def from_visits(self, postgres: bool, since: int | None = None, grouped: bool = True) -> str:
        loaded = f"AND d.visit_id >= {int(since)} " if since is not None else ""
        columns = f"{self.of_visit('v', postgres)}, {self.of_diagnosis('d')}"
        return (f"SELECT {columns}, {'COUNT(*)' if grouped else '1'} FROM visit_diagnosis d JOIN visit v ON v.id = d.visit_id "
                f"WHERE v.deleted_at IS NULL AND {self.counted.format(d='d')} {loaded}"
                + (f"GROUP BY {columns}" if grouped else ""))

    @property
    def insert_trigger(self) -> str:
        return f"{self.table}_diagnosis_insert"

    def sqlite_triggers(self) -> list[str]:
        t = self.table
        return [
            f"CREATE TRIGGER IF NOT EXISTS {self.insert_trigger} AFTER INSERT ON visit_diagnosis BEGIN "
            f"{self.add_diagnosis('new', False)}; END",
            f"CREATE TRIGGER IF NOT EXISTS {t}_diagnosis_delete AFTER DELETE ON visit_diagnosis BEGIN "
            f"{self.remove_diagnosis('old', False)}; END",
            f"CREATE TRIGGER IF NOT EXISTS {t}_diagnosis_update AFTER UPDATE OF visit_id, icd10_code, is_new_case "
            f"ON visit_diagnosis BEGIN {self.remove_diagnosis('old', False)}; {self.add_diagnosis('new', False)}; END",
            # A visit moved to another day, deleted or brought back, its sex or age corrected: its
            # diagnoses leave the old row and join the new one.
            f"CREATE TRIGGER IF NOT EXISTS {t}_visit_update AFTER UPDATE ON visit WHEN {self.visit_changed(False)} "
            f"BEGIN {self.remove_visit('old', False)}; {self.add_visit('new', False)}; END",
            # A visit removed outright (the app keeps deleted visits; a repair script might not).
            f"CREATE TRIGGER IF NOT EXISTS {t}_visit_delete BEFORE DELETE ON visit BEGIN "
            f"{self.remove_visit('old', False)}; END",
        ]

    def postgres_function(self) -> str:
        return f"""CREATE OR REPLACE FUNCTION {self.table}_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'visit_diagnosis' THEN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN {self.remove_diagnosis('OLD', True)}; END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN {self.add_diagnosis('NEW', True)}; END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NOT ({self.visit_changed(True)}) THEN RETURN NULL; END IF;
    {self.remove_visit('OLD', True)};
    IF TG_OP = 'UPDATE' THEN {self.add_visit('NEW', True)}; END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NULL;
END $$"""

    def postgres_triggers(self) -> list[tuple[str, str]]:
        return [("diagnosis", "AFTER INSERT OR DELETE OR UPDATE OF visit_id, icd10_code, is_new_case ON visit_diagnosis"),
                ("visit_update", "AFTER UPDATE ON visit"), ("visit_delete", "BEFORE DELETE ON visit")]


@dataclass(frozen=True)
class KeptVisits(_KeptTable):
    """A kept table of visits (not diagnoses): its columns from the visit row and, where
    ``patient_column`` is named, from the visit's patient (whose change then moves every live visit
    of that patient: an address corrected moves their visits to the new kelurahan)."""

    model: type[BaseModel]
    visit_columns: tuple[tuple[str, str, str], ...]
    count: str
    patient_column: str = ""

    def columns(self) -> str:
        return ", ".join(name for name, *_rest in self.visit_columns)

    def add(self, row: str, postgres: bool) -> str:
        return (f"INSERT INTO {self.table} ({self.columns()}, {self.count}) SELECT {self.of_visit(row, postgres)}, 1 "
                f"WHERE {row}.deleted_at IS NULL "
                f"ON CONFLICT ({self.columns()}) DO UPDATE SET {self.count} = {self.table}.{self.count} + 1")

    def remove(self, row: str, postgres: bool) -> str:
        return (f"UPDATE {self.table} SET {self.count} = {self.count} - 1 WHERE {row}.deleted_at IS NULL "
                f"AND ({self.columns()}) = ({self.of_visit(row, postgres)})")

    def from_visits(self, postgres: bool, since: int | None = None, grouped: bool = True) -> str:
        loaded = f"AND v.id >= {int(since)} " if since is not None else ""
        columns, source = self.of_visit("v", postgres), "visit v"
        if self.patient_column:  # the patient's column by a join: read once a visit, not by a subquery at each use
            columns = ", ".join(f"COALESCE(p.{name}, '')" if name == self.patient_column else (pg if postgres else lite).format(v="v")
                                for name, lite, pg in self.visit_columns)
            source = "visit v LEFT JOIN patient p ON p.id = v.patient_id"
        return (f"SELECT {columns}, {'COUNT(*)' if grouped else '1'} FROM {source} WHERE v.deleted_at IS NULL {loaded}"
                + (f"GROUP BY {columns}" if grouped else ""))

    @property
    def insert_trigger(self) -> str:
        return f"{self.table}_insert"

    def patient_moved(self, postgres: bool) -> list[str]:
        """A patient's column changed: their live visits leave the rows of the old value and join
        those of the new (the column's expression reads the patient, already changed, so the old and
        new values are taken from the trigger's rows)."""
        old, new = ("OLD", "NEW") if postgres else ("old", "new")
        column = self.patient_column
        exprs = [(name, (pg if postgres else lite).format(v="v")) for name, lite, pg in self.visit_columns]
        others = [(name, expr) for name, expr in exprs if name != column]
        match = " AND ".join(f"{expr} = {self.table}.{name}" for name, expr in others)
        live = "v.deleted_at IS NULL"
        remove = (f"UPDATE {self.table} SET {self.count} = {self.count} - (SELECT COUNT(*) FROM visit v "
                  f"WHERE v.patient_id = {old}.id AND {live} AND {match}) "
                  f"WHERE {column} = COALESCE({old}.{column}, '') AND ({', '.join(n for n, _e in others)}) IN "
                  f"(SELECT {', '.join(e for _n, e in others)} FROM visit v WHERE v.patient_id = {old}.id AND {live})")
        values = ", ".join(f"COALESCE({new}.{column}, '')" if name == column else expr for name, expr in exprs)
        add = (f"INSERT INTO {self.table} ({self.columns()}, {self.count}) SELECT {values}, COUNT(*) FROM visit v "
               f"WHERE v.patient_id = {new}.id AND {live} GROUP BY {', '.join(e for _n, e in others)} {self.merged()}")
        return [remove, add]

    def sqlite_triggers(self) -> list[str]:
        t = self.table
        triggers = [
            f"CREATE TRIGGER IF NOT EXISTS {self.insert_trigger} AFTER INSERT ON visit BEGIN {self.add('new', False)}; END",
            f"CREATE TRIGGER IF NOT EXISTS {t}_update AFTER UPDATE ON visit WHEN {self.visit_changed(False)} "
            f"BEGIN {self.remove('old', False)}; {self.add('new', False)}; END",
            f"CREATE TRIGGER IF NOT EXISTS {t}_delete BEFORE DELETE ON visit BEGIN {self.remove('old', False)}; END",
        ]
        if self.patient_column:
            column = self.patient_column
            triggers.append(
                f"CREATE TRIGGER IF NOT EXISTS {t}_patient AFTER UPDATE OF {column} ON patient "
                f"WHEN old.{column} IS NOT new.{column} BEGIN {'; '.join(self.patient_moved(False))}; END")
        return triggers

    def postgres_function(self) -> str:
        moved = ""
        if self.patient_column:
            column = self.patient_column
            moved = f"""IF TG_TABLE_NAME = 'patient' THEN
        IF OLD.{column} IS NOT DISTINCT FROM NEW.{column} THEN RETURN NULL; END IF;
        {'; '.join(self.patient_moved(True))};
        RETURN NULL;
    END IF;
    """
        return f"""CREATE OR REPLACE FUNCTION {self.table}_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {moved}IF TG_OP = 'UPDATE' AND NOT ({self.visit_changed(True)}) THEN RETURN NULL; END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN {self.remove('OLD', True)}; END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN {self.add('NEW', True)}; END IF;
    RETURN NULL;
END $$"""

    def postgres_triggers(self) -> list[tuple[str, str]]:
        triggers = [("visit", "AFTER INSERT OR UPDATE OR DELETE ON visit")]
        if self.patient_column:
            triggers.append(("patient", f"AFTER UPDATE OF {self.patient_column} ON patient"))
        return triggers


# The visit's sex and age, and the diagnosis's code and kasus, as the per-month and per-year counts keep them.
_SEX_AGE = (("sex", "{v}.sex", "{v}.sex"), ("age_years", "{v}.age_years", "{v}.age_years"),
            ("age_days", "CASE WHEN {v}.age_years = 0 THEN {v}.age_days ELSE -1 END",
             "CASE WHEN {v}.age_years = 0 THEN {v}.age_days ELSE -1 END"))
_CODE_KASUS = (("icd10_code", "{d}.icd10_code"), ("is_new_case", "{d}.is_new_case"))

KEPT: tuple[Kept | KeptVisits, ...] = (
    Kept(DiagnosisDay, (("day", "substr({v}.visit_at, 1, 10)", "{v}.visit_at::date"),),
         (("icd10_code", "{d}.icd10_code"),), "{d}.is_new_case", "new_cases"),
    Kept(DiagnosisMonth, (("month", "substr({v}.visit_at, 1, 7)", "to_char({v}.visit_at, 'YYYY-MM')"), *_SEX_AGE),
         _CODE_KASUS, "1 = 1", "cases"),
    Kept(DiagnosisYear, (("year", "substr({v}.visit_at, 1, 4)", "to_char({v}.visit_at, 'YYYY')"), *_SEX_AGE),
         _CODE_KASUS, "1 = 1", "cases"),
    KeptVisits(VisitDay, (("day", "substr({v}.visit_at, 1, 10)", "{v}.visit_at::date"),
                          ("poli_id", "{v}.poli_id", "{v}.poli_id"),
                          ("payment_type_id", "{v}.payment_type_id", "{v}.payment_type_id"),
                          ("is_new_visit", "{v}.is_new_visit", "{v}.is_new_visit"), ("sex", "{v}.sex", "{v}.sex")),
               "visits"),
    KeptVisits(VisitArea, (("day", "substr({v}.visit_at, 1, 10)", "{v}.visit_at::date"),
                           ("kelurahan_code", "COALESCE((SELECT p.kelurahan_code FROM patient p WHERE p.id = {v}.patient_id), '')",
                            "COALESCE((SELECT p.kelurahan_code FROM patient p WHERE p.id = {v}.patient_id), '')"),
                           ("payment_type_id", "{v}.payment_type_id", "{v}.payment_type_id"),
                           ("is_new_visit", "{v}.is_new_visit", "{v}.is_new_visit")),
               "visits", patient_column="kelurahan_code"),
)
MODELS = [kept.model for kept in KEPT]
TABLE = DiagnosisDay._meta.table_name  # the first, for the tools that name one


def create_tables(database: pw.Database, models: list[type[BaseModel]] | None = None) -> None:
    """The kept tables; on SQLite WITHOUT ROWID, so that a year's rows are read in key order from
    the table itself (a third faster than through the primary-key index)."""
    for model in models or MODELS:
        model._meta.without_rowid = not isinstance(database, pw.PostgresqlDatabase)
    database.create_tables(models or MODELS)


def install(database: pw.Database) -> None:
    """Creates the triggers that keep the counts (idempotent); ``rebuild`` fills the tables."""
    postgres = isinstance(database, pw.PostgresqlDatabase)
    for kept in KEPT:
        if not postgres:
            for statement in kept.sqlite_triggers():
                database.execute_sql(statement)
            continue
        database.execute_sql(kept.postgres_function())
        for name, event in kept.postgres_triggers():
            table = event.rsplit(" ON ", 1)[1]
            database.execute_sql(f"DROP TRIGGER IF EXISTS {kept.table}_{name} ON {table}")
            database.execute_sql(f"CREATE TRIGGER {kept.table}_{name} {event} FOR EACH ROW "
                                 f"EXECUTE FUNCTION {kept.table}_count()")


def rebuild(database: pw.Database, models: list[type[BaseModel]] | None = None) -> int:
    """The counts made again from the raw tables, inside the caller's transaction; returns the rows."""
    postgres = isinstance(database, pw.PostgresqlDatabase)
    for kept in KEPT:
        if models is not None and kept.model not in models:
            continue
        for statement in kept.rebuild(postgres):
            database.execute_sql(statement)
    return sum(kept.model.select().count() for kept in KEPT)
