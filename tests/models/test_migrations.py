"""Schema versions: old databases are backed up and brought forward; newer ones refused."""

from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run

from kupang_desk.errors import KnownError
from kupang_desk.models import Patient, PaymentType, Poli, Student, db, guards, search_index, totals
from kupang_desk.models import database as database_module
from kupang_desk.models.migrations import (
    SCHEMA_VERSION,
    DatabaseTooNew,
    SchemaVersion,
    current_version,
)


def _make_version_1(url: str) -> None:
    """Turns a fresh database into what Kupang Desk schema 1 made: no name keys, version 1."""
    database_module.connect(url)
    migrator = SchemaMigrator.from_database(db.obj)
    with db.atomic():
        # Undo v12, v11, v10 and v9: population and the PBI mark; the queue prefix of each poli; the
        # kept counts (tables and triggers).
        db.execute_sql("DROP TABLE population")
        db.execute_sql("ALTER TABLE payment_type DROP COLUMN is_pbi")
        db.execute_sql("ALTER TABLE poli DROP COLUMN queue_prefix")
        db.execute_sql("DROP TABLE queue_entry")
        for kept in totals.KEPT:
            if search_index.is_postgres(db.obj):
                for name, event in kept.postgres_triggers():
                    db.execute_sql(f"DROP TRIGGER {kept.table}_{name} ON {event.rsplit(' ON ', 1)[1]}")
            else:
                for (name,) in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
                                              (f"{kept.table}_%",)).fetchall():
                    db.execute_sql(f"DROP TRIGGER {name}")
            db.execute_sql(f"DROP TABLE {kept.table}")
        # Undo v22: the family's DTSEN decile and aid cards.
        for column in ("dtsen_decile", "dtsen_date", "pkh", "kks", "kip", "prolanis"):
            run(migrator.drop_column("patient", column))
        # Undo v16: the mother's NIK of a baby without one.
        run(migrator.drop_column("patient", "mother_nik"))
        # Undo v15 and v5: the audit table's guard, its counter and sealing columns, and the keyed
        # events (a schema 1 database has unkeyed ones only).
        for name in guards.TRIGGERS:
            db.execute_sql(f"DROP TRIGGER {name}" + (" ON audit_event" if search_index.is_postgres(db.obj) else ""))
        db.execute_sql("DELETE FROM audit_event")
        for column in ("seq", "user_name", "user_full_name", "key_id"):
            run(migrator.drop_column("audit_event", column))
        # Undo v3: counters, former identifiers, phone index, name search index.
        db.execute_sql("DROP TABLE counter")
        db.execute_sql("DROP TABLE patient_identifier")
        run(migrator.drop_index("patient", "patient_phone"),
            migrator.drop_index("visit", "visit_live_visit_at"),
            migrator.drop_index("visit", "visit_deleted"),
            migrator.add_index("visit", ("visit_at",), False))
        if search_index.is_postgres(db.obj):
            db.execute_sql(f"DROP INDEX {search_index.PG_INDEX}")
        else:
            for suffix in ("insert", "delete", "update"):
                db.execute_sql(f"DROP TRIGGER {search_index.FTS_TABLE}_{suffix}")
            db.execute_sql(f"DROP TABLE {search_index.FTS_TABLE}")
        # Undo v2: name keys.
        for table in ("patient", "student"):
            run(migrator.drop_index(table, f"{table}_name_key"), migrator.drop_column(table, "name_key"))
        SchemaVersion.delete().execute()
        SchemaVersion.create(version=1)
        # Rows written by the old program, with its columns only.
        db.execute_sql(
            "INSERT INTO patient (no_rm, nik, kk_number, bpjs_number, name, sex, birth_place, birth_date, mother_name, "
            "religion, occupation, education, marital_status, phone, address, rt, rw, no_nik_reason, deleted_reason, "
            "created_at, updated_at) VALUES ('000001', '5371045203870002', '', '0001234567890', 'Mariya Bere', 'P', "
            "'Kupang', '1987-03-12', '', '', '', '', '', '', '', '', '', '', '', '2020-01-01 08:00:00', '2020-01-01 08:00:00')")
        db.execute_sql(
            "INSERT INTO student (nisn, nipd, kk_number, name, sex, birth_place, religion, class_group, mother_name, father_name, "
            "guardian_name, address, rt, rw, phone, kip_number, kks_number, kps_recipient, kps_number, bank, account_number, "
            "account_holder, pip_eligible, pip_reason, status, created_at, updated_at) VALUES ('0098765432', '', '', "
            "'Yohanis Ndolu', 'L', '', '', 'Kelas 4A', '', '', '', '', '', '', '', '', '', false, '', '', '', '', false, '', "
            "'aktif', '2020-01-01 08:00:00', '2020-01-01 08:00:00')")
    columns = {c.name for c in db.get_columns("patient")}
    assert "name_key" not in columns
    assert not search_index.trigram_available(db.obj)
    database_module.close()


