"""What a Dinas's DHIS2 says of its data sets, read from the metadata export it hands out
(``/api/dataSets/{uid}/metadata.json``: dataSets with their dataSetElements and period type,
dataElements with their code, name, category combo and "zero is significant", categoryCombos and
categoryOptionCombos with their names, organisationUnits).

Two uses: ``submissions.dhis2`` sends by the server's identifiers (codes, or uids looked up here) and
judges zeros and weeks by it; and a Dinas that gives no hand-written mapping gets one built from it
(``mapping_from_metadata``): each LB1 data element by the ICD-10 code its code or name carries, each
SKDR element by its letter, each category option combo by the age band and sex its name reads as,
written with uids (DHIS2's own default id scheme). What cannot be matched is named, never guessed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from kupang_desk import settings
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents.table import Column
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import writing
from kupang_desk.reports import lb1
from kupang_desk.reports.base import age_bands
from kupang_desk.reports.skdr import office_starts_sunday

UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
# DHIS2's weekly period types (docs: Web API, "Date and period format") and how each is written.
WEEK_TYPES = {"WeeklySunday": True, "Weekly": False}  # period type -> the week starts on Sunday
MOST_BYTES = 20 * 1024 * 1024
VISITS_COLUMN = "Jumlah kunjungan"  # SKDR's X, which the W2 table keeps in its note
_ICD = re.compile(r"(?<![A-Za-z0-9])([A-Z][0-9]{2}(?:\.[0-9]{1,2})?)(?![0-9])")
_SKDR_LETTER = re.compile(r"SKDR[\W_]*([A-Z])(?![A-Za-z0-9])", re.IGNORECASE)
_VISITS = re.compile(r"SKDR[\W_]*X(?![A-Za-z0-9])|kunjungan", re.IGNORECASE)
# Words a combo's name may use for what our column headers write shorter.
_SYNONYMS = {"laki": "l", "lakilaki": "l", "male": "l", "pria": "l", "perempuan": "p", "wanita": "p", "female": "p",
             "tahun": "th", "thn": "th", "hari": "hr", "bulan": "bl", "bln": "bl"}
_IGNORED = {"baru", "kasus", "new", "cases", "default"}


@dataclass
class Metadata:
    """What the Dinas's DHIS2 says of its data set (a metadata export): each data element, category
    option combo and data set by code and by uid, with the element's "zero is significant", its
    category combo and data sets, each combo's name, and the data set's period type."""

    objects: dict[str, dict[str, dict]] = field(default_factory=dict)  # kind -> code or uid -> facts

    KINDS = {"dataElements": "dataElement", "categoryOptionCombos": "categoryOptionCombo", "dataSets": "dataSet",
             "organisationUnits": "orgUnit", "categoryCombos": "categoryCombo"}

    @classmethod
    def stored(cls) -> Metadata:
        return cls(settings.get("dhis2.metadata"))

    @classmethod
    def read(cls, path: str | Path) -> Metadata:
        path = Path(path)
        if not path.is_file():
            raise KnownError(_("File metadata DHIS2 {path} tidak ada.").format(path=path))
        if path.stat().st_size > MOST_BYTES:
            raise KnownError(_("File metadata {name} terlalu besar (lebih dari 20 MB); ekspor metadata data set saja.").format(
                name=path.name))
        try:
            export = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise KnownError(_("File {name} bukan file JSON yang utuh.").format(name=path.name)) from error
        if not isinstance(export, dict) or not any(isinstance(export.get(key), list) for key in cls.KINDS):
            raise KnownError(_("File {name} bukan ekspor metadata DHIS2: tidak ada dataElements, categoryOptionCombos "
                               "atau dataSets. Minta Dinas mengekspor metadata data set LB1 dan SKDR (JSON).").format(
                name=path.name))
        members: dict[str, list[str]] = {}  # data element uid -> the data sets holding it
        for data_set in export.get("dataSets") or []:
            for member in (data_set.get("dataSetElements") or []) if isinstance(data_set, dict) else []:
                element = _ref(member.get("dataElement")) if isinstance(member, dict) else ""
                if element:
                    members.setdefault(element, []).append(str(data_set.get("id", "")))
        objects: dict[str, dict[str, dict]] = {}
        for key, kind in cls.KINDS.items():
            for item in export.get(key) or []:
                if not isinstance(item, dict) or not UID.match(str(item.get("id", ""))):
                    continue
                facts = {"id": item["id"], "code": str(item.get("code") or "").strip()[:200],
                         "name": str(item.get("name") or item.get("shortName") or "")[:200],
                         "zero": bool(item.get("zeroIsSignificant")), "periodType": str(item.get("periodType", "")),
                         "categoryCombo": _ref(item.get("categoryCombo")), "sets": members.get(item["id"], []),
                         "combos": [_ref(c) for c in item.get("categoryOptionCombos") or [] if _ref(c)]}
                for name in {item["id"], facts["code"]} - {""}:
                    objects.setdefault(kind, {})[name] = facts
        return cls(objects)

    def unique(self, kind: str) -> list[dict]:
        """Each object of ``kind`` once (they are filed by uid and by code)."""
        return list({facts["id"]: facts for facts in self.objects.get(kind, {}).values()}.values())

    def identifier(self, kind: str, name: str, scheme: str) -> str:
        """``name`` (a code or a uid, as the mapping writes it) as the server is told to read it."""
        if scheme == "code":
            found = self.objects.get(kind, {}).get(name)
            return found["code"] if found is not None and found["id"] == name and found.get("code") else name
        found = self.objects.get(kind, {}).get(name)
        if found is not None:
            return str(found["id"])
        if UID.match(name) and not self.objects.get(kind):
            return name  # a mapping that names uids itself, without metadata to check them against
        raise KnownError(_("{kind} '{name}' tidak ada di metadata DHIS2 Dinas, jadi uid-nya tidak diketahui. Muat "
                           "ekspor metadata data set yang terbaru (kupang-desk dhis2 metadata FILE.json), atau "
                           "perbaiki file pemetaannya.").format(kind=kind, name=name))

    def zero_is_significant(self, element: str) -> bool:
        found = self.objects.get("dataElement", {}).get(element)
        return bool(found and found.get("zero"))

    def check_period_type(self, kind: str, data_set: str) -> None:
        """An SKDR week counted otherwise than the Dinas's data set counts it is refused: it would be
        filed under another week."""
        found = self.objects.get("dataSet", {}).get(data_set) if kind == "skdr" and data_set else None
        if found is None or found.get("periodType") not in WEEK_TYPES:
            return
        sunday = office_starts_sunday()
        if WEEK_TYPES[found["periodType"]] != sunday:
            raise KnownError(_("Data set SKDR Dinas ({data_set}) dihitung per minggu {theirs}, tetapi kantor ini "
                               "menghitung minggu {ours}; setiap minggu akan tercatat di minggu yang salah. Samakan "
                               "di Pengaturan > Pelaporan (awal minggu SKDR).").format(
                data_set=data_set, theirs=_("Minggu-Sabtu") if WEEK_TYPES[found["periodType"]] else _("Senin-Minggu"),
                ours=_("Minggu-Sabtu") if sunday else _("Senin-Minggu")))


def _ref(value: object) -> str:
    """The uid of a reference ``{"id": ...}`` (or "")."""
    return str(value.get("id", "")) if isinstance(value, dict) and UID.match(str(value.get("id", ""))) else ""


def load_metadata(path: str | Path, *, id_scheme: str = "", user: SignedIn | None = None) -> dict[str, int]:
    """Keeps the Dinas's data set metadata export (and, when given, the id scheme its server uses);
    returns how many of each kind it holds."""
    require("settings.edit", user)
    metadata = Metadata.read(path)
    with writing():
        settings.put("dhis2.metadata", metadata.objects)
        if id_scheme:
            settings.put("dhis2.id_scheme", id_scheme)
    return {kind: len(metadata.unique(kind)) for kind in metadata.objects}


def _tokens(text: str) -> frozenset[str]:
    """A column header or a combo's name as the words it says: "20-44 th L" and "Baru, 20-44 tahun,
    Laki-laki" both read {20, 44, th, l}."""
    words = re.findall(r"[0-9]+|[a-z]+", text.lower().replace("laki-laki", "lakilaki"))
    return frozenset(_SYNONYMS.get(word, word) for word in words if word not in _IGNORED)


