"""The visit register: any filter, sorted, read a page at a time (never the whole table).

Pages are found by keyset (the last key of the neighbouring page) when the view scrolls,
and by an offset counted from the nearer end when it jumps, so the first page, the last
page and every step in between cost a few milliseconds on 2,000,000 visits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import peewee as pw

from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.i18n import _
from kupang_desk.models import (
    Patient,
    PaymentType,
    Poli,
    QueueEntry,
    Region,
    Visit,
    VisitDiagnosis,
    db,
)
from kupang_desk.models.queue import minutes_between

PAGE_SIZE = 200


@dataclass(frozen=True)
class VisitFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    poli_id: int | None = None
    payment_type_id: int | None = None
    kelurahan_code: str | None = None
    icd10: str = ""  # a code or the start of one: "J06" finds J06.9
    new_case: bool = False  # with icd10: only visits where that diagnosis is a kasus baru
    new_visit: bool | None = None  # True: kunjungan baru only; False: lama only
    patient_id: int | None = None
    waited_over: int | None = None  # minutes: visits whose patient waited longer at a poli's queue
    pbi: bool = False  # only visits paid by BPJS PBI (any payment type marked PBI)


@dataclass(frozen=True)
class RegisterRow:
    id: int
    visit_at: dt.datetime
    no_rm: str
    name: str
    sex: str
    age_days: int
    age_years: int
    poli: str
    payment: str
    kelurahan: str
    is_new_visit: bool
    diagnoses: str = ""
    patient_id: int = 0
    key: tuple = field(default=(), compare=False)
    late: bool = False  # written inside a period after its report was sent
    wait: dt.timedelta | None = None  # in the queue, arrival -> called (all its polis together)
    service: dt.timedelta | None = None  # called -> done

    @property
    def age(self) -> str:
        """``34 th``, ``5 bl``, ``12 hr``: years from one year on, else months, else days."""
        if self.age_years >= 1:
            return _("{n} th").format(n=self.age_years)
        if self.age_days >= 30:
            return _("{n} bl").format(n=self.age_days // 30)
        return _("{n} hr").format(n=self.age_days)


SORTS = {
    "visit_at": (Visit.visit_at, _("Waktu kunjungan")),
    "no_rm": (Patient.no_rm, _("No. RM")),
    "name": (Patient.name, _("Nama")),
}


def _conditions(flt: VisitFilter) -> tuple[list[pw.Expression], bool]:
    """Where-clauses for a filter, and whether they need the patient table."""
    where = [Visit.deleted_at.is_null()]
    if flt.date_from:
        where.append(Visit.visit_at >= dt.datetime.combine(flt.date_from, dt.time()))
    if flt.date_to:
        where.append(Visit.visit_at < dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time()))
    if flt.poli_id:
        where.append(Visit.poli == flt.poli_id)
    if flt.payment_type_id:
        where.append(Visit.payment_type == flt.payment_type_id)
    if flt.new_visit is not None:
        where.append(Visit.is_new_visit == flt.new_visit)
    if flt.pbi:
        where.append(Visit.payment_type.in_(PaymentType.select(PaymentType.id).where(PaymentType.is_pbi)))
    if flt.patient_id:
        where.append(Visit.patient == flt.patient_id)
    code = flt.icd10.strip().upper()
    if code:
        # EXISTS probes the diagnoses of each visit in time order, so a page needs only
        # as many probes as it takes to find its rows.
        diagnosis = VisitDiagnosis.alias("d")
        found = (diagnosis.visit == Visit.id) & (diagnosis.icd10 >= code) & (diagnosis.icd10 < code + "\uffff")
        if flt.new_case:
            found &= diagnosis.is_new_case
        where.append(pw.fn.EXISTS(diagnosis.select(pw.SQL("1")).where(found)))
    if flt.waited_over is not None:
        entry = QueueEntry.alias("q")
        where.append(pw.fn.EXISTS(entry.select(pw.SQL("1")).where(
            (entry.visit == Visit.id) & entry.called_at.is_null(False)
            & (minutes_between(entry.arrived_at, entry.called_at) > flt.waited_over))))
    needs_patient = False
    if flt.kelurahan_code:
        where.append(Patient.kelurahan == flt.kelurahan_code)
        needs_patient = True
    return where, needs_patient


class VisitRegister:
    """One filtered, sorted view of the visits; pages are cached as they are read."""

    def __init__(self, flt: VisitFilter | None = None, *, sort: str = "visit_at", descending: bool = True,
                 page_size: int = PAGE_SIZE, user: SignedIn | None = None) -> None:
        require("patient.read", user)  # every row names a patient and a diagnosis
        self.filter = flt or VisitFilter()
        self.sort, self.descending, self.page_size = sort, descending, page_size
        self.column = SORTS[sort][0]
        self.where, self.needs_patient = _conditions(self.filter)
        self.pages: dict[int, list[RegisterRow]] = {}
        self._count: int | None = None

    @property
    def count_is_cheap(self) -> bool:
        """No filter: the count comes from the table size in a millisecond or two (SQLite)."""
        return len(self.where) == 1 and not isinstance(db.obj, pw.PostgresqlDatabase)

    def count(self) -> int:
        if self._count is None:
            if len(self.where) == 1:
                # No filter: SQLite counts a whole table from its smallest index in
                # milliseconds, but not "deleted_at IS NULL"; so count it the other way round.
                deleted = Visit.select(pw.fn.COUNT(Visit.id)).where(Visit.deleted_at.is_null(False)).scalar()
                self._count = (Visit.select(pw.fn.COUNT(pw.SQL("*"))).scalar() or 0) - (deleted or 0)
            else:
                query = Visit.select(pw.fn.COUNT(Visit.id))
                if self.needs_patient:
                    query = query.join(Patient)
                self._count = query.where(*self.where).scalar() or 0
        return self._count

    def _base(self) -> pw.ModelSelect:
        return (Visit.select(Visit.id, Visit.visit_at, Patient.no_rm, Patient.name, Visit.sex, Visit.age_days,
                             Visit.age_years, Poli.name, PaymentType.name, Region.name, Visit.is_new_visit,
                             Visit.patient, self.column)
                .join(Patient).switch(Visit).join(Poli).switch(Visit).join(PaymentType)
                .join(Region, pw.JOIN.LEFT_OUTER, on=(Patient.kelurahan == Region.code))
                .where(*self.where))

    def _ordered(self, query: pw.ModelSelect, *, forward: bool) -> pw.ModelSelect:
        descending = self.descending == forward
        if descending:
            return query.order_by(self.column.desc(), Visit.id.desc())
        return query.order_by(self.column.asc(), Visit.id.asc())

    def _after(self, key: tuple, *, forward: bool, inclusive: bool = False) -> pw.Expression:
        """Rows past ``key`` in reading order (forward) or before it (backward).

        Written as ``col <= k AND (col < k OR id < i)`` rather than a row value
        ``(col, id) < (k, i)``: SQLite then walks the (deleted_at, visit_at) index in
        order instead of sorting the whole range.
        """
        value, row_id = key
        if self.descending == forward:
            tie = Visit.id <= row_id if inclusive else Visit.id < row_id
            return (self.column <= value) & ((self.column < value) | tie)
        tie = Visit.id >= row_id if inclusive else Visit.id > row_id
        return (self.column >= value) & ((self.column > value) | tie)

    def _key_at(self, offset: int, *, forward: bool) -> tuple | None:
        """The sort key of the row ``offset`` rows from the start (or the end), read from
        the index alone: skipping a million keys is cheap, skipping a million joined rows is not."""
        query = Visit.select(self.column, Visit.id)
        if self.needs_patient or self.column.model is Patient:
            query = query.join(Patient)
        found = self._ordered(query.where(*self.where), forward=forward).offset(offset).limit(1).tuples().first()
        return tuple(found) if found else None

    def _rows(self, query: pw.ModelSelect) -> list[RegisterRow]:
        # Straight from the cursor: Peewee's per-value converters cost more than the query.
        sql, params = query.sql()
        found = db.execute_sql(sql, params).fetchall()
        codes: dict[int, list[str]] = {}
        late: set[int] = set()
        waits: dict[int, dt.timedelta] = {}
        services: dict[int, dt.timedelta] = {}
        if found:
            ids = [t[0] for t in found]
            for visit_id, code in _for_ids("SELECT visit_id, icd10_code FROM visit_diagnosis WHERE visit_id IN ({ids}) "
                                           "ORDER BY visit_id, position", ids):
                codes.setdefault(visit_id, []).append(code)
            late = {row[0] for row in _for_ids("SELECT visit_id FROM late_change WHERE visit_id IN ({ids})", ids)}
            waits, services = _queue_times(ids)
        return [RegisterRow(t[0], _as_datetime(t[1]), t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9] or "", bool(t[10]),
                            ", ".join(codes.get(t[0], ())), patient_id=t[11], key=(_key(t[12]), t[0]), late=t[0] in late,
                            wait=waits.get(t[0]), service=services.get(t[0]))
                for t in found]

    def page(self, number: int) -> list[RegisterRow]:
        """Rows ``number * page_size`` onwards; fetched once, by the cheapest route."""
        if number in self.pages:
            return self.pages[number]
        size, total = self.page_size, self.count()
        start = number * size
        if start >= total or number < 0:
            return []
        wanted = min(size, total - start)
        before, after = self.pages.get(number - 1), self.pages.get(number + 1)
        if before:
            rows = self._rows(self._ordered(self._base().where(self._after(before[-1].key, forward=True)),
                                            forward=True).limit(wanted))
        elif after:
            rows = self._rows(self._ordered(self._base().where(self._after(after[0].key, forward=False)),
                                            forward=False).limit(wanted))[::-1]
        elif start == 0:
            rows = self._rows(self._ordered(self._base(), forward=True).limit(wanted))
        elif start + wanted == total:
            rows = self._rows(self._ordered(self._base(), forward=False).limit(wanted))[::-1]
        elif start <= total - (start + wanted):
            key = self._key_at(start, forward=True)
            rows = [] if key is None else self._rows(self._ordered(
                self._base().where(self._after(key, forward=True, inclusive=True)), forward=True).limit(wanted))
        else:
            key = self._key_at(total - (start + wanted), forward=False)
            rows = [] if key is None else self._rows(self._ordered(
                self._base().where(self._after(key, forward=False, inclusive=True)), forward=False).limit(wanted))[::-1]
        self.pages[number] = rows
        return rows

    def row(self, index: int) -> RegisterRow | None:
        rows = self.page(index // self.page_size)
        offset = index % self.page_size
        return rows[offset] if offset < len(rows) else None

    def iter_rows(self, chunk: int = 2000):
        """Every row in order, by keyset, for exports (memory stays flat)."""
        key = None
        while True:
            query = self._base()
            if key is not None:
                query = query.where(self._after(key, forward=True))
            rows = self._rows(self._ordered(query, forward=True).limit(chunk))
            if not rows:
                return
            yield from rows
            key = rows[-1].key


def _for_ids(sql: str, ids: list[int]) -> list[tuple]:
    """``sql`` with ``{ids}`` as the placeholders of ``ids``, straight to the driver: Peewee builds an
    IN of 5,000 values a value at a time, which cost an export more than reading the rows."""
    return db.execute_sql(sql.format(ids=", ".join([db.obj.param] * len(ids))), ids).fetchall()


def _queue_times(ids: list[int]) -> tuple[dict[int, dt.timedelta], dict[int, dt.timedelta]]:
    """The visits' time waiting in the queue and being served, each over all the polis it went through."""
    waits: dict[int, dt.timedelta] = {}
    services: dict[int, dt.timedelta] = {}
    found = _for_ids(f"SELECT visit_id, arrived_at, called_at, finished_at, state FROM {QueueEntry._meta.table_name} "
                     "WHERE visit_id IN ({ids}) AND called_at IS NOT NULL", ids)
    for visit_id, arrived_at, called_at, finished_at, state in found:
        called = _as_datetime(called_at)  # arrived_at is never empty, called_at not in these rows
        waits[visit_id] = waits.get(visit_id, dt.timedelta()) + (called - _as_datetime(arrived_at))
        if finished_at is not None and state in ("selesai", "dirujuk"):
            services[visit_id] = services.get(visit_id, dt.timedelta()) + (_as_datetime(finished_at) - called)
    return waits, services


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _key(value):
    """A sort key as the database returned it, parsed where it is a time stored as text."""
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and value[10] == " ":
        return _as_datetime(value)
    return value
