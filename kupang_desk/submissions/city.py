"""Rekap kota: the Dinas Kesehatan Kota Kupang adds up its eleven puskesmas from the files they send.

A file is the puskesmas's own Kupang Desk workbook (LB1, recap, top ten or SKDR W2) or its DHIS2
JSON (LB1, SKDR), recognised by content, not by name: the data sheet or JSON key it carries
(``reports.stamp``, ``submissions.dhis2.read_sealed``): the puskesmas code and name, the period, the revision,
its tables, signed with the puskesmas's key (``documents.signing``): a file is taken only when the key
that signed it is the one the puskesmas registered at the Dinas (``register_key``, from the key file the
puskesmas saves with ``export_key``), so a number changed on the way is refused. Every revision is
kept; the latest of each puskesmas counts. The city's LB1 adds every cell of every code any puskesmas
reported, with zero rows for the codes of the city's LB1 list that no one reported this time (codes
reported in any earlier file); the city's top ten comes from that LB1; the city's SKDR adds the
letters and names the puskesmas with an alert. Completeness and timeliness show who sent, when,
and against the due date of the reporting calendar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kupang_desk import audit, settings
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents import signing
from kupang_desk.documents.excel import read_stamp, write_workbook
from kupang_desk.documents.pdf import write_pdf
from kupang_desk.documents.table import Column, Period, Report, ReportTable, check_output
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date, format_number, month_names
from kupang_desk.i18n import _
from kupang_desk.models import CityFile, Institution, now, writing
from kupang_desk.office import current_letterhead
from kupang_desk.reports.base import kind_label
from kupang_desk.reports.skdr import current_codes, office_week
from kupang_desk.reports.stamp import FORMAT
from kupang_desk.submissions import dhis2
from kupang_desk.submissions.calendar import monthly_due, weekly_due
from kupang_desk.tasks import Task

KOTA_KUPANG = ("Alak", "Bakunase", "Kupang Kota", "Manutapen", "Naioni", "Oebobo", "Oepoi", "Oesapa", "Pasir Panjang",
               "Penfui", "Sikumana")
CITY_KINDS = ("lb1", "recap", "top", "skdr")


@dataclass(frozen=True)
class Imported:
    path: Path
    status: str  # "baru", "sudah ada", "ditolak"
    message: str


def expected() -> list[dict[str, str]]:
    """The puskesmas the Dinas expects files from (Pengaturan), by default Kota Kupang's eleven."""
    return settings.get("city.puskesmas") or [{"code": "", "name": f"Puskesmas {name}"} for name in KOTA_KUPANG]


@dataclass(frozen=True)
class Puskesmas:
    """One puskesmas on the Dinas's list: its code (the one in its Pengaturan > Profil, which its files
    carry), the name the Dinas calls it, and the public key it registered (empty: none yet)."""

    code: str
    name: str
    key: str = ""

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.key) if self.key else ""


def puskesmas_list(*, user: SignedIn | None = None) -> list[Puskesmas]:
    """The Dinas's own list (empty until it is set; a file is taken only from a puskesmas whose key is on it)."""
    require("report.make", user)
    return [Puskesmas(str(e.get("code", "")), str(e.get("name", "")), str(e.get("key", "")))
            for e in settings.get("city.puskesmas")]


def _keep(kept: list[Puskesmas], actor: SignedIn, details: dict) -> None:
    with writing():
        before = settings.put("city.puskesmas", [{"code": p.code, "name": p.name, "key": p.key} for p in kept])
        audit.record("update", "setting", "city.puskesmas",
                     {"before": [e.get("code") for e in before], "after": [p.code for p in kept], **details}, actor)


