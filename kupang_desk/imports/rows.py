"""What every import says about each row: its status, all its problems, and the rejects file.

A row is checked whole: every problem is collected (the clerk fixes a row once), and a
problem that does not stop it (a NIK that Excel may have cut, an identifier left out) is
a warning the preview and the warnings sheet show.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar

from peewee import Model

from kupang_desk.errors import ValidationError
from kupang_desk.formatting import format_number
from kupang_desk.i18n import _
from kupang_desk.imports.identifiers import (
    Identifier,
    IdentifierDamaged,
    display_number,
    read_identifier,
)
from kupang_desk.imports.values import PendingValue, RejectedValue, Unknown, ValueMapper
from kupang_desk.names import tidy_name
from kupang_desk.validators import check_name, plain_name, typed_digits

T = TypeVar("T")


class RowError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


# Rows of a file whose cells an import keeps to show (the wizard's table); a clean row after them
# keeps only its result, since its cells are in the file (a district's 50,000 rows are not held twice).
PREVIEW_ROWS = 1000


@dataclass(slots=True)  # one per row of a file: kept small
class RowResult:
    line: int  # the row number in the sheet, as Excel shows it
    status: str  # "new", "update" (students), "unchanged", "error"
    original: list
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, reason): why it is rejected
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (column, note): imported, but look at it
    incomplete: bool = False  # an identifier was refused and left out: "perlu dilengkapi"
    pending: list[tuple[str, str]] = field(default_factory=list)  # values waiting for the clerk's answer

    @property
    def column(self) -> str:
        items = self.problems or self.pending or self.warnings
        return ", ".join(dict.fromkeys(column for column, _reason in items if column))

    @property
    def reason(self) -> str:
        return " ".join(reason for _column, reason in (self.problems or self.pending or self.warnings))


@dataclass
class ImportSummary:
    rows: list[RowResult] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    mapped: dict[str, str] = field(default_factory=dict)  # header -> field it was read as
    unknown: list[Unknown] = field(default_factory=list)  # values to answer before anything is written
    written: bool = False
    late: list[str] = field(default_factory=list)  # sent reports the new rows fall in (they need a revision)

    def counts(self) -> Counter:
        return Counter(row.status for row in self.rows)

    def describe(self) -> str:
        """``50.000 baru, 0 sudah ada, 0 ditolak``: the counts grouped as the clerk reads numbers."""
        counts = {status: format_number(count) for status, count in self.counts().items()}
        if "update" in counts:
            text = _("{new} baru, {update} diperbarui, {unchanged} tidak berubah, {error} ditolak").format(
                new=counts.get("new", "0"), update=counts["update"], unchanged=counts.get("unchanged", "0"),
                error=counts.get("error", "0"))
        else:
            text = _("{new} baru, {unchanged} sudah ada, {error} ditolak").format(
                new=counts.get("new", "0"), unchanged=counts.get("unchanged", "0"), error=counts.get("error", "0"))
        incomplete = sum(row.incomplete for row in self.rows if row.status != "error")
        if incomplete:
            text += ", " + _("{count} perlu dilengkapi").format(count=format_number(incomplete))
        if self.late:
            text += ". " + _("Kunjungan baru masuk periode yang laporannya sudah dikirim, jadi laporan ini perlu revisi: "
                             "{reports}").format(reports="; ".join(self.late))
        return text

    @property
    def warned(self) -> list[RowResult]:
        return [row for row in self.rows if row.status != "error" and row.warnings]


class RowCheck:
    """Collects every problem of one row instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        self.warnings: list[tuple[str, str]] = []
        self.damaged: list[tuple[str, str]] = []  # identifiers refused; the row may go on without them
        self.incomplete = False
        self.pending: list[PendingValue] = []

    def run(self, check: Callable[..., T], *args: Any, default: T | None = None, **kwargs: Any) -> T | None:
        """``check(*args, **kwargs)``, or ``default`` with its problem noted."""
        try:
            return check(*args, **kwargs)
        except IdentifierDamaged as error:
            self.damaged.append((error.column, error.reason))
        except (RowError, RejectedValue) as error:
            self.problems.append((error.column, error.reason))
        except ValidationError as error:
            self.problems.append((error.field, error.message))
        except PendingValue as error:
            self.pending.append(error)
        return default

    def first_problem(self) -> RowError | None:
        """For a form, which shows one message under one field: the first problem of any kind."""
        if self.problems:
            return RowError(*self.problems[0])
        if self.damaged:
            return RowError(*self.damaged[0])
        if self.pending:
            return RowError(self.pending[0].column, self.pending[0].form_message())
        return None

    def problem(self, column: str, reason: str) -> None:
        self.problems.append((column, reason))

    def warn(self, column: str, note: str) -> None:
        self.warnings.append((column, note))

    def leave_out(self, column: str, note: str) -> None:
        """An identifier the row goes on without, as the clerk chose: "perlu dilengkapi"."""
        self.warnings.append((column, note))
        self.incomplete = True

    def settle(self, identified: bool) -> None:
        """Decides the damaged identifiers: with another identifier the row goes on without them
        ("perlu dilengkapi", a warning); without one they are problems."""
        if not self.damaged:
            return
        if identified:
            self.warnings.extend((column, reason + " " + _("Baris diimpor tanpa {column}; lengkapi nanti.").format(column=column))
                                 for column, reason in self.damaged)
        else:
            self.problems.extend(self.damaged)
        self.damaged = []
        self.incomplete = self.incomplete or identified

    def apply(self, result: RowResult) -> None:
        result.problems, result.warnings, result.incomplete = self.problems, self.warnings, self.incomplete
        result.pending = [(error.column, error.reason) for error in self.pending]
        if self.problems:
            result.status = "error"


