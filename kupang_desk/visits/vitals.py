"""The vital signs a visit records, declared once: the field, the range a typed value must fall in
(outside it is a typo, 500 kg, not a patient), the unit the form shows, whether it is a whole number,
how SATUSEHAT names it (LOINC code and display, the unit and its UCUM code, as the platform's
guides use them) and P-Care's field for it (temperature goes to P-Care's ``suhu`` as text, apart). Blood pressure goes to SATUSEHAT as one panel with the two as its components."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class VitalSign:
    field: str
    low: Decimal | int
    high: Decimal | int
    unit: str  # as the form shows it
    whole: bool  # typed and kept as a whole number
    loinc: str
    display: str
    fhir_unit: str
    ucum: str
    pcare: str = ""  # the field of P-Care's pendaftaran and kunjungan ("" when sent otherwise)

    @property
    def in_panel(self) -> bool:
        """Sent as a component of the blood pressure panel, not as an Observation of its own."""
        return self.field in ("systolic", "diastolic")


SIGNS = (
    VitalSign("systolic", 50, 260, "mmHg", True, "8480-6", "Systolic blood pressure", "mm[Hg]", "mm[Hg]", "sistole"),
    VitalSign("diastolic", 30, 160, "mmHg", True, "8462-4", "Diastolic blood pressure", "mm[Hg]", "mm[Hg]", "diastole"),
    VitalSign("weight_kg", Decimal("0.3"), 300, "kg", False, "29463-7", "Body weight", "kg", "kg", "beratBadan"),
    VitalSign("height_cm", 20, 250, "cm", False, "8302-2", "Body height", "cm", "cm", "tinggiBadan"),
    VitalSign("temperature_c", 30, 45, "°C", False, "8310-5", "Body temperature", "C", "Cel"),
    VitalSign("respiration_rate", 5, 80, "/menit", True, "9279-1", "Respiratory rate", "breaths/minute", "/min", "respRate"),
    VitalSign("heart_rate", 20, 250, "/menit", True, "8867-4", "Heart rate", "beats/minute", "/min", "heartRate"),
    VitalSign("waist_cm", 20, 250, "cm", False, "8280-0", "Waist Circumference at umbilicus by Tape measure", "cm", "cm", "lingkarPerut"),
)
BY_FIELD = {sign.field: sign for sign in SIGNS}
BLOOD_PRESSURE = ("85354-9", "Blood pressure panel with all children optional")
# The order SATUSEHAT's Observations have always been sent in (the golden bundle holds it).
SENT_ORDER = ("heart_rate", "respiration_rate", "temperature_c", "weight_kg", "height_cm", "waist_cm")
