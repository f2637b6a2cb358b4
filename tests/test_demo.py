"""Demo data: plausible, consistent, all-or-nothing, and never mixed into real data."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from kupang_desk import demo
from kupang_desk.errors import KnownError
from kupang_desk.models import (
    Award,
    Institution,
    Patient,
    Region,
    Student,
    Visit,
    VisitDiagnosis,
    WorkArea,
    db,
)
from kupang_desk.names import name_key
from kupang_desk.tasks import Cancelled, Task
from kupang_desk.validators import age_at, check_nik
from tests.helpers.clock import TODAY


@pytest.fixture
def filled(database):
    counts = demo.generate(300, 3000, 60, today=TODAY, years=3)
    return counts


def test_counts_and_institution(filled):
    assert (filled.patients, filled.visits, filled.students) == (300, 3000, 60)
    assert Patient.select().count() == 300
    assert Visit.select().count() == 3000
    assert VisitDiagnosis.select().count() == filled.diagnoses >= 3000
    assert Student.select().count() == 60
    assert Award.select().count() == filled.awards > 0
    institution = Institution.get()
    assert institution.kind == "puskesmas" and not institution.show_both  # the school desk is its own database
    assert WorkArea.select().count() == 5


def test_patients_are_consistent(filled):
    kota_kupang = {r.code for r in Region.select().where(Region.code.startswith("53.71."))}
    no_rm = set()
    for patient in Patient.select():
        assert patient.kelurahan_code in kota_kupang
        assert patient.name_key == name_key(patient.name)
        assert not any(ch.isdigit() for ch in patient.name)
        no_rm.add(patient.no_rm)
        if patient.nik is None:
            assert patient.no_nik_reason  # never invented, the reason is kept
            continue
        checked = check_nik(patient.nik, birth_date=patient.birth_date, sex=patient.sex)
        # The NIK matches birth date and sex; it may come from a kecamatan outside the city.
        assert not [w for w in checked.warnings if "berbeda" in w or "menunjukkan" in w]
        assert patient.nik.startswith("53")
        if patient.bpjs_number:
            assert len(patient.bpjs_number) == 13 and patient.bpjs_number.startswith("000")
    assert len(no_rm) == 300


def test_visits_are_plausible(filled):
    births = {p.id: (p.birth_date, p.sex) for p in Patient.select()}
    first_of_year = {}
    weekdays = Counter()
    for visit in Visit.select().order_by(Visit.patient, Visit.visit_at):
        born, sex = births[visit.patient_id]
        day = visit.visit_at.date()
        assert born <= day < TODAY  # nothing in the future, today left to the clerk
        assert (visit.age_days, visit.age_years) == age_at(born, day)
        assert visit.sex == sex
        key = (visit.patient_id, day.year)
        assert visit.is_new_visit == (key not in first_of_year)
        first_of_year.setdefault(key, visit.id)
        weekdays[day.weekday()] += 1
    # Mondays are the busiest day; Sundays nearly empty.
    assert weekdays[0] > weekdays[5] > weekdays[6]
    primaries = VisitDiagnosis.select().where(VisitDiagnosis.is_primary).count()
    assert primaries == 3000
    codes = Counter(d.icd10_code for d in VisitDiagnosis.select())
    assert codes.most_common(1)[0][0] == "J06.9"  # ISPA leads, as in every puskesmas


def test_the_demo_has_pregnancies_and_children_for_the_pws(filled):
    from kupang_desk.models import Pregnancy, Screening
    from kupang_desk.screening.pws import pws, total

    assert Pregnancy.select().count() > 0 and Screening.select().where(Screening.key.startswith("imun_")).count() > 0
    # The last twelve months, not 'since January': on 1 January that period is one day long.
    whole = total(pws(TODAY - dt.timedelta(days=364), TODAY))
    assert whole.pregnant > 0 and 0 < whole.k1 <= whole.pregnant and 0 < whole.idl <= whole.infants, whole


def test_refuses_a_database_with_data(filled):
    with pytest.raises(KnownError, match="sudah berisi data"):
        demo.generate(10, 10)


def test_cancel_leaves_nothing(database):
    task = Task(on_progress=lambda done, total, text: task.cancel() if done >= 2000 else None)
    with pytest.raises(Cancelled):
        demo.generate(100, 5000, task=task, today=TODAY)
    assert Patient.select().count() == 0
    assert Visit.select().count() == 0
    assert Institution.select().count() == 0
    # The indexes dropped for the bulk load came back with the rollback.
    assert {i.name for i in db.get_indexes("visit")} >= {"visit_patient_id", "visit_live_visit_at", "visit_deleted"}


def test_indexes_are_rebuilt_after_the_load(filled):
    assert {i.name for i in db.get_indexes("visit")} >= {"visit_patient_id", "visit_live_visit_at", "visit_deleted"}
    assert {i.name for i in db.get_indexes("patient")} >= {"patient_no_rm", "patient_nik", "patient_name_key"}


@pytest.mark.serial
def test_the_demo_generator_dies_with_its_parent(tmp_path):
    """A killed program leaves no generator behind (it would keep the office PC busy): the child
    that makes demo visits ends when its parent is killed, even while it waits on a full queue."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    probe = tmp_path / "induk.py"
    probe.write_text(
        "import time, multiprocessing as mp\nfrom kupang_desk.demo import health\n"
        "def generate(channel):\n    health._die_with_parent()\n    while True:\n        health._put(channel, 'baris')\n"
        "if __name__ == '__main__':\n"
        "    context = mp.get_context('spawn')\n    channel = context.Queue(maxsize=1)\n"
        "    child = context.Process(target=generate, args=(channel,))\n    child.start()\n"
        "    time.sleep(1)\n    print(child.pid, flush=True)\n    time.sleep(60)\n", encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(probe)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait()

    def alive() -> bool:
        try:
            return Path(f"/proc/{child}/stat").read_text().split()[2] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 10
    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive()


def test_a_clerk_cannot_load_the_demo_into_an_office_database(tmp_path, monkeypatch, capsys):
    """Issue 35 item 6: an office set up for real (its administrator, its own backup passphrase,
    no records yet). The registration clerk's ``demo`` is refused and changes nothing; the
    administrator's demo keeps the office's accounts and passphrase (no public ``kupang-demo``)."""
    from kupang_desk.accounts import users
    from kupang_desk.accounts.permissions import SYSTEM_SETUP
    from kupang_desk.backup import encryption
    from kupang_desk.cli import main
    from kupang_desk.models import User
    from kupang_desk.models import database as database_module

    url = f"sqlite:///{tmp_path}/kantor.sqlite"
    monkeypatch.setenv("KUPANG_DESK_PASSWORD", "rahasia-kantor-1")
    assert main(["--database", url, "setup", "--type", "puskesmas", "--name", "UPTD Puskesmas Alak", "--admin", "kepala"]) == 0
    database_module.connect(url)
    users.create_user("loket1", "Agnes Taek", "pendaftaran", "rahasia-loket-1", must_change=False, by=SYSTEM_SETUP)
    encryption.set_passphrase("pantai lasiana biru kantor", user=SYSTEM_SETUP)
    database_module.close()
    capsys.readouterr()

    monkeypatch.setenv("KUPANG_DESK_PASSWORD", "rahasia-loket-1")
    assert main(["--database", url, "--user", "loket1", "demo", "--patients", "20", "--visits", "40"]) == 2
    assert "Agnes Taek (Petugas Pendaftaran) tidak berhak: mengelola akun pengguna" in capsys.readouterr().err
    database_module.connect(url)
    assert not Patient.select().exists() and sorted(u.username for u in User.select()) == ["kepala", "loket1"]
    database_module.close()

    monkeypatch.setenv("KUPANG_DESK_PASSWORD", "rahasia-kantor-1")
    assert main(["--database", url, "--user", "kepala", "demo", "--patients", "20", "--visits", "40"]) == 0
    out = capsys.readouterr().out
    assert "kupang-demo" not in out  # neither demo accounts nor the demo's backup passphrase were set
    database_module.connect(url)
    assert Patient.select().count() == 20
    assert sorted(u.username for u in User.select()) == ["kepala", "loket1"]
    encryption.unlock("pantai lasiana biru kantor")  # the office's passphrase still opens its backups
    with pytest.raises(KnownError):
        encryption.unlock(encryption.DEMO_PASSPHRASE)
    database_module.close()


def test_the_demo_newborns_have_newborn_diagnoses(database):
    """Issue 38 item 9: the demo's LB1 had A09 (diarrhoea) in 0-7-day-olds; a newborn's visits carry the
    first weeks' codes (check-up, jaundice, omphalitis, feeding)."""
    import peewee as pw

    from kupang_desk import demo
    from kupang_desk.models import Visit, VisitDiagnosis

    demo.generate(1500, 8000, 0, seed=7)
    codes = dict(VisitDiagnosis.select(VisitDiagnosis.icd10, pw.fn.COUNT(VisitDiagnosis.id)).join(Visit)
                 .where(Visit.age_days <= 28).group_by(VisitDiagnosis.icd10).tuples())
    assert codes and not {code for code in codes if code.startswith(("A09", "J18", "I10"))}, codes
    assert set(codes) <= {"Z00.1", "P59.9", "P38", "P92.9", "Z27.9"}, codes
