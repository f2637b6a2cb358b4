"""Importing the old patient-and-visit registers kept in Excel or CSV.

The sheet may start with merged title rows; the header is the first row that names
enough known columns, in any order and letter case. Each row ends as new (imported),
unchanged (already in the database, or repeated in the file) or error, with the column
and the reason. Everything valid is written in one transaction (or nothing, with
all-or-nothing), fast enough for five years of registers (python-calamine reads,
the bulk writer writes).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw

from kupang_desk import audit
from kupang_desk.accounts.permissions import require
from kupang_desk.errors import KnownError, ValidationError
from kupang_desk.i18n import _
from kupang_desk.models import (
    Icd10,
    Patient,
    PatientIdentifier,
    PaymentType,
    Poli,
    Region,
    User,
    Visit,
    VisitDiagnosis,
    now,
    writing,
)
from kupang_desk.models.bulk import BulkWriter, next_id
from kupang_desk.names import name_key, tidy_name
from kupang_desk.patients.numbers import next_no_rm
from kupang_desk.tasks import Task
from kupang_desk.validators import age_at, check_name, check_nik
from kupang_desk.visits.icd import normalize_code

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
MONTHS = {name: number for number, names in enumerate((
    ("januari", "jan"), ("februari", "feb", "pebruari"), ("maret", "mar"), ("april", "apr"), ("mei",),
    ("juni", "jun"), ("juli", "jul"), ("agustus", "agu", "agt", "ags"), ("september", "sep", "sept"),
    ("oktober", "okt"), ("november", "nov", "nop"), ("desember", "des")), start=1) for name in names}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_WORD_DATE = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


class RowError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


@dataclass
class RowResult:
    line: int  # the row number in the sheet, as Excel shows it
    status: str  # "new", "update" (students), "unchanged", "error"
    original: list
    column: str = ""
    reason: str = ""


@dataclass
class ImportSummary:
    rows: list[RowResult] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    mapped: dict[str, str] = field(default_factory=dict)  # header -> field it was read as
    written: bool = False

    def counts(self) -> Counter:
        return Counter(row.status for row in self.rows)

    def describe(self) -> str:
        counts = self.counts()
        if "update" in counts:
            return _("{new} baru, {update} diperbarui, {unchanged} tidak berubah, {error} ditolak").format(
                new=counts.get("new", 0), update=counts["update"], unchanged=counts.get("unchanged", 0),
                error=counts.get("error", 0))
        return _("{new} baru, {unchanged} sudah ada, {error} ditolak").format(
            new=counts.get("new", 0), unchanged=counts.get("unchanged", 0), error=counts.get("error", 0))


def header_key(value) -> str:
    return " ".join(str(value or "").lower().replace(".", " ").replace("_", " ").split())


def read_sheet(path: Path) -> list[list]:
    """Every row of the first sheet (Excel via python-calamine, tolerant of files Excel would
    repair) or of a CSV file (comma, semicolon or tab)."""
    if not path.is_file():
        raise KnownError(_("File {path} tidak ditemukan.").format(path=path))
    if path.suffix.lower() in (".csv", ".txt"):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return [list(row) for row in csv.reader(text.splitlines(), dialect)]
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return [list(row) for row in workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)]
    except Exception as error:  # calamine raises its own types for unreadable files
        raise KnownError(_("File {path} tidak dapat dibaca sebagai Excel atau CSV ({detail}).").format(
            path=path, detail=error)) from error


def find_header(rows: list[list], extra: dict[str, str] | None = None) -> tuple[int, dict[int, str]]:
    """Index of the header row and {column index: field}; title rows above it are skipped.

    ``extra`` maps more headers (as the clerk chose them in the wizard) to fields.
    """
    known = {**COLUMNS, **{header_key(k): v for k, v in (extra or {}).items() if v}}
    for index, row in enumerate(rows[:30]):
        mapping = {position: known[header_key(value)] for position, value in enumerate(row)
                   if header_key(value) in known}
        if len(set(mapping.values())) >= 3:
            missing = [LABELS[f] for f in REQUIRED if f not in mapping.values()]
            if missing:
                raise KnownError(_("Kolom wajib tidak ada di baris judul: {columns}.").format(columns=", ".join(missing)))
            return index, mapping
    raise KnownError(_("Baris judul kolom tidak ditemukan. Baris pertama tabel harus memuat judul seperti "
                       "Tanggal Kunjungan, Nama, Jenis Kelamin, Tanggal Lahir, Diagnosa."))


def parse_date(value, column: str) -> dt.date:
    """An Excel date or date-time, an Excel serial number, or text: 05-12-2026, 05/12/2026,
    2026-12-05, 5 Desember 2026, 5 Des 2026."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value) or not 1 <= value < 2958466:
            raise RowError(column, _("{column} bukan tanggal: {value}.").format(column=column, value=value))
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = " ".join(str(value or "").split())
    if not text:
        raise RowError(column, _("{column} kosong.").format(column=column))
    try:
        if match := _NUMERIC_DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
            year += 2000 if year < 100 else 0
            return dt.date(year, month, day)
        if match := _ISO_DATE.match(text):
            return dt.date(*(int(part) for part in match.groups()))
        if (match := _WORD_DATE.match(text)) and match.group(2).lower() in MONTHS:
            return dt.date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
    except ValueError:
        pass
    raise RowError(column, _("{column} '{value}' bukan tanggal yang dikenal; tulis misalnya 05-12-2026 atau 5 Desember 2026.").format(
        column=column, value=text))


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return " ".join(str(value).split())