def _columns(table: str) -> dict[str, bool]:
    return {c.name: c.null for c in db.get_columns(table)}


def test_old_database_is_migrated_with_data_intact(schema_db_url):
    db_url = schema_db_url
    # The fresh schema, for comparing with the migrated one.
    database_module.connect(db_url)
    fresh = {table: _columns(table) for table in ("patient", "student")}
    fresh_indexes = {t: {i.name for i in db.get_indexes(t)} for t in ("patient", "visit")}
    database_module.close()

    _make_version_1(db_url)
    database_module.connect(db_url)
    assert current_version(db.obj) == SCHEMA_VERSION
    patient = Patient.get(Patient.no_rm == "000001")
    assert (patient.name, patient.nik, patient.bpjs_number, patient.birth_date) == (
        "Mariya Bere", "5371045203870002", "0001234567890", dt.date(1987, 3, 12))
    assert patient.name_key == "maria biri"  # filled in by the migration
    assert Student.get().name_key == "iuhanis ndulu"
    assert {t: _columns(t) for t in ("patient", "student")} == fresh
    assert {t: {i.name for i in db.get_indexes(t)} for t in ("patient", "visit")} == fresh_indexes
    assert search_index.trigram_available(db.obj)
    assert set(db.get_tables()) >= {"counter", "patient_identifier", "queue_entry", "diagnosis_day", "diagnosis_month"}
    assert {p.queue_prefix for p in Poli.select()} == {""}  # each poli's prefix: from its code until the office sets one
    assert {p.code for p in PaymentType.select().where(PaymentType.is_pbi)} == {"PBI-N", "PBI-D"}  # marked by their code
    assert {"population", "visit_area", "diagnosis_year"} <= set(db.get_tables())
    assert not guards.missing(db.obj) and {"user_name", "user_full_name", "key_id"} <= set(_columns("audit_event"))
    versions = [v.version for v in SchemaVersion.select().order_by(SchemaVersion.version)]
    assert versions == list(range(1, SCHEMA_VERSION + 1))
    database_module.close()


def test_sqlite_is_backed_up_before_migration(sqlite_url):
    _make_version_1(sqlite_url)
    path = database_module.resolve_url(sqlite_url).path
    database_module.connect(sqlite_url)
    database_module.close()
    backups = list(path.parent.glob(f"{path.stem}.sebelum-migrasi-v1-*"))
    assert len(backups) == 1
    backup = pw.SqliteDatabase(str(backups[0]))
    assert backup.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    assert not backup.table_exists("counter")
    assert backup.execute_sql("SELECT name FROM patient").fetchall() == [("Mariya Bere",)]
    backup.close()


def test_database_from_a_newer_program_is_refused_untouched(schema_db_url):
    db_url = schema_db_url
    database_module.connect(db_url)
    SchemaVersion.create(version=SCHEMA_VERSION + 1)
    database_module.close()
    with pytest.raises(DatabaseTooNew, match="lebih baru"):
        database_module.connect(db_url)
    database_module.close()
    database_module.connect(db_url, migrate=False, seed=False)
    assert current_version(db.obj) == SCHEMA_VERSION + 1
    database_module.close()


