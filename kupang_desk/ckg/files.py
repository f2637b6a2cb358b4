"""The files a school and its puskesmas exchange for the CKG: the roster (school to puskesmas) and the
results (puskesmas to school). No network is assumed: a flash disk or WhatsApp carries them.

A file is JSON, signed with the sending office's key (``documents.signing``, as the files for the
Dinas). A school and a puskesmas have no Dinas between them to register keys, so the first file from
an office records its key (its fingerprint is said, to be read to each other over the phone), and
every later file from that code must carry the same key: a roster or a result altered on the way,
or made by someone else under the office's code, is refused with both fingerprints.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from kupang_desk import clock, settings
from kupang_desk.documents import signing
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import Institution

FORMAT = "kupang-desk-ckg/1"
KINDS = ("roster", "results")
MOST_BYTES = 5 * 1024 * 1024  # a school of 1,500 students is about 400 kB
MOST_ROWS = 5000
KEYS_SETTING = "ckg.keys"  # {office code: the public key its first file was signed with}


def kind_words(kind: str) -> str:
    return {"roster": _("daftar siswa untuk CKG"), "results": _("hasil CKG")}[kind]


@dataclass(frozen=True)
class Received:
    """A file read and checked: who sent it, when it was made, its rows, and the key it was signed with."""

    kind: str
    code: str
    name: str
    made_at: dt.datetime
    kelurahan: str  # the sending office's kelurahan code (its profile), "" when not set
    rows: list[dict]
    key: str
    new_key: bool  # the first file from this office: its key is recorded when the import is written

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.key)


def _office() -> Institution:
    """This office's profile (Pengaturan > Profil); a file cannot be signed without its code."""
    office = Institution.select(Institution.code, Institution.name, Institution.kelurahan).first()
    if office is None or not office.code:
        raise KnownError(_("Kode kantor (NPSN sekolah atau kode puskesmas) belum diisi di Pengaturan > Profil: file CKG "
                           "ditandatangani dengan kunci untuk kode itu."))
    return office


def this_office() -> tuple[str, str]:
    """(code, name) of this office from Pengaturan > Profil."""
    office = _office()
    return office.code, office.name


def _message(payload: dict) -> bytes:
    return json.dumps({k: v for k, v in payload.items() if k != "signature"}, sort_keys=True,
                      ensure_ascii=False).encode("utf-8")


def write(path: str | Path, kind: str, rows: list[dict], *, to: str = "") -> Path:
    """Writes a signed file of ``kind`` with ``rows`` (JSON values only); ``to`` names the receiver."""
    office = _office()
    path = Path(path)
    if path.suffix.lower() != ".json":
        path = path.with_suffix(".json")
    payload: dict[str, object] = {"format": FORMAT, "kind": kind, "from_code": office.code, "from_name": office.name,
                                  "from_kelurahan": office.kelurahan_code or "", "to": to,
                                  "made_at": clock.now().replace(microsecond=0).isoformat(), "rows": rows}
    payload["signature"] = signing.sign(office.code, _message(payload))
    try:
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as error:
        raise KnownError(_("File {path} tidak dapat ditulis: {detail}").format(path=path, detail=error.strerror)) from error
    return path


def read(path: str | Path, kind: str) -> Received:
    """A file of ``kind``, checked: its form, its signature, and the sender's key against the one recorded."""
    path = Path(path)
    wrong = _("File {name} bukan {what} dari Kupang Desk. Pilih file .json yang dikirim {sender}.").format(
        name=path.name, what=kind_words(kind), sender=_("sekolah") if kind == "roster" else _("puskesmas"))
    try:
        if path.stat().st_size > MOST_BYTES:
            raise KnownError(_("File {name} terlalu besar untuk {what} (lebih dari 5 MB).").format(
                name=path.name, what=kind_words(kind)))
        payload = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise KnownError(_("File {path} tidak dapat dibaca: {detail}").format(path=path, detail=error.strerror)) from error
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise KnownError(wrong) from error
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise KnownError(wrong)
    if payload.get("kind") != kind:
        other = payload.get("kind")
        raise KnownError(_("File {name} berisi {what}, bukan {wanted}.").format(
            name=path.name, what=kind_words(other) if other in KINDS else "?", wanted=kind_words(kind)))
    code, name, rows = payload.get("from_code"), payload.get("from_name"), payload.get("rows")
    if not (isinstance(code, str) and code and isinstance(name, str) and isinstance(rows, list)
            and all(isinstance(row, dict) for row in rows)):
        raise KnownError(wrong)
    if len(rows) > MOST_ROWS:
        raise KnownError(_("File {name} memuat {count} baris; paling banyak {most} sekali kirim.").format(
            name=path.name, count=len(rows), most=MOST_ROWS))
    key = signing.signer(payload.get("signature"), _message(payload), name=path.name)
    known = (settings.get(KEYS_SETTING) or {}).get(code)
    if known and known != key:
        raise KnownError(_("File {file} mengaku dari {who} ({code}) tetapi ditandatangani dengan kunci {signed}, bukan kunci "
                           "{known} yang tercatat dari file {who} sebelumnya. Tidak diimpor: file ini dibuat orang lain atau "
                           "di PC lain. Telepon {who} dan cocokkan sidik kuncinya.").format(
            file=path.name, who=name, code=code, signed=signing.fingerprint(key)[:14], known=signing.fingerprint(known)[:14]))
    try:
        made_at = dt.datetime.fromisoformat(str(payload.get("made_at")))
    except ValueError as error:
        raise KnownError(wrong) from error
    kelurahan = payload.get("from_kelurahan")
    return Received(kind, code, " ".join(name.split()), made_at, kelurahan if isinstance(kelurahan, str) else "", rows, key,
                    new_key=not known)


def remember_key(received: Received) -> None:
    """Records the sender's key with the import that first took a file from it (inside its transaction)."""
    if received.new_key:
        settings.put(KEYS_SETTING, {**(settings.get(KEYS_SETTING) or {}), received.code: received.key})


def known_offices() -> dict[str, str]:
    """{code: fingerprint} of the offices whose keys this office recorded."""
    return {code: signing.fingerprint(key) for code, key in (settings.get(KEYS_SETTING) or {}).items()}
