"""Plausible demo data for Kota Kupang: patients, visits, students and awards.

Names as they occur in Kupang, kelurahan from the region table, NIKs consistent with
birth date, sex and kecamatan, visits over several years with weekday and rainy-season
patterns and a realistic mix of diagnoses. Everything is written in one transaction
with the database's bulk path (executemany on SQLite, COPY on PostgreSQL), so a
cancelled or failed run leaves the database as it was.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import multiprocessing
import random
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kupang_desk import preferences
from kupang_desk.accounts import users
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import (
    Award,
    AwardEvent,
    Icd10,
    Institution,
    Patient,
    PaymentType,
    Payout,
    Poli,
    Region,
    ScholarshipProgramme,
    Student,
    Visit,
    VisitDiagnosis,
    WorkArea,
    db,
    now,
)
from kupang_desk.models.bulk import CHUNK, BulkWriter, bulk_insert, next_id
from kupang_desk.names import name_key
from kupang_desk.patients.numbers import set_at_least
from kupang_desk.regions import KOTA_KUPANG
from kupang_desk.scholarships.awards import DEFAULT_REASONS, PIP_AMOUNTS
from kupang_desk.tasks import Task
from kupang_desk.validators import age_at
from kupang_desk.visits.diagnoses import diagnosis_rows

MALE_NAMES = (
    "Yohanes", "Yohanis", "Agustinus", "Yakobus", "Fransiskus", "Yosef", "Petrus", "Paulus",
    "Dominggus", "Marthen", "Ferdinand", "Frederik", "Herman", "Stefanus", "Melkianus",
    "Yeremias", "Obed", "Yunus", "Yance", "Imanuel", "Ricky", "Aldo", "Jefri", "Roni", "Daniel",
    "Samuel", "Simon", "Aleksander", "Markus", "Lukas", "Matius", "Benyamin", "Elias", "Gabriel",
    "Kristian", "Arnoldus", "Hendrik", "Yosua", "Abdul", "Muhammad", "Ahmad", "Hasan", "Ismail",
    "Rafael", "Adrianus", "Sebastianus", "Kornelis", "Nikodemus", "Yulius", "Oktavianus",
)
FEMALE_NAMES = (
    "Maria", "Mariya", "Margaretha", "Katarina", "Elisabeth", "Veronika", "Yuliana", "Novita",
    "Agnes", "Theresia", "Selfina", "Fransina", "Adriana", "Marlin", "Debora", "Yasinta",
    "Florentina", "Anastasia", "Yohana", "Ester", "Rut", "Sara", "Naomi", "Febriani", "Ivon",
    "Kristina", "Lusia", "Martha", "Sisilia", "Imelda", "Yuni", "Dewi", "Siti", "Nur", "Fatimah",
    "Aprilia", "Desiana", "Meliana", "Oktavia", "Angelina", "Delfiana", "Serlin", "Priska",
    "Yovita", "Wilhelmina", "Yosephina", "Herlina", "Santi", "Regina", "Dorkas",
)
FAMILY_NAMES = (
    "Ndun", "Ndolu", "Manafe", "Pah", "Mesah", "Lenggu", "Bire", "Lado", "Bunga", "Kana",
    "Djami", "Raja", "Haba", "Nguru", "Rihi", "Nope", "Tanesib", "Taek", "Benu", "Bani",
    "Sinlae", "Nubatonis", "Tefu", "Bana", "Kase", "Kolo", "Saefatu", "Neolaka", "Banunaek",
    "Tallo", "Fanggidae", "Foeh", "Messakh", "Adoe", "Amalo", "Dethan", "Henukh", "Manoe",
    "Ndoen", "Pellokila", "Riwu", "Mooy", "Toelle", "Tode", "Kore", "Fernandez", "da Silva",
    "Parera", "Wangge", "Tukan", "Lewar", "Koten", "Kelen", "Bere", "Seran", "Nahak", "Leki",
    "Lay", "Ratu", "Ga", "Dima", "Selan", "Umbu", "Kapitan", "Bessie", "Sabaat",
)
RELIGIONS = (("Kristen Protestan", 55), ("Katolik", 33), ("Islam", 10), ("Hindu", 1), ("Buddha", 1))
OCCUPATIONS = ("Petani", "Nelayan", "Wiraswasta", "Pegawai Negeri Sipil", "Karyawan Swasta",
               "Ibu Rumah Tangga", "Pelajar/Mahasiswa", "Buruh", "Sopir", "Tidak Bekerja", "Pensiunan")
EDUCATIONS = ("Tidak/Belum Sekolah", "SD", "SMP", "SMA", "D3", "S1")
STREETS = ("Jl. Frans Seda", "Jl. El Tari", "Jl. Soekarno", "Jl. Timor Raya", "Jl. W.J. Lalamentik",
           "Jl. Perintis Kemerdekaan", "Jl. Adisucipto", "Jl. Sam Ratulangi", "Jl. Cak Doko",
           "Jl. Mohammad Hatta", "Jl. Kejora", "Jl. Bundaran PU", "Jl. Nangka", "Jl. Amabi")

# Diagnosis mix by poli: (ICD-10 code, weight, chronic?). Chronic codes come back as kasus lama.
DIAGNOSES = {
    "Umum": (("J06.9", 30, False), ("I10", 14, True), ("A09", 8, False), ("L30.9", 6, False),
             ("M79.1", 6, False), ("K30", 5, False), ("R50.9", 5, False), ("E11.9", 4, True),
             ("J02.9", 4, False), ("K29.7", 4, False), ("B86", 2, False), ("M13.9", 3, False),
             ("R51", 3, False), ("H10.9", 2, False), ("J00", 3, False), ("A01.0", 2, False),
             ("A90", 2, False), ("A91", 1, False), ("B54", 1, False), ("J18.9", 1, False),
             ("N39.0", 2, False), ("J45.9", 2, True), ("M54.5", 3, False), ("T14.1", 2, False)),
    "Gigi": (("K02.9", 40, False), ("K04.0", 20, False), ("K05.1", 10, False), ("K08.8", 8, False),
             ("K02.1", 10, False), ("K05.0", 6, False), ("Z01.2", 6, False)),
    "KIA": (("Z34.9", 60, False), ("Z35.9", 15, False), ("O80", 5, False), ("D64.9", 10, False), ("J06.9", 10, False)),
    "KB": (("Z30.0", 100, False),),
    "MTBS": (("J06.9", 40, False), ("A09", 25, False), ("R50.9", 10, False), ("J18.9", 5, False),
             ("L30.9", 8, False), ("B86", 5, False), ("E44.0", 4, False), ("H66.9", 3, False)),
    "Lansia": (("I10", 40, True), ("E11.9", 15, True), ("M13.9", 12, False), ("M79.1", 10, False),
               ("E78.5", 8, True), ("K30", 8, False), ("M10.9", 7, True)),
    "Imunisasi": (("Z23", 100, False),),
    "Gizi": (("E44.0", 70, False), ("Z71.9", 30, False)),
    "TB": (("A15.0", 100, True),),
    "PTM": (("I10", 50, True), ("E11.9", 30, True), ("E78.5", 20, True)),
    "Laboratorium": (("Z00.0", 70, False), ("D64.9", 30, False)),
    "UGD": (("T14.1", 40, False), ("R10.4", 20, False), ("R50.9", 20, False), ("T78.4", 20, False)),
}
RAINY_SEASON_CODES = {"J06.9", "A09", "A90", "A91", "B54", "J18.9", "J00", "J02.9"}
COMPLAINTS = {
    "J06.9": "Batuk pilek, demam", "I10": "Pusing, tengkuk berat", "A09": "Mencret lebih dari 3 kali",
    "L30.9": "Gatal-gatal", "K02.9": "Gigi berlubang, sakit", "Z34.9": "Periksa kehamilan",
    "Z23": "Imunisasi", "Z30.0": "Suntik KB", "A90": "Demam tinggi 3 hari", "A91": "Demam, bintik merah",
}
HEALTH_WORKERS = ("dr. Maria Bere", "dr. Yohanes Nope", "drg. Agnes Manafe", "Bd. Selfina Ndun",
                  "Ns. Herman Taek", "Bd. Yuliana Lado", "dr. Febriani Riwu")


class _Chooser:
    """Weighted choice by bisection: the inner loops make millions of picks."""

    def __init__(self, items: Sequence, weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


# The small demo the first start offers on an empty database.
FIRST_RUN = {"patients": 2000, "visits": 20000, "students": 300}


@dataclass
class DemoCounts:
    patients: int = 0
    visits: int = 0
    diagnoses: int = 0
    students: int = 0
    awards: int = 0

    def describe(self) -> str:
        return _("{patients} pasien, {visits} kunjungan, {diagnoses} diagnosis, {students} siswa, {awards} penerima beasiswa").format(
            **{key: f"{value:,}".replace(",", ".") for key, value in self.__dict__.items()})


def is_empty() -> bool:
    """True when the database holds no patients, visits or students yet."""
    return not (Patient.select().exists() or Visit.select().exists() or Student.select().exists())


def generate(patients: int, visits: int, students: int = 0, *, task: Task | None = None,
             seed: int = 2026, today: dt.date | None = None, years: int = 5) -> DemoCounts:
    """Fills an empty database with demo data in one transaction.

    Refuses a database that already has patients, visits or students: demo data never
    mixes with real records.
    """
    task = task or Task()
    if min(patients, visits, students) < 0 or (visits and not patients):
        raise KnownError(_("Jumlah data contoh tidak boleh negatif, dan kunjungan memerlukan pasien."))
    if not is_empty():
        raise KnownError(_("Database ini sudah berisi data. Data contoh hanya dimuat ke database yang masih kosong, supaya tidak tercampur dengan data asli."))
    rng = random.Random(seed)
    today = today or dt.date.today()
    counts = DemoCounts()
    with db.atomic():
        _ensure_institution(with_school=students > 0, school_only=students > 0 and not patients)
        kelurahan = [r.code for r in Region.select(Region.code).where(
            (Region.level == "desa_kelurahan") & Region.code.startswith(KOTA_KUPANG + "."))]
        people = _make_patients(rng, patients, kelurahan, today, task)
        counts.patients = len(people)
        counts.visits, counts.diagnoses = _make_visits(rng, people, visits, today, years, task)
        if students:
            counts.students, counts.awards = _make_students(rng, students, kelurahan, today, task)
        _make_accounts(school=students > 0, puskesmas=patients > 0)
        task.step(1, 1, _("Menyimpan..."))
    # Fresh statistics, so the query planner knows the new tables' sizes.
    db.execute_sql("ANALYZE")
    return counts


DEMO_PASSWORD = "kupang-demo"
DEMO_ACCOUNTS = (  # username, full name, role, desk
    ("admin", "Administrator Demo", "administrator", "both"),
    ("loket", "Agnes Manafe", "pendaftaran", "puskesmas"),
    ("poli", "dr. Yohanes Nope", "poli", "puskesmas"),
    ("kepala", "dr. Maria Yasinta Bere", "pimpinan", "both"),
    ("operator", "Yosefina Manafe", "operator_sekolah", "sekolah"),
)


def _make_accounts(*, school: bool, puskesmas: bool) -> None:
    """Demo accounts, one per role, all with ``DEMO_PASSWORD``; only into a database with none."""
    if users.has_accounts():
        return
    for username, full_name, role, desk in DEMO_ACCOUNTS:
        if desk == "both" or (desk == "sekolah" and school) or (desk == "puskesmas" and puskesmas):
            users.create_user(username, full_name, role, DEMO_PASSWORD, must_change=False)
    preferences.put("demo.accounts", [a[0] for a in DEMO_ACCOUNTS])


def _ensure_institution(with_school: bool, school_only: bool = False) -> None:
    institution = Institution.select().first()
    if institution is None and school_only:
        Institution.create(
            kind="sekolah", name="SD Inpres Oebobo 2 (DEMO)", code="50304512", school_level="SD",
            address="Jl. Frans Seda No. 12, Kelurahan Oebobo, Kecamatan Oebobo, Kota Kupang",
            kelurahan="53.71.04.1001", phone="(0380) 822110", head_name="Yosefina Manafe, S.Pd.",
            head_nip="197703122005022002", letterhead="PEMERINTAH KOTA KUPANG\nDINAS PENDIDIKAN DAN KEBUDAYAAN",
        )
        return
    if institution is None:
        head_nip = "197703122005022002"
        institution = Institution.create(
            kind="puskesmas", name="UPTD Puskesmas Oebobo (DEMO)", code="P5371040201",
            address="Jl. Frans Seda, Kelurahan Oebobo, Kecamatan Oebobo, Kota Kupang",
            kelurahan="53.71.04.1001", phone="(0380) 821000", head_name="dr. Maria Yasinta Bere",
            head_nip=head_nip, letterhead="PEMERINTAH KOTA KUPANG\nDINAS KESEHATAN",
        )
        for code in ("53.71.04.1001", "53.71.04.1008", "53.71.04.1009", "53.71.04.1011", "53.71.04.1013"):
            WorkArea.get_or_create(kelurahan=code)
    if with_school and not institution.show_both:
        institution.show_both = True
        institution.save()


def _person_name(rng: random.Random, sex: str) -> str:
    first = rng.choice(MALE_NAMES if sex == "L" else FEMALE_NAMES)
    if rng.random() < 0.35:
        second = rng.choice(MALE_NAMES if sex == "L" else FEMALE_NAMES)
        if second != first:
            first = f"{first} {second}"
    return f"{first} {rng.choice(FAMILY_NAMES)}"


def _random_birth_date(rng: random.Random, today: dt.date) -> dt.date:
    # Kupang's age pyramid, roughly: many children and young adults, fewer elderly.
    age = rng.choices((0, 1, 5, 15, 25, 45, 60, 75), weights=(4, 9, 10, 18, 30, 17, 9, 3))[0]
    span = {0: 1, 1: 4, 5: 10, 15: 10, 25: 20, 45: 15, 60: 15, 75: 20}[age]
    days = rng.randrange(int(age * 365.25), int((age + span) * 365.25))
    return today - dt.timedelta(days=days)


def _nik(rng: random.Random, kecamatan: str, born: dt.date, sex: str, used: set[str]) -> str:
    day = born.day + (40 if sex == "P" else 0)
    stem = f"{kecamatan.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}"
    while True:
        nik = f"{stem}{rng.randrange(1, 10000):04d}"
        if nik not in used:
            used.add(nik)
            return nik


def _make_patients(rng: random.Random, count: int, kelurahan: Sequence[str], today: dt.date,
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
            task.step(index, count, _("Membuat pasien {done} dari {total}").format(done=index, total=count))
        sex = "L" if rng.random() < 0.49 else "P"
        born = _random_birth_date(rng, today)
        kel = rng.choice(kelurahan)
        # Most NIKs were issued in Kota Kupang; one in seven elsewhere in NTT.
        issued_in = kel[:8] if rng.random() < 0.86 else rng.choice(ntt_other)
        has_nik = rng.random() < 0.97
        nik = _nik(rng, issued_in, born, sex, used_nik) if has_nik else None
        payment = rng.choices(payment_choices, payment_weights)[0]
        bpjs = f"000{rng.randrange(10**9, 10**10)}" if payment != payments["UMUM"] else ""
        name = _person_name(rng, sex)
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
    "infant": _Chooser(("Imunisasi", "MTBS", "Gizi"), (50, 45, 5)),
    "child": _Chooser(("MTBS", "Imunisasi", "Gigi", "Gizi", "Umum"), (60, 10, 10, 5, 15)),
    "elderly": _Chooser(("Lansia", "Umum", "PTM", "Gigi", "Laboratorium", "UGD"), (45, 30, 12, 6, 5, 2)),
    "woman": _Chooser(("Umum", "KIA", "KB", "Gigi", "Laboratorium", "PTM", "UGD", "TB"), (45, 20, 10, 12, 5, 4, 2, 1)),
    "adult": _Chooser(("Umum", "Gigi", "PTM", "Laboratorium", "UGD", "TB"), (68, 15, 7, 5, 3, 2)),
}
_DIAGNOSIS_COUNT = _Chooser((1, 2, 3), (70, 24, 6))


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
    mixes: dict[str, _Chooser]
    chronic: set[str]
    first_visit_id: int
    first_diagnosis_id: int
    created: str


VISIT_COLUMNS = ("id", "patient", "visit_at", "poli", "payment_type", "is_new_visit", "age_days", "age_years",
                 "sex", "complaint", "systolic", "diastolic", "weight_kg", "temperature_c", "health_worker",
                 "created_at")
DIAGNOSIS_COLUMNS = ("id", "visit", "icd10", "is_new_case", "is_primary", "position")


def _make_visits(rng: random.Random, people: Sequence[tuple[int, dt.date, str, int]], count: int,
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
        mixes={poli: _Chooser([c for c, _w, _ch in mix if c in known_codes], [w for c, w, _ch in mix if c in known_codes])
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
            task.step(visits.count + len(visits.batch), count,
                      _("Membuat kunjungan {done} dari {total}").format(done=visits.count + len(visits.batch), total=count))
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
    try:
        for chunk in visit_chunks(plan):
            channel.put(chunk)
        channel.put(None)
    except BaseException:
        channel.put(traceback.format_exc())


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
        pick_code = mixes[poli]
        number = 1 if poli in single else _DIAGNOSIS_COUNT(rng)
        rainy = day.month in rainy_months and "J06.9" in pick_code.items
        picked: list[str] = []
        for _attempt in range(number + 2):
            code = pick_code(rng)
            if rainy and code not in RAINY_SEASON_CODES and rand() < 0.15:
                code = ("J06.9", "A09", "A90")[int(rand() * 3)]
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
            (360 + int(rand() * 28)) / 10, workers[int(rand() * len(workers))], created,
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


def _make_students(rng: random.Random, count: int, kelurahan: Sequence[str], today: dt.date,
                   task: Task) -> tuple[int, int]:
    year = today.year
    pip = ScholarshipProgramme.create(
        name="PIP", funder="Kementerian Pendidikan Dasar dan Menengah", year=year,
        amount_rules=json.dumps(PIP_AMOUNTS), eligibility_reasons=json.dumps(DEFAULT_REASONS),
        stages=json.dumps(["Tahap 1", "Tahap 2"]))
    ScholarshipProgramme.create(
        name="Beasiswa Prestasi Pemkot Kupang", funder="Pemerintah Kota Kupang", year=year,
        amount_rules=json.dumps({"SD": 500000, "SMP": 750000, "half_for_new_and_final": False}),
        eligibility_reasons=json.dumps(["Prestasi akademik", "Prestasi non-akademik"]), stages=json.dumps(["Tahap 1"]))
    used_nik: set[str] = set()
    first_id = next_id(Student)
    created = now()
    rows, awards = [], []
    for index in range(count):
        if index % 2000 == 0:
            task.step(index, count, _("Membuat siswa {done} dari {total}").format(done=index, total=count))
        sex = "L" if rng.random() < 0.5 else "P"
        grade = rng.randrange(1, 7)
        born = dt.date(year - 6 - grade, rng.randrange(1, 13), rng.randrange(1, 29))
        kel = rng.choice(kelurahan)
        name = _person_name(rng, sex)
        student_id = first_id + index
        kip = f"{rng.randrange(10**5, 10**6)}{rng.choice('ABCDEFGHJK')}" if rng.random() < 0.3 else ""
        eligible = bool(kip) or rng.random() < 0.15
        rows.append((
            student_id, f"{born.year % 1000:03d}{rng.randrange(10**6, 10**7)}", f"{20000 + student_id}",
            _nik(rng, kel[:8], born, sex, used_nik), name, name_key(name), sex, "Kupang", born,
            f"Kelas {grade}{rng.choice('AB')}", grade, rng.choice(FEMALE_NAMES) + " " + rng.choice(FAMILY_NAMES),
            rng.choice(MALE_NAMES) + " " + rng.choice(FAMILY_NAMES), kel, kip, eligible,
            rng.choice(DEFAULT_REASONS) if eligible else "", created, created,
        ))
        if eligible:
            awards.append((student_id, grade))
    bulk_insert(Student, ("id", "nisn", "nipd", "nik", "name", "name_key", "sex", "birth_place", "birth_date",
                          "class_group", "grade", "mother_name", "father_name", "kelurahan", "kip_number",
                          "pip_eligible", "pip_reason", "created_at", "updated_at"), rows)
    path = ("diusulkan", "sk_nominasi", "rekening_aktif", "sk_pemberian", "dicairkan", "diambil")
    for student_id, grade in awards:
        amount = PIP_AMOUNTS["SD"] // (2 if grade in (1, 6) else 1)
        reached = rng.choices(range(len(path) + 1), (15, 20, 15, 10, 15, 20, 5))[0]
        status = "dibatalkan" if reached == len(path) else path[reached]
        award = Award.create(
            programme=pip, student=student_id, status=status, amount=amount, reason=rng.choice(DEFAULT_REASONS),
            nomination_decree=f"SK-NOM/{year}/{rng.randrange(100, 999)}" if reached >= 1 else "",
            nomination_date=dt.date(year, 3, 15) if reached >= 1 else None,
            activation_deadline=today + dt.timedelta(days=rng.choice((-4, 3, 9, 30, 45))) if reached >= 1 else None,
            bank="BRI" if reached >= 2 else "", account_number=f"{rng.randrange(10**14, 10**15)}" if reached >= 2 else "",
            account_activated_on=dt.date(year, 5, rng.randrange(1, 29)) if reached >= 2 else None,
            cancel_reason="Pindah sekolah" if status == "dibatalkan" else "",
        )
        previous = ""
        for step in path[:min(reached, len(path) - 1) + 1]:
            AwardEvent.create(award=award, from_status=previous, to_status=step)
            previous = step
        if status == "dibatalkan":
            AwardEvent.create(award=award, from_status=previous, to_status=status, note="Pindah sekolah")
        if reached >= 4 and status != "dibatalkan":
            Payout.create(award=award, stage=1, paid_on=dt.date(year, 8, 20), amount=amount)
    return len(rows), len(awards)
