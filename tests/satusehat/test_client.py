"""The SATUSEHAT client against a local server: tokens fetched once and again before they expire
or when revoked, the patient's IHS number fetched once by NIK and stored, failures in words."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk import settings
from kupang_desk.satusehat import bundle, master
from kupang_desk.satusehat.client import Client, ServiceError
from kupang_desk.tasks import Task
from tests.helpers.factories import an_institution, new_patient, new_visit
from tests.satusehat.server import SatusehatServer

NIK = "5371041203870001"


def test_tokens_are_kept_until_shortly_before_they_expire_and_fetched_again_when_revoked():
    now = [1000.0]
    with SatusehatServer(patients={NIK: "P02478375538"}, lifetime=600) as server:
        client = Client(server.url, "klien-oebobo", "rahasia-sekali-123", clock=lambda: now[0])
        assert client.patient_by_nik(NIK) == "P02478375538"
        assert client.patient_by_nik("5371040000000000") == ""
        assert server.tokens == ["token-1"]  # one token for both calls
        now[0] += 545  # within a minute of expiry: a new one first
        client.patient_by_nik(NIK)
        assert server.tokens == ["token-1", "token-2"]
        server.revoked.add("token-2")  # the service ends it early: 401, a new token, the call once more
        assert client.patient_by_nik(NIK) == "P02478375538"
        assert server.tokens[-1] == "token-3"
        server.failures = [429]
        with pytest.raises(ServiceError) as busy:
            client.patient_by_nik(NIK)
        assert busy.value.status == 429 and busy.value.retry_after == 2 and busy.value.retryable
        assert "terlalu banyak permintaan" in str(busy.value) and "coba lagi" in str(busy.value)
        server.failures = [500]
        with pytest.raises(ServiceError, match="kesalahan 500") as broken:
            client.patient_by_nik(NIK)
        assert broken.value.retryable
        wrong = Client(server.url, "klien-oebobo", "salah", clock=lambda: now[0])
        with pytest.raises(ServiceError, match="menolak Client ID atau client secret") as refused:
            wrong.patient_by_nik(NIK)
        assert not refused.value.retryable and "salah" not in str(refused.value)  # the secret never shown
    with pytest.raises(ServiceError, match="tidak bisa dihubungi") as offline:
        Client(server.url, "klien-oebobo", "rahasia-sekali-123", timeout=2).patient_by_nik(NIK)
    assert offline.value.retryable


def test_the_ihs_number_is_fetched_once_by_nik_and_the_bundle_becomes_ready(database):
    an_institution()
    yohanes = new_patient()
    maria = new_patient(nik="5371044506900002", name="Maria Bere", sex="P", birth_date=dt.date(1990, 6, 5),
                        kk_number="5371041501100008")
    agnes = new_patient(nik="", name="Agnes Taek", sex="P", birth_date=dt.date(2020, 1, 1),
                        no_nik_reason="anak belum punya KK", kk_number="")
    visit = new_visit(yohanes, dt.datetime(2026, 10, 5, 9, 30), "J06.9", health_worker="dr. Maria Manafe")
    new_visit(maria, dt.datetime(2026, 10, 6, 9, 30), "J06.9")
    new_visit(agnes, dt.datetime(2026, 10, 7, 9, 30), "A09")
    new_patient(nik="5371040101800003", name="Petrus Pah", birth_date=dt.date(1980, 1, 1),
                kk_number="5371041501100009")  # no visit: nothing to send, not looked up
    settings.put("satusehat.organization_id", "100011961")
    from tests.helpers.factories import poli

    master.set_location(poli(), "b017aa54")
    master.set_practitioner("dr. Maria Manafe", "N10000001")
    with SatusehatServer(patients={NIK: "P02478375538"}) as server:
        client = Client(server.url, "klien-oebobo", "rahasia-sekali-123")
        fetched = master.fetch_patient_ids(client, task=Task())
        assert fetched.found == 1 and fetched.not_found == [f"{maria.no_rm} Maria Bere"]
        assert "1 ID IHS pasien diambil" in fetched.text() and "Maria Bere" in fetched.text()
        searched = [q["identifier"].split("|")[1] for method, path, q in server.requests if path.endswith("/Patient")]
        assert searched == ["5371044506900002", NIK]  # most recent visit first; Agnes (no NIK) and Petrus never
        assert bundle.build(visit.id).ready
        server.requests.clear()
        again = master.fetch_patient_ids(client)  # fetched once: Yohanes is not asked for again
        assert again.found == 0 and [q["identifier"][-16:] for _m, p, q in server.requests if p.endswith("/Patient")] \
            == ["5371044506900002"]
