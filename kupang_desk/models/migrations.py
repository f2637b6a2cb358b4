"""Schema version and migrations: a backup first, each step in one transaction.

A new database gets the current schema from the models in one go. An older one is
backed up, then brought forward one version at a time; each step and its version
row commit together, so a power cut leaves the database at a whole version.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import peewee as pw
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run

import kupang_desk
from kupang_desk import clock
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import (
    ALL_MODELS,
    CityFile,
    CkgResult,
    CkgStudent,
    Counter,
    LateChange,
    PatientIdentifier,
    PcareOutbox,
    PcareReferral,
    PcareVisit,
    Population,
    Pregnancy,
    Promotion,
    PromotionItem,
    QueueEntry,
    SatusehatId,
    SatusehatOutbox,
    SatusehatResource,
    Screening,
    SentFile,
    SentReport,
    Visit,
    chain,
    guards,
    search_index,
    totals,
)
from kupang_desk.models.base import BaseModel, now
from kupang_desk.models.queue import ONE_OPEN_INDEX, OPEN_SQL
from kupang_desk.names import name_key
from kupang_desk.storage import default_database_path

log = logging.getLogger(__name__)

SCHEMA_VERSION = 25


class SchemaVersion(BaseModel):
    """One row per schema version applied to this database."""

    version = pw.IntegerField(primary_key=True)
    applied_at = pw.DateTimeField(default=now)
    app_version = pw.CharField(max_length=20, default=lambda: kupang_desk.__version__)


class DatabaseTooNew(KnownError):
    """The database was written by a newer Kupang Desk: opening it could damage it."""


def current_version(database: pw.Database) -> int | None:
    """The schema version of the open database, or ``None`` when it has no version table."""
    if not database.table_exists(SchemaVersion._meta.table_name):
        return None
    with SchemaVersion.bind_ctx(database):
        return SchemaVersion.select(pw.fn.MAX(SchemaVersion.version)).scalar() or 0


def migrate(database: pw.Database, target=None) -> int:
    """Creates or upgrades the schema of ``database``; returns the version it started at (0 if new)."""
    version = current_version(database)
    if not version:  # a new database (or one whose first creation never committed)
        ours = {model._meta.table_name for model in (SchemaVersion, *ALL_MODELS)}
        strangers = set(database.get_tables()) - ours
        if strangers:
            raise KnownError(_("Database ini bukan database Kupang Desk (berisi tabel {tables}). Pilih file atau database lain.").format(
                tables=", ".join(sorted(strangers)[:5])))
        with database.bind_ctx([SchemaVersion, *ALL_MODELS]), database.atomic():
            database.create_tables([SchemaVersion, *(m for m in ALL_MODELS if m not in totals.MODELS)])
            totals.create_tables(database)
            search_index.install(database)
            guards.install(database)
            totals.install(database)
            SchemaVersion.insert(version=SCHEMA_VERSION).on_conflict_ignore().execute()
            chain.write_point(database)  # the trail starts counted and keyed
        return 0
    if version > SCHEMA_VERSION:
        raise DatabaseTooNew(_(
            "Database ini dibuat oleh Kupang Desk versi yang lebih baru (skema {found}, program ini mengenal sampai {known}). "
            "Pasang versi Kupang Desk yang terbaru; database tidak diubah."
        ).format(found=version, known=SCHEMA_VERSION))
    if version < SCHEMA_VERSION:
        backup_before_migration(database, target, version)
        migrator = SchemaMigrator.from_database(database)
        for step in range(version + 1, SCHEMA_VERSION + 1):
            log.info("Migrating schema %s -> %s", step - 1, step)
            with database.bind_ctx([SchemaVersion]), database.atomic():
                MIGRATIONS[step](database, migrator)
                SchemaVersion.create(version=step)
    return version


def backup_before_migration(database: pw.Database, target, version: int) -> Path | None:
    """Copies the database aside before its schema changes; returns the copy's path."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    if isinstance(database, pw.SqliteDatabase):
        source = Path(database.database)
        copy = source.with_name(f"{source.stem}.sebelum-migrasi-v{version}-{stamp}{source.suffix or '.sqlite'}")
        destination = sqlite3.connect(str(copy))
        try:
            database.connection().backup(destination)
        finally:
            destination.close()
        log.info("Backup before migration: %s", copy)
        return copy
    # PostgreSQL: DDL is transactional, so a failed step rolls back by itself; a dump
    # is an extra safety net where pg_dump is installed.
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None or target is None:
        log.warning("pg_dump not found: migrating PostgreSQL without a dump (steps are transactional)")
        return None

    params = target.params or {}
    copy = default_database_path().parent / f"{params.get('database')}.sebelum-migrasi-v{version}-{stamp}.dump"
    command = [pg_dump, "--format=custom", f"--file={copy}", f"--dbname={params.get('database')}"]
    for flag, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
        if params.get(key):
            command.append(f"{flag}={params[key]}")
    env = None
    if params.get("password"):
        env = {**os.environ, "PGPASSWORD": str(params["password"])}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise KnownError(_("Cadangan sebelum pembaruan database gagal dibuat, jadi database tidak diubah: {detail}").format(
            detail=result.stderr.strip()))
    return copy


