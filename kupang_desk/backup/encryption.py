"""Backups that whoever finds the USB stick cannot read: AES-256-GCM under the office's backup passphrase.

The key is derived from the passphrase with scrypt; the database keeps only a check value (never
the key or the passphrase), so that every PC of the office is sure to use the same passphrase,
and each PC keeps the derived key in an owner-only file under the database's id so that the
daily backup needs nobody to type it. A backup file is:

    KDBACKUP2\\n | header length | header (JSON: the scrypt salt and cost, the nonce prefix) |
    chunks: length | AES-GCM(nonce prefix + counter + last flag, 1 MiB of plain text, header)

The plain text is the manifest (institution, schema version, counts, audit chain head, the
SHA-256 of the database) followed by the database itself. A chunk that was changed, dropped,
moved or cut off, or a wrong passphrase, fails GCM's check: nothing is restored from it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from platformdirs import user_config_path

from kupang_desk import audit, clock, settings
from kupang_desk.accounts.permissions import require
from kupang_desk.documents.table import Anchor
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.models import writing
from kupang_desk.tasks import Task

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"KDBACKUP2\n"
CHUNK = 1 << 20
CHUNK_MOST = 16 << 20  # the largest piece a header may name
ENV_PASSPHRASE = "KUPANG_DESK_BACKUP_PASSPHRASE"
DEMO_PASSPHRASE = "kupang-demo"
MIN_LENGTH = 8
_CHECK_TEXT = b"kupang-desk backup passphrase check"


class PassphraseNeeded(KnownError):
    """This PC has no key for this database's backups yet: the administrator types the passphrase once."""


@dataclass(frozen=True)
class BackupKey:
    salt: bytes
    n: int
    r: int
    p: int
    key: bytes

    def params(self) -> dict:
        return {"kdf": "scrypt", "salt": base64.b64encode(self.salt).decode(), "n": self.n, "r": self.r, "p": self.p}


# scrypt's cost a backup header may ask for: memory is 128 x n x r bytes and time grows with n x r x p.
# Ours is 32 MB; twice that is the most an office PC is made to spend before the passphrase is known
# right (a header asking 2^20 x 16 would take 2 GB and half a minute before it could be refused).
SCRYPT_MEMORY_MOST = 64 * 1024 * 1024
SCRYPT_WORK_MOST = 2 ** 15 * 8 * 2


def derive(passphrase: str, salt: bytes, n: int = 2 ** 15, r: int = 8, p: int = 1) -> BackupKey:
    if (not 2 ** 10 <= n <= 2 ** 20 or n & (n - 1) or not 1 <= r <= 16 or not 1 <= p <= 4
            or 128 * n * r > SCRYPT_MEMORY_MOST or n * r * p > SCRYPT_WORK_MOST or not 8 <= len(salt) <= 64):
        raise KnownError(_("File cadangan meminta parameter kunci (scrypt n={n}, r={r}, p={p}) di luar yang dipakai "
                           "Kupang Desk; file ini bukan cadangan yang dibuat Kupang Desk, atau awalnya diubah. Pakai "
                           "cadangan lain.").format(n=n, r=r, p=p))
    from cryptography.hazmat.primitives.kdf.scrypt import (
        Scrypt,  # the cipher loads with its first use, not at start
    )

    key = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return BackupKey(salt, n, r, p, key)


def _from_params(passphrase: str, params: dict) -> BackupKey:
    try:
        return derive(passphrase, base64.b64decode(params["salt"]), int(params["n"]), int(params["r"]), int(params["p"]))
    except (KeyError, ValueError, TypeError) as error:
        raise KnownError(_("Keterangan kunci cadangan rusak.")) from error


def _check_value(key: BackupKey) -> str:
    return hmac.new(key.key, _CHECK_TEXT, hashlib.sha256).hexdigest()


def _key_file() -> Path:
    database_id = settings.get("database.id") or "tanpa-id"
    return user_config_path("KupangDesk", appauthor=False, ensure_exists=True) / "backup-keys" / f"{database_id}.key"


def _open_private(path: Path) -> BinaryIO:
    """``path`` created (or emptied) for writing bytes that only its owner may read."""
    handle = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600), "wb")
    os.chmod(path, 0o600)  # also when the file was there before with looser rights
    return handle


