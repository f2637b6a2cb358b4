"""Counts kept beside the raw tables so that the weekly and yearly reports do not scan millions of
visits: the new cases per day and ICD-10 code of the live visits (SKDR's week and its eight weeks
of history read them).

The database keeps them itself, with triggers on ``visit`` and ``visit_diagnosis``: every write,
whatever path it comes by (a form, an import, a merge, a correction that moves a visit to another
day, a deletion, raw SQL), changes the counts in its own transaction. ``rebuild`` makes them again
from the raw tables (a migration does, and ``kupang-desk totals rebuild``); a test compares them
with a GROUP BY after every kind of write.
"""

from __future__ import annotations

import peewee as pw

from kupang_desk.models.base import BaseModel

TABLE = "diagnosis_day"


class DiagnosisDay(BaseModel):
    """New cases of one ICD-10 code on one day, over the live (not deleted) visits."""

    day = pw.DateField()
    icd10_code = pw.CharField(max_length=10)
    new_cases = pw.IntegerField(default=0)

    class Meta:
        table_name = TABLE
        primary_key = pw.CompositeKey("day", "icd10_code")


# SQLite: a visit's day is the first ten characters of its ISO timestamp.
_SQLITE = (
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_diagnosis_insert AFTER INSERT ON visit_diagnosis WHEN new.is_new_case
    BEGIN
        INSERT INTO {TABLE} (day, icd10_code, new_cases)
        SELECT substr(v.visit_at, 1, 10), new.icd10_code, 1 FROM visit v WHERE v.id = new.visit_id AND v.deleted_at IS NULL
        ON CONFLICT (day, icd10_code) DO UPDATE SET new_cases = new_cases + 1;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_diagnosis_delete AFTER DELETE ON visit_diagnosis WHEN old.is_new_case
    BEGIN
        UPDATE {TABLE} SET new_cases = new_cases - 1 WHERE icd10_code = old.icd10_code AND day =
            (SELECT substr(v.visit_at, 1, 10) FROM visit v WHERE v.id = old.visit_id AND v.deleted_at IS NULL);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_diagnosis_update AFTER UPDATE OF visit_id, icd10_code, is_new_case
    ON visit_diagnosis WHEN old.is_new_case OR new.is_new_case
    BEGIN
        UPDATE {TABLE} SET new_cases = new_cases - 1 WHERE old.is_new_case AND icd10_code = old.icd10_code AND day =
            (SELECT substr(v.visit_at, 1, 10) FROM visit v WHERE v.id = old.visit_id AND v.deleted_at IS NULL);
        INSERT INTO {TABLE} (day, icd10_code, new_cases)
        SELECT substr(v.visit_at, 1, 10), new.icd10_code, 1 FROM visit v
        WHERE new.is_new_case AND v.id = new.visit_id AND v.deleted_at IS NULL
        ON CONFLICT (day, icd10_code) DO UPDATE SET new_cases = new_cases + 1;
    END""",
    # A visit moved to another day, deleted or brought back: its new cases leave the old day and
    # join the new one.
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_visit_update AFTER UPDATE OF visit_at, deleted_at ON visit
    WHEN substr(old.visit_at, 1, 10) IS NOT substr(new.visit_at, 1, 10)
      OR (old.deleted_at IS NULL) IS NOT (new.deleted_at IS NULL)
    BEGIN
        UPDATE {TABLE} SET new_cases = new_cases - (
            SELECT COUNT(*) FROM visit_diagnosis d WHERE d.visit_id = old.id AND d.is_new_case
            AND d.icd10_code = {TABLE}.icd10_code)
        WHERE old.deleted_at IS NULL AND day = substr(old.visit_at, 1, 10)
          AND icd10_code IN (SELECT icd10_code FROM visit_diagnosis WHERE visit_id = old.id AND is_new_case);
        INSERT INTO {TABLE} (day, icd10_code, new_cases)
        SELECT substr(new.visit_at, 1, 10), d.icd10_code, COUNT(*) FROM visit_diagnosis d
        WHERE new.deleted_at IS NULL AND d.visit_id = new.id AND d.is_new_case GROUP BY d.icd10_code
        ON CONFLICT (day, icd10_code) DO UPDATE SET new_cases = new_cases + excluded.new_cases;
    END""",
    # A visit removed outright (never by the app, which keeps deleted visits): its cases first.
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_visit_delete BEFORE DELETE ON visit WHEN old.deleted_at IS NULL
    BEGIN
        UPDATE {TABLE} SET new_cases = new_cases - (
            SELECT COUNT(*) FROM visit_diagnosis d WHERE d.visit_id = old.id AND d.is_new_case
            AND d.icd10_code = {TABLE}.icd10_code)
        WHERE day = substr(old.visit_at, 1, 10)
          AND icd10_code IN (SELECT icd10_code FROM visit_diagnosis WHERE visit_id = old.id AND is_new_case);
    END""",
)

_POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TABLE}_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    visit_day date;
BEGIN
    IF TG_TABLE_NAME = 'visit_diagnosis' THEN
        IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.is_new_case THEN
            SELECT v.visit_at::date INTO visit_day FROM visit v WHERE v.id = OLD.visit_id AND v.deleted_at IS NULL;
            IF FOUND THEN
                UPDATE {TABLE} SET new_cases = new_cases - 1 WHERE day = visit_day AND icd10_code = OLD.icd10_code;
            END IF;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.is_new_case THEN
            SELECT v.visit_at::date INTO visit_day FROM visit v WHERE v.id = NEW.visit_id AND v.deleted_at IS NULL;
            IF FOUND THEN
                INSERT INTO {TABLE} (day, icd10_code, new_cases) VALUES (visit_day, NEW.icd10_code, 1)
                ON CONFLICT (day, icd10_code) DO UPDATE SET new_cases = {TABLE}.new_cases + 1;
            END IF;
        END IF;
        RETURN NULL;
    END IF;
    -- visit: a day changed, a deletion, a visit brought back, or a visit removed outright
    IF TG_OP = 'UPDATE' AND OLD.visit_at::date = NEW.visit_at::date
       AND (OLD.deleted_at IS NULL) = (NEW.deleted_at IS NULL) THEN
        RETURN NULL;
    END IF;
    IF OLD.deleted_at IS NULL THEN
        UPDATE {TABLE} t SET new_cases = t.new_cases - c.n
        FROM (SELECT icd10_code, COUNT(*) AS n FROM visit_diagnosis WHERE visit_id = OLD.id AND is_new_case
              GROUP BY icd10_code) c
        WHERE t.day = OLD.visit_at::date AND t.icd10_code = c.icd10_code;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.deleted_at IS NULL THEN
        INSERT INTO {TABLE} (day, icd10_code, new_cases)
        SELECT NEW.visit_at::date, icd10_code, COUNT(*) FROM visit_diagnosis WHERE visit_id = NEW.id AND is_new_case
        GROUP BY icd10_code
        ON CONFLICT (day, icd10_code) DO UPDATE SET new_cases = {TABLE}.new_cases + EXCLUDED.new_cases;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NULL;
END $$"""

_POSTGRES_TRIGGERS = (
    ("diagnosis", "AFTER INSERT OR DELETE OR UPDATE OF visit_id, icd10_code, is_new_case ON visit_diagnosis"),
    ("visit_update", "AFTER UPDATE OF visit_at, deleted_at ON visit"),
    ("visit_delete", "BEFORE DELETE ON visit"),
)


def install(database: pw.Database) -> None:
    """Creates the triggers that keep the counts (idempotent); ``rebuild`` fills the table."""
    if isinstance(database, pw.PostgresqlDatabase):
        database.execute_sql(_POSTGRES_FUNCTION)
        for name, event in _POSTGRES_TRIGGERS:
            table = event.rsplit(" ON ", 1)[1]
            database.execute_sql(f"DROP TRIGGER IF EXISTS {TABLE}_{name} ON {table}")
            database.execute_sql(f"CREATE TRIGGER {TABLE}_{name} {event} FOR EACH ROW EXECUTE FUNCTION {TABLE}_count()")
        return
    for statement in _SQLITE:
        database.execute_sql(statement)


def rebuild(database: pw.Database) -> int:
    """The counts made again from the raw tables, inside the caller's transaction; returns the rows."""
    day = "v.visit_at::date" if isinstance(database, pw.PostgresqlDatabase) else "substr(v.visit_at, 1, 10)"
    database.execute_sql(f"DELETE FROM {TABLE}")
    database.execute_sql(
        f"INSERT INTO {TABLE} (day, icd10_code, new_cases) SELECT {day}, d.icd10_code, COUNT(*) "
        "FROM visit_diagnosis d JOIN visit v ON v.id = d.visit_id WHERE d.is_new_case AND v.deleted_at IS NULL "
        f"GROUP BY {day}, d.icd10_code")
    return DiagnosisDay.select().count()