def set_puskesmas(entries: Iterable[tuple[str, str]], *, user: SignedIn | None = None) -> list[Puskesmas]:
    """Keeps the Dinas's list of puskesmas by code: every file is then matched by its code, whatever
    name it carries. A code that stays keeps its registered key. Refuses an empty or repeated code,
    or a row without a name."""
    actor = require("settings.edit", user)
    keys = {p.code: p.key for p in puskesmas_list(user=actor)}
    kept: list[Puskesmas] = []
    for line, (code, name) in enumerate(entries, start=1):
        code, name = "".join(str(code or "").split()), " ".join(str(name or "").split())
        if not code or not name:
            raise KnownError(_("Baris {line}: kode dan nama puskesmas wajib diisi.").format(line=line))
        if any(p.code == code for p in kept):
            raise KnownError(_("Kode {code} tertulis dua kali; setiap puskesmas punya kode sendiri.").format(code=code))
        kept.append(Puskesmas(code, name, keys.get(code, "")))
    _keep(kept, actor, {})
    return kept


@dataclass(frozen=True)
class Registered:
    puskesmas: Puskesmas
    replaced: str  # the fingerprint of the key it had before, or ""


def register_key(key: signing.KeyFile | str | Path, *, user: SignedIn | None = None) -> Registered:
    """Registers the public key a puskesmas saved (``export_key``; its file, or the key already read
    from it, as the window shows it for its fingerprint to be confirmed) under its code: its files
    are then taken only when that key signed them. A code not on the list yet is added with the
    file's name; a key that replaces another (a new PC without the office key) is audited with both
    fingerprints."""
    actor = require("settings.edit", user)
    given = key if isinstance(key, signing.KeyFile) else signing.read_key_file(key)
    current = puskesmas_list(user=actor)
    known = next((p for p in current if p.code == given.code), None)
    entry = Puskesmas(given.code, known.name if known else given.name, given.key)
    kept = [entry if p.code == given.code else p for p in current] if known else [*current, entry]
    replaced = known.fingerprint if known and known.key and known.key != given.key else ""
    _keep(kept, actor, {"key_of": given.code, "fingerprint": given.fingerprint, "replaced": replaced})
    return Registered(entry, replaced)


def export_key(path: str | Path, *, user: SignedIn | None = None) -> signing.KeyFile:
    """The puskesmas's side: saves the public key its report files are signed with, for the Dinas to
    register once (it holds no secret; the fingerprint is read to the Dinas to confirm it)."""
    actor = require("report.make", user)
    institution = Institution.select(Institution.code, Institution.name, Institution.kind).first()
    if institution is not None and institution.kind != "puskesmas":
        raise KnownError(_("Kunci tanda tangan laporan diserahkan puskesmas ke Dinas; {name} bukan puskesmas.").format(
            name=institution.name))
    code = "".join((institution.code or "").split()) if institution else ""
    entry = signing.export_key(path, code, institution.name if institution else "")
    with writing():  # the file as written (.json added where it was left out)
        audit.record("export", "signing_key", code, {"file": str(signing.key_path(path)), "fingerprint": entry.fingerprint},
                     actor)
    return entry


def _fold(text: str) -> str:
    """A puskesmas name as compared: without "UPTD", "Puskesmas", a note in brackets or punctuation."""
    text = re.sub(r"\([^)]*\)|\[[^]]*\]", " ", text.lower())
    text = re.sub(r"[^\w]+", " ", text.replace("uptd", " ").replace("puskesmas", " ").replace("pkm", " "))
    return " ".join(text.split())


def import_files(paths: Iterable[str | Path], *, task: Task | None = None, user: SignedIn | None = None) -> list[Imported]:
    """Reads each file, checks it, and keeps it; each file is its own transaction, and a refused
    file says why without stopping the others."""
    user = require("import.run", user)
    task = task or Task()
    files = [Path(p) for p in paths]
    results = []
    for number, path in enumerate(files, start=1):
        task.step(number - 1, len(files), _("Membaca {name}...").format(name=path.name))
        try:
            results.append(_import_one(path, user))
        except KnownError as error:
            results.append(Imported(path, "ditolak", str(error)))
    task.step(len(files), len(files), _("Selesai."))
    return results


