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


def test_each_kind_of_action_leaves_an_event_with_who_and_what(database, tmp_path):
    """Create, change (before/after), open, print, export, merge, sign-in: who, when, which record."""
    from kupang_desk import audit
    from kupang_desk.accounts import users
    from kupang_desk.documents.table import Period
    from kupang_desk.models import Patient
    from kupang_desk.patients import card, history, merge, registration, subject
    from kupang_desk.reports import service
    from tests.helpers.factories import TODAY, patient_form

    head = users.create_user("kepala", "dr. Maria Bere", "administrator", "rahasia-123", must_change=False)
    users.authenticate("kepala", "rahasia-123")
    first = registration.register(patient_form(), accept_warnings=True, user=head, today=TODAY)
    registration.update(first.id, patient_form(phone="081299990000"), reason="nomor HP baru", accept_warnings=True,
                        user=head, today=TODAY)
    history.open_patient(first.id, user=head)
    card.write_patient_card(first.id, tmp_path / "kartu.pdf", user=head)
    service.save("lb1", Period.month("2026-11"), pdf=tmp_path / "lb1.pdf", user=head)
    second = registration.register(patient_form(nik="5371045505900002", name="Maria Manafe", sex="P",
                                                birth_date=dt.date(1990, 5, 15)), accept_warnings=True, user=head, today=TODAY)
    merge.merge(first.id, second.id, reason="pasien ganda", user=head)
    subject.write_subject_report(first.id, tmp_path / "subjek.pdf", user=head)
    events = list(audit.query(user=head))
    kinds = {(e.action, e.table_name) for e in events}
    for expected in (("create", "patient"), ("update", "patient"), ("view", "patient"), ("print", "patient"),
                     ("export", "report"), ("merge", "patient"), ("export", "patient"), ("sign_in", "user"),
                     ("create", "user")):
        assert expected in kinds, expected
    change = next(e for e in events if e.action == "update" and e.table_name == "patient")
    assert "081299990000" in change.details and change.user_id == head.id and change.record_id == str(first.id)
    assert Patient.select().count() == 2
    assert verify_chain().ok
    # The data subject's own report lists who opened and changed their record.
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(str(tmp_path / "subjek.pdf")).pages)
    assert "RIWAYAT PEMROSESAN" in text.upper() and "dr. Maria Bere (kepala)" in text and "buka" in text and "ubah" in text
    # Filtering as the viewer does, and the export.
    only_views = list(audit.query(audit.AuditFilter(action="view", record_id=str(first.id)), user=head))
    assert [e.action for e in only_views] == ["view"]
    assert audit.export_xlsx(tmp_path / "jejak.xlsx", audit.AuditFilter(table="patient"), user=head) >= 5
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "jejak.xlsx").active
    assert sheet["A1"].value == "No." and sheet.cell(row=2, column=6).data_type == "s"
