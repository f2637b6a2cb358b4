"""The master data SATUSEHAT needs before a visit can go: the office's Organization id, a Location
per poli, a Practitioner per health worker, and each patient's IHS number. Kept in ``SatusehatId``
(Pengaturan > SATUSEHAT writes it; a patient's number comes from the lookup by NIK)."""

from __future__ import annotations

import re

from kupang_desk import audit, preferences
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import Patient, Poli, SatusehatId, now, writing

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,63}$")


def _checked(ihs_id: str, what: str) -> str:
    value = "".join((ihs_id or "").split())
    if value and not _ID.match(value):
        raise KnownError(_("ID SATUSEHAT {what} '{value}' tidak dikenal: hanya huruf, angka, titik dan tanda minus, "
                           "paling panjang 64.").format(what=what, value=ihs_id))
    return value


def id_of(kind: str, key: object) -> str:
    """The SATUSEHAT id of one patient, poli or health worker, or "" when there is none yet."""
    value = (SatusehatId.select(SatusehatId.ihs_id).where((SatusehatId.kind == kind) & (SatusehatId.key == str(key)))
             .scalar())
    return value or ""


def organization_id() -> str:
    return preferences.get("satusehat.organization_id")


def _put(kind: str, key: str, ihs_id: str, nik: str, user: SignedIn) -> None:
    with writing():
        row = SatusehatId.get_or_none((SatusehatId.kind == kind) & (SatusehatId.key == key))
        before = row.ihs_id if row else ""
        if not ihs_id and not nik:
            if row is not None:
                row.delete_instance()
        elif row is None:
            SatusehatId.create(kind=kind, key=key, ihs_id=ihs_id, nik=nik, updated_at=now())
        else:
            row.ihs_id, row.nik, row.updated_at = ihs_id, nik, now()
            row.save()
        if before != ihs_id:
            audit.record("update", f"satusehat_{kind}", key, {"ihs_id": [before, ihs_id]}, user)


def set_location(poli_id: int, location_id: str, *, user: SignedIn | None = None) -> None:
    """The SATUSEHAT Location of a poli (empty: none yet)."""
    user = require("settings.edit", user)
    poli = Poli.get_or_none(Poli.id == poli_id)
    if poli is None:
        raise KnownError(_("Poli nomor {id} tidak ada.").format(id=poli_id))
    _put("location", str(poli.id), _checked(location_id, _("lokasi {poli}").format(poli=poli.name)), "", user)


def set_practitioner(name: str, ihs_id: str, *, nik: str = "", user: SignedIn | None = None) -> None:
    """The SATUSEHAT Practitioner of a health worker, by the name the visits carry."""
    user = require("settings.edit", user)
    key = " ".join((name or "").split())
    if not key:
        raise KnownError(_("Tulis nama tenaga kesehatan seperti tertulis di kunjungan."))
    nik = "".join((nik or "").split())
    if nik and not (nik.isdigit() and len(nik) == 16):
        raise KnownError(_("NIK tenaga kesehatan {name} harus 16 angka.").format(name=key))
    _put("practitioner", key, _checked(ihs_id, _("tenaga kesehatan {name}").format(name=key)), nik, user)


def set_patient_id(patient_id: int, ihs_id: str, *, user: SignedIn | None = None) -> None:
    """A patient's IHS number, as the service returned it for their NIK."""
    user = require("patient.write", user)
    patient = Patient.get_or_none(Patient.id == patient_id)
    if patient is None:
        raise KnownError(_("Pasien nomor {id} tidak ada.").format(id=patient_id))
    if not patient.nik:
        raise KnownError(_("Pasien {no_rm} {name} belum punya NIK; SATUSEHAT mencari pasien menurut NIK, jadi ID IHS "
                           "tidak bisa diisi.").format(no_rm=patient.no_rm, name=patient.name))
    _put("patient", str(patient.id), _checked(ihs_id, _("pasien {name}").format(name=patient.name)), "", user)
