"""A local stand-in for SATUSEHAT in the test process: the token endpoint, Patient search by NIK,
and the failures the real line has (401 with an old token, 429, 500). It records every request."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SatusehatServer:
    def __init__(self, *, patients: dict[str, str] | None = None, client_id="klien-oebobo", secret="rahasia-sekali-123",
                 lifetime: int = 3600) -> None:
        self.patients = patients or {}  # NIK -> IHS number
        self.client_id, self.secret, self.lifetime = client_id, secret, lifetime
        self.tokens: list[str] = []
        self.revoked: set[str] = set()
        self.failures: list[int] = []  # statuses to answer the next FHIR requests with, in order
        self.requests: list[tuple[str, str, dict]] = []  # method, path, query

    def __enter__(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
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

            def do_POST(self):  # noqa: N802
                url = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length", 0))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode("ascii"))
                query = dict(urllib.parse.parse_qsl(url.query))
                server.requests.append(("POST", url.path, query))
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
                bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if bearer not in server.tokens or bearer in server.revoked:
                    return self._reply(401, {"resourceType": "OperationOutcome", "issue": [
                        {"severity": "error", "code": "login", "details": {"text": "Token tidak berlaku"}}]})
                if server.failures:
                    status = server.failures.pop(0)
                    return self._reply(status, {"resourceType": "OperationOutcome", "issue": [
                        {"severity": "error", "code": "transient", "diagnostics": "coba lagi"}]},
                        {"Retry-After": "2"} if status == 429 else None)
                if url.path != "/fhir-r4/v1/Patient":
                    return self._reply(404, {"resourceType": "OperationOutcome", "issue": []})
                system, _bar, nik = query.get("identifier", "").partition("|")
                assert system == "https://fhir.kemkes.go.id/id/nik", system
                found = server.patients.get(nik)
                entries = [{"resource": {"resourceType": "Patient", "id": found}}] if found else []
                return self._reply(200, {"resourceType": "Bundle", "type": "searchset", "total": len(entries),
                                         "entry": entries})

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.http.shutdown()
        self.http.server_close()
