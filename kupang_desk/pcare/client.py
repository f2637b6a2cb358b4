"""The P-Care calls a puskesmas makes, and what each refusal means, in words a clerk can act on.

A reply is ``{"response": ..., "metaData": {"message": ..., "code": ...}}``; a successful
``response`` is encrypted (``protocol.decrypt``); a refused one is plain: ``null``, or a list of
``{"field", "message"}`` (412 PRECONDITION_FAILED, the service naming what it did not accept).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kupang_desk import clock
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.pcare import protocol
from kupang_desk.pcare.protocol import Credentials

TIMEOUT_SECONDS = 20
CLOCK_TOLERANCE_SECONDS = 300  # the service refuses a timestamp further than this from its own clock


class PcareError(KnownError):
    """P-Care could not be reached or refused a request; ``status`` is the HTTP or metaData code
    (0: no connection), ``fields`` the service's own words per field."""

    def __init__(self, message: str, status: int = 0, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.fields = status, dict(fields or {})

    @property
    def retryable(self) -> bool:
        """Worth trying again later: no connection, a timeout, a server fault."""
        return self.status in (0, 408, 429) or self.status >= 500


@dataclass(frozen=True)
class Member:
    """A JKN member as P-Care knows them today."""

    card_number: str
    nik: str
    name: str
    sex: str
    birth_date: dt.date | None
    active: bool
    status: str  # P-Care's words: AKTIF, TIDAK AKTIF (tunggakan), ...
    kind: str  # jenis peserta: PBI (APBN), PBI (APBD), PEKERJA MANDIRI, ...
    provider_code: str  # the FKTP the member is registered with
    provider_name: str
    prolanis: bool

    @property
    def pbi(self) -> bool:
        return "PBI" in self.kind.upper()


@dataclass(frozen=True)
class Registration:
    """A pendaftaran: the member at a poli on a day (kdTkp 10: rawat jalan)."""

    card_number: str
    day: dt.date
    poli_code: str  # P-Care's kdPoli (001 umum, 002 gigi, 003 KIA ...)
    provider_code: str  # kdProviderPeserta: the member's own FKTP
    complaint: str = ""
    sick: bool = True  # kunjSakit: a sick visit (False: a healthy one, e.g. a check-up)
    vitals: dict[str, int | float] | None = None  # sistole, diastole, beratBadan, tinggiBadan, ...
    care_place: str = "10"  # kdTkp: 10 rawat jalan, 20 rawat inap, 50 promotif

    def body(self) -> dict[str, Any]:
        vitals = self.vitals or {}
        return {"kdProviderPeserta": self.provider_code, "tglDaftar": day_text(self.day), "noKartu": self.card_number,
                "kdPoli": self.poli_code, "keluhan": self.complaint or None, "kunjSakit": self.sick,
                "sistole": vitals.get("sistole", 0), "diastole": vitals.get("diastole", 0),
                "beratBadan": vitals.get("beratBadan", 0), "tinggiBadan": vitals.get("tinggiBadan", 0),
                "respRate": vitals.get("respRate", 0), "lingkarPerut": vitals.get("lingkarPerut", 0),
                "heartRate": vitals.get("heartRate", 0), "rujukBalik": 0, "kdTkp": self.care_place}


@dataclass(frozen=True)
class Kunjungan:
    """What the clinic did on a pendaftaran: the diagnoses (ICD-10, 1-3), the vitals, the doctor,
    awareness and discharge status in P-Care's codes; ``number`` is noKunjungan (empty: a new one)."""

    card_number: str
    day: dt.date
    poli_code: str
    doctor_code: str
    awareness_code: str
    discharge_code: str
    diagnoses: tuple[str, ...]
    complaint: str = ""
    anamnesis: str = ""
    therapy: str = ""
    vitals: dict[str, int | float] | None = None
    temperature: float | None = None
    number: str = ""
    referral: dict[str, Any] | None = None  # rujukLanjut: the receiving facility and subspecialty (P-Care's codes)
    tacc: int = -1  # a non-specialist diagnosis referred: 1 Time, 2 Age, 3 Complication, 4 Comorbidity
    tacc_reason: str = ""

    def body(self) -> dict[str, Any]:
        vitals = self.vitals or {}
        diagnoses = [*self.diagnoses[:3], None, None, None]
        return {"noKunjungan": self.number or None, "noKartu": self.card_number, "tglDaftar": day_text(self.day),
                "kdPoli": self.poli_code, "keluhan": self.complaint or "-", "anamnesa": self.anamnesis or self.complaint or "-",
                "kdSadar": self.awareness_code, "sistole": vitals.get("sistole", 0), "diastole": vitals.get("diastole", 0),
                "beratBadan": vitals.get("beratBadan", 0), "tinggiBadan": vitals.get("tinggiBadan", 0),
                "respRate": vitals.get("respRate", 0), "heartRate": vitals.get("heartRate", 0),
                "lingkarPerut": vitals.get("lingkarPerut", 0), "suhu": str(self.temperature) if self.temperature else None,
                "kdStatusPulang": self.discharge_code, "tglPulang": day_text(self.day), "kdDokter": self.doctor_code,
                "kdDiag1": diagnoses[0], "kdDiag2": diagnoses[1], "kdDiag3": diagnoses[2],
                "kdPoliRujukInternal": None, "rujukLanjut": self.referral, "kdTacc": self.tacc,
                "alasanTacc": self.tacc_reason or None,
                "terapiObat": self.therapy or "-", "terapiNonObat": "-", "bmhp": "-"}


@dataclass(frozen=True)
class Reference:
    """One entry of a P-Care reference list (a poli, a doctor, an awareness or discharge status)."""

    code: str
    name: str


# P-Care's reference lists: path, code field, name field.
REFERENCE_LISTS = {"poli": ("poli/fktp/0/100", "kdPoli", "nmPoli"), "doctor": ("dokter/0/100", "kdDokter", "nmDokter"),
                   "awareness": ("kesadaran", "kdSadar", "nmSadar"),
                   "discharge": ("statuspulang/rawatInap/false", "kdStatusPulang", "nmStatusPulang")}


def day_text(day: dt.date) -> str:
    """A date as P-Care writes it."""
    return day.strftime("%d-%m-%Y")  # P-Care's dates: dd-mm-yyyy


class Client:
    """One P-Care service (BPJS's, or its development server), with this puskesmas's credentials."""

    def __init__(self, base_url: str, credentials: Credentials, *, timeout: float = TIMEOUT_SECONDS,
                 timestamp: Callable[[], float] = clock.timestamp) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.timeout = timeout
        self.timestamp = timestamp

    def call(self, method: str, path: str, body: dict | None = None) -> Any:
        """One request; the decrypted ``response``, or ``PcareError`` with what to do."""
        import urllib.request  # HTTP loads with the first call, not at start

        stamp = str(int(self.timestamp()))
        headers = protocol.headers(self.credentials, stamp)
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "text/plain"  # as the service asks: the JSON as plain text
        request = urllib.request.Request(f"{self.base_url}/{path.lstrip('/')}", data=data, method=method, headers=headers)
        status, raw = self._open(request)
        try:
            reply = json.loads(raw.decode("utf-8"))
            meta = reply.get("metaData") or reply.get("metadata") or {}
            code, said = int(meta.get("code", status)), str(meta.get("message", ""))
        except (UnicodeDecodeError, json.JSONDecodeError, AttributeError, TypeError, ValueError):
            raise PcareError(_("Jawaban P-Care tidak dikenal (bukan JSON). Mungkin alamat layanan salah, atau "
                               "jaringan kantor menyelipkan halaman login."), status) from None
        response = reply.get("response")
        if code >= 300:
            raise _refusal(code, said, response)
        if isinstance(response, str) and response:
            try:
                return protocol.decrypt(response, self.credentials, stamp)
            except protocol.Undecipherable:
                raise PcareError(_("Jawaban P-Care tidak dapat dibuka dengan consumer secret yang tersimpan. Periksa "
                                   "consumer secret di Pengaturan > P-Care."), code) from None
        return response

    def _open(self, request) -> tuple[int, bytes]:
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:  # noqa: S310 - the configured service
                return reply.status, reply.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as error:
            raise PcareError(_("P-Care tidak bisa dihubungi ({reason}). Data tetap tersimpan di Kupang Desk dan "
                               "dikirim nanti; periksa sambungan internet.").format(
                reason=getattr(error, "reason", error))) from error

    # --- the calls -------------------------------------------------------------------------------

    def member(self, number: str, *, user: SignedIn | None = None) -> Member | None:
        """A member by card number (13 digits) or NIK (16); None when P-Care has no such member."""
        require("patient.read", user)
        digits = "".join(ch for ch in number if ch.isdigit())
        if len(digits) not in (13, 16):
            raise PcareError(_("Nomor {number} bukan No. Kartu BPJS (13 angka) atau NIK (16 angka).").format(number=number))
        try:
            found = self.call("GET", f"peserta/{digits}" if len(digits) == 13 else f"peserta/nik/{digits}")
        except PcareError as error:
            if error.status in (204, 404):
                return None
            raise
        return _member(found) if found else None

    def register(self, registration: Registration, *, user: SignedIn | None = None) -> str:
        """Sends a pendaftaran; returns P-Care's noUrut (its number for that day)."""
        require("visit.write", user)
        return _field_value(self.call("POST", "pendaftaran", registration.body()), "noUrut")

    def registration(self, number: str, day: dt.date, *, user: SignedIn | None = None) -> dict | None:
        """The pendaftaran P-Care holds under ``number`` on ``day`` (to look up before sending again)."""
        require("patient.read", user)
        try:
            return self.call("GET", f"pendaftaran/noUrut/{number}/tglDaftar/{day_text(day)}")
        except PcareError as error:
            if error.status in (204, 404):
                return None
            raise

    def delete_registration(self, card_number: str, day: dt.date, number: str, poli_code: str, *,
                            user: SignedIn | None = None) -> None:
        require("visit.write", user)
        self.call("DELETE", f"pendaftaran/peserta/{card_number}/tglDaftar/{day_text(day)}/noUrut/{number}/kdPoli/{poli_code}")


    def registrations_on(self, day: dt.date, *, user: SignedIn | None = None) -> list[dict]:
        """Every pendaftaran of this FKTP on ``day`` (to find one whose answer was lost)."""
        require("patient.read", user)
        return self._list(f"pendaftaran/tglDaftar/{day_text(day)}/0/300")

    def visits_of(self, card_number: str, *, user: SignedIn | None = None) -> list[dict]:
        """The member's kunjungan as P-Care holds them (riwayat kunjungan)."""
        require("patient.read", user)
        return self._list(f"kunjungan/peserta/{card_number}")

    def _list(self, path: str) -> list[dict]:
        try:
            return _listed(self.call("GET", path))
        except PcareError as error:
            if error.status in (204, 404):  # NO_CONTENT: none
                return []
            raise

    def add_visit(self, visit: Kunjungan, *, user: SignedIn | None = None) -> str:
        """Sends a kunjungan on its pendaftaran; returns noKunjungan."""
        require("visit.write", user)
        return _field_value(self.call("POST", "kunjungan", visit.body()), "noKunjungan")

    def edit_visit(self, visit: Kunjungan, *, user: SignedIn | None = None) -> None:
        require("visit.write", user)
        self.call("PUT", "kunjungan", visit.body())

    def delete_visit(self, number: str, *, user: SignedIn | None = None) -> None:
        require("visit.write", user)
        self.call("DELETE", f"kunjungan/{number}")

    def specialties(self, *, user: SignedIn | None = None) -> list[Reference]:
        """P-Care's specialties (spesialis), for a rujukan lanjut."""
        require("visit.write", user)
        return _references(self._list("spesialis"), "kdSpesialis", "nmSpesialis")

    def subspecialties(self, specialty: str, *, user: SignedIn | None = None) -> list[Reference]:
        require("visit.write", user)
        return _references(self._list(f"spesialis/{specialty}/subspesialis"), "kdSubSpesialis", "nmSubSpesialis")

    def facilities(self, subspecialty: str, day: dt.date, *, facility_kind: str = "0",
                   user: SignedIn | None = None) -> list[Reference]:
        """The hospitals that take this subspecialty on ``day``, as P-Care lists them (kdppk), with how
        full they are in the name ("RSUD Prof. W. Z. Johannes · 12/40 rujukan")."""
        require("visit.write", user)
        found = []
        for entry in self._list(f"spesialis/rujuk/subspesialis/{subspecialty}/sarana/{facility_kind}/tglEstRujuk/{day_text(day)}"):
            if entry.get("kdppk"):
                name = str(entry.get("nmppk") or "")
                if entry.get("kapasitas"):
                    name += f" · {entry.get('jmlRujuk', 0)}/{entry['kapasitas']}"
                found.append(Reference(str(entry["kdppk"]), name))
        return found

    def references(self, *, user: SignedIn | None = None) -> dict[str, list[Reference]]:
        """P-Care's own lists the office chooses its codes from (``REFERENCE_LISTS``)."""
        require("settings.edit", user)
        found = {}
        for name, (path, code, label) in REFERENCE_LISTS.items():
            found[name] = [Reference(str(entry.get(code, "")), str(entry.get(label, ""))) for entry in _listed(self.call("GET", path))
                           if isinstance(entry, dict) and entry.get(code)]
        return found


def _references(entries: list[dict], code: str, label: str) -> list[Reference]:
    return [Reference(str(entry[code]), str(entry.get(label) or "")) for entry in entries if entry.get(code)]


def _listed(response: Any) -> list[dict]:
    """P-Care's lists come as ``{"count": n, "list": [...]}``."""
    if isinstance(response, dict):
        return [entry for entry in response.get("list") or [] if isinstance(entry, dict)]
    return []


def _member(data: dict) -> Member:
    provider = data.get("kdProviderPst") or {}
    kind = data.get("jnsPeserta") or {}
    try:
        birth = dt.datetime.strptime(str(data.get("tglLahir", "")), "%d-%m-%Y").date()
    except ValueError:
        birth = None
    active = bool(data.get("aktif"))
    return Member(card_number=str(data.get("noKartu", "")), nik=str(data.get("noKTP") or ""), name=str(data.get("nama", "")),
                  sex=str(data.get("sex", "")), birth_date=birth, active=active,
                  status=str(data.get("ketAktif") or ("AKTIF" if active else "TIDAK AKTIF")),  # P-Care's own words
                  kind=str(kind.get("nama", "")), provider_code=str(provider.get("kdProvider", "")),
                  provider_name=str(provider.get("nmProvider", "")), prolanis=bool(data.get("pstProl")))


def _field_value(response: Any, field: str) -> str:
    """P-Care answers a POST with ``{"field": "noUrut", "message": "A12"}`` (or a list of them)."""
    for item in response if isinstance(response, list) else [response]:
        if isinstance(item, dict) and item.get("field") == field:
            return str(item.get("message", ""))
    raise PcareError(_("P-Care tidak mengembalikan {field}; periksa di aplikasi P-Care sebelum mengirim lagi.").format(
        field=field))


def _refusal(code: int, said: str, response: Any) -> PcareError:
    fields = {str(item.get("field", "")): str(item.get("message", "")) for item in response
              if isinstance(item, dict)} if isinstance(response, list) else {}
    detail = "; ".join(f"{name}: {text}" if name else text for name, text in fields.items()) or said
    lowered = said.lower()
    if code == 401 and ("timestamp" in lowered or "expired" in lowered):
        return PcareError(_("P-Care menolak karena jam PC ini berbeda lebih dari {minutes} menit dengan jam BPJS. "
                            "Cocokkan tanggal dan jam Windows, lalu kirim lagi.").format(
            minutes=CLOCK_TOLERANCE_SECONDS // 60), code, fields)
    if code in (401, 403):
        return PcareError(_("P-Care menolak tanda tangan atau akun ({said}). Periksa cons-id, consumer secret, "
                            "user key, nama pengguna dan kata sandi P-Care di Pengaturan > P-Care.").format(said=said),
                          code, fields)
    if code == 412:
        return PcareError(_("P-Care tidak menerima data ini: {detail}").format(detail=detail), code, fields)
    if code >= 500:
        return PcareError(_("Server P-Care sedang bermasalah ({code}: {said}); dicoba lagi nanti.").format(
            code=code, said=said), code, fields)
    return PcareError(_("P-Care menjawab dengan kesalahan {code}: {detail}").format(code=code, detail=detail), code, fields)
