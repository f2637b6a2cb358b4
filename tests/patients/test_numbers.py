"""No. RM stays unique when several PCs register at the same moment."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from kupang_desk.models import Patient, db
from kupang_desk.patients.numbers import next_no_rm, set_at_least
from tests.helpers.factories import new_patient

WRITER = textwrap.dedent("""
    import datetime as dt, sys
    from kupang_desk.models import database, PaymentType
    from kupang_desk.patients.registration import PatientForm, register
    database.connect(sys.argv[1], migrate=False, seed=False)
    from kupang_desk.accounts import session
    from kupang_desk.accounts.permissions import PERMISSIONS
    from kupang_desk.accounts.session import SystemActor
    session.sign_in(SystemActor("pengujian", "Pengujian otomatis", frozenset(PERMISSIONS)))  # as the tests act
    worker, count = int(sys.argv[2]), int(sys.argv[3])
    umum = PaymentType.get(PaymentType.code == "UMUM").id
    for i in range(count):
        form = PatientForm(nik="", no_nik_reason="uji", name=f"Pasien Uji", sex="L", birth_date=dt.date(1990, 1, 1),
                           payment_type_id=umum, kelurahan_code="53.71.04.1001")
        print(register(form).no_rm, flush=True)
""")


@pytest.mark.serial
def test_parallel_registrations_get_distinct_numbers(db_url):
    from kupang_desk.models import database

    database.connect(db_url)
    database.close()
    workers, each = 4, 25
    processes = [subprocess.Popen([sys.executable, "-c", WRITER, db_url, str(w), str(each)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for w in range(workers)]
    reported = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        reported += out.split()
    assert len(reported) == workers * each
    assert len(set(reported)) == workers * each  # no number given twice
    database.connect(db_url)
    assert Patient.select().count() == workers * each  # no registration lost
    assert sorted(p.no_rm for p in Patient.select()) == sorted(reported)
    database.close()


def test_numbers_are_never_reused_and_skip_imported_ones(database):
    first = new_patient()
    Patient.update(no_rm="000002").where(Patient.id == first.id).execute()  # as if imported
    with db.atomic():
        assert next_no_rm() == "000003"
        set_at_least("no_rm", 1)  # never moves down
        assert next_no_rm() == "000004"
