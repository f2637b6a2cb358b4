"""The queue from the loket to the poli: numbers per poli per day with no number twice and none
skipped even when eight loket PCs give numbers at once, every allowed and refused move of an
entry, a referral that keeps one visit, and the command line of the self-service kiosk."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap

import pytest

from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.models import AuditEvent, Poli, QueueEntry
from kupang_desk.queue import entries
from tests.helpers.clock import TODAY, days_ago
from tests.helpers.factories import new_patient, new_visit, poli

DAY = days_ago(1)  # the day before the tests' today


def people(count: int) -> list:
    names = ["Yohanes Ndun", "Petrus Pah", "Yakobus Tefa", "Markus Lado", "Simon Manu"]
    return [new_patient(nik=f"53710412038700{n:02d}", name=name, kk_number=f"53710415011000{n:02d}")
            for n, name in enumerate(names[:count], start=1)]


def test_numbers_run_per_poli_per_day_with_the_poli_prefix(database):
    yohanes, petrus, yakobus = people(3)
    umum, gigi = poli("Umum"), poli("Gigi")
    given = [entries.add(p.id, umum, day=DAY).label for p in (yohanes, petrus)]
    given.append(entries.add(yakobus.id, gigi, day=DAY).label)
    given.append(entries.add(yohanes.id, umum, day=DAY + dt.timedelta(days=1)).label)  # a new day starts at 1
    assert given == ["U-001", "U-002", "G-001", "U-001"]
    with pytest.raises(KnownError, match="sudah antre di poli Umum dengan nomor U-001"):
        entries.add(yohanes.id, umum, day=DAY)
    Poli.update(queue_prefix="A").where(Poli.id == gigi).execute()  # the office's own letter
    assert entries.add(petrus.id, gigi, day=DAY).label == "A-002"
    ticket = entries.day_list(DAY, poli_id=umum)[0]
    assert ticket.initials == "Y. N." and ticket.state == "menunggu"


def test_every_move_allowed_and_every_other_refused_in_words(database):
    [patient] = people(1)
    umum = poli("Umum")
    moves = {state: set(targets) for state, targets in entries.MOVES.items()}
    assert moves == {"menunggu": {"dipanggil", "batal"}, "dipanggil": {"dipanggil", "dilayani", "menunggu", "batal"},
                     "dilayani": {"selesai", "dirujuk", "batal"}, "selesai": set(), "dirujuk": set(), "batal": set()}

    def at(state: str) -> int:
        """A fresh entry brought to ``state`` by the allowed moves."""
        QueueEntry.update(state="batal").where(QueueEntry.state.in_(entries.OPEN)).execute()
        entry = entries.add(patient.id, umum, day=DAY)
        path = {"menunggu": [], "dipanggil": ["call"], "dilayani": ["call", "serve"], "selesai": ["call", "serve", "finish"],
                "dirujuk": ["call", "serve", "refer"], "batal": ["cancel"]}[state]
        for step in path:
            if step == "call":
                entries.call_next(umum, day=DAY)
            elif step == "serve":
                entries.serve(entry.id)
            elif step == "finish":
                entries.finish(entry.id, new_visit(patient, dt.datetime.combine(DAY, dt.time(9))).id)
            elif step == "refer":
                entries.refer(entry.id, poli("Gigi"))
            else:
                entries.cancel(entry.id, "pasien pulang")
        return entry.id

    tries = {"dipanggil": lambda i: entries.recall(i), "dilayani": lambda i: entries.serve(i),
             "menunggu": lambda i: entries.skip(i), "batal": lambda i: entries.cancel(i, "salah poli"),
             "dirujuk": lambda i: entries.refer(i, poli("KIA")),
             "selesai": lambda i: entries.finish(i, new_visit(patient, dt.datetime.combine(DAY, dt.time(10))).id)}
    for state in entries.MOVES:
        for to, attempt in tries.items():
            entry_id = at(state)
            if to in entries.MOVES[state]:
                assert attempt(entry_id).state in (to, "menunggu")  # a referral returns the new entry, waiting
                assert QueueEntry.get_by_id(entry_id).state == to
            else:
                with pytest.raises(KnownError, match=f"berstatus {entries.state_words()[state]}; tidak bisa menjadi"):
                    attempt(entry_id)
                assert QueueEntry.get_by_id(entry_id).state == state  # a refused move changes nothing
    assert AuditEvent.select().where(AuditEvent.table_name == "queue_entry").count() > 20


def test_a_morning_at_one_poli_calls_in_order_skips_to_the_end_and_refers_keeping_one_visit(database):
    yohanes, petrus, yakobus = people(3)
    umum, gigi = poli("Umum"), poli("Gigi")
    first, second, third = (entries.add(p.id, umum, day=DAY) for p in (yohanes, petrus, yakobus))
    called = entries.call_next(umum, day=DAY)
    assert called.label == first.label and called.called_at is not None
    entries.skip(called.id)  # Yohanes is not there: to the end
    assert [entries.call_next(umum, day=DAY).label for _n in range(3)] == [second.label, third.label, first.label]
    assert entries.call_next(umum, day=DAY) is None  # nobody waits
    entries.serve(second.id)
    visit = new_visit(petrus, dt.datetime.combine(DAY, dt.time(9)), "K02.1")
    there = entries.refer(second.id, gigi, note="karies, perlu tambal", visit_id=visit.id)
    assert there.label == "G-001" and there.visit_id == visit.id and there.state == "menunggu"
    entries.call_next(gigi, day=DAY)
    entries.serve(there.id)
    entries.finish(there.id, visit.id)  # the same visit: one visit, two poli
    assert QueueEntry.select().where(QueueEntry.visit == visit.id).count() == 2
    with pytest.raises(KnownError, match="bukan milik Yakobus Tefa .*: kunjungan itu milik Petrus Pah"):
        entries.serve(third.id)
        entries.finish(third.id, visit.id)  # another patient's visit: refused with both names
    open_ones = entries.unfinished(DAY)
    assert {e.label for e in open_ones} == {first.label, third.label}


WRITER = textwrap.dedent("""
    import datetime as dt, sys
    from kupang_desk.models import database, Poli, Patient
    database.connect(sys.argv[1], migrate=False, seed=False)
    from kupang_desk.accounts import session
    from kupang_desk.accounts.permissions import PERMISSIONS
    from kupang_desk.accounts.session import SystemActor
    from kupang_desk.queue import entries
    session.sign_in(SystemActor("pengujian", "Pengujian otomatis", frozenset(PERMISSIONS)))
    umum = Poli.get(Poli.name == "Umum").id
    ids = [p.id for p in Patient.select().order_by(Patient.id)]
    worker, count = int(sys.argv[2]), int(sys.argv[3])
    for i in range(count):
        print(entries.add(ids[worker * count + i], umum, day=dt.date(2026, 12, 3)).label, flush=True)
