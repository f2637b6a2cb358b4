"""DHIS2 aggregate files: an LB1 month or an SKDR week as a ``dataValueSets`` payload (JSON or CSV,
``idScheme=code``), from the mapping file the receiving office gives, and the upload to its server.

The mapping (``report,row,column,dataElement,categoryOptionCombo[,dataSet]``) says which data element
and category option combo each report cell goes to. ``row`` is an ICD-10 code (LB1), an SKDR letter,
or ``*`` for every row, with ``{code}`` in the element or combo standing for the row's code; ``column``
is the report's column as it prints ("20-44 th L", "Kasus lama P", "Kasus baru"; "Jumlah kunjungan"
for SKDR's X). Cells the report derives (the L + P sums, the totals) are DHIS2's to add up and are not
sent. A cell with cases that the mapping does not cover refuses the whole file, naming the cells: a
number must never stay behind silently.

Zeros follow DHIS2's rule (``ValidationUtils.dataValueIsZeroAndInsignificant``): a zero of a data
element not marked "zero is significant" is not stored, and counted as *ignored*; a zero over a
value the server holds deletes it. So a zero is sent only for an element the mapping (column
``zeroIsSignificant``) or the data set's metadata marks significant, or for a cell the last sent
revision held (the revision's zero removes the old number). An import is judged by its status,
conflicts and values the server did not take beyond those zeros, never by the ignored count alone.

Periods: a month is ``202610``; an SKDR week is ``2026SunW42`` when the office counts Sunday to
Saturday (DHIS2's WeeklySunday period type), ``2026W42`` only for ISO Monday weeks. Identifiers
are sent as the Dinas's server knows them (``dhis2.id_scheme``): its codes, or its uids, which the
data set's metadata export (``load_metadata``) gives for each code.

The upload posts to ``/api/dataValueSets`` with basic authentication: ``dryRun=true`` first, and only
when the server accepts every value, the real import; both import summaries are kept with the sent
report (``sent.mark_sent`` with method ``dhis2``).

A JSON file also carries, under ``kupangDesk``, the report's data as its workbook does
(``reports.stamp``: the puskesmas code, period, revision, tables) sealed with SHA-256 over that and
the data values and signed by the office (``documents.signing``), so the Dinas imports it like the
workbook (``read_sealed``) and refuses it when a value was changed after it was made. The key is
left out of what is posted to a server.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from kupang_desk import clock, settings
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents import signing
from kupang_desk.documents.excel import MAX_STAMPED_FILE
from kupang_desk.documents.table import Period, Report
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import Institution
from kupang_desk.reports import service
from kupang_desk.reports.skdr import Week, office_starts_sunday, office_week, week_counts
from kupang_desk.submissions.dhis2_metadata import UID as _UID
from kupang_desk.submissions.dhis2_metadata import VISITS_COLUMN, Metadata, cell_label, sent_columns
from kupang_desk.visits.locks import latest_sent

MAPPING_COLUMNS = ("report", "row", "column", "dataElement", "categoryOptionCombo")
OPTIONAL_COLUMNS = ("dataSet", "zeroIsSignificant")
ID_SCHEMES = ("code", "uid")
KINDS = ("lb1", "skdr")
MAX_MAPPING_ROWS = 50_000
MAX_MAPPING_BYTES = 20 * 1024 * 1024
MAPPING_FIELD_MOST = 200  # characters in one field: DHIS2 codes and uids are short
TIMEOUT_SECONDS = 60
SEAL_KEY = "kupangDesk"


@dataclass(frozen=True)
class Target:
    report: str
    row: str
    column: str
    data_element: str
    combo: str
    significant: bool = False  # "zero is significant": a zero is stored by DHIS2 (else ignored)


@dataclass
class Mapping:
    targets: list[Target]
    data_sets: dict[str, str] = field(default_factory=dict)  # report -> dataSet code

    def find(self, report: str, row: str, column: str) -> tuple[str, str, bool] | None:
        for target in self.targets:  # an exact row before the row "*"
            if target.report == report and target.column == column and target.row == row:
                return target.data_element, target.combo, target.significant
        for target in self.targets:
            if target.report == report and target.column == column and target.row == "*":
                return (target.data_element.replace("{code}", row), target.combo.replace("{code}", row),
                        target.significant)
        return None


def _yes(value: str) -> bool:
    return value.strip().lower() in ("true", "ya", "yes", "1", "y")


def _read_mapping(path: str | Path) -> list[dict[str, str]]:
    """The office's mapping file (CSV, comma or semicolon) as rows, checked column by column."""
    path = Path(path)
    if not path.is_file():
        raise KnownError(_("File pemetaan DHIS2 {path} tidak ada.").format(path=path))
    if path.stat().st_size > MAX_MAPPING_BYTES:  # a mapping is a few thousand lines: never read a huge file whole
        raise KnownError(_("File pemetaan {name} terlalu besar (lebih dari 20 MB); periksa filenya.").format(name=path.name))
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    first = text[:text.find("\n")] if "\n" in text[:4096] else text[:4096]
    try:
        dialect = csv.Sniffer().sniff(first or ",", delimiters=",;")
    except csv.Error:
        dialect = csv.excel  # one column, or no delimiter in the first line: the column check says what is wrong
    try:
        return _mapping_rows(csv.DictReader(io.StringIO(text), dialect=dialect), path)
    except csv.Error as error:  # a field longer than csv allows, a quote never closed
        raise KnownError(_("File pemetaan {name} tidak dapat dibaca sebagai CSV ({detail}). Setiap isian adalah kode "
                           "pendek dari DHIS2; buka file di Excel, periksa isinya, simpan sebagai CSV, lalu muat lagi.").format(
            name=path.name, detail=error)) from error


