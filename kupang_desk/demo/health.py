"""The puskesmas demo: patients, and visits over several years with weekday and rainy-season
patterns and a realistic mix of diagnoses (in a child process from 200,000 visits)."""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import queue
import random
import signal
import sys
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kupang_desk.demo.people import (
    EDUCATIONS,
    FAMILY_NAMES,
    FEMALE_NAMES,
    OCCUPATIONS,
    RELIGIONS,
    STREETS,
    Chooser,
    make_nik,
    person_name,
    random_birth_date,
)
from kupang_desk.i18n import _
from kupang_desk.models import (
    Icd10,
    Patient,
    PaymentType,
    Poli,
    Pregnancy,
    Region,
    Screening,
    Visit,
    VisitDiagnosis,
    now,
)
from kupang_desk.models.bulk import CHUNK, BulkWriter, bulk_insert, next_id
from kupang_desk.names import name_key
from kupang_desk.patients.numbers import set_at_least
from kupang_desk.regions import KOTA_KUPANG
from kupang_desk.screening import rules
from kupang_desk.tasks import Task
from kupang_desk.validators import age_at
from kupang_desk.visits.diagnoses import diagnosis_rows

NEWBORN = "neonatus"  # the code mix of the first 28 days
DIAGNOSES = {
    "Umum": (("J06.9", 30, False), ("I10", 14, True), ("A09.9", 8, False), ("L30.9", 6, False),
             ("M79.1", 6, False), ("K30", 5, False), ("R50.9", 5, False), ("E11.9", 4, True),
             ("J02.9", 4, False), ("K29.7", 4, False), ("B86", 2, False), ("M13.9", 3, False),
             ("R51", 3, False), ("H10.9", 2, False), ("J00", 3, False), ("A01.0", 2, False),
             ("A90", 2, False), ("A91", 1, False), ("B54", 1, False), ("J18.9", 1, False),
             ("N39.0", 2, False), ("J45.9", 2, True), ("M54.5", 3, False), ("T14.1", 2, False)),
    "Gigi": (("K02.9", 40, False), ("K04.0", 20, False), ("K05.1", 10, False), ("K08.8", 8, False),
             ("K02.1", 10, False), ("K05.0", 6, False), ("Z01.2", 6, False)),
    "KIA": (("Z34.9", 60, False), ("Z35.9", 15, False), ("O80.9", 5, False), ("D64.9", 10, False), ("J06.9", 10, False)),
    "KB": (("Z30.0", 100, False),),
    "MTBS": (("J06.9", 40, False), ("A09.9", 25, False), ("R50.9", 10, False), ("J18.9", 5, False),
             ("L30.9", 8, False), ("B86", 5, False), ("E44.0", 4, False), ("H66.9", 3, False)),
    "Lansia": (("I10", 40, True), ("E11.9", 15, True), ("M13.9", 12, False), ("M79.1", 10, False),
               ("E78.5", 8, True), ("K30", 8, False), ("M10.9", 7, True)),
    "Imunisasi": (("Z27.9", 100, False),),
    "Gizi": (("E44.0", 70, False), ("Z71.9", 30, False)),
    "TB": (("A15.0", 100, True),),
    "PTM": (("I10", 50, True), ("E11.9", 30, True), ("E78.5", 20, True)),
    "Laboratorium": (("Z00.0", 70, False), ("D64.9", 30, False)),
    "UGD": (("T14.1", 40, False), ("R10.4", 20, False), ("R50.9", 20, False), ("T78.4", 20, False)),
    # A newborn's first 28 days outside Imunisasi (not a poli: the neonatal visit, KN1-KN3): the check-up,
    # jaundice, omphalitis, feeding; never A09 (diarrhoea of a newborn is P78.3, rare here).
    NEWBORN: (("Z00.1", 55, False), ("P59.9", 25, False), ("P38", 8, False), ("P92.9", 12, False)),
}
RAINY_SEASON_CODES = {"J06.9", "A09.9", "A90", "A91", "B54", "J18.9", "J00", "J02.9"}
COMPLAINTS = {
    "J06.9": "Batuk pilek, demam", "I10": "Pusing, tengkuk berat", "A09.9": "Mencret lebih dari 3 kali",
    "L30.9": "Gatal-gatal", "K02.9": "Gigi berlubang, sakit", "Z34.9": "Periksa kehamilan",
    "Z27.9": "Imunisasi", "Z30.0": "Suntik KB", "A90": "Demam tinggi 3 hari", "A91": "Demam, bintik merah",
}
HEALTH_WORKERS = ("dr. Maria Bere", "dr. Yohanes Nope", "drg. Agnes Manafe", "Bd. Selfina Ndun",
                  "Ns. Herman Taek", "Bd. Yuliana Lado", "dr. Febriani Riwu")



