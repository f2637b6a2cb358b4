"""The life-cycle screenings of ILP (Integrasi Layanan Primer): from the patient's age, sex and
history, what is due today; what the cluster room did, and what it scheduled at the puskesmas, a
Pustu or a Posyandu.

The rules are one data file the office can read and edit, each row with its source
(``resources/reference/skrining.csv``). A screening counts as done when it was ticked, or when a
visit recorded the measurement it needs (the blood pressure, the weight, the height, the waist).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from dataclasses import dataclass

import peewee as pw

from kupang_desk import audit, clock
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import Patient, Screening, Visit, writing
from kupang_desk.patients.registration import live_patient
from kupang_desk.resources import resource_path

RULES_FILE = "skrining.csv"
# What a visit records that shows a screening was done (the ``bukti`` column).
EVIDENCE = {"tekanan_darah": Visit.systolic, "berat_badan": Visit.weight_kg, "tinggi_badan": Visit.height_cm,
            "lingkar_perut": Visit.waist_cm}


def place_words() -> dict[str, str]:
    return {"puskesmas": _("Puskesmas"), "pustu": _("Pustu"), "posyandu": _("Posyandu")}


@dataclass(frozen=True)
class Rule:
    key: str
    name: str
    cluster: str
    age_from: int  # months, inclusive
    age_to: int | None  # months, exclusive
    sex: str  # "L", "P" or "" (both)
    every: int  # months
    evidence: str  # a key of EVIDENCE, or "" (ticked only)
    source: str

    def applies(self, sex: str, months: int) -> bool:
        return (not self.sex or self.sex == sex) and months >= self.age_from and (self.age_to is None or months < self.age_to)


@functools.cache
def rules() -> tuple[Rule, ...]:
    """The rules of the data file, checked as they are read: a wrong row stops with its line."""
    path = resource_path("reference", RULES_FILE)
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    found = []
    for number, row in enumerate(csv.DictReader(lines), start=2):
        try:
            rule = Rule(row["kunci"].strip(), row["nama"].strip(), row["klaster"].strip(), int(row["umur_dari"]),
                        int(row["umur_sampai"]) if row["umur_sampai"].strip() else None, row["jenis_kelamin"].strip().upper(),
                        int(row["setiap_bulan"]), row["bukti"].strip(), row["sumber"].strip())
        except (KeyError, ValueError, AttributeError) as error:
            raise KnownError(_("Aturan skrining {file} baris data {row} tidak terbaca ({detail}).").format(
                file=path, row=number, detail=error)) from error
        if rule.evidence and rule.evidence not in EVIDENCE or rule.sex not in ("", "L", "P") or not rule.source:
            raise KnownError(_("Aturan skrining {file} baris data {row}: bukti, jenis kelamin atau sumber tidak dikenal.").format(
                file=path, row=number))
        found.append(rule)
    return tuple(found)


def months_between(start: dt.date, end: dt.date) -> int:
    """Completed months from ``start`` to ``end``."""
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


@dataclass(frozen=True)
class Due:
    """One screening of the patient's life stage: when it was last done, whether it is due now, and
    the date and place it was scheduled for (if any)."""

    rule: Rule
    last_done: dt.date | None
    due: bool
    scheduled_on: dt.date | None
    place: str


def for_patient(patient_id: int, day: dt.date | None = None, *, user: SignedIn | None = None) -> list[Due]:
    """The screenings of the patient's age and sex on ``day``, those due first."""
    user = require("patient.read", user)
    day = day or clock.today()
    patient = live_patient(patient_id, user=user)
    months = months_between(patient.birth_date, day)
    chosen = [rule for rule in rules() if rule.applies(patient.sex, months)]
    ticked: dict[str, dt.date] = {}
    planned: dict[str, tuple[dt.date, str]] = {}
    for key, done_on, scheduled_on, place in (Screening.select(Screening.key, Screening.done_on, Screening.scheduled_on,
                                                               Screening.place)
                                              .where(Screening.patient == patient_id).order_by(Screening.id).tuples()):
        if done_on is not None and done_on <= day:
            ticked[key] = max(done_on, ticked.get(key, done_on))
        if scheduled_on is not None:
            planned[key] = (scheduled_on, place)
    measured = _measured(patient_id, day, {rule.evidence for rule in chosen if rule.evidence})
    result = []
    for rule in chosen:
        dates = [d for d in (ticked.get(rule.key), measured.get(rule.evidence)) if d is not None]
        last = max(dates) if dates else None
        due = last is None or months_between(last, day) >= rule.every
        scheduled = planned.get(rule.key)
        if scheduled is not None and last is not None and scheduled[0] <= last:
            scheduled = None  # done since it was scheduled
        result.append(Due(rule, last, due, *(scheduled or (None, ""))))
    return sorted(result, key=lambda d: (not d.due, d.rule.cluster, d.rule.name))


