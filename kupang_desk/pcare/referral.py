"""A JKN visit referred to hospital (rujukan lanjut), as P-Care takes it.

P-Care wants the receiving facility and the subspecialty by BPJS's own codes, from its own lists
(``client.specialties``, ``subspecialties``, ``facilities``: never typed), and the planned day. A
primary diagnosis that BPJS counts as non-specialist (its list, pasted in Pengaturan > P-Care) may be
referred only with a TACC reason: Time (how long it has lasted), Age, Complication (the complicating
diagnosis) or Comorbidity. The reasons are P-Care's own words (its web service catalogue, as the open
clients send them). What the clerk chose is kept with the visit (``PcareReferral``) and goes in the
kunjungan's ``rujukLanjut``, ``kdTacc`` and ``alasanTacc``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kupang_desk import audit, settings
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import FormInvalid, KnownError
from kupang_desk.i18n import _
from kupang_desk.models import (
    Icd10,
    Patient,
    PcareOutbox,
    PcareReferral,
    Visit,
    VisitDiagnosis,
    now,
    writing,
)

NO_TACC = -1
# P-Care's TACC codes and, for each, the reasons it accepts (Complication takes the complicating diagnosis).
TACC_REASONS: dict[int, tuple[str, ...]] = {
    1: ("< 3 Hari", ">= 3 - 7 Hari", ">= 7 Hari"),
    2: ("< 1 Bulan", ">= 1 Bulan s/d < 12 Bulan", ">= 1 Tahun s/d < 5 Tahun", ">= 5 Tahun s/d < 12 Tahun",
        ">= 12 Tahun s/d < 55 Tahun", ">= 55 Tahun"),
    3: (),
    4: ("< 3 Hari", ">= 3 - 7 Hari", ">= 7 Hari"),
}


def tacc_words() -> dict[int, str]:
    return {1: _("Time: penyakit sudah berlangsung lama"), 2: _("Age: umur pasien"),
            3: _("Complication: ada komplikasi (diagnosis komplikasinya)"), 4: _("Comorbidity: ada penyakit penyerta")}


@dataclass(frozen=True)
class Choice:
    """What the clerk chose from P-Care's lists for one referral."""

    subspecialty_code: str
    subspecialty_name: str
    facility_code: str
    facility_name: str
    planned_on: dt.date
    tacc: int = NO_TACC
    tacc_reason: str = ""


def non_specialist_diagnosis(visit_id: int) -> str:
    """The visit's primary diagnosis when BPJS counts it as non-specialist (then TACC is needed), else ""."""
    codes = {str(code) for code in settings.get("pcare.non_specialist") or []}
    if not codes:
        return ""
    row = (VisitDiagnosis.select(VisitDiagnosis.icd10, Icd10.category).join(Icd10, on=(VisitDiagnosis.icd10 == Icd10.code))
           .where((VisitDiagnosis.visit == visit_id) & VisitDiagnosis.is_primary).tuples().first())
    if row is None:
        return ""
    code, category = row
    return code if code in codes or category in codes else ""


def _complication(text: str) -> str:
    """The ICD-10 code a Complication reason names ("E11.5" or "E11.5 - Type 2 diabetes ...")."""
    return text.split(" - ")[0].strip().upper()


def referral_of(visit_id: int, *, user: SignedIn | None = None) -> PcareReferral | None:
    require("patient.read", user)
    return PcareReferral.get_or_none(PcareReferral.visit == visit_id)


@dataclass(frozen=True)
class Context:
    """What the referral window shows of the visit."""

    visit_id: int
    day: dt.date
    patient: str
    place: str  # where the clerk wrote the patient is referred, in words
    needs_tacc: str  # the non-specialist primary diagnosis, or ""
    saved: PcareReferral | None


