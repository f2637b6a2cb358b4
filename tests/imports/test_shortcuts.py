"""The shortcuts an import takes for the common cell (a plain name, digits typed as text, a row
within its columns' lengths) end where the full check would: found for any text, not only the
examples (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kupang_desk.errors import ValidationError
from kupang_desk.imports.identifiers import KINDS, IdentifierDamaged, _read, read_identifier
from kupang_desk.imports.rows import RowCheck, check_lengths, checked_name
from kupang_desk.models import Student
from kupang_desk.names import tidy_name
from kupang_desk.validators import check_name

NAME_TEXT = st.text(alphabet=st.sampled_from("AaZz .,'`’-\t\n1é"), max_size=110)
NUMBER_TEXT = st.text(alphabet=st.sampled_from("0123456789 .-eE+٣"), max_size=20)


@settings(max_examples=400, deadline=None)
@given(NAME_TEXT)
def test_a_name_reads_as_the_full_check_reads_it(text):
    check = RowCheck()
    try:
        expected, problems = tidy_name(str(check_name(text, field="Nama").value)), []
    except ValidationError as error:
        expected, problems = None, [(error.field, error.message)]
    assert (checked_name(check, text, "Nama"), check.problems) == (expected, problems)


@settings(max_examples=400, deadline=None)
@given(NUMBER_TEXT, st.sampled_from(KINDS))
def test_an_identifier_reads_as_the_full_reader_reads_it(text, kind):
    def outcome(read):
        try:
            return read()
        except IdentifierDamaged as damaged:
            return (damaged.column, damaged.reason)

    assert outcome(lambda: read_identifier(text, kind, "NIK")) == outcome(lambda: _read(text, kind, "NIK", None))


def _every_value(values: dict[str, object]) -> list[tuple[str, str]]:
    """The length check as it was written first: each value against its column, one by one."""
    limits = {name: f.max_length for name, f in Student._meta.fields.items() if getattr(f, "max_length", None)}
    return [(key, f"{key} terlalu panjang") for key, value in values.items()
            if isinstance(value, str) and key in limits and len(value) > limits[key]]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["name", "sex", "rt", "nisn", "address", "kelurahan", "grade", "birth_date"]),
                       st.one_of(st.text(max_size=210), st.none(), st.integers(), st.just(dt.date(2015, 1, 1)),
                                 st.booleans())))
def test_a_row_is_refused_for_length_as_one_by_one(values):
    check = RowCheck()
    check_lengths(check, Student, values, {})
    assert [(column, reason.split(" (")[0]) for column, reason in check.problems] == _every_value(values)