def make_patients(rng: random.Random, count: int, kelurahan: Sequence[str], today: dt.date,
                   task: Task) -> list[tuple[int, dt.date, str, int]]:
    """Inserts patients; returns (id, birth date, sex, payment id) for each."""
    payments = {p.code: p.id for p in PaymentType.select()}
    payment_choices = (payments["UMUM"], payments["PBI-N"], payments["PBI-D"], payments["PPU"], payments["PBPU"])
    payment_weights = (25, 35, 15, 15, 10)
    ntt_other = [r.code for r in Region.select(Region.code).where(
        (Region.level == "kecamatan") & ~Region.code.startswith(KOTA_KUPANG + "."))]
    used_nik: set[str] = set()
    first_id = next_id(Patient)
    created = now()
    rows, people = [], []
    for index in range(count):
        if index % 5000 == 0:
            task.step_of(index, count, _("Membuat pasien {done} dari {total}"))
        sex = "L" if rng.random() < 0.49 else "P"
        born = random_birth_date(rng, today)
        kel = rng.choice(kelurahan)
        # Most NIKs were issued in Kota Kupang; one in seven elsewhere in NTT.
        issued_in = kel[:8] if rng.random() < 0.86 else rng.choice(ntt_other)
        has_nik = rng.random() < 0.97
        nik = make_nik(rng, issued_in, born, sex, used_nik) if has_nik else None
        payment = rng.choices(payment_choices, payment_weights)[0]
        bpjs = f"000{rng.randrange(10**9, 10**10)}" if payment != payments["UMUM"] else ""
        name = person_name(rng, sex)
        patient_id = first_id + index
        age_years = age_at(born, today)[1]
        rows.append((
            patient_id, f"{patient_id:06d}", nik, f"5371{rng.randrange(10**11, 10**12)}", bpjs, name, name_key(name), sex,
            "Kupang", born, rng.choice(FEMALE_NAMES) + " " + rng.choice(FAMILY_NAMES),
            rng.choices([r for r, _w in RELIGIONS], [w for _r, w in RELIGIONS])[0],
            rng.choice(OCCUPATIONS) if age_years >= 17 else "Pelajar/Mahasiswa" if age_years >= 6 else "Belum Bekerja",
            rng.choice(EDUCATIONS) if age_years >= 17 else "",
            ("Kawin" if rng.random() < 0.7 else "Belum Kawin") if age_years >= 19 else "Belum Kawin",
            f"08{rng.randrange(10**9, 10**10)}" if rng.random() < 0.7 else "",
            f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}", f"{rng.randrange(1, 40):03d}",
            f"{rng.randrange(1, 12):03d}", kel, payment,
            "" if has_nik else "Surat keterangan Dinas Sosial", created, created,
        ))
        people.append((patient_id, born, sex, payment))
    set_at_least("no_rm", first_id + count - 1)  # the next registration continues the numbering
    bulk_insert(Patient, (
        "id", "no_rm", "nik", "kk_number", "bpjs_number", "name", "name_key", "sex", "birth_place", "birth_date",
        "mother_name", "religion", "occupation", "education", "marital_status", "phone", "address", "rt", "rw",
        "kelurahan", "payment_type", "no_nik_reason", "created_at", "updated_at",
    ), rows)
    return people


def _visit_days(today: dt.date, years: int) -> tuple[list[dt.date], list[float]]:
    """Every day of the period with its weight: busy Mondays, quiet Saturdays, a rainy season."""
    start = today.replace(year=today.year - years, day=1)
    weekday_weight = (1.35, 1.0, 1.0, 1.0, 0.9, 0.55, 0.03)
    days, cumulative, total = [], [], 0.0
    day = start
    while day < today:  # up to yesterday: today's visits are the clerk's to enter
        weight = weekday_weight[day.weekday()] * (1.25 if day.month in (12, 1, 2, 3) else 1.0)
        # The city grows: later years a little busier.
        weight *= 1 + 0.04 * (day.year - start.year)
        total += weight
        days.append(day)
        cumulative.append(total)
        day += dt.timedelta(days=1)
    return days, cumulative