def _v2_name_keys(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v2: a folded name key on patients and students for spelling-tolerant search."""
    for table in ("patient", "student"):
        run(
            migrator.add_column(table, "name_key", pw.CharField(max_length=100, default="")),
            migrator.add_index(table, ("name_key",), False),
        )
        rows = database.execute_sql(f"SELECT id, name FROM {table}").fetchall()
        for row_id, name in rows:
            database.execute_sql(
                f"UPDATE {table} SET name_key = %s WHERE id = %s".replace("%s", database.param),
                (name_key(name or ""), row_id),
            )


def _v3_puskesmas_desk(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v3: No. RM counters, former identifiers, phone index, the name search index, and the
    visit time index made partial (live visits only) for the register and reports."""
    with database.bind_ctx([Counter, PatientIdentifier]):
        database.create_tables([Counter, PatientIdentifier])
    run(migrator.add_index("patient", ("phone",), False), migrator.drop_index("visit", "visit_visit_at"))
    with database.bind_ctx([Visit]):
        Visit._schema.create_indexes(safe=True)  # type: ignore[attr-defined]  # set by the metaclass
    search_index.install(database)


def _v4_school_desk(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v4: class promotions kept for undo."""
    with database.bind_ctx([Promotion, PromotionItem]):
        database.create_tables([Promotion, PromotionItem])


def _v5_audit_keys(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v5: each event keeps its account's names as they were and the installation key that sealed
    it; the audit table refuses UPDATE and DELETE. Older events keep their unkeyed hashes (the
    first keyed event seals them by its link)."""
    run(
        migrator.add_column("audit_event", "user_name", pw.CharField(max_length=60, default="")),
        migrator.add_column("audit_event", "user_full_name", pw.CharField(max_length=100, default="")),
        migrator.add_column("audit_event", "key_id", pw.CharField(max_length=16, default="")),
    )
    guards.install(database)


def _v6_sent_reports(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v6: reports as they were sent (files, counts, revisions), visits written after, and the
    puskesmas files a Dinas receives."""
    with database.bind_ctx([SentReport, SentFile, LateChange, CityFile]):
        database.create_tables([SentReport, SentFile, LateChange, CityFile])


def _v7_satusehat(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v7: the SATUSEHAT ids of patients, poli and health workers."""
    with database.bind_ctx([SatusehatId]):
        database.create_tables([SatusehatId])


def _v8_satusehat_outbox(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v8: the SATUSEHAT outbox and the ids the service gave each visit's resources."""
    with database.bind_ctx([SatusehatOutbox, SatusehatResource]):
        database.create_tables([SatusehatOutbox, SatusehatResource])


def _v9_daily_totals(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v9: the counts kept beside the visits (per day; per month, sex and age), kept by triggers and
    made once from the visits."""
    with database.bind_ctx(totals.MODELS):
        totals.create_tables(database)
        totals.install(database)
        totals.rebuild(database)


def _v10_queue(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v10: the loket-to-poli queue and each poli's queue prefix."""
    # Plain ALTER TABLE on both engines (peewee's SQLite migrator would rebuild the table, which the
    # visits' foreign keys to it refuse).
    if "queue_prefix" not in {column.name for column in database.get_columns("poli")}:
        database.execute_sql("ALTER TABLE poli ADD COLUMN queue_prefix VARCHAR(3) NOT NULL DEFAULT ''")
    with database.bind_ctx([QueueEntry]):
        database.create_tables([QueueEntry])


def _v11_visit_totals(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v11: visits per day, poli, payment, kunjungan baru/lama and sex, kept like the v9 counts."""
    with database.bind_ctx([totals.VisitDay]):
        totals.create_tables(database, [totals.VisitDay])
        totals.install(database)
        totals.rebuild(database, [totals.VisitDay])


def _v12_access(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v12: the access gap: population per kelurahan, which payment types are BPJS PBI (those coded
    PBI..., as the shipped PBI-N and PBI-D), and visits per day and kelurahan kept like v11's."""
    if "is_pbi" not in {column.name for column in database.get_columns("payment_type")}:
        database.execute_sql("ALTER TABLE payment_type ADD COLUMN is_pbi BOOLEAN NOT NULL DEFAULT FALSE")
    database.execute_sql("UPDATE payment_type SET is_pbi = TRUE WHERE UPPER(SUBSTR(code, 1, 3)) = 'PBI'")
    with database.bind_ctx([Population, totals.VisitArea]):
        database.create_tables([Population])
        totals.create_tables(database, [totals.VisitArea])
        totals.install(database)
        totals.rebuild(database, [totals.VisitArea])


def _v13_diagnosis_year(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v13: diagnoses per calendar year, kept like v9's per month (the yearly LB1)."""
    with database.bind_ctx([totals.DiagnosisYear]):
        totals.create_tables(database, [totals.DiagnosisYear])
        totals.install(database)
        totals.rebuild(database, [totals.DiagnosisYear])


def _v14_one_open_queue_number(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v14: one open queue number per patient per poli per day, as a unique index. A patient who
    got two open numbers before it (two loket PCs at once on PostgreSQL) keeps the first; the later
    ones are closed as cancelled, with the reason in their note."""
    seen: set[tuple] = set()
    rows = database.execute_sql(f"SELECT id, day, poli_id, patient_id, label FROM queue_entry WHERE {OPEN_SQL} ORDER BY id")
    param = database.param
    for entry_id, day, poli_id, patient_id, label in rows.fetchall():
        if (day, poli_id, patient_id) in seen:
            log.warning("Queue entry %s (%s) closed: the patient had an open number already", entry_id, label)
            database.execute_sql(f"UPDATE queue_entry SET state = 'batal', note = {param} WHERE id = {param}",
                                 ("Nomor ganda: pasien sudah punya nomor terbuka di poli ini (ditutup saat pembaruan "
                                  "database v14)", entry_id))
        seen.add((day, poli_id, patient_id))
    database.execute_sql(ONE_OPEN_INDEX)


def _v15_counted_audit(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v15: each event carries a counter its seal covers, from one keyed point on (``models.chain``):
    the events before it keep their seals and are named by the point."""
    if "seq" not in {column.name for column in database.get_columns("audit_event")}:
        database.execute_sql("ALTER TABLE audit_event ADD COLUMN seq BIGINT")
    chain.write_point(database)


def _v16_mother_nik(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v16: a baby without NIK keeps its mother's, by which SATUSEHAT finds it."""
    if "mother_nik" not in {column.name for column in database.get_columns("patient")}:
        # ADD COLUMN in place on both engines (the migrator would rebuild SQLite's table under its triggers)
        database.execute_sql("ALTER TABLE patient ADD COLUMN mother_nik VARCHAR(16) NOT NULL DEFAULT ''")


def _v17_pcare(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v17: the P-Care outbox and the numbers P-Care gives each JKN visit."""
    with database.bind_ctx([PcareOutbox, PcareVisit]):
        database.create_tables([PcareOutbox, PcareVisit])


def _v18_queue_priority(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v18: the queue calls emergencies and elderly patients first (ILP)."""
    if "priority" not in {column.name for column in database.get_columns("queue_entry")}:
        database.execute_sql("ALTER TABLE queue_entry ADD COLUMN priority SMALLINT NOT NULL DEFAULT 0")


def _v19_screening(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v19: the ILP life-cycle screenings done and scheduled."""
    with database.bind_ctx([Screening]):
        database.create_tables([Screening])


def _v20_dtsen(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v20: a student's DTSEN welfare decile and its date (Inpres 4/2025)."""
    columns = {column.name for column in database.get_columns("student")}
    if "dtsen_decile" not in columns:
        database.execute_sql("ALTER TABLE student ADD COLUMN dtsen_decile SMALLINT")
    if "dtsen_date" not in columns:
        database.execute_sql("ALTER TABLE student ADD COLUMN dtsen_date DATE")


def _v21_ckg(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v21: the school health check (CKG): the rosters a puskesmas screens, the results a school gets back."""
    with database.bind_ctx([CkgStudent, CkgResult]):
        database.create_tables([CkgStudent, CkgResult])


def _v22_patient_aid(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v22: a patient's DTSEN decile and its date, the PKH, KKS and KIP cards (Inpres 4/2025), and Prolanis."""
    columns = {column.name for column in database.get_columns("patient")}
    for name, sql in (("dtsen_decile", "SMALLINT"), ("dtsen_date", "DATE"), ("pkh", "BOOLEAN NOT NULL DEFAULT FALSE"),
                      ("kks", "BOOLEAN NOT NULL DEFAULT FALSE"), ("kip", "BOOLEAN NOT NULL DEFAULT FALSE"),
                      ("prolanis", "BOOLEAN NOT NULL DEFAULT FALSE")):
        if name not in columns:  # ADD COLUMN in place on both engines (the migrator would rebuild SQLite's table)
            database.execute_sql(f"ALTER TABLE patient ADD COLUMN {name} {sql}")


def _v23_pcare_referral(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v23: a JKN visit's rujukan lanjut by P-Care's codes, with its TACC reason."""
    with database.bind_ctx([PcareReferral]):
        database.create_tables([PcareReferral])


def _v24_pregnancy(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v24: pregnancies by HPHT, for the antenatal contacts K1-K6 of ILP's PWS."""
    with database.bind_ctx([Pregnancy]):
        database.create_tables([Pregnancy])


def _v25_pws_targets(database: pw.Database, migrator: SchemaMigrator) -> None:
    """v25: a kelurahan's yearly PWS targets (sasaran ibu hamil, sasaran bayi) beside its population."""
    columns = {column.name for column in database.get_columns("population")}
    for name in ("pregnant_target", "infant_target"):
        if name not in columns:  # ADD COLUMN in place on both engines
            database.execute_sql(f"ALTER TABLE population ADD COLUMN {name} INTEGER")


MIGRATIONS: dict[int, Callable[[pw.Database, SchemaMigrator], None]] = {
    2: _v2_name_keys,
    3: _v3_puskesmas_desk,
    4: _v4_school_desk,
    5: _v5_audit_keys,
    6: _v6_sent_reports,
    7: _v7_satusehat,
    8: _v8_satusehat_outbox,
    9: _v9_daily_totals,
    10: _v10_queue,
    11: _v11_visit_totals,
    12: _v12_access,
    13: _v13_diagnosis_year,
    14: _v14_one_open_queue_number,
    15: _v15_counted_audit,
    16: _v16_mother_nik,
    17: _v17_pcare,
    18: _v18_queue_priority,
    19: _v19_screening,
    20: _v20_dtsen,
    21: _v21_ckg,
    22: _v22_patient_aid,
    23: _v23_pcare_referral,
    24: _v24_pregnancy,
    25: _v25_pws_targets,
}
