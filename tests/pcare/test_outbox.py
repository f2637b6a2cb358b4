"""Every JKN visit reaches P-Care once, from the visit the clerk typed: against the stand-in that
checks the signature, refuses codes not in its own lists, and can lose an answer after saving."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kupang_desk import clock, settings
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import PermissionDenied, SystemActor
from kupang_desk.errors import FormInvalid
from kupang_desk.models import AuditEvent, PcareOutbox, PcareVisit, writing
from kupang_desk.patients import registration
from kupang_desk.pcare import outbox, referral, sending
from kupang_desk.pcare.client import Client
from kupang_desk.visits.diagnoses import DiagnosisLine
from kupang_desk.visits.recording import correct_visit, delete_visit, form_of
from tests.helpers import pcare_server as stand_in
from tests.helpers.clock import TODAY
from tests.helpers.factories import (
    an_institution,
    new_patient,
    new_visit,
    payment,
    poli,
    second_patient,
)
from tests.pcare.test_client import CREDENTIALS

QUICK = {"backoff_first": 0.0}
DAY = TODAY - dt.timedelta(days=1)
AT = dt.datetime.combine(DAY, dt.time(9, 30))


def an_office(*, codes: bool = True) -> None:
    """A puskesmas that sends JKN visits, its poli Umum paired with P-Care's code, and the doctor,
    awareness and discharge codes chosen from the stand-in's lists."""
    an_institution()
    if codes:
        outbox.save_codes({poli(): "P01"}, "D131491", "S1", "B3", referral="B4", turn_on=True)
    else:
        with writing():
            settings.put("pcare.enabled", True)


def members():
    """Yohanes (card of the stand-in's active member, BPJS PBI) and Maria (paying herself: Umum)."""
    yohanes = new_patient(bpjs_number=stand_in.YOHANES["noKartu"], payment_type_id=payment("PBI-N"))
    maria = second_patient(payment_type_id=payment("UMUM"))
    return yohanes, maria


def client_of(service: stand_in.PcareStandIn) -> Client:
    return Client(service.url, CREDENTIALS, timeout=5)


def send(service: stand_in.PcareStandIn) -> sending.Pass:
    return sending.send(client_of(service), stand_in.OEBOBO_PROVIDER, **QUICK)


def rows(visit) -> list[tuple[str, str]]:
    return [(r.action, r.state) for r in PcareOutbox.select().where(PcareOutbox.visit == visit.id).order_by(PcareOutbox.id)]


def test_a_jkn_visit_is_registered_and_its_kunjungan_sent_once_and_a_paying_one_never(database, pcare_service):
    an_office()
    yohanes, maria = members()
    jkn = new_visit(yohanes, AT, "J06.9", "I10", complaint="Batuk pilek tiga hari",
                    vitals={"systolic": "130", "diastolic": "85", "weight_kg": "61,5", "temperature_c": "37,8"})
    paying = new_visit(maria, AT + dt.timedelta(minutes=10), "K29.7")
    assert rows(jkn) == [("create", "waiting")] and rows(paying) == []  # Umum: P-Care has nothing to do with it
    result = send(pcare_service)
    assert (result.sent, result.failed, result.incomplete) == (1, 0, 0)
    (registered,) = pcare_service.registrations.values()
    assert (registered["noKartu"], registered["kdPoli"], registered["tglDaftar"], registered["sistole"],
            registered["kdProviderPeserta"]) == (stand_in.YOHANES["noKartu"], "P01", DAY.strftime("%d-%m-%Y"), 130,
                                                 stand_in.OEBOBO_PROVIDER)
    (number, kunjungan), = pcare_service.visits.items()
    assert (kunjungan["kdDiag1"], kunjungan["kdDiag2"], kunjungan["kdDiag3"], kunjungan["kdDokter"], kunjungan["kdSadar"],
            kunjungan["kdStatusPulang"], kunjungan["beratBadan"], kunjungan["suhu"]) == (
        "J06.9", "I10", None, "D131491", "S1", "B3", 61.5, "37.8")
    held = PcareVisit.get(PcareVisit.visit == jkn.id)
    assert (held.registration_number, held.visit_number) == ("A1", number)
    assert rows(jkn) == [("create", "sent")]
    event = AuditEvent.select().where(AuditEvent.action == "pcare").get()
    assert event.user_name == "sistem:pcare"  # the sender acts with its own narrow rights, named in the trail
    assert send(pcare_service).sent == 0 and len(pcare_service.visits) == 1  # nothing twice
    assert registered["kunjSakit"] is True
    check_up = new_visit(yohanes, AT - dt.timedelta(days=1), "Z00.0")  # the day before: a healthy visit, a check-up
    again = new_visit(yohanes, AT + dt.timedelta(hours=1), "J06.9")  # the same poli the same day, typed twice
    send(pcare_service)
    assert rows(check_up) == [("create", "sent")]
    assert [r["kunjSakit"] for r in pcare_service.registrations.values()] == [True, False]
    # P-Care takes one pendaftaran per member, poli and day: the second is refused in its words, and is
    # never attached to the first visit's numbers.
    assert rows(again) == [("create", "failed")]
    assert "sudah didaftarkan pada poli dan tanggal yang sama" in PcareOutbox.get(PcareOutbox.visit == again.id).message
    assert PcareVisit.get_or_none(PcareVisit.visit == again.id) is None and len(pcare_service.visits) == 2