_POLI_BY_GROUP = {
    "infant": Chooser(("Imunisasi", "MTBS", "Gizi"), (50, 45, 5)),
    "child": Chooser(("MTBS", "Imunisasi", "Gigi", "Gizi", "Umum"), (60, 10, 10, 5, 15)),
    "elderly": Chooser(("Lansia", "Umum", "PTM", "Gigi", "Laboratorium", "UGD"), (45, 30, 12, 6, 5, 2)),
    "woman": Chooser(("Umum", "KIA", "KB", "Gigi", "Laboratorium", "PTM", "UGD", "TB"), (45, 20, 10, 12, 5, 4, 2, 1)),
    "adult": Chooser(("Umum", "Gigi", "PTM", "Laboratorium", "UGD", "TB"), (68, 15, 7, 5, 3, 2)),
}
_DIAGNOSIS_COUNT = Chooser((1, 2, 3), (70, 24, 6))


def _poli_for(rng: random.Random, age_years: int, sex: str) -> str:
    if age_years < 1:
        group = "infant"
    elif age_years < 5:
        group = "child"
    elif age_years >= 60:
        group = "elderly"
    elif sex == "P" and 17 <= age_years <= 45:
        group = "woman"
    else:
        group = "adult"
    return _POLI_BY_GROUP[group](rng)


# From this many visits on, rows are made in a second process while this one writes.
PARALLEL_FROM = 200_000


@dataclass
class VisitPlan:
    """Everything the visit generator needs; picklable, so a child process can run it."""

    seed: int
    people: Sequence[tuple[int, dt.date, str, int]]
    count: int
    today: dt.date
    years: int
    poli_ids: dict[str, int]
    payment_ids: list[int]
    mixes: dict[str, Chooser]
    chronic: set[str]
    first_visit_id: int
    first_diagnosis_id: int
    created: str


VISIT_COLUMNS = ("id", "patient", "visit_at", "poli", "payment_type", "is_new_visit", "age_days", "age_years",
                 "sex", "complaint", "systolic", "diastolic", "weight_kg", "temperature_c", "health_worker",
                 "created_at")
DIAGNOSIS_COLUMNS = ("id", "visit", "icd10", "is_new_case", "is_primary", "position")


def _saved_at(day: dt.date, minute: int, visit_id: int, created: str) -> str:
    """When the clerk saved the visit: at the end of the service, 8 to 37 minutes after the patient came
    (SATUSEHAT's Encounter runs from the one to the other), never after the demo was made."""
    saved = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute + 8 + (visit_id * 7) % 30)
    return min(saved.strftime("%Y-%m-%d %H:%M:%S"), max(created, f"{day.isoformat()} {minute // 60:02d}:{minute % 60:02d}:00"))


def make_visits(rng: random.Random, people: Sequence[tuple[int, dt.date, str, int]], count: int,
                 today: dt.date, years: int, task: Task) -> tuple[int, int]:
    if not count:
        return 0, 0
    task.step(0, count, _("Menyiapkan kunjungan..."))
    known_codes = {row.code for row in Icd10.select(Icd10.code).where(
        Icd10.code.in_([code for mix in DIAGNOSES.values() for code, _w, _c in mix]))}
    plan = VisitPlan(
        seed=rng.randrange(2**31), people=people, count=count, today=today, years=years,
        poli_ids={p.name: p.id for p in Poli.select()},
        payment_ids=[p.id for p in PaymentType.select(PaymentType.id)],
        mixes={poli: Chooser([c for c, _w, _ch in mix if c in known_codes], [w for c, w, _ch in mix if c in known_codes])
               for poli, mix in DIAGNOSES.items()},
        chronic={code for mix in DIAGNOSES.values() for code, _w, is_chronic in mix if is_chronic},
        first_visit_id=next_id(Visit), first_diagnosis_id=next_id(VisitDiagnosis),
        created=now().strftime("%Y-%m-%d %H:%M:%S"),
    )
    visits = BulkWriter(Visit, VISIT_COLUMNS, ready=True)
    diagnoses = BulkWriter(VisitDiagnosis, DIAGNOSIS_COLUMNS, parent=visits, ready=True)
    chunks = _chunks_from_child(plan) if count >= PARALLEL_FROM else visit_chunks(plan)
    try:
        for visit_rows, diagnosis_rows in chunks:
            task.step_of(visits.count + len(visits.batch), count, _("Membuat kunjungan {done} dari {total}"))
            visits.extend(visit_rows)
            diagnoses.extend(diagnosis_rows)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()  # stops the child process when cancelled
    task.step(count, count, _("Menyusun indeks kunjungan..."))
    written = visits.close()
    return written, diagnoses.close()


