"""The SATUSEHAT service over HTTPS: OAuth2 client-credentials tokens (kept until shortly before they
expire, fetched again once when the service says 401), and the FHIR calls Kupang Desk makes.

Every failure becomes ``ServiceError`` in words, with the HTTP status, the service's own message
where it gives one (an OperationOutcome), and ``Retry-After`` for a 429, so the caller can wait and
try again. The client secret is never logged or put in a message.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable
from typing import TYPE_CHECKING

from kupang_desk import settings
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.satusehat import master

if TYPE_CHECKING:
    import urllib.request

AUTH_PATH = "/oauth2/v1/accesstoken"
FHIR_PATH = "/fhir-r4/v1"
NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"
NIK_IBU_SYSTEM = "https://fhir.kemkes.go.id/id/nik-ibu"  # a newborn without NIK, registered under its mother's
TIMEOUT_SECONDS = 30
REFRESH_BEFORE = 60  # seconds before expiry a token is fetched again


class ServiceError(KnownError):
    """The service could not be reached or refused a request."""

    def __init__(self, message: str, status: int = 0, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status, self.retry_after = status, retry_after

    @property
    def retryable(self) -> bool:
        """Worth trying again later: no connection, a timeout, too many requests, a server fault."""
        return self.status in (0, 408, 429) or self.status >= 500


def _outcome_text(body: bytes) -> str:
    """The service's own words from an OperationOutcome (or an error JSON), else ""."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ""
    if isinstance(data, dict) and data.get("resourceType") == "OperationOutcome":
        texts = [issue.get("details", {}).get("text") or issue.get("diagnostics") or issue.get("code", "")
                 for issue in data.get("issue", [])]
        return "; ".join(t for t in texts if t)[:300]
    if isinstance(data, dict):
        return str(data.get("error_description") or data.get("error") or data.get("message") or "")[:300]
    return ""


