"""A stand-in for BPJS Kesehatan's P-Care web service, written from its documentation (the
headers and the signature it checks, the encrypted and LZ-string-compressed ``response``, the
``metaData`` codes) rather than from kupang_desk.pcare, so that the client can fail against it:

- every request is refused with 401 unless ``X-cons-id``, ``user_key``, ``X-signature`` =
  base64(HMAC-SHA256(cons_id&timestamp, secret)) and ``X-authorization`` = Basic
  base64(user:password:app code) hold, and ``X-timestamp`` is within five minutes of its clock;
- a successful ``response`` is AES-256-CBC (key SHA-256(cons_id + secret + timestamp), IV its first
  16 bytes, PKCS#7) over LZ-string's compressToEncodedURIComponent of the JSON;
- a refusal is plain: 412 with ``[{"field", "message"}]`` (a second registration of the member at
  the same poli on the same day, a member not active, a kunjungan on a registration that has one,
  a code not in its reference lists), 204 for no such member, 5xx when told to;
- ``lose_next`` answers: the request is carried out, then the answer is lost (a 504 from the
  gateway), as when the line drops after BPJS has saved the visit;
- the reference lists (poli FKTP, dokter, kesadaran, status pulang) are its own, with codes no
  program may assume.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import lzstring
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from kupang_desk import clock

CONS_ID, SECRET, USER_KEY, USERNAME, PASSWORD, APP_CODE = "12345", "rahasia-uji", "kunci-pengguna", "pkm-oebobo", "sandi-pcare", "095"
OEBOBO_PROVIDER = "0162B003"


def member(card: str, nik: str, name: str, *, active: bool = True, kind: str = "PBI (APBN)",
           provider: str = OEBOBO_PROVIDER, prolanis: bool = False, birth: str = "12-03-1987", sex: str = "L") -> dict:
    """A member as P-Care's ``peserta`` answers (its field names and date format)."""
    return {"noKartu": card, "nama": name, "hubunganKeluarga": "Peserta", "sex": sex, "tglLahir": birth,
            "tglMulaiAktif": "01-01-2014", "tglAkhirBerlaku": "01-01-2100",
            "kdProviderPst": {"kdProvider": provider, "nmProvider": "OEBOBO" if provider == OEBOBO_PROVIDER else "LAIN"},
            "kdProviderGigi": {"kdProvider": None, "nmProvider": None}, "jnsKelas": {"nama": "KELAS III", "kode": "3"},
            "jnsPeserta": {"nama": kind, "kode": "21"}, "golDarah": "0", "noHP": "", "noKTP": nik, "pstProl": "HT" if prolanis else "",
            "pstPrb": "", "aktif": active, "ketAktif": "AKTIF" if active else "TIDAK AKTIF", "asuransi": None, "tunggakan": 0}


# The members the tests look up: one active PBI member of this puskesmas, one registered elsewhere (a
# Prolanis member, not PBI), one whose membership lapsed.
YOHANES = member("0001234567890", "5371041203870001", "YOHANES NDUN")
MARIA = member("0009876543210", "5371045203900002", "MARIA BERE", kind="PEKERJA MANDIRI", sex="P", prolanis=True,
               provider="0162B011")
LAPSED = member("0005555555555", "5371040101800003", "PETRUS LAY", active=False, kind="PEKERJA MANDIRI")


# Its reference lists, with codes of its own: a program that assumes codes fails here as it would there.
POLI = [{"kdPoli": "P01", "nmPoli": "UMUM", "poliSakit": True}, {"kdPoli": "P02", "nmPoli": "GIGI & MULUT", "poliSakit": True},
        {"kdPoli": "P03", "nmPoli": "KIA", "poliSakit": True}]