@lru_cache(maxsize=65536)
def _name_once(text: str, column: str, required: bool) -> tuple[str, tuple[str, str] | None]:
    try:
        return tidy_name(str(check_name(text, field=column, required=required).value)), None
    except ValidationError as error:
        return "", (error.field, error.message)


def checked_name(check: RowCheck, value: object, column: str, *, required: bool = True) -> str | None:
    """A person's name cell checked (once per distinct spelling: a file repeats its parents);
    None, with the problem noted, when it cannot be a name."""
    if not isinstance(value, str):
        return check.run(lambda: tidy_name(str(check_name(value, field=column, required=required).value)))
    if plain_name(value):
        return value  # as check_name and tidy_name leave it, without their steps
    name, problem = _name_once(value, column, required)
    if problem is not None:
        check.problem(*problem)
        return None
    return name


@lru_cache(maxsize=65536)
def _validated_once(validate: Callable[..., Any], text: str, column: str) -> tuple[str, tuple[str, str] | None]:
    try:
        return str(validate(text, required=False, field=column).value or ""), None
    except ValidationError as error:
        return "", (error.field, error.message)


_BLANK = Identifier("")


def read_cell(check: RowCheck, value: object, kind: str, column: str, *, length: int | None = None) -> Identifier | None:
    """``read_identifier`` through the row's check (None, the problem noted, when the cell is damaged);
    digits typed as text, the common cell, without the check's steps."""
    if typed_digits(value):
        return Identifier(value)
    if value is None or value == "":
        return _BLANK  # an empty cell, as read_identifier reads it
    if kind == "code" and type(value) is str and value[:1].isalpha() and value.isalnum() and value.isascii() \
            and value.isupper():
        return Identifier(value)  # a No. RM such as R003898: a letter first, so never scientific notation
    return check.run(read_identifier, value, kind, column, length=length)


def checked_identifier(check: RowCheck, value: object, kind: str, column: str, validate: Callable[..., Any],
                       cut: str) -> str:
    """An identifier cell read (``read_identifier``) and checked (``validate``, e.g. ``check_nik``),
    "" when blank or refused. A NIK Excel may have cut is kept with its warning, or left out
    when ``cut`` is "empty" ("perlu dilengkapi"). Each distinct value is checked once per process."""
    read = read_cell(check, value, kind, column)
    if read is None:
        return ""
    text, warning = read
    if not text:
        return ""
    if warning and cut == "empty":
        check.leave_out(column, _("{column} {value} tidak diimpor karena mungkin terpotong Excel.").format(
            column=column, value=text))
        return ""
    if warning:
        check.warn(column, warning)
    text, problem = _validated_once(validate, text, column)
    if problem is not None:
        check.problem(*problem)
    return text


