"""Importing Dapodik's "Daftar Peserta Didik" export.

The sheet opens with title rows (school, date of download) above a two-row header in
which the father, mother and guardian columns sit under a merged group cell. The
header is found by its names, the two rows are read as one ("Data Ibu Nama"), and
columns are mapped by name, never by position. Every row is checked and given a
status (new, update, unchanged, error with the column and the reason) before anything
is written; then everything valid is written in one transaction. A blank cell in the
file never erases what the school already has. Importing the same file twice changes
nothing. The rejected rows go to a workbook with the same header plus the column and
the reason, which imports again once fixed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from pathlib import Path

import peewee as pw

from kupang_desk import audit
from kupang_desk.accounts.permissions import require
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.imports.rows import (
    PREVIEW_ROWS,
    ImportSummary,
    RowCheck,
    RowError,
    RowResult,
    blank_row,
    cell_text,
    write_rejects,
)
from kupang_desk.imports.sheets import header_key, iter_sheet
from kupang_desk.models import Student, User, now, writing
from kupang_desk.models.bulk import BulkWriter
from kupang_desk.names import Identity, conflict_reason, identity_conflict, name_key
from kupang_desk.students.records import LABELS, StudentLookups, clean
from kupang_desk.tasks import Task, without_automatic_collection

COLUMNS = {  # a header as read (lower case, single spaces, no dots) -> field
    "nama": "name", "nama peserta didik": "name", "nama siswa": "name", "nipd": "nipd", "nis": "nipd",
    "jk": "sex", "jenis kelamin": "sex", "l/p": "sex", "nisn": "nisn", "tempat lahir": "birth_place",
    "tanggal lahir": "birth_date", "tgl lahir": "birth_date", "nik": "nik", "agama": "religion",
    "alamat": "address", "rt": "rt", "rw": "rw", "kelurahan": "kelurahan", "desa/kelurahan": "kelurahan",
    "hp": "phone", "rombel": "class_group", "rombel saat ini": "class_group", "kelas": "class_group",
    "penerima kps": "kps_recipient", "no kps": "kps_number", "nomor kip": "kip_number", "no kip": "kip_number",
    "nomor kks": "kks_number", "no kks": "kks_number", "bank": "bank", "nomor rekening bank": "account_number",
    "nomor rekening": "account_number", "no rekening": "account_number", "rekening atas nama": "account_holder",
    "layak pip (usulan dari sekolah)": "pip_eligible", "layak pip": "pip_eligible",
    "alasan layak pip": "pip_reason", "no kk": "kk_number", "nomor kk": "kk_number",
    "nama ibu kandung": "mother_name", "nama ibu": "mother_name", "nama ayah": "father_name",
    "nama wali": "guardian_name",
    # Not in Dapodik: a school that adds the DTSEN decile (and its date) to its sheet imports it too.
    "desil": "dtsen_decile", "desil dtsen": "dtsen_decile", "tanggal dtsen": "dtsen_date", "tgl dtsen": "dtsen_date",
}
HEADER_SEARCH_ROWS = 40  # title rows above the header that an export may have
PARENTS = {"ayah": "father_name", "ibu": "mother_name", "wali": "guardian_name"}
PARENT_DETAILS = {"nama", "tahun lahir", "jenjang pendidikan", "pekerjaan", "penghasilan", "nik"}


def field_for(key: str) -> str | None:
    """The field a header names; a parent group's "Nama" (``data ibu nama``) names the parent."""
    if key in COLUMNS:
        return COLUMNS[key]
    words = key.split()
    if words and words[-1] == "nama":
        for word, field in PARENTS.items():
            if word in words[:-1]:
                return field
    return None


