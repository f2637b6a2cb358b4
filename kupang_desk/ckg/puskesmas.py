"""The puskesmas's side of the CKG at school: a school's roster in, each student screened, the
results back to the school, and the coverage per school."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from kupang_desk import audit, clock, settings
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.ckg import files
from kupang_desk.ckg.growth import Growth, age_months, growth
from kupang_desk.errors import KnownError, ValidationError
from kupang_desk.i18n import _
from kupang_desk.models import CkgStudent, Patient, now, writing
from kupang_desk.models.bulk import lock_patient_numbers
from kupang_desk.names import Identity, conflict_reason, identity_conflict, name_key
from kupang_desk.patients.numbers import next_no_rm
from kupang_desk.patients.registration import find_by_nik
from kupang_desk.validators import check_birth_date, check_name, check_nik, check_nisn

VISION = ("normal", "gangguan")
HEARING = ("normal", "gangguan")
TEETH = ("sehat", "karies")
ANAEMIA = ("tidak", "ya")
BLOOD_PRESSURE_FROM = 13  # years: judged against adult-style cut-offs (AAP 2017: 130/80 and above)


def choice_words() -> dict[str, str]:
    """The screen's words for the findings' stored values."""
    return {"normal": _("Normal"), "gangguan": _("Gangguan"), "sehat": _("Sehat"), "karies": _("Karies (berlubang)"),
            "tidak": _("Tidak"), "ya": _("Ya")}


@dataclass(frozen=True)
class RosterRow:
    line: int
    nisn: str
    nik: str
    name: str
    sex: str
    birth_date: dt.date
    class_group: str
    parent_phone: str


@dataclass
class RosterImport:
    """What a roster brought: the school, and per student new, linked or refused (with the reason)."""

    school_code: str
    school_name: str
    fingerprint: str
    first_from_school: bool
    new_patients: int = 0
    linked: int = 0  # students who were already patients (by NIK, or name, birth date and sex)
    again: int = 0  # students already on this school's list
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, NISN, reason)
    written: bool = False

    def describe(self) -> str:
        if self.errors:
            return _("Daftar siswa {school} tidak diimpor: {count} baris perlu diperbaiki sekolah. Tidak ada yang disimpan.").format(
                school=self.school_name, count=len(self.errors))
        text = _("Daftar siswa {school}: {new} pasien baru, {linked} sudah terdaftar sebagai pasien, {again} sudah ada di daftar.").format(
            school=self.school_name, new=self.new_patients, linked=self.linked, again=self.again)
        if self.first_from_school:
            text += " " + _("File pertama dari sekolah ini: sidik kuncinya {fingerprint} dicatat. Cocokkan lewat telepon "
                            "dengan sidik yang tampil di Kupang Desk sekolah.").format(fingerprint=self.fingerprint)
        return text


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    return " ".join(str(value).split()) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _checked_rows(rows: list[dict], today: dt.date) -> tuple[list[RosterRow], list[tuple[int, str, str]]]:
    checked, errors = [], []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=1):
        nisn = _text(row, "nisn")
        try:
            nisn = str(check_nisn(nisn, required=True).value)
            name = str(check_name(_text(row, "name")).value)
            sex = _text(row, "sex").upper()
            if sex not in ("L", "P"):
                raise ValidationError(_("Jenis kelamin"), _("Jenis kelamin harus L atau P."))
            try:
                born = dt.date.fromisoformat(_text(row, "birth_date"))
            except ValueError as error:
                raise ValidationError(_("Tanggal lahir"), _("Tanggal lahir tidak terbaca.")) from error
            born = dt.date.fromisoformat(str(check_birth_date(born, today=today).value))
            nik = str(check_nik(_text(row, "nik"), required=False).value or "")
            if nisn in seen:
                raise ValidationError("NISN", _("NISN {nisn} sudah ada di baris {line}.").format(nisn=nisn, line=seen[nisn]))
        except ValidationError as error:
            errors.append((line, nisn, f"{error.field}: {error.message}"))
            continue
        seen[nisn] = line
        checked.append(RosterRow(line, nisn, nik, name, sex, born, _text(row, "class_group")[:30],
                                 "".join(ch for ch in _text(row, "parent_phone") if ch.isdigit() or ch == "+")[:20]))
    return checked, errors


def _record_identity(patient: Patient) -> Identity:
    return Identity(patient.name, patient.sex, patient.birth_date, _("No RM {number}").format(number=patient.no_rm))


def _patient_by_person(row: RosterRow) -> Patient | None:
    """A patient without NIK with this folded name, birth date and sex, when exactly one."""
    found = list(Patient.select().where((Patient.name_key == name_key(row.name)) & (Patient.birth_date == row.birth_date)
                                        & (Patient.sex == row.sex) & Patient.merged_into.is_null()
                                        & Patient.deleted_at.is_null()).limit(2))
    return found[0] if len(found) == 1 and not found[0].nik else None


def import_roster(path: str | Path, *, user: SignedIn | None = None, today: dt.date | None = None) -> RosterImport:
    """Imports a school's roster, all or nothing: each student becomes the patient they already are (by NIK,
    with the identity checks of every import) or a new patient; a row that would attach a student to
    someone else is refused with both identities, and then nothing is written."""
    user = require("patient.write", user)
    today = today or clock.today()
    received = files.read(path, "roster")
    result = RosterImport(received.code, received.name, received.fingerprint, received.new_key)
    rows, result.errors = _checked_rows(received.rows, today)
    listed = {entry.nisn: entry for entry in CkgStudent.select().where(CkgStudent.school_code == received.code)}
    plan: list[tuple[RosterRow, Patient | None]] = []
    for row in rows:
        here = Identity(row.name, row.sex, row.birth_date, _("baris {line}").format(line=row.line))
        entry = listed.get(row.nisn)
        column, value = ("NISN", row.nisn) if entry else ("NIK", row.nik)
        if entry:  # on this school's list already: the patient it was matched to then
            patient = Patient.get_by_id(entry.patient_id)
        elif row.nik:  # the registry's own rule for who holds a NIK (a merged record's NIK included)
            patient = find_by_nik(row.nik, user=user)
        else:
            patient = _patient_by_person(row)
        record = _record_identity(patient) if patient is not None else None
        if record is not None and (differences := identity_conflict(here, record)):
            result.errors.append((row.line, row.nisn, conflict_reason(column, value, here, record, differences)))
            continue
        plan.append((row, patient))
    if result.errors:
        return result
    with writing():
        lock_patient_numbers()
        stamp = now()
        made_at = received.made_at
        for row, patient in plan:
            entry = listed.get(row.nisn)
            if patient is None:
                patient = Patient.create(no_rm=next_no_rm(None), nik=row.nik or None, name=row.name, name_key=name_key(row.name),
                                         sex=row.sex, birth_date=row.birth_date, phone=row.parent_phone,
                                         no_nik_reason="" if row.nik else _("Dari daftar siswa CKG tanpa NIK"),
                                         created_at=stamp, updated_at=stamp, created_by=session.account(user))
                audit.record("create", "patient", patient.id, {"no_rm": patient.no_rm, "from": "ckg_roster",
                                                               "school": received.code}, user)
                result.new_patients += 1
            elif entry is None:
                result.linked += 1
            else:
                result.again += 1
            if entry is None:
                CkgStudent.create(school_code=received.code, school_name=received.name[:120],
                                  school_kelurahan=received.kelurahan[:13], nisn=row.nisn,
                                  class_group=row.class_group, parent_phone=row.parent_phone, patient=patient,
                                  roster_at=made_at, updated_at=stamp)
            else:
                CkgStudent.update(school_name=received.name[:120], school_kelurahan=received.kelurahan[:13],
                                  class_group=row.class_group, parent_phone=row.parent_phone,
                                  roster_at=made_at).where(CkgStudent.id == entry.id).execute()
        files.remember_key(received)
        audit.record("import", "ckg_roster", received.code, {"school": received.name, "rows": len(plan),
                                                             "new_patients": result.new_patients,
                                                             "key": received.fingerprint}, user)
    result.written = True
    return result


@dataclass(frozen=True)
class Measures:
    """What the screening team typed for one student; empty where not done."""

    screened_on: dt.date
    height_cm: float | None = None
    weight_kg: float | None = None
    vision: str = ""
    hearing: str = ""
    teeth: str = ""
    anaemia: str = ""
    systolic: int | None = None
    diastolic: int | None = None
    referral_place: str | None = None  # None: the office's place when a finding needs follow-up
    referral_date: dt.date | None = None


@dataclass(frozen=True)
class Findings:
    growth: Growth | None
    refer_for: list[str]  # what is out of range, in words (stays at the puskesmas: never sent to the school)


def findings(sex: str, birth: dt.date, measures: Measures) -> Findings:
    """What the measurements mean for this child, and what needs a referral."""
    found = None
    refer: list[str] = []
    if measures.height_cm and measures.weight_kg:
        found = growth(sex, birth, measures.screened_on, measures.height_cm, measures.weight_kg)
        refer += found.out_of_range
    if measures.vision == "gangguan":
        refer.append(_("penglihatan"))
    if measures.hearing == "gangguan":
        refer.append(_("pendengaran"))
    if measures.teeth == "karies":
        refer.append(_("gigi berlubang"))
    if measures.anaemia == "ya":
        refer.append(_("tanda anemia"))
    if (measures.systolic and measures.diastolic and age_months(birth, measures.screened_on) >= BLOOD_PRESSURE_FROM * 12
            and (measures.systolic >= 130 or measures.diastolic >= 80)):
        refer.append(_("tekanan darah {sys}/{dia}").format(sys=measures.systolic, dia=measures.diastolic))
    return Findings(found, refer)


def default_place() -> str:
    """Where a finding is referred: the office's chosen place, else the puskesmas itself (by its profile)."""
    place = settings.get("ckg.referral_place")
    if place:
        return place
    try:
        return files.this_office()[1] or _("Puskesmas")
    except KnownError:  # no profile code yet
        return _("Puskesmas")


