"""Small builders for patients and visits in tests."""

from __future__ import annotations

import datetime as dt

from kupang_desk.models import PaymentType, Poli
from kupang_desk.patients.registration import PatientForm, register
from kupang_desk.visits.recording import DiagnosisLine, VisitForm, record_visit
from tests.helpers.clock import TODAY

OEBOBO = "53.71.04.1001"


def payment(code: str = "UMUM") -> int:
    return PaymentType.get(PaymentType.code == code).id


def poli(name: str = "Umum") -> int:
    return Poli.get(Poli.name == name).id


def patient_form(**values) -> PatientForm:
    form = PatientForm(
        nik="5371041203870001", name="Yohanes Ndun", sex="L", birth_place="Kupang",
        birth_date=dt.date(1987, 3, 12), mother_name="Maria Bere", kk_number="5371041501100007",
        payment_type_id=payment(), phone="081234567890", address="Jl. Frans Seda No. 5", rt="4", rw="2",
        kelurahan_code=OEBOBO, religion="Katolik",
    )
    for name, value in values.items():
        setattr(form, name, value)
    return form


def new_patient(**values):
    return register(patient_form(**values), accept_warnings=True, today=TODAY)


def second_patient(**values):
    """Maria Bere, of another family than ``new_patient``'s Yohanes Ndun."""
    return new_patient(**{"nik": "5371044506900002", "name": "Maria Bere", "sex": "P", "birth_date": dt.date(1990, 6, 5),
                          "kk_number": "5371041501100008", **values})


def new_visit(patient, at: dt.datetime, *codes: str, today: dt.date = TODAY, **values):
    lines = [DiagnosisLine(code, is_new_case=True, is_primary=i == 0) for i, code in enumerate(codes or ("J06.9",))]
    form = VisitForm(patient_id=patient.id, visit_at=at, diagnoses=lines, **{"poli_id": poli(), **values})
    return record_visit(form, today=today)


CLI_USER, CLI_PASSWORD = "admin-uji", "rahasia-cli-123"


def cli_account(monkeypatch, role: str = "administrator", username: str = CLI_USER):
    """An account in the open database that the command line signs in with (as a scheduled job
    does: the user and the password from the environment)."""
    from kupang_desk.accounts import users
    from kupang_desk.models import User

    account = User.get_or_none(User.username == username) or users.create_user(
        username, f"Uji {role}", role, CLI_PASSWORD, must_change=False)
    monkeypatch.setenv("KUPANG_DESK_USER", username)
    monkeypatch.setenv("KUPANG_DESK_PASSWORD", CLI_PASSWORD)
    return account



def an_institution(name: str = "UPTD Puskesmas Oebobo", kind: str = "puskesmas", code: str = "1050101"):
    """The profile a set-up database has (a restore refuses a database that names no institution)."""
    from kupang_desk.models import Institution, writing

    with writing():
        Institution.delete().execute()
        return Institution.create(name=name, kind=kind, code=code)