""")


@pytest.mark.serial
def test_eight_loket_pcs_at_once_give_every_number_once_and_none_skipped(db_url):
    """On PostgreSQL as on SQLite: eight processes, fifty numbers each, one poli, one day."""
    from kupang_desk.models import Patient, database

    workers, each = 8, 50
    database.connect(db_url)
    with database.db.atomic():
        Patient.insert_many([{"no_rm": f"Q{n:05d}", "name": "Pasien Antre", "name_key": "pasien antre", "sex": "L",
                              "birth_date": dt.date(1990, 1, 1)} for n in range(workers * each)]).execute()
    database.close()
    processes = [subprocess.Popen([sys.executable, "-c", WRITER, db_url, str(w), str(each)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(workers)]
    given = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        given += out.split()
    assert sorted(given) == [f"U-{n:03d}" for n in range(1, workers * each + 1)]  # none twice, none skipped
    database.connect(db_url)
    assert sorted(e.number for e in QueueEntry.select()) == list(range(1, workers * each + 1))
    database.close()


SAME_PATIENTS = textwrap.dedent("""
    import sys
    from kupang_desk import clock
    from kupang_desk.errors import KnownError
    from kupang_desk.models import database, Poli, Patient
    database.connect(sys.argv[1], migrate=False, seed=False)
    from kupang_desk.accounts import session
    from kupang_desk.accounts.permissions import PERMISSIONS
    from kupang_desk.accounts.session import SystemActor
    from kupang_desk.queue import entries
    session.sign_in(SystemActor("pengujian", "Pengujian otomatis", frozenset(PERMISSIONS)))
    umum = Poli.get(Poli.name == "Umum").id
    ids = [p.id for p in Patient.select().order_by(Patient.id)]
    start = int(sys.argv[2])
    for i in range(len(ids)):  # every clerk tries every patient, each from another one
        patient = ids[(start + i) % len(ids)]
        try:
            print("given", entries.add(patient, umum).label, flush=True)
        except KnownError as error:
            assert "sudah antre di poli Umum" in str(error), error
            print("refused", flush=True)
