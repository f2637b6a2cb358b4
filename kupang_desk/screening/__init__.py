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
from dataclasses import dataclass, field

import peewee as pw

from kupang_desk import audit, clock
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.models import Patient, Pregnancy, Screening, Visit, day_of, writing
from kupang_desk.patients.registration import live_patient
from kupang_desk.resources import resource_path

RULES_FILE = "skrining.csv"
# What a visit records that shows a screening was done (the ``bukti`` column).
EVIDENCE = {"tekanan_darah": Visit.systolic, "berat_badan": Visit.weight_kg, "tinggi_badan": Visit.height_cm,
            "lingkar_perut": Visit.waist_cm}


def place_words() -> dict[str, str]:
    return {"puskesmas": _("Puskesmas"), "pustu": _("Pustu"), "posyandu": _("Posyandu")}


UNITS = ("bulan", "hari", "minggu_hamil")
INDICATORS = ("", "anc", "kn", "idl", "ptm", "penimbangan")
PREGNANCY_WEEKS = 43  # a pregnancy not closed lapses 43 weeks after its HPHT


@dataclass(frozen=True)
class Rule:
    key: str
    name: str
    cluster: str
    unit: str  # "bulan" (age in months), "hari" (age in days) or "minggu_hamil" (weeks since the HPHT)
    age_from: int  # in ``unit``, inclusive
    age_to: int | None  # in ``unit``, exclusive
    sex: str  # "L", "P" or "" (both)
    every: int  # months; 0: once in the window, ``times`` times
    times: int
    evidence: str  # a key of EVIDENCE, or "" (ticked only)
    indicator: str  # the PWS indicator it counts towards ("" none)
    source: str

    @property
    def once(self) -> bool:
        return self.every == 0

    def position(self, born: dt.date, lmp: dt.date | None, day: dt.date) -> int | None:
        """Where ``day`` is in the rule's unit: the age in months or days, or the week of the pregnancy."""
        if self.unit == "minggu_hamil":
            return None if lmp is None else (day - lmp).days // 7
        return (day - born).days if self.unit == "hari" else months_between(born, day)

    def applies(self, sex: str, born: dt.date, day: dt.date, lmp: dt.date | None = None) -> bool:
        at = self.position(born, lmp, day)
        return (at is not None and (not self.sex or self.sex == sex) and at >= self.age_from
                and (self.age_to is None or at < self.age_to))

    def counted(self, dates: list[dt.date], lmp: dt.date | None, day: dt.date) -> list[dt.date]:
        """The ticks that count for a once-rule on ``day``: a pregnancy's inside its weeks, a child's any
        time (a dose given early is a dose)."""
        if self.unit == "minggu_hamil":
            if lmp is None:
                return []
            first, last = lmp + dt.timedelta(weeks=self.age_from), lmp + dt.timedelta(weeks=self.age_to or PREGNANCY_WEEKS)
            return [d for d in dates if first <= d < last and d <= day]
        return [d for d in dates if d <= day]


@functools.cache
def rules() -> tuple[Rule, ...]:
    """The rules of the data file, checked as they are read: a wrong row stops with its line."""
    path = resource_path("reference", RULES_FILE)
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    found = []
    for number, row in enumerate(csv.DictReader(lines), start=2):
        try:
            rule = Rule(row["kunci"].strip(), row["nama"].strip(), row["klaster"].strip(),
                        (row.get("satuan") or "bulan").strip() or "bulan", int(row["umur_dari"]),
                        int(row["umur_sampai"]) if row["umur_sampai"].strip() else None, row["jenis_kelamin"].strip().upper(),
                        int(row["setiap_bulan"]), int((row.get("kali") or "1").strip() or "1"), row["bukti"].strip(),
                        (row.get("indikator") or "").strip(), row["sumber"].strip())
        except (KeyError, ValueError, AttributeError) as error:
            raise KnownError(_("Aturan skrining {file} baris data {row} tidak terbaca ({detail}).").format(
                file=path, row=number, detail=error)) from error
        if (rule.evidence and rule.evidence not in EVIDENCE or rule.sex not in ("", "L", "P") or not rule.source
                or rule.unit not in UNITS or rule.indicator not in INDICATORS or rule.every < 0 or rule.times < 1):
            raise KnownError(_("Aturan skrining {file} baris data {row}: bukti, jenis kelamin, satuan, indikator, kali atau "
                               "sumber tidak dikenal.").format(file=path, row=number))
        found.append(rule)
    return tuple(found)