class Client:
    def __init__(self, base_url: str, client_id: str, secret: str, *, timeout: float = TIMEOUT_SECONDS,
                 requests_per_minute: int = 0, clock: Callable[[], float] = time.monotonic) -> None:
        self.base_url, self.client_id, self._secret = base_url.rstrip("/"), client_id, secret
        self.timeout, self.clock = timeout, clock
        self._token, self._expires = "", 0.0
        self.tokens_fetched = 0
        self.requests = 0  # FHIR requests made
        # At most this many FHIR requests a minute (0: no limit): they are spaced evenly, and the
        # wait goes through ``pause`` (the sender's, which wakes on a cancel).
        self.interval = 60.0 / requests_per_minute if requests_per_minute > 0 else 0.0
        self.pause: Callable[[float], object] = time.sleep
        self._last_request = float("-inf")

    @classmethod
    def from_settings(cls) -> Client:
        """The client of Pengaturan > SATUSEHAT; says what is missing when it is not filled in."""
        environment = settings.get("satusehat.environment")
        url = settings.get(f"satusehat.{environment}_url")
        client_id, secret = settings.get("satusehat.client_id"), master.client_secret()
        if not (url and client_id and secret):
            raise KnownError(_("Koneksi SATUSEHAT belum lengkap: isi alamat, Client ID dan client secret di Pengaturan > "
                               "SATUSEHAT."))
        return cls(url, client_id, secret, requests_per_minute=settings.get("satusehat.requests_per_minute"))

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes]:
        import urllib.error  # HTTP, TLS and e-mail parsing load with the first call, not at start
        import urllib.request

        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:  # noqa: S310 - the configured service
                return reply.status, reply.read()
        except urllib.error.HTTPError as error:
            body = error.read()
            said = _outcome_text(body)
            retry = error.headers.get("Retry-After") if error.headers else None
            message = {
                401: _("SATUSEHAT menolak Client ID atau client secret (401). Periksa di Pengaturan > SATUSEHAT."),
                403: _("SATUSEHAT tidak mengizinkan permintaan ini untuk organisasi ini (403)."),
                429: _("SATUSEHAT menerima terlalu banyak permintaan (429); coba lagi nanti."),
            }.get(error.code, _("SATUSEHAT menjawab dengan kesalahan {code}.").format(code=error.code))
            raise ServiceError(message + (f" {said}" if said else ""), error.code,
                               float(retry) if retry and retry.replace(".", "", 1).isdigit() else None) from error
        except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as error:
            raise ServiceError(_("SATUSEHAT tidak bisa dihubungi ({reason}). Periksa sambungan internet, lalu coba "
                                 "lagi.").format(reason=getattr(error, "reason", error))) from error

    def token(self) -> str:
        """A valid access token, fetched when there is none or it is about to expire."""
        if self._token and self.clock() < self._expires - REFRESH_BEFORE:
            return self._token
        import urllib.request

        form = urllib.parse.urlencode({"client_id": self.client_id, "client_secret": self._secret}).encode("ascii")
        request = urllib.request.Request(f"{self.base_url}{AUTH_PATH}?grant_type=client_credentials", data=form,
                                         method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"})
        _status, body = self._open(request)
        try:
            data = json.loads(body.decode("utf-8"))
            self._token, lifetime = str(data["access_token"]), float(data.get("expires_in", 3600))
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise ServiceError(_("Jawaban token SATUSEHAT tidak dikenal.")) from error
        self._expires = self.clock() + lifetime
        self.tokens_fetched += 1
        return self._token

    def fhir(self, method: str, path: str, body: dict | None = None, *, params: dict | None = None) -> tuple[int, dict]:
        """One FHIR call with the bearer token; a 401 fetches a new token and tries once more."""
        import urllib.request

        url = f"{self.base_url}{FHIR_PATH}" + (f"/{path.lstrip('/')}" if path.strip("/") else "")
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = json.dumps(body).encode("utf-8") if body is not None else None
        for attempt in (1, 2):
            wait = self._last_request + self.interval - self.clock()
            if wait > 0:
                self.pause(wait)
            self._last_request = self.clock()
            self.requests += 1
            request = urllib.request.Request(url, data=data, method=method, headers={
                "Authorization": f"Bearer {self.token()}", "Content-Type": "application/fhir+json",
                "Accept": "application/fhir+json"})
            try:
                status, reply = self._open(request)
            except ServiceError as error:
                if error.status == 401 and attempt == 1:
                    self._token = ""  # revoked or expired early: a new one, once
                    continue
                raise
            try:
                return status, json.loads(reply.decode("utf-8")) if reply else {}
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                raise ServiceError(_("Jawaban SATUSEHAT bukan JSON FHIR.")) from error
        raise AssertionError("unreachable")

    def by_nik(self, kind: str, nik: str) -> str:
        """The IHS number of the Patient or Practitioner with this NIK in the service's index, or ""."""
        _status, found = self.fhir("GET", kind, params={"identifier": f"{NIK_SYSTEM}|{nik}"})
        for entry in found.get("entry", []) if isinstance(found, dict) else []:
            resource = entry.get("resource", {})
            if resource.get("resourceType") == kind and resource.get("id"):
                return str(resource["id"])
        return ""

    def patient_by_nik(self, nik: str) -> str:
        return self.by_nik("Patient", nik)

    def practitioner_by_nik(self, nik: str) -> str:
        return self.by_nik("Practitioner", nik)

    def babies_of(self, mother_nik: str) -> list[dict]:
        """The Patients registered under a mother's NIK (newborns without a NIK of their own; twins
        share it): as the service answers them (id, name, birthDate, gender, multipleBirthInteger)."""
        _status, found = self.fhir("GET", "Patient", params={"identifier": f"{NIK_IBU_SYSTEM}|{mother_nik}"})
        return [entry["resource"] for entry in (found.get("entry", []) if isinstance(found, dict) else [])
                if isinstance(entry.get("resource"), dict) and entry["resource"].get("resourceType") == "Patient"
                and entry["resource"].get("id")]