def _import_one(path: Path, user: SignedIn) -> Imported:
    if not path.is_file():
        raise KnownError(_("File {path} tidak ada.").format(path=path))
    data = dhis2.read_sealed(path) if dhis2.is_json_file(path) else read_stamp(path)
    if data.get("format") != FORMAT or data.get("kind") not in CITY_KINDS:
        raise KnownError(_("File {name} bukan laporan LB1, rekap, penyakit terbanyak atau SKDR dari Kupang Desk.").format(
            name=path.name))
    code, name = str(data.get("institution_code") or ""), str(data.get("institution_name") or "")
    if not code:
        raise KnownError(_("File {name} dari {who} tidak menyebut kode puskesmas. Minta puskesmas mengisi kodenya di "
                           "Pengaturan > Profil lalu membuat file itu lagi.").format(name=path.name, who=name or "?"))
    known = next((e for e in expected() if e.get("code") == code), None)
    if known is not None and _fold(known["name"]) != _fold(name):  # another puskesmas's code: never filed under it
        raise KnownError(_("File {file}: kode {code} milik {ours}, tetapi file menyebut {theirs}. Tidak diimpor; periksa "
                           "kode puskesmas di profil mereka atau di daftar Dinas.").format(
            file=path.name, code=code, ours=known["name"], theirs=name))
    _check_signer(path, code, name, known, str(data.get("signing_key") or ""))
    # The same puskesmas written otherwise ("UPTD Puskesmas Oebobo (DEMO)"): filed under the Dinas's name, and said.
    named = "" if known is None or known["name"] == name else _(" (nama di file: {theirs})").format(theirs=name)
    period = Period(dt.date.fromisoformat(data["period_start"]), dt.date.fromisoformat(data["period_end"]))
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    label = f"{kind_label(data['kind'])} {period.label()} {known['name'] if known else name}{named}"
    with writing():
        same = CityFile.get_or_none((CityFile.institution_code == code) & (CityFile.kind == data["kind"])
                                    & (CityFile.period_start == period.start) & (CityFile.period_end == period.end)
                                    & (CityFile.revision == int(data.get("revision", 0))))
        if same is not None:
            if _numbers(json.loads(same.data)) == _numbers(data):  # made again, or as the other format
                return Imported(path, "sudah ada", _("{report} revisi {n} sudah diterima {when}.").format(
                    report=label, n=same.revision, when=format_date(same.received_at.date())))
            raise KnownError(_("{report} revisi {n} sudah diterima dengan angka lain. Minta puskesmas mengirimnya sebagai "
                               "revisi baru (Tandai terkirim sesudah koreksi).").format(report=label, n=same.revision))
        row = CityFile.create(institution_code=code, institution_name=name, kind=data["kind"], period_start=period.start,
                              period_end=period.end, revision=int(data.get("revision", 0)),
                              made_at=dt.datetime.fromisoformat(data["made_at"]), received_at=now(),
                              received_by=session.account(user), file_name=path.name[:200], file_sha256=digest,
                              content=content, data=json.dumps(data, sort_keys=True, ensure_ascii=False))
        audit.record("import", "city_file", row.id, {"file": path.name, "sha256": digest, "institution": code,
                                                     "kind": data["kind"], "period": period.label(),
                                                     "revision": row.revision}, user)
    revision = _(" (revisi {n})").format(n=row.revision) if row.revision else ""
    return Imported(path, "baru", _("{report}{revision} diterima.").format(report=label, revision=revision))