def cell_label(column: Column) -> str:
    """A report column as the mapping names it: its group and header ("20-44 th L", "Kasus lama P")."""
    return f"{column.group} {column.header}".strip()


def sent_columns(columns: list[Column]) -> list[Column]:
    """The columns whose cells DHIS2 takes: counted numbers, not sums of others (DHIS2 adds those up)."""
    return [c for c in columns if c.numeric and c.summed and not c.total_of]


def lb1_columns() -> list[str]:
    """The LB1 cells DHIS2 takes: each age band by sex, and old cases by sex."""
    return [cell_label(c) for c in sent_columns(lb1.lb1_columns(age_bands()))]


@dataclass
class Proposed:
    """A mapping built from the metadata, and what in it could not be matched."""

    rows: list[dict[str, str]]
    lb1_codes: int = 0
    skdr_letters: int = 0
    columns_without_combo: list[str] = field(default_factory=list)
    elements_unread: list[str] = field(default_factory=list)  # names of elements with no ICD-10 code or letter

    def summary(self) -> str:
        words = _("{rows} baris: {codes} kode ICD-10 untuk LB1, {letters} kode SKDR.").format(
            rows=len(self.rows), codes=self.lb1_codes, letters=self.skdr_letters)
        if self.columns_without_combo:
            words += " " + _("Kolom LB1 tanpa pasangan kategori di DHIS2: {columns}.").format(
                columns=", ".join(self.columns_without_combo))
        if self.elements_unread:
            words += " " + _("{n} elemen data tidak terbaca kodenya: {names}.").format(
                n=len(self.elements_unread), names=", ".join(self.elements_unread[:5]))
        return words


