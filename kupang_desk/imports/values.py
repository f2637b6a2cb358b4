"""Reference values in imported files matched to the institution's lists, not refused.

A cell's value (cara bayar, poli, kelurahan, jenis kelamin, baru/lama, agama, ya/tidak) is
folded (case, spaces, punctuation, brackets) and matched to an entry's name or code, then
to the shipped aliases (``BPJS PBI`` is ``BPJS PBI (APBN)``). A value that still matches
nothing, or more than one entry, is not a row error: it is listed once with its row count
and the clerk answers it once (a known entry, a new entry, leave it empty, or reject those
rows). Answers are remembered for the institution, so the next file of the same kind asks
nothing; Pengaturan shows and edits them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field

from kupang_desk import audit, settings
from kupang_desk.accounts.permissions import require
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_number
from kupang_desk.i18n import _
from kupang_desk.models import PaymentType, Poli, Region, User, db, writing
from kupang_desk.regions import KOTA_KUPANG
from kupang_desk.validators import RELIGIONS

# Special answers besides an entry's key.
BLANK = "(kosong)"  # leave the cell empty (optional columns only)
ADD = "(baru)"  # add the value as a new entry (poli, cara bayar)
REJECT = "(tolak)"  # reject the rows that carry it, with the reason
SETTING_KEY = "imports.value_map"

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def fold(text: object) -> str:
    """Lower-case letters and digits only: ``BPJS-PBI (APBN)`` and ``bpjs pbi apbn`` fold alike."""
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]", "", plain)


def _words(text: object) -> list[str]:
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", plain)


@dataclass(frozen=True)
class Entry:
    """One entry a value can be: ``key`` is what the importer stores (an id, a region code, "L")."""

    key: str
    label: str
    names: tuple[str, ...]
    preferred: bool = False  # wins a tie between entries of the same name (Kota Kupang's kelurahan)


@dataclass
class Vocabulary:
    """The entries of one reference column and the spellings that mean them."""

    field: str
    label: str
    entries: list[Entry]
    aliases: dict[str, tuple[str, ...]] = dc_field(default_factory=dict)  # spelling -> names or codes of entries
    noise: frozenset[str] = frozenset()  # words that say nothing here ("poli", "kel", "desa")
    can_add: bool = False
    optional: bool = True

    def __post_init__(self) -> None:
        self._by_key = {entry.key: entry for entry in self.entries}
        self._exact: dict[str, list[str]] = {}
        self._loose: dict[str, list[str]] = {}
        for entry in self.entries:
            for name in (entry.key, *entry.names):
                for index, folded in ((self._exact, fold(name)), (self._loose, self._loose_key(name))):
                    if folded and entry.key not in index.setdefault(folded, []):
                        index[folded].append(entry.key)
        self._aliases: dict[str, list[str]] = {}
        for spelling, targets in self.aliases.items():
            keys = [key for target in targets for key in self._exact.get(fold(target), [])]
            if keys:
                self._aliases[fold(spelling)] = list(dict.fromkeys(keys))

    def _loose_key(self, text: str) -> str:
        return "".join(word for word in _words(_BRACKETS.sub(" ", str(text))) if word not in self.noise)

    def entry(self, key: str) -> Entry | None:
        return self._by_key.get(key)

    def candidates(self, value: object) -> list[str]:
        """Keys of the entries ``value`` may mean: one is a match, several a question, none unknown."""
        for keys in (self._exact.get(fold(value)), self._aliases.get(fold(value)),
                     self._aliases.get(self._loose_key(str(value))), self._loose.get(self._loose_key(str(value)))):
            if keys:
                preferred = [key for key in keys if self._by_key[key].preferred]
                return preferred if len(preferred) == 1 else list(keys)
        return []

    def target(self, text: str) -> str:
        """An answer given as an entry's key, name or code (the CLI's ``--map``) as the entry's key."""
        if text in (BLANK, ADD, REJECT) or text in self._by_key:
            if text == BLANK and not self.optional:
                raise KnownError(_("Kolom {column} wajib diisi; pilih salah satu isian, jangan dikosongkan.").format(column=self.label))
            if text == ADD and not self.can_add:
                raise KnownError(_("Daftar {column} tidak dapat ditambah dari impor; pilih salah satu isian yang ada.").format(
                    column=self.label))
            return text
        if not text.strip():
            return self.target(BLANK)
        keys = self.candidates(text)
        if len(keys) != 1:
            known = ", ".join(entry.label for entry in self.entries[:12])
            raise KnownError(_("'{target}' bukan isian {column} yang dikenal. Pilih salah satu: {known}{more}.").format(
                target=text, column=self.label, known=known, more=", ..." if len(self.entries) > 12 else ""))
        return keys[0]


