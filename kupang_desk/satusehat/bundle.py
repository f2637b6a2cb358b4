"""A recorded visit as the SATUSEHAT transaction Bundle: Encounter, a Condition per diagnosis and
an Observation per vital sign, linked by ``urn:uuid`` references.

- Encounter: class AMB; identifier ``http://sys-ids.kemkes.go.id/encounter/{organization}`` with
  the visit id (the register's), so that a second post is a conditional create the service
  answers with the Encounter it already has (``ifNoneExist``); period and statusHistory arrived ->
  in-progress -> finished; the practitioner, the poli's Location, the organisation; the diagnoses
  ranked as the form ordered them.
- Condition: ICD-10 (``http://hl7.org/fhir/sid/icd-10``), category encounter-diagnosis; clinical
  status ``active`` for a kasus baru and for a kasus lama alike: a kasus lama is the same illness
  still going on, which FHIR calls active (``recurrence`` is a resolved condition come back).
- Observation (vital-signs): LOINC and UCUM units for the vitals the visit has; blood pressure as
  the 85354-9 panel with systolic and diastolic components.
- Times: the visit is kept in WITA (UTC+8, no daylight saving); FHIR gets UTC.

The ids inside (``urn:uuid``) are UUID 5 of the organisation, the visit and the resource, so the
same visit always gives the same bundle. What the service needs and this office has not entered
(the organisation id, the patient's NIK or IHS number, the poli's Location, the health worker's
Practitioner) is listed in words with where to add it; the bundle then carries a marked placeholder
(``BELUM-ADA-...``) in that reference and is not to be sent.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.models import Icd10, QueueEntry, Visit, VisitDiagnosis
from kupang_desk.satusehat import master
from kupang_desk.visits import vitals

WITA = dt.timezone(dt.timedelta(hours=8))
NAMESPACE = uuid.UUID("6f1c3d2e-5a8b-4c7d-9e0f-1a2b3c4d5e6f")  # Kupang Desk's; never change it
ENCOUNTER_SYSTEM = "http://sys-ids.kemkes.go.id/encounter/{organization}"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"
LOINC, UCUM = "http://loinc.org", "http://unitsofmeasure.org"
PLACEHOLDER = "BELUM-ADA-{what}"
# Finishing a visit takes at most this long after it started; a later created_at is a visit entered
# afterwards, whose end is then not known and is sent as its start.
LONGEST_VISIT = dt.timedelta(hours=4)
PLATFORM_START = dt.date(2014, 6, 3)  # SATUSEHAT refuses encounters before this date (the platform's documentation)


# The vitals of a visit as Observations, from the one table of vital signs (visits/vitals.py);
# blood pressure is the panel with its two components.
VITALS = tuple(vitals.BY_FIELD[field] for field in vitals.SENT_ORDER)
BLOOD_PRESSURE = vitals.BLOOD_PRESSURE
SYSTOLIC = (vitals.BY_FIELD["systolic"].loinc, vitals.BY_FIELD["systolic"].display)
DIASTOLIC = (vitals.BY_FIELD["diastolic"].loinc, vitals.BY_FIELD["diastolic"].display)


@dataclass
class Built:
    """The bundle of one visit and what is missing before it may be sent."""

    visit_id: int
    bundle: dict
    missing: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # what each entry is: encounter, condition/A09, ...

    @property
    def ready(self) -> bool:
        return not self.missing


def utc_text(local: dt.datetime) -> str:
    """A WITA wall-clock time as FHIR's UTC instant: 09:30 in Kupang is ``01:30:00+00:00``."""
    aware = local.replace(tzinfo=WITA) if local.tzinfo is None else local
    return aware.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _urn(organization: str, visit_id: int, part: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{organization}/visit/{visit_id}/{part}')}"


def _coding(system: str, code: str, display: str) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display}]}


def _quantity(value: Decimal | int | float, vital_unit: str, ucum: str) -> dict:
    number = float(value)
    shown = int(number) if number.is_integer() else number  # 36.0 kg is sent as 36, 36.5 as 36.5
    return {"value": shown, "unit": vital_unit, "system": UCUM, "code": ucum}