DOCTORS = [{"kdDokter": "D131491", "nmDokter": "dr. Maria Goreti"}, {"kdDokter": "D131492", "nmDokter": "drg. Yosef Tefa"}]
AWARENESS = [{"kdSadar": "S1", "nmSadar": "Compos mentis"}, {"kdSadar": "S2", "nmSadar": "Somnolence"}]
DISCHARGE = [{"kdStatusPulang": "B3", "nmStatusPulang": "Berobat Jalan"}, {"kdStatusPulang": "B4", "nmStatusPulang": "Rujuk Vertikal"}]
REFERENCES = {"poli": POLI, "dokter": DOCTORS, "kesadaran": AWARENESS, "statuspulang": DISCHARGE}
# Rujukan lanjut: specialties, their subspecialties, and the hospitals taking each (codes of its own).
SPECIALTIES = [{"kdSpesialis": "INT", "nmSpesialis": "PENYAKIT DALAM"}, {"kdSpesialis": "ANA", "nmSpesialis": "ANAK"}]
SUBSPECIALTIES = {"INT": [{"kdSubSpesialis": "26", "nmSubSpesialis": "PENYAKIT DALAM", "kdPoliRujuk": "INT"},
                          {"kdSubSpesialis": "3", "nmSubSpesialis": "GINJAL-HIPERTENSI", "kdPoliRujuk": "IGH"}],
                  "ANA": [{"kdSubSpesialis": "10", "nmSubSpesialis": "ANAK", "kdPoliRujuk": "ANA"}]}
FACILITIES = {"26": [{"kdppk": "0191R001", "nmppk": "RSUD PROF DR W Z JOHANNES", "kapasitas": 40, "jmlRujuk": 12},
                     {"kdppk": "0191R005", "nmppk": "RS SILOAM KUPANG", "kapasitas": 20, "jmlRujuk": 20}],
              "3": [{"kdppk": "0191R001", "nmppk": "RSUD PROF DR W Z JOHANNES", "kapasitas": 10, "jmlRujuk": 2}],
              "10": [{"kdppk": "0191R002", "nmppk": "RSU MAMAMIA", "kapasitas": 15, "jmlRujuk": 3}]}
REFERRAL_DISCHARGE = "B4"
# BPJS's non-specialist diagnoses that the stand-in enforces TACC for (a few of the 144).
NON_SPECIALIST = {"J06.9", "K29.7", "A09"}