def _check_signer(path: Path, code: str, name: str, known: dict | None, signer: str) -> None:
    """A file is taken only when the key that signed it is the one registered for its code."""
    registered = str((known or {}).get("key") or "")
    signed = signing.fingerprint(signer)
    if not registered:
        raise KnownError(_("File {file} dari {who} ({code}) ditandatangani dengan kunci {signed}, tetapi kunci puskesmas itu "
                           "belum didaftarkan di Dinas, jadi tidak diimpor. Minta puskesmas menyimpan kuncinya (Pengaturan > "
                           "Profil > Kunci tanda tangan), cocokkan sidiknya lewat telepon, lalu daftarkan di Rekap kota > "
                           "Daftar puskesmas > Daftarkan kunci.").format(file=path.name, who=name or "?", code=code,
                                                                          signed=signed))
    if registered != signer:
        raise KnownError(_("File {file} ditandatangani dengan kunci {signed}, bukan kunci {who} ({code}) yang terdaftar di "
                           "Dinas ({registered}). Tidak diimpor: file ini tidak dibuat oleh {who}, atau puskesmas itu "
                           "membuatnya di PC dengan kunci lain. Minta puskesmas mengirim ulang dari PC yang kuncinya "
                           "terdaftar, atau daftarkan kunci barunya sesudah sidiknya dicocokkan.").format(
            file=path.name, signed=signed, who=known["name"] if known else name, code=code,
            registered=signing.fingerprint(registered)))


def _numbers(data: dict) -> list:
    """What a file reports, apart from when it was made and in which format."""
    return [[table["rows"] for table in data.get("tables", [])], data.get("figures"), data.get("closing")]


def _latest(kind: str, period: Period) -> dict[str, CityFile]:
    """The latest revision each puskesmas sent for this report and period, by code."""
    found: dict[str, CityFile] = {}
    query = (CityFile.select().where((CityFile.kind == kind) & (CityFile.period_start == period.start)
                                     & (CityFile.period_end == period.end)).order_by(CityFile.revision))
    for row in query:
        found[row.institution_code] = row
    return found


@dataclass(frozen=True)
class Arrival:
    """One puskesmas for one report and period: what arrived and when."""

    code: str
    name: str
    file: CityFile | None  # the latest revision
    first_received: dt.datetime | None
    due: dt.date

    @property
    def on_time(self) -> bool:
        return self.first_received is not None and self.first_received.date() <= self.due

    def state(self) -> str:
        if self.file is None:
            return _("Belum")
        return _("Tepat waktu") if self.on_time else _("Terlambat")


def arrivals(kind: str, period: Period, *, user: SignedIn | None = None) -> list[Arrival]:
    """Every expected puskesmas (and any other that sent), with its latest file and first arrival."""
    require("report.make", user)
    due = weekly_due(period) if kind == "skdr" else monthly_due(period)
    latest = _latest(kind, period)
    first: dict[str, dt.datetime] = {}
    for row in CityFile.select(CityFile.institution_code, CityFile.received_at).where(
            (CityFile.kind == kind) & (CityFile.period_start == period.start) & (CityFile.period_end == period.end)):
        first[row.institution_code] = min(first.get(row.institution_code, row.received_at), row.received_at)
    rows, seen = [], set()
    for entry in expected():  # by code once the Dinas has its list; the default eleven by name
        match = next((f for f in latest.values() if (entry.get("code") and f.institution_code == entry["code"])
                      or (not entry.get("code") and _fold(f.institution_name) == _fold(entry["name"]))), None)
        code = match.institution_code if match else entry.get("code", "")
        seen.add(code)
        rows.append(Arrival(code, entry["name"], match, first.get(code) if match else None, due))
    for code, file in sorted(latest.items()):
        if code not in seen:
            rows.append(Arrival(code, file.institution_name, file, first.get(code), due))
    return rows


def completeness_line(rows: list[Arrival]) -> str:
    """``Kelengkapan 9 dari 11 (82%); tepat waktu 7 dari 11 (64%)``."""
    total = len(rows) or 1
    sent = sum(1 for r in rows if r.file is not None)
    on_time = sum(1 for r in rows if r.on_time)
    return _("Kelengkapan {sent} dari {total} ({sent_pct}%); tepat waktu {on_time} dari {total} ({time_pct}%)").format(
        sent=sent, total=len(rows), sent_pct=round(100 * sent / total), on_time=on_time, time_pct=round(100 * on_time / total))