def mapping_from_metadata(metadata: Metadata) -> Proposed:
    """Builds the mapping rows (``submissions.dhis2``'s columns) from the Dinas's metadata, with uids."""
    sets = {facts["id"]: facts for facts in metadata.unique("dataSet")}
    combos = [(combo, _tokens(combo["name"] or combo["code"])) for combo in metadata.unique("categoryOptionCombo")]
    combo_lists = {facts["id"]: facts["combos"] for facts in metadata.unique("categoryCombo")}
    wanted = {column: _tokens(column) for column in lb1_columns()}
    proposed = Proposed([])
    missing_columns: set[str] = set()
    for element in sorted(metadata.unique("dataElement"), key=lambda e: (e["code"], e["name"])):
        data_set = next((sets[s] for s in element["sets"] if s in sets), None)
        weekly = data_set is not None and data_set["periodType"] in WEEK_TYPES
        said = f"{element['code']} {element['name']}"
        zero = "ya" if element["zero"] else ""  # a value of the mapping, read by submissions.dhis2._yes
        row = {"dataSet": data_set["id"] if data_set else "", "zeroIsSignificant": zero}
        letter = _SKDR_LETTER.search(said)
        if _VISITS.search(said) and (weekly or "SKDR" in said.upper()):
            proposed.rows.append({"report": "skdr", "row": "X", "column": VISITS_COLUMN,
                                  "dataElement": element["id"], "categoryOptionCombo": "", **row})
            continue
        if letter and (weekly or data_set is None):
            proposed.rows.append({"report": "skdr", "row": letter.group(1).upper(), "column": _("Kasus baru"),
                                  "dataElement": element["id"], "categoryOptionCombo": "", **row})
            proposed.skdr_letters += 1
            continue
        icd = _ICD.search(element["code"]) or _ICD.search(element["name"])
        if icd is None or weekly:
            proposed.elements_unread.append(element["name"] or element["code"] or element["id"])
            continue
        own = set(combo_lists.get(element["categoryCombo"], []))
        candidates = [(c, tokens) for c, tokens in combos if not own or c["id"] in own]
        matched = 0
        for column, tokens in wanted.items():
            combo = next((c for c, said_tokens in candidates if said_tokens == tokens), None)
            if combo is None:
                missing_columns.add(column)
                continue
            proposed.rows.append({"report": "lb1", "row": icd.group(1), "column": column, "dataElement": element["id"],
                                  "categoryOptionCombo": combo["id"], **row})
            matched += 1
        proposed.lb1_codes += 1 if matched else 0
    proposed.columns_without_combo = [c for c in wanted if c in missing_columns]
    return proposed


def build_mapping(path: str | Path, *, user: SignedIn | None = None) -> Proposed:
    """Reads the Dinas's metadata export, keeps it, and keeps the mapping built from it (with uids,
    and the server told to read uids) in place of any mapping loaded before. Refuses a file from
    which no LB1 or SKDR element can be read."""
    require("settings.edit", user)
    metadata = Metadata.read(path)
    proposed = mapping_from_metadata(metadata)
    if not proposed.rows:
        raise KnownError(_("Tidak ada elemen data LB1 atau SKDR yang terbaca di {name}: kode atau nama elemennya tidak "
                           "menyebut kode ICD-10 atau huruf SKDR. Minta file pemetaan (CSV) dari Dinas.").format(
            name=Path(path).name))
    with writing():
        settings.put("dhis2.metadata", metadata.objects)
        settings.put("dhis2.mapping", proposed.rows)
        settings.put("dhis2.id_scheme", "uid")
    return proposed
