"""Power cuts mid-save: a writer killed with SIGKILL again and again loses nothing it committed."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from kupang_desk.models import database as database_module

WRITER = textwrap.dedent("""
    import datetime as dt, sys
    from kupang_desk.models import database, PaymentType, Poli
    from kupang_desk.patients.registration import PatientForm, register
    from kupang_desk.visits.recording import DiagnosisLine, VisitForm, record_visit
    database.connect(sys.argv[1], migrate=False, seed=False)
    from kupang_desk.accounts import session
    from kupang_desk.accounts.permissions import PERMISSIONS
    from kupang_desk.accounts.session import SystemActor
    session.sign_in(SystemActor("pengujian", "Pengujian otomatis", frozenset(PERMISSIONS)))  # as the tests act
    umum, poli = PaymentType.get(PaymentType.code == "UMUM").id, Poli.get(Poli.name == "Umum").id
    print("ready", flush=True)
    while True:
        patient = register(PatientForm(nik="", no_nik_reason="uji", name="Pasien Uji", sex="P",
                                       birth_date=dt.date(1990, 1, 1), payment_type_id=umum,
                                       kelurahan_code="53.71.04.1001"))
        print("patient", patient.id, flush=True)  # printed only after the commit
        visit = record_visit(VisitForm(patient_id=patient.id, visit_at=dt.datetime(2026, 10, 1, 9), poli_id=poli,
                                       diagnoses=[DiagnosisLine("J06.9", True, True)]))
        print("visit", visit.id, flush=True)
""")


@pytest.mark.serial
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
def test_killed_writer_loses_nothing_committed(sqlite_url, tmp_path):
    database_module.connect(sqlite_url)
    database_module.close()
    path = database_module.resolve_url(sqlite_url).path
    rng = random.Random(42)
    committed = {"patient": set(), "visit": set()}
    kills = 12
    for _round in range(kills):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, sqlite_url], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(writer.pid, signal.SIGKILL)
        out, _err = writer.communicate(timeout=30)
        for line in out.splitlines(keepends=True):
            if line.endswith("\n"):  # a line cut by the kill was never completely reported
                kind, number = line.split()
                committed[kind].add(int(number))
    assert committed["patient"] and committed["visit"]
    connection = sqlite3.connect(str(path))
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    patients = {row[0] for row in connection.execute("SELECT id FROM patient")}
    visits = {row[0] for row in connection.execute("SELECT id FROM visit")}
    numbers = [row[0] for row in connection.execute("SELECT no_rm FROM patient")]
    connection.close()
    assert committed["patient"] <= patients
    assert committed["visit"] <= visits
    assert len(numbers) == len(set(numbers))
    print(f"kills={kills} committed_patients={len(committed['patient'])} committed_visits={len(committed['visit'])} "
          f"found_patients={len(patients)} found_visits={len(visits)}")
