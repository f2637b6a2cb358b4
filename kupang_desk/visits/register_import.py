"""Importing the old patient-and-visit registers kept in Excel or CSV.

The sheet may start with merged title rows; the header is the first row that names
enough known columns, in any order and letter case. Each row ends as new (imported),
unchanged (already in the database, or repeated in the file) or error, with the column
and the reason. Everything valid is written in one transaction (or nothing, with
all-or-nothing), fast enough for five years of registers (python-calamine reads,
the bulk writer writes).
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw

from kupang_desk import audit, clock
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.imports.rows import (
    PREVIEW_ROWS,
    ImportSummary,
    RowCheck,
    RowResult,
    answered,
    blank_row,
    cell_text,
    check_lengths,
    checked_identifier,
    checked_name,
    filled,
    read_cell,
    write_rejects,
)
from kupang_desk.imports.sheets import header_key, iter_sheet, parse_date
from kupang_desk.imports.values import (
    ValueMapper,
    fixed_vocabulary,
    kelurahan_vocabulary,
    payment_vocabulary,
    poli_vocabulary,
)
from kupang_desk.models import (
    Icd10,
    LateChange,
    Patient,
    PatientIdentifier,
    PaymentType,
    Poli,
    SentReport,
    User,
    Visit,
    VisitDiagnosis,
    day_of,
    now,
    writing,
)
from kupang_desk.models.bulk import (
    CHUNK,
    BulkWriter,
    counted_after_load,
    lock_patient_numbers,
    reserve_ids,
    select_in,
)
from kupang_desk.names import Identity, conflict_reason, identity_conflict, name_key
from kupang_desk.patients.numbers import Pattern, next_no_rm
from kupang_desk.tasks import Task, without_automatic_collection
from kupang_desk.validators import age_at, check_nik
from kupang_desk.visits import locks
from kupang_desk.visits.diagnoses import DiagnosisRow, diagnosis_rows
from kupang_desk.visits.icd import normalize_code
from kupang_desk.visits.recording import refresh_new_visit_flags

COLUMNS = {  # normalized header -> field
    "tanggal kunjungan": "visit_date", "tgl kunjungan": "visit_date", "no rm": "no_rm", "nomor rm": "no_rm",
    "nik": "nik", "nama": "name", "nama pasien": "name", "jenis kelamin": "sex", "jk": "sex", "l/p": "sex",
    "tanggal lahir": "birth_date", "tgl lahir": "birth_date", "kelurahan": "kelurahan", "poli": "poli",
    "cara bayar": "payment", "kunjungan": "visit_kind", "diagnosa": "diagnoses", "diagnosis": "diagnoses",
    "kasus": "cases",
}
REQUIRED = ("visit_date", "name", "sex", "birth_date", "diagnoses")
LABELS = {"visit_date": "Tanggal Kunjungan", "no_rm": "No RM", "nik": "NIK", "name": "Nama", "sex": "Jenis Kelamin",
          "birth_date": "Tanggal Lahir", "kelurahan": "Kelurahan", "poli": "Poli", "payment": "Cara Bayar",
          "visit_kind": "Kunjungan", "diagnoses": "Diagnosa", "cases": "Kasus"}
# What a NIK that Excel may have cut becomes: kept with a warning, or left out ("perlu dilengkapi").
CUT_CHOICES = ("keep", "empty")


HEADER_SEARCH_ROWS = 30  # title rows above the header that a register may have


def find_header(rows: list[list], extra: dict[str, str] | None = None) -> tuple[int, dict[int, str]]:
    """Index of the header row and {column index: field}; title rows above it are skipped.

    ``extra`` maps more headers (as the clerk chose them in the wizard) to fields.
    """
    known = {**COLUMNS, **{header_key(k): v for k, v in (extra or {}).items() if v}}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping = {position: known[header_key(value)] for position, value in enumerate(row)
                   if header_key(value) in known}
        if len(set(mapping.values())) >= 3:
            missing = [LABELS[f] for f in REQUIRED if f not in mapping.values()]
            if missing:
                raise KnownError(_("Kolom wajib tidak ada di baris judul: {columns}.").format(columns=", ".join(missing)))
            return index, mapping
    raise KnownError(_("Baris judul kolom tidak ditemukan. Baris pertama tabel harus memuat judul seperti "
                       "Tanggal Kunjungan, Nama, Jenis Kelamin, Tanggal Lahir, Diagnosa."))


@dataclass
class Lookups:
    """Everything a row is checked against, loaded once for the whole file."""

    mapper: ValueMapper
    codes: set[str]
    default_poli: str
    default_payment: str
    no_rm_width: int | None
    # (Diagnosa, Kasus) as the file wrote them -> their rows, for the pairs that passed: a register
    # repeats a few thousand pairs over its 50,000 rows.
    diagnoses: dict[tuple[str, str | None], list[DiagnosisRow]] = field(default_factory=dict)
    # A person's cells (``PERSON``) as the file wrote them -> what they checked to, for those that passed
    # clean: a register names each patient at every visit.
    people: dict[tuple, tuple] = field(default_factory=dict)
    days: dict[str, dt.date] = field(default_factory=dict)  # a Tanggal Kunjungan as written -> its day

    @classmethod
    def load(cls, answers: dict[tuple[str, str], str] | None = None, unknown: str = "ask") -> Lookups:
        mapper = ValueMapper([
            payment_vocabulary(LABELS["payment"]), poli_vocabulary(LABELS["poli"]), kelurahan_vocabulary(LABELS["kelurahan"]),
            fixed_vocabulary("sex", LABELS["sex"], optional=False), fixed_vocabulary("visit_kind", LABELS["visit_kind"]),
            fixed_vocabulary("cases", LABELS["cases"], optional=False),
        ], answers, unknown=unknown)
        codes = {code for (code,) in Icd10.select(Icd10.code).tuples()}
        default_poli = str(Poli.select().order_by(Poli.sort_order).first().id)
        default_payment = str(PaymentType.select().order_by(PaymentType.sort_order).first().id)
        pattern = Pattern.current()
        return cls(mapper, codes, default_poli, default_payment, pattern.width if pattern.kind == "running" else None)


@dataclass(slots=True)  # one per row of a file: kept small
class Prepared:
    line: int
    nik: str | None
    no_rm: str
    name: str
    sex: str
    birth_date: dt.date
    kelurahan: str | None
    visit_at: dt.datetime
    poli: str  # an entry key of the mapper: an id, or a new entry's placeholder
    payment: str
    is_new_visit: bool | None
    diagnoses: list[DiagnosisRow]


def _split(value: object) -> list[str]:
    """``J06.9; I10`` (or with commas) as its parts."""
    text = value if isinstance(value, str) else cell_text(value)
    return [" ".join(part.split()) for part in text.replace(",", ";").split(";") if part.strip()]


def _diagnoses(check: RowCheck, values: dict, lookups: Lookups) -> list[DiagnosisRow]:
    codes, cases = values.get("diagnoses"), values.get("cases")
    key = (codes, cases) if type(codes) is str and (cases is None or type(cases) is str) else None
    if key is not None and key in lookups.diagnoses:
        return lookups.diagnoses[key]
    problems, pending = len(check.problems), len(check.pending)
    rows = _read_diagnoses(check, values, lookups)
    if key is not None and rows and len(check.problems) == problems and len(check.pending) == pending:
        lookups.diagnoses[key] = rows  # shared by the rows that repeat it: DiagnosisRow is frozen
    return rows


def _read_diagnoses(check: RowCheck, values: dict, lookups: Lookups) -> list[DiagnosisRow]:
    codes_text = _split(values.get("diagnoses"))
    if not codes_text:
        check.problem(LABELS["diagnoses"], _("Diagnosa kosong; isi kode ICD-10, dipisah titik koma."))
        return []
    codes = [normalize_code(text) or "" for text in codes_text]  # "" is no code: refused below
    unknown = [text for text, code in zip(codes_text, codes, strict=True) if code not in lookups.codes]
    if unknown:
        check.problem(LABELS["diagnoses"], _("Kode ICD-10 tidak dikenal: {codes}.").format(codes=", ".join(unknown)))
    cases_text = _split(values.get("cases"))
    if cases_text and len(cases_text) != len(codes_text):
        check.problem(LABELS["cases"], _("Kasus harus sebanyak Diagnosa ({count}), dipisah titik koma.").format(
            count=len(codes_text)))
        return []
    answers = [check.run(lookups.mapper.lookup, "cases", text) for text in cases_text]
    cases = [case for case in answers if case is not None] if cases_text else ["baru"] * len(codes)
    if unknown or len(cases) != len(codes):
        return []
    # Each code with its own kasus, a repeated code once (its first occurrence and kasus).
    return diagnosis_rows(list(zip(codes, (case == "baru" for case in cases), strict=True)))


# The cells that describe the person (not the visit): a register repeats them for every visit of one
# patient, and checks them once per spelling. Numbers are left out of that (1 and 1.0 are one key).
PERSON = ("name", "nik", "no_rm", "sex", "birth_date")
_NUMBERS = frozenset((int, float, bool))
# Distinct people (and visit days) remembered: a file of 200,000 new patients keeps a quarter of them.
PEOPLE_KEPT = 50_000


def _person(check: RowCheck, values: dict[str, object], lookups: Lookups, today: dt.date,
            cut: str) -> tuple[str | None, str | None, str, str | None, dt.date | None]:
    """The person's cells of a row checked: (name, NIK, No. RM, sex, birth date), the problems noted
    in ``check``."""
    label = LABELS
    mapper = lookups.mapper
    name = checked_name(check, values.get("name"), label["name"])
    nik = checked_identifier(check, values.get("nik"), "nik", label["nik"], check_nik, cut) or None
    no_rm_read = read_cell(check, values.get("no_rm"), "code", label["no_rm"], length=lookups.no_rm_width)
    no_rm = no_rm_read.text if no_rm_read else ""
    check_lengths(check, Patient, {"no_rm": no_rm, "name": name or ""}, label)
    sex = check.run(mapper.lookup, "sex", values.get("sex"))
    if sex is None and not filled(values.get("sex")):
        check.problem(label["sex"], _("Jenis Kelamin wajib diisi: L atau P."))
    birth = check.run(parse_date, values.get("birth_date"), label["birth_date"])
    if birth is not None and birth > today:
        check.problem(label["birth_date"], _("{column} sesudah hari ini tidak dapat diimpor.").format(
            column=label["birth_date"]))
    if birth is not None and birth.year < today.year - 130:
        check.problem(label["birth_date"], _("Tanggal Lahir lebih dari 130 tahun lalu."))
    return name, nik, no_rm, sex, birth


def prepare_row(values: dict[str, object], lookups: Lookups, line: int, today: dt.date, *,
                cut: str = "keep") -> tuple[Prepared | None, RowCheck]:
    """Checks one row whole: (the row ready to write, or None when it is rejected; every problem)."""
    label = LABELS
    check = RowCheck()
    mapper = lookups.mapper
    person = tuple(map(values.get, PERSON))
    plain = _NUMBERS.isdisjoint(map(type, person))
    checked = lookups.people.get(person) if plain else None
    if checked is not None:  # this person's cells again, checked clean before: the same answers
        name, nik, no_rm, sex, birth = checked
    else:
        name, nik, no_rm, sex, birth = _person(check, values, lookups, today, cut)
        if plain and len(lookups.people) < PEOPLE_KEPT and not (
                check.problems or check.warnings or check.damaged or check.pending):
            lookups.people[person] = (name, nik, no_rm, sex, birth)
    kelurahan = answered(check, mapper, "kelurahan", values.get("kelurahan"))
    cell = values.get("visit_date")
    visit = lookups.days.get(cell) if type(cell) is str else None  # a register's days repeat: each read once
    if visit is None:
        visit = check.run(parse_date, cell, label["visit_date"])
        if visit is not None and type(cell) is str and len(lookups.days) < PEOPLE_KEPT:
            lookups.days[cell] = visit
    if visit is not None and visit > today:
        check.problem(label["visit_date"], _("{column} sesudah hari ini tidak dapat diimpor.").format(
            column=label["visit_date"]))
    if birth is not None and visit is not None and visit < birth:
        check.problem(label["visit_date"], _("Tanggal Kunjungan sebelum Tanggal Lahir."))
    poli = answered(check, mapper, "poli", values.get("poli"), lookups.default_poli)
    payment = answered(check, mapper, "payment", values.get("payment"), lookups.default_payment)
    kind = answered(check, mapper, "visit_kind", values.get("visit_kind"))
    diagnoses = _diagnoses(check, values, lookups)
    check.settle(identified=bool(no_rm))
    if (check.problems or name is None or sex is None or birth is None or visit is None or poli is None
            or payment is None or not diagnoses):
        return None, check
    return Prepared(line, nik, no_rm, name, sex, birth, kelurahan, dt.datetime.combine(visit, dt.time(8, 0)), poli,
                    payment, None if kind is None else kind == "baru", diagnoses), check


@without_automatic_collection
def import_register(path: str | Path, *, dry_run: bool = False, all_or_nothing: bool = False,
                    rejects: str | Path | None = None, task: Task | None = None,
                    today: dt.date | None = None, columns: dict[str, str] | None = None, user: User | None = None,
                    values: dict[tuple[str, str], str] | None = None, unknown: str = "ask",
                    cut_identifiers: str = "keep") -> ImportSummary:
    """Checks every row, then writes the valid ones in one transaction (none with ``dry_run``,
    or none at all when ``all_or_nothing`` and any row is rejected).

    ``values`` answers the values the file spells differently from the lists ({(column,
    value): entry}); while any is unanswered (``summary.unknown``) nothing is written, unless
    ``unknown`` is "add" (new poli or cara bayar) or "reject" (those rows are rejected).
    ``cut_identifiers`` "empty" leaves out a NIK that Excel may have cut instead of keeping it.
    """
    user = require("import.run", user)
    if cut_identifiers not in CUT_CHOICES:
        raise ValueError(cut_identifiers)
    task = task or Task()
    today = today or clock.today()
    # One row at a time from the file: the sheet is never held whole beside the rows checked from it.
    count, stream = iter_sheet(Path(path))
    lookups = Lookups.load(values, unknown)  # while calamine reads the sheet
    head = list(itertools.islice(stream, HEADER_SEARCH_ROWS))
    header_index, mapping = find_header(head, columns)
    summary = ImportSummary(headers=[cell_text(v) for v in head[header_index]])
    summary.mapped = {summary.headers[i]: f for i, f in mapping.items() if i < len(summary.headers)}
    prepared: list[Prepared] = []
    total = max(count - header_index - 1, 0)
    # Each row's mapped cells taken in one step; a row shorter than the header gives only what it has.
    fields, last = list(mapping.values()), max(mapping)
    pick = operator.itemgetter(*mapping) if len(mapping) > 1 else None
    for offset, row in enumerate(itertools.chain(head[header_index + 1:], stream)):
        line = header_index + offset + 2
        if offset % 5000 == 0:
            task.step_of(offset, total, _("Memeriksa baris {done} dari {total}"))
        if blank_row(row):
            continue  # blank rows are ignored
        result = RowResult(line, "new", row)  # the row read from the sheet is this loop's own: kept, not copied
        cells = dict(zip(fields, pick(row), strict=True)) if pick is not None and len(row) > last else \
            {mapping[i]: v for i, v in enumerate(row) if i in mapping}
        item, check = prepare_row(cells, lookups, line, today, cut=cut_identifiers)
        if check.problems or check.warnings or check.pending or check.incomplete:  # a clean row keeps its own
            check.apply(result)
        if item is not None:
            prepared.append(item)
        if len(summary.rows) >= PREVIEW_ROWS and result.status != "error" and not (result.warnings or result.pending):
            result.original = []  # a clean row's cells are in the file: only the first ones are kept to show
        summary.rows.append(result)
    summary.unknown = lookups.mapper.unknown
    by_line = {row.line: row for row in summary.rows}
    prepared = _refuse_other_people(prepared, by_line)
    _recall_cells(Path(path), [row for row in summary.rows if row.status == "error" and not row.original])
    errors = any(row.status == "error" for row in summary.rows)
    if rejects:  # before anything is written: a rejects file that cannot be written stops the import
        write_rejects(summary, rejects)
        with writing():  # the rejected rows carry names and identifiers: the file is an export
            audit.record("export", "rejects", "", {"file": str(rejects), "rows": len(summary.rows),
                                                   "dry_run": dry_run}, user)
    if not dry_run and not summary.unknown and not (all_or_nothing and errors):
        sent = _write(prepared, by_line, task, lookups.mapper, user, reason=_("diimpor dari {file}").format(
            file=Path(path).name))
        summary.written = True
    else:
        _mark_unchanged(prepared, by_line)
        sent = locks.sent_covering(row.visit_at.date() for row in prepared if by_line[row.line].status == "new")
    summary.late = [locks.describe(row) for row in sent]
    return summary


def _recall_cells(path: Path, results: list[RowResult]) -> None:
    """The cells of rows refused after their cells were let go (a clean row past the first
    thousand that turned out to name someone else), read again from the file for the rejects file."""
    wanted = {result.line: result for result in results}
    if not wanted:
        return
    _count, stream = iter_sheet(path)
    for number, row in enumerate(stream, start=1):
        if number in wanted:
            wanted.pop(number).original = list(row)
            if not wanted:
                return


def _refuse_other_people(prepared: list[Prepared], by_line: dict[int, RowResult]) -> list[Prepared]:
    """Rows whose NIK or No. RM belongs to someone else (an existing patient, or an earlier row of
    the file) whose birth date, sex or name differs become row errors naming both people: a visit is
    never attached to the wrong person (nor, with it, dated before that person's birth)."""
    by_nik, by_no_rm = _existing_patients(prepared)
    records: dict[int, Identity] = {}
    for pid, name, sex, born, no_rm in select_in("SELECT id, name, sex, birth_date, no_rm FROM patient WHERE id IN ({})",
                                                 sorted({*by_nik.values(), *by_no_rm.values()})):
        records[pid] = Identity(name, sex, day_of(born), _("No RM {number}").format(number=no_rm))
    first_rows: dict[tuple[str, str], Prepared] = {}
    kept = []
    for row in prepared:
        conflict = None
        for column, value, index in ((LABELS["nik"], row.nik, by_nik), (LABELS["no_rm"], row.no_rm, by_no_rm)):
            if not value:
                continue
            if value in index:
                owner = records.get(index[value])
            elif (first := first_rows.setdefault((column, value), row)) is row or (
                    (first.name, first.sex, first.birth_date) == (row.name, row.sex, row.birth_date)):
                continue  # the first row with the number, or the same person again (most rows): nothing to tell apart
            else:
                owner = _row_identity(first)
            here = _row_identity(row)
            if owner is not None and (differences := identity_conflict(here, owner)):
                conflict = (column, conflict_reason(column, value, here, owner, differences))
                break
        if conflict is None:
            kept.append(row)
            continue
        result = by_line[row.line]
        result.problems.append(conflict)
        result.status = "error"
    return kept


def _row_identity(row: Prepared) -> Identity:
    return Identity(row.name, row.sex, row.birth_date, _("baris {line}").format(line=row.line))


def _existing_by_person(prepared: list[Prepared]) -> dict[tuple, int]:
    """Patients with neither NIK nor No. RM in the file are matched by folded name, birth
    date and sex, so that importing the same file twice adds nothing."""
    births = sorted({p.birth_date.isoformat() for p in prepared if not p.nik and not p.no_rm})
    found: dict[tuple, int] = {}
    for pid, key, born, sex in select_in("SELECT id, name_key, birth_date, sex FROM patient "
                                         "WHERE merged_into_id IS NULL AND birth_date IN ({}) ORDER BY id", births):
        found.setdefault((key, day_of(born), sex), pid)
    return found


def _existing_patients(prepared: list[Prepared]) -> tuple[dict[str, int], dict[str, int]]:
    niks = sorted({p.nik for p in prepared if p.nik})
    numbers = sorted({p.no_rm for p in prepared if p.no_rm})
    by_nik: dict[str, int] = {}
    by_no_rm: dict[str, int] = {}
    for pid, nik, merged in select_in("SELECT id, nik, merged_into_id FROM patient WHERE nik IN ({})", niks):
        by_nik[nik] = merged or pid
    identifiers = f"SELECT patient_id, value FROM {PatientIdentifier._meta.table_name} WHERE kind = 'nik' AND value IN ({{}})"
    for pid, value in select_in(identifiers, niks):
        by_nik.setdefault(value, pid)
    for pid, no_rm, merged in select_in("SELECT id, no_rm, merged_into_id FROM patient WHERE no_rm IN ({})", numbers):
        by_no_rm[no_rm] = merged or pid
    return by_nik, by_no_rm


def _visit_keys(patient_ids: list[int]) -> set[tuple]:
    """(patient, day, poli, codes) of the visits already recorded for these patients."""
    keys: dict[int, tuple] = {}
    for chunk in pw.chunked(patient_ids, 500):
        visits = {vid: (pid, day_of(at), poli) for vid, pid, at, poli in select_in(
            "SELECT id, patient_id, visit_at, poli_id FROM visit WHERE deleted_at IS NULL AND patient_id IN ({})", chunk)}
        codes: dict[int, list[str]] = {}
        for vid, code in select_in("SELECT visit_id, icd10_code FROM visit_diagnosis WHERE visit_id IN ({})", list(visits)):
            codes.setdefault(vid, []).append(code)
        for vid, (pid, day, poli) in visits.items():
            keys[vid] = (pid, day, poli, tuple(sorted(codes.get(vid, []))))
    return set(keys.values())


def _resolve(prepared: list[Prepared]):
    """Which rows are new visits of which (existing or new) patient."""
    by_nik, by_no_rm = _existing_patients(prepared)
    by_person = _existing_by_person(prepared)
    known = _visit_keys(sorted({*by_nik.values(), *by_no_rm.values(), *by_person.values()}))
    new_patients: dict[str, Prepared] = {}  # identity key -> first row of that person
    plan = []
    seen: set[tuple] = set()
    codes: dict[int, tuple[str, ...]] = {}  # the rows of one (Diagnosa, Kasus) spelling share their list
    for row in prepared:
        if row.nik:
            patient, identity = by_nik.get(row.nik), f"nik:{row.nik}"
            if patient is None and row.no_rm:
                patient = by_no_rm.get(row.no_rm)
        elif row.no_rm:
            patient, identity = by_no_rm.get(row.no_rm), f"rm:{row.no_rm}"
        else:
            person = (name_key(row.name), row.birth_date, row.sex)
            patient, identity = by_person.get(person), f"person:{person}"
        owner = patient if patient is not None else identity
        if (diagnosed := codes.get(id(row.diagnoses))) is None:
            diagnosed = codes[id(row.diagnoses)] = tuple(sorted(line.code for line in row.diagnoses))
        key = (owner, row.visit_at.date(), _int(row.poli), diagnosed)
        if key in known or key in seen:
            plan.append((row, owner, False))
            continue
        seen.add(key)
        if patient is None:
            new_patients.setdefault(identity, row)
        plan.append((row, owner, True))
    return plan, new_patients


def _mark_unchanged(prepared: list[Prepared], by_line: dict[int, RowResult]) -> None:
    plan, _new = _resolve(prepared)
    for row, _owner, is_new in plan:
        if not is_new:
            by_line[row.line].status = "unchanged"


def _write(prepared: list[Prepared], by_line: dict[int, RowResult], task: Task, mapper: ValueMapper,
           user: User | None, *, reason: str) -> list[SentReport]:
    """Writes the new rows; a visit dated inside a sent report's period is kept as a late change
    of that report (the reason: the import and its file), which then needs a revision."""
    with writing():
        if mapper.add_new_entries():  # the rows name new entries by placeholders until they are made
            for row in prepared:
                row.poli, row.payment = mapper.final(row.poli), mapper.final(row.payment)
        lock_patient_numbers()
        plan, new_patients = _resolve(prepared)
        stamp = now()
        patient_ids = reserve_ids(Patient, len(new_patients))
        visit_ids = reserve_ids(Visit, sum(1 for _r, _o, new in plan if new))
        with counted_after_load(patient_ids[0] if patient_ids else None, visit_ids[0] if visit_ids else None):
            ids = _add_patients(new_patients, patient_ids, stamp)
            births = {ids[identity]: (row.birth_date, row.sex) for identity, row in new_patients.items()}
            new_visit_ids = iter(visit_ids)
            existing = sorted({o for _r, o, new in plan if new and isinstance(o, int)})
            for pid, birth, sex in select_in("SELECT id, birth_date, sex FROM patient WHERE id IN ({})", existing):
                births[pid] = (day_of(birth), sex)
            # Dates go as the text the database keeps (``ready``): a register repeats its days, each written once.
            visits = BulkWriter(Visit, ("id", "patient", "visit_at", "poli", "payment_type", "is_new_visit", "age_days",
                                        "age_years", "sex", "created_at"), ready=True)
            diagnoses = BulkWriter(VisitDiagnosis, ("visit", "icd10", "is_new_case", "is_primary", "position"),
                                   parent=visits, ready=True)
            stamp_text = stamp.isoformat(" ", "seconds")
            moments: dict[dt.datetime, str] = {}
            visit_rows: list[tuple] = []
            diagnosis_rows: list[tuple] = []
            late_rows: list[tuple] = []
            # Kunjungan baru/lama where the file leaves it empty: for a new patient, the first
            # visit of each year in the file; an existing patient's years are recomputed after.
            first_of_year: dict[tuple[int, int], dt.datetime] = {}
            for row, owner, is_new in plan:
                if is_new and not isinstance(owner, int):
                    key = (ids[owner], row.visit_at.year)
                    first_of_year[key] = min(first_of_year.get(key, row.visit_at), row.visit_at)
            touched: set[int] = set()
            sent = locks.touched(row.visit_at.date() for row, _owner, is_new in plan if is_new)
            late = BulkWriter(LateChange, ("sent", "visit", "action", "reason", "at", "by"), parent=visits)
            account = who.id if (who := session.account(user)) else None
            for count, (row, owner, is_new) in enumerate(plan):
                if count % 5000 == 0:
                    task.step_of(count, len(plan), _("Menyimpan baris {done} dari {total}"))
                if not is_new:
                    by_line[row.line].status = "unchanged"
                    continue
                pid = owner if isinstance(owner, int) else ids[owner]
                birth, sex = births[pid]
                days, years = age_at(birth, row.visit_at.date())
                if row.is_new_visit is not None:
                    new_visit = row.is_new_visit
                elif isinstance(owner, int):
                    new_visit = False
                    touched.add(pid)
                else:
                    new_visit = first_of_year.pop((pid, row.visit_at.year), None) == row.visit_at
                visit_id = next(new_visit_ids)
                at = moments.get(row.visit_at) or moments.setdefault(row.visit_at, row.visit_at.isoformat(" ", "seconds"))
                visit_rows.append((visit_id, pid, at, int(row.poli), int(row.payment), new_visit, days, years, sex, stamp_text))
                diagnosis_rows.extend([(visit_id, line.code, line.is_new_case, line.is_primary, line.position)
                                       for line in row.diagnoses])
                if len(visit_rows) >= CHUNK:  # handed over a chunk at a time, the visits before what names them
                    visits.extend(visit_rows)
                    diagnoses.extend(diagnosis_rows)
                    late.extend(late_rows)
                    visit_rows, diagnosis_rows, late_rows = [], [], []
                for report in sent:
                    if report.period_start <= row.visit_at.date() <= report.period_end:
                        late_rows.append((report.id, visit_id, "create", reason[:200], stamp, account))
            visits.extend(visit_rows)
            diagnoses.extend(diagnosis_rows)
            late.extend(late_rows)
            visits.close()
            diagnoses.close()
            late.close()
        if touched:
            for pid in touched:  # existing patients: their earlier visits count too
                refresh_new_visit_flags(pid, user=user, reason=reason)
        mapper.remember(user)
        audit.record("import", "visit", "", {"new": sum(1 for _r, _o, new in plan if new),
                                             "new_patients": len(new_patients),
                                             **({"late": [locks.describe(r) for r in sent]} if sent else {})}, user)
    return sent


def _add_patients(new_patients: dict[str, Prepared], patient_ids: list[int], stamp: dt.datetime) -> dict[str, int]:
    """Writes the file's new patients, each with its No. RM from the file where no one has it yet,
    else the next one; {identity key: patient id}."""
    patients = BulkWriter(Patient, ("id", "no_rm", "nik", "name", "name_key", "sex", "birth_date", "kelurahan",
                                    "payment_type", "no_nik_reason", "created_at", "updated_at"), ready=True)
    wanted = sorted({row.no_rm for row in new_patients.values() if row.no_rm})
    # Numbers from the file already used by someone else.
    taken = {n for (n,) in select_in("SELECT no_rm FROM patient WHERE no_rm IN ({})", wanted)}
    ids: dict[str, int] = {}
    stamp_text, no_nik = stamp.isoformat(" ", "seconds"), _("Diimpor dari register lama tanpa NIK")
    for (identity, row), patient_id in zip(new_patients.items(), patient_ids, strict=True):
        number = row.no_rm if row.no_rm and row.no_rm not in taken else ""
        number = number or next_no_rm(row.kelurahan)
        taken.add(number)
        patients.add((patient_id, number, row.nik, row.name, name_key(row.name), row.sex, row.birth_date.isoformat(),
                      row.kelurahan, int(row.payment), "" if row.nik else no_nik, stamp_text, stamp_text))
        ids[identity] = patient_id
    patients.close()
    return ids


def _int(key: str) -> int | str:
    """An entry id as stored; a new entry's placeholder (dry run) stays as it is."""
    return int(key) if key.isdigit() else key
