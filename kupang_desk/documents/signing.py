"""Signed report files: what a puskesmas sends the Dinas carries an Ed25519 signature of its data, made
with the puskesmas's own key, so a number changed on the way is refused even when whoever changed it
also recomputed the SHA-256 beside it (a checksum anyone can recompute is not authenticity).

The key is the office's: derived (HKDF-SHA256) from the installation key that already seals the audit
trail (``keystore``), which every PC of one office shares, and from the puskesmas code, so it never sits
in the database nor in any file the program writes. The public half is given to the Dinas once, as a
small key file (``export_key``) whose fingerprint the two offices read to each other; the Dinas keeps it
on its list of puskesmas (``submissions.city``) and accepts a file only when it is signed by the key
registered for the code the file carries.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kupang_desk import clock
from kupang_desk.backup import keystore
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _

KEY_FORMAT = "kupang-desk-signing-key/1"
_PURPOSE = b"kupang-desk report signing/1\x00"
MOST_KEY_FILE = 64 * 1024


def _private(code: str) -> Ed25519PrivateKey:
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE + code.encode("utf-8")).derive(
        keystore.audit_key())
    return Ed25519PrivateKey.from_private_bytes(seed)


def _public_text(private: Ed25519PrivateKey) -> str:
    return base64.b64encode(private.public_key().public_bytes_raw()).decode("ascii")


def public_key(code: str) -> str:
    """The public key this office signs ``code``'s files with, as base64 text."""
    return _public_text(_private(code))


def fingerprint(key: str) -> str:
    """What two people read to each other over the phone: 20 hex digits of the key's SHA-256 in fours."""
    digits = hashlib.sha256(key.encode("ascii")).hexdigest()[:20]
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def sign(code: str, message: bytes) -> dict[str, str]:
    """The signature block stored beside the signed data: the public key and the signature."""
    private = _private(code)
    return {"key": _public_text(private), "signature": base64.b64encode(private.sign(message)).decode("ascii")}


class Unsigned(KnownError):
    """A file without a signature, or whose signature does not match its data."""


def signer(block: object, message: bytes, *, name: str) -> str:
    """The public key that signed ``message`` (checked); refuses a missing or wrong signature."""
    if not isinstance(block, dict) or not isinstance(block.get("key"), str) or not isinstance(block.get("signature"), str):
        raise Unsigned(_("File {name} tidak bertanda tangan (dibuat oleh Kupang Desk versi lama atau program lain), "
                         "jadi tidak diimpor. Minta puskesmas memperbarui Kupang Desk lalu membuat file itu lagi.").format(
            name=name))
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(block["key"], validate=True))
        key.verify(base64.b64decode(block["signature"], validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error) as error:
        raise Unsigned(_("File {name} sudah diubah sesudah ditandatangani (tanda tangan kunci {fingerprint} tidak cocok "
                         "dengan isinya), jadi tidak diimpor. Minta puskesmas mengirim ulang file aslinya.").format(
            name=name, fingerprint=fingerprint(block["key"])[:14])) from error
    return block["key"]


@dataclass(frozen=True)
class KeyFile:
    """A puskesmas's public key as it gives it to the Dinas."""

    code: str
    name: str
    key: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key)


def key_path(path: str | Path) -> Path:
    """Where a key file goes: ``path``, ending in .json."""
    path = Path(path)
    return path if path.suffix.lower() == ".json" else path.with_suffix(".json")


def export_key(path: str | Path, code: str, name: str) -> KeyFile:
    """Writes the public key file the Dinas registers (it holds no secret) at ``key_path(path)``."""
    path = key_path(path)
    if not code:
        raise KnownError(_("Kode puskesmas belum diisi di Pengaturan > Profil: kunci tanda tangan dibuat untuk kode itu."))
    entry = KeyFile(code, name, public_key(code))
    try:
        path.write_text(json.dumps({"format": KEY_FORMAT, "institution_code": code, "institution_name": name,
                                    "public_key": entry.key, "fingerprint": entry.fingerprint,
                                    "made_at": clock.now().replace(microsecond=0).isoformat()}, indent=1,
                                   ensure_ascii=False), encoding="utf-8")
    except OSError as error:
        raise KnownError(_("File {path} tidak dapat ditulis: {detail}").format(path=path, detail=error.strerror)) from error
    return entry


def read_key_file(path: str | Path) -> KeyFile:
    """A key file made by ``export_key``, checked: its key is an Ed25519 public key."""
    path = Path(path)
    refused = _("File {name} bukan file kunci tanda tangan Kupang Desk. Minta puskesmas membuatnya di Pengaturan > "
                "Profil > Kunci tanda tangan.").format(name=path.name)
    try:
        if path.stat().st_size > MOST_KEY_FILE:
            raise KnownError(refused)
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise KnownError(_("File {path} tidak dapat dibaca: {detail}").format(path=path, detail=error.strerror)) from error
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise KnownError(refused) from error
    if not isinstance(data, dict) or data.get("format") != KEY_FORMAT:
        raise KnownError(refused)
    code, name, key = (data.get(field) for field in ("institution_code", "institution_name", "public_key"))
    if not (isinstance(code, str) and code and isinstance(name, str) and isinstance(key, str)):
        raise KnownError(refused)
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(key, validate=True))
    except (ValueError, binascii.Error) as error:
        raise KnownError(refused) from error
    return KeyFile("".join(code.split()), " ".join(name.split()), key)
