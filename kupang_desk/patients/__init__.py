"""Patients: registration, No. RM numbers, duplicates, merging, search, the patient card."""
