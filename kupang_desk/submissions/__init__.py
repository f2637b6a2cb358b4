"""The submissions, the reporting cycle up the line: what is due and when, what was sent (files, counts,
revisions), what changed since, DHIS2 and the Dinas's intake. The reports themselves (what is counted
and how it is laid out) are ``kupang_desk.reports``."""
