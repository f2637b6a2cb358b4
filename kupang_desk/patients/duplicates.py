"""Likely duplicates: the same person registered twice under slightly different spellings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.i18n import _
from kupang_desk.models import Patient
from kupang_desk.names import SAME_NAME, name_key, similarity

RELATED_NAME = 0.6  # with the same mother and kelurahan, a looser likeness is enough


@dataclass(frozen=True)
class Candidate:
    patient: Patient
    reasons: tuple[str, ...]


def _active():
    return Patient.select().where(Patient.merged_into.is_null() & Patient.deleted_at.is_null())


def likely_duplicates(name: str, birth_date: dt.date | None, *, mother_name: str = "",
                      kelurahan_code: str | None = None, exclude_id: int | None = None,
                      limit: int = 10, user: SignedIn | None = None) -> list[Candidate]:
    """Patients who may be this person: same birth date and a similar name, or the same
    mother and kelurahan with a related name. The clerk decides."""
    require("patient.read", user)
    key = name_key(name)
    found: dict[int, tuple[Patient, list[str]]] = {}
    if birth_date is not None and key:
        for patient in _active().where(Patient.birth_date == birth_date):
            if similarity(key, patient.name_key) >= SAME_NAME:
                found.setdefault(patient.id, (patient, []))[1].append(_("tanggal lahir sama dan nama mirip"))
    mother = name_key(mother_name)
    if mother and kelurahan_code and key:
        query = _active().where((Patient.kelurahan == kelurahan_code) & (Patient.mother_name != ""))
        for patient in query:
            if (similarity(mother, name_key(patient.mother_name)) >= SAME_NAME
                    and similarity(key, patient.name_key) >= RELATED_NAME):
                found.setdefault(patient.id, (patient, []))[1].append(_("nama ibu dan kelurahan sama"))
    found.pop(exclude_id or -1, None)
    ranked = sorted(found.values(), key=lambda item: (-len(item[1]), -similarity(key, item[0].name_key)))
    return [Candidate(patient, tuple(reasons)) for patient, reasons in ranked[:limit]]