def build(visit_id: int, *, include_deleted: bool = False, user: SignedIn | None = None) -> Built:
    """The transaction Bundle of a recorded visit, with what is missing in words (empty: ready).
    ``include_deleted``: a deleted visit too, as its cancellation is built from it."""
    require("patient.read", user)
    visit = Visit.get_or_none(Visit.id == visit_id)
    if visit is None or (visit.deleted_at is not None and not include_deleted):
        raise KnownError(_("Kunjungan nomor {id} tidak ada (atau sudah dihapus). Nomornya ada di kolom No. di Register "
                           "kunjungan.").format(id=visit_id))
    patient, poli = visit.patient, visit.poli
    missing: list[str] = []
    organization = master.organization_id()
    if not organization:
        missing.append(_("ID Organisasi SATUSEHAT puskesmas: isi di Pengaturan > SATUSEHAT."))
    patient_ref = ""
    if not patient.nik and not patient.mother_nik:
        missing.append(_("NIK pasien {no_rm} {name}: SATUSEHAT mencari pasien menurut NIK; isi NIK di data pasien "
                         "(Ubah data pasien), atau untuk bayi yang belum punya NIK isi NIK ibunya.").format(
            no_rm=patient.no_rm, name=patient.name))
    elif not patient.nik:  # a baby found by its mother's NIK (nik-ibu) and birth date
        patient_ref = master.id_of("patient", patient.id)
        if not patient_ref:
            missing.append(_("ID IHS bayi {no_rm} {name}: dicari menurut NIK ibu {nik} dan tanggal lahirnya oleh antrean "
                             "kirim.").format(no_rm=patient.no_rm, name=patient.name, nik=patient.mother_nik))
    else:
        patient_ref = master.id_of("patient", patient.id)
        if not patient_ref:
            missing.append(_("ID IHS pasien {no_rm} {name}: ambil menurut NIK di Pengaturan > SATUSEHAT (Ambil ID dari SATUSEHAT) "
                             "atau biarkan antrean kirim mengambilnya.").format(no_rm=patient.no_rm, name=patient.name))
    location = master.id_of("location", poli.id)
    if not location:
        missing.append(_("ID Lokasi SATUSEHAT untuk poli {poli}: isi di Pengaturan > SATUSEHAT.").format(poli=poli.name))
    worker = " ".join(visit.health_worker.split())
    practitioner = master.id_of("practitioner", worker) if worker else ""
    if not worker:
        missing.append(_("Tenaga kesehatan kunjungan ini belum diisi: isi di formulir kunjungan (Koreksi)."))
    elif not practitioner:
        missing.append(_("ID Praktisi (IHS) tenaga kesehatan {name}: isi di Pengaturan > SATUSEHAT.").format(name=worker))

    org = organization or PLACEHOLDER.format(what="ID-ORGANISASI")
    subject = {"reference": f"Patient/{patient_ref or PLACEHOLDER.format(what='ID-IHS-PASIEN')}", "display": patient.name}
    doctor = {"reference": f"Practitioner/{practitioner or PLACEHOLDER.format(what='ID-PRAKTISI')}",
              "display": worker or _("(belum diisi)")}
    start, end = _times(visit)
    if start.date() < PLATFORM_START:
        missing.append(_("Tanggal kunjungan {date} sebelum {start}: SATUSEHAT tidak menerima kunjungan sebelum tanggal "
                         "itu (kunjungan dari register lama tidak dikirim). Bila tanggalnya salah ketik, perbaiki di "
                         "Koreksi kunjungan.").format(date=format_date(start.date()), start=format_date(PLATFORM_START)))
    encounter_urn = _urn(org, visit.id, "encounter")
    diagnoses = list(VisitDiagnosis.select(VisitDiagnosis, Icd10).join(Icd10).where(VisitDiagnosis.visit == visit.id)
                     .order_by(VisitDiagnosis.position))
    for line in diagnoses:
        if not line.icd10.is_leaf:  # SATUSEHAT takes the most detailed code, as the WHO list has it
            finer = [code for (code,) in Icd10.select(Icd10.code).where(
                Icd10.code.startswith(line.icd10.code + ".")).order_by(Icd10.code).limit(4).tuples()]
            missing.append(_("Diagnosis {code} punya sub-kode ({finer}): SATUSEHAT meminta kode yang paling rinci; "
                             "pilih salah satu di Koreksi kunjungan.").format(code=line.icd10.code,
                                                                            finer=", ".join(finer) + ", ..."))
    entries = []
    conditions = []
    for rank, line in enumerate(diagnoses, start=1):
        part = f"condition/{line.icd10.code}"
        urn = _urn(org, visit.id, part)
        conditions.append({"condition": {"reference": urn, "display": line.icd10.title},
                           "use": _coding("http://terminology.hl7.org/CodeSystem/diagnosis-role", "DD",
                                          "Discharge diagnosis"), "rank": rank})
        status = ("active", "Active")  # kasus baru or lama: the illness is going on (not a resolved one come back)
        entries.append((part, urn, {
            "resourceType": "Condition",
            "clinicalStatus": _coding("http://terminology.hl7.org/CodeSystem/condition-clinical", *status),
            "category": [_coding("http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis",
                                 "Encounter Diagnosis")],
            "code": _coding(ICD10_SYSTEM, line.icd10.code, line.icd10.title),
            "subject": subject, "encounter": {"reference": encounter_urn},
            "recordedDate": utc_text(start),
        }, "Condition"))
    encounter = {
        "resourceType": "Encounter",
        "identifier": [{"system": ENCOUNTER_SYSTEM.format(organization=org), "value": str(visit.id)}],
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory"},
        "subject": subject,
        "participant": [{"type": [_coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "ATND",
                                          "attender")], "individual": doctor}],
        "period": {"start": utc_text(start), **({"end": utc_text(end)} if end else {})},
        "location": [{"location": {"reference": f"Location/{location or PLACEHOLDER.format(what='ID-LOKASI')}",
                                   "display": poli.name}}],
        "statusHistory": _history(start, end),
        "serviceProvider": {"reference": f"Organization/{org}"},
    }
    if conditions:
        encounter["diagnosis"] = conditions
    observations = _observations(visit, org, subject, doctor, encounter_urn, utc_text(start))
    bundle_entries = [_entry(encounter_urn, encounter, "Encounter",
                             if_none_exist=f"identifier={ENCOUNTER_SYSTEM.format(organization=org)}|{visit.id}")]
    bundle_entries += [_entry(urn, resource, kind) for _part, urn, resource, kind in entries + observations]
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": bundle_entries}
    return Built(visit.id, bundle, missing, ["encounter", *(part for part, *_rest in entries + observations)])


