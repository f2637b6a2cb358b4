"""The school demo: students by class, and PIP awards at every stage."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence

from kupang_desk.demo.people import FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES, make_nik, person_name
from kupang_desk.i18n import _
from kupang_desk.models import (
    Award,
    AwardEvent,
    Payout,
    ScholarshipProgramme,
    Student,
    now,
)
from kupang_desk.models.bulk import bulk_insert, next_id
from kupang_desk.names import name_key
from kupang_desk.scholarships.programmes import DEFAULT_REASONS, PIP_AMOUNTS
from kupang_desk.tasks import Task


def make_students(rng: random.Random, count: int, kelurahan: Sequence[str], today: dt.date,
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
            task.step_of(index, count, _("Membuat siswa {done} dari {total}"))
        sex = "L" if rng.random() < 0.5 else "P"
        grade = rng.randrange(1, 7)
        born = dt.date(year - 6 - grade, rng.randrange(1, 13), rng.randrange(1, 29))
        kel = rng.choice(kelurahan)
        name = person_name(rng, sex)
        student_id = first_id + index
        kip = f"{rng.randrange(10**5, 10**6)}{rng.choice('ABCDEFGHJK')}" if rng.random() < 0.3 else ""
        eligible = bool(kip) or rng.random() < 0.15
        rows.append((
            student_id, f"{born.year % 1000:03d}{rng.randrange(10**6, 10**7)}", f"{20000 + student_id}",
            make_nik(rng, kel[:8], born, sex, used_nik), name, name_key(name), sex, "Kupang", born,
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