def months_between(start: dt.date, end: dt.date) -> int:
    """Completed months from ``start`` to ``end``."""
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


@dataclass(frozen=True)
class Due:
    """One screening of the patient's life stage: when it was last done, whether it is due now, and
    the date and place it was scheduled for (if any). A once-rule also says how many of its
    ``needed`` contacts were made (``count``)."""

    rule: Rule
    last_done: dt.date | None
    due: bool
    scheduled_on: dt.date | None
    place: str
    count: int = 0
    needed: int = 1


def _judge(rule: Rule, day: dt.date, lmp: dt.date | None, ticks: list[dt.date], measured: dt.date | None,
           plan: tuple[dt.date, str] | None) -> Due:
    """Whether ``rule`` is due on ``day`` from its ticks, its measurement and its plan."""
    if rule.once:
        dates = rule.counted([*ticks, *([measured] if measured is not None else [])], lmp, day)
        last = max(dates) if dates else None
        count = len(set(dates))
        due = count < rule.times
    else:
        dates = [d for d in (*ticks, measured) if d is not None and d <= day]
        last = max(dates) if dates else None
        count = int(last is not None)
        due = last is None or months_between(last, day) >= rule.every
    if plan is not None and last is not None and plan[0] <= last:
        plan = None  # done since it was scheduled
    scheduled_on, place = plan if plan is not None else (None, "")
    return Due(rule, last, due, scheduled_on, place, count=min(count, rule.times) if rule.once else count,
               needed=rule.times if rule.once else 1)


def _current_pregnancy(patient_id: int, day: dt.date) -> Pregnancy | None:
    """The patient's pregnancy on ``day``: begun by then, not ended before it, not lapsed."""
    return (Pregnancy.select().where((Pregnancy.patient == patient_id) & (Pregnancy.lmp <= day)
                                     & (Pregnancy.lmp > day - dt.timedelta(weeks=PREGNANCY_WEEKS))
                                     & (Pregnancy.ended_on.is_null() | (Pregnancy.ended_on >= day)))
            .order_by(Pregnancy.lmp.desc()).first())


@dataclass(frozen=True)
class PregnancyState:
    """Whether the patient can be recorded pregnant on a day, and her open pregnancy if any."""

    possible: bool
    lmp: dt.date | None = None
    weeks: int = 0
    expected: dt.date | None = None  # HPL


