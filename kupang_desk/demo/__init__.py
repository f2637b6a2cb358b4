"""Plausible demo data for Kota Kupang: patients, visits, students and awards.

Names as they occur in Kupang, kelurahan from the region table, NIKs consistent with
birth date, sex and kecamatan, visits over several years with weekday and rainy-season
patterns and a realistic mix of diagnoses. Everything is written in one transaction
with the database's bulk path (executemany on SQLite, COPY on PostgreSQL), so a
cancelled or failed run leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TypedDict

from kupang_desk import clock, settings
from kupang_desk.accounts import users
from kupang_desk.accounts.permissions import SYSTEM_SETUP, require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.backup import encryption
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import (
    Institution,
    Patient,
    Population,
    Region,
    Student,
    Visit,
    WorkArea,
    db,
)
from kupang_desk.population import estimated_targets
from kupang_desk.regions import KOTA_KUPANG
from kupang_desk.tasks import Task


# The small demo the first start offers on an empty database.
class Size(TypedDict):
    patients: int
    visits: int
    students: int


FIRST_RUN = Size(patients=2000, visits=20000, students=0)  # a puskesmas: the school demo is its own database


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
             seed: int = 2026, today: dt.date | None = None, years: int = 5, user: SignedIn | None = None) -> DemoCounts:
    """Fills an empty database with demo data in one transaction.

    Refuses a database that already has patients, visits or students: demo data never
    mixes with real records. A database already set up (it has accounts) takes demo data only
    from its administrator, and keeps its accounts and its backup passphrase: the demo's public
    ones are set only where there were none.
    """
    task = task or Task()
    if min(patients, visits, students) < 0 or (visits and not patients):
        raise KnownError(_("Jumlah data contoh tidak boleh negatif, dan kunjungan memerlukan pasien."))
    if not is_empty():
        raise KnownError(_("Database ini sudah berisi data. Data contoh hanya dimuat ke database yang masih kosong, supaya tidak tercampur dengan data asli."))
    if users.has_accounts():  # set up for real: only its administrator decides
        require("users.manage", user)
    rng = random.Random(seed)
    today = today or clock.today()
    counts = DemoCounts()
    with db.atomic():
        _ensure_institution(school_only=students > 0 and not patients)
        kelurahan = [r.code for r in Region.select(Region.code).where(
            (Region.level == "desa_kelurahan") & Region.code.startswith(KOTA_KUPANG + "."))]
        if patients:
            _demo_population(rng, kelurahan)
        from kupang_desk.demo.health import (  # loaded to build, not at start
            make_mother_and_child,
            make_patients,
            make_visits,
        )
        from kupang_desk.demo.school import make_students

        people = make_patients(rng, patients, _by_distance(kelurahan), today, task)
        counts.patients = len(people)
        counts.visits, counts.diagnoses = make_visits(rng, people, visits, today, years, task)
        make_mother_and_child(random.Random(seed + 1), people, today)  # its own dice: the rest stays as it was
        if students:
            counts.students, counts.awards = make_students(rng, students, kelurahan, today, task)
        _make_accounts(school=students > 0, puskesmas=patients > 0)
        if not encryption.has_passphrase():  # an office's own passphrase is never replaced by the public one
            encryption.set_passphrase(encryption.DEMO_PASSPHRASE, user=SYSTEM_SETUP)  # shown with the demo accounts
        task.step(1, 1, _("Menyimpan..."))
    # Fresh statistics, so the query planner knows the new tables' sizes.
    db.execute_sql("ANALYZE")
    return counts


# How often a demo patient comes from each kecamatan, against the puskesmas's own working area
# (Oebobo): the nearer, the more; so the access-gap report shows a gap, as a real one does.
_NEARNESS = {"53.71.04": 8, "53.71.05": 4, "53.71.03": 4, "53.71.02": 3, "53.71.06": 2, "53.71.01": 1}
_WORK_AREA = ("53.71.04.1001", "53.71.04.1008", "53.71.04.1009", "53.71.04.1011", "53.71.04.1013")


def _by_distance(kelurahan: list[str]) -> list[str]:
    """The kelurahan, each as many times as patients come from it (working area twice its kecamatan)."""
    return [code for code in kelurahan
            for _copy in range(_NEARNESS.get(code[:8], 1) * (2 if code in _WORK_AREA else 1))]


def _demo_population(rng: random.Random, kelurahan: list[str]) -> None:
    """Kota Kupang's 404,120 inhabitants spread over its kelurahan unevenly, with PWS targets from a
    birth rate of 17.5 per 1,000, marked as demo figures (the office enters the real ones from BPS and
    the Dinas)."""
    weights = [rng.uniform(0.5, 1.5) for _code in kelurahan]
    whole = sum(weights)
    for code, weight in zip(kelurahan, weights, strict=True):
        total = round(404_120 * weight / whole)
        pregnant, infants = estimated_targets(total, 17.5)
        Population.insert(kelurahan=code, total=total, men=total // 2 + total % 2, women=total // 2, year=2025,
                          pregnant_target=pregnant, infant_target=infants,
                          source="CONTOH (DEMO), bukan angka BPS").on_conflict_ignore().execute()


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
            users.create_user(username, full_name, role, DEMO_PASSWORD, must_change=False, by=SYSTEM_SETUP)
    settings.put("demo.accounts", [a[0] for a in DEMO_ACCOUNTS])


def _ensure_institution(school_only: bool = False) -> None:
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
        for code in _WORK_AREA:
            WorkArea.get_or_create(kelurahan=code)