def _times(visit: Visit) -> tuple[dt.datetime, dt.datetime | None]:
    """When the patient arrived and when the service ended: the queue's arrival and finish where the
    visit came through it, else the time typed and the time the visit was saved (within four hours
    after it). A visit typed in later (from a paper register, the next day) has no known end: None,
    never an end made up from its start."""
    entry = QueueEntry.select(QueueEntry.arrived_at, QueueEntry.served_at, QueueEntry.finished_at).where(
        QueueEntry.visit == visit.id).order_by(QueueEntry.id).first()
    start = entry.arrived_at if entry is not None and entry.arrived_at else visit.visit_at
    finished = [t for t in ((entry.finished_at, entry.served_at) if entry is not None else ()) if t]
    end = finished[0] if finished else visit.created_at
    return start, (end if end is not None and start < end <= start + LONGEST_VISIT else None)


def _history(start: dt.datetime, end: dt.datetime | None) -> list[dict]:
    """arrived -> in-progress -> finished, as the platform's finished Encounter has them; without a
    known end, arrived then finished from the arrival with the end left open (FHIR's period allows
    it), rather than a service of zero minutes."""
    if end is None:
        return [{"status": "arrived", "period": {"start": utc_text(start), "end": utc_text(start)}},
                {"status": "finished", "period": {"start": utc_text(start)}}]
    return [{"status": "arrived", "period": {"start": utc_text(start), "end": utc_text(start)}},
            {"status": "in-progress", "period": {"start": utc_text(start), "end": utc_text(end)}},
            {"status": "finished", "period": {"start": utc_text(end), "end": utc_text(end)}}]


def _entry(urn: str, resource: dict, kind: str, *, if_none_exist: str = "") -> dict:
    request = {"method": "POST", "url": kind}
    if if_none_exist:
        request["ifNoneExist"] = if_none_exist
    return {"fullUrl": urn, "resource": resource, "request": request}


def _observations(visit: Visit, org: str, subject: dict, doctor: dict, encounter: str,
                  at: str) -> list[tuple[str, str, dict, str]]:
    category = [_coding("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")]

    def observation(code: tuple[str, str], **value) -> dict:
        return {"resourceType": "Observation", "status": "final", "category": category,
                "code": _coding(LOINC, *code), "subject": subject, "performer": [doctor],
                "encounter": {"reference": encounter}, "effectiveDateTime": at, "issued": at, **value}

    found = []
    if visit.systolic is not None and visit.diastolic is not None:
        found.append(("observation/blood-pressure", _urn(org, visit.id, "observation/blood-pressure"),
                      observation(BLOOD_PRESSURE, component=[
            {"code": _coding(LOINC, *SYSTOLIC), "valueQuantity": _quantity(visit.systolic, "mm[Hg]", "mm[Hg]")},
            {"code": _coding(LOINC, *DIASTOLIC), "valueQuantity": _quantity(visit.diastolic, "mm[Hg]", "mm[Hg]")},
        ]), "Observation"))
    for vital in VITALS:
        value = getattr(visit, vital.field)
        if value is not None:
            part = f"observation/{vital.loinc}"
            found.append((part, _urn(org, visit.id, part), observation(
                (vital.loinc, vital.display), valueQuantity=_quantity(value, vital.fhir_unit, vital.ucum)), "Observation"))
    return found