@dataclass
class Lookups:
    """Everything a row is checked against, loaded once for the whole file."""

    poli: dict[str, int]
    payment: dict[str, int]
    kelurahan: dict[str, str]
    codes: set[str]
    default_poli: int
    default_payment: int

    @classmethod
    def load(cls) -> Lookups:
        poli = {p.name.lower(): p.id for p in Poli.select()}
        payment = {}
        for p in PaymentType.select():
            payment[p.name.lower()] = p.id
            payment[p.code.lower()] = p.id
        payment.setdefault("bpjs", PaymentType.select().where(PaymentType.is_bpjs).first().id)
        kelurahan: dict[str, str] = {}
        for region in Region.select().where(Region.level == "desa_kelurahan").order_by(Region.code):
            kelurahan[region.name.lower()] = region.code  # Kota Kupang (53.71) sorts last and wins
        codes = {row.code for row in Icd10.select(Icd10.code)}
        default_poli = Poli.select().order_by(Poli.sort_order).first().id
        default_payment = PaymentType.select().order_by(PaymentType.sort_order).first().id
        return cls(poli, payment, kelurahan, codes, default_poli, default_payment)


@dataclass
class Prepared:
    line: int
    nik: str | None
    no_rm: str
    name: str
    sex: str
    birth_date: dt.date
    kelurahan: str | None
    visit_at: dt.datetime
    poli: int
    payment: int
    is_new_visit: bool | None
    diagnoses: list[tuple[str, bool]]