def pregnancy_on(patient_id: int, day: dt.date | None = None, *, user: SignedIn | None = None) -> PregnancyState:
    user = require("patient.read", user)
    day = day or clock.today()
    patient = live_patient(patient_id, user=user)
    if patient.sex != "P" or not 10 <= months_between(patient.birth_date, day) // 12 <= 55:
        return PregnancyState(False)
    pregnancy = _current_pregnancy(patient_id, day)
    if pregnancy is None:
        return PregnancyState(True)
    return PregnancyState(True, pregnancy.lmp, (day - pregnancy.lmp).days // 7, due_date(pregnancy.lmp))


def for_patient(patient_id: int, day: dt.date | None = None, *, user: SignedIn | None = None) -> list[Due]:
    """The screenings of the patient's age, sex and pregnancy on ``day``, those due first."""
    user = require("patient.read", user)
    day = day or clock.today()
    patient = live_patient(patient_id, user=user)
    pregnancy = _current_pregnancy(patient_id, day) if patient.sex == "P" else None
    lmp = pregnancy.lmp if pregnancy is not None else None
    chosen = [rule for rule in rules() if rule.applies(patient.sex, patient.birth_date, day, lmp)]
    ticked: dict[str, list[dt.date]] = {}
    planned: dict[str, tuple[dt.date, str]] = {}
    for key, done_on, scheduled_on, place in (Screening.select(Screening.key, Screening.done_on, Screening.scheduled_on,
                                                               Screening.place)
                                              .where(Screening.patient == patient_id).order_by(Screening.id).tuples()):
        if done_on is not None:
            ticked.setdefault(key, []).append(done_on)
        if scheduled_on is not None:
            planned[key] = (scheduled_on, place)
    measured = _measured(patient_id, day, {rule.evidence for rule in chosen if rule.evidence})
    result = [_judge(rule, day, lmp, ticked.get(rule.key, []), measured.get(rule.evidence), planned.get(rule.key))
              for rule in chosen]
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
            found[name] = day_of(last)
    return found


def record(patient_id: int, done: list[str], scheduled: dict[str, tuple[dt.date, str]], *, day: dt.date | None = None,
           visit_id: int | None = None, user: SignedIn | None = None) -> int:
    """What the cluster room did on ``day`` and what it scheduled, in one transaction; returns the rows
    written. A scheduled date in the past, an unknown place, a screening not of this patient's
    life stage or a contact already ticked that day is refused in words, and nothing is written."""
    user = require("visit.write", user)
    day = day or clock.today()
    known = {d.rule.key: d.rule for d in for_patient(patient_id, day, user=user)}
    errors = []
    for key in [*done, *scheduled]:
        if key not in known:
            errors.append(_("Skrining {key} bukan untuk umur, jenis kelamin atau kehamilan pasien ini.").format(key=key))
    already = {key for (key,) in Screening.select(Screening.key).where(
        (Screening.patient == patient_id) & (Screening.done_on == day) & Screening.key.in_(done or [""])).tuples()}
    for key in done:
        if key in already:
            errors.append(_("{name} sudah dicatat dilakukan pada {day}.").format(
                name=known[key].name if key in known else key, day=format_date(day)))
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


def outcome_words() -> dict[str, str]:
    return {"lahir_hidup": _("Lahir hidup"), "lahir_mati": _("Lahir mati"), "keguguran": _("Keguguran")}


def due_date(lmp: dt.date) -> dt.date:
    """Hari perkiraan lahir (HPL) by Naegele's rule: the HPHT plus 280 days."""
    return lmp + dt.timedelta(days=280)


def register_pregnancy(patient_id: int, lmp: dt.date, *, day: dt.date | None = None,
                       user: SignedIn | None = None) -> Pregnancy:
    """A pregnancy from its HPHT, so that its antenatal contacts (K1-K6) fall due. Refused in words
    for a man, a girl under 10 or a woman over 55, an HPHT after ``day`` or more than 42 weeks
    before it, and while another pregnancy of hers is open."""
    user = require("visit.write", user)
    day = day or clock.today()
    patient = live_patient(patient_id, user=user)
    years = months_between(patient.birth_date, day) // 12
    if patient.sex != "P" or not 10 <= years <= 55:
        raise KnownError(_("{name} ({sex}, {years} tahun) tidak dapat dicatat hamil. Periksa jenis kelamin dan tanggal "
                           "lahirnya di data pasien.").format(name=patient.name, sex=patient.sex, years=years))
    if lmp > day:
        raise KnownError(_("HPHT {lmp} sesudah hari ini. Tulis hari pertama haid terakhir.").format(lmp=format_date(lmp)))
    if lmp <= day - dt.timedelta(weeks=PREGNANCY_WEEKS - 1):
        raise KnownError(_("HPHT {lmp} lebih dari 42 minggu yang lalu. Periksa tanggalnya.").format(lmp=format_date(lmp)))
    open_one = _current_pregnancy(patient_id, day)
    if open_one is not None:
        raise KnownError(_("{name} sudah tercatat hamil sejak HPHT {lmp}. Catat kehamilan itu selesai dulu.").format(
            name=patient.name, lmp=format_date(open_one.lmp)))
    with writing():
        Patient.get_by_id(patient_id)
        pregnancy = Pregnancy.create(patient=patient_id, lmp=lmp, by=session.account(user))
        audit.record("create", "pregnancy", pregnancy.id, {"patient": patient_id, "lmp": lmp.isoformat()}, user)
    return pregnancy


def end_pregnancy(patient_id: int, ended_on: dt.date, outcome: str, *, user: SignedIn | None = None) -> Pregnancy:
    """The open pregnancy ended on ``ended_on`` (born alive, stillborn or miscarried)."""
    user = require("visit.write", user)
    patient = live_patient(patient_id, user=user)
    if outcome not in Pregnancy.OUTCOMES:
        raise KnownError(_("Pilih bagaimana kehamilan berakhir: lahir hidup, lahir mati atau keguguran."))
    if ended_on > clock.today():
        raise KnownError(_("Tanggal {day} belum tiba.").format(day=format_date(ended_on)))
    with writing():
        pregnancy = _current_pregnancy(patient_id, ended_on)
        if pregnancy is None or ended_on < pregnancy.lmp:
            raise KnownError(_("{name} tidak tercatat hamil pada {day}.").format(name=patient.name, day=format_date(ended_on)))
        pregnancy.ended_on, pregnancy.outcome = ended_on, outcome
        pregnancy.save()
        audit.record("update", "pregnancy", pregnancy.id, {"ended_on": ended_on.isoformat(), "outcome": outcome}, user)
    return pregnancy


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
    # per PWS indicator of the recurring rules ("ptm", "penimbangan"): (sasaran, tuntas)
    indicators: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def overdue(self) -> int:
        return self.targets - self.complete


def _last_by_patient(field: pw.Field, end: dt.datetime) -> dict[int, dt.date]:
    found = {}
    for patient_id, last in (Visit.select(Visit.patient, pw.fn.MAX(Visit.visit_at))
                             .where(Visit.deleted_at.is_null() & (Visit.visit_at < end) & field.is_null(False))
                             .group_by(Visit.patient).tuples()):
        found[patient_id] = day_of(last)
    return found


def _open_pregnancies(day: dt.date) -> dict[int, dt.date]:
    """Every pregnancy open on ``day``: patient -> HPHT."""
    return dict(Pregnancy.select(Pregnancy.patient, Pregnancy.lmp).where(
        (Pregnancy.lmp <= day) & (Pregnancy.lmp > day - dt.timedelta(weeks=PREGNANCY_WEEKS))
        & (Pregnancy.ended_on.is_null() | (Pregnancy.ended_on >= day))).order_by(Pregnancy.lmp).tuples())


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
    ticked: dict[tuple[int, str], list[dt.date]] = {}
    planned: dict[tuple[int, str], tuple[dt.date, str]] = {}
    for patient_id, key, done_on, scheduled_on, place in (Screening.select(
            Screening.patient, Screening.key, Screening.done_on, Screening.scheduled_on, Screening.place)
            .order_by(Screening.id).tuples()):
        if done_on is not None:
            ticked.setdefault((patient_id, key), []).append(done_on)
        if scheduled_on is not None:
            planned[(patient_id, key)] = (scheduled_on, place)
    pregnant = _open_pregnancies(day)
    query = (Patient.select(Patient.id, Patient.no_rm, Patient.name, Patient.sex, Patient.birth_date, Patient.kelurahan,
                            Patient.address, Patient.rt, Patient.rw, Patient.phone)
             .where(Patient.merged_into.is_null() & Patient.deleted_at.is_null() & (Patient.birth_date <= day)))
    if kelurahan is not None:
        query = query.where(Patient.kelurahan.in_(sorted(kelurahan)))
    targets: dict[str, int] = {}
    complete: dict[str, int] = {}
    by_indicator: dict[tuple[str, str], list[int]] = {}  # (kelurahan, indicator) -> [sasaran, tuntas]
    listed = []
    for number, (patient_id, no_rm, name, sex, born, area, address, rt, rw, phone) in enumerate(query.tuples().iterator()):
        if task is not None and number % 5000 == 0:
            task.step(number, number + 5000, _("Memeriksa skrining pasien..."))
        lmp = pregnant.get(patient_id)
        applying = [rule for rule in chosen if rule.applies(sex, born, day, lmp)]
        if not applying:
            continue
        area = area or ""
        targets[area] = targets.get(area, 0) + 1
        overdue, scheduled = [], []
        late_in: dict[str, bool] = {}
        for rule in applying:
            judged = _judge(rule, day, lmp, ticked.get((patient_id, rule.key), []),
                            measured.get(rule.evidence, {}).get(patient_id), planned.get((patient_id, rule.key)))
            if rule.indicator and not rule.once:
                late_in[rule.indicator] = late_in.get(rule.indicator, False) or judged.due
            if judged.due:
                overdue.append(rule)
                if judged.scheduled_on is not None:
                    scheduled.append((rule, judged.scheduled_on, judged.place))
        for indicator, late in late_in.items():
            counts = by_indicator.setdefault((area, indicator), [0, 0])
            counts[0] += 1
            counts[1] += not late
        if not overdue:
            complete[area] = complete.get(area, 0) + 1
            continue
        where = " ".join(part for part in (address, f"RT {rt}" if rt else "", f"RW {rw}" if rw else "") if part)
        listed.append(Overdue(patient_id, no_rm, name, sex, born, area, where, phone, tuple(overdue), tuple(scheduled)))
    coverage = [AreaCoverage(area, count, complete.get(area, 0),
                             {indicator: (counts[0], counts[1]) for (where, indicator), counts in by_indicator.items()
                              if where == area}) for area, count in targets.items()]
    listed.sort(key=lambda o: (o.kelurahan, o.address, o.name))
    return coverage, listed
