"""Issue 36: no public function of the domain hands a patient's or a student's data to someone who
may not read it. Not a hand list: every public function found by walking the package (as
``test_guarded`` does) is called with nobody signed in and as each role, on a database that holds
one patient with a visit and one student, with arguments made from its parameter names. What comes
back (looked into: rows, records, lists, dataclasses, messages) must not carry the patient's name or
NIK unless the actor holds ``patient.read``, nor the student's unless it holds ``student.read``.

Before this, ``registration.live_patient(id)`` answered anybody with the whole patient, and
``students.records.conflicts({"nik": ...})`` told a puskesmas clerk which student of which class holds
a NIK: both are found here, by what they return, not by their names."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import signal
from collections.abc import Callable, Iterable
from pathlib import Path

import peewee as pw
import pytest

from kupang_desk.accounts import session, users
from kupang_desk.accounts.permissions import DEFAULT_ROLE_PERMISSIONS, ROLES
from kupang_desk.documents.table import Period
from tests.accounts.test_guarded import _functions
from tests.helpers.clock import TODAY, at, days_ago
from tests.helpers.factories import new_patient, new_visit

PATIENT_NAME, PATIENT_NIK = "Yohanes Ndun", "5371041203870001"
STUDENT_NAME, STUDENT_NIK, STUDENT_NISN = "Maria Goreti Lake", "5371046607150003", "0151234567"
# Functions that must not run here at all: they serve a window or a server for as long as it is open.
NOT_CALLED = {"kupang_desk.queue.live", "kupang_desk.satusehat.command.run", "kupang_desk.cli"}


@dataclasses.dataclass
class Office:
    patient_id: int
    visit_id: int
    student_id: int
    folder: Path
    files: int = 0


def _argument(name: str, parameter: inspect.Parameter, office: Office) -> object:
    """A value for a parameter, from its name; ``inspect.Parameter.empty`` when there is none."""
    lowered = name.lower()
    table: dict[str, object] = {
        "visit_id": office.visit_id, "student_id": office.student_id, "nik": STUDENT_NIK if "student" in lowered else PATIENT_NIK,
        "nisn": STUDENT_NISN, "query": PATIENT_NAME, "text": PATIENT_NAME, "name": PATIENT_NAME, "words": PATIENT_NAME,
        "values": {"nik": STUDENT_NIK, "nisn": STUDENT_NISN},
        "day": TODAY, "today": TODAY, "date": TODAY, "period": Period.month(days_ago(30).strftime("%Y-%m")),
    }
    if lowered in table:
        return table[lowered]
    if lowered.endswith("patient_id") or lowered in ("patient", "keep_id", "remove_id", "first_id", "second_id", "record_id"):
        return office.patient_id
    if lowered in ("path", "target", "output", "destination", "pdf", "xlsx", "file", "folder") or lowered.endswith("_path"):
        office.files += 1  # never a file an earlier call wrote: a reader of files reads none here
        return office.folder / f"{office.files}-{name}.xlsx"
    return inspect.Parameter.empty


def _call(function: Callable, office: Office) -> tuple[bool, object, str]:
    """(called, what it returned or raised, the arguments as text); not called when a required
    argument cannot be made."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return False, None, ""
    arguments, keywords = [], {}
    for name, parameter in signature.parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if name in ("user", "by"):  # whoever is signed in: the actor under test
            continue
        if parameter.default is not parameter.empty:
            continue
        # "no such record" where None may be given (a new one): then the look-up meets everyone.
        value = None if "None" in str(parameter.annotation) else _argument(name, parameter, office)
        if value is parameter.empty:
            return False, None, ""
        if parameter.kind == parameter.KEYWORD_ONLY:
            keywords[name] = value
        else:
            arguments.append(value)
    given = _text([arguments, keywords])
    signal.alarm(20)
    try:
        return True, function(*arguments, **keywords), given
    except Exception as error:  # a refusal, a wrong argument: what it says is looked into like a result
        return True, error, given
    finally:
        signal.alarm(0)


def _text(value: object, depth: int = 0, seen: set[int] | None = None) -> str:
    """Everything a caller could read out of ``value``, as text."""
    seen = seen if seen is not None else set()
    if depth > 4 or id(value) in seen:
        return ""
    seen.add(id(value))
    if isinstance(value, str | bytes | int | float | dt.date | type(None)):
        return str(value)
    if isinstance(value, BaseException):
        return str(value)
    if isinstance(value, pw.Model):
        return " ".join(_text(v, depth + 1, seen) for v in value.__data__.values())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return " ".join(_text(getattr(value, f.name), depth + 1, seen) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return " ".join(_text(k, depth + 1, seen) + " " + _text(v, depth + 1, seen) for k, v in list(value.items())[:50])
    if isinstance(value, pw.BaseQuery | Iterable) and not isinstance(value, Path):
        try:
            items = []
            for number, item in enumerate(value):
                if number >= 50:
                    break
                items.append(item)
        except Exception as error:  # a query refused while read
            return str(error)
        return " ".join(_text(item, depth + 1, seen) for item in items)
    return " ".join(_text(v, depth + 1, seen) for v in getattr(value, "__dict__", {}).values()) or str(value)


@pytest.fixture
def office(database, tmp_path) -> Office:
    from kupang_desk.students.records import save_student

    patient = new_patient(name=PATIENT_NAME, nik=PATIENT_NIK)
    visit = new_visit(patient, at(days_ago(3)))
    student = save_student({"name": STUDENT_NAME, "nik": STUDENT_NIK, "nisn": STUDENT_NISN, "sex": "P",
                            "birth_date": dt.date(2015, 7, 26), "class_group": "Kelas 5A"}, today=TODAY)
    return Office(patient.id, visit.id, student.id, tmp_path)


def _actors() -> list[tuple[str, object]]:
    actors: list[tuple[str, object]] = [("nobody", None)]
    for role in ROLES:
        actors.append((role, users.create_user(f"uji.{role.replace('_', '.')}", f"Uji {role}", role, "rahasia-123",
                                                must_change=False)))
    return actors


def test_no_function_hands_personal_data_to_an_actor_without_the_permission(office):
    leaks, called = [], 0
    actors = _actors()
    for name in sorted(_functions()):
        if any(name == blocked or name.startswith(blocked + ".") for blocked in NOT_CALLED):
            continue
        module_name, attribute = name.rsplit(".", 1)
        function = getattr(__import__(module_name, fromlist=[attribute]), attribute)
        if inspect.isclass(function):
            continue
        for role, actor in actors:
            permissions = set(DEFAULT_ROLE_PERMISSIONS.get(role, ()))
            with session.acting_as(actor):
                done, answer, given = _call(function, office)
            if not done:
                break
            called += 1
            said = _text(answer)
            # What came out of the database: a name or NIK the caller did not give it.
            if "patient.read" not in permissions and any(t in said and t not in given for t in (PATIENT_NIK, PATIENT_NAME)):
                leaks.append(f"{name} as {role}: the patient ({said[:160]!r})")
            if "student.read" not in permissions and any(t in said and t not in given for t in (STUDENT_NIK, STUDENT_NAME)):
                leaks.append(f"{name} as {role}: the student ({said[:160]!r})")
    assert called >= 300, f"only {called} calls made: the walk found too few functions it could call"
    assert not leaks, "personal data handed to an actor without the permission:\n" + "\n".join(leaks)