def _keep(key: BackupKey) -> None:
    path = _key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _open_private(path) as handle:
        handle.write(json.dumps({**key.params(), "key": key.key.hex()}).encode("ascii"))


def check_passphrase(passphrase: str) -> str:
    """The passphrase, or a ``KnownError`` saying what a usable one looks like."""
    if len(passphrase) < MIN_LENGTH:
        raise KnownError(_("Kata sandi cadangan paling sedikit {count} karakter; pakai beberapa kata yang mudah diingat, "
                           "misalnya \"pantai lasiana biru 2026\".").format(count=MIN_LENGTH))
    return passphrase


def has_passphrase() -> bool:
    """Whether this database's backups have a passphrase yet."""
    return bool(settings.get("backup.passphrase_check"))


def set_passphrase(passphrase: str, *, user=None) -> BackupKey:
    """Sets (or changes) the office's backup passphrase: a new salt, the check value in the database,
    the key on this PC. Backups made before keep opening with the passphrase they were made under."""
    require("settings.edit", user)
    key = derive(check_passphrase(passphrase), secrets.token_bytes(16))
    with writing():
        settings.put("backup.passphrase_check", {**key.params(), "check": _check_value(key)})
        audit.record("update", "setting", "backup.passphrase", {"changed": "backup passphrase"}, user)
    _keep(key)
    return key


def unlock(passphrase: str) -> BackupKey:
    """This database's backup key from its passphrase, checked against the database and kept on this PC."""
    stored = settings.get("backup.passphrase_check")
    if not stored:
        raise PassphraseNeeded(_("Kata sandi cadangan belum diatur. Administrator mengaturnya di Pengaturan > Cadangan "
                                 "(atau: kupang-desk backup --set-passphrase)."))
    key = _from_params(passphrase, stored)
    if not hmac.compare_digest(_check_value(key), str(stored.get("check", ""))):
        raise PassphraseNeeded(_("Kata sandi cadangan salah."))
    _keep(key)
    return key


def current_key(passphrase: str | None = None) -> BackupKey:
    """The key backups are made under: kept on this PC, else from ``passphrase`` or
    ``$KUPANG_DESK_BACKUP_PASSPHRASE`` (which sets it when the database has none yet)."""
    stored = settings.get("backup.passphrase_check")
    path = _key_file()
    if stored and path.exists():
        try:
            kept = json.loads(path.read_text(encoding="ascii"))
            key = BackupKey(base64.b64decode(kept["salt"]), int(kept["n"]), int(kept["r"]), int(kept["p"]),
                            bytes.fromhex(kept["key"]))
            if hmac.compare_digest(_check_value(key), str(stored.get("check", ""))):
                return key
        except (OSError, ValueError, KeyError, TypeError):
            pass  # unreadable or from an older passphrase: asked again below
    passphrase = passphrase or os.environ.get(ENV_PASSPHRASE) or None
    if passphrase is None:
        raise PassphraseNeeded(_("Cadangan terenkripsi dengan kata sandi cadangan kantor, dan PC ini belum mengetahuinya. "
                                 "Administrator memasukkannya sekali di Pengaturan > Cadangan.") if stored else
                               _("Kata sandi cadangan belum diatur. Administrator mengaturnya di Pengaturan > Cadangan "
                                 "(atau: kupang-desk backup --set-passphrase)."))
    return unlock(passphrase) if stored else set_passphrase(passphrase)


def key_available() -> bool:
    """Whether a backup can be made here now without asking anyone for the passphrase."""
    try:
        current_key()
        return True
    except KnownError:
        return False


def anchor_in(path: str | Path) -> Anchor:
    """The audit anchor a document carries, or the one inside an encrypted backup's manifest."""
    path = Path(path)
    if not is_encrypted(path):
        return audit.anchor_in_file(path)
    manifest, _key = decrypt(path, None)
    found = Anchor.find(str(manifest.get("audit_head", "")))
    if found is None:
        raise KnownError(_("File {path} tidak memuat tanda jejak audit (KDAUDIT).").format(path=path))
    return found