def prepare_row(values: dict[str, object], lookups: Lookups, line: int, today: dt.date) -> Prepared:
    """Checks one row; raises ``RowError`` naming the column and the reason."""
    label = LABELS
    nik_value = values.get("nik")
    if isinstance(nik_value, float) and nik_value.is_integer() and 0 < nik_value < 2**53:
        # A NIK typed into a number cell. Excel keeps 15 significant digits, so a 16th
        # digit of 0 may be one it dropped; any other last digit survived intact.
        if nik_value >= 1e15 and int(nik_value) % 10 == 0:
            raise RowError(label["nik"], _("NIK tersimpan sebagai angka {value:.0f}; digit terakhirnya mungkin hilang karena Excel. "
                                           "Ketik ulang dari KTP/KK dan format kolomnya sebagai Teks.").format(value=nik_value))
        nik_value = str(int(nik_value))
    try:
        name = check_name(values.get("name"), field=label["name"]).value
        nik = check_nik(nik_value, field=label["nik"], required=False).value or None
    except ValidationError as error:
        raise RowError(error.field, error.message) from None
    sex_text = cell_text(values.get("sex")).upper()
    sex = {"L": "L", "P": "P", "LAKI-LAKI": "L", "LAKI LAKI": "L", "PEREMPUAN": "P", "WANITA": "P", "PRIA": "L"}.get(sex_text)
    if sex is None:
        raise RowError(label["sex"], _("Jenis Kelamin harus L atau P, bukan '{value}'.").format(value=sex_text))
    birth = parse_date(values.get("birth_date"), label["birth_date"])
    visit = parse_date(values.get("visit_date"), label["visit_date"])
    if birth > today or visit > today:
        raise RowError(label["visit_date"] if visit > today else label["birth_date"],
                       _("Tanggal sesudah hari ini tidak dapat diimpor."))
    if visit < birth:
        raise RowError(label["visit_date"], _("Tanggal Kunjungan sebelum Tanggal Lahir."))
    if birth.year < today.year - 130:
        raise RowError(label["birth_date"], _("Tanggal Lahir lebih dari 130 tahun lalu."))
    kelurahan_text = cell_text(values.get("kelurahan")).lower()
    kelurahan = lookups.kelurahan.get(kelurahan_text) if kelurahan_text else None
    if kelurahan_text and kelurahan is None:
        raise RowError(label["kelurahan"], _("Kelurahan '{value}' tidak dikenal di NTT.").format(value=kelurahan_text))
    poli_text = cell_text(values.get("poli")).lower()
    poli = lookups.poli.get(poli_text) if poli_text else lookups.default_poli
    if poli is None:
        raise RowError(label["poli"], _("Poli '{value}' tidak ada di daftar poli (Pengaturan).").format(value=poli_text))
    payment_text = cell_text(values.get("payment")).lower()
    payment = lookups.payment.get(payment_text) if payment_text else lookups.default_payment
    if payment is None:
        raise RowError(label["payment"], _("Cara Bayar '{value}' tidak ada di daftar cara bayar.").format(value=payment_text))
    kind = cell_text(values.get("visit_kind")).lower()
    is_new = {"baru": True, "b": True, "lama": False, "l": False}.get(kind) if kind else None
    if kind and is_new is None:
        raise RowError(label["visit_kind"], _("Kunjungan harus Baru atau Lama, bukan '{value}'.").format(value=kind))
    codes_text = [c for c in (cell_text(part) for part in str(values.get("diagnoses") or "").replace(",", ";").split(";")) if c]
    if not codes_text:
        raise RowError(label["diagnoses"], _("Diagnosa kosong; isi kode ICD-10, dipisah titik koma."))
    codes = []
    for text in codes_text:
        code = normalize_code(text)
        if code not in lookups.codes:
            raise RowError(label["diagnoses"], _("Kode ICD-10 '{code}' tidak dikenal.").format(code=text))
        if code not in codes:
            codes.append(code)
    cases_text = [cell_text(part).lower() for part in str(values.get("cases") or "").split(";")]
    cases_text = [c for c in cases_text if c]
    if cases_text and len(cases_text) != len(codes_text):
        raise RowError(LABELS["cases"], _("Kasus harus sebanyak Diagnosa ({count}), dipisah titik koma.").format(count=len(codes_text)))
    new_cases = []
    for text in cases_text or ["baru"] * len(codes):
        if text not in ("baru", "lama", "b", "l"):
            raise RowError(LABELS["cases"], _("Kasus harus Baru atau Lama, bukan '{value}'.").format(value=text))
        new_cases.append(text.startswith("b"))
    return Prepared(line, nik, cell_text(values.get("no_rm")).upper(), tidy_name(name), sex, birth, kelurahan,
                    dt.datetime.combine(visit, dt.time(8, 0)), poli, payment, is_new,
                    list(zip(codes, new_cases[:len(codes)], strict=False)))


def import_register(path: str | Path, *, dry_run: bool = False, all_or_nothing: bool = False,
                    rejects: str | Path | None = None, task: Task | None = None,
                    today: dt.date | None = None, columns: dict[str, str] | None = None, user: User | None = None) -> ImportSummary:
    """Checks every row, then writes the valid ones in one transaction (none with ``dry_run``,
    or none at all when ``all_or_nothing`` and any row is rejected)."""
    user = require("import.run", user)
    task = task or Task()
    today = today or dt.date.today()
    rows = read_sheet(Path(path))
    header_index, mapping = find_header(rows, columns)
    summary = ImportSummary(headers=[cell_text(v) for v in rows[header_index]])
    summary.mapped = {summary.headers[i]: f for i, f in mapping.items() if i < len(summary.headers)}
    lookups = Lookups.load()
    prepared: list[Prepared] = []
    total = len(rows) - header_index - 1
    for offset, row in enumerate(rows[header_index + 1:]):
        line = header_index + offset + 2
        if offset % 5000 == 0:
            task.step(offset, total, _("Memeriksa baris {done} dari {total}").format(done=offset, total=total))
        if all(cell_text(v) == "" for v in row):
            continue  # blank rows are ignored
        values = {mapping[i]: v for i, v in enumerate(row) if i in mapping}
        result = RowResult(line, "new", list(row))
        try:
            prepared.append(prepare_row(values, lookups, line, today))
        except RowError as error:
            result.status, result.column, result.reason = "error", error.column, error.reason
        except Exception as error:  # anything unforeseen in a cell is that row's error, never the import's
            result.status, result.column, result.reason = "error", "", _("Baris tidak dapat dibaca: {detail}").format(detail=error)
        summary.rows.append(result)
    by_line = {row.line: row for row in summary.rows}
    errors = any(row.status == "error" for row in summary.rows)
    if not dry_run and not (all_or_nothing and errors):
        _write(prepared, by_line, task)
        summary.written = True
    else:
        _mark_unchanged(prepared, by_line)
    if rejects:
        write_rejects(summary, rejects)
    return summary