def _measured(patient_id: int, day: dt.date, evidence: set[str]) -> dict[str, dt.date]:
    """The last day up to ``day`` a visit of the patient recorded each measurement."""
    found = {}
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    for name in evidence:
        last = (Visit.select(pw.fn.MAX(Visit.visit_at)).where((Visit.patient == patient_id) & Visit.deleted_at.is_null()
                                                              & (Visit.visit_at < end) & EVIDENCE[name].is_null(False))
                .scalar())
        if last is not None:
            found[name] = (last if isinstance(last, dt.datetime) else dt.datetime.fromisoformat(str(last))).date()
    return found


def record(patient_id: int, done: list[str], scheduled: dict[str, tuple[dt.date, str]], *, day: dt.date | None = None,
           visit_id: int | None = None, user: SignedIn | None = None) -> int:
    """What the cluster room did on ``day`` and what it scheduled, in one transaction; returns the rows
    written. A scheduled date in the past, an unknown place or a screening not of this patient's
    life stage is refused in words, and nothing is written."""
    user = require("visit.write", user)
    day = day or clock.today()
    known = {d.rule.key: d.rule for d in for_patient(patient_id, day, user=user)}
    errors = []
    for key in [*done, *scheduled]:
        if key not in known:
            errors.append(_("Skrining {key} bukan untuk umur dan jenis kelamin pasien ini.").format(key=key))
    for key, (when, place) in scheduled.items():
        name = known[key].name if key in known else key
        if when < day:
            errors.append(_("{name}: tanggal jadwal {day} sudah lewat.").format(name=name, day=when.strftime("%d-%m-%Y")))
        if place not in Screening.PLACES:
            errors.append(_("{name}: pilih tempat (Puskesmas, Pustu atau Posyandu).").format(name=name))
        if key in done:
            errors.append(_("{name}: sudah dicentang dilakukan hari ini, tidak perlu dijadwalkan.").format(name=name))
    if errors:
        raise KnownError(" ".join(errors))
    account = session.account(user)
    with writing():
        Patient.get_by_id(patient_id)  # still there, in this transaction
        # Every row with every column: insert_many takes its columns from the first row.
        rows = [{"patient": patient_id, "key": key, "done_on": day, "scheduled_on": None, "place": "", "visit": visit_id,
                 "by": account} for key in done]
        rows += [{"patient": patient_id, "key": key, "done_on": None, "scheduled_on": when, "place": place, "visit": visit_id,
                  "by": account} for key, (when, place) in scheduled.items()]
        if rows:
            Screening.insert_many(rows).execute()
            audit.record("update", "patient", patient_id, {"screening_done": done, "screening_scheduled": {
                key: f"{when.isoformat()} {place}" for key, (when, place) in scheduled.items()}}, user)
    return len(rows)


@dataclass(frozen=True)
class Overdue:
    """One registered patient with screenings overdue on a day: who, where, what, and what is scheduled."""

    patient_id: int
    no_rm: str
    name: str
    sex: str
    birth_date: dt.date
    kelurahan: str  # code ("" without an address)
    address: str
    phone: str
    overdue: tuple[Rule, ...]
    scheduled: tuple[tuple[Rule, dt.date, str], ...]