def test_an_answer_lost_after_p_care_saved_is_looked_up_not_sent_again(database, pcare_service):
    an_office()
    yohanes, _maria = members()
    visit = new_visit(yohanes, AT, "J06.9")
    pcare_service.lose_next = 1  # the pendaftaran is saved at BPJS, the answer never arrives
    first = send(pcare_service)
    assert first.retries == 1 and rows(visit) == [("create", "waiting")]
    assert "504" in PcareOutbox.get().message
    pcare_service.lose_next = 1  # now the kunjungan's answer is lost
    send(pcare_service)
    final = send(pcare_service)
    assert final.sent == 1 and final.recovered == 1
    assert len(pcare_service.registrations) == 1 and len(pcare_service.visits) == 1  # once each, never twice
    assert PcareOutbox.get().message.startswith("Sudah ada di P-Care")
    gets = [path for method, path in pcare_service.requests if method == "GET"]
    assert any(path.startswith("pcare-rest/pendaftaran/tglDaftar/") for path in gets)
    assert any(path.startswith("pcare-rest/kunjungan/peserta/") for path in gets)


def test_a_correction_edits_the_kunjungan_and_a_deletion_removes_it_and_its_pendaftaran(database, pcare_service):
    an_office()
    yohanes, _maria = members()
    visit = new_visit(yohanes, AT, "J06.9")
    send(pcare_service)
    form = form_of(visit)
    form.diagnoses = [DiagnosisLine("A09.9", is_new_case=True, is_primary=True)]
    correct_visit(visit.id, form, reason="salah kode diagnosis")
    assert send(pcare_service).sent == 1
    (number, kunjungan), = pcare_service.visits.items()
    assert kunjungan["kdDiag1"] == "A09.9" and kunjungan["noKunjungan"] == number  # the same kunjungan, edited
    delete_visit(visit.id, reason="kunjungan tercatat dua kali")
    assert send(pcare_service).sent == 1
    assert pcare_service.visits == {} and pcare_service.registrations == {}
    assert rows(visit) == [("create", "sent"), ("update", "sent"), ("delete", "sent")]
    assert PcareVisit.get(PcareVisit.visit == visit.id).deleted


def test_a_visit_corrected_or_deleted_before_it_left_goes_once_or_not_at_all(database, pcare_service):
    an_office()
    yohanes, maria = members()
    kept = new_visit(yohanes, AT, "J06.9")
    dropped = new_visit(yohanes, AT + dt.timedelta(hours=1), "K29.7")
    form = form_of(kept)
    form.complaint = "Demam dua hari"
    correct_visit(kept.id, form, reason="keluhan kurang")
    delete_visit(dropped.id, reason="tercatat dua kali")
    assert rows(kept) == [("create", "waiting")] and rows(dropped) == [("create", "cancelled")]
    made_jkn = new_visit(maria, AT, "J06.9")
    form = form_of(made_jkn)
    form.payment_type_id = payment("PPU")
    correct_visit(made_jkn.id, form, reason="ternyata peserta JKN")
    assert rows(made_jkn) == [("create", "waiting")]
    send(pcare_service)
    assert [r["keluhan"] for r in pcare_service.registrations.values()] == ["Demam dua hari"]


