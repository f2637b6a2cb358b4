"""The services' secrets stay out of the database: the OS keyring where there is one, else sealed
with the installation key (which the database file does not hold)."""

from __future__ import annotations

import secrets

import keyring
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from keyring.backend import KeyringBackend

from kupang_desk import credentials, settings
from kupang_desk.backup import keystore
from kupang_desk.models import writing


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.kept.get((service, username))

    def set_password(self, service, username, password):
        self.kept[(service, username)] = password

    def delete_password(self, service, username):
        self.kept.pop((service, username), None)


def _database_text(url: str) -> bytes:
    return open(url.removeprefix("sqlite:///"), "rb").read()


def test_without_a_keyring_a_secret_is_sealed_and_the_database_holds_no_clear_text(sqlite_database, sqlite_url, monkeypatch):
    with writing():
        assert credentials.keep("pcare.secret", "rahasia-bpjs-123") is False  # the test keyring refuses
    assert credentials.read("pcare.secret") == "rahasia-bpjs-123"
    assert b"rahasia-bpjs-123" not in _database_text(sqlite_url)
    assert settings.get("pcare.secret_sealed") and "rahasia" not in settings.get("pcare.secret_sealed")
    monkeypatch.setattr(keystore, "audit_key", lambda: b"\x01" * 32)  # the database copied to another PC
    assert credentials.read("pcare.secret") == ""


def test_with_a_keyring_the_secret_goes_there_and_nothing_is_sealed(sqlite_database, monkeypatch):
    memory = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: memory)
    monkeypatch.setattr(keyring, "set_password", memory.set_password)
    monkeypatch.setattr(keyring, "get_password", memory.get_password)
    with writing():
        assert credentials.keep("pcare.password", "sandi-pcare") is True
    assert credentials.read("pcare.password") == "sandi-pcare"
    assert settings.get("pcare.password_sealed") == ""
    assert list(memory.kept.values()) == ["sandi-pcare"]


def test_a_satusehat_secret_sealed_before_this_module_still_opens(sqlite_database):
    nonce = secrets.token_bytes(12)  # as satusehat.master sealed it until now
    sealed = AESGCM(keystore.audit_key()).encrypt(nonce, b"lama-tapi-sah", b"satusehat-client-secret")
    with writing():
        settings.put("satusehat.client_secret_sealed", (nonce + sealed).hex())
    assert credentials.read("satusehat.client_secret") == "lama-tapi-sah"


@pytest.mark.parametrize("name", ["pcare.secret", "pcare.user_key", "pcare.password", "satusehat.client_secret"])
def test_every_kept_secret_has_its_sealed_setting_declared(name):
    assert f"{name}_sealed" in settings.KEYS