def _mapping_rows(reader: csv.DictReader, path: Path) -> list[dict[str, str]]:
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in MAPPING_COLUMNS if c not in header]
    if missing:
        raise KnownError(_("File pemetaan {name} tidak punya kolom {columns}. Baris pertama harus: "
                           "report,row,column,dataElement,categoryOptionCombo (dataSet boleh ditambah).").format(
            name=path.name, columns=", ".join(missing)))
    rows = []
    for line, raw in enumerate(reader, start=2):
        # A row longer than the header leaves its extra fields under None, as a list: not read.
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None and not isinstance(v, list)}
        if not any(row.values()):
            continue
        if row["report"] not in KINDS:
            raise KnownError(_("File pemetaan {name} baris {line}: report '{value}' tidak dikenal; tulis lb1 atau skdr.").format(
                name=path.name, line=line, value=row["report"]))
        if not row["row"] or not row["column"] or not row["dataElement"]:
            raise KnownError(_("File pemetaan {name} baris {line}: row, column dan dataElement wajib diisi.").format(
                name=path.name, line=line))
        if (longest := max(len(value) for value in row.values())) > MAPPING_FIELD_MOST:
            raise KnownError(_("File pemetaan {name} baris {line}: satu isian panjangnya {length} karakter; kode DHIS2 "
                               "paling panjang {most}. Periksa baris itu.").format(
                name=path.name, line=line, length=f"{longest:,}".replace(",", "."), most=MAPPING_FIELD_MOST))
        rows.append({key: row.get(key, "") for key in (*MAPPING_COLUMNS, *OPTIONAL_COLUMNS)})
        if len(rows) > MAX_MAPPING_ROWS:
            raise KnownError(_("File pemetaan {name} lebih dari {n} baris; periksa filenya.").format(
                name=path.name, n=MAX_MAPPING_ROWS))
    if not rows:
        raise KnownError(_("File pemetaan {name} kosong.").format(name=path.name))
    return rows


def store_mapping(path: str | Path, *, user: SignedIn | None = None) -> int:
    """Keeps the office's mapping in the database (Pengaturan), so every PC and the window use it."""
    require("settings.edit", user)
    rows = _read_mapping(path)
    settings.put("dhis2.mapping", rows)
    return len(rows)