def is_encrypted(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


def _plain_chunks(manifest: dict, source: Path) -> Iterator[bytes]:
    head = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    buffer = struct.pack(">I", len(head)) + head
    with source.open("rb") as handle:
        while block := handle.read(CHUNK):
            buffer += block
            while len(buffer) >= CHUNK:
                yield buffer[:CHUNK]
                buffer = buffer[CHUNK:]
    yield buffer


def encrypt(source: Path, target: Path, key: BackupKey, manifest: dict, task: Task | None = None) -> None:
    """Writes ``manifest`` and ``source`` encrypted to ``target`` (owner-only), fsynced."""
    task = task or Task()
    header = json.dumps({**key.params(), "cipher": "AES-256-GCM", "chunk": CHUNK,
                         "nonce": base64.b64encode(prefix := secrets.token_bytes(7)).decode()}).encode()
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(key.key)
    total = max(1, source.stat().st_size // CHUNK + 1)
    with _open_private(target) as out:
        out.write(MAGIC + struct.pack(">I", len(header)) + header)
        chunks = _plain_chunks(manifest, source)
        current = next(chunks)
        counter = 0
        for following in chunks:
            _write_chunk(out, aead.encrypt(_nonce(prefix, counter, False), current, header))
            counter += 1
            current = following
            task.step(min(counter, total), total, _("Mengenkripsi cadangan..."))
        _write_chunk(out, aead.encrypt(_nonce(prefix, counter, True), current, header))
        out.flush()
        os.fsync(out.fileno())


def _write_chunk(out: BinaryIO, sealed: bytes) -> None:
    out.write(struct.pack(">I", len(sealed)) + sealed)


def _read_header(handle: BinaryIO, path: Path) -> tuple[bytes, dict]:
    if handle.read(len(MAGIC)) != MAGIC:
        raise KnownError(_("File {file} bukan cadangan terenkripsi Kupang Desk.").format(file=path.name))
    try:
        (length,) = struct.unpack(">I", handle.read(4))
        header = handle.read(length) if length < 4096 else b""
        parsed = json.loads(header)
        if not isinstance(parsed, dict):
            raise ValueError("header is not an object")
        return header, parsed
    except (struct.error, ValueError, RecursionError) as error:
        raise KnownError(_("File cadangan {file} rusak di bagian awalnya. Pakai cadangan lain.").format(file=path.name)) from error


def _chunks(handle: BinaryIO, path: Path, aead: AESGCM, prefix: bytes, header: dict, header_bytes: bytes,
            wrong: str) -> Iterator[bytes]:
    from cryptography.exceptions import InvalidTag

    counter = 0
    try:
        limit = int(header.get("chunk", CHUNK)) + 16
    except (TypeError, ValueError):
        limit = 0
    if not 16 < limit <= CHUNK_MOST + 16:  # the header names the piece size: never a read of gigabytes
        raise KnownError(_("File cadangan {file} rusak di bagian awalnya. Pakai cadangan lain.").format(file=path.name))
    while True:
        raw = handle.read(4)
        if len(raw) < 4:
            raise KnownError(_("File cadangan {file} terpotong: bagian akhirnya hilang. Pakai cadangan lain.").format(file=path.name))
        (length,) = struct.unpack(">I", raw)
        sealed = handle.read(length) if length <= limit else b""
        if len(sealed) != length or not sealed:
            raise KnownError(_("File cadangan {file} terpotong atau rusak. Pakai cadangan lain.").format(file=path.name))
        for last in (False, True):
            try:
                plain = aead.decrypt(_nonce(prefix, counter, last), sealed, header_bytes)
                break
            except InvalidTag:
                continue
        else:
            raise KnownError(wrong if counter == 0 else _(
                "File cadangan {file} rusak: isinya berubah sejak dibuat (bagian ke-{part}). Pakai cadangan lain.").format(
                file=path.name, part=counter + 1))
        yield plain
        if last:
            if handle.read(1):
                raise KnownError(_("File cadangan {file} rusak: ada tambahan data sesudah akhirnya.").format(file=path.name))
            return
        counter += 1


def _kept_key() -> BackupKey | None:
    try:
        return current_key() if has_passphrase() else None
    except KnownError:
        return None


def decrypt(path: Path, passphrase: str | None, target: Path | None = None, *, key: BackupKey | None = None,
            task: Task | None = None, check_all: bool = False) -> tuple[dict, BackupKey]:
    """(the manifest, the key) of an encrypted backup. With ``target`` the database is written there
    (owner-only); with ``target`` or ``check_all`` every chunk is read and the database's SHA-256
    checked against the manifest, else only the first chunk. Without ``passphrase`` (nor
    ``$KUPANG_DESK_BACKUP_PASSPHRASE``) the key this PC keeps is tried. A wrong passphrase or
    any changed byte is refused."""
    task = task or Task()
    passphrase = passphrase or os.environ.get(ENV_PASSPHRASE) or None
    with path.open("rb") as handle:
        header_bytes, header = _read_header(handle, path)
        if key is None and not passphrase:
            kept = _kept_key()
            if kept is not None and base64.b64encode(kept.salt).decode() == header.get("salt"):
                key = kept
        if key is None:
            if not passphrase:
                raise PassphraseNeeded(_("Cadangan {file} terenkripsi: masukkan kata sandi cadangan kantor.").format(file=path.name))
            key = _from_params(passphrase, header)
        wrong = _("Kata sandi cadangan salah untuk {file} (atau awal file itu rusak).").format(file=path.name)
        try:
            prefix = base64.b64decode(header["nonce"])
        except (KeyError, ValueError) as error:
            raise KnownError(_("File cadangan {file} rusak di bagian awalnya. Pakai cadangan lain.").format(file=path.name)) from error
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        chunks = _chunks(handle, path, AESGCM(key.key), prefix, header, header_bytes, wrong)
        first = next(chunks)
        (length,) = struct.unpack(">I", first[:4])
        if length > len(first) - 4:
            raise KnownError(_("File cadangan {file} rusak: keterangannya tidak utuh.").format(file=path.name))
        try:
            manifest = json.loads(first[4:4 + length])
        except (ValueError, RecursionError) as error:
            raise KnownError(_("File cadangan {file} rusak: keterangannya tidak utuh.").format(file=path.name)) from error
        if target is None and not check_all:
            return manifest, key
        digest = hashlib.sha256()
        total = max(1, path.stat().st_size // CHUNK + 1)
        out = _open_private(target) if target is not None else None
        try:
            rest = first[4 + length:]
            digest.update(rest)
            if out is not None:
                out.write(rest)
            for done, plain in enumerate(chunks, start=1):
                digest.update(plain)
                if out is not None:
                    out.write(plain)
                task.step(min(done, total), total, _("Memeriksa cadangan..."))
            if out is not None:
                out.flush()
                os.fsync(out.fileno())
        finally:
            if out is not None:
                out.close()
    if digest.hexdigest() != manifest.get("sha256"):
        if target is not None:
            target.unlink(missing_ok=True)
        raise KnownError(_("File cadangan {file} rusak: isinya tidak sama dengan saat dibuat. Pakai cadangan lain.").format(file=path.name))
    return manifest, key


def recovery_sheet(path: str | Path, passphrase: str, institution: str, *, user=None) -> Path:
    """A one-page PDF to keep in the office safe: the passphrase as text and as a QR code, and what
    it is for. Checked against the database first, so that the sheet never holds a wrong passphrase."""
    require("backup.run", user)
    unlock(passphrase)
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    path = Path(path)
    page = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    page.setTitle(_("Lembar pemulihan cadangan"))
    page.setFont("Helvetica-Bold", 16)
    page.drawString(20 * mm, height - 30 * mm, _("LEMBAR PEMULIHAN CADANGAN KUPANG DESK"))
    page.setFont("Helvetica", 11)
    lines = [institution, _("Dicetak {date}").format(date=format_date(clock.today())), "",
             _("Simpan lembar ini di brankas atau lemari terkunci kantor, jangan di dekat komputer."),
             _("Tanpa kata sandi ini, cadangan di flashdisk dan di PC tidak dapat dipulihkan oleh siapa pun,"),
             _("termasuk pembuat program. Bila kata sandi diganti, cetak lembar baru dan musnahkan yang lama."), "",
             _("Kata sandi cadangan:")]
    y = height - 42 * mm
    for text in lines:
        page.drawString(20 * mm, y, text)
        y -= 6 * mm
    page.setFont("Courier-Bold", 14)
    page.drawString(20 * mm, y - 2 * mm, passphrase)
    widget = QrCodeWidget(passphrase)
    left, bottom, right, top = widget.getBounds()
    size = 60 * mm
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, page, 20 * mm, y - 75 * mm)
    page.showPage()
    with _open_private(path) as out:
        out.write(page.getpdfdata())
    return path
