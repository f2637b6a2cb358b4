"""Student records: the field checks shared by the form and the Dapodik import, and saving.

Identifiers stay text. A number that Excel turned into a float is taken back only when
no digit can have been lost (leading zeros restored where the length is known); one
written in scientific notation (``5.37101E+15``) is refused with what to retype.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import peewee as pw

from kupang_desk import audit
from kupang_desk.accounts.permissions import require
from kupang_desk.errors import KnownError, ValidationError
from kupang_desk.i18n import _
from kupang_desk.imports.register import RowError, cell_text, parse_date
from kupang_desk.models import Institution, Region, Student, User, now, writing
from kupang_desk.names import name_key, tidy_name
from kupang_desk.validators import check_birth_date, check_kk, check_name, check_nik, check_nisn

# The fields of a student as the form and the import know them, with their labels.
LABELS = {
    "nisn": "NISN", "nipd": "NIPD", "nik": "NIK", "kk_number": "No KK", "name": "Nama", "sex": "JK",
    "birth_place": "Tempat Lahir", "birth_date": "Tanggal Lahir", "religion": "Agama", "class_group": "Rombel",
    "mother_name": "Nama Ibu Kandung", "father_name": "Nama Ayah", "guardian_name": "Nama Wali",
    "address": "Alamat", "rt": "RT", "rw": "RW", "kelurahan": "Kelurahan", "phone": "HP",
    "kip_number": "Nomor KIP", "kks_number": "Nomor KKS", "kps_recipient": "Penerima KPS/PKH",
    "kps_number": "No. KPS", "bank": "Bank", "account_number": "Nomor Rekening",
    "account_holder": "Rekening Atas Nama", "pip_eligible": "Layak PIP", "pip_reason": "Alasan Layak PIP",
}
STATUSES = ("aktif", "lulus", "pindah", "keluar")
# Student savings accounts for PIP: BRI (SD/SMP) numbers have 15 digits, BNI (SMA/SMK) 10.
ACCOUNT_LENGTHS = {"BRI": 15, "BNI": 10}
LEVELS = ("SD", "SMP", "SMA", "SMK")
FIRST_GRADE = {"SD": 1, "SMP": 7, "SMA": 10, "SMK": 10}
FINAL_GRADE = {"SD": 6, "SMP": 9, "SMA": 12, "SMK": 12}
_SCIENTIFIC = re.compile(r"^\d+([.,]\d+)?[eE][+-]?\d+$")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10, "XI": 11, "XII": 12}
_ARABIC_GRADE = re.compile(r"(?<!\d)(1[0-2]|[1-9])(?!\d)")
_ROMAN_GRADE = re.compile(r"(?<![A-Z])(XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I)(?![A-Z])")
_YES = {"ya", "y", "yes", "1", "true", "penerima", "layak"}
_NO = {"tidak", "t", "no", "0", "false", "", "bukan", "tidak layak"}


def school_level() -> str:
    """SD, SMP, SMA or SMK as set in the school's profile ("SD" when not set)."""
    institution = Institution.select().first()
    level = (institution.school_level if institution else "") or "SD"
    return level if level in LEVELS else "SD"


def _grade_token(class_group: str) -> tuple[int, int, int, bool] | None:
    """(start, end, grade, is_roman) of the grade in a class group name. The grade at the front
    (after an optional "Kelas") wins, so that "X IPA 1" is grade 10, not 1."""
    text = str(class_group or "").upper()
    prefix = re.match(r"^\s*(?:KELAS\s*)?", text).end()
    for pattern, roman in ((_ARABIC_GRADE, False), (_ROMAN_GRADE, True)):
        match = pattern.match(text, prefix)
        if match:
            return match.start(1), match.end(1), _ROMAN[match.group(1)] if roman else int(match.group(1)), roman
    for pattern, roman in ((_ARABIC_GRADE, False), (_ROMAN_GRADE, True)):
        match = pattern.search(text)
        if match:
            return match.start(1), match.end(1), _ROMAN[match.group(1)] if roman else int(match.group(1)), roman
    return None


def grade_of(class_group: str) -> int | None:
    """The grade (1-12) in a class group as schools write it: ``Kelas 4A``, ``4 B``, ``VII-A``,
    ``X IPA 1``; ``None`` when it names no grade."""
    token = _grade_token(class_group)
    return token[2] if token else None


def next_class_group(class_group: str, grade: int) -> str:
    """The class group one grade up, written the same way: ``Kelas 4A`` -> ``Kelas 5A``, ``VII-A`` -> ``VIII-A``."""
    text = str(class_group or "")
    token = _grade_token(text)
    if token is None:
        return text
    start, end, _grade, roman = token
    numeral = {number: name for name, number in _ROMAN.items()}[grade + 1] if roman else str(grade + 1)
    return text[:start] + numeral + text[end:]