def test_what_is_missing_is_said_and_the_visit_waits_until_it_is_there(database, pcare_service):
    an_office(codes=False)
    no_card = new_patient(payment_type_id=payment("PBI-N"))  # JKN, but no card number typed
    visit = new_visit(no_card, AT, "J06.9")
    result = send(pcare_service)
    assert result.incomplete == 1 and pcare_service.registrations == {}
    row = PcareOutbox.get()
    assert row.state == "incomplete"
    assert "belum punya No. Kartu BPJS 13 angka" in row.message and no_card.name in row.message
    assert "Poli Umum belum dipasangkan dengan kode poli P-Care" in row.message
    assert "Kode dokter P-Care belum dipilih" in row.message
    with pytest.raises(FormInvalid, match="Pengiriman ke P-Care belum dinyalakan"):
        outbox.save_codes({}, "", "S1", "B3", turn_on=True)
    outbox.save_codes({poli(): "P01"}, "D131491", "S1", "B3", turn_on=True)
    form = registration.load_for_edit(no_card.id).form
    form.bpjs_number = stand_in.YOHANES["noKartu"]
    registration.update(no_card.id, form, reason="No. Kartu BPJS dari kartu pasien", accept_warnings=True)
    assert outbox.retry() == 1
    assert send(pcare_service).sent == 1 and rows(visit) == [("create", "sent")]


def test_a_code_p_care_does_not_know_is_gagal_in_its_words_and_waits_for_kirim_ulang(database, pcare_service):
    an_institution()
    outbox.save_codes({poli(): "P01"}, "131491", "S1", "B3", turn_on=True)  # typed by hand, not chosen from the list
    yohanes, _maria = members()
    visit = new_visit(yohanes, AT, "J06.9")
    assert send(pcare_service).failed == 1
    assert rows(visit) == [("create", "failed")]
    assert "kdDokter tidak valid" in PcareOutbox.get().message
    assert send(pcare_service).sent == 0  # Gagal waits for the clerk
    outbox.save_codes({poli(): "P01"}, "D131491", "S1", "B3", turn_on=True)
    outbox.retry()
    assert send(pcare_service).sent == 1 and len(pcare_service.visits) == 1 and len(pcare_service.registrations) == 1


def test_server_down_waits_with_backoff_and_a_wrong_secret_stops_the_run(database, pcare_service):
    an_office()
    yohanes, maria = members()
    new_visit(yohanes, AT, "J06.9")
    pcare_service.fail_next = [503]
    result = send(pcare_service)
    assert result.retries == 1 and "Server P-Care sedang bermasalah (503" in PcareOutbox.get().message
    assert PcareOutbox.get().faults == 1
    wrong = Client(pcare_service.url, dataclasses.replace(CREDENTIALS, secret="salah"), timeout=5)
    stopped = sending.send(wrong, stand_in.OEBOBO_PROVIDER, **QUICK)
    assert stopped.stopped and "consumer secret" in stopped.stopped
    assert PcareOutbox.get().state == "waiting"  # the row waits; the credentials are the office's to fix
    assert send(pcare_service).sent == 1


def referred(patient, code: str):
    return new_visit(patient, AT, code, referral_kind="external", referral_facility="RSUD W. Z. Johannes",
                     referral_specialty="Penyakit Dalam")


