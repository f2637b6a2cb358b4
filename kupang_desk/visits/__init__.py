"""Visits: recording a visit with its diagnoses, the ICD-10 picker, the visit register, and
importing old registers from Excel or CSV."""