def identifier_text(value: object, label: str, *, length: int | None = None, digits: bool = True) -> str:
    """An identifier cell as text. A whole number from a numeric cell is accepted when it cannot
    have lost digits (zeros restored in front when ``length`` is known); scientific notation
    and numbers past Excel's 15 significant digits are errors naming the column."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise RowError(label, _("{column} berisi nilai benar/salah, bukan nomor.").format(column=label))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or not value.is_integer() or value < 0:
            raise RowError(label, _("{column} bukan nomor yang sah: {value}.").format(column=label, value=value))
        if value >= 1e15:
            raise RowError(label, _(
                "{column} tersimpan sebagai angka {value:.0f}; Excel hanya menyimpan 15 digit sehingga digit terakhirnya "
                "bisa hilang. Ketik ulang dari dokumen aslinya dan format kolomnya sebagai Teks.").format(column=label, value=value))
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        if length and len(text) < length:
            text = text.zfill(length)  # Excel dropped the leading zeros of a number cell
        return text
    if isinstance(value, dt.date | dt.datetime):
        raise RowError(label, _("{column} terbaca sebagai tanggal, bukan nomor. Format kolomnya sebagai Teks lalu ketik ulang.").format(column=label))
    text = "".join(str(value).split())
    if _SCIENTIFIC.match(text):
        raise RowError(label, _(
            "{column} rusak oleh Excel: tertulis {value} (notasi ilmiah), digit aslinya sudah hilang. "
            "Ketik ulang {column} dari dokumen aslinya dan format kolomnya sebagai Teks.").format(column=label, value=text))
    if digits and text and not (text.isascii() and text.replace("-", "").replace(".", "").isdigit()):
        raise RowError(label, _("{column} hanya boleh berisi angka; periksa '{value}'.").format(column=label, value=text))
    return text.replace("-", "").replace(".", "") if digits else text


def _flag(value: object, label: str) -> bool:
    text = cell_text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise RowError(label, _("{column} harus Ya atau Tidak, bukan '{value}'.").format(column=label, value=cell_text(value)))


def _short_number(value: object, label: str) -> str:
    text = identifier_text(value, label)
    if len(text) > 3:
        raise RowError(label, _("{column} paling banyak 3 digit, bukan '{value}'.").format(column=label, value=text))
    return text.zfill(3) if text else ""


def _plain(value: object, label: str, limit: int) -> str:
    text = cell_text(value)
    if len(text) > limit:
        raise RowError(label, _("{column} terlalu panjang ({count} huruf, paling banyak {limit}).").format(
            column=label, count=len(text), limit=limit))
    return text


@dataclass
class KelurahanLookup:
    """Kelurahan/desa names of NTT to their codes; Kota Kupang wins where names repeat."""

    codes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> KelurahanLookup:
        codes: dict[str, str] = {}
        for code, name in Region.select(Region.code, Region.name).where(
                Region.level == "desa_kelurahan").order_by(Region.code).tuples():
            codes[name.lower()] = code
        return cls(codes)


def clean(values: dict[str, object], kelurahan: KelurahanLookup, *, today: dt.date | None = None) -> dict[str, object]:
    """The checked value of every field present in ``values``; raises ``RowError`` (column, reason)
    at the first field that cannot be accepted. Fields not in ``values`` are left out."""
    label = LABELS
    out: dict[str, object] = {}
    try:
        if "name" in values:
            out["name"] = tidy_name(check_name(values.get("name"), field=label["name"]).value)
        if "sex" in values:
            sex_text = cell_text(values.get("sex")).upper()
            sex = {"L": "L", "P": "P", "LAKI-LAKI": "L", "LAKI LAKI": "L", "PEREMPUAN": "P"}.get(sex_text)
            if sex is None:
                raise RowError(label["sex"], _("JK harus L atau P, bukan '{value}'.").format(value=sex_text))
            out["sex"] = sex
        if "birth_date" in values:
            born = values.get("birth_date")
            if born not in (None, ""):
                born = parse_date(born, label["birth_date"])
            out["birth_date"] = check_birth_date(born, today=today, field=label["birth_date"]).value
        for key, length, check in (("nisn", 10, check_nisn), ("nik", 16, check_nik), ("kk_number", 16, check_kk)):
            if key in values:
                raw = values.get(key)
                if isinstance(raw, float) and raw.is_integer() and 0 <= raw < 1e15 or isinstance(raw, int) and not isinstance(raw, bool):
                    raw = identifier_text(raw, label[key], length=length)
                out[key] = check(raw, required=False, field=label[key]).value or ""
    except ValidationError as error:
        raise RowError(error.field, error.message) from None
    if "nipd" in values:
        out["nipd"] = identifier_text(values.get("nipd"), label["nipd"], digits=False)[:20]
    for key in ("kip_number", "kks_number", "kps_number"):
        if key in values:
            out[key] = identifier_text(values.get(key), label[key], digits=False)[:30].upper()
    if "phone" in values:
        phone = identifier_text(values.get("phone"), label["phone"], digits=False).replace("-", "")
        if isinstance(values.get("phone"), int | float) and phone and not phone.startswith(("0", "62")):
            phone = "0" + phone  # 081... typed into a number cell lost its 0
        out["phone"] = phone[:20]
    if "bank" in values:
        out["bank"] = _plain(values.get("bank"), label["bank"], 40).upper()
    if "account_number" in values:
        bank = str(out.get("bank") or cell_text(values.get("bank"))).upper()
        length = next((n for name, n in ACCOUNT_LENGTHS.items() if name in bank), None)
        out["account_number"] = identifier_text(values.get("account_number"), label["account_number"], length=length)
    for key in ("rt", "rw"):
        if key in values:
            out[key] = _short_number(values.get(key), label[key])
    for key in ("kps_recipient", "pip_eligible"):
        if key in values:
            out[key] = _flag(values.get(key), label[key])
    for key, limit in (("birth_place", 60), ("religion", 20), ("class_group", 30), ("address", 200),
                       ("pip_reason", 100)):
        if key in values:
            out[key] = _plain(values.get(key), label[key], limit)
    for key in ("mother_name", "father_name", "guardian_name", "account_holder"):
        if key in values:
            try:
                out[key] = check_name(values.get(key), field=label[key], required=False).value
            except ValidationError as error:
                raise RowError(error.field, error.message) from None
    if "kelurahan" in values:
        text = cell_text(values.get("kelurahan"))
        code = kelurahan.codes.get(text.lower()) if text else None
        if text and code is None:
            raise RowError(label["kelurahan"], _("Kelurahan/desa '{value}' tidak ada di daftar wilayah NTT. Periksa ejaannya.").format(value=text))
        out["kelurahan"] = code
    if "class_group" in out:
        out["grade"] = grade_of(str(out["class_group"]))
    return out


class StudentInvalid(KnownError):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


def conflicts(values: dict[str, object], student_id: int | None) -> tuple[str, str] | None:
    """(column, reason) when the NISN or NIK belongs to another student of this school."""
    for key in ("nisn", "nik"):
        number = values.get(key)
        if not number:
            continue
        other = Student.select().where((getattr(Student, key) == number) & (Student.id != (student_id or 0))).first()
        if other is not None:
            return LABELS[key], _("{column} {number} sudah dipakai oleh {name} ({group}).").format(
                column=LABELS[key], number=number, name=other.name, group=other.class_group or "-")
    return None


def save_student(values: dict[str, object], *, student_id: int | None = None, user: User | None = None,
                 today: dt.date | None = None) -> Student:
    """Checks and saves one student (new when ``student_id`` is None) in one transaction."""
    user = require("student.write", user)
    try:
        cleaned = clean(values, KelurahanLookup.load(), today=today)
        for key in ("name", "sex", "birth_date"):
            if student_id is None and key not in cleaned:
                raise RowError(LABELS[key], _("{column} wajib diisi.").format(column=LABELS[key]))
    except RowError as error:
        raise StudentInvalid(error.column, error.reason) from None
    with writing():
        if (clash := conflicts(cleaned, student_id)) is not None:
            raise StudentInvalid(*clash)
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
        return student


def active_students(search: str = "", class_group: str = "", *, user: User | None = None) -> pw.ModelSelect:
    """Students still at school, by class and name; ``search`` matches name, NISN, NIK or NIPD."""
    user = require("student.read", user)
    query = Student.select().where(Student.status == "aktif")
    if class_group:
        query = query.where(Student.class_group == class_group)
    text = " ".join(search.split())
    if text:
        if text.isdigit():
            query = query.where(Student.nisn.startswith(text) | Student.nik.startswith(text)
                                | Student.nipd.startswith(text))
        else:
            query = query.where(Student.name_key.contains(name_key(text)))
    return query.order_by(Student.grade, Student.class_group, Student.name)


def class_groups() -> list[str]:
    """The class groups of the students at school, in grade order."""
    rows = (Student.select(Student.class_group, Student.grade).where(Student.status == "aktif")
            .group_by(Student.class_group, Student.grade).tuples())
    return [group for group, _grade in sorted(rows, key=lambda r: (r[1] or 99, r[0])) if group]