def status_report(kind: str, period: Period, *, user: SignedIn | None = None) -> Report:
    """Who sent what and when, as a report (Excel/PDF) with the completeness line."""
    rows = arrivals(kind, period, user=user)
    columns = [Column("no", _("No"), width=4, kind="text"), Column("name", _("Puskesmas"), width=28, kind="text"),
               Column("code", _("Kode"), width=13, kind="id"), Column("state", _("Status"), width=12, kind="text"),
               Column("received", _("Diterima"), width=18, kind="text"), Column("revision", _("Revisi"), width=7),
               Column("made", _("Dibuat"), width=18, kind="text")]
    table = ReportTable(_("Kelengkapan dan ketepatan waktu"), columns)
    for number, r in enumerate(rows, start=1):
        table.rows.append([str(number), r.name, r.code, r.state(),
                           format_date(r.first_received.date()) if r.first_received else "",
                           r.file.revision if r.file else 0, format_date(r.file.made_at.date()) if r.file else ""])
    table.note = completeness_line(rows) + ". " + _("Batas kirim {due}.").format(
        due=format_date(rows[0].due if rows else monthly_due(period)))
    return _city_report(kind, _("KELENGKAPAN LAPORAN PUSKESMAS: {report}").format(report=kind_label(kind).upper()),
                        period, [table], landscape=False)


def _city_report(kind: str, title: str, period: Period, tables: list[ReportTable], *, landscape: bool) -> Report:
    report = Report(f"kota-{kind}", title, period, tables, current_letterhead(), landscape=landscape,
                    sheet_title=_("Kota {kind}").format(kind=kind.upper())[:31],
                    when_empty=_("Belum ada file puskesmas untuk periode {period}.").format(period=period.label()))
    if kind == "skdr":
        week = office_week(period.start)
        report.subtitle = _("Minggu ke-{week} tahun {year}: {start} s.d. {end}").format(
            week=week.number, year=week.year, start=format_date(period.start), end=format_date(period.end))
    return report


def _columns(data: dict, index: int = 0) -> list[Column]:
    table = data["tables"][index]
    return [Column(c["key"], c["header"], group=c["group"], width=c["width"], kind=c["kind"], total_of=tuple(c["total_of"]),
                   summed=c["summed"]) for c in table["columns"]]


def _add(columns: list[Column], rows: Iterable[list]) -> dict[str, list]:
    """Rows added cell by cell under their code (column 1), numeric columns only. A column that is no
    sum (an average, a median) cannot be added up: it is left empty where two puskesmas meet."""
    out: dict[str, list] = {}
    for row in rows:
        total = out.get(str(row[1]))
        if total is None:
            out[str(row[1])] = list(row)
            continue
        for i, column in enumerate(columns):
            if column.numeric and column.summed:
                total[i] = (total[i] or 0) + (row[i] or 0)
            elif column.numeric:
                total[i] = ""
    return out


def city_lb1(period: Period, *, user: SignedIn | None = None) -> Report:
    require("report.make", user)
    files = list(_latest("lb1", period).values())
    if not files:
        return _city_report("lb1", _("LB1 KOTA: DATA KESAKITAN SEMUA PUSKESMAS"), period, [], landscape=True)
    datas = [json.loads(f.data) for f in files]
    columns = _same_columns(files, datas)
    summed = _add(columns, (row for d in datas for row in d["tables"][0]["rows"]))
    names = {code: row[2] for code, row in summed.items()}
    for earlier in CityFile.select(CityFile.data).where((CityFile.kind == "lb1") & (CityFile.period_start < period.start)):
        for row in json.loads(earlier.data)["tables"][0]["rows"]:  # the city's LB1 list: codes seen before
            if str(row[1]) not in summed:
                names.setdefault(str(row[1]), row[2])
    table = ReportTable(_("LB1 kota: {n} puskesmas").format(n=len(files)), columns, total_label=_("JUMLAH"))
    for number, code in enumerate(sorted(names), start=1):
        row = summed.get(code) or ["", code, names[code], *[0 if c.numeric else "" for c in columns[3:]]]
        table.rows.append([str(number), code, names[code], *row[3:]])
    table.note = _("Dari {names}.").format(names=", ".join(sorted(f.institution_name for f in files)))
    return _city_report("lb1", _("LB1 KOTA: DATA KESAKITAN SEMUA PUSKESMAS"), period, [table], landscape=True)