def _mapping(path: str | Path | None = None) -> Mapping:
    rows = _read_mapping(path) if path else settings.get("dhis2.mapping")
    if not rows:
        raise KnownError(_("Belum ada pemetaan DHIS2. Muat file pemetaan atau metadata dari Dinas di Pengaturan > "
                           "Pelaporan, atau: kupang-desk dhis2 mapping FILE.csv (atau --mapping FILE.csv)."))
    targets = [Target(r["report"], r["row"], r["column"], r["dataElement"], r.get("categoryOptionCombo", ""),
                      _yes(r.get("zeroIsSignificant", ""))) for r in rows]
    data_sets: dict[str, str] = {}
    for r in rows:
        if r.get("dataSet"):
            data_sets.setdefault(r["report"], r["dataSet"])
    return Mapping(targets, data_sets)


def dhis2_period(kind: str, period: Period) -> str:
    """``202610`` for a month; an SKDR week as DHIS2 names its period type: ``2026SunW43`` for a
    Sunday-to-Saturday week (WeeklySunday), ``2026W43`` for an ISO Monday week (Weekly)."""
    if kind == "skdr":
        sunday = office_starts_sunday()
        week = Week.of(period.start, starts_sunday=sunday)
        return f"{week.year}{'SunW' if sunday else 'W'}{week.number}"
    if not period.is_month:
        raise KnownError(_("DHIS2 menerima LB1 per bulan; pilih satu bulan, misalnya --month 2026-10."))
    return period.start.strftime("%Y%m")


def _cells(report: Report) -> dict[tuple[str, str], int]:
    """(row code, column) -> value of the cells DHIS2 takes: counted numbers, not sums of others."""
    cells = {}
    for table in report.tables:
        code_index = next((i for i, c in enumerate(table.columns) if c.key in ("code", "letter")), None)
        if code_index is None:
            continue
        base = [(table.columns.index(c), c) for c in sent_columns(table.columns)]
        for row in table.rows:
            for index, column in base:
                cells[(str(row[code_index]), cell_label(column))] = int(row[index] or 0)
    return cells