def test_an_external_referral_waits_for_p_care_s_codes_then_goes_with_them(database, pcare_service):
    an_office()
    yohanes, _maria = members()
    visit = referred(yohanes, "I10")
    assert send(pcare_service).incomplete == 1
    assert "pilih faskes tujuan dan subspesialis dari daftar P-Care" in PcareOutbox.get().message
    client = client_of(pcare_service)
    (internal, _children) = client.specialties()
    sub = client.subspecialties(internal.code)[0]
    places = client.facilities(sub.code, DAY + dt.timedelta(days=2))
    assert [p.name for p in places] == ["RSUD PROF DR W Z JOHANNES · 12/40", "RS SILOAM KUPANG · 20/20"]
    referral.save_referral(visit.id, referral.Choice(sub.code, sub.name, places[0].code, places[0].name,
                                                     DAY + dt.timedelta(days=2)))
    assert PcareOutbox.get().next_try_at <= clock.now()  # goes on the next run, not in ten minutes
    assert send(pcare_service).sent == 1
    (sent,) = pcare_service.visits.values()
    assert sent["rujukLanjut"]["kdppk"] == "0191R001" and sent["rujukLanjut"]["subSpesialis"]["kdSubSpesialis1"] == "26"
    assert (sent["kdStatusPulang"], sent["kdTacc"], sent["rujukLanjut"]["tglEstRujuk"]) == (
        "B4", -1, (DAY + dt.timedelta(days=2)).strftime("%d-%m-%Y"))


def test_a_non_specialist_diagnosis_is_referred_only_with_a_tacc_reason(database, pcare_service):
    an_office()
    with writing():
        settings.put("pcare.non_specialist", ["J06.9", "K29"])
    yohanes, _maria = members()
    visit = referred(yohanes, "J06.9")
    choice = referral.Choice("26", "PENYAKIT DALAM", "0191R001", "RSUD PROF DR W Z JOHANNES", DAY + dt.timedelta(days=1))
    with pytest.raises(FormInvalid) as refused:
        referral.save_referral(visit.id, choice)
    assert "144 diagnosis non-spesialistik" in refused.value.errors["tacc"]
    with pytest.raises(FormInvalid) as refused:
        referral.save_referral(visit.id, dataclasses.replace(choice, tacc=1, tacc_reason="sudah lama"))
    assert "tacc_reason" in refused.value.errors
    referral.save_referral(visit.id, dataclasses.replace(choice, tacc=1, tacc_reason=">= 7 Hari"))
    assert send(pcare_service).sent == 1
    (sent,) = pcare_service.visits.values()
    assert (sent["kdTacc"], sent["alasanTacc"]) == (1, ">= 7 Hari")
    # Complication names the complicating diagnosis as P-Care shows it: code - title.
    saved = referral.save_referral(visit.id, dataclasses.replace(choice, tacc=3, tacc_reason="e11.5"))
    assert saved.tacc_reason.startswith("E11.5 - ")


def test_without_the_office_s_list_p_care_itself_refuses_a_non_specialist_referral_in_its_words(database, pcare_service):
    an_office()  # the office never pasted BPJS's list: the program cannot know J06.9 needs TACC; P-Care does
    yohanes, _maria = members()
    visit = referred(yohanes, "J06.9")
    referral.save_referral(visit.id, referral.Choice("26", "PENYAKIT DALAM", "0191R001", "RSUD", DAY + dt.timedelta(days=1)))
    result = send(pcare_service)
    assert result.failed == 1 and "TACC wajib diisi" in PcareOutbox.get().message


def test_a_referral_needs_the_office_s_referral_discharge_code(database, pcare_service):
    an_institution()
    outbox.save_codes({poli(): "P01"}, "D131491", "S1", "B3", turn_on=True)  # no referral status chosen
    yohanes, _maria = members()
    visit = referred(yohanes, "I10")
    referral.save_referral(visit.id, referral.Choice("26", "PENYAKIT DALAM", "0191R001", "RSUD", DAY + dt.timedelta(days=1)))
    assert send(pcare_service).incomplete == 1
    assert "status pulang untuk rujukan lanjut" in PcareOutbox.get().message


def test_a_restored_backup_asks_p_care_before_sending_again(database, pcare_service):
    an_office()
    yohanes, _maria = members()
    visit = new_visit(yohanes, AT, "J06.9")
    pcare_service.lose_next = 0
    # The visit went to P-Care, then the office restored a backup made before that send.
    send(pcare_service)
    with writing():
        PcareVisit.delete().execute()
        PcareOutbox.update(state="waiting", attempts=0, sent_at=None).execute()
        outbox.after_restore()
    assert send(pcare_service).recovered == 1
    assert len(pcare_service.visits) == 1 and rows(visit) == [("create", "sent")]