def _same_columns(files: list[CityFile], datas: list[dict]) -> list[Column]:
    layout = [(c["key"], c["header"], c["group"]) for c in datas[0]["tables"][0]["columns"]]
    for file, data in zip(files, datas, strict=True):
        if [(c["key"], c["header"], c["group"]) for c in data["tables"][0]["columns"]] != layout:
            raise KnownError(_("Kolom laporan {a} berbeda dengan {b} (misalnya golongan umur LB1 lain); samakan Pengaturan "
                               "di puskesmas itu lalu minta file baru.").format(a=file.institution_name,
                                                                               b=files[0].institution_name))
    return _columns(datas[0])


def city_top(period: Period, *, limit: int = 10, user: SignedIn | None = None) -> Report:
    """The city's most frequent diseases (new cases), from the city LB1."""
    lb1 = city_lb1(period, user=user)
    columns = [Column("no", _("No"), width=4, kind="text"), Column("code", _("Kode ICD-10"), width=10, kind="id"),
               Column("name", _("Nama penyakit"), width=48, kind="text"),
               Column("L", "L", width=8), Column("P", "P", width=8), Column("all", _("Jumlah"), width=9, total_of=("L", "P"))]
    table = ReportTable(_("Penyakit terbanyak di kota (kasus baru)"), columns, total_label=_("JUMLAH"))
    if lb1.tables:
        source = lb1.tables[0]
        at = {c.key: i for i, c in enumerate(source.columns)}
        include_z = settings.get("top_diseases.include_z_codes")
        ranked = sorted((row for row in source.rows if row[at["new"]] and (include_z or not str(row[1]).startswith("Z"))),
                        key=lambda row: (-row[at["new"]], row[1]))[:limit]
        for number, row in enumerate(ranked, start=1):
            table.rows.append([str(number), row[1], row[2], row[at["newL"]], row[at["newP"]], row[at["new"]]])
    return _city_report("top", _("{n} PENYAKIT TERBANYAK DI KOTA").format(n=limit), period, [table] if lb1.tables else [],
                        landscape=False)


def _in_order(label: str) -> tuple:
    """Rows by name, and days (``5 Desember 2026``, the waiting times per day) in calendar order."""
    parts = label.split(" ")
    names = month_names()
    if len(parts) == 3 and parts[0].isdigit() and parts[1] in names and parts[2].isdigit():
        return (0, int(parts[2]), names.index(parts[1]), int(parts[0]))
    return (1, label)


def city_recap(period: Period, *, user: SignedIn | None = None) -> Report:
    require("report.make", user)
    files = list(_latest("recap", period).values())
    tables = []
    if files:
        datas = [json.loads(f.data) for f in files]
        titles: dict[str, tuple[dict, int]] = {}  # each table by its title, as the first file that has it
        for data in datas:  # (the waiting times are there only where the puskesmas uses the queue)
            for index, table in enumerate(data["tables"]):
                titles.setdefault(table["title"], (data, index))
        for title, (data, index) in titles.items():
            columns = _columns(data, index)
            summed = _add(columns, (row for d in datas for t in d["tables"] if t["title"] == title for row in t["rows"]))
            table = ReportTable(title, columns, total_label=data["tables"][index].get("total_label") or "")
            for number, key in enumerate(sorted(summed, key=_in_order), start=1):
                table.rows.append([str(number), *summed[key][1:]])
            tables.append(table)
    return _city_report("recap", _("REKAP KUNJUNGAN KOTA"), period, tables, landscape=True)