def _check_measures(measures: Measures, birth: dt.date, today: dt.date) -> None:
    if measures.screened_on > today or measures.screened_on < birth:
        raise KnownError(_("Tanggal skrining harus antara tanggal lahir dan hari ini."))
    for value, low, high, label in ((measures.height_cm, 80, 220, _("Tinggi badan (cm)")),
                                    (measures.weight_kg, 10, 200, _("Berat badan (kg)")),
                                    (measures.systolic, 60, 250, _("Sistolik")), (measures.diastolic, 30, 150, _("Diastolik"))):
        if value is not None and not low <= value <= high:
            raise KnownError(_("{label} {value} di luar {low}-{high}; periksa ketikan.").format(
                label=label, value=value, low=low, high=high))
    if not any((measures.height_cm, measures.weight_kg, measures.vision, measures.hearing, measures.teeth, measures.anaemia,
                measures.systolic)):
        raise KnownError(_("Belum ada hasil pemeriksaan yang diisi: isi paling sedikit tinggi dan berat badan."))
    if bool(measures.height_cm) != bool(measures.weight_kg):
        raise KnownError(_("Isi tinggi dan berat badan bersama, atau kosongkan keduanya."))
    if bool(measures.systolic) != bool(measures.diastolic):
        raise KnownError(_("Isi tekanan darah sistolik dan diastolik bersama."))
    for choice, allowed, label in ((measures.vision, VISION, _("Penglihatan")), (measures.hearing, HEARING, _("Pendengaran")),
                                  (measures.teeth, TEETH, _("Gigi")), (measures.anaemia, ANAEMIA, _("Anemia"))):
        if choice and choice not in allowed:
            raise KnownError(_("{label}: pilih {choices}.").format(label=label, choices=" / ".join(allowed)))


