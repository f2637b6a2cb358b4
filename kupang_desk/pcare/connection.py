"""This puskesmas's P-Care connection: the address, the consumer id, the account and the FKTP code in
the settings; the consumer secret, the user key and the password outside the database
(``kupang_desk.credentials``)."""

from __future__ import annotations

from dataclasses import dataclass

from kupang_desk import audit, credentials, settings
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import FormInvalid, KnownError
from kupang_desk.i18n import _
from kupang_desk.models import writing
from kupang_desk.pcare.client import Client
from kupang_desk.pcare.protocol import Credentials

KEPT = ("pcare.secret", "pcare.user_key", "pcare.password")  # outside the database


@dataclass(frozen=True)
class Connection:
    url: str
    cons_id: str
    username: str
    provider_code: str
    has_secret: bool
    has_user_key: bool
    has_password: bool

    @property
    def complete(self) -> bool:
        return all((self.url, self.cons_id, self.username, self.provider_code, self.has_secret, self.has_user_key,
                    self.has_password))


def current(*, user: SignedIn | None = None) -> Connection:
    """What is set (the secrets only as set or not)."""
    require("settings.edit", user)
    return Connection(settings.get("pcare.url"), settings.get("pcare.cons_id"), settings.get("pcare.username"),
                      settings.get("pcare.provider_code"), *(bool(credentials.read(name)) for name in KEPT))


def save(url: str, cons_id: str, username: str, provider_code: str, *, secret: str = "", user_key: str = "",
         password: str = "", user: SignedIn | None = None) -> Connection:
    """Saves the connection in one transaction; a secret left empty keeps the one kept before."""
    user = require("settings.edit", user)
    url, cons_id, username, provider_code = url.strip().rstrip("/"), cons_id.strip(), username.strip(), provider_code.strip().upper()
    errors = {}
    if not url.startswith(("https://", "http://")):
        errors["url"] = _("Alamat P-Care diawali https://, misalnya https://apijkn.bpjs-kesehatan.go.id/pcare-rest.")
    if not cons_id.isdigit():
        errors["cons_id"] = _("Cons-ID dari BPJS berisi angka saja.")
    if not username:
        errors["username"] = _("Tulis nama pengguna P-Care puskesmas.")
    if not (provider_code.isalnum() and len(provider_code) == 8):
        errors["provider_code"] = _("Kode FKTP dari BPJS 8 huruf dan angka, misalnya 0162B003.")
    if errors:
        raise FormInvalid(errors, lead=_("Koneksi P-Care belum disimpan: "))
    given = dict(zip(KEPT, (secret, user_key, password), strict=True))
    with writing():
        for key, value in (("pcare.url", url), ("pcare.cons_id", cons_id), ("pcare.username", username),
                           ("pcare.provider_code", provider_code)):
            settings.put(key, value)
        where = {name: "keyring" if credentials.keep(name, value) else "sealed" for name, value in given.items() if value}
        audit.record("update", "setting", "pcare", {"cons_id": cons_id, "username": username,
                                                   "provider_code": provider_code, "secrets": where}, user)
    return current(user=user)


def client(*, user: SignedIn | None = None) -> Client:
    """A client with the saved connection, or what is missing, in words."""
    require("patient.read", user)
    kept = [credentials.read(name) for name in KEPT]
    cons_id, username = settings.get("pcare.cons_id"), settings.get("pcare.username")
    if not (cons_id and username and all(kept)):
        raise KnownError(_("Koneksi P-Care belum lengkap: isi cons-ID, consumer secret, user key, nama pengguna dan "
                           "kata sandi di Pengaturan > P-Care."))
    secret, user_key, password = kept
    return Client(settings.get("pcare.url"), Credentials(cons_id, secret, user_key, username, password))


def provider_code() -> str:
    """This puskesmas's FKTP code at BPJS ("" when not set): a member registered elsewhere is told."""
    return str(settings.get("pcare.provider_code"))
