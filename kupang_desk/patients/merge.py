"""Merging two records of one person: visits move, the merged identifiers stay findable."""

from __future__ import annotations

from kupang_desk import audit
from kupang_desk.accounts.permissions import require
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import (
    CkgStudent,
    Patient,
    PatientIdentifier,
    Pregnancy,
    Screening,
    User,
    Visit,
    writing,
)
from kupang_desk.patients.registration import refresh_visit_ages
from kupang_desk.satusehat import outbox
from kupang_desk.visits.recording import refresh_new_visit_flags

# Fields the survivor takes from the merged record when its own are empty.
FILLABLE = ("kk_number", "bpjs_number", "mother_name", "mother_nik", "religion", "occupation", "education",
            "marital_status", "phone", "address", "rt", "rw", "birth_place")


def merge(survivor_id: int, merged_id: int, *, reason: str, user: User | None = None) -> Patient:
    """Moves every visit of ``merged_id`` to ``survivor_id`` and marks it merged, in one transaction."""
    user = require("patient.merge", user)
    if not reason.strip():
        raise KnownError(_("Alasan penggabungan wajib diisi."))
    if survivor_id == merged_id:
        raise KnownError(_("Pilih dua pasien yang berbeda untuk digabungkan."))
    with writing():
        survivor = Patient.get_or_none(Patient.id == survivor_id)
        merged = Patient.get_or_none(Patient.id == merged_id)
        if survivor is None or merged is None:
            raise KnownError(_("Pasien yang akan digabungkan tidak ditemukan."))
        for patient in (survivor, merged):
            if patient.merged_into_id:
                raise KnownError(_("Pasien {no_rm} sudah digabungkan sebelumnya.").format(no_rm=patient.no_rm))
        note = _("Dari penggabungan No. RM {no_rm}: {reason}").format(no_rm=merged.no_rm, reason=reason.strip())[:200]
        for kind in ("no_rm", "nik", "bpjs_number", "kk_number"):
            value = getattr(merged, kind)
            if value and value != getattr(survivor, kind):
                PatientIdentifier.create(patient=survivor, kind=kind, value=value, note=note)
        PatientIdentifier.update(patient=survivor).where(PatientIdentifier.patient == merged).execute()
        nik, survivor_nik = merged.nik, survivor.nik
        merged.nik = None
        merged.merged_into = survivor
        merged.save()
        if not survivor.nik and nik:
            survivor.nik = nik
        for name in FILLABLE:
            if not getattr(survivor, name) and getattr(merged, name):
                setattr(survivor, name, getattr(merged, name))
        survivor.save()
        moved_ids = [v for (v,) in Visit.select(Visit.id).where(Visit.patient == merged).tuples()]
        moved = Visit.update(patient=survivor).where(Visit.patient == merged).execute()
        # What was screened, the pregnancies and the school health checks are the person's too: left
        # behind, the survivor would be listed overdue for what was done.
        for model in (Screening, Pregnancy, CkgStudent):
            model.update(patient=survivor).where(model.patient == merged).execute()
        outbox.patient_changed(survivor.id, nik_changed=survivor.nik != survivor_nik, visit_ids=moved_ids)
        refresh_visit_ages(survivor, reason=note, user=user)
        refresh_new_visit_flags(survivor.id, user=user, reason=note)
        audit.record("merge", "patient", survivor.id, {
            "merged_id": merged.id, "merged_no_rm": merged.no_rm, "visits_moved": moved, "reason": reason.strip()}, user)
    return survivor