def find_header(rows: list[list]) -> tuple[int, int, list[str]]:
    """(index of the first header row, number of header rows, the header of each column as one
    text). Two rows when the row under the header names parent details under their group."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [header_key(value) for value in row]
        if "nama" not in keys and "nama peserta didik" not in keys:
            continue
        if not {"nisn", "nipd", "nik", "jk", "nis"} & set(keys):
            continue
        below = rows[index + 1] if index + 1 < len(rows) else []
        below_keys = [header_key(value) for value in below]
        name_column = keys.index("nama") if "nama" in keys else keys.index("nama peserta didik")
        two_rows = bool(set(below_keys) & PARENT_DETAILS) and (
            name_column >= len(below_keys) or not below_keys[name_column])
        headers: list[str] = []
        group = ""
        width = max(len(row), len(below) if two_rows else 0)
        for column in range(width):
            top = cell_text(row[column]) if column < len(row) else ""
            sub = cell_text(below[column]) if two_rows and column < len(below) else ""
            if top:
                group = top
            if sub:
                headers.append(f"{top or group} {sub}")
            else:
                headers.append(top)
                if top:
                    group = top
        return index, 2 if two_rows else 1, headers
    raise KnownError(_("Baris judul kolom tidak ditemukan. File ekspor Dapodik \"Daftar Peserta Didik\" memuat kolom Nama, "
                       "NIPD, JK dan NISN; pastikan file yang dipilih adalah file itu."))


@without_automatic_collection
def import_students(path: str | Path, *, dry_run: bool = False, rejects: str | Path | None = None,
                    task: Task | None = None, user: User | None = None, today: dt.date | None = None,
                    values: dict[tuple[str, str], str] | None = None, unknown: str = "ask",
                    cut_identifiers: str = "keep") -> ImportSummary:
    """Checks every row of a Dapodik export, then writes new and changed students in one
    transaction (nothing with ``dry_run``, nor while a value is unanswered: ``summary.unknown``).
    The rejected rows, and those imported with a warning, go to ``rejects`` when given.
    ``values``, ``unknown`` and ``cut_identifiers`` are as for the register import."""
    user = require("student.write", user)
    task = task or Task()
    count, stream = iter_sheet(Path(path))
    lookups = StudentLookups.load(values, unknown)  # while calamine reads the sheet
    existing = list(Student.select())
    # One row at a time from the file (calamine reads the next piece meanwhile): the rows above the
    # header and the two header rows first.
    head = list(itertools.islice(stream, HEADER_SEARCH_ROWS + 1))
    header_index, header_rows, headers = find_header(head)
    mapping = {column: field for column, text in enumerate(headers) if (field := field_for(header_key(text)))}
    if "name" not in mapping.values():
        raise KnownError(_("Kolom Nama tidak ditemukan di baris judul."))
    summary = ImportSummary(headers=headers)
    summary.mapped = {headers[c]: f for c, f in mapping.items()}
    by_nisn = {s.nisn: s for s in existing if s.nisn}
    by_nik = {s.nik: s for s in existing if s.nik}
    by_nipd = {s.nipd: s for s in existing if s.nipd}
    seen: Seen = {"nisn": {}, "nik": {}, "nipd": {}}  # field -> number -> line where the file first had it
    plan: list[Planned] = []
    compact = _Compact()
    first = header_index + header_rows
    total = max(count - first, 0)
    # Each row's mapped cells taken in one step (a short row padded with empty cells).
    fields, width = list(mapping.values()), max(mapping) + 1
    pick = operator.itemgetter(*mapping) if len(mapping) > 1 else (lambda row: (row[next(iter(mapping))],))
    for offset, row in enumerate(itertools.chain(head[first:], stream)):
        line = first + offset + 1
        if offset % 500 == 0:
            task.step_of(offset, total, _("Memeriksa baris {done} dari {total}"))
        if blank_row(row):
            continue
        result = RowResult(line, "new", row)  # the row read from the sheet is this loop's own: kept, not copied
        summary.rows.append(result)
        cells = dict(zip(fields, pick(row if len(row) >= width else [*row, *[None] * (width - len(row))]), strict=True))
        check = RowCheck()
        cleaned = clean(cells, lookups, today=today, check=check, cut=cut_identifiers)
        if check.damaged:
            check.settle(identified=any(cleaned.get(key) for key in ("nisn", "nik", "nipd")))
        student: Student | None = None
        changes: dict = {}
        if not check.problems:
            student, changes = check.run(_match, cleaned, line, by_nisn, by_nik, by_nipd, seen) or (None, {})
        else:  # refused already: the file's own repeats are said too, so one correction round fixes the row
            check.run(_repeated, cleaned, line, seen, keep=True)
        if check.problems or check.warnings or check.pending or check.incomplete:  # a clean row keeps its own
            check.apply(result)
        if result.status == "error" or check.pending:
            continue
        result.status = "new" if student is None else ("update" if changes else "unchanged")
        if len(plan) >= PREVIEW_ROWS and not (result.warnings or result.incomplete):
            result.original = []  # a clean row's cells are in the file: only the first ones are kept to show
        plan.append((result, student, changes if student is not None else compact(cleaned)))
    summary.unknown = lookups.mapper.unknown
    if rejects and (summary.counts().get("error") or summary.warned):  # before anything is written
        write_rejects(summary, rejects)
        with writing():  # the rejected rows carry names and identifiers: the file is an export
            audit.record("export", "rejects", "", {"file": str(rejects), "rows": len(summary.rows),
                                                   "dry_run": dry_run}, user)
    if not dry_run and not summary.unknown and any(result.status in ("new", "update") for result, _s, _c in plan):
        _write(plan, summary, user, task, lookups)
        summary.written = True
    return summary


Seen = dict[str, dict[str, int]]
NewStudent = tuple[tuple[str, ...], tuple]  # a new student's fields, and their values in that order
Planned = tuple[RowResult, Student | None, dict | NewStudent]  # the row, the student it updates and how, or a new one
# Fields whose value many students share (a school's rombel, birth place, bank): one text for all.
SHARED = frozenset({"birth_place", "bank", "pip_reason", "rt", "rw", "religion", "kelurahan", "class_group",
                    "kps_recipient", "pip_eligible", "sex", "grade"})


class _Compact:
    """A new student kept until the write in about half the memory of its dict: the field names once
    for all rows of the same fields, the values in a tuple, a value many share held once. A district's
    50,000 students are all held at once before the write."""

    def __init__(self) -> None:
        # the fields of a row -> (the same, and where the shared ones are with the values held for each)
        self.shapes: dict[tuple[str, ...], tuple[tuple[str, ...], list[tuple[int, dict]]]] = {}
        self.common: dict[str, dict] = {key: {} for key in SHARED}  # by field: 1 is a grade, True a yes

    def __call__(self, cleaned: dict) -> NewStudent:
        keys = tuple(cleaned)
        if (shape := self.shapes.get(keys)) is None:
            shape = self.shapes[keys] = (keys, [(at, self.common[key]) for at, key in enumerate(keys) if key in SHARED])
        values = list(cleaned.values())
        for at, held in shape[1]:
            value = values[at]
            values[at] = held.setdefault(value, value) if len(held) < 10_000 else value
        return shape[0], tuple(values)


def _numbers(cleaned: dict) -> list[tuple[str, str]]:
    """The row's NISN, NIK and NIPD that are filled, as (field, number)."""
    return [(key, str(cleaned[key])) for key in ("nisn", "nik", "nipd") if cleaned.get(key)]