def record(student_id: int, measures: Measures, *, user: SignedIn | None = None, today: dt.date | None = None) -> Findings:
    """Saves one student's screening; a finding out of range gives a referral (the office's place,
    a week later, unless the team chose otherwise)."""
    user = require("visit.write", user)
    today = today or clock.today()
    with writing():
        entry = CkgStudent.get_or_none(CkgStudent.id == student_id)
        if entry is None:
            raise KnownError(_("Siswa ini tidak ada lagi di daftar CKG."))
        patient = Patient.get_by_id(entry.patient_id)
        _check_measures(measures, patient.birth_date, today)
        found = findings(patient.sex, patient.birth_date, measures)
        place = measures.referral_place if measures.referral_place is not None else (
            default_place() if found.refer_for else "")
        when = measures.referral_date or (measures.screened_on + dt.timedelta(days=7) if place else None)
        CkgStudent.update(
            screened_on=measures.screened_on, height_cm=measures.height_cm, weight_kg=measures.weight_kg,
            bmi_z=found.growth.bmi_z if found.growth else None, height_z=found.growth.height_z if found.growth else None,
            vision=measures.vision, hearing=measures.hearing, teeth=measures.teeth, anaemia=measures.anaemia,
            systolic=measures.systolic, diastolic=measures.diastolic, referral_place=place[:80],
            referral_date=when if place else None, by=session.account(user), updated_at=now(),
        ).where(CkgStudent.id == entry.id).execute()
        audit.record("update", "ckg_student", entry.id, {"screened_on": measures.screened_on.isoformat(),
                                                         "referral": bool(place)}, user)
    return found


