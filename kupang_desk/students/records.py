"""Student records: the field checks shared by the form and the Dapodik import, and saving.

Identifiers stay text. A number that Excel turned into a float is taken back only when
no digit can have been lost (leading zeros restored where the length is known); one
written in scientific notation (``5.37101E+15``) is refused with what to retype.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kupang_desk import audit, regions
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import FormInvalid
from kupang_desk.i18n import _
from kupang_desk.imports.identifiers import account_length
from kupang_desk.imports.rows import (
    RowCheck,
    RowError,
    answered,
    cell_text,
    check_lengths,
    checked_identifier,
    checked_name,
    filled,
    read_cell,
)
from kupang_desk.imports.sheets import parse_date
from kupang_desk.imports.values import ValueMapper, fixed_vocabulary, fold, kelurahan_vocabulary
from kupang_desk.models import Student, User, now, writing
from kupang_desk.names import name_key
from kupang_desk.students.grades import grade_of
from kupang_desk.validators import (
    check_birth_date,
    check_kk,
    check_nik,
    check_nisn,
    typed,
    typed_digits,
)

# The fields of a student as the form and the import know them, with their labels.
LABELS = {
    "nisn": "NISN", "nipd": "NIPD", "nik": "NIK", "kk_number": "No KK", "name": "Nama", "sex": "JK",
    "birth_place": "Tempat Lahir", "birth_date": "Tanggal Lahir", "religion": "Agama", "class_group": "Rombel",
    "mother_name": "Nama Ibu Kandung", "father_name": "Nama Ayah", "guardian_name": "Nama Wali",
    "address": "Alamat", "rt": "RT", "rw": "RW", "kelurahan": "Kelurahan", "phone": "HP",
    "kip_number": "Nomor KIP", "kks_number": "Nomor KKS", "kps_recipient": "Penerima KPS/PKH",
    "kps_number": "No. KPS", "bank": "Bank", "account_number": "Nomor Rekening",
    "account_holder": "Rekening Atas Nama", "pip_eligible": "Layak PIP", "pip_reason": "Alasan Layak PIP",
    "dtsen_decile": "Desil DTSEN", "dtsen_date": "Tanggal DTSEN",
}
CELLS_KEPT = 65_536  # distinct cells an import remembers the reading of (as parse_date's cache)


def _number(check: RowCheck, value: object, kind: str, label: str, length: int | None = None) -> str:
    """A number cell (``read_identifier``) as text, "" when blank or refused (the problem noted)."""
    if typed_digits(value):  # the common cells, as read_cell reads them, without its steps
        return value
    if value is None or value == "":
        return ""
    read = read_cell(check, value, kind, label, length=length)
    return read.text if read else ""


def _short_number(check: RowCheck, value: object, label: str) -> str:
    text = _number(check, value, "code", label)
    if len(text) > 3 or not text.isdigit() and text:
        check.problem(label, _("{column} paling banyak 3 digit angka, bukan '{value}'.").format(column=label, value=text))
        return ""
    return text.zfill(3) if text else ""


def _plain(check: RowCheck, value: object, label: str, limit: int) -> str:
    text = cell_text(value)
    if len(text) > limit:
        check.problem(label, _("{column} terlalu panjang ({count} huruf, paling banyak {limit}).").format(
            column=label, count=len(text), limit=limit))
        return text[:limit]
    return text


@dataclass
class StudentLookups:
    """What a student's fields are checked against, loaded once for a form or a whole file:
    the value lists (jenis kelamin, agama, kelurahan, ya/tidak) and the school's rombel."""

    mapper: ValueMapper
    class_groups: dict[str, str] = field(default_factory=dict)  # folded -> as the school writes it
    _written: dict[str, str] = field(default_factory=dict, repr=False)  # as typed -> as the school writes it
    # (Tanggal Lahir as written, today) -> the birth date it checked to: a school's pupils share birthdays.
    births: dict[tuple[str, dt.date | None], dt.date] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, answers: dict[tuple[str, str], str] | None = None, unknown: str = "ask") -> StudentLookups:
        mapper = ValueMapper([
            fixed_vocabulary("sex", LABELS["sex"], optional=False), fixed_vocabulary("religion", LABELS["religion"]),
            kelurahan_vocabulary(LABELS["kelurahan"]),
            fixed_vocabulary("kps_recipient", LABELS["kps_recipient"]), fixed_vocabulary("pip_eligible", LABELS["pip_eligible"]),
        ], answers, unknown=unknown)
        groups = {fold(group): group for (group,) in Student.select(Student.class_group).distinct().tuples() if group}
        return cls(mapper, groups)

    def class_group(self, text: str) -> str:
        """The rombel as the school already writes it (``kelas 5a`` is ``Kelas 5A``), else as typed."""
        if text not in self._written:  # a rombel is on hundreds of rows of an export: folded once
            self._written[text] = self.class_groups.get(fold(text), text)
        return self._written[text]


