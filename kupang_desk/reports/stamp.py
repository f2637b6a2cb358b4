"""What a report's workbook carries for the office that receives it: who made it (the puskesmas
code and name), the period, the revision, and its tables as data, so that the Dinas adds up eleven
puskesmas from their files without typing a number (``kupang_desk.submissions.city``). The workbook
seals it (``documents.excel``): a file changed after it was made is refused there."""

from __future__ import annotations

from kupang_desk import clock
from kupang_desk.documents.table import Report
from kupang_desk.models import Institution

FORMAT = "kupang-desk-report"
VERSION = 1


def stamp_of(report: Report) -> dict:
    institution = Institution.select(Institution.code, Institution.name).first()
    return {
        "format": FORMAT, "version": VERSION, "kind": report.kind,
        "institution_code": "".join((institution.code or "").split()) if institution else "",
        "institution_name": institution.name if institution else "",
        "period_start": report.period.start.isoformat(), "period_end": report.period.end.isoformat(),
        "revision": report.revision, "made_at": clock.now().replace(microsecond=0).isoformat(),
        "closing": list(report.closing), "figures": dict(report.figures),
        "tables": [{
            "title": table.title, "note": table.note, "total_label": table.total_label,
            "columns": [{"key": c.key, "header": c.header, "group": c.group, "width": c.width, "kind": c.kind,
                         "total_of": list(c.total_of), "summed": c.summed} for c in table.columns],
            "rows": [[plain_value(value) for value in row] for row in table.rows],
        } for table in report.tables],
    }


def plain_value(value: object) -> object:
    """A cell as JSON keeps it: numbers and text as they are, anything else as its text."""
    return value if isinstance(value, (int, float, str)) or value is None else str(value)