def _repeated(cleaned: dict, line: int, seen: Seen, *, keep: bool = False,
              keys: list[tuple[str, str]] | None = None) -> None:
    """Refuses a NISN, NIK or NIPD an earlier row of the file already has; ``keep``: this row's numbers
    are remembered for the rows after it even though it is refused for another reason."""
    keys = _numbers(cleaned) if keys is None else keys
    repeats = [(key, number) for key, number in keys if number in seen[key]]
    if keep:
        for key, number in keys:
            seen[key].setdefault(number, line)
    if repeats:
        key, number = repeats[0]
        raise RowError(LABELS[key], _("{column} {number} sudah ada di baris {line} file ini; hapus baris rangkap.").format(
            column=LABELS[key], number=number, line=seen[key][number]))


def _match(cleaned: dict, line: int, by_nisn: dict, by_nik: dict, by_nipd: dict,
           seen: Seen) -> tuple[Student | None, dict]:
    """The student this row is (or None for a new one) and the fields it changes."""
    keys = _numbers(cleaned)
    if not keys:
        raise RowError(LABELS["nisn"], _("NISN, NIK dan NIPD kosong semua; isi paling sedikit satu agar siswa dapat dikenali."))
    _repeated(cleaned, line, seen, keys=keys)
    indexes = {"nisn": by_nisn, "nik": by_nik, "nipd": by_nipd}
    student = None
    for key, number in keys:
        student = indexes[key].get(number)
        if student is not None:
            break
    for key, index in (("nisn", by_nisn), ("nik", by_nik)):
        owner = index.get(cleaned.get(key)) if cleaned.get(key) else None
        if owner is not None and student is not None and owner.id != student.id:
            raise RowError(LABELS[key], _("{column} {number} milik siswa lain ({name}). Periksa baris ini.").format(
                column=LABELS[key], number=cleaned[key], name=owner.name))
    if student is not None:  # the number is this student's only if the row describes the same child
        here = Identity(str(cleaned.get("name") or ""), str(cleaned.get("sex") or ""), cleaned.get("birth_date"),
                        _("baris {line}").format(line=line))
        record = Identity(student.name, student.sex, student.birth_date, _("NISN {number}").format(number=student.nisn or "-"))
        if differences := identity_conflict(here, record):
            key, number = next((k, n) for k, n in keys if indexes[k].get(n) is student)
            raise RowError(LABELS[key], conflict_reason(LABELS[key], number, here, record, differences))
    for key, number in keys:
        seen[key][number] = line
    if student is None:
        if "sex" not in cleaned:
            raise RowError(LABELS["sex"], _("Kolom JK tidak ada; siswa baru butuh jenis kelamin."))
        if "birth_date" not in cleaned:
            raise RowError(LABELS["birth_date"], _("Kolom Tanggal Lahir tidak ada; siswa baru butuh tanggal lahir."))
        return None, {}
    changes: dict = {}
    for key, value in cleaned.items():
        current = getattr(student, "kelurahan_code" if key == "kelurahan" else key)
        if isinstance(value, bool):
            if bool(current) != value:
                changes[key] = value
        elif value not in ("", None) and value != current:
            changes[key] = value  # a blank cell never erases what the school already has
    return student, changes


