"""Peewee models of Kupang Desk, bound to one ``DatabaseProxy``; no Qt here."""

from kupang_desk.models.accounts import AuditEvent, User
from kupang_desk.models.base import BaseModel, db, now
from kupang_desk.models.puskesmas import Patient, Visit, VisitDiagnosis
from kupang_desk.models.reference import (
    Icd10,
    Institution,
    PaymentType,
    Poli,
    Region,
    Setting,
    WorkArea,
)
from kupang_desk.models.sekolah import Award, AwardEvent, Payout, ScholarshipProgramme, Student

# In dependency order: a table comes after every table it references.
ALL_MODELS = [
    Region, Institution, Icd10, Poli, PaymentType, WorkArea, Setting,
    User, AuditEvent,
    Patient, Visit, VisitDiagnosis,
    Student, ScholarshipProgramme, Award, AwardEvent, Payout,
]

__all__ = [
    "ALL_MODELS", "Award", "AwardEvent", "AuditEvent", "BaseModel", "Icd10", "Institution",
    "Patient", "PaymentType", "Payout", "Poli", "Region", "ScholarshipProgramme", "Setting",
    "Student", "User", "Visit", "VisitDiagnosis", "WorkArea", "db", "now",
]
