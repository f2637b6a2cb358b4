"""What every printed or exported document is made of: a period, a letterhead, and tables.

A ``ReportTable`` is plain data that the Excel and PDF writers of this package render the
same way: columns with a two-level header (a group such as an age band over L/P), rows of
values, a grand-total row, and columns that are sums of others (written as formulas in
Excel so a checker can see them add up). The health reports, the scholarship lists, the
audit export and the rejects files all write through here; nothing here reads the database.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from kupang_desk import clock
from kupang_desk.errors import KnownError
from kupang_desk.formatting import (
    format_date,
    format_month,
    format_number,
    format_rate,
    format_rupiah,
)
from kupang_desk.i18n import _

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_ANCHOR = re.compile(r"KDAUDIT#(\d+)-([0-9a-f]{12})")


@dataclass(frozen=True)
class Anchor:
    """The audit chain's head when a document was written: event number and the first 12 hex
    digits of its seal. Printed in the footer, kept in the file's properties (``str``), and checked
    by ``kupang-desk audit verify --anchor``."""

    event: int
    seal: str

    def __str__(self) -> str:
        return f"KDAUDIT#{self.event}-{self.seal}"

    def label(self) -> str:
        """As the footer prints it."""
        return _("Jejak audit #{event} · {seal}").format(event=self.event, seal=self.seal)

    @classmethod
    def find(cls, text: str) -> Anchor | None:
        found = _ANCHOR.search(text)
        return cls(int(found.group(1)), found.group(2)) if found else None


def check_output(path: Path, suffixes: tuple[str, ...]) -> None:
    """Refuses, before any work, a file in a folder that does not exist or with the wrong ending."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise KnownError(_("Folder {folder} tidak ada. Pilih folder lain untuk menyimpan laporan.").format(folder=folder))
    if path.suffix.lower() not in suffixes:
        raise KnownError(_("Nama file {path} harus berakhiran {suffixes}.").format(path=path, suffixes=(" " + _("atau") + " ").join(suffixes)))


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def month(cls, text: str) -> Period:
        """``2026-10`` to the whole of October 2026."""
        match = _MONTH.match(text or "")
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise KnownError(_("Bulan '{text}' tidak dikenal. Tulis tahun-bulan, misalnya 2026-10 untuk Oktober 2026.").format(text=text))
        year, month = int(match.group(1)), int(match.group(2))
        return cls(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> Period:
        if end < start:
            raise KnownError(_("Tanggal akhir ({end}) sebelum tanggal awal ({start}).").format(
                end=format_date(end), start=format_date(start)))
        return cls(start, end)

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == self.start.replace(
            day=calendar.monthrange(self.start.year, self.start.month)[1])

    def label(self) -> str:
        if self.is_month:
            return format_month(self.start.year, self.start.month)
        if self.start.month == 1 and self.start.day == 1 and self.end == dt.date(self.start.year, 12, 31):
            return str(self.start.year)
        return f"{format_date(self.start)} – {format_date(self.end)}"

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as datetimes, for ``visit_at >= start AND visit_at < end``."""
        return (dt.datetime.combine(self.start, dt.time()),
                dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time()))

    def slug(self) -> str:
        if self.is_month:
            return self.start.strftime("%Y-%m")
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


def shown_number(value: int | float, kind: str) -> str:
    """A number of a table as the screen and the paper show it: ``1.800``, ``Rp1.800.000``, ``12,5``."""
    if kind == "rate" or isinstance(value, float):
        return format_rate(value)
    return format_rupiah(value) if kind == "money" else format_number(value)


@dataclass
class Column:
    key: str
    header: str
    group: str = ""  # the header row above, merged over neighbours with the same group
    width: float = 8  # in characters, for Excel and PDF alike
    # "number"; "money" (Rupiah); "rate" (one decimal: per 1,000, a percentage); "text"; "id" (a code or
    # identifier: text, never a number)
    kind: str = "number"
    total_of: tuple[str, ...] = ()  # this column is the sum of these columns (a formula in Excel)
    summed: bool = True  # the grand-total row adds this column up (numbers only)

    @property
    def numeric(self) -> bool:
        return self.kind in ("number", "money", "rate")


@dataclass
class ReportTable:
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total_label: str = ""  # a grand-total row is added when set
    note: str = ""

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def header_spans(self) -> list[tuple[int, int, str]]:
        """(first, last, group) for each run of neighbouring columns with one group;
        a column without a group stands alone with group "" (its header spans both rows)."""
        spans: list[tuple[int, int, str]] = []
        index = 0
        while index < len(self.columns):
            group = self.columns[index].group
            end = index
            while group and end + 1 < len(self.columns) and self.columns[end + 1].group == group:
                end += 1
            spans.append((index, end, group))
            index = end + 1
        return spans

    def label_column(self) -> int:
        """Where the grand-total row writes its label: the last text column before the numbers."""
        first_number = next((i for i, c in enumerate(self.columns) if c.numeric), len(self.columns))
        return max(first_number - 1, 0)

    def totals(self) -> list:
        """The grand-total row as values (the PDF prints these; Excel writes formulas)."""
        values: list = []
        for index, column in enumerate(self.columns):
            if column.numeric and column.summed:
                values.append(sum((row[index] or 0) for row in self.rows))
            else:
                values.append(self.total_label if index == self.label_column() else "")
        return values

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass
class Letterhead:
    """Who sends the report and who signs it."""

    office: list[str]  # e.g. ["PEMERINTAH KOTA KUPANG", "DINAS KESEHATAN"]
    name: str
    address: str
    logo: bytes | None
    city: str
    signer_title: str
    signer_name: str
    signer_nip: str


@dataclass
class Report:
    """One report: what the header says, the tables, and the paper it wants."""

    kind: str  # what it is (lb1, recap, penerima, ...); the sheet title falls back to it
    title: str
    period: Period
    tables: list[ReportTable]
    letterhead: Letterhead
    landscape: bool = True
    signed_on: dt.date = field(default_factory=clock.today)
    chart: list[tuple[str, int | float]] | None = None  # (label, value) bars after the tables
    chart_title: str = ""
    # (label, kunjungan baru, kunjungan lama) per month: stacked columns after the tables (the recap's 12 months)
    trend: list[tuple[str, int, int]] | None = None
    trend_title: str = ""
    subtitle: str = ""  # printed under the title instead of the period
    closing: list[str] = field(default_factory=list)  # lines after the tables (a total in words)
    sheet_title: str = ""  # the Excel sheet's name; the kind when empty
    when_empty: str = ""  # what the page says when no table has a row
    anchor: Anchor | None = None  # the audit chain's head when the file was written
    revision: int = 0  # a report sent before and changed since: "Revisi 1" under the title
    stamp: dict | None = None  # data a workbook carries for the receiving office (reports.stamp)
    figures: dict[str, int] = field(default_factory=dict)  # numbers outside the tables (SKDR: "visits", the X)
    made_from: str = ""  # the database's write mark when it was counted ("" unknown): save reuses it while unchanged
    complete: bool = True  # False: a preview of the first rows only

    @property
    def empty(self) -> bool:
        return all(table.empty for table in self.tables)

    def period_line(self) -> str:
        line = self.subtitle or _("Periode: {period}").format(period=self.period.label())
        return line + (" · " + _("Revisi {n}").format(n=self.revision) if self.revision else "")

    def empty_note(self) -> str:
        return self.when_empty or _("Tidak ada data untuk daftar ini.")
