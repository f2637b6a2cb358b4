"""The passwords and secrets of the national services (SATUSEHAT's client secret, P-Care's consumer
secret, user key and password), kept outside the database: in the OS keyring where there is one
(Windows' Credential Manager), else sealed (AES-GCM) with this installation's key, which the
database file does not hold. A stolen database or backup carries none of them in the clear.

The caller checks the permission and records the audit event (which names where it went, never
the value); this module only keeps and reads.
"""

from __future__ import annotations

import secrets

from kupang_desk import settings
from kupang_desk.backup import keystore

SERVICE = "KupangDesk"
# The names the first kept secret was stored under before this module (an installation that kept
# its SATUSEHAT secret then still finds it): the keyring account and the sealing's associated data.
EARLIER = {"satusehat.client_secret": ("satusehat-secret", b"satusehat-client-secret")}


def _account(name: str) -> str:
    return f"{EARLIER.get(name, (name, b''))[0]}:{settings.get('database.id') or 'default'}"


def _context(name: str) -> bytes:
    """The sealing's associated data: a value sealed as one name does not open as another."""
    return EARLIER[name][1] if name in EARLIER else name.encode("utf-8")


def keep(name: str, value: str) -> bool:
    """Stores ``value`` as ``name`` (``satusehat.client_secret``, ``pcare.secret``...); True when it
    went to the OS keyring, False when it was sealed into the setting ``<name>_sealed``. Run inside
    the caller's write transaction."""
    import keyring  # the OS keyring and the cipher load when a secret is kept or read, not at start
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, _account(name), value)
        in_keyring = keyring.get_password(SERVICE, _account(name)) == value
    except (KeyringError, RuntimeError, OSError):
        in_keyring = False
    if in_keyring:
        settings.put(f"{name}_sealed", "")
    else:
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(keystore.audit_key()).encrypt(nonce, value.encode("utf-8"), _context(name))
        settings.put(f"{name}_sealed", (nonce + sealed).hex())
    return in_keyring


def read(name: str) -> str:
    """The value kept as ``name``, or "" when none is (or this PC cannot open it: sealed on another PC)."""
    import keyring
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from keyring.errors import KeyringError

    try:
        stored = keyring.get_password(SERVICE, _account(name))
    except (KeyringError, RuntimeError, OSError):
        stored = None
    if stored:
        return stored
    sealed = settings.get(f"{name}_sealed")
    if not sealed:
        return ""
    data = bytes.fromhex(sealed)
    try:
        return AESGCM(keystore.audit_key()).decrypt(data[:12], data[12:], _context(name)).decode("utf-8")
    except InvalidTag:
        return ""