@dataclass
class Unknown:
    """A distinct value no entry matches (or several do), with how many rows carry it."""

    field: str
    column: str
    value: str  # as the file first spells it
    count: int
    candidates: list[Entry]
    can_add: bool
    optional: bool
    entries: list[Entry] = dc_field(default_factory=list, repr=False)  # every entry it could be answered with

    def map_argument(self) -> str:
        """The ``--map`` argument that answers it (with the first candidate, or a placeholder)."""
        target = self.candidates[0].label if self.candidates else _("ISIAN")
        return f'--map "{self.column}:{self.value}={target}"'

    def describe(self) -> str:
        rows = _("{count} baris").format(count=format_number(self.count))
        if self.candidates:
            return _("{column} '{value}' ({rows}) cocok dengan lebih dari satu isian: {choices}.").format(
                column=self.column, value=self.value, rows=rows, choices=", ".join(e.label for e in self.candidates))
        return _("{column} '{value}' ({rows}) tidak ada di daftar.").format(column=self.column, value=self.value, rows=rows)


class PendingValue(Exception):
    """The value is not answered yet: the import waits for the clerk's choice."""

    def __init__(self, column: str, reason: str, unknown: Unknown | None = None, choices: str = "") -> None:
        super().__init__(reason)
        self.column, self.reason, self.unknown, self.choices = column, reason, unknown, choices

    def form_message(self) -> str:
        """For a form, where nobody maps: the value is simply not one of the list."""
        value = self.unknown.value if self.unknown else ""
        return _("{column} '{value}' tidak dikenal. Pilih salah satu: {choices}.").format(
            column=self.column, value=value, choices=self.choices)


