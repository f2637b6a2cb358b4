"""The P-Care web service's protocol, as BPJS Kesehatan documents it (and SIMRS Khanza's
``ApiPcare.java`` and ``belokdwi/jembatanfktp`` implement it):

- every request carries ``X-cons-id``, ``X-timestamp`` (UTC epoch seconds), ``X-signature`` =
  base64(HMAC-SHA256(``cons_id & timestamp``, consumer secret)), ``X-authorization`` = ``Basic``
  base64(``username:password:app code``) and ``user_key``;
- the ``response`` of a reply is encrypted with AES-256-CBC, key = SHA-256 of ``cons_id + secret +
  timestamp`` (the request's timestamp), IV = the key's first 16 bytes, PKCS#7 padding, base64;
  inside is the JSON compressed with LZ-string (``compressToEncodedURIComponent``).

The stand-in server the tests start (tests/helpers/pcare_server.py) implements the service's side
from the same documentation, not from this module.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

APP_CODE = "095"  # BPJS's application code for an FKTP's own system


@dataclass(frozen=True)
class Credentials:
    cons_id: str
    secret: str  # the consumer secret: never stored in the database (kupang_desk.credentials)
    user_key: str
    username: str  # the P-Care account of the puskesmas
    password: str
    app_code: str = APP_CODE

    def __repr__(self) -> str:  # a log line or a traceback never shows the secret or the password
        return f"Credentials(cons_id={self.cons_id!r}, username={self.username!r})"


def signature(cons_id: str, secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{cons_id}&{timestamp}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def headers(credentials: Credentials, timestamp: str) -> dict[str, str]:
    login = f"{credentials.username}:{credentials.password}:{credentials.app_code}"
    return {
        "X-cons-id": credentials.cons_id,
        "X-timestamp": timestamp,
        "X-signature": signature(credentials.cons_id, credentials.secret, timestamp),
        "X-authorization": "Basic " + base64.b64encode(login.encode("utf-8")).decode("ascii"),
        "user_key": credentials.user_key,
    }


def _cipher(cons_id: str, secret: str, timestamp: str):
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = hashlib.sha256(f"{cons_id}{secret}{timestamp}".encode()).digest()
    return Cipher(algorithms.AES(key), modes.CBC(key[:16]))


class Undecipherable(ValueError):
    """The reply's response does not open with this request's key (a wrong secret, a proxy's page)."""


def decrypt(response: str, credentials: Credentials, timestamp: str) -> Any:
    """The JSON inside an encrypted ``response``."""
    import lzstring
    from cryptography.hazmat.primitives import padding

    try:
        data = base64.b64decode(response, validate=True)
        opened = _cipher(credentials.cons_id, credentials.secret, timestamp).decryptor()
        padded = opened.update(data) + opened.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        text = lzstring.decompress_from_encoded_uri_component((unpadder.update(padded) + unpadder.finalize()).decode("utf-8"))
        if not text:
            raise ValueError("empty")
        return json.loads(text)
    except ValueError as error:  # base64, padding, UTF-8 and JSON all fail as ValueError
        raise Undecipherable(str(error)) from None

