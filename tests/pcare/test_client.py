"""The P-Care client against a stand-in that checks what BPJS documents (tests/helpers/pcare_server.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket

import pytest

from kupang_desk.pcare.client import Client, PcareError, Registration
from kupang_desk.pcare.protocol import Credentials
from tests.helpers import pcare_server as stand_in
from tests.helpers.clock import TODAY

CREDENTIALS = Credentials(stand_in.CONS_ID, stand_in.SECRET, stand_in.USER_KEY, stand_in.USERNAME, stand_in.PASSWORD)


def _client(service: stand_in.PcareStandIn, **changed) -> Client:
    return Client(service.url, dataclasses.replace(CREDENTIALS, **changed), timeout=5)


def test_a_member_is_found_by_card_number_or_nik_with_status_kind_and_their_puskesmas(pcare_service):
    client = _client(pcare_service)
    by_card = client.member("0001234567890")
    assert (by_card.name, by_card.active, by_card.pbi, by_card.provider_code) == ("YOHANES NDUN", True, True, "0162B003")
    assert by_card.birth_date == dt.date(1987, 3, 12) and by_card.nik == "5371041203870001"
    by_nik = client.member("5371-0452-0390-0002")  # typed with dashes, as on a KTP photocopy
    assert (by_nik.card_number, by_nik.pbi, by_nik.prolanis, by_nik.provider_code) == ("0009876543210", False, True, "0162B011")
    lapsed = client.member("0005555555555")
    assert (lapsed.active, lapsed.status) == (False, "TIDAK AKTIF")
    assert client.member("0001111111111") is None  # P-Care has no such member: not an error
    with pytest.raises(PcareError, match="bukan No. Kartu BPJS"):
        client.member("12345")
    assert ("GET", "pcare-rest/peserta/nik/5371045203900002") in pcare_service.requests


def test_a_registration_gets_its_number_and_a_second_one_is_refused_in_the_services_words(pcare_service):
    client = _client(pcare_service)
    visit = Registration("0001234567890", TODAY, "001", stand_in.OEBOBO_PROVIDER, complaint="Batuk pilek",
                         vitals={"sistole": 120, "diastole": 80, "beratBadan": 61.5})
    assert client.register(visit) == "A1"
    held = client.registration("A1", TODAY)
    assert (held["noKartu"], held["kdPoli"], held["keluhan"], held["sistole"], held["tglDaftar"]) == (
        "0001234567890", "001", "Batuk pilek", 120, TODAY.strftime("%d-%m-%Y"))
    with pytest.raises(PcareError) as twice:
        client.register(visit)
    assert twice.value.status == 412 and not twice.value.retryable
    assert "sudah didaftarkan pada poli dan tanggal yang sama" in str(twice.value)
    assert twice.value.fields == {"noKartu": "Peserta sudah didaftarkan pada poli dan tanggal yang sama"}
    assert client.register(dataclasses.replace(visit, poli_code="002")) == "A2"  # another poli that day is another visit
    with pytest.raises(PcareError, match="Peserta tidak aktif"):
        client.register(dataclasses.replace(visit, card_number="0005555555555"))
    client.delete_registration("0001234567890", TODAY, "A1", "001")
    assert client.registration("A1", TODAY) is None


def test_a_wrong_secret_password_or_pc_clock_is_each_said_with_what_to_fix(pcare_service):
    with pytest.raises(PcareError, match="consumer secret") as secret:
        _client(pcare_service, secret="salah").member("0001234567890")
    assert secret.value.status == 401 and "Signature tidak valid" in str(secret.value)
    with pytest.raises(PcareError, match="Username atau password salah"):
        _client(pcare_service, password="salah").member("0001234567890")
    pcare_service.skew = 11 * 60  # this PC's clock eleven minutes behind BPJS's
    with pytest.raises(PcareError, match="jam PC ini berbeda lebih dari 5 menit"):
        _client(pcare_service).member("0001234567890")
    pcare_service.skew = 4 * 60  # within the tolerance: accepted
    assert _client(pcare_service).member("0001234567890").active


def test_no_server_and_a_server_fault_are_worth_trying_again_and_say_the_data_is_kept(pcare_service):
    pcare_service.fail_next = [503]
    with pytest.raises(PcareError, match="Server P-Care sedang bermasalah") as fault:
        _client(pcare_service).member("0001234567890")
    assert fault.value.status == 503 and fault.value.retryable
    with socket.socket() as probe:  # a port where nothing listens: the line is down
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/pcare-rest"
    with pytest.raises(PcareError, match="tidak bisa dihubungi.*tersimpan di Kupang Desk") as down:
        Client(closed, CREDENTIALS, timeout=2).member("0001234567890")
    assert down.value.status == 0 and down.value.retryable


def test_the_secret_and_password_never_show_in_a_log_line_or_a_traceback():
    shown = repr(CREDENTIALS) + str(CREDENTIALS)
    assert stand_in.SECRET not in shown and stand_in.PASSWORD not in shown and stand_in.CONS_ID in shown
