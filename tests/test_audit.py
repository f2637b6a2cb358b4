"""The audit trail is chained: an event changed or removed in the database is found."""

from __future__ import annotations

import datetime as dt

from kupang_desk.audit import verify_chain
from kupang_desk.cli import main
from kupang_desk.models import AuditEvent, db
from kupang_desk.models import database as database_module
from tests.helpers.factories import new_patient, new_visit


def _trail():
    patient = new_patient()
    new_visit(patient, dt.datetime(2026, 10, 1, 9))
    new_patient(nik="5371045505900002", name="Maria Manafe", sex="P", birth_date=dt.date(1990, 5, 15))
    return list(AuditEvent.select().order_by(AuditEvent.id))


def test_an_untouched_trail_verifies(database):
    events = _trail()
    assert len(events) == 3 and events[0].prev_hash == "0" * 64
    assert events[1].prev_hash == events[0].hash
    check = verify_chain()
    assert check.ok and check.events == 3


def test_an_edited_event_is_found(database):
    events = _trail()
    db.execute_sql("UPDATE audit_event SET details = '{}' WHERE id = %s".replace("%s", db.obj.param), (events[1].id,))
    check = verify_chain()
    assert not check.ok and check.broken_at == events[1].id and check.reason == "content"


def test_a_removed_event_is_found(database):
    events = _trail()
    AuditEvent.delete().where(AuditEvent.id == events[1].id).execute()
    check = verify_chain()
    assert check.broken_at == events[2].id and check.reason == "link"


def test_command_line(db_url, capsys):
    database_module.connect(db_url)
    events = _trail()
    database_module.close()
    assert main(["--database", db_url, "audit", "verify"]) == 0
    assert "3 peristiwa" in capsys.readouterr().out
    database_module.connect(db_url)
    AuditEvent.update(action="view").where(AuditEvent.id == events[0].id).execute()
    database_module.close()
    assert main(["--database", db_url, "audit", "verify"]) == 4
    assert f"#{events[0].id}" in capsys.readouterr().out