def data_value_set(kind: str, period: Period, *, mapping_file: str | Path | None = None, org_unit: str = "",
                   user: SignedIn | None = None) -> dict:
    """The ``dataValueSets`` payload of an LB1 month or an SKDR week; refuses uncovered cells."""
    user = require("report.make", user)
    if kind not in KINDS:
        raise KnownError(_("Berkas DHIS2 dibuat untuk lb1 dan skdr, bukan '{kind}'.").format(kind=kind))
    rules = _mapping(mapping_file)
    report = service.make(kind, period, user=user)
    cells = _cells(report)
    if kind == "skdr":
        week = office_week(period.start)
        cells[("X", VISITS_COLUMN)] = week_counts(week, places=False, user=user).visits
    previous = _previous_rows(kind, period)
    for code, column in previous:  # a row the last sending had and this one lost: sent as zero
        cells.setdefault((code, column), 0)
    metadata = Metadata.stored()
    scheme = settings.get("dhis2.id_scheme")
    metadata.check_period_type(kind, rules.data_sets.get(kind, ""))
    values, uncovered = [], []
    for (code, column), value in sorted(cells.items()):
        target = rules.find(kind, code, column)
        if target is None:
            if value:
                uncovered.append(f"{code} {column} ({value})")
            continue
        element, combo, significant = target
        significant = significant or metadata.zero_is_significant(element)
        if not value and not significant and (code, column) not in previous:
            continue  # DHIS2 would ignore it: a zero of an element whose zero is not significant
        entry = {"dataElement": metadata.identifier("dataElement", element, scheme),
                 "period": dhis2_period(kind, period), "orgUnit": "", "value": str(value)}
        if combo:
            entry["categoryOptionCombo"] = metadata.identifier("categoryOptionCombo", combo, scheme)
        values.append(entry)
    if uncovered:
        raise KnownError(_("Pemetaan DHIS2 tidak mencakup {n} sel {report} yang berisi angka, jadi berkas tidak dibuat: "
                           "{cells}. Minta Dinas melengkapi file pemetaannya.").format(
            n=len(uncovered), report=kind.upper(), cells="; ".join(uncovered[:10]) + (" ..." if len(uncovered) > 10 else "")))
    institution = Institution.select(Institution.code).first()
    unit = org_unit or settings.get("dhis2.org_unit") or (institution.code if institution else "")
    if not unit:
        raise KnownError(_("Kode unit organisasi DHIS2 (orgUnit) belum ada: isi kode puskesmas di Pengaturan > Profil, "
                           "atau tulis --org-unit KODE."))
    for entry in values:
        entry["orgUnit"] = unit
    payload = {"period": dhis2_period(kind, period), "orgUnit": unit, "completeDate": clock.today().isoformat(),
               "dataValues": values}
    if scheme == "uid":
        units = metadata.objects.get("orgUnit", {})
        if unit in units:
            unit = str(units[unit]["id"])
        elif units or not _UID.match(unit):
            raise KnownError(_("Server DHIS2 Dinas memakai uid, tetapi orgUnit '{unit}' bukan uid unit yang dikenal Dinas "
                               "(11 huruf dan angka, misalnya DiszpKrYNg8). Isi uid unit puskesmas ini di Pengaturan > "
                               "Pelaporan, atau tulis --org-unit UID.").format(unit=unit))
    if rules.data_sets.get(kind):
        payload = {"dataSet": metadata.identifier("dataSet", rules.data_sets[kind], scheme), **payload}
    stamp = report.stamp or {}
    sealed = _sealed_text(payload, stamp)
    return {**payload, SEAL_KEY: {"stamp": stamp, "sha256": hashlib.sha256(sealed).hexdigest(),
                                  "signature": signing.sign(str(stamp.get("institution_code") or ""), sealed)}}


def _sealed_text(payload: dict, stamp: dict) -> bytes:
    """What the seal covers: the values as posted and the report's data."""
    return json.dumps({"payload": _posted(payload), "stamp": stamp}, sort_keys=True, ensure_ascii=False).encode("utf-8")


def is_json_file(path: str | Path) -> bool:
    """A file whose content (not its name) is JSON: it starts with ``{`` after any blank or BOM."""
    with Path(path).open("rb") as handle:
        start = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"{")


def read_sealed(path: str | Path) -> dict:
    """The report data a Kupang Desk DHIS2 JSON file carries, after checking that neither it nor
    any data value changed since the file was made."""
    path = Path(path)
    if path.stat().st_size > MAX_STAMPED_FILE:  # the same bound as the workbook a puskesmas sends
        raise KnownError(_("File {name} terlalu besar untuk laporan puskesmas (lebih dari 20 MB).").format(name=path.name))
    try:
        payload = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:  # RecursionError: nested too deep
        raise KnownError(_("File {name} bukan file JSON yang utuh.").format(name=path.name)) from error
    seal = payload.get(SEAL_KEY) if isinstance(payload, dict) else None
    if not isinstance(seal, dict) or not isinstance(seal.get("stamp"), dict) or "dataValues" not in payload:
        raise KnownError(_("File {name} bukan berkas DHIS2 dari Kupang Desk (tidak ada data laporannya), jadi tidak "
                           "diimpor. Minta puskesmas mengirim file Excel atau JSON yang dibuat Kupang Desk.").format(
            name=path.name))
    sealed = _sealed_text(payload, seal["stamp"])
    if hashlib.sha256(sealed).hexdigest() != seal.get("sha256"):
        raise KnownError(_("File {name} sudah diubah sesudah dibuat oleh Kupang Desk ({what}), jadi tidak diimpor. Minta "
                           "puskesmas mengirim ulang file aslinya.").format(name=path.name, what=_("angka di berkas DHIS2 berbeda")))
    return {**seal["stamp"], "signing_key": signing.signer(seal.get("signature"), sealed, name=path.name)}


