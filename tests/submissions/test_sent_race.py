"""Issue 35 item 2: a month marked sent while eight clerks save visits into it. Every visit saved is
either in the counts kept as sent or a late change of that sending (the month shows "Perlu revisi");
none is silently outside both."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kupang_desk.documents.table import Period
from kupang_desk.models import LateChange, Patient, Visit
from kupang_desk.models import database as database_module
from kupang_desk.reports import service
from kupang_desk.submissions import sent
from kupang_desk.visits.locks import latest_sent
from tests.helpers import children

ROOT = Path(__file__).resolve().parents[2]
OCTOBER = Period.month("2026-10")
CLERKS, EACH = 8, 40

CLERK = textwrap.dedent("""
    import sys, datetime as dt
    from kupang_desk.accounts import session
    from kupang_desk.models import Patient, database
    from kupang_desk.visits.recording import DiagnosisLine, VisitForm, record_visit
    from tests.helpers.actors import TEST_ACTOR
    from tests.helpers.factories import payment, poli
    database.connect(sys.argv[1], migrate=False, seed=False)
    clerk, each = int(sys.argv[2]), int(sys.argv[3])
    codes = ["J06.9", "A09", "I10", "K29.7", "L30.9"]
    with session.acting_as(TEST_ACTOR):
        umum, cash = poli(), payment()
        patients = [p.id for p in Patient.select(Patient.id).where(Patient.no_rm.startswith(f"R{clerk}-")).order_by(Patient.id)]
        for n, patient in enumerate(patients[:each]):
            day = dt.datetime(2026, 10, 1 + (n * 7 + clerk) % 31, 8 + n % 8, 0)
            form = VisitForm(patient_id=patient, visit_at=day, poli_id=umum, payment_type_id=cash,
                             diagnoses=[DiagnosisLine(codes[(n + clerk) % 5], is_new_case=True, is_primary=True)])
            visit = record_visit(form, today=dt.date(2026, 11, 27), reason="terlambat dicatat")
            print(visit.id, flush=True)
""")

SENDER = textwrap.dedent("""
    import sys, time
    from kupang_desk.accounts import session
    from kupang_desk.documents.table import Period
    from kupang_desk.models import Visit, database
    from kupang_desk.submissions import sent
    from tests.helpers.actors import TEST_ACTOR
    database.connect(sys.argv[1], migrate=False, seed=False)
    with session.acting_as(TEST_ACTOR):
        while Visit.select().count() < int(sys.argv[2]):  # the clerks are well under way
            time.sleep(0.01)
        print(sent.mark_sent("lb1", Period.month("2026-10")).id, flush=True)
""")


def run(script: str, *arguments: str) -> subprocess.Popen:
    environment = children.environment()
    return subprocess.Popen([sys.executable, "-c", script, *arguments], cwd=ROOT, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.serial
def test_visits_saved_while_the_month_is_marked_sent_are_counted_or_flagged(db_url):
    database_module.connect(db_url)
    Patient.insert_many([{"no_rm": f"R{clerk}-{n:03d}", "name": f"Pasien {clerk} {n}", "name_key": f"pasien {clerk} {n}",
                          "sex": "LP"[n % 2], "birth_date": dt.date(1950 + n, 1 + clerk, 1)}
                         for clerk in range(CLERKS) for n in range(EACH)]).execute()
    database_module.close()
    clerks = [run(CLERK, db_url, str(clerk), str(EACH)) for clerk in range(CLERKS)]
    sender = run(SENDER, db_url, str(CLERKS * EACH // 4))
    acknowledged = []
    for process in clerks:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        acknowledged += [int(line) for line in out.split()]
    out, err = sender.communicate(timeout=300)
    assert sender.returncode == 0, err

    from kupang_desk.accounts import session
    from tests.helpers.actors import TEST_ACTOR

    database_module.connect(db_url)
    with session.acting_as(TEST_ACTOR):
        assert len(acknowledged) == CLERKS * EACH
        assert sorted(v.id for v in Visit.select(Visit.id)) == sorted(acknowledged)  # every save is there
        sending = latest_sent("lb1", OCTOBER)
        late = {change.visit_id for change in LateChange.select().where(LateChange.sent == sending)}
        assert 0 < len(late) < len(acknowledged), "the mark came while the clerks were saving"
        # The counts kept are exactly the visits that are not late changes: take the late ones out
        # and the month counts what was sent, cell for cell.
        Visit.update(deleted_at=dt.datetime(2026, 11, 27, 12)).where(Visit.id.in_(late)).execute()
        assert sent.differences(json.loads(sending.counts), sent.snapshot(service.make("lb1", OCTOBER))) == []
    database_module.close()
