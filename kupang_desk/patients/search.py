"""One search box for patients: name (substring, spelling-tolerant), NIK, No. RM, BPJS, phone.

Names are searched by their folded key (``names.name_key``) through the trigram index
of ``models.search_index``, so "yohanes" finds Yohanis. Digits look up the identifier
columns by prefix through their ordinary indexes. Every query is bounded by ``limit``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import peewee as pw

from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.models import Patient, PatientIdentifier, Region, User, db, search_index
from kupang_desk.names import name_key
from kupang_desk.validators import typed

MIN_TRIGRAM = 3  # the trigram index needs three letters


@dataclass(frozen=True)
class PatientHit:
    id: int
    no_rm: str
    name: str
    sex: str
    birth_date: dt.date
    nik: str
    bpjs_number: str
    phone: str
    kelurahan: str
    address: str


def _active(query: pw.ModelSelect) -> pw.ModelSelect:
    return query.where(Patient.merged_into.is_null() & Patient.deleted_at.is_null())


def _prefix(column: pw.Field, text: str) -> pw.Expression:
    # A range the column's index can serve on both databases (LIKE may not use it).
    return (column >= text) & (column < text + "\uffff")


def _hits(ids: list[int]) -> list[PatientHit]:
    if not ids:
        return []
    rows = (Patient.select(Patient, Region.name.alias("kelurahan_name"))
            .join(Region, pw.JOIN.LEFT_OUTER, on=(Patient.kelurahan == Region.code))
            .where(Patient.id.in_(ids)).objects())
    by_id = {row.id: row for row in rows}
    return [PatientHit(p.id, p.no_rm, p.name, p.sex, p.birth_date, p.nik or "", p.bpjs_number, p.phone,
                       getattr(p, "kelurahan_name", None) or "", p.address)
            for p in (by_id.get(i) for i in ids) if p is not None]


def search_patients(text: str, limit: int = 50, *, user: User | None = None) -> list[PatientHit]:
    """Patients matching what was typed, best first; at most ``limit``."""
    user = require("patient.read", user)
    text = typed(text)
    if not text:
        return []
    compact = text.replace(" ", "").replace("-", "")
    ids: list[int] = []

    def add(query: pw.ModelSelect) -> None:
        if len(ids) >= limit:
            return
        rows = cast(Iterable[tuple], query.limit(limit - len(ids)).tuples())  # .tuples() yields tuples
        for row in rows:
            if row[0] not in ids:
                ids.append(row[0])

    # No. RM as typed (it may hold letters or dashes), exact first.
    add(_active(Patient.select(Patient.id).where(Patient.no_rm == text.upper())))
    if compact.isdigit():
        add(_active(Patient.select(Patient.id).where(_prefix(Patient.no_rm, text.upper())).order_by(Patient.no_rm)))
        for column in (Patient.nik, Patient.bpjs_number, Patient.phone):
            add(_active(Patient.select(Patient.id).where(_prefix(column, compact)).order_by(column)))
        if compact.startswith("0") and len(compact) >= 6:  # 0812... typed, +62812... stored, or back
            add(_active(Patient.select(Patient.id).where(_prefix(Patient.phone, "+62" + compact[1:]))))
        # Numbers a patient had before a merge or a correction.
        add(PatientIdentifier.select(PatientIdentifier.patient).where(_prefix(PatientIdentifier.value, compact)))
        return _hits(ids)
    add(_active(Patient.select(Patient.id).where(_prefix(Patient.no_rm, text.upper())).order_by(Patient.no_rm)))
    add(PatientIdentifier.select(PatientIdentifier.patient).where(
        (PatientIdentifier.kind == "no_rm") & (PatientIdentifier.value == text.upper())))
    key = name_key(text)
    if not key:
        return _hits(ids)
    # Names that start with what was typed, alphabetically, then names that contain it.
    add(_active(Patient.select(Patient.id).where(_prefix(Patient.name_key, key)).order_by(Patient.name_key, Patient.id)))
    if len(ids) < limit:
        taken = set(ids)
        found = [i for i in _substring_ids(key, limit * 4) if i not in taken]
        # By name, from the names alone; only the rows shown are read whole.
        names = dict(Patient.select(Patient.id, Patient.name).where(Patient.id.in_(found)).tuples()) if found else {}
        ids += sorted(names, key=lambda i: (names[i], i))[:limit - len(ids)]
    return _hits(ids)


def _terms(key: str) -> list[str]:
    """The pieces of a name key a substring search needs, each at least a trigram long: words of
    three letters or more alone (in any order: "ndun yohanes" finds Yohanes Ndun), a shorter word
    joined to its neighbour as typed ("paulus ya" while the clerk is still typing "yakobus"), so
    that every piece is served by the index and no 2-letter filter scans thousands of rows."""
    terms: list[str] = []
    pending = ""  # short words before the first long one
    for word in key.split():
        if len(word) >= MIN_TRIGRAM:
            terms.append(f"{pending} {word}".strip() if pending else word)
            pending = ""
        elif terms:
            terms[-1] = f"{terms[-1]} {word}"
        else:
            pending = f"{pending} {word}".strip()
    if pending:
        terms.append(pending)
    return [term for term in terms if len(term) >= MIN_TRIGRAM]


def _substring_ids(key: str, limit: int) -> list[int]:
    """Ids of active patients whose name key contains every piece of ``key`` (``_terms``)."""
    terms = _terms(key)
    if not terms:
        return []
    database = db.obj
    if search_index.is_postgres(database):
        condition = " AND ".join(["p.name_key LIKE %s"] * len(terms))
        sql = (f"SELECT p.id FROM patient p WHERE {condition} AND p.merged_into_id IS NULL "
               f"AND p.deleted_at IS NULL LIMIT {int(limit)}")
        params = [f"%{term}%" for term in terms]
    else:
        match = " AND ".join(f'"{term}"' for term in terms)
        sql = (f"SELECT p.id FROM {search_index.FTS_TABLE} f JOIN patient p ON p.id = f.rowid "
               f"WHERE {search_index.FTS_TABLE} MATCH ? AND p.merged_into_id IS NULL "
               f"AND p.deleted_at IS NULL LIMIT {int(limit)}")
        params = [match]
    return [row[0] for row in database.execute_sql(sql, params).fetchall()]


def find_by_no_rm(no_rm: str, *, user: SignedIn | None = None) -> Patient | None:
    """The active patient with exactly this No. RM (or who had it before a merge)."""
    require("patient.read", user)
    text = no_rm.strip().upper()
    if not text:
        return None
    patient = _active(Patient.select().where(Patient.no_rm == text)).first()
    if patient is None:
        former = PatientIdentifier.get_or_none((PatientIdentifier.kind == "no_rm") & (PatientIdentifier.value == text))
        patient = former.patient if former else None
    return patient