@dataclass(frozen=True)
class AreaCoverage:
    """A kelurahan's registered patients of a life stage with a screening rule (sasaran), those with
    nothing overdue (tuntas) and those with something overdue (terlambat)."""

    kelurahan: str
    targets: int
    complete: int

    @property
    def overdue(self) -> int:
        return self.targets - self.complete


def _last_by_patient(field: pw.Field, end: dt.datetime) -> dict[int, dt.date]:
    found = {}
    for patient_id, last in (Visit.select(Visit.patient, pw.fn.MAX(Visit.visit_at))
                             .where(Visit.deleted_at.is_null() & (Visit.visit_at < end) & field.is_null(False))
                             .group_by(Visit.patient).tuples()):
        found[patient_id] = (last if isinstance(last, dt.datetime) else dt.datetime.fromisoformat(str(last))).date()
    return found


def overdue_by_area(day: dt.date | None = None, *, kelurahan: set[str] | None = None, task=None,
                    user: SignedIn | None = None) -> tuple[list[AreaCoverage], list[Overdue]]:
    """Every registered patient (alive in the register: not merged, not deleted) of ``kelurahan`` (all
    when None), on ``day``: coverage per kelurahan and the list of who is overdue, for the Pustu and
    the kader. One query per measurement and one for the ticks, whatever the number of patients."""
    user = require("patient.read", user)
    require("report.make", user)
    day = day or clock.today()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    chosen = rules()
    measured = {name: _last_by_patient(field, end) for name, field in EVIDENCE.items()
                if any(rule.evidence == name for rule in chosen)}
    ticked: dict[tuple[int, str], dt.date] = {}
    planned: dict[tuple[int, str], tuple[dt.date, str]] = {}
    for patient_id, key, done_on, scheduled_on, place in (Screening.select(
            Screening.patient, Screening.key, Screening.done_on, Screening.scheduled_on, Screening.place)
            .order_by(Screening.id).tuples()):
        if done_on is not None and done_on <= day:
            ticked[(patient_id, key)] = max(done_on, ticked.get((patient_id, key), done_on))
        if scheduled_on is not None:
            planned[(patient_id, key)] = (scheduled_on, place)
    query = (Patient.select(Patient.id, Patient.no_rm, Patient.name, Patient.sex, Patient.birth_date, Patient.kelurahan,
                            Patient.address, Patient.rt, Patient.rw, Patient.phone)
             .where(Patient.merged_into.is_null() & Patient.deleted_at.is_null() & (Patient.birth_date <= day)))
    if kelurahan is not None:
        query = query.where(Patient.kelurahan.in_(sorted(kelurahan)))
    targets: dict[str, int] = {}
    complete: dict[str, int] = {}
    listed = []
    for number, (patient_id, no_rm, name, sex, born, area, address, rt, rw, phone) in enumerate(query.tuples().iterator()):
        if task is not None and number % 5000 == 0:
            task.step(number, number + 5000, _("Memeriksa skrining pasien..."))
        months = months_between(born, day)
        applying = [rule for rule in chosen if rule.applies(sex, months)]
        if not applying:
            continue
        area = area or ""
        targets[area] = targets.get(area, 0) + 1
        overdue, scheduled = [], []
        for rule in applying:
            dates = [d for d in (ticked.get((patient_id, rule.key)), measured.get(rule.evidence, {}).get(patient_id))
                     if d is not None]
            last = max(dates) if dates else None
            if last is None or months_between(last, day) >= rule.every:
                overdue.append(rule)
                plan = planned.get((patient_id, rule.key))
                if plan is not None and (last is None or plan[0] > last):
                    scheduled.append((rule, *plan))
        if not overdue:
            complete[area] = complete.get(area, 0) + 1
            continue
        where = " ".join(part for part in (address, f"RT {rt}" if rt else "", f"RW {rw}" if rw else "") if part)
        listed.append(Overdue(patient_id, no_rm, name, sex, born, area, where, phone, tuple(overdue), tuple(scheduled)))
    coverage = [AreaCoverage(area, count, complete.get(area, 0)) for area, count in targets.items()]
    listed.sort(key=lambda o: (o.kelurahan, o.address, o.name))
    return coverage, listed