def _existing_by_person(prepared: list[Prepared]) -> dict[tuple, int]:
    """Patients with neither NIK nor No. RM in the file are matched by folded name, birth
    date and sex, so that importing the same file twice adds nothing."""
    births = sorted({p.birth_date for p in prepared if not p.nik and not p.no_rm})
    found: dict[tuple, int] = {}
    for chunk in pw.chunked(births, 500):
        for pid, key, born, sex in Patient.select(Patient.id, Patient.name_key, Patient.birth_date, Patient.sex).where(
                Patient.birth_date.in_(chunk) & Patient.merged_into.is_null()).tuples():
            found.setdefault((key, born, sex), pid)
    return found


def _existing_patients(prepared: list[Prepared]) -> tuple[dict[str, int], dict[str, int]]:
    niks = sorted({p.nik for p in prepared if p.nik})
    numbers = sorted({p.no_rm for p in prepared if p.no_rm})
    by_nik: dict[str, int] = {}
    by_no_rm: dict[str, int] = {}
    for chunk in pw.chunked(niks, 500):
        for pid, nik, merged in Patient.select(Patient.id, Patient.nik, Patient.merged_into).where(
                Patient.nik.in_(chunk)).tuples():
            by_nik[nik] = merged or pid
        for pid, value in PatientIdentifier.select(PatientIdentifier.patient, PatientIdentifier.value).where(
                (PatientIdentifier.kind == "nik") & PatientIdentifier.value.in_(chunk)).tuples():
            by_nik.setdefault(value, pid)
    for chunk in pw.chunked(numbers, 500):
        for pid, no_rm, merged in Patient.select(Patient.id, Patient.no_rm, Patient.merged_into).where(
                Patient.no_rm.in_(chunk)).tuples():
            by_no_rm[no_rm] = merged or pid
    return by_nik, by_no_rm


def _visit_keys(patient_ids: list[int]) -> set[tuple]:
    """(patient, day, poli, codes) of the visits already recorded for these patients."""
    keys: dict[int, tuple] = {}
    for chunk in pw.chunked(patient_ids, 500):
        visits = {vid: (pid, at.date() if isinstance(at, dt.datetime) else dt.date.fromisoformat(str(at)[:10]), poli)
                  for vid, pid, at, poli in Visit.select(Visit.id, Visit.patient, Visit.visit_at, Visit.poli)
                  .where(Visit.patient.in_(chunk) & Visit.deleted_at.is_null()).tuples()}
        codes: dict[int, list[str]] = {}
        for ids in pw.chunked(list(visits), 500):
            for vid, code in VisitDiagnosis.select(VisitDiagnosis.visit, VisitDiagnosis.icd10).where(
                    VisitDiagnosis.visit.in_(ids)).tuples():
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
    for row in prepared:
        patient = by_nik.get(row.nik) if row.nik else None
        if patient is None and row.no_rm:
            patient = by_no_rm.get(row.no_rm)
        person = (name_key(row.name), row.birth_date, row.sex)
        if patient is None and not row.nik and not row.no_rm:
            patient = by_person.get(person)
        identity = f"nik:{row.nik}" if row.nik else (f"rm:{row.no_rm}" if row.no_rm else f"person:{person}")
        owner = patient if patient is not None else identity
        key = (owner, row.visit_at.date(), row.poli, tuple(sorted(code for code, _new in row.diagnoses)))
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


