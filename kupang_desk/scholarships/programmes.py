"""Scholarship programmes: a programme of one year (PIP, the city's own, a school's) with its
amounts per level, eligibility reasons and payout stages, as plain ``Programme`` records."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias

import peewee as pw

from kupang_desk import audit
from kupang_desk.accounts.permissions import require
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import ScholarshipProgramme, Student, User, writing
from kupang_desk.students.grades import FINAL_GRADE, FIRST_GRADE, LEVELS, school_level

DEFAULT_REASONS = ["Pemegang PKH/KPS/KKS", "Siswa miskin/rentan miskin", "Yatim piatu/panti asuhan",
                   "Terdampak bencana alam", "Lainnya"]
PIP_AMOUNTS = {"SD": 450000, "SMP": 750000, "SMA": 1800000, "SMK": 1800000, "half_for_new_and_final": True}


def _json(text: str) -> object:
    try:
        return json.loads(text or "null")
    except ValueError:
        return None


def _texts(text: str) -> tuple[str, ...]:
    value = _json(text)
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


@dataclass(frozen=True)
class Programme:
    """A programme as plain data: what the screens show, and what every function here takes back
    (by its ``id``). The amounts are whole Rupiah per level."""

    id: int
    name: str
    funder: str
    year: int
    amounts: dict[str, int]
    half_for_new_and_final: bool
    reasons: tuple[str, ...]
    stages: tuple[str, ...]
    active: bool
    # May be received together with another programme of the same year (a school's small aid beside
    # PIP); False, the default: a student receives it or another one of the year, not both.
    stackable: bool = False

    @classmethod
    def of(cls, row: ScholarshipProgramme) -> Programme:
        rule = _json(row.amount_rules)
        rule = rule if isinstance(rule, dict) else {}
        amounts = {level: int(value or 0) for level, value in rule.items() if level in LEVELS}
        return cls(row.id, row.name, row.funder, row.year, amounts, bool(rule.get("half_for_new_and_final")),
                   _texts(row.eligibility_reasons), _texts(row.stages) or (_("Tahap 1"),), bool(row.active),
                   bool(rule.get("stackable")))


ProgrammeRef: TypeAlias = Programme | ScholarshipProgramme


def as_programme(programme: ProgrammeRef) -> Programme:
    """The plain record of a programme given as a record or a model row."""
    return programme if isinstance(programme, Programme) else Programme.of(programme)


def rules(programme: ProgrammeRef) -> dict:
    """The amounts per level and whether new and final-year students get half."""
    record = as_programme(programme)
    return {**record.amounts, "half_for_new_and_final": record.half_for_new_and_final}


def stages(programme: ProgrammeRef) -> list[str]:
    return list(as_programme(programme).stages)


def reasons(programme: ProgrammeRef) -> list[str]:
    return list(as_programme(programme).reasons)


def save_programme(name: str, year: int, *, funder: str = "", amounts: dict[str, int] | None = None,
                   half_for_new_and_final: bool = False, eligibility: Iterable[str] = (), stage_names: Iterable[str] = (),
                   stackable: bool = False, programme_id: int | None = None, user: User | None = None) -> Programme:
    """Creates or edits a programme; amounts are whole Rupiah per level."""
    user = require("award.write", user)
    name = " ".join(str(name or "").split())
    if not name:
        raise KnownError(_("Nama program wajib diisi, misalnya PIP atau Beasiswa Prestasi Pemkot Kupang."))
    if not 2000 <= int(year) <= 2100:
        raise KnownError(_("Tahun program {year} tidak masuk akal; isi tahun anggaran, misalnya 2026.").format(year=year))
    amounts = {level: int(value) for level, value in (amounts or {}).items() if level in LEVELS and value not in (None, "")}
    if any(value < 0 for value in amounts.values()):
        raise KnownError(_("Besar bantuan tidak boleh negatif."))
    stage_list = [s.strip() for s in stage_names if s and s.strip()] or [_("Tahap 1")]
    values = dict(name=name, year=int(year), funder=funder.strip(),
                  amount_rules=json.dumps({**amounts, "half_for_new_and_final": bool(half_for_new_and_final),
                                           "stackable": bool(stackable)}),
                  eligibility_reasons=json.dumps([r.strip() for r in eligibility if r and r.strip()], ensure_ascii=False),
                  stages=json.dumps(stage_list, ensure_ascii=False))
    with writing():
        clash = ScholarshipProgramme.select().where((ScholarshipProgramme.name == name) & (ScholarshipProgramme.year == int(year))
                                                    & (ScholarshipProgramme.id != (programme_id or 0))).exists()
        if clash:
            raise KnownError(_("Program {name} tahun {year} sudah ada.").format(name=name, year=year))
        if programme_id is None:
            programme = ScholarshipProgramme.create(**values)
        else:
            programme = ScholarshipProgramme.get_by_id(programme_id)
            for key, value in values.items():
                setattr(programme, key, value)
            programme.save()
        audit.record("create" if programme_id is None else "update", "scholarship_programme", programme.id, values, user)
    return Programme.of(programme)


def ensure_pip(year: int, *, user: User | None = None) -> Programme:
    """The PIP programme of ``year``, created with the national amounts when missing."""
    found = ScholarshipProgramme.get_or_none((ScholarshipProgramme.name == "PIP") & (ScholarshipProgramme.year == year))
    if found is not None:
        return Programme.of(found)
    return save_programme("PIP", year, funder="Kementerian Pendidikan Dasar dan Menengah",
                          amounts={k: v for k, v in PIP_AMOUNTS.items() if k in LEVELS}, half_for_new_and_final=True,
                          eligibility=DEFAULT_REASONS, stage_names=["Tahap 1", "Tahap 2"], user=user)


def find_programme(name: str, year: int) -> Programme:
    programme = ScholarshipProgramme.get_or_none((pw.fn.LOWER(ScholarshipProgramme.name) == name.strip().lower())
                                                 & (ScholarshipProgramme.year == year))
    if programme is None:
        names = ", ".join(f"{p.name} {p.year}" for p in ScholarshipProgramme.select().order_by(ScholarshipProgramme.year.desc()))
        raise KnownError(_("Program {name} tahun {year} tidak ada. Program yang ada: {names}.").format(
            name=name, year=year, names=names or _("(belum ada)")))
    return Programme.of(programme)


def amount_for(programme: ProgrammeRef, student: Student, level: str | None = None) -> int:
    """The yearly amount for this student: the level's amount, halved for new and final-year
    students when the programme says so."""
    level = level or school_level()
    rule = rules(programme)
    amount = int(rule.get(level, 0) or 0)
    if rule.get("half_for_new_and_final") and student.grade in (FIRST_GRADE[level], FINAL_GRADE[level]):
        amount //= 2
    return amount


def programme_choices(*, active_only: bool = False) -> list[tuple[str, int]]:
    """("PIP 2026", id) of the programmes: newest year first, PIP first within a year (the
    programme most of the work is about)."""
    query = ScholarshipProgramme.select()
    if active_only:
        query = query.where(ScholarshipProgramme.active)
    return [(f"{p.name} {p.year}", p.id) for p in sorted(query, key=lambda p: (-p.year, p.name != "PIP", p.name))]


def programme_by_id(programme_id: int | None) -> Programme | None:
    row = ScholarshipProgramme.get_or_none(ScholarshipProgramme.id == programme_id) if programme_id else None
    return Programme.of(row) if row is not None else None