""")


@pytest.mark.serial
def test_eight_clerks_give_nine_patients_one_open_number_each(db_url):
    """Issue 35 item 4: the same nine patients at eight loket PCs at once: each patient gets one
    open number in the poli (the others are refused with the number they have), numbers 1 to 9."""
    from kupang_desk.models import Patient, database

    clerks, patients = 8, 9
    database.connect(db_url)
    with database.db.atomic():
        Patient.insert_many([{"no_rm": f"S{n:05d}", "name": f"Pasien {n}", "name_key": f"pasien {n}", "sex": "P",
                              "birth_date": dt.date(1990, 1, 1)} for n in range(patients)]).execute()
    database.close()
    processes = [subprocess.Popen([sys.executable, "-c", SAME_PATIENTS, db_url, str(c)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for c in range(clerks)]
    lines = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        lines += out.split("\n")
    given = [line.split()[1] for line in lines if line.startswith("given")]
    assert sorted(given) == [f"U-{n:03d}" for n in range(1, patients + 1)]
    assert sum(1 for line in lines if line == "refused") == patients * (clerks - 1)
    database.connect(db_url)
    open_ones = [(e.patient_id, e.day) for e in QueueEntry.select().where(QueueEntry.state.in_(entries.OPEN))]
    assert len(open_ones) == len(set(open_ones)) == patients
    database.close()


def test_the_database_itself_refuses_a_second_open_number(database):
    """The unique index holds even for a write that skips the check in ``entries.add``; a closed
    number does not count, so a cancelled patient can queue again."""
    import peewee as pw

    from kupang_desk.models import db

    (yohanes,) = people(1)
    first = entries.add(yohanes.id, poli("Umum"), day=DAY)
    with pytest.raises(pw.IntegrityError), db.atomic():
        QueueEntry.create(day=DAY, poli=poli("Umum"), number=99, label="U-099", patient=yohanes.id, turn=99)
    entries.cancel(first.id, "salah poli")
    again = entries.add(yohanes.id, poli("Umum"), day=DAY)
    assert again.label == "U-002"


def test_the_kiosk_command_line_gives_a_number_and_lists_the_day(database, db_url, monkeypatch, capsys, tmp_path):
    from kupang_desk.cli import main
    from kupang_desk.models import database as database_module
    from tests.helpers.factories import cli_account

    yohanes, petrus = people(2)
    cli_account(monkeypatch)
    database_module.close()
    base = ["--database", db_url, "queue"]
    assert main([*base, "add", "--patient", yohanes.no_rm, "--poli", "UMUM"]) == 0
    ticket = tmp_path / "struk.pdf"
    assert main([*base, "add", "--patient", petrus.no_rm, "--poli", "gigi", "--ticket", str(ticket), "--paper", "80"]) == 0
    assert capsys.readouterr().out.split() == ["U-001", "G-001"]
    import pypdfium2

    page = pypdfium2.PdfDocument(str(ticket))[0]
    text = page.get_textpage().get_text_range()
    assert round(page.get_width() / 72 * 25.4) == 80  # the receipt paper's width
    assert "G-001" in text and "Poli Gigi" in text and "P. P." in text and "Petrus" not in text  # initials only
    today = TODAY.isoformat()
    assert main([*base, "list", "--date", today]) == 0
    out = capsys.readouterr().out
    assert "U-001\tUmum\tMenunggu\t" in out and "Yohanes Ndun" in out and "G-001\tGigi" in out
    assert main([*base, "list", "--poli", "GIGI"]) == 0
    assert "U-001" not in capsys.readouterr().out
    assert main([*base, "add", "--patient", "999999", "--poli", "UMUM"]) == 2
    assert "No. RM 999999 tidak ada" in capsys.readouterr().err
    assert main([*base, "add", "--patient", yohanes.no_rm, "--poli", "RADIOLOGI"]) == 2
    assert "Poli 'RADIOLOGI' tidak dikenal. Pilih salah satu: UMUM, GIGI" in capsys.readouterr().err
    monkeypatch.setenv("KUPANG_DESK_PASSWORD", "salah")
    assert main([*base, "list"]) == 2  # signed in like the window


def test_waiting_and_service_times_per_poli(database):
    yohanes, petrus, yakobus = people(3)
    umum = poli("Umum")
    at = dt.datetime.combine(DAY, dt.time(8))
    made = [entries.add(p.id, umum, day=DAY) for p in (yohanes, petrus, yakobus)]
    for entry, (wait, service) in zip(made, ((10, 5), (30, 15), (50, None)), strict=True):
        called = at + dt.timedelta(minutes=wait)
        QueueEntry.update(arrived_at=at, called_at=called, state="selesai" if service else "dipanggil",
                          finished_at=called + dt.timedelta(minutes=service) if service else None).where(
            QueueEntry.id == entry.id).execute()
    [umum_times] = entries.times(DAY, DAY)
    assert umum_times.name == "Umum" and umum_times.called == 3 and umum_times.finished == 2
    assert umum_times.wait_median == dt.timedelta(minutes=30) and umum_times.wait_longest == dt.timedelta(minutes=50)
    assert umum_times.service_median == dt.timedelta(minutes=15)  # of the two that ended
    assert entries.times(DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=30)) == []


def test_waits_per_day_in_the_recap_and_the_register_filter(database):
    """Item 7: the recap has the waiting and service times per poli and per day; the register shows each
    visit's wait and finds the visits that waited longer than the clerk's choice."""
    from kupang_desk.documents.table import Period
    from kupang_desk.reports.recap import recap_report
    from kupang_desk.reports.register import register_report
    from kupang_desk.visits.register import VisitFilter, VisitRegister

    yohanes, petrus, yakobus = people(3)
    umum = poli("Umum")
    plain = recap_report(Period(DAY, DAY))  # no queue that day: the recap as a one-PC puskesmas knows it
    assert not any("Waktu tunggu" in t.title for t in plain.tables)
    made = []
    for day, person, wait, service in ((DAY, yohanes, 10, 5), (DAY, petrus, 70, 20), (DAY + dt.timedelta(days=1), yakobus, 40, 10)):
        visit = new_visit(person, dt.datetime.combine(day, dt.time(9, 0)))
        entry = entries.add(person.id, umum, day=day)
        arrived = dt.datetime.combine(day, dt.time(8, 0))
        QueueEntry.update(arrived_at=arrived, called_at=arrived + dt.timedelta(minutes=wait), state="selesai", visit=visit.id,
                          finished_at=arrived + dt.timedelta(minutes=wait + service)).where(QueueEntry.id == entry.id).execute()
        made.append(visit)
    days = entries.times(DAY, DAY + dt.timedelta(days=1), by="day")
    assert [(d.name, d.called, d.wait_mean) for d in days] == [
        (format_date(DAY), 2, dt.timedelta(minutes=40)), (format_date(TODAY), 1, dt.timedelta(minutes=40))]

    report = recap_report(Period(DAY, DAY + dt.timedelta(days=1)))
    by_poli, by_day = (t for t in report.tables if "Waktu tunggu" in t.title)
    assert by_poli.rows == [[1, "Umum", 3, 40, 40, 70, 3, 12, 10]]
    assert [row[1:4] for row in by_day.rows] == [[format_date(DAY), 2, 40], [format_date(TODAY), 1, 40]]

    long = VisitRegister(VisitFilter(waited_over=30))
    assert long.count() == 2 and {r.name for r in long.page(0)} == {"Petrus Pah", "Yakobus Tefa"}
    [petrus_row] = VisitRegister(VisitFilter(waited_over=60)).page(0)
    assert petrus_row.wait == dt.timedelta(minutes=70) and petrus_row.service == dt.timedelta(minutes=20)
    printed = register_report(VisitFilter(waited_over=60))
    assert "Menunggu lebih dari 60 menit" in printed.subtitle
    at = {c.key: i for i, c in enumerate(printed.tables[0].columns)}
    assert [(row[at["name"]], row[at["wait"]], row[at["service"]]) for row in printed.tables[0].rows] == [("Petrus Pah", 70, 20)]


def test_an_emergency_then_the_elderly_are_called_first_and_the_office_chooses_the_age(database):
    young, younger = people(2)
    elder = new_patient(nik="5371040101500009", name="Petrus Lay", kk_number="5371041501100019",
                        birth_date=dt.date(TODAY.year - 62, 1, 1))  # 61 or 62
    tomorrow = TODAY + dt.timedelta(days=1)
    turning = new_patient(nik="5371040101600008", name="Anna Bere", sex="P", kk_number="5371041501100018",
                          birth_date=tomorrow.replace(year=tomorrow.year - 60))  # 60 tomorrow (60 years keep 29 February)
    umum = poli()
    first = entries.add(young.id, umum)
    old = entries.add(elder.id, umum)
    almost = entries.add(turning.id, umum)
    urgent = entries.add(younger.id, umum, emergency=True)
    assert (first.priority_words, old.priority_words, almost.priority_words, urgent.priority_words) == (
        "", "Lansia", "", "Gawat darurat")
    assert old.shown_label == f"{old.label} Lansia"
    assert [e.label for e in entries.day_list(poli_id=umum)] == [urgent.label, old.label, first.label, almost.label]
    (queue,) = entries.overview()
    assert queue.next_numbers == (f"{urgent.label} Gawat darurat", f"{old.label} Lansia", first.label)
    called = [entries.call_next(umum).label for _ in range(4)]
    assert called == [urgent.label, old.label, first.label, almost.label]

    entries.set_elderly_age(0)  # an office that calls by number only
    tomorrow_queue = [entries.add(p.id, umum, day=TODAY + dt.timedelta(days=1)) for p in (young, elder)]
    assert [e.priority for e in tomorrow_queue] == [0, 0]
    with pytest.raises(KnownError, match="antara 0"):
        entries.set_elderly_age(150)
    event = AuditEvent.select().where(AuditEvent.table_name == "setting").order_by(AuditEvent.id.desc()).first()
    assert event.record_id == "queue.elderly_age"