class RejectedValue(Exception):
    """The clerk chose to reject the rows that carry this value."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


class ValueMapper:
    """Resolves the values of one import, counting what it cannot resolve.

    ``answers`` are the clerk's choices for this import: {(field or column label, value):
    entry key, name or code, or ``BLANK``/``ADD``/``REJECT``}. ``unknown`` says what to do
    with what is still unanswered: "ask" (list it, write nothing), "add" (new entries where
    the list allows it) or "reject" (those rows are rejected).
    """

    def __init__(self, vocabularies: Iterable[Vocabulary], answers: dict[tuple[str, str], str] | None = None,
                 *, unknown: str = "ask", remembered: dict | None = None) -> None:
        if unknown not in ("ask", "add", "reject"):
            raise ValueError(unknown)
        self.vocabularies = {v.field: v for v in vocabularies}
        self.policy = unknown
        self.remembered = remembered if remembered is not None else stored_mappings()
        self.answers: dict[tuple[str, str], str] = {}
        self._given: dict[tuple[str, str], tuple[str, str]] = {}  # (field, folded) -> (value as given, key)
        for (column, value), target in (answers or {}).items():
            vocabulary = self._vocabulary(column)
            key = vocabulary.target(str(target))
            self.answers[(vocabulary.field, fold(value))] = key
            self._given[(vocabulary.field, fold(value))] = (str(value), key)
        self._cache: dict[tuple[str, str], str | Unknown] = {}  # (field, folded value) -> answer
        # (field, the cell as the file wrote it) -> the same answer: a file repeats its values, read once each.
        self._seen: dict[tuple[str, str], str | Unknown] = {}
        # {field: {cell text: entry key, or None for "leave empty"}} of the filled cells answered so far
        # (never a blank one): what ``lookup`` gives for them, read by a row's check without a call per cell.
        self.known: dict[str, dict[str, str | None]] = {name: {} for name in self.vocabularies}
        self.added: dict[str, str] = {}  # placeholder key -> key of the entry made for it

    def _vocabulary(self, column: str) -> Vocabulary:
        if column in self.vocabularies:
            return self.vocabularies[column]
        for vocabulary in self.vocabularies.values():
            if fold(column) in (fold(vocabulary.label), fold(vocabulary.field)):
                return vocabulary
        raise KnownError(_("Kolom '{column}' tidak punya daftar isian. Kolom yang dapat dipetakan: {columns}.").format(
            column=column, columns=", ".join(v.label for v in self.vocabularies.values())))

    def lookup(self, field_name: str, value: object) -> str | None:
        """The entry key for ``value`` (``None`` for a blank cell or one answered "leave empty");
        raises ``PendingValue`` while it is unanswered, ``RejectedValue`` when the clerk chose to
        reject its rows."""
        written = value if type(value) is str else " ".join(str(value if value is not None else "").split())
        resolved = self._seen.get((field_name, written))  # the same cell again: nothing to clean or fold
        if resolved is None:
            folded = fold(written)  # spaces fold away: the cell's text as written or tidied folds alike
            if not folded:
                resolved = BLANK  # a blank cell
            else:
                if (resolved := self._cache.get((field_name, folded))) is None:
                    resolved = self._cache[(field_name, folded)] = self._resolve(
                        self.vocabularies[field_name], " ".join(written.split()), folded)
                if type(value) is str and not isinstance(resolved, Unknown) and resolved != REJECT:
                    self.known[field_name][value] = None if resolved == BLANK else resolved
            self._seen[(field_name, written)] = resolved
        if isinstance(resolved, Unknown):
            text = " ".join(written.split())  # as the message quotes it
            resolved.count += 1
            vocabulary = self.vocabularies[field_name]
            raise PendingValue(resolved.column, _("{column} '{value}' belum dipetakan ke daftar; pilih isiannya di atas.").format(
                column=resolved.column, value=text), resolved, ", ".join(e.label for e in vocabulary.entries[:12]))
        if resolved == REJECT:
            text = " ".join(written.split())
            column = self.vocabularies[field_name].label
            raise RejectedValue(column, _("{column} '{value}' tidak dipakai (dipilih: tolak baris ini). Perbaiki isiannya di file.").format(
                column=column, value=text))
        return None if resolved == BLANK else resolved

    def _resolve(self, vocabulary: Vocabulary, text: str, folded: str) -> str | Unknown:
        answer = self.answers.get((vocabulary.field, folded))
        if answer is None:
            remembered = self.remembered.get(vocabulary.field, {}).get(folded)
            if remembered and (vocabulary.entry(remembered["target"]) or remembered["target"] == BLANK):
                answer = remembered["target"]
        if answer is None:
            keys = vocabulary.candidates(text)
            if len(keys) == 1:
                return keys[0]
            if self.policy == "add" and vocabulary.can_add and not keys:
                answer = ADD
            elif self.policy == "reject":
                answer = REJECT
            else:
                return Unknown(vocabulary.field, vocabulary.label, text, 0, [vocabulary._by_key[k] for k in keys],
                               vocabulary.can_add, vocabulary.optional, vocabulary.entries)
        if answer == ADD:
            return f"{ADD}{text}"  # a placeholder until the entry is made, when the import is written
        return answer

    @property
    def unknown(self) -> list[Unknown]:
        """Every value still unanswered, once each, in the order the file first has them."""
        return [value for value in self._cache.values() if isinstance(value, Unknown)]

    def placeholders(self) -> dict[tuple[str, str], str]:
        return {(f, value): value[len(ADD):] for (f, _folded), value in self._cache.items()
                if isinstance(value, str) and value.startswith(ADD) and len(value) > len(ADD)}

    def add_new_entries(self) -> dict[str, str]:
        """Makes the entries answered "new" (inside the import's transaction); {placeholder: key}."""
        makers = {"poli": _add_poli, "payment": _add_payment}
        for (field_name, placeholder), name in self.placeholders().items():
            key = makers[field_name](name)
            self.added[placeholder] = key
            self._given[(field_name, fold(name))] = (name, key)
        return self.added

    def final(self, key: str) -> str:
        """A key as written: a new entry's placeholder replaced by the entry made for it."""
        return self.added.get(key, key)

    def remember(self, user: User | None = None) -> None:
        """Keeps the clerk's answers (inside the import's transaction) for the next import."""
        if not self._given:
            return
        stored = stored_mappings()
        changed = {}
        for (field_name, folded), (value, key) in self._given.items():
            if key in (ADD, REJECT):
                continue  # ADD: add_new_entries records the real key; REJECT: a decision for this file only
            entry = {"value": value, "target": key}
            if stored.get(field_name, {}).get(folded) != entry:
                stored.setdefault(field_name, {})[folded] = entry
                changed[f"{field_name}:{value}"] = key
        if changed:
            settings.put(SETTING_KEY, stored)
            audit.record("update", "setting", SETTING_KEY, {"mappings": changed}, user)


def stored_mappings() -> dict[str, dict[str, dict[str, str]]]:
    """{field: {folded value: {"value": as typed, "target": key}}} as remembered for this institution."""
    return settings.get(SETTING_KEY)


def _add_poli(name: str) -> str:
    order = (Poli.select().count() or 0) + 1
    return str(Poli.create(name=name[:60], code=fold(name)[:10].upper(), sort_order=order).id)


def _add_payment(name: str) -> str:
    order = (PaymentType.select().count() or 0) + 1
    return str(PaymentType.create(name=name[:60], code=fold(name)[:10].upper(), is_bpjs="bpjs" in fold(name),
                                  sort_order=order).id)


# The shipped spellings. Targets are entry names or codes, so an office that renames an entry
# keeps the alias as long as the code stays.
PAYMENT_ALIASES: dict[str, tuple[str, ...]] = {
    "Tunai": ("UMUM",), "Bayar sendiri": ("UMUM",), "Pasien umum": ("UMUM",), "Cash": ("UMUM",), "Umum/Tunai": ("UMUM",),
    "PBI": ("PBI-N",), "BPJS PBI": ("PBI-N",), "KIS": ("PBI-N",), "BPJS KIS": ("PBI-N",), "KIS PBI": ("PBI-N",),
    "PBI APBN": ("PBI-N",), "PBI Pusat": ("PBI-N",), "JKN PBI": ("PBI-N",), "PBI JK": ("PBI-N",),
    "PBI APBD": ("PBI-D",), "PBI Daerah": ("PBI-D",), "Jamkesda": ("PBI-D",), "BPJS PBI APBD": ("PBI-D",),
    "BPJS Pemda": ("PBI-D",), "Jamkesda Kota": ("PBI-D",),
    "PPU": ("PPU",), "BPJS PPU": ("PPU",), "Askes": ("PPU",), "PNS": ("PPU",), "ASN": ("PPU",),
    "Pekerja Penerima Upah": ("PPU",),
    "PBPU": ("PBPU",), "Mandiri": ("PBPU",), "BPJS Mandiri": ("PBPU",), "BP": ("PBPU",), "PBPU/BP": ("PBPU",),
    "Bukan Pekerja": ("PBPU",), "Pekerja Bukan Penerima Upah": ("PBPU",),
    # Less specific than the list: asked once, with these offered first.
    "Non PBI": ("PPU", "PBPU"), "BPJS Non PBI": ("PPU", "PBPU"), "Non-PBI": ("PPU", "PBPU"),
    "JKN": ("PBI-N", "PBI-D", "PPU", "PBPU"), "BPJS": ("PBI-N", "PBI-D", "PPU", "PBPU"),
    "BPJS Kesehatan": ("PBI-N", "PBI-D", "PPU", "PBPU"), "JKN KIS": ("PBI-N", "PBI-D", "PPU", "PBPU"),
    "Lain-lain": ("LAIN",), "Lain": ("LAIN",), "Asuransi lain": ("LAIN",),
}
POLI_ALIASES: dict[str, tuple[str, ...]] = {
    "BP": ("UMUM",), "BP Umum": ("UMUM",), "Pemeriksaan Umum": ("UMUM",), "Rawat Jalan": ("UMUM",),
    "Balai Pengobatan": ("UMUM",),
    "BP Gigi": ("GIGI",), "Gigi dan Mulut": ("GIGI",), "Kesehatan Gigi": ("GIGI",), "Gigi & Mulut": ("GIGI",),
    "Kesehatan Ibu": ("KIA",), "ANC": ("KIA",), "Ibu Hamil": ("KIA",), "Bumil": ("KIA",),
    "Keluarga Berencana": ("KB",), "KIA/KB": ("KIA", "KB"), "KIA KB": ("KIA", "KB"),
    "Anak": ("MTBS",), "Balita": ("MTBS",), "MTBM": ("MTBS",), "MTBS/MTBM": ("MTBS",),
    "Usila": ("LNS",), "Lanjut Usia": ("LNS",), "Geriatri": ("LNS",),
    "Imun": ("IMN",), "TBC": ("TB",), "P2 TB": ("TB",), "Paru": ("TB",), "DOTS": ("TB",), "TB Paru": ("TB",),
    "Penyakit Tidak Menular": ("PTM",), "Posbindu": ("PTM",),
    "Lab": ("LAB",), "IGD": ("UGD",), "Gawat Darurat": ("UGD",),
}
SEX_ENTRIES = [Entry("L", "L (laki-laki)", ("L", "Laki-laki")), Entry("P", "P (perempuan)", ("P", "Perempuan"))]
SEX_ALIASES: dict[str, tuple[str, ...]] = {
    "Lk": ("L",), "Laki": ("L",), "Pria": ("L",), "M": ("L",), "Male": ("L",), "Cowok": ("L",), "Laki2": ("L",),
    "Pr": ("P",), "Pe": ("P",), "Wanita": ("P",), "W": ("P",), "F": ("P",), "Female": ("P",), "Cewek": ("P",),
}
CASE_ENTRIES = [Entry("baru", "Baru", ("Baru", "B")), Entry("lama", "Lama", ("Lama", "L"))]
CASE_ALIASES: dict[str, tuple[str, ...]] = {
    "KB": ("baru",), "Kasus Baru": ("baru",), "Kunjungan Baru": ("baru",), "Br": ("baru",), "New": ("baru",), "N": ("baru",),
    "KL": ("lama",), "Kasus Lama": ("lama",), "Kunjungan Lama": ("lama",), "Lm": ("lama",), "Old": ("lama",), "O": ("lama",),
}
FLAG_ENTRIES = [Entry("ya", "Ya", ("Ya", "Y")), Entry("tidak", "Tidak", ("Tidak", "T"))]
FLAG_ALIASES: dict[str, tuple[str, ...]] = {
    "Yes": ("ya",), "Iya": ("ya",), "1": ("ya",), "True": ("ya",), "Benar": ("ya",), "Penerima": ("ya",), "Layak": ("ya",),
    "Ada": ("ya",), "No": ("tidak",), "Tdk": ("tidak",), "0": ("tidak",), "False": ("tidak",), "Bukan": ("tidak",),
    "Tidak Layak": ("tidak",), "Belum": ("tidak",), "Tidak Ada": ("tidak",), "-": ("tidak",),
}
RELIGION_ALIASES: dict[str, tuple[str, ...]] = {
    "Kristen": ("Kristen Protestan",), "Protestan": ("Kristen Protestan",), "Kristen (Protestan)": ("Kristen Protestan",),
    "Katholik": ("Katolik",), "Khatolik": ("Katolik",), "Katolik Roma": ("Katolik",), "Kristen Katolik": ("Katolik",),
    "Moslem": ("Islam",), "Muslim": ("Islam",), "Budha": ("Buddha",), "Budhis": ("Buddha",),
    "Konghucu": ("Khonghucu",), "Khong Hu Chu": ("Khonghucu",), "Kong Hu Cu": ("Khonghucu",), "Khonghuchu": ("Khonghucu",),
    "Kepercayaan kpd Tuhan YME": ("Kepercayaan",), "Kepercayaan terhadap Tuhan YME": ("Kepercayaan",),
    "Aliran Kepercayaan": ("Kepercayaan",), "Penghayat Kepercayaan": ("Kepercayaan",),
}


def payment_vocabulary(label: str = "Cara Bayar") -> Vocabulary:
    entries = [Entry(str(pid), name, (name, code)) for pid, name, code in
               PaymentType.select(PaymentType.id, PaymentType.name, PaymentType.code).order_by(PaymentType.sort_order).tuples()]
    return Vocabulary("payment", label, entries, PAYMENT_ALIASES, frozenset({"pasien", "peserta"}), can_add=True)


def poli_vocabulary(label: str = "Poli") -> Vocabulary:
    entries = [Entry(str(pid), name, (name, code)) for pid, name, code in
               Poli.select(Poli.id, Poli.name, Poli.code).order_by(Poli.sort_order).tuples()]
    noise = frozenset({"poli", "poliklinik", "ruang", "ruangan", "klinik", "unit", "pelayanan", "layanan"})
    return Vocabulary("poli", label, entries, POLI_ALIASES, noise, can_add=True)


_KELURAHAN: dict[tuple, Vocabulary] = {}


def kelurahan_vocabulary(label: str = "Kelurahan") -> Vocabulary:
    """Every desa/kelurahan of NTT by its Kemendagri code; where names repeat, Kota Kupang's wins.

    The regions are shipped reference data: the folded index is built once per database."""
    key = (label, db.obj.database, Region.select().where(Region.level == "desa_kelurahan").count())
    if key not in _KELURAHAN:
        kecamatan = dict(Region.select(Region.code, Region.name).where(Region.level == "kecamatan").tuples())
        entries = [Entry(code, f"{name} ({kecamatan.get(code[:8], code[:8])})", (name,), preferred=code.startswith(KOTA_KUPANG + "."))
                   for code, name in Region.select(Region.code, Region.name).where(Region.level == "desa_kelurahan")
                   .order_by(Region.code).tuples()]
        noise = frozenset({"kel", "kelurahan", "desa", "ds", "kelrahan", "kecamatan", "kec"})
        _KELURAHAN.clear()
        _KELURAHAN[key] = Vocabulary("kelurahan", label, entries, {}, noise)
    return _KELURAHAN[key]


def fixed_vocabulary(field_name: str, label: str, *, optional: bool = True) -> Vocabulary:
    """The lists no office edits: jenis kelamin, baru/lama, ya/tidak, agama."""
    if field_name in ("sex",):
        return Vocabulary(field_name, label, SEX_ENTRIES, SEX_ALIASES, optional=optional)
    if field_name in ("visit_kind", "cases"):
        return Vocabulary(field_name, label, CASE_ENTRIES, CASE_ALIASES, optional=optional)
    if field_name == "religion":
        return Vocabulary(field_name, label, [Entry(r, r, (r,)) for r in RELIGIONS], RELIGION_ALIASES, optional=optional)
    return Vocabulary(field_name, label, FLAG_ENTRIES, FLAG_ALIASES, optional=optional)


# Pengaturan: the remembered answers.

@dataclass(frozen=True)
class Mapping:
    field: str
    column: str
    value: str
    target: str
    target_label: str


def vocabularies_for_settings() -> dict[str, Vocabulary]:
    return {v.field: v for v in (payment_vocabulary(), poli_vocabulary(), kelurahan_vocabulary(),
                                 fixed_vocabulary("sex", _("Jenis Kelamin")), fixed_vocabulary("cases", _("Kasus")),
                                 fixed_vocabulary("visit_kind", _("Kunjungan")), fixed_vocabulary("religion", _("Agama")),
                                 fixed_vocabulary("flag", _("Ya/Tidak")))}


def list_mappings(*, user: User | None = None) -> list[Mapping]:
    """The remembered answers of this institution, by column and value."""
    require("settings.edit", user)
    vocabularies = vocabularies_for_settings()
    rows = []
    for field_name, values in stored_mappings().items():
        vocabulary = vocabularies.get(field_name)
        for item in values.values():
            entry = vocabulary.entry(item["target"]) if vocabulary else None
            label = entry.label if entry else {BLANK: _("(dikosongkan)"), REJECT: _("(baris ditolak)")}.get(
                item["target"], _("(isian sudah tidak ada)"))
            rows.append(Mapping(field_name, vocabulary.label if vocabulary else field_name, item["value"], item["target"], label))
    return sorted(rows, key=lambda m: (m.column, m.value.lower()))


def forget_mapping(field_name: str, value: str, *, user: User | None = None) -> None:
    """Removes one remembered answer: the next import asks about that value again."""
    actor = require("settings.edit", user)
    with writing():
        stored = stored_mappings()
        removed = stored.get(field_name, {}).pop(fold(value), None)
        if removed is None:
            raise KnownError(_("Pemetaan '{value}' tidak ditemukan; mungkin sudah dihapus.").format(value=value))
        settings.put(SETTING_KEY, stored)
        audit.record("delete", "setting", SETTING_KEY, {"mapping": f"{field_name}:{value}", "target": removed["target"]}, actor)


def change_mapping(field_name: str, value: str, target: str, *, user: User | None = None) -> None:
    """Points a remembered value at another entry (key, name or code)."""
    actor = require("settings.edit", user)
    vocabulary = vocabularies_for_settings()[field_name]
    key = vocabulary.target(target)
    with writing():
        stored = stored_mappings()
        stored.setdefault(field_name, {})[fold(value)] = {"value": value, "target": key}
        settings.put(SETTING_KEY, stored)
        audit.record("update", "setting", SETTING_KEY, {"mapping": f"{field_name}:{value}", "target": key}, actor)