def context(visit_id: int, *, user: SignedIn | None = None) -> Context:
    require("patient.read", user)
    visit = Visit.get_or_none((Visit.id == visit_id) & Visit.deleted_at.is_null())
    if visit is None or visit.referral_kind != "external":
        raise KnownError(_("Kunjungan ini tidak dirujuk ke faskes lanjutan; tidak ada rujukan BPJS untuk dilengkapi."))
    patient = Patient.get_by_id(visit.patient_id)
    place = " · ".join(part for part in (visit.referral_facility, visit.referral_specialty) if part)
    return Context(visit.id, visit.visit_at.date(), f"{patient.no_rm} {patient.name}", place,
                   non_specialist_diagnosis(visit.id), PcareReferral.get_or_none(PcareReferral.visit == visit.id))


def _checked(visit: Visit, choice: Choice) -> dict[str, str]:
    errors = {}
    if not choice.subspecialty_code:
        errors["subspecialty"] = _("Pilih subspesialis dari daftar P-Care.")
    if not choice.facility_code:
        errors["facility"] = _("Pilih faskes rujukan dari daftar P-Care (tombol Cari faskes).")
    if choice.planned_on < visit.visit_at.date():
        errors["planned_on"] = _("Tanggal rencana rujukan tidak boleh sebelum tanggal kunjungan.")
    needs = non_specialist_diagnosis(visit.id)
    if needs and choice.tacc == NO_TACC:
        errors["tacc"] = _("Diagnosis {code} termasuk 144 diagnosis non-spesialistik BPJS: rujukan hanya dengan alasan TACC "
                           "(Time, Age, Complication, Comorbidity).").format(code=needs)
    elif choice.tacc != NO_TACC:
        if choice.tacc not in TACC_REASONS:
            errors["tacc"] = _("Kode TACC {code} tidak dikenal.").format(code=choice.tacc)
        elif TACC_REASONS[choice.tacc] and choice.tacc_reason not in TACC_REASONS[choice.tacc]:
            errors["tacc_reason"] = _("Pilih alasan TACC dari daftar.")
        elif not TACC_REASONS[choice.tacc] and not Icd10.get_or_none(Icd10.code == _complication(choice.tacc_reason)):
            errors["tacc_reason"] = _("Untuk Complication, tulis kode ICD-10 komplikasinya (misalnya E11.5).")
    return errors


def save_referral(visit_id: int, choice: Choice, *, user: SignedIn | None = None) -> PcareReferral:
    """Keeps the referral of an externally referred JKN visit, and lets its P-Care row go at once."""
    user = require("visit.write", user)
    with writing():
        visit = Visit.get_or_none((Visit.id == visit_id) & Visit.deleted_at.is_null())
        if visit is None:
            raise KnownError(_("Kunjungan ini sudah dihapus."))
        if visit.referral_kind != "external":
            raise KnownError(_("Kunjungan ini tidak dirujuk ke faskes lanjutan; pilih rujukan eksternal di kunjungan dulu."))
        if errors := _checked(visit, choice):
            raise FormInvalid(errors, lead=_("Rujukan BPJS belum dapat disimpan: "))
        reason = choice.tacc_reason if choice.tacc != NO_TACC else ""
        if choice.tacc == 3:  # Complication: "code - name", as P-Care shows it
            icd = Icd10.get(Icd10.code == _complication(reason))
            reason = f"{icd.code} - {icd.title}"
        values = {"subspecialty_code": choice.subspecialty_code, "subspecialty_name": choice.subspecialty_name[:120],
                  "facility_code": choice.facility_code, "facility_name": choice.facility_name[:150],
                  "planned_on": choice.planned_on, "tacc": choice.tacc, "tacc_reason": reason[:150],
                  "by": session.account(user), "updated_at": now()}
        if not PcareReferral.update(**values).where(PcareReferral.visit == visit_id).execute():
            PcareReferral.create(visit=visit_id, **values)
        # The row that waited for this referral goes on the next run, not ten minutes later.
        PcareOutbox.update(next_try_at=now()).where((PcareOutbox.visit == visit_id) & (PcareOutbox.state == "incomplete")).execute()
        audit.record("update", "pcare_referral", visit_id, {"facility": choice.facility_code, "subspecialty": choice.subspecialty_code,
                                                            "tacc": choice.tacc}, user)
    return PcareReferral.get(PcareReferral.visit == visit_id)