def _previous_rows(kind: str, period: Period) -> set[tuple[str, str]]:
    """(row code, column) of the cells the last sending of this period held."""
    last = latest_sent(kind, period)
    found: set[tuple[str, str]] = set()
    for table in json.loads(last.counts).get("tables", []) if last else []:
        for key, cells in table.get("rows", {}).items():
            code = key.split(" ")[0]
            for column, value in cells.items():
                if isinstance(value, int) and code not in ("JUMLAH", _("Catatan")):
                    found.add((code, column))
    return found


def write(payload: dict, path: str | Path) -> Path:
    """Writes the payload as JSON, or as DHIS2's CSV (``.csv``): dataelement, period, orgunit,
    categoryoptioncombo, attributeoptioncombo, value."""
    path = Path(path)
    if path.suffix.lower() not in (".json", ".csv"):
        raise KnownError(_("Berkas DHIS2 berakhiran .json atau .csv, bukan {name}.").format(name=path.name))
    if not path.parent.is_dir():
        raise KnownError(_("Folder {folder} tidak ada.").format(folder=path.parent))
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        return path
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo", "value"])
        for v in payload["dataValues"]:
            out.writerow([v["dataElement"], v["period"], v["orgUnit"], v.get("categoryOptionCombo", ""), "", v["value"]])
    return path


@dataclass
class Summary:
    """What the server said: its status and counts, and any conflicts in its words."""

    status: str
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[str] = field(default_factory=list)
    raw: dict = field(default_factory=dict)
    zeros: int = 0  # zeros in the payload: DHIS2 may count these as ignored (not significant, nothing held)

    @property
    def ok(self) -> bool:
        """Every value taken: no conflict, and nothing ignored beyond the zeros DHIS2 ignores."""
        return self.status in ("SUCCESS", "OK") and not self.conflicts and self.ignored <= self.zeros

    def text(self) -> str:
        line = _("DHIS2: {status}; diimpor {imported}, diperbarui {updated}, diabaikan {ignored}, dihapus {deleted}.").format(
            status=self.status, imported=self.imported, updated=self.updated, ignored=self.ignored, deleted=self.deleted)
        if self.conflicts:
            line += " " + _("Masalah: {conflicts}").format(conflicts="; ".join(self.conflicts[:10]))
        return line


def summary_of(reply: dict) -> Summary:
    """Reads an import summary of DHIS2 2.36 (``importCount`` at the top) or 2.38+ (under ``response``)."""
    body = reply.get("response", reply) if isinstance(reply.get("response"), dict) else reply
    counts = body.get("importCount") or {}
    conflicts = [f"{c.get('object', '')}: {c.get('value', '')}".strip(": ") for c in body.get("conflicts") or []]
    return Summary(str(body.get("status") or reply.get("status") or ""), int(counts.get("imported", 0)),
                   int(counts.get("updated", 0)), int(counts.get("ignored", 0)), int(counts.get("deleted", 0)),
                   conflicts, reply)


def _posted(payload: dict) -> dict:
    """What the server receives: the payload without the data kept for the Dinas."""
    return {key: value for key, value in payload.items() if key != SEAL_KEY}


