"""PWS (Pemantauan Wilayah Setempat) of the mother-and-child indicators per kelurahan over a period:
antenatal contacts K1, K4 and K6, neonatal visits KN1 and KN lengkap, and complete basic
immunisation (IDL), counted from the pregnancies, births and ticks the cluster room recorded.

How each is counted (the rules and their sources are ``resources/reference/skrining.csv``):

- Ibu hamil: pregnancies open at some day of the period. K1: those with an antenatal contact (any
  ``anc`` tick) inside the pregnancy by the period's end. K6: each trimester's contacts reached
  (1, 2, 3 by the data file's ``kali``). K4: the standard before 2021, 1, 1 and 2.
- Bayi lahir: patients born in the period. KN1: the first neonatal visit ticked; KN lengkap: every
  ``kn`` visit ticked.
- Bayi genap 1 tahun: children whose first birthday falls in the period; IDL: every ``idl`` dose
  ticked before that birthday.

These are counts; the report divides them by each kelurahan's yearly targets (sasaran ibu hamil,
sasaran bayi) from Pengaturan > Penduduk, as PWS-KIA does (``kupang_desk.population``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.models import Patient, Pregnancy, Screening
from kupang_desk.screening import PREGNANCY_WEEKS, Rule, rules

K4_CONTACTS = (1, 1, 2)  # per trimester: Permenkes 97/2014, the K4 standard before the six contacts of 2021


@dataclass
class AreaPws:
    """One kelurahan's counts ("" for patients without an address)."""

    kelurahan: str
    pregnant: int = 0
    k1: int = 0
    k4: int = 0
    k6: int = 0
    born: int = 0
    kn1: int = 0
    kn_complete: int = 0
    infants: int = 0
    idl: int = 0

    def add(self, other: AreaPws) -> None:
        for item in fields(self):
            if item.name != "kelurahan":
                setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


def first_birthday(born: dt.date) -> dt.date:
    try:
        return born.replace(year=born.year + 1)
    except ValueError:  # 29 February: a year on is 1 March
        return dt.date(born.year + 1, 3, 1)


def _of(indicator: str) -> list[Rule]:
    return [rule for rule in rules() if rule.indicator == indicator]


def _ticks(patients: set[int], keys: list[str], until: dt.date) -> dict[tuple[int, str], list[dt.date]]:
    found: dict[tuple[int, str], list[dt.date]] = {}
    if not patients or not keys:
        return found
    chosen = sorted(patients)
    for at in range(0, len(chosen), 500):  # SQLite's bound variables: a few hundred at a time
        for patient_id, key, done_on in (Screening.select(Screening.patient, Screening.key, Screening.done_on)
                                         .where(Screening.patient.in_(chosen[at:at + 500]) & Screening.key.in_(keys)
                                                & Screening.done_on.is_null(False) & (Screening.done_on <= until)).tuples()):
            found.setdefault((patient_id, key), []).append(done_on)
    return found


def _living(query: Any, kelurahan: set[str] | None) -> Any:
    query = query.where(Patient.merged_into.is_null() & Patient.deleted_at.is_null())
    return query.where(Patient.kelurahan.in_(sorted(kelurahan))) if kelurahan is not None else query