def mark_referral_done(student_id: int, day: dt.date, *, user: SignedIn | None = None) -> None:
    user = require("visit.write", user)
    with writing():
        changed = CkgStudent.update(referral_done=day, updated_at=now()).where(
            (CkgStudent.id == student_id) & (CkgStudent.referral_place != "")).execute()
        if not changed:
            raise KnownError(_("Siswa ini tidak dirujuk."))
        audit.record("update", "ckg_student", student_id, {"referral_done": day.isoformat()}, user)


@dataclass(frozen=True)
class ListedStudent:
    id: int
    nisn: str
    name: str
    sex: str
    birth_date: dt.date
    class_group: str
    no_rm: str
    screened_on: dt.date | None
    referral_place: str
    referral_date: dt.date | None
    referral_done: dt.date | None


def students(school_code: str, *, user: SignedIn | None = None) -> list[ListedStudent]:
    """A school's roster by class and name."""
    require("patient.read", user)
    query = (CkgStudent.select(CkgStudent, Patient.name, Patient.sex, Patient.birth_date, Patient.no_rm)
             .join(Patient, on=(CkgStudent.patient == Patient.id)).where(CkgStudent.school_code == school_code)
             .order_by(CkgStudent.class_group, Patient.name_key, CkgStudent.id))
    return [ListedStudent(e.id, e.nisn, e.patient.name, e.patient.sex, e.patient.birth_date, e.class_group, e.patient.no_rm,
                          e.screened_on, e.referral_place, e.referral_date, e.referral_done) for e in query]


def screening_of(student_id: int, *, user: SignedIn | None = None) -> CkgStudent:
    require("patient.read", user)
    entry = CkgStudent.get_or_none(CkgStudent.id == student_id)
    if entry is None:
        raise KnownError(_("Siswa ini tidak ada lagi di daftar CKG."))
    return entry


def export_results(school_code: str, path: str | Path, *, user: SignedIn | None = None) -> tuple[Path, int]:
    """The school's results file: per student screened or not, and any follow-up (place and date), nothing
    about what was found (UU PDP: a diagnosis stays at the puskesmas)."""
    user = require("report.make", user)
    listed = students(school_code, user=user)
    if not listed:
        raise KnownError(_("Belum ada daftar siswa dari sekolah ini."))
    rows = [{"nisn": s.nisn, "name": s.name, "screened_on": s.screened_on.isoformat() if s.screened_on else None,
             "follow_up": bool(s.referral_place), "referral_place": s.referral_place,
             "referral_date": s.referral_date.isoformat() if s.referral_date else None,
             "referral_done": s.referral_done.isoformat() if s.referral_done else None} for s in listed]
    written = files.write(path, "results", rows, to=school_code)
    with writing():
        audit.record("export", "ckg_results", school_code, {"file": str(written), "rows": len(rows)}, user)
    return written, len(rows)
