"""The SATUSEHAT outbox against a local server that fails on purpose: a morning recorded with the
cable unplugged empties by itself once the line is back, each visit held exactly once however the
line breaks (500, 429, 401, a timeout or a dropped connection after the server stored the bundle,
the sender killed mid-send), corrections and deletions update what the service holds, and a visit
that lacks something says what to fill in."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest

from kupang_desk import settings
from kupang_desk.models import AuditEvent, SatusehatOutbox, writing
from kupang_desk.satusehat import master, outbox, outbox_view, sending
from kupang_desk.satusehat.client import Client
from kupang_desk.visits.recording import correct_visit, delete_visit, form_of
from tests.helpers.factories import an_institution, new_patient, new_visit, poli
from tests.satusehat.server import SatusehatServer

NIKS = [f"53710412038700{n:02d}" for n in range(1, 7)]
NAMES = ["Yohanes Ndun", "Petrus Pah", "Yakobus Tefa", "Markus Lado", "Simon Manu", "Daniel Bria"]
CLIENT_ID, SECRET = "klien-oebobo", "rahasia-sekali-123"
QUICK = {"backoff_first": 0.02}  # the backoff of the real sender is 30 s; its shape is tested below


def an_office(*, enabled: bool = True) -> None:
    an_institution()
    with writing():
        settings.put("satusehat.enabled", enabled)
        settings.put("satusehat.organization_id", "100011961")
    master.set_location(poli(), "b017aa54")
    master.set_practitioner("dr. Maria Manafe", "N10000001")


def patients(count: int) -> list:
    return [new_patient(nik=nik, name=name, kk_number=f"53710415011000{n:02d}")
            for n, (nik, name) in enumerate(zip(NIKS[:count], NAMES[:count], strict=True), start=1)]


def a_morning(people: list, day: dt.date = dt.date(2026, 11, 2)) -> list:
    return [new_visit(person, dt.datetime.combine(day, dt.time(8 + n // 2, 10 * (n % 6))), "J06.9", "I10",
                      health_worker="dr. Maria Manafe",
                      vitals={"systolic": "120", "diastolic": "80", "heart_rate": "80"})
            for n, person in enumerate(people)]


def the_server() -> SatusehatServer:
    return SatusehatServer(patients={nik: f"P{nik[-8:]}" for nik in NIKS})


def client_of(server: SatusehatServer, **options) -> Client:
    return Client(server.url, CLIENT_ID, SECRET, **options)


def for_the_command_line(server: SatusehatServer) -> None:
    """Pengaturan > SATUSEHAT pointed at the local server, then the database let go for a command."""
    from kupang_desk.models import database as database_module

    with writing():
        settings.put("satusehat.sandbox_url", server.url)
        settings.put("satusehat.client_id", CLIENT_ID)
    master.store_secret(SECRET)
    database_module.close()


def held_once(server: SatusehatServer, visits: list) -> None:
    """Each visit is one Encounter at the service, with one copy of each of its resources."""
    encounters = server.encounters()
    assert sorted(encounters) == sorted(str(v.id) for v in visits)
    copies = server.copies()
    assert copies and set(copies.values()) == {1}, [k for k, n in copies.items() if n > 1]
    assert len(copies) == 4 * len(visits)  # two Conditions, the blood pressure and the heart rate each


def test_a_morning_recorded_with_the_cable_unplugged_goes_once_the_line_is_back(database):
    an_office()
    people = patients(5)
    visits = a_morning(people)
    agnes = new_patient(nik="", name="Agnes Taek", sex="P", birth_date=dt.date(2020, 1, 1),
                        no_nik_reason="anak belum punya KK", kk_number="")
    lacking = new_visit(agnes, dt.datetime(2026, 11, 2, 11, 0), "A09", health_worker="dr. Maria Manafe")
    assert outbox_view.counts() == {"waiting": 6, "incomplete": 0, "failed": 0}
    assert outbox_view.status_line(outbox_view.counts()) == "SATUSEHAT: 6 menunggu"

    with the_server() as server:
        address = server.url
    unplugged = sending.send(Client(address, CLIENT_ID, SECRET, timeout=2), **QUICK)
    assert unplugged.sent == 0 and "tidak bisa dihubungi" in unplugged.stopped
    assert outbox_view.counts()["waiting"] == 6  # nothing lost, nothing marked failed

    with the_server() as server:
        server.failures = [500, 429, 401, 503]
        server.post_failures = ["drop-after-accept"]
        server.retry_after = "0.1"
        broken = sending.send(client_of(server), until_empty=True, **QUICK)
        assert "tidak bisa dihubungi" in broken.stopped  # the dropped answer reads as the line going down
        result = sending.send(client_of(server), until_empty=True, **QUICK)  # the next run (the window's, a minute on)
        held_once(server, visits)
    assert broken.sent + result.sent == 5 and result.incomplete == 1 and broken.retries == 4
    assert result.recovered == 1  # the dropped one was stored: found, not posted again
    assert outbox_view.counts() == {"waiting": 0, "incomplete": 1, "failed": 0}
    assert outbox_view.status_line(outbox_view.counts()) == "SATUSEHAT: 1 perlu dilengkapi"
    [row] = outbox_view.rows(state="incomplete")
    assert row.visit_id == lacking.id
    assert f"NIK pasien {agnes.no_rm} Agnes Taek" in row.message and "Ubah data pasien" in row.message
    sent = AuditEvent.select().where((AuditEvent.action == "satusehat") & (AuditEvent.table_name == "visit"))
    assert sorted(int(e.record_id) for e in sent if '"result": "sent"' in e.details) == sorted(v.id for v in visits)
    tried_again = [e for e in sent if '"result": "waiting"' in e.details]  # every attempt, the failed ones too
    # The unplugged run stopped at its first row (no line: the others were not tried).
    assert len(tried_again) == 1 + broken.retries + result.retries and all('"message"' in e.details for e in tried_again)
    # The patients' IHS numbers were fetched by NIK on the way, once each.
    assert all(master.id_of("patient", p.id) == f"P{p.nik[-8:]}" for p in people)


def test_an_answer_lost_after_the_server_stored_the_bundle_is_found_not_posted_again(database):
    an_office()
    [visit] = a_morning(patients(1))
    with the_server() as server:
        server.slow_seconds = 1.5
        server.post_failures = ["slow-after-accept"]
        timed_out = sending.send(client_of(server, timeout=0.5), **QUICK)
        assert timed_out.retries == 1 and outbox_view.counts()["waiting"] == 1
        time.sleep(0.1)
        again = sending.send(client_of(server), until_empty=True, **QUICK)
        assert again.recovered == 1 and server.posts() == 1
        held_once(server, [visit])
    [row] = outbox_view.rows()
    assert row.state == "sent" and "Sudah ada di SATUSEHAT" in row.message


def test_a_restored_database_does_not_send_again_what_the_service_already_holds(sqlite_database, tmp_path):
    from kupang_desk.backup.copies import make_backup, restore_backup
    from kupang_desk.models import database as database_module

    an_office()
    visits = a_morning(patients(2))
    path = make_backup(tmp_path)  # before the send: in the backup both rows wait, never attempted
    with the_server() as server:
        assert sending.send(client_of(server)).sent == 2
        database_module.close()
        restore_backup(path, sqlite_database)
        database_module.connect(sqlite_database.url)
        assert outbox_view.counts()["waiting"] == 2
        again = sending.send(client_of(server))
        assert again.recovered == 2 and server.posts() == 2  # asked, found, not posted again
        held_once(server, visits)


def test_corrections_replace_and_deletions_retire_what_the_service_holds(database):
    an_office()
    first, second, third = a_morning(patients(3))
    with the_server() as server:
        sending.send(client_of(server))
        encounter_id = server.encounters()[str(first.id)]["id"]
        form = form_of(first)
        form.diagnoses = form.diagnoses[:1] + [type(form.diagnoses[0])("A09.9", True, False)]
        form.vitals["temperature_c"] = "38,5"
        correct_visit(first.id, form, reason="salah kode diagnosis")
        delete_visit(second.id, reason="kunjungan tercatat dua kali")
        result = sending.send(client_of(server))
        assert result.sent == 2 and server.posts() == 5
        held = server.encounters()
        assert held[str(first.id)]["id"] == encounter_id and held[str(second.id)]["status"] == "entered-in-error"
        conditions = {r["code"]["coding"][0]["code"]: r for (kind, _i), r in server.resources.items()
                      if kind == "Condition" and r["encounter"]["reference"] == f"Encounter/{encounter_id}"}
        assert set(conditions) == {"J06.9", "I10", "A09.9"}
        assert conditions["I10"]["verificationStatus"]["coding"][0]["code"] == "entered-in-error"
        assert "clinicalStatus" not in conditions["I10"]
        assert "verificationStatus" not in conditions["A09.9"]
        temperatures = [r for (kind, _i), r in server.resources.items() if kind == "Observation"
                        and r["code"]["coding"][0]["code"] == "8310-5"]
        assert [t["valueQuantity"]["value"] for t in temperatures] == [38.5]
        removed = [r for (kind, _i), r in server.resources.items()
                   if r.get("encounter", {}).get("reference") == f"Encounter/{held[str(second.id)]['id']}"]
        assert removed and all(r.get("status") == "entered-in-error" or r.get("verificationStatus") for r in removed)
        assert str(third.id) in held  # untouched
    assert [r.action for r in outbox_view.rows(state="sent")][:2] == ["delete", "update"]


def test_a_visit_corrected_or_deleted_before_it_left_sends_once_or_not_at_all(database):
    an_office()
    kept, dropped = a_morning(patients(2))
    form = form_of(kept)
    form.vitals["heart_rate"] = "92"
    correct_visit(kept.id, form, reason="salah ketik nadi")
    delete_visit(dropped.id, reason="kunjungan tercatat dua kali")
    assert outbox_view.counts()["waiting"] == 1  # the correction rides on the first send; the deletion has nothing to undo
    assert [r.state for r in outbox_view.rows() if r.visit_id == dropped.id] == ["cancelled"]
    with the_server() as server:
        sending.send(client_of(server))
        assert server.posts() == 1 and list(server.encounters()) == [str(kept.id)]
        heart = [r for (kind, _i), r in server.resources.items() if kind == "Observation"
                 and r["code"]["coding"][0]["code"] == "8867-4"]
        assert [h["valueQuantity"]["value"] for h in heart] == [92]


def test_a_refused_bundle_is_gagal_with_the_service_words_and_holds_back_its_visit_until_kirim_ulang(database):
    an_office()
    visit, other = a_morning(patients(2))
    correct_visit(visit.id, form_of(visit), reason="periksa ulang")  # not a row: the first has not left
    with the_server() as server:
        server.failures = [None, 400]  # the NIK lookup passes; the post is refused
        result = sending.send(client_of(server))
        assert result.failed == 1 and result.sent == 1
        [failed] = outbox_view.rows(state="failed")
        assert failed.visit_id == visit.id and "kesalahan 400" in failed.message and "coba lagi" in failed.message
        form = form_of(visit)
        form.vitals["heart_rate"] = "95"
        correct_visit(visit.id, form, reason="salah ketik nadi")  # queued behind the failed row, not before it
        assert outbox_view.counts() == {"waiting": 1, "incomplete": 0, "failed": 1}
        assert sending.send(client_of(server)).sent == 0
        assert outbox.retry([failed.id]) == 1
        assert sending.send(client_of(server)).sent == 2
        held_once(server, [visit, other])
        heart = [r["valueQuantity"]["value"] for (kind, _i), r in server.resources.items() if kind == "Observation"
                 and r["code"]["coding"][0]["code"] == "8867-4" and r["subject"]["display"] == "Yohanes Ndun"]
        assert heart == [95]
    assert outbox_view.counts() == {"waiting": 0, "incomplete": 0, "failed": 0}


def test_server_faults_back_off_exponentially_with_jitter_and_end_as_gagal(database):
    an_office()
    a_morning(patients(1))
    with the_server() as server:
        server.failures = [500] * (outbox.MAX_ATTEMPTS + 2)
        result = sending.send(client_of(server), until_empty=True, **QUICK)
        assert result.failed == 1 and result.retries == outbox.MAX_ATTEMPTS - 1
    [row] = outbox_view.rows()
    assert row.state == "failed" and f"sudah dicoba {outbox.MAX_ATTEMPTS} kali" in row.message
    sender = sending.Sender(client_of(server), rng=lambda: 1.0)
    assert [sender.backoff(n) for n in (1, 2, 3, 8, 20)] == [30.0, 60.0, 120.0, 3600.0, 3600.0]
    assert sending.Sender(client_of(server), rng=lambda: 0.0).backoff(3) == 60.0  # jitter: between half and all


def test_the_requests_per_minute_limit_spaces_the_requests():
    moments = [100.0]
    waited = []
    with the_server() as server:
        client = Client(server.url, CLIENT_ID, SECRET, requests_per_minute=120, clock=lambda: moments[0])
        client.pause = waited.append
        for _n in range(3):
            client.patient_by_nik(NIKS[0])
            moments[0] += 0.1
    assert waited == pytest.approx([0.4, 0.4])  # 120 a minute: one each half second


def test_two_senders_never_send_the_same_row(database):
    an_office()
    a_morning(patients(1))
    with the_server() as server:
        one, other = sending.Sender(client_of(server)), sending.Sender(client_of(server))
        [row] = one.due()
        assert one._claim(row) and not other._claim(row)  # another PC sees it claimed
        assert other.due() == [] and other.run().sent == 0  # and leaves it alone, without spinning
        assert one.due() == [row]
        assert sending.Sender(client_of(server), lease=dt.timedelta(0))._claim(row)  # a claim that outlived its sender


@pytest.mark.serial
def test_the_sender_killed_mid_send_loses_nothing_and_doubles_nothing(database, db_url, monkeypatch):
    from kupang_desk.models import database as database_module
    from tests.helpers.factories import cli_account

    an_office()
    visits = a_morning(patients(3))
    cli_account(monkeypatch)
    with the_server() as server:
        for_the_command_line(server)
        server.slow_seconds = 60
        server.post_failures = ["slow-after-accept"]  # the first visit's post hangs
        sender = subprocess.Popen([sys.executable, "-m", "kupang_desk", "--database", db_url, "satusehat", "send"],
                                  env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not server.bundles and time.monotonic() < deadline and sender.poll() is None:
            time.sleep(0.05)
        assert server.bundles, sender.communicate(timeout=5)
        sender.send_signal(signal.SIGKILL)  # a power cut, as the sender sees it
        sender.wait(timeout=10)
        database_module.connect(db_url)
        assert outbox_view.counts()["waiting"] == 3
        server.failures = []
        sending.send(client_of(server), lease=dt.timedelta(0))
        assert server.posts() == 3
        held_once(server, visits)


def test_the_command_line_says_what_waits_sends_and_puts_back(database, db_url, monkeypatch, capsys):
    from kupang_desk.cli import main
    from kupang_desk.models import database as database_module
    from tests.helpers.factories import cli_account

    an_office(enabled=False)
    old = a_morning(patients(2), day=dt.date(2026, 10, 1))
    assert outbox_view.counts()["waiting"] == 0  # off: nothing queued
    cli_account(monkeypatch)
    with the_server() as server:
        for_the_command_line(server)
        base = ["--database", db_url, "satusehat"]
        assert main([*base, "status"]) == 0
        assert "antrean kosong" in capsys.readouterr().out
        assert main([*base, "queue", "--since", "2026-10-01"]) == 0
        assert "2 kunjungan dimasukkan" in capsys.readouterr().out
        server.failures = [422]
        assert main([*base, "send"]) == 4
        out = capsys.readouterr().out
        assert "1 terkirim, 1 gagal" in out and "SATUSEHAT: 1 gagal" in out
        assert main([*base, "status"]) == 0
        out = capsys.readouterr().out
        assert f"{old[0].id}\tGagal" in out and "kesalahan 422" in out
        assert main([*base, "retry", str(old[0].id)]) == 0 and "1 baris kembali menunggu" in capsys.readouterr().out
        assert main([*base, "send", "--wait"]) == 0
        assert "SATUSEHAT: antrean kosong" in capsys.readouterr().out
        database_module.connect(db_url)
        held_once(server, old)
        monkeypatch.setenv("KUPANG_DESK_PASSWORD", "salah")
        database_module.close()
        assert main([*base, "send"]) == 2  # signed in like the window


def test_a_visit_and_its_outbox_row_commit_together_or_not_at_all(database):
    an_office()
    [person] = patients(1)
    with pytest.raises(RuntimeError), writing():
        new_visit(person, dt.datetime(2026, 11, 2, 9, 0), "J06.9", health_worker="dr. Maria Manafe")
        assert outbox_view.counts()["waiting"] == 1
        raise RuntimeError("listrik padam")  # the power goes before the commit
    assert outbox_view.counts()["waiting"] == 0 and not outbox_view.rows()
    visit = new_visit(person, dt.datetime(2026, 11, 2, 9, 0), "J06.9", health_worker="dr. Maria Manafe")
    assert [(r.visit_id, r.action, r.state) for r in outbox_view.rows()] == [(visit.id, "create", "waiting")]


def test_visits_from_before_sending_was_on_are_queued_once_from_a_date(database):
    an_office(enabled=False)
    people = patients(3)
    early = new_visit(people[0], dt.datetime(2026, 9, 30, 9, 0), "J06.9", health_worker="dr. Maria Manafe")
    october = [new_visit(p, dt.datetime(2026, 10, 1 + n, 9, 0), "J06.9", health_worker="dr. Maria Manafe")
               for n, p in enumerate(people)]
    delete_visit(october[2].id, reason="kunjungan tercatat dua kali")
    with writing():
        settings.put("satusehat.enabled", True)
    assert outbox.enqueue_since(dt.date(2026, 10, 1)) == 2  # not September's, not the deleted one
    assert outbox.enqueue_since(dt.date(2026, 10, 1)) == 0  # once
    assert sorted(r.visit_id for r in outbox_view.rows()) == sorted(v.id for v in october[:2])
    assert early.id not in {r.visit_id for r in outbox_view.rows()}


def test_a_corrected_nik_or_a_merge_moves_the_visits_the_service_holds_to_the_right_person(database):
    from kupang_desk.patients.merge import merge
    from kupang_desk.patients.registration import load_for_edit, update

    an_office()
    yohanes, petrus, twin = patients(3)
    first, second, third = a_morning([yohanes, petrus, twin])
    with the_server() as server:
        server.patients["5371041203870009"] = "P-BENAR-009"
        sending.send(client_of(server))
        assert server.encounters()[str(first.id)]["subject"]["reference"] == f"Patient/P{NIKS[0][-8:]}"
        # Yohanes's NIK was typed wrong at registration: the number looked up by it goes with it.
        form = load_for_edit(yohanes.id).form
        form.nik = "5371041203870009"
        update(yohanes.id, form, reason="salah ketik NIK, sesuai KTP", accept_warnings=True)
        assert master.id_of("patient", yohanes.id) == ""
        # Petrus and his double are one person: the double's visit moves to Petrus.
        merge(petrus.id, twin.id, reason="pasien ganda")
        assert [(r.visit_id, r.action) for r in outbox_view.rows(state="waiting")] == [(third.id, "update"), (first.id, "update")]
        sending.send(client_of(server))
        held = server.encounters()
        assert held[str(first.id)]["subject"]["reference"] == "Patient/P-BENAR-009"
        assert held[str(third.id)]["subject"]["reference"] == held[str(second.id)]["subject"]["reference"]
        assert server.posts() == 5 and len(held) == 3
        conditions = [r for (kind, _i), r in server.resources.items() if kind == "Condition"
                      and r["encounter"]["reference"] == f"Encounter/{held[str(first.id)]['id']}"]
        assert {c["subject"]["reference"] for c in conditions} == {"Patient/P-BENAR-009"}


def test_a_bundle_that_is_not_valid_fhir_is_gagal_and_never_posted(database, monkeypatch):
    from kupang_desk.satusehat import bundle

    an_office()
    [visit] = a_morning(patients(1))
    real = bundle.build

    def broken(*args, **kwargs):
        made = real(*args, **kwargs)
        del made.bundle["entry"][0]["resource"]["class"]  # an Encounter must have its class
        return made

    monkeypatch.setattr(bundle, "build", broken)
    with the_server() as server:
        result = sending.send(client_of(server))
        assert result.failed == 1 and server.posts() == 0
    [row] = outbox_view.rows()
    assert row.visit_id == visit.id and row.state == "failed" and "tidak sah menurut FHIR R4" in row.message


def test_a_poli_window_sends_as_the_sender_and_a_row_an_older_version_failed_goes_again(database):
    """Issue 36: the poli clerk's window sends; fetching the patient's IHS number by NIK needed
    patient.write, so every visit was Gagal for good. The sender acts as the named system actor
    with only what sending needs, and a row Gagal for that reason is tried again by itself."""
    from kupang_desk.accounts import session, users
    from kupang_desk.accounts.permissions import PermissionDenied
    from kupang_desk.satusehat.master import set_patient_id

    an_office()
    first, second = a_morning(patients(2))
    with writing():  # as an older version left it: Gagal with the poli account's refusal
        SatusehatOutbox.update(state="failed", message="Akun Uji poli (Poli) tidak berhak: mendaftarkan dan mengubah "
                               "data pasien. Minta administrator bila memang perlu.").where(
            SatusehatOutbox.visit == second.id).execute()
    clerk = users.create_user("yakob.poli", "Yakob Poli", "poli", "rahasia-123", must_change=False)
    with session.acting_as(clerk):
        with pytest.raises(PermissionDenied):  # the clerk still may not edit a patient's ids by hand
            set_patient_id(first.patient_id, "P00000001")
        with the_server() as server:
            result = sending.send(client_of(server), until_empty=True, **QUICK)
            held_once(server, [first, second])
    assert result.sent == 2 and result.failed == 0
    assert master.id_of("patient", first.patient_id) == f"P{NIKS[0][-8:]}"
    senders = {e.user_name for e in AuditEvent.select().where(AuditEvent.action == "satusehat")}
    assert senders == {"sistem:satusehat"}


def test_a_baby_without_nik_is_found_by_its_mothers_nik_and_twins_are_never_guessed(database):
    """Issue 37: patients without a NIK were never sent; SATUSEHAT keeps newborns under their mother's
    NIK (https://fhir.kemkes.go.id/id/nik-ibu), every baby of that mother with it. The baby born that
    day of that sex is the one; twins of one sex, or a baby the platform does not know, wait with why."""
    an_office()
    mothers = ["5371045505900003", "5371046107920004", "5371044203950005"]
    born, twins_born = dt.date(2026, 10, 28), dt.date(2026, 10, 20)
    babies = [new_patient(nik="", no_nik_reason="bayi baru lahir", name=name, sex=sex, birth_date=day, kk_number="",
                          mother_nik=mother)
              for name, sex, day, mother in (("Bayi Ny. Maria Ndun", "L", born, mothers[0]),
                                             ("Bayi Ny. Yuliana Pah I", "P", twins_born, mothers[1]),
                                             ("Bayi Ny. Yuliana Pah II", "P", twins_born, mothers[1]),
                                             ("Bayi Ny. Ester Tefa", "P", born, mothers[2]))]
    visits = [new_visit(baby, dt.datetime(2026, 11, 2, 9, n), "P59.9", health_worker="dr. Maria Manafe")
              for n, baby in enumerate(babies)]
    with the_server() as server:
        server.babies = {
            mothers[0]: [{"id": "P-BAYI-NDUN", "birthDate": born.isoformat(), "gender": "male", "multipleBirthInteger": 0},
                         {"id": "P-KAKAK-NDUN", "birthDate": "2024-03-03", "gender": "female"}],  # an elder sister
            mothers[1]: [{"id": f"P-KEMBAR-{n}", "birthDate": twins_born.isoformat(), "gender": "female",
                          "multipleBirthInteger": n} for n in (1, 2)],
        }
        result = sending.send(client_of(server), until_empty=True, **QUICK)
        encounters = server.encounters()
        searched = [q["identifier"] for _m, path, q in server.requests if path.endswith("/Patient")]
    assert result.sent == 1 and result.incomplete == 3
    assert encounters[str(visits[0].id)]["subject"]["reference"] == "Patient/P-BAYI-NDUN"
    assert f"https://fhir.kemkes.go.id/id/nik-ibu|{mothers[0]}" in searched
    waiting = {row.visit_id: row.message for row in outbox_view.rows(state="incomplete")}
    for twin in visits[1:3]:
        assert "Ada 2 bayi lahir 20 Oktober 2026" in waiting[twin.id] and "tidak ditebak" in waiting[twin.id]
    assert "belum mengenal bayi Bayi Ny. Ester Tefa" in waiting[visits[3].id] and mothers[2] in waiting[visits[3].id]
    # The twin's number filled in by hand sends it; a mother's NIK typed for a grown patient is refused.
    master.set_patient_id(babies[1].id, "P-KEMBAR-1")
    assert master.id_of("patient", babies[1].id) == "P-KEMBAR-1"
    from kupang_desk.patients.registration import review
    from tests.helpers.factories import patient_form

    same = review(patient_form(nik=NIKS[0], mother_nik=NIKS[0]))
    assert "NIK ibu sama dengan NIK pasien" in same.errors["mother_nik"]