def _write(plan: list[Planned], summary: ImportSummary, user: User | None,
           task: Task, lookups: StudentLookups) -> None:
    stamp = now()
    new_rows = [values for result, _student, values in plan if result.status == "new" and isinstance(values, tuple)]
    shapes = {keys: None for keys, _values in new_rows}  # the fields of a new row: the same on (nearly) all
    columns = sorted(set().union(*shapes, ("nisn", "nik", "name")))
    fields = Student._meta.fields
    defaults = [fields[key].default() if callable(fields[key].default) else fields[key].default for key in columns]
    unique = [columns.index(key) for key in ("nisn", "nik")]  # unique: empty means none
    name_at = columns.index("name")
    with writing():
        # New students through the bulk writer (executemany / COPY): a district office's
        # 50,000 rows would spend most of their time building one INSERT each.
        if new_rows:
            # Dates as the text the database keeps (``ready``), converted here: only the date columns.
            writer = BulkWriter(Student, (*columns, "name_key", "created_at", "updated_at"), ready=True)
            days = [columns.index(key) for key in columns if isinstance(fields[key], pw.DateField)]
            stamp_text = stamp.isoformat(" ", "seconds")
            # Where each column is in a row of each shape (its default where the row has no such field).
            places = {keys: [(keys.index(key) if key in keys else None, default)
                             for key, default in zip(columns, defaults, strict=True)] for keys in shapes}
            for count, (keys, values) in enumerate(new_rows):
                if count % 1000 == 0:
                    task.step_of(count, len(plan), _("Menyimpan baris {done} dari {total}"))
                row = [values[at] if at is not None else default for at, default in places[keys]]
                for index in unique:
                    row[index] = row[index] or None
                for index in days:
                    if (day := row[index]) is not None:
                        row[index] = day.isoformat()
                writer.add((*row, name_key(str(row[name_at])), stamp_text, stamp_text))
            writer.close()
        for result, student, changes in plan:
            if result.status == "update" and isinstance(changes, dict):
                update = dict(changes)
                if "name" in update:
                    update["name_key"] = name_key(str(update["name"]))
                assert student is not None  # an update names its student
                Student.update(**update, updated_at=stamp).where(Student.id == student.id).execute()
        lookups.mapper.remember(user)
        counts = summary.counts()
        audit.record("import", "student", "", {"new": counts.get("new", 0), "update": counts.get("update", 0),
                                               "error": counts.get("error", 0)}, user)