def validate(bundle: dict) -> None:
    """Checks the bundle and every resource in it against the FHIR R4 (R4B) models; a failure is a
    defect of this module, said in words with the first problems."""
    from fhir.resources.R4B import get_fhir_model_class  # heavy: loaded when a bundle is checked
    from pydantic import ValidationError

    try:
        get_fhir_model_class("Bundle").model_validate(bundle)
        for entry in bundle.get("entry", []):
            resource = entry["resource"]
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    except (ValidationError, KeyError, ValueError) as error:
        raise KnownError(_("Bundle FHIR kunjungan tidak sah menurut FHIR R4: {problem}").format(
            problem=str(error).splitlines()[0:3])) from error


ENTERED_IN_ERROR = _coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "entered-in-error",
                           "Entered in Error")


def _retire(resource: dict) -> dict:
    """The resource marked entered-in-error, as a deleted visit's resources are sent."""
    if resource["resourceType"] == "Condition":
        resource.pop("clinicalStatus", None)  # FHIR: no clinical status on an entered-in-error condition
        resource["verificationStatus"] = ENTERED_IN_ERROR
    else:
        resource["status"] = "entered-in-error"
    return resource


def _removed(part: str, resource_id: str, subject: dict, encounter: str) -> dict:
    """A resource the service holds that a correction took away (a diagnosis, a vital), retired."""
    kind, _slash, code = part.partition("/")
    if kind == "condition":
        resource = {"resourceType": "Condition", "code": {"coding": [{"system": ICD10_SYSTEM, "code": code}]},
                    "category": [_coding("http://terminology.hl7.org/CodeSystem/condition-category",
                                         "encounter-diagnosis", "Encounter Diagnosis")]}
    else:
        loinc = BLOOD_PRESSURE[0] if code == "blood-pressure" else code
        resource = {"resourceType": "Observation", "code": {"coding": [{"system": LOINC, "code": loinc}]}}
    resource.update(id=resource_id, subject=subject, encounter={"reference": encounter})
    return _retire(resource)


def revised(built: Built, known: dict[str, tuple[str, str]], *, cancel: bool = False) -> tuple[dict, list[str]]:
    """The transaction of a correction (or with ``cancel`` a deletion) of a visit the service holds.

    ``known`` maps each part the service accepted to its resource type and id. A correction
    replaces what the service holds (``PUT Kind/id``), creates what is new and marks what it took
    away entered-in-error; a deletion marks everything the service holds entered-in-error. Returns
    the bundle and the part of each of its entries."""
    references = {entry["fullUrl"]: "/".join(known[part]) for part, entry in zip(built.parts, built.bundle["entry"], strict=True)
                  if part in known}
    entries, parts = [], []
    for part, entry in zip(built.parts, built.bundle["entry"], strict=True):
        text = json.dumps(entry["resource"])
        for urn, reference in references.items():
            text = text.replace(json.dumps(urn), json.dumps(reference))
        resource = json.loads(text)
        if part in known:
            kind, resource_id = known[part]
            resource["id"] = resource_id
            request = {"method": "PUT", "url": f"{kind}/{resource_id}"}
            entries.append({"fullUrl": entry["fullUrl"], "resource": _retire(resource) if cancel else resource,
                            "request": request})
        elif not cancel:
            entries.append({"fullUrl": entry["fullUrl"], "resource": resource, "request": entry["request"]})
        else:
            continue
        parts.append(part)
    if "encounter" in known:
        subject = built.bundle["entry"][0]["resource"]["subject"]
        encounter = "/".join(known["encounter"])
        for part, (_kind, resource_id) in sorted(known.items()):
            if part not in built.parts:
                entries.append({"fullUrl": f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{encounter}/{part}')}",
                                "resource": _removed(part, resource_id, subject, encounter),
                                "request": {"method": "PUT", "url": f"{known[part][0]}/{resource_id}"}})
                parts.append(part)
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}, parts
