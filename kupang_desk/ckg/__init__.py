"""Cek Kesehatan Gratis (CKG) at school, from the roster to the puskesmas and back.

The school sends the students to screen (``school.export_roster``: name, NISN, NIK, sex, birth date,
class, parent's phone, nothing more) as a signed file (``files``); the puskesmas imports it
(``puskesmas.import_roster``), each student matched to the patient they already are, screens them
(``puskesmas.record``, z-scores by ``growth``), and sends each school back only what it needs
(``puskesmas.export_results``: screened, follow-up, where and when; no diagnoses), which the school
imports (``school.import_results``) to see and to write to parents.
"""