def test_a_database_of_another_program_is_refused(tmp_path):
    other = pw.SqliteDatabase(str(tmp_path / "other.sqlite"))
    other.execute_sql("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    other.close()
    with pytest.raises(KnownError, match="bukan database Kupang Desk"):
        database_module.connect(f"sqlite:///{tmp_path}/other.sqlite")
    database_module.close()


def test_v14_closes_a_second_open_queue_number_and_then_refuses_one(schema_db_url):
    """A database from before v14 where two loket PCs gave one patient two open numbers: the first
    stays, the later one is closed as cancelled with the reason, and the index then holds."""
    from kupang_desk.models import QueueEntry
    from kupang_desk.models.migrations import SchemaVersion

    database_module.connect(schema_db_url)
    patient = Patient.create(no_rm="000777", name="Yohanes Ndun", name_key="yohanes ndun", sex="L",
                             birth_date=dt.date(1987, 3, 12))
    umum = Poli.get(Poli.name == "Umum")
    db.execute_sql("DROP INDEX queue_entry_one_open")
    day = dt.date(2026, 11, 20)
    for number in (1, 2):
        QueueEntry.create(day=day, poli=umum, number=number, label=f"U-00{number}", patient=patient, turn=number)
    SchemaVersion.update(version=13).where(SchemaVersion.version == SCHEMA_VERSION).execute()  # as before v14
    database_module.close()

    database_module.connect(schema_db_url)
    first, second = QueueEntry.select().order_by(QueueEntry.number)
    assert (first.state, second.state) == ("menunggu", "batal") and "Nomor ganda" in second.note
    with pytest.raises(pw.IntegrityError), db.atomic():
        QueueEntry.create(day=day, poli=umum, number=3, label="U-003", patient=patient, turn=3)
    database_module.close()


def test_v15_starts_counting_from_a_keyed_point_after_the_events_before_it(schema_db_url, monkeypatch):
    """A schema 14 database keeps its unkeyed and keyed events as they are; the migration seals a
    point naming them, and from then on every event is counted and keyed: one unkeyed event added
    later is refused, as is one more unkeyed event before the point than it names."""
    from kupang_desk import audit
    from kupang_desk.backup import keystore
    from kupang_desk.models import AuditEvent, chain
    from tests.helpers.actors import tamper

    database_module.connect(schema_db_url)
    tamper("DELETE FROM audit_event")
    db.execute_sql("ALTER TABLE audit_event DROP COLUMN seq")
    SchemaVersion.update(version=14).where(SchemaVersion.version == SCHEMA_VERSION).execute()
    at = dt.datetime(2024, 3, 1, 8)
    old = chain.legacy_hash(chain.GENESIS, at, None, "", "setup", "institution", "1", "{}")
    key = keystore.audit_key()
    keyed = chain.keyed_hash(key, old, at, None, "", "", "", "create", "patient", "1", "{}")
    for values in (("setup", "institution", old, chain.GENESIS, ""), ("create", "patient", keyed, old, keystore.key_id(key))):
        db.execute_sql(f"INSERT INTO audit_event (at, user_name, user_full_name, os_user, action, table_name, record_id, "
                       f"details, prev_hash, hash, key_id) VALUES ({', '.join([db.obj.param] * 11)})",
                       (at, "", "", "", values[0], values[1], "1", "{}", values[3], values[2], values[4]))
    database_module.close()

    database_module.connect(schema_db_url)
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    assert [(e.action, e.seq) for e in events] == [("setup", None), ("create", None), ("seal", 1)]
    assert chain.point_details(events[2])["events_before"] == 2 and chain.point_details(events[2])["unkeyed_before"] == 1
    audit.record("view", "patient", "1")
    audit.remember_head()
    assert audit.verify_chain().confirmed
    last = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    forged = chain.legacy_hash(last.hash, at, None, "", "view", "patient", "1", "{}")
    tamper(("INSERT INTO audit_event (at, user_name, user_full_name, os_user, action, table_name, record_id, details, "
            "prev_hash, hash, key_id, seq) VALUES (%s, '', '', '', 'view', 'patient', '1', '{}', %s, %s, '', %s)",
            at, last.hash, forged, last.seq + 1))
    check = audit.verify_chain()
    assert check.reason == "unkeyed" and "titik penyegelan" in check.describe()
    database_module.close()
