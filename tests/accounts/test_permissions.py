"""Every role against every protected domain function: allowed ones run, refused ones raise
``PermissionDenied`` and change nothing. The check is in the domain layer, so these calls
bypass the interface entirely."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk import audit, office
from kupang_desk.accounts import session, users
from kupang_desk.accounts.permissions import DEFAULT_ROLE_PERMISSIONS, ROLES, PermissionDenied
from kupang_desk.backup import copies as backup
from kupang_desk.documents.table import Period
from kupang_desk.errors import KnownError
from kupang_desk.models import AuditEvent, Institution, Patient, Student, User, Visit
from kupang_desk.patients import card, history, merge, registration, search, subject
from kupang_desk.reports import service
from kupang_desk.scholarships import awards, printouts, programmes
from kupang_desk.students import classes, dapodik
from kupang_desk.students import records as students
from kupang_desk.visits.recording import (
    DiagnosisLine,
    VisitForm,
    correct_visit,
    delete_visit,
    form_of,
    record_visit,
)
from kupang_desk.visits.register_import import import_register
from tests.helpers.factories import TODAY, new_patient, new_visit, patient_form, poli


@pytest.fixture
def world(sqlite_database, tmp_path):
    Institution.update(show_both=True).execute() if Institution.select().exists() else Institution.create(
        name="UPTD Puskesmas Oebobo", show_both=True)
    people = {role: User.create(username=role.replace("_", "-"), full_name=f"Pengguna {role}", role=role,
                                password_hash=users.hash_password("rahasia-123")) for role in ROLES}
    first = new_patient()
    second = new_patient(nik="5371045505900002", name="Maria Manafe", sex="P", birth_date=dt.date(1990, 5, 15))
    visit = new_visit(first, dt.datetime(2026, 11, 2, 9, 0))
    pupil = Student.create(name="Andi Ndun", name_key="andi ndun", sex="L", class_group="Kelas 4A", grade=4,
                           pip_eligible=True)
    pip = programmes.ensure_pip(2026)
    awards.propose(pip, [pupil.id])
    return {"people": people, "visit": visit, "first": first, "second": second, "pip": pip, "pupil": pupil, "tmp": tmp_path,
            "target": sqlite_database}


def _award(w):
    return awards.award_rows(w["pip"])[0].award_id


CALLS = {
    "register patient": ("patient.write", lambda w, u: registration.register(
        patient_form(nik="5371041203870009", name="Petrus Pah"), accept_warnings=True, user=u, today=TODAY)),
    "correct patient": ("patient.write", lambda w, u: registration.update(
        w["first"].id, patient_form(phone="081299990000"), reason="salah ketik", accept_warnings=True, user=u,
        today=TODAY)),
    "open patient record": ("patient.read", lambda w, u: history.open_patient(w["first"].id, user=u)),
    "search patients": ("patient.read", lambda w, u: search.search_patients("yohanes", user=u)),
    "print patient card": ("patient.read", lambda w, u: card.write_patient_card(w["first"].id, w["tmp"] / "k.pdf", user=u)),
    "data subject report": ("patient.read", lambda w, u: subject.write_subject_report(w["first"].id, w["tmp"] / "s.pdf", user=u)),
    "merge patients": ("patient.merge", lambda w, u: merge.merge(w["first"].id, w["second"].id, reason="ganda", user=u)),
    "record visit": ("visit.write", lambda w, u: record_visit(VisitForm(
        patient_id=w["first"].id, visit_at=dt.datetime(2026, 11, 3, 9, 0), poli_id=poli(),
        diagnoses=[DiagnosisLine("J06.9", True, True)]), user=u, today=TODAY)),
    "correct visit": ("visit.write", lambda w, u: correct_visit(w["visit"].id, form_of(w["visit"]), reason="salah kode",
                                                                user=u, today=TODAY)),
    "delete visit": ("visit.delete", lambda w, u: delete_visit(w["visit"].id, reason="ganda", user=u)),
    "preview report": ("report.make", lambda w, u: service.make("lb1", Period.month("2026-11"), user=u)),
    "save report": ("report.make", lambda w, u: service.save("lb1", Period.month("2026-11"), xlsx=w["tmp"] / "l.xlsx", user=u)),
    "import register": ("import.run", lambda w, u: import_register(w["tmp"] / "tidak-ada.xlsx", dry_run=True, user=u)),
    "back up": ("backup.run", lambda w, u: backup.make_backup(w["tmp"], user=u)),
    "restore": ("backup.restore", lambda w, u: backup.restore_backup(w["tmp"] / "tidak-ada.kdbackup", w["target"], user=u)),
    "list students": ("student.read", lambda w, u: list(students.active_students(user=u))),
    "list awards": ("student.read", lambda w, u: awards.award_rows(w["pip"], user=u)),
    "save student": ("student.write", lambda w, u: students.save_student(
        {"name": "Beni Tode", "sex": "L", "birth_date": dt.date(2016, 1, 1)}, user=u)),
    "import students": ("student.write", lambda w, u: dapodik.import_students(w["tmp"] / "tidak-ada.xlsx", user=u)),
    "promote classes": ("student.write", lambda w, u: classes.promote("2027/2028", user=u)),
    "undo promotion": ("student.write", lambda w, u: classes.undo_promotion(user=u)),
    "save programme": ("award.write", lambda w, u: programmes.save_programme("Beasiswa Prestasi", 2026, user=u)),
    "propose": ("award.write", lambda w, u: awards.propose(w["pip"], [w["pupil"].id], user=u)),
    "change award status": ("award.write", lambda w, u: awards.transition([_award(w)], awards.Step(
        "dibatalkan", cancel_reason="Pindah sekolah"), user=u)),
    "record payout": ("award.write", lambda w, u: awards.record_payout([_award(w)], 1, TODAY, user=u, today=TODAY)),
    "print recipient list": ("award.print", lambda w, u: printouts.save_list(w["pip"], pdf=w["tmp"] / "d.pdf", user=u)),
    "print letters": ("award.print", lambda w, u: printouts.save_letters(w["pip"], [_award(w)], w["tmp"] / "s.pdf", user=u)),
    "scholarship recap": ("award.print", lambda w, u: printouts.recap_report(2026, user=u)),
    "edit profile": ("settings.edit", lambda w, u: office.save_profile(office.Profile(name="UPTD Puskesmas Oebobo"), user=u)),
    "edit poli": ("settings.edit", lambda w, u: office.save_poli("Poli Jiwa", user=u)),
    "edit work area": ("settings.edit", lambda w, u: office.set_work_area(["53.71.04.1001"], user=u)),
    "edit No. RM pattern": ("settings.edit", lambda w, u: office.set_no_rm_pattern("running", width=7, user=u)),
    "edit idle lock": ("settings.edit", lambda w, u: office.set_idle_minutes(15, user=u)),
    "create account": ("users.manage", lambda w, u: users.create_user("baru", "Akun Baru", "poli", "rahasia-123", by=u)),
    "reset password": ("users.manage", lambda w, u: users.reset_password(w["people"]["poli"].id, "sementara-9", by=u)),
    "edit role permissions": ("users.manage", lambda w, u: office.set_role_permissions({}, user=u)),
    "view audit trail": ("audit.view", lambda w, u: list(audit.query(user=u))),
    "export audit trail": ("audit.view", lambda w, u: audit.export_xlsx(w["tmp"] / "a.xlsx", user=u)),
}


def _counts() -> tuple:
    return (Patient.select().count(), Visit.select().count(), Student.select().count(), User.select().count(),
            AuditEvent.select().count())


@pytest.mark.parametrize("name", CALLS)
def test_every_role_against_every_protected_function(world, name):
    permission, call = CALLS[name]
    refused = [role for role in ROLES if permission not in DEFAULT_ROLE_PERMISSIONS[role]]
    granted = [role for role in ROLES if permission in DEFAULT_ROLE_PERMISSIONS[role]]
    assert granted and "administrator" in granted
    for role in refused:
        before = _counts()
        with pytest.raises(PermissionDenied, match="tidak berhak"):
            call(world, world["people"][role])
        assert _counts() == before, f"{role} was refused {name} but something was written"
    for role in granted:
        try:
            call(world, world["people"][role])
        except PermissionDenied as error:  # pragma: no cover - the failure message names the role
            pytest.fail(f"{role} may {permission} but was refused: {error}")
        except KnownError:
            pass  # allowed, then stopped by the data (a second merge, a missing file): not a permission matter


def test_the_signed_in_user_is_used_when_none_is_passed(world):
    head = world["people"]["pimpinan"]
    with session.acting_as(head):
        with pytest.raises(PermissionDenied, match="Pimpinan"):
            registration.register(patient_form(nik="5371041203870009", name="Petrus Pah"), accept_warnings=True, today=TODAY)
        assert len(search.search_patients("yohanes")) == 1  # reading is allowed
        event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
        history.open_patient(world["first"].id)
        viewed = AuditEvent.select().where(AuditEvent.id > event.id).get()
        # The account, as named then; the operating-system user only beside it.
        assert (viewed.action, viewed.user_id, viewed.user_name, viewed.user_full_name) == (
            "view", head.id, head.username, head.full_name)
        assert viewed.os_user == audit.os_user()


def test_nobody_signed_in_may_do_nothing(world):
    """Access fails closed: a script or the command line that did not sign in reads and writes nothing."""
    with session.acting_as(None):
        for name, (_permission, call) in CALLS.items():
            before = _counts()
            with pytest.raises(PermissionDenied, match="Masuk dulu"):
                call(world, None)
            assert _counts() == before, f"{name} ran for nobody"


def test_a_disabled_account_can_do_nothing(world):
    clerk = world["people"]["pendaftaran"]
    User.update(active=False).where(User.id == clerk.id).execute()
    with pytest.raises(PermissionDenied, match="dinonaktifkan"):
        search.search_patients("yohanes", user=User.get_by_id(clerk.id))


def test_edited_role_permissions_take_effect(world):
    poli_user = world["people"]["poli"]
    with pytest.raises(PermissionDenied):
        service.make("lb1", Period.month("2026-11"), user=poli_user)
    office.set_role_permissions({**{r: list(p) for r, p in DEFAULT_ROLE_PERMISSIONS.items()},
                                   "poli": ["patient.read", "visit.write", "report.make"]})
    service.make("lb1", Period.month("2026-11"), user=poli_user)
    # The administrator cannot lose account and settings work, whatever is saved.
    saved = office.set_role_permissions({"administrator": []})
    assert {"users.manage", "settings.edit"} <= set(saved["administrator"])


def test_a_role_change_saved_on_another_pc_counts_within_a_second(world, monkeypatch):
    """The roles are read from the database at most once a second (a window opening asks some thirty
    times); a change written by another PC, which this program's cache does not see being saved,
    holds from the next read."""
    import time

    from kupang_desk.accounts import permissions
    from kupang_desk.models import Setting

    poli_user = world["people"]["poli"]
    assert not permissions.allowed(poli_user, "report.make")
    granted = {**{r: sorted(p) for r, p in DEFAULT_ROLE_PERMISSIONS.items()},
               "poli": ["patient.read", "visit.write", "report.make"]}
    Setting.set_value("roles.permissions", granted)  # written past this program's settings: as by another PC
    assert not permissions.allowed(poli_user, "report.make")  # read less than a second ago
    later = time.monotonic() + permissions.ROLES_FRESH_SECONDS + 0.1
    monkeypatch.setattr(permissions.time, "monotonic", lambda: later)
    assert permissions.allowed(poli_user, "report.make")
