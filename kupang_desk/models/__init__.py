"""Peewee models of Kupang Desk, bound to one ``DatabaseProxy``; no Qt here."""

from kupang_desk.models.accounts import AuditEvent, User
from kupang_desk.models.base import BaseModel, day_of, db, now, reading, writing
from kupang_desk.models.ckg import CkgResult, CkgStudent
from kupang_desk.models.patients import Patient, PatientIdentifier
from kupang_desk.models.pcare import PcareOutbox, PcareReferral, PcareVisit
from kupang_desk.models.queue import QueueEntry
from kupang_desk.models.reference import (
    Counter,
    Icd10,
    Institution,
    PaymentType,
    Poli,
    Population,
    Region,
    Setting,
    WorkArea,
)
from kupang_desk.models.reporting import CityFile, LateChange, SentFile, SentReport
from kupang_desk.models.satusehat import SatusehatId, SatusehatOutbox, SatusehatResource
from kupang_desk.models.scholarships import Award, AwardEvent, Payout, ScholarshipProgramme
from kupang_desk.models.screening import Pregnancy, Screening
from kupang_desk.models.students import Promotion, PromotionItem, Student
from kupang_desk.models.totals import (
    DiagnosisDay,
    DiagnosisMonth,
    DiagnosisYear,
    VisitArea,
    VisitDay,
)
from kupang_desk.models.visits import Visit, VisitDiagnosis

# In dependency order: a table comes after every table it references.
ALL_MODELS = [
    Region, Institution, Icd10, Poli, PaymentType, WorkArea, Population, Setting, Counter,
    User, AuditEvent,
    Patient, PatientIdentifier, Visit, VisitDiagnosis, SentReport, SentFile, LateChange, CityFile, SatusehatId,
    SatusehatOutbox, SatusehatResource, PcareOutbox, PcareVisit, PcareReferral, Screening, Pregnancy, DiagnosisDay, DiagnosisMonth, DiagnosisYear, VisitDay, VisitArea, QueueEntry,
    Student, ScholarshipProgramme, Award, AwardEvent, Payout, Promotion, PromotionItem, CkgStudent, CkgResult,
]

__all__ = [
    "ALL_MODELS", "Award", "AwardEvent", "AuditEvent", "BaseModel", "CityFile", "CkgResult", "CkgStudent", "Counter", "DiagnosisDay", "DiagnosisMonth", "DiagnosisYear", "Icd10", "Institution", "LateChange",
    "Patient", "PatientIdentifier", "PaymentType", "PcareOutbox", "PcareReferral", "PcareVisit", "Payout", "Poli", "Population", "Pregnancy", "Promotion", "PromotionItem", "QueueEntry", "Region", "SatusehatId", "SatusehatOutbox", "SatusehatResource", "ScholarshipProgramme", "Screening", "SentFile", "SentReport", "Setting",
    "Student", "User", "Visit", "VisitArea", "VisitDay", "VisitDiagnosis", "WorkArea", "day_of", "db", "now", "reading", "writing",
]