def city_skdr(period: Period, *, user: SignedIn | None = None) -> Report:
    """The week's cases per SKDR letter in the city, X the visits of all, and which puskesmas alerted."""
    require("report.make", user)
    files = sorted(_latest("skdr", period).values(), key=lambda f: f.institution_name)
    thresholds = {c.letter: c for c in current_codes()}
    columns = [Column("no", _("No"), width=4, kind="text"), Column("letter", _("Kode"), width=5, kind="text"),
               Column("name", _("Penyakit atau sindrom"), width=34, kind="text"), Column("cases", _("Kasus baru"), width=8),
               Column("alerts", _("Puskesmas dengan peringatan"), width=40, kind="text")]
    table = ReportTable(_("SKDR kota: {n} puskesmas").format(n=len(files)), columns, total_label=_("JUMLAH"))
    cases: dict[str, int] = {}
    alerted: dict[str, list[str]] = {}
    visits = 0
    closing = []
    for file in files:
        data = json.loads(file.data)
        visits += int(data.get("figures", {}).get("visits", 0))
        source = data["tables"][0]
        at = {c["key"]: i for i, c in enumerate(source["columns"])}
        for row in source["rows"]:
            letter, count = row[at["letter"]], int(row[at["cases"]] or 0)
            cases[letter] = cases.get(letter, 0) + count
            code = thresholds.get(letter)
            if count and (row[at["alert"]] or (code is not None and count >= code.threshold)):
                alerted.setdefault(letter, []).append(f"{file.institution_name} {count}")
        closing += [f"{file.institution_name}: {line}" for line in data.get("closing", [])]
    for number, code in enumerate(current_codes(), start=1):
        table.rows.append([str(number), code.letter, code.name, cases.get(code.letter, 0), ", ".join(alerted.get(code.letter, []))])
    table.note = _("X (jumlah kunjungan semua puskesmas): {visits}.").format(visits=format_number(visits))
    report = _city_report("skdr", _("SKDR KOTA (W2)"), period, [table] if files else [], landscape=False)
    report.closing = closing
    report.figures = {"visits": visits}
    return report


def city_report(kind: str, period: Period, *, user: SignedIn | None = None) -> Report:
    """The city's report of ``kind`` (lb1, recap, top, skdr)."""
    require("report.make", user)
    makers = {"lb1": city_lb1, "recap": city_recap, "top": city_top, "skdr": city_skdr}
    if kind not in makers:
        raise KnownError(_("Rekap kota dibuat untuk {kinds}.").format(kinds=", ".join(CITY_KINDS)))
    return makers[kind](period, user=user)



def save_report(kind: str, period: Period, *, xlsx: str | Path | None = None, pdf: str | Path | None = None,
                status: bool = False, paper: str = "A4", user: SignedIn | None = None) -> Report:
    """Writes the city's report (or, with ``status``, who sent it) as Excel and/or PDF, audited."""
    user = require("report.make", user)
    if not xlsx and not pdf:
        raise KnownError(_("Sebutkan file keluaran: --xlsx NAMA.xlsx dan/atau --pdf NAMA.pdf."))
    for target in (xlsx, pdf):
        if target:
            check_output(Path(target), (".xlsx", ".pdf"))
    report = status_report(kind, period, user=user) if status else city_report(kind, period, user=user)
    if xlsx:
        write_workbook([report], xlsx, paper=paper)
    if pdf:
        write_pdf(report, pdf, paper=paper)
    with writing():
        audit.record("export", "report", report.kind, {"period": period.label(), "xlsx": str(xlsx or ""),
                                                       "pdf": str(pdf or "")}, user)
    return report
