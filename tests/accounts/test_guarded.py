"""Access fails closed: every public function of the domain that reads or writes data checks a
permission itself (``require``), directly or through the guarded function it calls; the rest are
listed here with the reason they are harmless. Found by walking the package, never a hand list
of the guarded ones, so a new function that forgets its check fails this test."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from pathlib import Path

import pytest

from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import DEFAULT_ROLE_PERMISSIONS, ROLES, PermissionDenied

ROOT = Path(__file__).resolve().parents[2] / "kupang_desk"
# Modules with no personal data in or out: pure rules, formats, files the caller already holds.
HARMLESS_MODULES = {
    "kupang_desk.formatting": "formats numbers, dates and names it is given",
    "kupang_desk.clock": "what time it is: reads no data",
    "kupang_desk.validators": "checks values it is given",
    "kupang_desk.names": "folds names it is given",
    "kupang_desk.i18n": "the interface language",
    "kupang_desk.logs": "where the log goes",
    "kupang_desk.resources": "files shipped with the program",
    "kupang_desk.errors": "error messages",
    "kupang_desk.storage": "where a database file may live",
    "kupang_desk.display": "whether this PC's screen libraries let the window open, before any data",
    "kupang_desk.version": "the program's version and build date",
    "kupang_desk.regions": "the public region list of NTT",
    "kupang_desk.settings": "settings without personal data (each writer above it is guarded)",
    "kupang_desk.backup.keystore": "the installation key on this PC's own disk; the CLI's key command requires users.manage",
    "kupang_desk.documents.table": "lays out data the caller already read under its own permission",
    "kupang_desk.documents.excel": "writes data the caller already read under its own permission",
    "kupang_desk.documents.pdf": "writes data the caller already read under its own permission",
    "kupang_desk.imports.identifiers": "reads a cell it is given",
    "kupang_desk.imports.sheets": "reads a file the guarded importer opened",
    "kupang_desk.imports.sheet_size": "measures a file the guarded importer opened (moved out of imports.sheets)",
    "kupang_desk.imports.sheet_pieces": "reads, a piece at a time, a file the guarded importer opened",
    "kupang_desk.imports.rows": "row checks and the rejects file of the guarded importer",
    "kupang_desk.students.grades": "grades in class names, and the school's level",
    "kupang_desk.demo.people": "invents demo names",
    "kupang_desk.demo.health": "part of demo.generate, which fills an empty database only",
    "kupang_desk.demo.school": "part of demo.generate, which fills an empty database only",
    "kupang_desk.cli": "signs in like the window before any command that touches data (tests/test_cli.py)",
    "kupang_desk.ckg.growth": "z-scores of measurements it is given, from WHO's shipped table",
    "kupang_desk.ckg.files": "reads and writes a CKG file for the guarded import or export that called it",
}
HARMLESS = {
    # the CKG at school: what measurements mean, and words; the office's referral place
    "kupang_desk.ckg.puskesmas.findings": "what measurements it is given mean",
    "kupang_desk.ckg.puskesmas.choice_words": "words for the stored values of a finding",
    "kupang_desk.ckg.puskesmas.default_place": "the office's referral place: a setting, no person",
    "kupang_desk.ckg.school.result_words": "words for a result the caller already read",
    "kupang_desk.pcare.referral.tacc_words": "the words for P-Care's TACC codes",
    "kupang_desk.office.unit_mode": "whether the office names its rooms poli or klaster: a setting, no person",
    "kupang_desk.office.unit_word": "the word for a service room: a setting, no person",
    "kupang_desk.office.unit_mode_words": "the words for the three ways of naming rooms",
    "kupang_desk.pcare.referral.non_specialist_diagnosis": "whether a visit's diagnosis code is on BPJS's list: inside the "
                                                           "guarded save_referral and context",
    # population per kelurahan: public BPS figures, no person in them; saving them requires settings.edit
    "kupang_desk.population.city_population": "inhabitants per kelurahan (BPS figures), no personal data",
    "kupang_desk.population.read_population": "reads a population sheet it is given; saving it requires settings.edit",
    "kupang_desk.population.whole_number": "the number in a cell it is given",
    "kupang_desk.population.pws_targets": "the PWS targets per kelurahan (Dinas figures), no personal data",
    "kupang_desk.tasks.without_automatic_collection": "pauses the cycle collector around a function that checks its own permission",
    "kupang_desk.population.estimated_targets": "arithmetic on the population and birth rate it is given",
    # the social protection cards of a student it is given, and their words
    "kupang_desk.scholarships.awards.social_flags": "the cards of a student row the caller already read",
    "kupang_desk.scholarships.awards.flag_label": "the words for a card",
    "kupang_desk.reports.counts.months_back": "the months before a date it is given",
    # SKDR: the week a text names, the letter of a code, the SMS line of counts it is given
    "kupang_desk.reports.skdr.week_of_setting": "the week a text names, with the office's first weekday",
    "kupang_desk.reports.skdr.letter_of": "the SKDR letter of a code it is given",
    "kupang_desk.reports.skdr.sms_line": "the SMS line of counts it is given",
    # the reporting cycle: due dates and words for what it is given; the sent periods hold no personal data
    "kupang_desk.submissions.calendar.monthly_due": "the due date of a period it is given",
    "kupang_desk.submissions.calendar.weekly_due": "the due date of a week it is given",
    "kupang_desk.submissions.calendar.status_label": "the label of a state",
    "kupang_desk.submissions.calendar.overdue_line": "words for calendar entries it is given (entries() checks report.make)",
    "kupang_desk.submissions.calendar.method_label": "the label of a way of sending",
    "kupang_desk.submissions.sent.snapshot": "the cells of a report it is given (made under report.make)",
    "kupang_desk.submissions.sent.differences": "compares two snapshots it is given",
    "kupang_desk.visits.locks.sent_covering": "which sent periods hold some dates: periods, not people",
    "kupang_desk.backup.copies.database_folder_name": "a folder name from the database's random id",
    "kupang_desk.backup.copies.last_backup": "the age of the newest backup file in a folder: no people",
    "kupang_desk.backup.copies.interrupted_restore_note": "a dead restore's marker in words: a time, a PC name, file paths",
    "kupang_desk.visits.locks.touched": "sent_covering under the period lock, inside a visit write that checked visit.write",
    "kupang_desk.visits.locks.hold_for_sending": "takes the period lock inside a sending that checked report.send",
    "kupang_desk.visits.locks.note_side_changes": "keeps late changes inside a write that checked its permission",
    "kupang_desk.visits.locks.describe": "words for a sent report it is given",
    "kupang_desk.visits.locks.reason_needed": "the message for sent reports it is given",
    "kupang_desk.visits.locks.note": "keeps a late change inside the visit write that checked visit.write",
    "kupang_desk.visits.locks.revision_now": "the revision number of a period: periods, not people",
    "kupang_desk.visits.locks.latest_sent": "the latest sending of a period: periods, not people",
    "kupang_desk.visits.locks.changed_since": "whether a sending has late changes: a yes or no, no people",
    "kupang_desk.reports.stamp.plain_value": "a value it is given, as JSON keeps it",
    "kupang_desk.submissions.dhis2.dhis2_period": "the DHIS2 name of a period it is given",
    "kupang_desk.submissions.dhis2.write": "writes a payload it is given (made under report.make)",
    "kupang_desk.submissions.dhis2.keep_files": "writes a payload and summaries it is given",
    "kupang_desk.satusehat.bundle.utc_text": "converts a time it is given",
    "kupang_desk.satusehat.bundle.validate": "checks a bundle it is given (built under patient.read)",
    "kupang_desk.satusehat.command.add_commands": "declares command-line arguments",
    "kupang_desk.backup.command.add_commands": "declares command-line arguments",
    "kupang_desk.backup.command.run": "signs in like the window, then each subcommand calls guarded functions",
    "kupang_desk.imports.command.add_commands": "declares command-line arguments",
    "kupang_desk.imports.command.run": "signs in like the window, then each subcommand calls guarded functions",
    "kupang_desk.submissions.command.add_commands": "declares command-line arguments",
    "kupang_desk.submissions.command.run": "signs in like the window, then each subcommand calls guarded functions",
    "kupang_desk.reports.command.add_commands": "declares command-line arguments",
    "kupang_desk.reports.command.run": "signs in like the window, then each subcommand calls guarded functions",
    "kupang_desk.scholarships.command.add_commands": "declares command-line arguments",
    "kupang_desk.scholarships.command.run": "signs in like the window, then each subcommand calls guarded functions",
    "kupang_desk.students.command.add_commands": "declares command-line arguments",
    "kupang_desk.students.command.run": "signs in like the window, then each subcommand calls guarded functions",
    "kupang_desk.backup.command.backup_passphrase": "reads the passphrase from the environment or the terminal",
    "kupang_desk.imports.command.value_arguments": "declares command-line arguments",
    "kupang_desk.imports.command.value_answers": "reads the --map arguments",
    "kupang_desk.imports.command.print_unknown": "prints an import's summary",
    "kupang_desk.imports.command.print_warned": "prints an import's summary",
    "kupang_desk.submissions.command.kind_and_period": "declares command-line arguments",
    "kupang_desk.reports.service.reusable": "compares a report it is given with the database's write mark",
    "kupang_desk.queue.live.notify": "tells the other PCs a poli's queue changed (inside a guarded queue write)",
    "kupang_desk.queue.command.add_commands": "declares command-line arguments",
    "kupang_desk.queue.entries.poli_by_code": "a poli by its code: reference data, no people",
    "kupang_desk.queue.entries.prefix_of": "the queue prefix of a poli it is given",
    "kupang_desk.queue.entries.state_words": "the names of the queue states",
    "kupang_desk.queue.entries.whole_minutes": "rounds a time span it is given to minutes",
    "kupang_desk.satusehat.command.run": "signs in like the window, then each subcommand calls guarded functions",
    "kupang_desk.satusehat.bundle.revised": "rewrites a bundle it is given (built under patient.read)",
    "kupang_desk.satusehat.outbox.enabled": "whether the office sends to SATUSEHAT: a setting, no people",
    "kupang_desk.pcare.connection.provider_code": "this puskesmas's own FKTP code at BPJS, no people",
    "kupang_desk.credentials.keep": "keeps what its caller (which checks settings.edit) gives it",
    "kupang_desk.credentials.read": "reads a service secret for its caller, which checks the permission",
    "kupang_desk.pcare.protocol.headers": "the request's headers from the credentials it is given, no people",
    "kupang_desk.pcare.protocol.signature": "an HMAC of the consumer id and the time, no people",
    "kupang_desk.satusehat.outbox.known_resources": "the service's ids of one visit's resources, no personal data; its callers (readable, the sender) check",
    "kupang_desk.queue.entries.elderly_age": "the age from which the queue calls first: a setting, no people",
    "kupang_desk.queue.entries.priority_words": "the names of the queue's priorities",
    "kupang_desk.screening.months_between": "counts months between two dates it is given",
    "kupang_desk.screening.place_words": "the names of the places a screening is scheduled at",
    "kupang_desk.screening.due_date": "adds 280 days to the date it is given (Naegele's rule)",
    "kupang_desk.screening.outcome_words": "the names of the ways a pregnancy ends",
    "kupang_desk.screening.pws.first_birthday": "a year after the date it is given",
    "kupang_desk.screening.pws.against_targets": "sums the counts and targets it is given",
    "kupang_desk.outboxes.state_words": "the names of an outbox's states",
    "kupang_desk.outboxes.action_words": "the names of an outbox's actions",
    "kupang_desk.outboxes.status_line": "words for counts it is given (counted under patient.read)",
    "kupang_desk.outboxes.when_words": "words for times it is given",
    "kupang_desk.outboxes.backoff": "a wait computed from the numbers it is given",
    "kupang_desk.outboxes.fault_outcome": "what a status code means for a row: no data read",
    "kupang_desk.outboxes.open_counts": "counts per state, no personal data; its callers check patient.read",
    "kupang_desk.outboxes.screen_rows": "an outbox's rows for the screen; its callers (each outbox_view.rows) check patient.read",
    "kupang_desk.outboxes.problem_lines": "prints what the rows function it is given returns (which checks patient.read)",
    "kupang_desk.outboxes.rows_of_visits": "row ids from the rows function it is given (which checks patient.read)",
    "kupang_desk.outboxes.due": "an outbox's due rows for a sender that checked visit.write",
    "kupang_desk.outboxes.claim": "a sender's claim on a row, inside the transaction of a sender that checked visit.write",
    "kupang_desk.outboxes.put_back": "Kirim ulang inside the transaction of a retry() that checked visit.write",
    "kupang_desk.pcare.client.day_text": "writes a date it is given as P-Care does",
    "kupang_desk.pcare.command.add_commands": "declares command-line arguments",
    "kupang_desk.pcare.command.run": "signs in like the window, then each subcommand calls guarded functions",
    "kupang_desk.pcare.outbox.codes": "P-Care's codes the office chose (poli, doctor, awareness, discharge): settings, no people",
    "kupang_desk.pcare.outbox.enabled": "whether the office sends to P-Care: a setting, no people",
    "kupang_desk.pcare.outbox.is_jkn": "whether a visit's payment type is BPJS; called inside a visit's write (visit.write checked)",
    "kupang_desk.pcare.outbox.note": "queues a visit inside the transaction of a visit write that checked visit.write",
    "kupang_desk.pcare.outbox_view.status_line": "words for counts it is given (counted under patient.read)",
    "kupang_desk.satusehat.outbox_view.status_line": "words for counts it is given (counted under patient.read)",
    "kupang_desk.satusehat.master.id_of": "the SATUSEHAT id of a patient, poli or health worker: a platform id, no "
                                          "name or NIK (bundle.build checks patient.read)",
    "kupang_desk.satusehat.master.organization_id": "this office's own public organisation id",
    "kupang_desk.submissions.dhis2.is_json_file": "whether a file it is given starts as JSON; reads no data",
    "kupang_desk.documents.signing.key_path": "where a key file goes: a path, no data",
    "kupang_desk.documents.signing.public_key": "the office's public key for a puskesmas code: no personal data, "
                                                "no secret",
    "kupang_desk.documents.signing.sign": "signs the report data it is given (aggregate counts); the report's maker "
                                          "checked report.make",
    "kupang_desk.documents.signing.export_key": "writes a public key file; submissions.city.export_key checks report.make",
    "kupang_desk.documents.signing.read_key_file": "reads a public key file it is given; registering it requires "
                                                   "settings.edit",
    "kupang_desk.submissions.dhis2_metadata.cell_label": "words of a report column",
    "kupang_desk.submissions.dhis2_metadata.sent_columns": "which report columns DHIS2 takes",
    "kupang_desk.submissions.dhis2_metadata.lb1_columns": "the LB1's column headers (age bands from Pengaturan)",
    "kupang_desk.submissions.dhis2_metadata.mapping_from_metadata": "matches the metadata it is given: no database",
    "kupang_desk.reports.skdr.office_starts_sunday": "the office's first day of the SKDR week (a setting)",
    "kupang_desk.reports.skdr.office_week": "the SKDR week a day falls in, as the office counts weeks",
    "kupang_desk.audit_words.tables": "the names of the tables the trail records events of, no event",
    "kupang_desk.audit.actions": "the names of the actions the trail records (the filter's list), no event",
    "kupang_desk.visits.icd.doubts": "compares the codes, sex and birth date it is given with ICD-10's chapters",
    "kupang_desk.satusehat.master.find_baby": "asks the service about the mother's NIK it is given; its caller, the "
                                              "sender, acts with visit.write and read the patient",
    "kupang_desk.submissions.dhis2.read_sealed": "checks and returns the aggregate counts a file carries, no personal "
                                               "data (city.import_files checks import.run)",
    "kupang_desk.submissions.dhis2.summary_of": "reads a server reply it is given",
    "kupang_desk.reports.skdr.alert_line": "words for an alert it is given (alerts() checks report.make)",
    "kupang_desk.reports.skdr.current_codes": "the SKDR codes and thresholds: reference data",
    "kupang_desk.reports.skdr.current_mapping": "the ICD-10 to SKDR mapping: reference data",
    "kupang_desk.submissions.city.completeness_line": "words for arrivals it is given (arrivals() checks report.make)",
    "kupang_desk.submissions.city.expected": "the names of the city's puskesmas: institutions, not people",
    "kupang_desk.reports.stamp.stamp_of": "the data of a report it is given (made under report.make)",
    # the audit trail in words: labels, and sentences about events it is given (the No. RM in them
    # come from audit_words.Names, which checks audit.view)
    "kupang_desk.audit_words.table_label": "the label of a table name",
    "kupang_desk.audit_words.field_label": "the label of a field name",
    "kupang_desk.audit_words.subject": "names the record of an event it is given",
    "kupang_desk.audit_words.sentence": "words for an event it is given",
    # who acts, and the checks themselves
    "kupang_desk.accounts.permissions": "the permission checks themselves",
    "kupang_desk.accounts.session": "who is signed in",
    "kupang_desk.accounts.users.authenticate": "sign-in: the password is the check (with the lockout)",
    "kupang_desk.accounts.users.verify_again": "unlocking one's own session with one's password",
    "kupang_desk.accounts.users.change_password": "one's own password, with the old one",
    "kupang_desk.accounts.users.check_password_rules": "rules for a password it is given",
    "kupang_desk.accounts.users.hash_password": "hashes a password it is given",
    "kupang_desk.accounts.users.lock_clock": "what time it is for the lockout: reads no data",
    "kupang_desk.accounts.users.has_accounts": "whether any account exists (the first-run question)",
    "kupang_desk.accounts.users.describe": "describes an account it is given",
    "kupang_desk.accounts.users.state_label": "describes an account it is given",
    "kupang_desk.accounts.users.record_lock": "records the idle lock of the signed-in session",
    # the audit trail's own machinery
    "kupang_desk.audit.record": "writes an event for a function that already required its permission",
    "kupang_desk.audit.place": "where the open database is, from its connection",
    "kupang_desk.audit.os_user": "the operating-system user",
    "kupang_desk.audit.action_label": "a label",
    "kupang_desk.audit.who": "names the actor of an event it is given",
    "kupang_desk.audit.head": "the number and seal start of the latest event: no personal data",
    "kupang_desk.audit.remember_head": "keeps the head outside the database",
    "kupang_desk.audit.remembered_head": "reads the head kept outside the database",
    "kupang_desk.audit.anchor_in_file": "reads the mark of a file the user holds",
    # backups: the file side, the data side is guarded
    "kupang_desk.backup.copies.automatic_backup": "runs as SYSTEM_BACKUP through the guarded make_backup",
    "kupang_desk.backup.copies.backup_folder": "a folder name",
    "kupang_desk.backup.copies.holds_nothing": "whether any account or record exists at all (a new installation), no content",
    "kupang_desk.backup.copies.backups_in": "file names in a folder",
    "kupang_desk.backup.copies.latest_backup_age": "file times",
    "kupang_desk.backup.copies.inspect_backup": "counts and version of a backup file the user holds",
    "kupang_desk.backup.copies.quick_check": "SQLite's integrity check",
    "kupang_desk.backup.copies.rotate": "deletes old automatic backup files",
    "kupang_desk.backup.copies.check_database_file": "integrity, tables, counts and profile of a file the user holds",
    "kupang_desk.backup.copies.private_folder": "a folder name",
    "kupang_desk.backup.copies.remove_leftovers": "deletes partial backup files of a killed backup",
    "kupang_desk.backup.encryption.anchor_in": "reads the mark of a file the user holds (see audit.anchor_in_file)",
    "kupang_desk.backup.encryption.check_passphrase": "checks the length of a typed text",
    "kupang_desk.backup.encryption.derive": "a key from a passphrase it is given",
    "kupang_desk.backup.encryption.encrypt": "encrypts a file it is given under a key it is given",
    "kupang_desk.backup.encryption.decrypt": "decrypts a file the user holds under the passphrase the user gives",
    "kupang_desk.backup.encryption.has_passphrase": "whether a setting is set",
    "kupang_desk.backup.encryption.is_encrypted": "the first bytes of a file",
    "kupang_desk.backup.encryption.key_available": "whether this PC keeps the backup key",
    "kupang_desk.backup.encryption.current_key": "the backup key; only the guarded make_backup uses it",
    "kupang_desk.backup.encryption.unlock": "checks a typed passphrase against the stored check value",
    "kupang_desk.backup.copies.sha256": "a checksum",
    # the first start and the demo
    "kupang_desk.office.first_run": "only while no account exists (refused after), as SYSTEM_SETUP",
    "kupang_desk.demo.generate": "fills an empty database only; refuses one with data",
    "kupang_desk.demo.is_empty": "whether any row exists",
    # reference lists and labels without personal data
    "kupang_desk.office.check_age_bands": "checks bands it is given",
    "kupang_desk.office.city_kelurahan": "public region list",
    "kupang_desk.office.current_letterhead": "the institution's own letterhead",
    "kupang_desk.office.default_age_bands": "constants",
    "kupang_desk.office.default_letterhead": "constants",
    "kupang_desk.office.idle_minutes": "a setting",
    "kupang_desk.office.payment_choices": "reference list",
    "kupang_desk.office.poli_choices": "reference list",
    "kupang_desk.office.read_logo": "reads an image file the user picked",
    "kupang_desk.office.reference_items": "reference list",
    "kupang_desk.office.work_area": "kelurahan codes of the work area",
    "kupang_desk.beranda.summary.database_summary": "counts only, no names",
    "kupang_desk.beranda.summary.institution": "the institution's own profile",
    "kupang_desk.reports.base.age_bands": "a setting",
    "kupang_desk.reports.base.kind_label": "a label",
    "kupang_desk.reports.base.visit_report": "lays out counts the guarded report functions made",
    "kupang_desk.reports.counts.band_expression": "builds SQL, reads nothing",
    "kupang_desk.reports.counts.icd_titles": "ICD-10 titles (public reference)",
    "kupang_desk.reports.counts.live_visits_in": "builds a query for the guarded report functions, reads nothing",
    "kupang_desk.reports.lb1.lb1_columns": "column headings",
    "kupang_desk.reports.recap.recap_columns": "column headings",
    "kupang_desk.reports.register.filter_period": "a period from a filter",
    "kupang_desk.reports.register.register_columns": "column headings",
    "kupang_desk.visits.icd": "the ICD-10 reference list",
    "kupang_desk.visits.diagnoses.diagnosis_rows": "pairs codes it is given",
    "kupang_desk.visits.recording.form_of": "a form from a visit row the guarded caller loaded",
    "kupang_desk.visits.recording.parse_vital": "parses text it is given",
    "kupang_desk.visits.recording.review": "checks a form it is given",
    "kupang_desk.visits.recording.suggest_new_case": "reads the ICD-10 rule for a code",
    "kupang_desk.visits.recording.vital_label": "a label",
    "kupang_desk.visits.register_import.find_header": "finds the header in rows it is given",
    "kupang_desk.visits.register_import.prepare_row": "checks a row for the guarded importer",
    "kupang_desk.patients.registration.review": "checks a form it is given",
    "kupang_desk.patients.numbers": "No. RM counters, advanced inside the guarded registration",
    "kupang_desk.names.similarity": "compares two names it is given",
    "kupang_desk.patients.history.former_identifiers": "reads rows of a patient the guarded caller opened",
    "kupang_desk.imports.values": "value lists (poli, cara bayar, kelurahan) and remembered spellings, no personal data",
    "kupang_desk.scholarships.awards.status_label": "a label",
    "kupang_desk.scholarships.awards.stage_share": "arithmetic on an award the guarded caller loaded",
    "kupang_desk.scholarships.awards.paid_amount": "sums payouts of an award the guarded caller loaded",
    "kupang_desk.scholarships.awards.history": "events of an award the guarded caller loaded",
    "kupang_desk.scholarships.printouts.recipient_columns": "column headings",
    "kupang_desk.scholarships.printouts.school_letterhead": "the school's own letterhead",
    "kupang_desk.scholarships.printouts.school_year_of": "a school year from a date",
    "kupang_desk.scholarships.programmes": "programme rules (names, amounts, stages): no student data",
    "kupang_desk.students.classes.describe_promotion": "describes a promotion it is given",
    "kupang_desk.students.classes.next_school_year": "a school year from today",
    "kupang_desk.students.dapodik.field_for": "maps a column heading",
    "kupang_desk.students.dapodik.find_header": "finds the header in rows it is given",
    "kupang_desk.students.records.clean": "checks values for the guarded save and import",
}


def _functions() -> dict[str, ast.FunctionDef]:
    found = {}
    for info in pkgutil.walk_packages([str(ROOT)], "kupang_desk."):
        name = info.name
        if name.startswith(("kupang_desk.ui", "kupang_desk.models")) or name == "kupang_desk.__main__":
            continue
        module = importlib.import_module(name)
        for attribute, function in inspect.getmembers(module, inspect.isfunction):
            if attribute.startswith("_") or function.__module__ != name:
                continue
            tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
            found[f"{name}.{attribute}"] = tree.body[0]
        for attribute, cls in inspect.getmembers(module, inspect.isclass):  # a class that opens data on creation
            if cls.__module__ == name and not attribute.startswith("_") and "__init__" in cls.__dict__ \
                    and attribute in ("VisitRegister",):
                tree = ast.parse(textwrap.dedent(inspect.getsource(cls.__init__)))
                found[f"{name}.{attribute}"] = tree.body[0]
    return found


def _called(node: ast.AST) -> set[str]:
    return {call.func.id if isinstance(call.func, ast.Name) else call.func.attr for call in ast.walk(node)
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name | ast.Attribute)}


def guarded_functions() -> set[str]:
    functions = _functions()
    guarded = {name for name, node in functions.items() if "require" in _called(node)}
    changed = True
    while changed:  # a function that calls a guarded one (by name) is guarded through it
        names = {name.rsplit(".", 1)[1] for name in guarded}
        more = {name for name, node in functions.items() if name not in guarded and _called(node) & names}
        guarded |= more
        changed = bool(more)
    return guarded


def _harmless(name: str) -> bool:
    return any(name == key or name.startswith(key + ".") for key in (*HARMLESS, *HARMLESS_MODULES))


def test_every_public_domain_function_checks_a_permission_or_says_why_not():
    functions = _functions()
    guarded = guarded_functions()
    unchecked = sorted(name for name in functions if name not in guarded and not _harmless(name))
    assert not unchecked, "these read or write without require(...); guard them or list why they are harmless:\n" + \
        "\n".join(unchecked)
    stale = sorted(key for key in HARMLESS if not any(f == key or f.startswith(key + ".") for f in functions))
    assert not stale, f"listed as harmless but gone: {stale}"


def test_the_readers_the_attack_found_are_guarded():
    guarded = guarded_functions()
    for name in ("kupang_desk.visits.register.VisitRegister", "kupang_desk.reports.register.register_report",
                 "kupang_desk.reports.register.export_register_xlsx", "kupang_desk.patients.history.diagnoses_over_time",
                 "kupang_desk.patients.registration.find_by_nik", "kupang_desk.patients.search.find_by_no_rm",
                 "kupang_desk.patients.duplicates.likely_duplicates", "kupang_desk.reports.lb1.lb1_report",
                 "kupang_desk.patients.subject.processing_history", "kupang_desk.patients.registration.refresh_visit_ages",
                 "kupang_desk.visits.recording.refresh_new_visit_flags"):
        assert name in guarded, name


READERS = {  # the role x function matrix for the readers the attack named, generated from the defaults
    "patient.read": [
        lambda: __import__("kupang_desk.visits.register", fromlist=["x"]).VisitRegister(),
        lambda: __import__("kupang_desk.patients.search", fromlist=["x"]).find_by_no_rm("000001"),
        lambda: __import__("kupang_desk.patients.registration", fromlist=["x"]).find_by_nik("5371040000000001"),
        lambda: __import__("kupang_desk.patients.duplicates", fromlist=["x"]).likely_duplicates("Ana", None),
        lambda: __import__("kupang_desk.patients.history", fromlist=["x"]).diagnoses_over_time(1),
        lambda: __import__("kupang_desk.patients.subject", fromlist=["x"]).processing_history(1),
    ],
    "report.make": [
        lambda: __import__("kupang_desk.reports.lb1", fromlist=["x"]).lb1_report(_period()),
        lambda: __import__("kupang_desk.reports.register", fromlist=["x"]).register_report(_filter()),
    ],
    "student.read": [lambda: __import__("kupang_desk.scholarships.awards", fromlist=["x"]).deadline_warnings()],
}


def _period():
    from kupang_desk.documents.table import Period

    return Period.month("2026-11")


def _filter():
    from kupang_desk.visits.register import VisitFilter

    return VisitFilter()


@pytest.mark.parametrize("permission", sorted(READERS))
def test_each_role_reads_only_what_its_permissions_allow(sqlite_database, permission):
    from kupang_desk.accounts import users

    for role in ROLES:
        account = users.create_user(f"r-{role.replace('_', '-')}", f"Peran {role}", role, "rahasia-123", must_change=False)
        with session.acting_as(account):
            for call in READERS[permission]:
                if permission in DEFAULT_ROLE_PERMISSIONS[role]:
                    call()
                else:
                    with pytest.raises(PermissionDenied):
                        call()