def _chunks_from_child(plan: VisitPlan) -> Iterator[tuple[list, list]]:
    """The chunks of ``visit_chunks(plan)``, made in a spawned process (safe beside Qt threads)."""
    context = multiprocessing.get_context("spawn")
    channel = context.Queue(maxsize=4)
    child = context.Process(target=_visit_chunks_to_queue, args=(plan, channel), daemon=True)
    child.start()
    try:
        while True:
            item = channel.get()
            if item is None:
                break
            if isinstance(item, str):
                raise RuntimeError(f"demo visit generator failed: {item}")
            yield item
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def _visit_chunks_to_queue(plan: VisitPlan, channel) -> None:
    _die_with_parent()
    try:
        for chunk in visit_chunks(plan):
            _put(channel, chunk)
        _put(channel, None)
    except BaseException:
        _put(channel, traceback.format_exc())


def _die_with_parent() -> None:
    """On Linux the kernel ends this child when its parent dies (even by SIGKILL); elsewhere ``_put`` notices."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _put(channel, item) -> None:
    """Puts ``item`` for the parent, waiting while the queue is full, and ends this process when the
    parent is gone (killed, or the power button): no orphan keeps generating."""
    parent = multiprocessing.parent_process()
    while True:
        try:
            channel.put(item, timeout=1)
            return
        except queue.Full:
            if parent is not None and not parent.is_alive():
                os._exit(0)


def visit_chunks(plan: VisitPlan) -> Iterator[tuple[list, list]]:
    """Yields (visit rows, diagnosis rows) in chunks; dates already as ISO text."""
    rng = random.Random(plan.seed)
    rand = rng.random
    people, count, today = plan.people, plan.count, plan.today
    days, cumulative = _visit_days(today, plan.years)
    # A few patients come often (chronic care), most a handful of times.
    weights = [rng.paretovariate(1.6) for _ in people]
    chosen = rng.choices(range(len(people)), weights, k=count)
    dates = rng.choices(days, cum_weights=cumulative, k=count)
    last_day = days[-1]
    planned = []
    for person_index, day in zip(chosen, dates, strict=True):
        born = people[person_index][1]
        if day < born:
            if born > last_day:  # born today: no visit of theirs is in the period yet
                person_index = int(rand() * len(people))
                while people[person_index][1] > last_day:
                    person_index = int(rand() * len(people))
                born = people[person_index][1]
            if day < born:  # a baby: some day between birth and yesterday
                day = born + dt.timedelta(days=int(rand() * ((last_day - born).days + 1)))
        planned.append((day, 450 + int(rand() * 390), person_index))  # 07.30 to 14.00
    del chosen, dates
    # In time order, as a puskesmas enters them: a month's visits (and their diagnoses)
    # then lie together in the table, as they do in a real database.
    planned.sort()
    poli_ids, payment_ids, mixes, chronic = plan.poli_ids, plan.payment_ids, plan.mixes, plan.chronic
    created = plan.created
    day_text: dict[dt.date, str] = {}
    visit_id, diagnosis_id = plan.first_visit_id, plan.first_diagnosis_id
    seen_year: set[tuple[int, int]] = set()
    seen_code: set[tuple[int, str]] = set()
    single = {"Imunisasi", "KB", "TB"}
    rainy_months = {12, 1, 2, 3}
    workers = HEALTH_WORKERS
    visit_rows: list[tuple] = []
    diagnosis_buffer: list[tuple] = []
    for day, minute, person_index in planned:
        patient_id, born, sex, payment = people[person_index]
        age_days = (day - born).days
        age_years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        poli = _poli_for(rng, age_years, sex)
        pick_code = mixes[NEWBORN] if age_days <= 28 and poli != "Imunisasi" else mixes[poli]
        number = 1 if poli in single else _DIAGNOSIS_COUNT(rng)
        rainy = day.month in rainy_months and "J06.9" in pick_code.items
        picked: list[str] = []
        for _attempt in range(number + 2):
            code = pick_code(rng)
            if rainy and code not in RAINY_SEASON_CODES and rand() < 0.15:
                code = ("J06.9", "A09.9", "A90")[int(rand() * 3)]
            if code not in picked:
                picked.append(code)
                if len(picked) == number:
                    break
        year_key = (patient_id, day.year)
        is_new_visit = year_key not in seen_year
        if is_new_visit:
            seen_year.add(year_key)
        text = day_text.get(day)
        if text is None:
            text = day_text[day] = day.isoformat()
        adult = age_years >= 15
        visit_rows.append((
            visit_id, patient_id, f"{text} {minute // 60:02d}:{minute % 60:02d}:00", poli_ids[poli],
            payment if rand() < 0.93 else payment_ids[int(rand() * len(payment_ids))],
            is_new_visit, age_days, age_years, sex, COMPLAINTS.get(picked[0], "Kontrol"),
            100 + int(rand() * 70) if adult else None, 60 + int(rand() * 40) if adult else None,
            (400 + int(rand() * 450) if adult else 30 + int(rand() * 320)) / 10,
            (360 + int(rand() * 28)) / 10, workers[int(rand() * len(workers))],
            _saved_at(day, minute, visit_id, created),
        ))
        pairs = []
        for code in picked:
            if code in chronic:
                key = (patient_id, code)
                new_case = key not in seen_code
                if new_case:
                    seen_code.add(key)
            else:
                new_case = rand() < 0.85
            pairs.append((code, new_case))
        for line in diagnosis_rows(pairs):
            diagnosis_buffer.append((diagnosis_id, visit_id, line.code, line.is_new_case, line.is_primary, line.position))
            diagnosis_id += 1
        visit_id += 1
        if len(visit_rows) >= CHUNK:
            yield visit_rows, diagnosis_buffer
            visit_rows, diagnosis_buffer = [], []
    if visit_rows:
        yield visit_rows, diagnosis_buffer


def make_mother_and_child(rng: random.Random, people: Sequence[tuple[int, dt.date, str, int]], today: dt.date) -> int:
    """Pregnancies with their antenatal contacts, newborns' neonatal visits and children's doses, so
    that the PWS and the Beranda have something to show; most, not all, done on time. Returns the
    ticks written."""

    by_key = {rule.key: rule for rule in rules()}
    created = now()
    pregnancies, ticks = [], []
    for patient_id, born, sex, _payment in people:
        years = age_at(born, today)[1]
        if sex == "P" and 18 <= years <= 40 and rng.random() < 0.03:
            lmp = today - dt.timedelta(days=rng.randrange(28, 280))
            pregnancies.append((patient_id, lmp, created))
            for week, key in ((9, "anc_t1"), (16, "anc_t2"), (22, "anc_t2"), (27, "anc_t3"), (32, "anc_t3"),
                              (36, "anc_t3")):
                day = lmp + dt.timedelta(weeks=week, days=rng.randrange(0, 7))
                if day < today and rng.random() < 0.8:
                    ticks.append((patient_id, key, day, "", created))
            continue
        age_days = (today - born).days
        if age_days >= 730:
            continue
        on_time = 1.0 if rng.random() < 0.75 else 0.5  # most families bring every dose, some miss many
        for rule in by_key.values():
            if rule.indicator not in ("kn", "idl") and not rule.key.startswith("imun_"):
                continue
            if rule.unit == "hari":
                day = born + dt.timedelta(days=rule.age_from + rng.randrange(0, max((rule.age_to or 1) - rule.age_from, 1)))
            else:
                day = born + dt.timedelta(days=30 * rule.age_from + rng.randrange(0, 20))
            if day < today and rng.random() < on_time:
                ticks.append((patient_id, rule.key, day, "", created))
    bulk_insert(Pregnancy, ("patient", "lmp", "created_at"), pregnancies)
    bulk_insert(Screening, ("patient", "key", "done_on", "place", "created_at"), ticks)
    return len(ticks)
