"""The installation key that seals the audit trail, kept outside the database: in the operating
system's keyring where there is one (Windows Credential Manager, a desktop's Secret Service),
else in a key file in the user's config folder that only its owner may read.

Someone with the database file alone cannot compute a valid seal. Every PC of an office that
shares one PostgreSQL database needs the same key: the administrator exports it on the first PC
(``kupang-desk audit key --export FILE``) and imports it on the others (``--import FILE``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from pathlib import Path

from platformdirs import user_config_path

from kupang_desk.errors import KnownError
from kupang_desk.i18n import _

log = logging.getLogger(__name__)
SERVICE, ACCOUNT = "KupangDesk", "audit-key"
_cache: dict[Path, bytes] = {}


def _folder() -> Path:
    return user_config_path("KupangDesk", appauthor=False, ensure_exists=True)


def key_id(key: bytes) -> str:
    """A short public name of a key (never the key): the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(key).hexdigest()[:12]


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(text + "\n")
    os.chmod(path, 0o600)  # also when the file was there before with looser rights


def _from_keyring() -> bytes | None:
    import keyring  # a tenth of a second with its backends: only when the key is first needed
    from keyring.errors import KeyringError

    try:
        stored = keyring.get_password(SERVICE, ACCOUNT)
    except (KeyringError, RuntimeError, OSError) as error:  # no usable keyring here
        log.info("No keyring (%s); using the key file", error)
        return None
    return bytes.fromhex(stored) if stored else None


def _to_keyring(key: bytes) -> bool:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, ACCOUNT, key.hex())
        return keyring.get_password(SERVICE, ACCOUNT) == key.hex()
    except (KeyringError, RuntimeError, OSError):
        return False


def audit_key() -> bytes:
    """This installation's key, made on first use."""
    folder = _folder()
    if folder in _cache:
        return _cache[folder]
    path = folder / "audit.key"
    key = None if path.exists() else _from_keyring()
    if key is None and path.exists():
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    if key is None:
        key = secrets.token_bytes(32)
        if not _to_keyring(key):
            _write_private(path, key.hex())
        log.info("Made the installation key %s", key_id(key))
    _cache[folder] = key
    return key


def known_keys() -> dict[str, bytes]:
    """key id -> key: this installation's, and those imported from the office's other PCs."""
    own = audit_key()
    keys = {key_id(own): own}
    for path in sorted((_folder() / "audit-keys").glob("*.key")):
        try:
            other = bytes.fromhex(path.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        keys[key_id(other)] = other
    return keys


def export_key(path: str | Path) -> str:
    """Writes this installation's key to ``path`` (owner-only); returns its id."""
    key = audit_key()
    _write_private(Path(path), key.hex())
    return key_id(key)


def import_key(path: str | Path) -> str:
    """Makes the office's key (exported on its first PC) this installation's key, so every PC
    seals with one key and can check the others' events. The key this PC had before is kept
    for checking what it sealed. Returns the new key's id."""
    try:
        key = bytes.fromhex(Path(path).read_text(encoding="ascii").strip())
    except (OSError, ValueError) as error:
        raise KnownError(_("File kunci {path} tidak dapat dibaca: {detail}").format(path=path, detail=error)) from error
    if len(key) != 32:
        raise KnownError(_("File {path} bukan kunci Kupang Desk.").format(path=path))
    old = audit_key()
    if old != key:
        _write_private(_folder() / "audit-keys" / f"{key_id(old)}.key", old.hex())
        if not _to_keyring(key) or (_folder() / "audit.key").exists():
            _write_private(_folder() / "audit.key", key.hex())
        _cache[_folder()] = key
    return key_id(key)
