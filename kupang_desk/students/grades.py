"""School levels and grades: the level in the school's profile, the grade in a rombel's name as
schools write it, and the rombel one grade up."""

from __future__ import annotations

import re
from functools import lru_cache

from kupang_desk.models import Institution

LEVELS = ("SD", "SMP", "SMA", "SMK")
FIRST_GRADE = {"SD": 1, "SMP": 7, "SMA": 10, "SMK": 10}
FINAL_GRADE = {"SD": 6, "SMP": 9, "SMA": 12, "SMK": 12}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10, "XI": 11, "XII": 12}
_ARABIC_GRADE = re.compile(r"(?<!\d)(1[0-2]|[1-9])(?!\d)")
_ROMAN_GRADE = re.compile(r"(?<![A-Z])(XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I)(?![A-Z])")


def school_level() -> str:
    """SD, SMP, SMA or SMK as set in the school's profile ("SD" when not set)."""
    institution = Institution.select().first()
    level = (institution.school_level if institution else "") or "SD"
    return level if level in LEVELS else "SD"


@lru_cache(maxsize=4096)  # a school has a few dozen rombel, each on hundreds of rows of an export
def _grade_token(class_group: str) -> tuple[int, int, int, bool] | None:
    """(start, end, grade, is_roman) of the grade in a class group name. The grade at the front
    (after an optional "Kelas") wins, so that "X IPA 1" is grade 10, not 1."""
    text = str(class_group or "").upper()
    prefix = re.compile(r"\s*(?:KELAS\s*)?").match(text).end()  # type: ignore[union-attr]  # matches the empty string
    for pattern, roman in ((_ARABIC_GRADE, False), (_ROMAN_GRADE, True)):
        match = pattern.match(text, prefix)
        if match:
            return match.start(1), match.end(1), _ROMAN[match.group(1)] if roman else int(match.group(1)), roman
    for pattern, roman in ((_ARABIC_GRADE, False), (_ROMAN_GRADE, True)):
        match = pattern.search(text)
        if match:
            return match.start(1), match.end(1), _ROMAN[match.group(1)] if roman else int(match.group(1)), roman
    return None


def grade_of(class_group: str) -> int | None:
    """The grade (1-12) in a class group as schools write it: ``Kelas 4A``, ``4 B``, ``VII-A``,
    ``X IPA 1``; ``None`` when it names no grade."""
    token = _grade_token(class_group)
    return token[2] if token else None


def next_class_group(class_group: str, grade: int) -> str:
    """The class group one grade up, written the same way: ``Kelas 4A`` -> ``Kelas 5A``, ``VII-A`` -> ``VIII-A``."""
    text = str(class_group or "")
    token = _grade_token(text)
    if token is None:
        return text
    start, end, _grade, roman = token
    numeral = {number: name for name, number in _ROMAN.items()}[grade + 1] if roman else str(grade + 1)
    return text[:start] + numeral + text[end:]