def test_the_sender_and_the_settings_keep_their_permissions(database, pcare_service):
    an_institution()
    head = SystemActor("pimpinan", "Kepala puskesmas", frozenset({"patient.read", "report.make"}))
    clerk = SystemActor("poli", "Petugas poli", frozenset({"patient.read", "visit.write"}))
    with session.acting_as(head), pytest.raises(PermissionDenied):
        sending.send(client_of(pcare_service), stand_in.OEBOBO_PROVIDER)
    with session.acting_as(clerk), pytest.raises(PermissionDenied):
        outbox.save_codes({}, "", "", "")
    with session.acting_as(clerk):
        assert send(pcare_service).sent == 0  # a poli window may start the sender; it acts with its own rights


def test_a_member_of_another_puskesmas_is_registered_under_their_own_fktp_and_a_lapsed_one_is_refused(
        database, pcare_service):
    an_office()
    visiting = new_patient(nik=stand_in.MARIA["noKTP"], name="Maria Bere", sex="P", birth_date=dt.date(1990, 3, 12),
                           kk_number="5371041501100008", bpjs_number=stand_in.MARIA["noKartu"], payment_type_id=payment("PBPU"))
    lapsed = new_patient(nik=stand_in.LAPSED["noKTP"], name="Petrus Lay", birth_date=dt.date(1980, 1, 1),
                         kk_number="5371041501100009", bpjs_number=stand_in.LAPSED["noKartu"], payment_type_id=payment("PBPU"))
    seen = new_visit(visiting, AT, "J06.9")
    refused = new_visit(lapsed, AT, "J06.9")
    result = send(pcare_service)
    assert (result.sent, result.failed) == (1, 1)
    (registered,) = pcare_service.registrations.values()
    assert registered["kdProviderPeserta"] == "0162B011"  # Maria's own FKTP, not this puskesmas
    assert rows(seen) == [("create", "sent")] and rows(refused) == [("create", "failed")]
    message = PcareOutbox.get(PcareOutbox.visit == refused.id).message
    assert "Kepesertaan JKN PETRUS LAY (0005555555555) TIDAK AKTIF" in message and "Ubah cara bayar" in message


def test_the_command_line_sends_and_says_what_waits_signed_in_like_the_window(database, db_url, pcare_service, monkeypatch,
                                                                              capsys):
    from kupang_desk.cli import main
    from kupang_desk.models import database as database_module
    from kupang_desk.pcare import connection
    from tests.helpers.factories import cli_account

    an_office()
    yohanes, _maria = members()
    visit = new_visit(yohanes, AT, "J06.9")
    connection.save(pcare_service.url, stand_in.CONS_ID, stand_in.USERNAME, stand_in.OEBOBO_PROVIDER, secret=stand_in.SECRET,
                    user_key=stand_in.USER_KEY, password=stand_in.PASSWORD)
    cli_account(monkeypatch)
    database_module.close()
    base = ["--database", db_url, "pcare"]
    assert main([*base, "status"]) == 0
    assert "P-Care: 1 menunggu" in capsys.readouterr().out
    pcare_service.fail_next = [503]
    assert main([*base, "send"]) == 4
    assert "1 dicoba lagi nanti" in capsys.readouterr().out
    assert main([*base, "send"]) == 4  # its backoff has not passed: nothing sent, it still waits
    assert "0 terkirim" in capsys.readouterr().out and not pcare_service.visits
    clock.set_offset(clock.offset() + 3600)  # the scheduled task an hour later
    assert main([*base, "send"]) == 0
    out = capsys.readouterr().out
    assert "1 terkirim" in out and "P-Care: antrean kosong" in out
    database_module.connect(db_url)
    assert rows(visit) == [("create", "sent")] and len(pcare_service.visits) == 1
    monkeypatch.setenv("KUPANG_DESK_PASSWORD", "salah")
    database_module.close()
    assert main([*base, "send"]) == 2  # signed in like the window