def _write(prepared: list[Prepared], by_line: dict[int, RowResult], task: Task) -> None:
    with writing():
        plan, new_patients = _resolve(prepared)
        stamp = now()
        ids: dict[object, int] = {}
        births: dict[int, tuple[dt.date, str]] = {}
        patients = BulkWriter(Patient, ("id", "no_rm", "nik", "name", "name_key", "sex", "birth_date", "kelurahan",
                                        "payment_type", "no_nik_reason", "created_at", "updated_at"))
        patient_id = next_id(Patient)
        wanted = sorted({row.no_rm for row in new_patients.values() if row.no_rm})
        taken = set()
        for chunk in pw.chunked(wanted, 500):  # numbers from the file already used by someone else
            taken |= {n for (n,) in Patient.select(Patient.no_rm).where(Patient.no_rm.in_(chunk)).tuples()}
        for identity, row in new_patients.items():
            number = row.no_rm if row.no_rm and row.no_rm not in taken else ""
            number = number or next_no_rm(row.kelurahan)
            taken.add(number)
            patients.add((patient_id, number, row.nik, row.name, name_key(row.name), row.sex, row.birth_date,
                          row.kelurahan, row.payment, "" if row.nik else _("Diimpor dari register lama tanpa NIK"),
                          stamp, stamp))
            ids[identity] = patient_id
            births[patient_id] = (row.birth_date, row.sex)
            patient_id += 1
        patients.close()
        existing = sorted({o for _r, o, new in plan if new and isinstance(o, int)})
        for chunk in pw.chunked(existing, 500):  # bounded, like every IN list here
            for pid, birth, sex in Patient.select(Patient.id, Patient.birth_date, Patient.sex).where(
                    Patient.id.in_(chunk)).tuples():
                births[pid] = (birth if isinstance(birth, dt.date) else dt.date.fromisoformat(str(birth)), sex)
        visits = BulkWriter(Visit, ("id", "patient", "visit_at", "poli", "payment_type", "is_new_visit", "age_days",
                                    "age_years", "sex", "created_at"))
        diagnoses = BulkWriter(VisitDiagnosis, ("visit", "icd10", "is_new_case", "is_primary", "position"), parent=visits)
        visit_id = next_id(Visit)
        # Kunjungan baru/lama where the file leaves it empty: for a new patient, the first
        # visit of each year in the file; an existing patient's years are recomputed after.
        first_of_year: dict[tuple[int, int], dt.datetime] = {}
        for row, owner, is_new in plan:
            if is_new and not isinstance(owner, int):
                key = (ids[owner], row.visit_at.year)
                first_of_year[key] = min(first_of_year.get(key, row.visit_at), row.visit_at)
        touched: set[int] = set()
        for count, (row, owner, is_new) in enumerate(plan):
            if count % 5000 == 0:
                task.step(count, len(plan), _("Menyimpan baris {done} dari {total}").format(done=count, total=len(plan)))
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
            visits.add((visit_id, pid, row.visit_at, row.poli, row.payment, new_visit, days, years, sex, stamp))
            for position, (code, new_case) in enumerate(row.diagnoses, start=1):
                diagnoses.add((visit_id, code, new_case, position == 1, position))
            visit_id += 1
        visits.close()
        diagnoses.close()
        if touched:
            from kupang_desk.visits.recording import refresh_new_visit_flags

            for pid in touched:  # existing patients: their earlier visits count too
                refresh_new_visit_flags(pid)
        audit.record("import", "visit", "", {"new": sum(1 for _r, _o, new in plan if new),
                                             "new_patients": len(new_patients)})


def write_rejects(summary: ImportSummary, path: str | Path) -> Path:
    """The rejected rows as they were, with the column and the reason, to fix and import again."""
    from openpyxl import Workbook

    from kupang_desk.reports.excel import save

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Ditolak")
    sheet.append([*summary.headers, _("Kolom"), _("Alasan")])
    for row in summary.rows:
        if row.status != "error":
            continue
        values = [v if isinstance(v, int | float | dt.date) and not isinstance(v, bool) else cell_text(v)
                  for v in row.original]
        values += [""] * (len(summary.headers) - len(values))
        sheet.append([*values[:len(summary.headers)], row.column, row.reason])
    for cells in sheet.iter_rows(min_row=2):  # identifiers stay text when the file is fixed
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.isdigit():
                cell.number_format = "@"
    save(workbook, Path(path))
    return Path(path)