def pws(start: dt.date, end: dt.date, *, kelurahan: set[str] | None = None, user: SignedIn | None = None) -> list[AreaPws]:
    """The mother-and-child PWS per kelurahan between ``start`` and ``end`` (inclusive), the kelurahan
    with any target only. A handful of queries on the period's pregnancies and children, whatever
    the size of the register."""
    require("report.make", user)
    areas: dict[str, AreaPws] = {}

    def area(code: str | None) -> AreaPws:
        return areas.setdefault(code or "", AreaPws(code or ""))

    anc = sorted(_of("anc"), key=lambda r: r.age_from)
    pregnancies = list(_living(Pregnancy.select(Pregnancy.patient, Pregnancy.lmp, Pregnancy.ended_on, Patient.kelurahan)
                               .join(Patient), kelurahan)
                       .where((Pregnancy.lmp <= end) & (Pregnancy.lmp > start - dt.timedelta(weeks=PREGNANCY_WEEKS))
                              & (Pregnancy.ended_on.is_null() | (Pregnancy.ended_on >= start))).tuples())
    ticks = _ticks({row[0] for row in pregnancies}, [r.key for r in anc], end)
    for patient_id, lmp, ended_on, code in pregnancies:
        last = min(end, ended_on or end)
        contacts = [len(rule.counted(ticks.get((patient_id, rule.key), []), lmp, last)) for rule in anc]
        place = area(code)
        place.pregnant += 1
        place.k1 += sum(contacts) > 0
        if len(contacts) == len(K4_CONTACTS):
            place.k4 += all(have >= need for have, need in zip(contacts, K4_CONTACTS, strict=True))
        place.k6 += bool(anc) and all(have >= rule.times for have, rule in zip(contacts, anc, strict=True))
    neonatal = _of("kn")
    born = list(_living(Patient.select(Patient.id, Patient.kelurahan), kelurahan)
                .where(Patient.birth_date.between(start, end)).tuples())
    ticks = _ticks({row[0] for row in born}, [r.key for r in neonatal], end)
    first = min(neonatal, key=lambda r: r.age_from) if neonatal else None
    for patient_id, code in born:
        place = area(code)
        place.born += 1
        place.kn1 += first is not None and (patient_id, first.key) in ticks
        place.kn_complete += bool(neonatal) and all((patient_id, rule.key) in ticks for rule in neonatal)
    doses = _of("idl")
    infants = [(patient_id, born_on, code) for patient_id, born_on, code in
               _living(Patient.select(Patient.id, Patient.birth_date, Patient.kelurahan), kelurahan)
               .where(Patient.birth_date.between(start - dt.timedelta(days=366), end - dt.timedelta(days=365))).tuples()
               if start <= first_birthday(born_on) <= end]
    ticks = _ticks({row[0] for row in infants}, [r.key for r in doses], end)
    for patient_id, born_on, code in infants:
        place = area(code)
        place.infants += 1
        birthday = first_birthday(born_on)
        place.idl += bool(doses) and all(any(d < birthday for d in ticks.get((patient_id, rule.key), [])) for rule in doses)
    return list(areas.values())


def total(areas: list[AreaPws]) -> AreaPws:
    whole = AreaPws("")
    for one in areas:
        whole.add(one)
    return whole


@dataclass
class PwsCoverage:
    """The counts of the kelurahan that have a yearly target, beside the sum of those targets: PWS
    coverage is ``mothers.k1 / pregnant_target`` and ``babies.idl / infant_target``. ``missing``: the
    kelurahan asked about (or with counts) that lack a target."""

    pregnant_target: int = 0
    infant_target: int = 0
    mothers: AreaPws = field(default_factory=lambda: AreaPws(""))
    babies: AreaPws = field(default_factory=lambda: AreaPws(""))
    missing: list[str] = field(default_factory=list)


def against_targets(areas: list[AreaPws], targets: dict[str, tuple[int | None, int | None]],
                    asked: set[str]) -> PwsCoverage:
    """``targets``: kelurahan code -> (sasaran ibu hamil, sasaran bayi) of Pengaturan > Penduduk;
    ``asked``: the working area (its kelurahan count even without a pregnancy or a birth)."""
    found = PwsCoverage()
    counted = {area.kelurahan: area for area in areas}
    for code in sorted(set(counted) | asked):
        if not code:
            continue  # patients without an address belong to no kelurahan's target
        area = counted.get(code, AreaPws(code))
        pregnant, infants = targets.get(code, (None, None))
        if pregnant:
            found.mothers.add(area)
            found.pregnant_target += pregnant
        if infants:
            found.babies.add(area)
            found.infant_target += infants
        if not pregnant or not infants:
            found.missing.append(code)
    return found