@cache
def _length_limits(model: type[Model]) -> dict[str, int]:
    """{field: its longest text} of a model, read once instead of for every row."""
    return {name: limit for name, field in model._meta.fields.items() if (limit := getattr(field, "max_length", None))}


@lru_cache(maxsize=256)
def _limited(model: type[Model], keys: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Which of ``keys`` have a length limit, and their limits, per set of keys a form or import uses."""
    limits = _length_limits(model)
    chosen = tuple(key for key in keys if key in limits)
    return chosen, tuple(limits[key] for key in chosen)


def check_lengths(check: RowCheck, model: type[Model], values: dict[str, object], labels: dict[str, str]) -> None:
    """Every text value against its column's length, before the database sees it: a value too long
    is a problem of the row (PostgreSQL would refuse the whole import; SQLite would keep it all)."""
    # The common row, every text within its column, is passed without a Python step per value (an
    # import checks 50,000 rows of thirty values); a value that is not text goes the exact way below.
    keys, most = _limited(model, tuple(values))
    try:
        if not any(map(operator.gt, map(len, map(values.__getitem__, keys)), most)):  # type: ignore[arg-type]
            return
    except TypeError:
        pass
    limits = _length_limits(model)
    for key in [key for key, value in values.items() if isinstance(value, str) and len(value) > limits.get(key, len(value))]:
        column = labels.get(key, key)
        check.problem(column, _("{column} terlalu panjang ({count} karakter, paling banyak {limit}); "
                                "periksa isi sel itu.").format(column=column, count=len(str(values[key])), limit=limits[key]))


def cell_text(value) -> str:
    """A cell as text, numbers as the clerk typed them (``1``, not ``1.0``)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return display_number(value)
    return " ".join(str(value).split())


def filled(value) -> bool:
    """Whether a cell holds anything (``cell_text`` not empty), text answered without making it."""
    if type(value) is str:
        return bool(value) and not value.isspace()
    return bool(cell_text(value))


def answered(check: RowCheck, mapper: ValueMapper, field_name: str, value: object, blank: str | None = None) -> str | None:
    """The entry a cell of a value-list column means (``ValueMapper.lookup`` through the row's check):
    a filled cell answered before without a step (a file repeats its values on most rows), a blank
    cell as ``blank`` (the column's default) without asking the list."""
    known = mapper.known[field_name]
    if value in known:
        return known[value]
    return check.run(mapper.lookup, field_name, value) if filled(value) else blank


def blank_row(row: list) -> bool:
    """Whether every cell of a row is empty or only spaces (a blank row, which imports skip)."""
    return not any(map(filled, row))


def display_cell(value) -> str:
    """A cell as the preview shows it: numbers as typed, dates as dd-mm-yyyy."""
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M") if value.time() != dt.time() else value.strftime("%d-%m-%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    return cell_text(value)


def write_rejects(summary: ImportSummary, path: str | Path) -> Path:
    """The rejected rows as they were, with the column and the reason, to fix and import again;
    a second sheet "Periksa" lists the rows imported with a warning."""
    from openpyxl import Workbook

    from kupang_desk.documents.excel import put, save

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Ditolak")
    _write_rows(sheet, summary, [row for row in summary.rows if row.status == "error"], put)
    warned = summary.warned
    if warned:
        _write_rows(workbook.create_sheet(_("Periksa")), summary, warned, put)
    save(workbook, Path(path))
    return Path(path)


def _write_rows(sheet, summary: ImportSummary, rows: list[RowResult], put) -> None:
    headers = [*summary.headers, _("Kolom"), _("Alasan")]
    for column, header in enumerate(headers, start=1):
        put(sheet.cell(row=1, column=column), header)
    for number, row in enumerate(rows, start=2):
        values = list(row.original) + [None] * (len(summary.headers) - len(row.original))
        for column, value in enumerate([*values[:len(summary.headers)], row.column, row.reason], start=1):
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, float) and value.is_integer() and abs(value) >= 1e8:
                put(cell, display_number(value))  # an identifier typed as a number goes back as its digits
                cell.number_format = "@"
            elif isinstance(value, int | float | dt.date) and not isinstance(value, bool):
                put(cell, value)
            else:
                put(cell, cell_text(value))
                if isinstance(cell.value, str) and cell.value.isdigit():
                    cell.number_format = "@"  # identifiers stay text when the file is fixed