def clean(values: dict[str, object], lookups: StudentLookups, *, today: dt.date | None = None,
          check: RowCheck | None = None, cut: str = "keep") -> dict[str, object]:
    """The checked value of every field present in ``values``; fields not in ``values`` are left
    out, and so is a blank cell where a value is required (a blank never erases).

    With ``check`` (an import) every problem of the row is collected there; without it (the
    form) the first problem raises ``RowError`` naming its column."""
    label = LABELS
    own = check is None
    check = check if check is not None else RowCheck()
    mapper = lookups.mapper
    out: dict[str, object] = {}
    if "name" in values:
        name = checked_name(check, values.get("name"), label["name"])
        if name is not None:
            out["name"] = name
    for key in ("sex", "religion", "kelurahan"):
        if key in values and filled(values.get(key)):
            value = answered(check, mapper, key, values.get(key))
            if value is not None:
                out[key] = value
        elif key in values and key != "sex":
            out[key] = None if key == "kelurahan" else ""
    if "birth_date" in values and filled(cell := values["birth_date"]):
        born: Any = lookups.births.get((cell, today)) if type(cell) is str else None  # a class shares its years
        if born is None:
            born = check.run(parse_date, cell, label["birth_date"])
            if born is not None:
                born = check.run(lambda: check_birth_date(born, today=today, field=label["birth_date"]).value)
            if born is not None and type(cell) is str and len(lookups.births) < CELLS_KEPT:
                lookups.births[(cell, today)] = born
        if born is not None:
            out["birth_date"] = born
    for key, kind, validate in (("nisn", "nisn", check_nisn), ("nik", "nik", check_nik), ("kk_number", "kk", check_kk)):
        if key in values:
            out[key] = checked_identifier(check, values.get(key), kind, label[key], validate, cut)
    for key in ("nipd", "kip_number", "kks_number", "kps_number"):
        if key in values:
            cell = values[key]  # digits typed as text, the common cell, as _number takes them
            out[key] = cell if type(cell) is str and cell.isdigit() and cell.isascii() else _number(
                check, cell, "code", label[key])
    if "phone" in values:
        out["phone"] = _number(check, values.get("phone"), "phone", label["phone"])
    if "bank" in values:
        out["bank"] = _plain(check, values.get("bank"), label["bank"], 40).upper()
    if "account_number" in values:
        bank = str(out.get("bank") or cell_text(values.get("bank")))
        text = _number(check, values.get("account_number"), "account", label["account_number"], account_length(bank))
        if text and not text.isdigit():
            check.problem(label["account_number"], _("{column} hanya boleh berisi angka; periksa '{value}'.").format(
                column=label["account_number"], value=text))
        out["account_number"] = text
    for key in ("rt", "rw"):
        if key in values:
            out[key] = _short_number(check, values.get(key), label[key])
    for key in ("kps_recipient", "pip_eligible"):
        if isinstance(values.get(key), bool):  # a check box on the form
            out[key] = values[key]
        elif key in values:
            out[key] = answered(check, mapper, key, values.get(key)) == "ya"
    if "dtsen_decile" in values:
        text = cell_text(values.get("dtsen_decile"))
        if not text:
            out["dtsen_decile"] = None
        elif text.isdigit() and 1 <= int(text) <= 10:
            out["dtsen_decile"] = int(text)
        else:
            check.problem(label["dtsen_decile"], _("{column} adalah angka 1 (termiskin) sampai 10, bukan '{value}'.").format(
                column=label["dtsen_decile"], value=text))
    if "dtsen_date" in values:
        if filled(values.get("dtsen_date")):
            read_on: Any = check.run(parse_date, values.get("dtsen_date"), label["dtsen_date"])
            if read_on is not None and today is not None and read_on > today:
                check.problem(label["dtsen_date"], _("{column} tidak boleh sesudah hari ini.").format(column=label["dtsen_date"]))
            elif read_on is not None:
                out["dtsen_date"] = read_on
        else:
            out["dtsen_date"] = None
    if out.get("dtsen_decile") is not None and "dtsen_date" in values and out.get("dtsen_date") is None \
            and all(column != label["dtsen_date"] for column, _reason in check.problems):
        check.problem(label["dtsen_date"], _("Isi tanggal data DTSEN: desil berubah tiap pemutakhiran."))
    for key, limit in (("birth_place", 60), ("class_group", 30), ("address", 200), ("pip_reason", 100)):
        if key in values:
            cell = values[key]  # text within its limit, the common cell, tidied as _plain tidies it
            out[key] = " ".join(cell.split()) if type(cell) is str and len(cell) <= limit else _plain(
                check, cell, label[key], limit)
    if out.get("class_group"):
        out["class_group"] = lookups.class_group(str(out["class_group"]))
    for key in ("mother_name", "father_name", "guardian_name", "account_holder"):
        if key in values:
            out[key] = checked_name(check, values.get(key), label[key], required=False) or ""
    if "class_group" in out:
        out["grade"] = grade_of(str(out["class_group"]))
    check_lengths(check, Student, out, label)
    if own and (first := check.first_problem()) is not None:
        raise first
    return out


