"""The audit trail cannot be rewritten quietly: tried as an attacker with the database (and the
LAN password) but without the installation key would, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest

from kupang_desk import audit
from kupang_desk.audit import remember_head, verify_chain
from kupang_desk.cli import main
from kupang_desk.models import AuditEvent, db
from kupang_desk.models import database as database_module
from kupang_desk.models.chain import POINT_ACTION, legacy_hash
from tests.helpers.actors import open_the_audit_table, tamper
from tests.helpers.factories import new_patient, new_visit


def _trail():
    patient = new_patient()
    new_visit(patient, dt.datetime(2026, 10, 1, 9))
    new_patient(nik="5371045505900002", name="Maria Manafe", sex="P", birth_date=dt.date(1990, 5, 15))
    remember_head()  # what the program does after its work: the head is kept outside the database
    return list(AuditEvent.select().where(AuditEvent.action != POINT_ACTION).order_by(AuditEvent.id))


def _sql(text: str, *params) -> None:
    db.execute_sql(text.replace("%s", db.obj.param), params)


def test_an_untouched_trail_verifies(database):
    events = _trail()
    point = AuditEvent.get(AuditEvent.action == POINT_ACTION)
    assert point.prev_hash == "0" * 64 and point.seq == 1 and point.key_id
    assert len(events) == 3 and events[0].prev_hash == point.hash and [e.seq for e in events] == [2, 3, 4]
    assert events[1].prev_hash == events[0].hash and all(e.key_id and e.user_name == "pengujian" for e in events)
    check = verify_chain()
    assert check.confirmed and check.events == 4, check.describe()


def test_the_table_refuses_update_and_delete(database):
    events = _trail()
    with pytest.raises(pw.DatabaseError, match="Jejak audit tidak boleh"), db.atomic():
        AuditEvent.update(details="{}").where(AuditEvent.id == events[1].id).execute()
    with pytest.raises(pw.DatabaseError, match="Jejak audit tidak boleh"), db.atomic():
        AuditEvent.delete().execute()
    assert verify_chain().ok


def test_a_dropped_guard_is_tampering(database):
    _trail()
    open_the_audit_table()
    check = verify_chain()
    assert check.reason == "guard" and "pengaman" in check.describe()


def test_an_edited_event_is_found(database):
    events = _trail()
    tamper(("UPDATE audit_event SET details = '{}' WHERE id = %s", events[1].id))
    check = verify_chain()
    assert not check.ok and check.broken_at == events[1].id and check.reason == "content"


def test_rewriting_and_recomputing_every_later_hash_without_the_key_is_found(database):
    """The old attack: change an event and recompute the chain after it with the published
    (unkeyed) function. The seal is an HMAC under a key the database does not hold."""
    events = _trail()
    previous = events[0].prev_hash
    statements = []
    for event in events:
        details = '{"name": "Orang Lain"}' if event.id == events[0].id else event.details
        sealed = legacy_hash(previous, event.at, event.user_id, event.os_user, event.action, event.table_name,
                             event.record_id, details)
        statements.append(("UPDATE audit_event SET details = %s, prev_hash = %s, hash = %s WHERE id = %s",
                           details, previous, sealed, event.id))
        previous = sealed
    tamper(*statements)
    check = verify_chain()
    assert check.broken_at == events[0].id and check.reason == "content"


def test_cutting_off_the_latest_events_is_found(database):
    events = _trail()
    tamper(("DELETE FROM audit_event WHERE id >= %s", events[1].id))
    check = verify_chain()
    assert check.reason == "short" and check.broken_at == events[-1].id, check.describe()
    assert "terbaru dihapus" in check.describe()


def test_deleting_the_whole_trail_is_found(database):
    _trail()
    tamper(("DELETE FROM audit_event",))
    check = verify_chain()
    assert not check.ok and check.reason == "short" and check.events == 0


def test_swapping_account_names_is_found(database):
    from kupang_desk.accounts import users

    agnes = users.create_user("agnes", "Agnes Manafe", "pendaftaran", "rahasia-123", must_change=False)
    users.create_user("yohan", "Yohanes Nope", "poli", "rahasia-123", must_change=False)
    from kupang_desk.patients.registration import register
    from tests.helpers.factories import TODAY, patient_form

    register(patient_form(), accept_warnings=True, today=TODAY, user=agnes)
    remember_head()
    _sql("UPDATE \"user\" SET username = 'tmp' WHERE username = 'agnes'")
    _sql("UPDATE \"user\" SET username = 'agnes' WHERE username = 'yohan'")
    _sql("UPDATE \"user\" SET username = 'yohan' WHERE username = 'tmp'")
    check = verify_chain()
    assert check.reason == "account" and "agnes" in check.describe()
    # And the viewer still names who really did it.
    created = AuditEvent.get((AuditEvent.action == "create") & (AuditEvent.table_name == "patient"))
    assert audit.who(created) == "Agnes Manafe (agnes)"


def test_verify_needs_the_audit_permission(database):
    from kupang_desk.accounts import session
    from kupang_desk.accounts.permissions import PermissionDenied

    _trail()
    with session.acting_as(None), pytest.raises(PermissionDenied):
        verify_chain()


def test_command_line(db_url, capsys, monkeypatch):
    from tests.helpers.factories import cli_account

    database_module.connect(db_url)
    cli_account(monkeypatch)
    events = _trail()
    database_module.close()
    assert main(["--database", db_url, "audit", "verify"]) == 0
    assert "peristiwa" in capsys.readouterr().out
    database_module.connect(db_url)
    tamper(("UPDATE audit_event SET action = 'view' WHERE id = %s", events[0].id))
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
    # The viewer and the export say it in words, naming the patient by No. RM and the field by its label.
    lines = {(line.action, line.table): line.details for line in audit.page(user=head)}
    no_rm = Patient.get_by_id(first.id).no_rm
    assert lines[("ubah", "Pasien")] == (f"Pasien {no_rm}: nomor HP diubah dari 081234567890 ke 081299990000. "
                                         "Alasan: nomor HP baru")
    assert lines[("buka", "Pasien")] == f"Kartu pasien {no_rm} dibuka"
    assert lines[("masuk", "Pengguna")] == "Masuk"
    assert not any(text.lstrip().startswith("{") for text in lines.values())  # never raw JSON
    words = [row[6].value for row in sheet.iter_rows(min_row=2)]
    assert any(w and w.startswith(f"Pasien {no_rm}: nomor HP diubah") for w in words)


def test_every_recorded_action_and_table_has_words_and_a_place_in_the_filter():
    """Issue 38 item 8: the viewer showed raw names ("sign_out", "send", "queue", "sent_report") and
    those actions were missing from the Tindakan filter. Every action and table the code records is
    named in Indonesian, and the filter offers every action."""
    import ast
    from pathlib import Path

    import kupang_desk
    from kupang_desk import audit_words

    recorded: set[tuple[str, str]] = set()
    for path in Path(kupang_desk.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "record"
                    and len(node.args) >= 2 and all(isinstance(a, ast.Constant) for a in node.args[:2])):
                recorded.add((node.args[0].value, node.args[1].value))
    assert len(recorded) > 40
    offered = {action for _label, action in audit.actions()}
    assert {action for action, _table in recorded} <= offered
    assert {table for _action, table in recorded} <= {table for _label, table in audit_words.tables()}
    unnamed = sorted({a for a, _t in recorded if audit.action_label(a) == a} |
                     {t for _a, t in recorded if audit_words.table_label(t) == t})
    assert not unnamed, unnamed


def test_queue_and_sent_report_events_read_as_sentences(database):
    from kupang_desk import audit_words
    from kupang_desk.models import AuditEvent, writing

    with writing():
        audit.record("queue", "queue_entry", 7, {"state": ["menunggu", "dipanggil"]})
        audit.record("send", "sent_report", 3, {"kind": "lb1", "period": "Oktober 2026", "revision": 1, "method": "file"})
    queue, sent_event = AuditEvent.select().order_by(AuditEvent.id.desc()).limit(2)[::-1]
    names = audit_words.Names([queue, sent_event])
    assert audit_words.sentence(queue, names) == "Antrean 7: menunggu ke dipanggil"
    assert audit_words.sentence(sent_event, names) == "Laporan LB1 Oktober 2026 ditandai terkirim (file, revisi 1)"