def _post(url: str, payload: dict, username: str, password: str, *, dry_run: bool) -> Summary:
    scheme = settings.get("dhis2.id_scheme")
    query = urllib.parse.urlencode({"dryRun": "true" if dry_run else "false", "idScheme": scheme,
                                    "dataElementIdScheme": scheme, "orgUnitIdScheme": scheme,
                                    "categoryOptionComboIdScheme": scheme, "dataSetIdScheme": scheme,
                                    "importStrategy": "CREATE_AND_UPDATE"})
    request = urllib.request.Request(f"{url.rstrip('/')}/api/dataValueSets?{query}", method="POST",
                                     data=json.dumps(_posted(payload)).encode("utf-8"))
    request.add_header("Content-Type", "application/json")
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as reply:  # noqa: S310 - the office's own server
            body = reply.read(5_000_000)
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            raise KnownError(_("DHIS2 menolak nama pengguna atau kata sandi {user} (HTTP {code}). Periksa akun DHIS2.").format(
                user=username, code=error.code)) from None
        body = error.read(5_000_000)
        if error.code != 409 or not body:  # 409: the import summary with its conflicts
            raise KnownError(_("Server DHIS2 menjawab HTTP {code}: {reason}. Tidak ada yang dikirim ulang.").format(
                code=error.code, reason=error.reason)) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise KnownError(_("Server DHIS2 {url} tidak bisa dihubungi ({reason}). Periksa internet dan alamat server "
                           "di Pengaturan; kirim lagi nanti.").format(url=url, reason=getattr(error, "reason", error))) from None
    try:
        summary = summary_of(json.loads(body))
        summary.zeros = sum(1 for value in payload["dataValues"] if value["value"] == "0")
        return summary
    except (ValueError, AttributeError):
        raise KnownError(_("Jawaban server DHIS2 tidak bisa dibaca (bukan ringkasan impor). Periksa alamat server.")) from None


def missing_for(action: str, *, user: SignedIn | None = None) -> str:
    """What the office must set before ``action`` ("file": a DHIS2 file, "upload": sending to the
    server) can work, in words that name where to set it; "" when nothing is missing. The window
    asks this before it asks for a file name or a password."""
    require("report.make", user)
    if action == "upload" and not (settings.get("dhis2.url") and settings.get("dhis2.username")):
        return _("Alamat server DHIS2 dan akun DHIS2 puskesmas belum diisi. Isi di Pengaturan > Pelaporan, lalu Simpan.")
    if not settings.get("dhis2.mapping"):
        return _("Belum ada pemetaan DHIS2. Muat file pemetaan (CSV) atau metadata DHIS2 (JSON) dari Dinas di "
                 "Pengaturan > Pelaporan.")
    return ""


def upload(kind: str, period: Period, *, password: str, url: str = "", username: str = "",
           mapping_file: str | Path | None = None, org_unit: str = "", user: SignedIn | None = None) -> tuple[Summary, Summary, dict]:
    """Checks with ``dryRun`` then imports; returns (the dry run, the import, the payload). A dry run
    the server does not accept whole stops here with its message: nothing is imported."""
    user = require("report.send", user)
    url = url or settings.get("dhis2.url")
    username = username or settings.get("dhis2.username")
    if not url or not username:
        raise KnownError(_("Alamat server dan nama pengguna DHIS2 belum diatur (Pengaturan, atau --url dan --user)."))
    payload = data_value_set(kind, period, mapping_file=mapping_file, org_unit=org_unit, user=user)
    checked = _post(url, payload, username, password, dry_run=True)
    if not checked.ok:
        raise KnownError(_("Uji kirim (dryRun) ditolak, jadi data tidak dikirim. {summary}").format(summary=checked.text()))
    done = _post(url, payload, username, password, dry_run=False)
    if not done.ok:
        raise KnownError(_("DHIS2 tidak menerima semua data. {summary}").format(summary=done.text()))
    return checked, done, payload


def keep_files(folder: Path, kind: str, period: Period, payload: dict, checked: Summary, done: Summary) -> list[Path]:
    """The payload sent and the server's two summaries, as files to keep with the sent report."""
    stem = f"dhis2-{kind}-{dhis2_period(kind, period)}"
    files = [write(payload, folder / f"{stem}.json"), folder / f"{stem}-ringkasan.json"]
    files[1].write_text(json.dumps({"dryRun": checked.raw, "import": done.raw}, ensure_ascii=False, indent=1), encoding="utf-8")
    return files