@dataclass(frozen=True)
class StudentRecord:
    """A student as the screens show and edit them: plain data, identifiers as text ("" when
    unknown), the kelurahan by code and name."""

    id: int
    nisn: str
    nipd: str
    nik: str
    kk_number: str
    name: str
    sex: str
    birth_place: str
    birth_date: dt.date | None
    religion: str
    class_group: str
    grade: int | None
    mother_name: str
    father_name: str
    guardian_name: str
    address: str
    rt: str
    rw: str
    kelurahan_code: str
    kelurahan: str
    phone: str
    kip_number: str
    kks_number: str
    kps_recipient: bool
    kps_number: str
    bank: str
    account_number: str
    account_holder: str
    pip_eligible: bool
    pip_reason: str
    status: str
    dtsen_decile: int | None = None
    dtsen_date: dt.date | None = None

    @classmethod
    def of(cls, row: Student, kelurahan: str | None = None) -> StudentRecord:
        """``kelurahan`` is the name of the row's kelurahan when the caller already knows it."""
        values = {name: getattr(row, name) for name in cls.__dataclass_fields__ if name not in ("kelurahan", "kelurahan_code")}
        for name in ("nisn", "nik"):
            values[name] = values[name] or ""
        code = row.kelurahan_code or ""
        if kelurahan is None:
            kelurahan = regions.name_of(code)
        return cls(**values, kelurahan_code=code, kelurahan=kelurahan)


def conflicts(values: dict[str, object], student_id: int | None, *, user: SignedIn | None = None) -> tuple[str, str] | None:
    """(column, reason) when the NISN or NIK belongs to another student of this school (the reason
    names that student: for those who may change students)."""
    require("student.write", user)
    for key in ("nisn", "nik"):
        number = values.get(key)
        if not number:
            continue
        other = Student.select().where((getattr(Student, key) == number) & (Student.id != (student_id or 0))).first()
        if other is not None:
            return LABELS[key], _("{column} {number} sudah dipakai oleh {name} ({group}).").format(
                column=LABELS[key], number=number, name=other.name, group=other.class_group or "-")
    return None


def _field(column: str) -> str:
    """The form's field for a column label of the Dapodik sheet (``NISN`` -> ``nisn``)."""
    return next((key for key, label in LABELS.items() if label == column), column)


def save_student(values: dict[str, object], *, student_id: int | None = None, user: User | None = None,
                 today: dt.date | None = None) -> StudentRecord:
    """Checks and saves one student (new when ``student_id`` is None) in one transaction."""
    user = require("student.write", user)
    try:
        cleaned = clean(values, StudentLookups.load(), today=today)
        for key in ("name", "sex", "birth_date"):
            if student_id is None and key not in cleaned:
                raise RowError(LABELS[key], _("{column} wajib diisi.").format(column=LABELS[key]))
    except RowError as error:
        raise FormInvalid({_field(error.column): error.reason}) from None
    with writing():
        if (clash := conflicts(cleaned, student_id, user=user)) is not None:
            raise FormInvalid({_field(clash[0]): clash[1]})
        for key in ("nisn", "nik"):
            if key in cleaned:
                cleaned[key] = cleaned[key] or None
        if "name" in cleaned:
            cleaned["name_key"] = name_key(str(cleaned["name"]))
        if student_id is None:
            student = Student.create(**cleaned)
            audit.record("create", "student", student.id, {"name": student.name}, user)
        else:
            student = Student.get_by_id(student_id)
            before = {key: getattr(student, key if key != "kelurahan" else "kelurahan_code") for key in cleaned}
            for key, value in cleaned.items():
                setattr(student, key, value)
            student.updated_at = now()
            student.save()
            changed = {key: [str(before[key] or ""), str(value or "")] for key, value in cleaned.items()
                       if str(before[key] or "") != str(value or "")}
            audit.record("update", "student", student.id, changed, user)
        return StudentRecord.of(student)


def active_students(search: str = "", class_group: str = "", *, user: User | None = None) -> list[StudentRecord]:
    """Students still at school, by class and name; ``search`` matches name, NISN, NIK or NIPD."""
    user = require("student.read", user)
    query = Student.select().where(Student.status == "aktif")
    if class_group:
        query = query.where(Student.class_group == class_group)
    text = typed(search)
    if text:
        if text.isdigit():
            query = query.where(Student.nisn.startswith(text) | Student.nik.startswith(text)
                                | Student.nipd.startswith(text))
        else:
            query = query.where(Student.name_key.contains(name_key(text)))
    rows = list(query.order_by(Student.grade, Student.class_group, Student.name))
    names = regions.names_of({row.kelurahan_code for row in rows if row.kelurahan_code})
    return [StudentRecord.of(row, names.get(row.kelurahan_code or "", "")) for row in rows]


def class_groups(*, user: SignedIn | None = None) -> list[str]:
    """The class groups of the students at school, in grade order."""
    require("student.read", user)
    rows = (Student.select(Student.class_group, Student.grade).where(Student.status == "aktif")
            .group_by(Student.class_group, Student.grade).tuples())
    return [group for group, _grade in sorted(rows, key=lambda r: (r[1] or 99, r[0])) if group]
