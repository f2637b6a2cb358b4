"""A local stand-in for SATUSEHAT in the test process: the token endpoint, Patient search by NIK
(and newborns by their mother's NIK, the nik-ibu identifier, every baby under it, twins included),
transaction Bundles (POST and PUT entries, ``ifNoneExist`` on the Encounter as FHIR defines it:
the other entries are still created, so a bundle posted twice leaves two copies of its
Conditions), searches of Encounter by identifier and of Condition/Observation by encounter, and
the failures the real line has. It records every request and everything it accepted.

``failures`` is what the next FHIR requests meet, in order: an HTTP status (401 with an old token
is automatic too), or ``"slow"`` (the answer after ``slow_seconds``, nothing stored).
``post_failures`` is what the next bundle posts meet once the server has stored them:
``"drop-after-accept"`` (the connection closed with no answer) or ``"slow-after-accept"`` (the
answer after ``slow_seconds``: the client times out or is killed meanwhile).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FHIR = "/fhir-r4/v1"


class SatusehatServer:
    def __init__(self, *, patients: dict[str, str] | None = None, client_id="klien-oebobo", secret="rahasia-sekali-123",
                 lifetime: int = 3600, slow_seconds: float = 3.0, port: int = 0) -> None:
        self.patients = patients if patients is not None else {}  # NIK -> IHS number
        self.practitioners: dict[str, str] = {}  # NIK -> Practitioner id
        # Newborns registered under their mother's NIK (the nik-ibu identifier): mother's NIK -> Patients
        # (id, name, birthDate, gender, multipleBirthInteger), twins sharing one NIK, as the platform keeps them.
        self.babies: dict[str, list[dict]] = {}
        self.client_id, self.secret, self.lifetime = client_id, secret, lifetime
        self.slow_seconds, self.port = slow_seconds, port
        self.retry_after = "2"  # the Retry-After of a 429, in seconds
        self.tokens: list[str] = []
        self.revoked: set[str] = set()
        self.failures: list[int | str | None] = []  # None: that request passes
        self.post_failures: list[str] = []
        self.requests: list[tuple[str, str, dict]] = []  # method, path, query
        self.resources: dict[tuple[str, str], dict] = {}  # (type, id) -> resource as last stored
        self.bundles: list[dict] = []  # every transaction Bundle stored, in order
        self._numbers: Counter = Counter()  # the last id given, per resource type
        self._by_identifier: dict[tuple[str, str], str] = {}  # (type, "system|value") -> id
        self._by_encounter: dict[tuple[str, str], list[str]] = {}  # (type, "Encounter/id") -> ids
        self.lock = threading.Lock()

    # ---------------------------------------------------------------- what the tests look at

    def encounters(self) -> dict[str, dict]:
        """The Encounters held, by the visit id of their identifier."""
        return {r["identifier"][0]["value"]: r for (kind, _id), r in self.resources.items() if kind == "Encounter"}

    def copies(self) -> Counter:
        """How many Conditions and Observations point at each Encounter id: 1 each when nothing doubled."""
        return Counter((r["encounter"]["reference"], r["resourceType"], json.dumps(r["code"], sort_keys=True))
                       for (kind, _id), r in self.resources.items() if kind in ("Condition", "Observation"))

    def posts(self) -> int:
        return sum(1 for method, path, _q in self.requests if method == "POST" and path == FHIR)

    # ---------------------------------------------------------------- the FHIR server

    def _new_id(self, kind: str) -> str:
        self._numbers[kind] += 1
        return f"{kind[:3].lower()}-{self._numbers[kind]:06d}"

    def _store(self, kind: str, resource_id: str, resource: dict) -> None:
        self.resources[(kind, resource_id)] = resource
        for identifier in resource.get("identifier", []):
            self._by_identifier[(kind, f"{identifier.get('system')}|{identifier.get('value')}")] = resource_id
        encounter = (resource.get("encounter") or {}).get("reference")
        if encounter and resource_id not in self._by_encounter.setdefault((kind, encounter), []):
            self._by_encounter[(kind, encounter)].append(resource_id)

    def _transaction(self, body: dict) -> dict:
        """Stores a transaction Bundle the way a FHIR server does and answers transaction-response."""
        with self.lock:
            references: dict[str, str] = {}
            planned = []
            for entry in body["entry"]:
                request, resource = entry["request"], entry["resource"]
                kind = resource["resourceType"]
                if request["method"] == "PUT":
                    resource_id = request["url"].split("/")[1]
                    status = "200 OK"
                else:
                    resource_id, status = "", "201 Created"
                    wanted = request.get("ifNoneExist", "")
                    held = self._by_identifier.get((kind, urllib.parse.parse_qs(wanted)["identifier"][0])) \
                        if wanted else None
                    if held:
                        resource_id, status = held, "200 OK"
                    resource_id = resource_id or self._new_id(kind)
                references[entry["fullUrl"]] = f"{kind}/{resource_id}"
                planned.append((kind, resource_id, status, resource, request["method"], status.startswith("201")))
            reply = []
            for kind, resource_id, status, resource, method, fresh in planned:
                text = json.dumps(resource)
                for urn, reference in references.items():
                    text = text.replace(json.dumps(urn), json.dumps(reference))
                stored = json.loads(text)
                stored["id"] = resource_id
                if method == "PUT" or fresh:
                    self._store(kind, resource_id, stored)
                reply.append({"response": {"status": status, "location": f"{kind}/{resource_id}/_history/1"}})
            self.bundles.append(body)
            return {"resourceType": "Bundle", "type": "transaction-response", "entry": reply}

    def _search(self, kind: str, query: dict) -> dict:
        with self.lock:
            if kind == "Patient" and query.get("identifier", "").startswith("https://fhir.kemkes.go.id/id/nik-ibu|"):
                mother = query["identifier"].partition("|")[2]
                found = [{"resourceType": "Patient", **baby} for baby in self.babies.get(mother, [])]
            elif kind in ("Patient", "Practitioner"):
                system, _bar, nik = query.get("identifier", "").partition("|")
                assert system == "https://fhir.kemkes.go.id/id/nik", system
                index = self.patients if kind == "Patient" else self.practitioners
                found = [{"resourceType": kind, "id": index[nik]}] if nik in index else []
            elif kind == "Encounter":
                held = self._by_identifier.get((kind, query["identifier"]))
                found = [self.resources[(kind, held)]] if held else []
            else:
                found = [self.resources[(kind, i)] for i in self._by_encounter.get((kind, query["encounter"]), [])]
        return {"resourceType": "Bundle", "type": "searchset", "total": len(found),
                "entry": [{"resource": r} for r in found]}

    def __enter__(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _reply(self, status: int, body: dict, headers: dict | None = None) -> None:
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length", 0)))

            def _authorised(self) -> bool:
                bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if bearer not in server.tokens or bearer in server.revoked:
                    self._reply(401, {"resourceType": "OperationOutcome", "issue": [
                        {"severity": "error", "code": "login", "details": {"text": "Token tidak berlaku"}}]})
                    return False
                return True

            def _fhir(self, method: str, path: str, query: dict, body: bytes) -> None:
                if not self._authorised():
                    return
                failure = server.failures.pop(0) if server.failures else None
                if isinstance(failure, int):
                    return self._reply(failure, {"resourceType": "OperationOutcome", "issue": [
                        {"severity": "error", "code": "transient", "diagnostics": "coba lagi"}]},
                        {"Retry-After": server.retry_after} if failure == 429 else None)
                if failure == "slow":
                    time.sleep(server.slow_seconds)
                if method == "POST" and path == FHIR:
                    answer = server._transaction(json.loads(body))
                    failure = server.post_failures.pop(0) if server.post_failures else None
                    if failure == "drop-after-accept":
                        self.close_connection = True
                        self.connection.shutdown(2)  # stored, but the answer never arrives
                        return
                    if failure == "slow-after-accept":
                        time.sleep(server.slow_seconds)
                    return self._reply(200, answer)
                if method == "GET" and path.startswith(FHIR + "/"):
                    return self._reply(200, server._search(path.removeprefix(FHIR + "/"), query))
                return self._reply(404, {"resourceType": "OperationOutcome", "issue": []})

            def do_POST(self):  # noqa: N802
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                body = self._body()
                server.requests.append(("POST", url.path, query))
                if url.path.startswith(FHIR):
                    return self._fhir("POST", url.path, query, body)
                form = urllib.parse.parse_qs(body.decode("ascii"))
                if url.path != "/oauth2/v1/accesstoken" or query.get("grant_type") != "client_credentials":
                    return self._reply(404, {"error": "not found"})
                if form.get("client_id") != [server.client_id] or form.get("client_secret") != [server.secret]:
                    return self._reply(401, {"error": "invalid_client", "error_description": "Invalid client credentials"})
                token = f"token-{len(server.tokens) + 1}"
                server.tokens.append(token)
                return self._reply(200, {"access_token": token, "expires_in": str(server.lifetime),
                                         "token_type": "BearerToken"})

            def do_GET(self):  # noqa: N802
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                server.requests.append(("GET", url.path, query))
                return self._fhir("GET", url.path, query, b"")

        self.http = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.http.shutdown()
        self.http.server_close()


def free_port() -> int:
    """A port nothing listens on now: the address of a server that is not up yet (the cable unplugged)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
