"""Diagnoses and their kasus stay paired in every path that writes them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kupang_desk.visits.diagnoses import DiagnosisLine, diagnosis_rows


def test_a_repeated_code_keeps_its_own_kasus_and_the_next_code_keeps_its():
    # The register bug: J06.9; J06.9; I10 with baru; baru; lama stored I10 as baru.
    rows = diagnosis_rows([("J06.9", True), ("J06.9", True), ("I10", False)])
    assert [(r.code, r.is_new_case, r.is_primary, r.position) for r in rows] == [
        ("J06.9", True, True, 1), ("I10", False, False, 2)]


def test_the_marked_primary_wins():
    rows = diagnosis_rows([DiagnosisLine("I10", False), DiagnosisLine("E11.9", True, is_primary=True)])
    assert [(r.code, r.is_primary) for r in rows] == [("I10", False), ("E11.9", True)]


@given(st.lists(st.tuples(st.sampled_from(["A09", "I10", "J06.9", "K30", "E11.9"]), st.booleans()), min_size=1, max_size=8))
def test_pairing_holds_for_any_list_of_codes_and_kasus(lines):
    rows = diagnosis_rows(lines)
    first = {}
    for code, new_case in lines:
        first.setdefault(code, new_case)
    assert [r.code for r in rows] == list(first)  # each code once, in the order first given
    assert all(r.is_new_case == first[r.code] for r in rows)  # with the kasus of its first occurrence
    assert [r.position for r in rows] == list(range(1, len(rows) + 1))
    assert sum(r.is_primary for r in rows) == 1 and rows[0].is_primary
