"""The diagnosis lines of a visit as they are written: one function for every path.

The visit form, a correction, the register import and the demo all hand over codes with
their kasus (baru/lama); this turns them into the rows to store. A code given twice keeps
its first occurrence together with that occurrence's own kasus, so the kasus of the codes
after it never shift onto the wrong code (which would put a case into the wrong LB1 column).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class DiagnosisLine:
    code: str
    is_new_case: bool = True
    is_primary: bool = False


@dataclass(frozen=True, slots=True)
class DiagnosisRow:
    """One ``VisitDiagnosis`` row: position from 1, exactly one primary per visit."""

    code: str
    is_new_case: bool
    is_primary: bool
    position: int


def diagnosis_rows(lines: Iterable[DiagnosisLine | tuple[str, bool]]) -> list[DiagnosisRow]:
    """The rows for ``lines`` (DiagnosisLine or (code, is_new_case) pairs), in order, each code once.

    The primary diagnosis is the first line marked primary, else the first line.
    """
    kept: dict[str, tuple[bool, bool]] = {}
    for line in lines:
        code, new_case, primary = (line.code, line.is_new_case, line.is_primary) if isinstance(line, DiagnosisLine) \
            else (line[0], line[1], False)
        if code not in kept:
            kept[code] = (bool(new_case), bool(primary))
        elif primary:
            kept[code] = (kept[code][0], True)
    primary_code = next((code for code, (_new, primary) in kept.items() if primary), next(iter(kept), None))
    return [DiagnosisRow(code, new_case, code == primary_code, position)
            for position, (code, (new_case, _primary)) in enumerate(kept.items(), start=1)]