class PcareStandIn:
    def __init__(self) -> None:
        self.members: dict[str, dict] = {}
        self.registrations: dict[tuple[str, str], dict] = {}  # (tglDaftar, noUrut) -> body
        self.visits: dict[str, dict] = {}  # noKunjungan -> body
        self.lose_next = 0  # answers to lose after carrying out the request
        self.skew = 0.0  # seconds the service's clock runs ahead of the program's
        self.fail_next: list[int] = []  # HTTP codes to answer the next requests with (503 ...)
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def add(self, *members: dict) -> None:
        for entry in members:
            self.members[entry["noKartu"]] = entry

    def start(self) -> PcareStandIn:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                headers = {name.lower(): value for name, value in self.headers.items()}  # names are case-blind in HTTP
                status, reply = service.handle(self.command, self.path.strip("/"), headers, body)
                data = json.dumps(reply).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815 - the handler's names

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/pcare-rest"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- the service --------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: dict, body: str) -> tuple[int, dict]:
        with self._lock:
            self.requests.append((method, path))
            if self.fail_next:
                code = self.fail_next.pop(0)
                return code, {"response": None, "metaData": {"message": "Service Unavailable", "code": code}}
            refused = self._check(headers)
            if refused:
                return 401, {"response": None, "metaData": {"message": refused, "code": 401}}
            answer = self._serve(method, path, headers, body)
            if self.lose_next and method != "GET":
                self.lose_next -= 1
                return 504, {"response": None, "metaData": {"message": "Gateway Timeout", "code": 504}}
            return answer

    def _serve(self, method: str, path: str, headers: dict, body: str) -> tuple[int, dict]:
        stamp = headers["x-timestamp"]
        path = path.removeprefix("pcare-rest/")
        parts = path.split("/")
        if method == "GET" and parts[0] == "peserta":
            number = parts[-1]
            found = self.members.get(number) or next((m for m in self.members.values() if m["noKTP"] == number), None)
            if found is None:
                return 200, {"response": None, "metaData": {"message": "NO_CONTENT", "code": 204}}
            return 200, self._ok(found, stamp)
        if method == "POST" and path == "pendaftaran":
            return self._register(json.loads(body), stamp)
        if method == "GET" and parts[:2] == ["pendaftaran", "noUrut"]:
            found = self.registrations.get((parts[4], parts[2]))
            if found is None:
                return 200, {"response": None, "metaData": {"message": "NO_CONTENT", "code": 204}}
            return 200, self._ok({**found, "noUrut": parts[2]}, stamp)
        if method == "DELETE" and parts[:2] == ["pendaftaran", "peserta"]:
            key = (parts[4], parts[6])
            if key not in self.registrations:
                return 412, {"response": [{"field": "noUrut", "message": "Data pendaftaran tidak ditemukan"}],
                             "metaData": {"message": "PRECONDITION_FAILED", "code": 412}}
            del self.registrations[key]
            return 200, {"response": None, "metaData": {"message": "OK", "code": 200}}
        if method == "GET" and parts[:2] == ["pendaftaran", "tglDaftar"]:
            day = parts[2]
            found = [{"noUrut": number, "tglDaftar": d, "peserta": {"noKartu": r["noKartu"]},
                      "poli": {"kdPoli": r["kdPoli"]}, "kunjSakit": r.get("kunjSakit")}
                     for (d, number), r in self.registrations.items() if d == day]
            return 200, self._ok({"count": len(found), "list": found}, stamp)
        if parts[0] == "kunjungan":
            return self._visit(method, parts, body, stamp)
        if method == "GET" and parts[0] == "spesialis":
            if len(parts) == 1:
                return 200, self._ok({"count": len(SPECIALTIES), "list": SPECIALTIES}, stamp)
            if parts[1] == "rujuk" and len(parts) == 8:  # rujuk/subspesialis/{kd}/sarana/{s}/tglEstRujuk/{day}
                listed = FACILITIES.get(parts[3], [])
                return 200, self._ok({"count": len(listed), "list": listed}, stamp)
            listed = SUBSPECIALTIES.get(parts[1], [])
            return 200, self._ok({"count": len(listed), "list": listed}, stamp)
        if method == "GET" and parts[0] in REFERENCES:
            listed = REFERENCES[parts[0]]
            return 200, self._ok({"count": len(listed), "list": listed}, stamp)
        return 404, {"response": None, "metaData": {"message": "NOT_FOUND", "code": 404}}

    def _visit(self, method: str, parts: list[str], body: str, stamp: str) -> tuple[int, dict]:
        def refused(field: str, message: str) -> tuple[int, dict]:
            return 412, {"response": [{"field": field, "message": message}],
                         "metaData": {"message": "PRECONDITION_FAILED", "code": 412}}

        if method == "GET" and parts[1] == "peserta":
            found = [{"noKunjungan": number, "tglKunjungan": v["tglDaftar"], "poli": {"kdPoli": v["kdPoli"]},
                      "diagnosa1": {"kdDiag": v["kdDiag1"]}, "peserta": {"noKartu": v["noKartu"]}}
                     for number, v in self.visits.items() if v["noKartu"] == parts[2]]
            return 200, self._ok({"count": len(found), "list": found}, stamp)
        if method == "DELETE":
            if self.visits.pop(parts[1], None) is None:
                return refused("noKunjungan", "Data kunjungan tidak ditemukan")
            return 200, {"response": None, "metaData": {"message": "OK", "code": 200}}
        data = json.loads(body)
        for field, listed, key in (("kdPoli", POLI, "kdPoli"), ("kdDokter", DOCTORS, "kdDokter"),
                                   ("kdSadar", AWARENESS, "kdSadar"), ("kdStatusPulang", DISCHARGE, "kdStatusPulang")):
            if data.get(field) not in {entry[key] for entry in listed}:
                return refused(field, f"{field} tidak valid")
        if not data.get("kdDiag1"):
            return refused("kdDiag1", "Diagnosa wajib diisi")
        referral = data.get("rujukLanjut")
        if referral:
            sub = (referral.get("subSpesialis") or {}).get("kdSubSpesialis1")
            if referral.get("kdppk") not in {f["kdppk"] for f in FACILITIES.get(sub, [])}:
                return refused("kdppk", "Faskes rujukan tidak valid untuk subspesialis tersebut")
            if data.get("kdStatusPulang") != REFERRAL_DISCHARGE:
                return refused("kdStatusPulang", "Status pulang harus Rujuk Vertikal untuk rujukan lanjut")
            if data.get("kdDiag1") in NON_SPECIALIST and data.get("kdTacc") in (-1, None):
                return refused("kdTacc", "Diagnosa non spesialistik, TACC wajib diisi")
        if method == "PUT":
            if data.get("noKunjungan") not in self.visits:
                return refused("noKunjungan", "Data kunjungan tidak ditemukan")
            self.visits[data["noKunjungan"]] = data
            return 200, self._ok({"field": "noKunjungan", "message": data["noKunjungan"]}, stamp)
        registered = [r for (d, _n), r in self.registrations.items()
                      if r["noKartu"] == data.get("noKartu") and d == data.get("tglDaftar") and r["kdPoli"] == data.get("kdPoli")]
        if not registered:
            return refused("noKartu", "Peserta belum didaftarkan pada poli dan tanggal tersebut")
        if any(v["noKartu"] == data["noKartu"] and v["tglDaftar"] == data["tglDaftar"] and v["kdPoli"] == data["kdPoli"]
               for v in self.visits.values()):
            return refused("noKartu", "Data kunjungan sudah ada")
        number = f"{OEBOBO_PROVIDER}{len(self.visits) + 1:011d}"
        self.visits[number] = data
        return 201, self._ok({"field": "noKunjungan", "message": number}, stamp, 201)

    def _check(self, headers: dict) -> str:
        """Why the request is refused, or "" (the documented checks, in the documented order)."""
        if headers.get("x-cons-id") != CONS_ID or headers.get("user_key") != USER_KEY:
            return "Unauthorized: cons-id atau user_key tidak terdaftar"
        stamp = headers.get("x-timestamp", "")
        if not stamp.isdigit() or abs(int(stamp) - (clock.timestamp() + self.skew)) > 300:
            return "Timestamp expired"
        expected = base64.b64encode(hmac.new(SECRET.encode(), f"{CONS_ID}&{stamp}".encode(), hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(headers.get("x-signature", ""), expected):
            return "Signature tidak valid"
        login = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}:{APP_CODE}".encode()).decode()
        if headers.get("x-authorization") != login:
            return "Username atau password salah"
        return ""

    def _ok(self, value, stamp: str, code: int = 200) -> dict:
        key = hashlib.sha256(f"{CONS_ID}{SECRET}{stamp}".encode()).digest()
        padder = padding.PKCS7(128).padder()
        inner = lzstring.compress_to_encoded_uri_component(json.dumps(value)).encode()
        sealing = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
        sealed = sealing.update(padder.update(inner) + padder.finalize()) + sealing.finalize()
        return {"response": base64.b64encode(sealed).decode(),
                "metaData": {"message": "CREATED" if code == 201 else "OK", "code": code}}

    def _register(self, body: dict, stamp: str) -> tuple[int, dict]:
        card, day, poli = body.get("noKartu", ""), body.get("tglDaftar", ""), body.get("kdPoli", "")
        found = self.members.get(card)
        if found is None or not found["aktif"]:
            return 412, {"response": [{"field": "noKartu", "message": "Peserta tidak aktif" if found else "Peserta tidak ditemukan"}],
                         "metaData": {"message": "PRECONDITION_FAILED", "code": 412}}
        if any(r["noKartu"] == card and r["kdPoli"] == poli and d == day for (d, _n), r in self.registrations.items()):
            return 412, {"response": [{"field": "noKartu", "message": "Peserta sudah didaftarkan pada poli dan tanggal yang sama"}],
                         "metaData": {"message": "PRECONDITION_FAILED", "code": 412}}
        number = f"A{sum(1 for d, _n in self.registrations if d == day) + 1}"
        self.registrations[(day, number)] = body
        return 201, self._ok({"field": "noUrut", "message": number}, stamp, 201)
