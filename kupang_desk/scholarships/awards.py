"""Scholarship programmes and the lifecycle of each award, from proposal to the money taken.

Diusulkan -> SK Nominasi (decree number and date, activation deadline) -> Rekening
aktif (bank, account, activation date) -> SK Pemberian (decree number and date) ->
Dicairkan (one payout per stage: date and amount) -> Diambil (withdrawal confirmed);
or Dibatalkan with one of the inactive-student reasons from any step before Diambil.
Any other move is refused with a message naming the student and the step. Every
transition is kept (AwardEvent) with who and when, in the same transaction as the
change; a bulk action on a selection changes all of it or none of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import peewee as pw

from kupang_desk import audit, clock
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date, format_rupiah
from kupang_desk.i18n import _
from kupang_desk.models import (
    Award,
    AwardEvent,
    Payout,
    ScholarshipProgramme,
    Student,
    User,
    now,
    writing,
)
from kupang_desk.scholarships.programmes import (
    ProgrammeRef,
    amount_for,
    as_programme,
    stages,
)
from kupang_desk.students.grades import school_level

STATUS_ORDER = ("diusulkan", "sk_nominasi", "rekening_aktif", "sk_pemberian", "dicairkan", "diambil", "dibatalkan")
# What may follow each status. A payout moves sk_pemberian or dicairkan to dicairkan.
TRANSITIONS = {
    "diusulkan": ("sk_nominasi", "dibatalkan"),
    "sk_nominasi": ("rekening_aktif", "dibatalkan"),
    "rekening_aktif": ("sk_pemberian", "dibatalkan"),
    "sk_pemberian": ("dicairkan", "dibatalkan"),
    "dicairkan": ("dicairkan", "diambil", "dibatalkan"),
    "diambil": (),
    "dibatalkan": (),
}
CANCEL_REASONS = ("Meninggal dunia", "Putus sekolah", "Lulus", "Pindah sekolah", "Tidak diketahui keberadaannya",
                  "Data ganda", "Menolak PIP")
DEADLINE_WARNING_DAYS = 14


def status_label(status: str) -> str:
    return {
        "diusulkan": _("Diusulkan"), "sk_nominasi": _("SK Nominasi"), "rekening_aktif": _("Rekening aktif"),
        "sk_pemberian": _("SK Pemberian"), "dicairkan": _("Dicairkan"), "diambil": _("Diambil"),
        "dibatalkan": _("Dibatalkan"),
    }[status]


# ---------------------------------------------------------------- awards

@dataclass
class Step:
    """What the clerk enters with a transition; only the fields that step needs are read."""

    to_status: str
    decree: str = ""
    decree_date: dt.date | None = None
    deadline: dt.date | None = None
    bank: str = ""
    account_number: str = ""
    activated_on: dt.date | None = None
    confirmed_on: dt.date | None = None
    cancel_reason: str = ""
    note: str = ""


def eligible_student_ids(*, user: SignedIn | None = None) -> list[int]:
    """The students at school whom the school marked eligible for PIP (Layak PIP)."""
    require("student.read", user)
    return [sid for (sid,) in Student.select(Student.id).where(Student.pip_eligible & (Student.status == "aktif")).tuples()]


def propose_eligible(programme: ProgrammeRef, *, user: User | None = None) -> int:
    """Proposes every eligible student (``eligible_student_ids``) for ``programme``."""
    return propose(programme, eligible_student_ids(user=user), reason="", user=user)


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    from_status: str
    to_status: str
    who: str
    note: str


@dataclass(frozen=True)
class AwardHistory:
    student: str
    programme: str
    year: int
    amount: int
    paid: int
    lines: list[HistoryLine]


def award_history(award_id: int, *, user: User | None = None) -> AwardHistory:
    """One award with every step it went through, for the history dialog."""
    require("student.read", user)
    award = Award.get_by_id(award_id)
    lines = [HistoryLine(e.at, e.from_status, e.to_status, e.user.full_name if e.user_id else _("(tanpa akun)"), e.note)
             for e in history(award)]
    return AwardHistory(award.student.name, award.programme.name, award.programme.year, award.amount,
                        paid_amount(award), lines)


def propose(programme: ProgrammeRef, student_ids: Iterable[int], *, reason: str = "",
            user: User | None = None) -> int:
    """Proposes these students for ``programme`` (status Diusulkan); students already in it are
    left as they are. Returns how many were added."""
    user = require("award.write", user)
    programme = as_programme(programme)
    level = school_level()
    added = 0
    wanted = list(dict.fromkeys(student_ids))
    with writing():
        already = {sid for (sid,) in Award.select(Award.student).where(Award.programme == programme.id).tuples()}
        stamp = now()
        for chunk in pw.chunked(wanted, 500):
            new_awards = []
            for student in Student.select().where(Student.id.in_(chunk)):
                if student.id in already:
                    continue
                if student.status != "aktif":
                    raise KnownError(_("{name} tidak aktif lagi di sekolah ({status}); tidak dapat diusulkan.").format(
                        name=student.name, status=student.status))
                new_awards.append(dict(programme=programme.id, student=student, amount=amount_for(programme, student, level),
                                       reason=reason or student.pip_reason, bank=student.bank,
                                       account_number=student.account_number, created_at=stamp, updated_at=stamp))
            if not new_awards:
                continue
            Award.insert_many(new_awards).execute()
            ids = [award_id for (award_id,) in Award.select(Award.id).where(
                (Award.programme == programme.id) & Award.student.in_([a["student"].id for a in new_awards])).tuples()]
            AwardEvent.insert_many([dict(award=award_id, from_status="", to_status="diusulkan", at=stamp, user=session.account(user))
                                    for award_id in ids]).execute()
            added += len(new_awards)
        audit.record("propose", "award", programme.id, {"added": added}, user)
    return added


def _refuse(award: Award, to_status: str) -> KnownError:
    allowed = ", ".join(status_label(s) for s in TRANSITIONS[award.status] if s != award.status) or _("tidak ada")
    return KnownError(_("{name}: status {current} tidak dapat diubah menjadi {wanted}. Langkah berikutnya yang boleh: {allowed}.").format(
        name=award.student.name, current=status_label(award.status), wanted=status_label(to_status), allowed=allowed))


def _conflicts(award: Award) -> list[str]:
    """Why the student may not receive this award beside another of the same year, in words: the same
    programme twice, or two programmes neither of which may be received with another. Checked before
    an SK is made (SK Nominasi, SK Pemberian) and shown in Cek penerima ganda."""
    mine = as_programme(award.programme)
    found = []
    others = (Award.select(Award, ScholarshipProgramme).join(ScholarshipProgramme)
              .where((Award.student == award.student_id) & (Award.id != award.id) & (Award.status != "dibatalkan")
                     & (ScholarshipProgramme.year == mine.year)))
    for other in others:
        theirs = as_programme(other.programme)
        if theirs.id == mine.id or not (mine.stackable or theirs.stackable):
            found.append(_("{name} (NISN {nisn}) juga penerima {programme} {year} ({status}){same}.").format(
                name=award.student.name, nisn=award.student.nisn or "-", programme=theirs.name, year=theirs.year,
                status=status_label(other.status), same=_(", program yang sama dua kali") if theirs.id == mine.id else ""))
    return found


def double_recipients(programme: ProgrammeRef, *, user: SignedIn | None = None) -> list[str]:
    """Every student of the programme who also receives what they may not beside it (see ``_conflicts``)."""
    require("student.read", user)
    record = as_programme(programme)
    found = []
    for award in (Award.select(Award, Student).join(Student)
                  .where((Award.programme == record.id) & (Award.status != "dibatalkan")).order_by(Student.name)):
        found += _conflicts(award)
    return found


def _apply(award: Award, step: Step, today: dt.date) -> str:
    """Checks ``step`` against ``award`` and sets its fields; returns a note for the event."""
    target = step.to_status
    if target == "dicairkan" and award.status in ("sk_pemberian", "dicairkan"):
        raise KnownError(_("{name}: pencairan dicatat dengan 'Catat pencairan' (tahap, tanggal dan jumlah).").format(
            name=award.student.name))
    if target not in TRANSITIONS or target not in TRANSITIONS[award.status]:
        raise _refuse(award, target)
    name = award.student.name
    if target in ("sk_nominasi", "sk_pemberian"):
        clash = _conflicts(award)
        if clash:
            raise KnownError(" ".join(clash) + " " + _("Kedua program tidak boleh diterima bersama: batalkan salah satu "
                                                       "sebelum SK dibuat."))
    if target == "sk_nominasi":
        if not step.decree.strip() or step.decree_date is None:
            raise KnownError(_("{name}: isi nomor dan tanggal SK Nominasi.").format(name=name))
        award.nomination_decree, award.nomination_date = step.decree.strip(), step.decree_date
        award.activation_deadline = step.deadline or award.activation_deadline
        return _("SK Nominasi {decree} tanggal {date}").format(decree=award.nomination_decree, date=format_date(step.decree_date))
    if target == "rekening_aktif":
        account = "".join(step.account_number.split()) or award.account_number or award.student.account_number
        bank = step.bank.strip().upper() or award.bank or award.student.bank
        if not account or not account.isdigit():
            raise KnownError(_("{name}: isi nomor rekening (angka saja) untuk mencatat rekening aktif.").format(name=name))
        if not bank:
            raise KnownError(_("{name}: isi nama bank (BRI untuk SD/SMP, BNI untuk SMA/SMK).").format(name=name))
        activated = step.activated_on or today
        if activated > today:
            raise KnownError(_("{name}: tanggal aktivasi tidak boleh sesudah hari ini.").format(name=name))
        award.bank, award.account_number, award.account_activated_on = bank, account, activated
        return _("Rekening {bank} {account} aktif {date}").format(bank=bank, account=account, date=format_date(activated))
    if target == "sk_pemberian":
        if not step.decree.strip() or step.decree_date is None:
            raise KnownError(_("{name}: isi nomor dan tanggal SK Pemberian.").format(name=name))
        award.grant_decree, award.grant_date = step.decree.strip(), step.decree_date
        return _("SK Pemberian {decree} tanggal {date}").format(decree=award.grant_decree, date=format_date(step.decree_date))
    if target == "diambil":
        confirmed = step.confirmed_on or today
        award.withdrawn_confirmed_on = confirmed
        return _("Pengambilan dikonfirmasi {date}").format(date=format_date(confirmed))
    if target == "dibatalkan":
        if step.cancel_reason not in CANCEL_REASONS:
            raise KnownError(_("{name}: pilih alasan pembatalan: {reasons}.").format(name=name, reasons=", ".join(CANCEL_REASONS)))
        award.cancel_reason = step.cancel_reason
        return step.cancel_reason
    raise _refuse(award, target)


def _awards(award_ids: Iterable[int]) -> list[Award]:
    ids = list(dict.fromkeys(award_ids))
    if not ids:
        raise KnownError(_("Pilih dulu siswa penerima di daftar."))
    found = []
    for chunk in pw.chunked(ids, 500):
        found += list(Award.select(Award, Student).join(Student).where(Award.id.in_(chunk)))
    return found


def _none_done(headline: str, problems: list[str], total: int) -> KnownError:
    """A bulk action refused as a whole: the headline, then the first ten students that block it."""
    return KnownError(headline.format(count=len(problems), total=total) + "\n" + "\n".join(problems[:10])
                      + ("\n…" if len(problems) > 10 else ""))


def transition(award_ids: Iterable[int], step: Step, *, user: User | None = None, today: dt.date | None = None) -> int:
    """Moves every award in the selection to ``step.to_status``; all or none (the message names
    each award that cannot move). Returns how many moved."""
    user = require("award.write", user)
    today = today or clock.today()
    awards = _awards(award_ids)
    with writing():
        problems, notes = [], {}
        for award in awards:
            try:
                notes[award.id] = _apply(award, step, today)
            except KnownError as error:
                problems.append(str(error))
        if problems:
            raise _none_done(_("Tidak ada yang diubah. {count} dari {total} penerima tidak dapat diubah:"), problems, len(awards))
        stamp = now()
        for award in awards:
            before = award.status
            award.status, award.updated_at = step.to_status, stamp
            award.save()
            AwardEvent.create(award=award, from_status=before, to_status=step.to_status, at=stamp, user=session.account(user),
                              note=(step.note or notes[award.id])[:200])
        audit.record("transition", "award", ",".join(str(a.id) for a in awards[:50]),
                     {"to": step.to_status, "count": len(awards), "note": step.note}, user)
    return len(awards)


def record_payout(award_ids: Iterable[int], stage: int, paid_on: dt.date, *, amount: int | None = None,
                  user: User | None = None, today: dt.date | None = None) -> int:
    """Records the payout of ``stage`` (1-based) for every award in the selection; the amount is
    the award's share of that stage unless given. All or none."""
    user = require("award.write", user)
    today = today or clock.today()
    awards = _awards(award_ids)
    if paid_on > today:
        raise KnownError(_("Tanggal pencairan tidak boleh sesudah hari ini."))
    with writing():
        problems = []
        paid = {(a, s) for a, s in Payout.select(Payout.award, Payout.stage).where(
            Payout.award.in_([a.id for a in awards])).tuples()}
        amounts = {}
        for award in awards:
            names = stages(award.programme)
            if award.status in ("diambil", "dibatalkan"):
                problems.append(_("{name}: penerima ini sudah {status}; tidak ada pencairan lagi.").format(
                    name=award.student.name, status=status_label(award.status).lower()))
            elif award.status not in ("sk_pemberian", "dicairkan"):
                problems.append(_("{name}: pencairan hanya sesudah SK Pemberian (status sekarang {status}).").format(
                    name=award.student.name, status=status_label(award.status)))
            elif not 1 <= stage <= len(names):
                problems.append(_("{name}: program ini hanya punya {count} tahap.").format(name=award.student.name, count=len(names)))
            elif (award.id, stage) in paid:
                problems.append(_("{name}: {stage} sudah dicatat.").format(name=award.student.name, stage=names[stage - 1]))
            else:
                share = amount if amount is not None else stage_share(award, stage)
                if share <= 0:
                    problems.append(_("{name}: jumlah pencairan harus lebih dari nol.").format(name=award.student.name))
                amounts[award.id] = share
        if problems:
            raise _none_done(_("Tidak ada yang dicatat. {count} dari {total} penerima tidak dapat dicairkan:"), problems,
                             len(awards))
        stamp = now()
        for award in awards:
            Payout.create(award=award, stage=stage, paid_on=paid_on, amount=amounts[award.id], created_at=stamp)
            before = award.status
            award.status, award.updated_at = "dicairkan", stamp
            award.save()
            AwardEvent.create(award=award, from_status=before, to_status="dicairkan", at=stamp, user=session.account(user),
                              note=_("{stage}: {amount} pada {date}").format(
                                  stage=stages(award.programme)[stage - 1], amount=format_rupiah(amounts[award.id]),
                                  date=format_date(paid_on)))
        audit.record("payout", "award", ",".join(str(a.id) for a in awards[:50]),
                     {"stage": stage, "count": len(awards), "total": sum(amounts.values())}, user)
    return len(awards)


def stage_share(award: Award, stage: int) -> int:
    """The award's amount split evenly over the programme's stages; the last stage takes the rest."""
    count = len(stages(award.programme))
    share = award.amount // count
    return award.amount - share * (count - 1) if stage == count else share


def paid_amount(award: Award) -> int:
    return Payout.select(pw.fn.COALESCE(pw.fn.SUM(Payout.amount), 0)).where(Payout.award == award).scalar() or 0


def history(award: Award) -> list[AwardEvent]:
    return list(AwardEvent.select().where(AwardEvent.award == award).order_by(AwardEvent.at, AwardEvent.id))


# ---------------------------------------------------------------- lists

@dataclass
class AwardRow:
    """One recipient as the desk, the printed list and the Excel show it."""

    award_id: int
    student_id: int
    nisn: str
    nik: str
    name: str
    sex: str
    class_group: str
    grade: int | None
    birth_date: dt.date | None
    mother_name: str
    father_name: str
    kip_number: str
    bank: str
    account_number: str
    amount: int
    paid: int
    status: str
    deadline: dt.date | None
    reason: str
    cancel_reason: str
    flags: tuple[str, ...] = ()  # the family's social protection cards: "KIP", "KKS", "PKH"
    decile: int | None = None  # DTSEN welfare decile, 1 the poorest

    @property
    def outstanding(self) -> int:
        return 0 if self.status == "dibatalkan" else max(self.amount - self.paid, 0)


@dataclass(frozen=True)
class Totals:
    """What a set of recipients adds up to: the recipients and money granted leave the cancelled
    out; paid counts every payout made (a cancelled award may have been paid before)."""

    recipients: int
    amount: int
    paid: int
    outstanding: int

    @classmethod
    def of(cls, rows: Iterable[AwardRow]) -> Totals:
        rows = list(rows)
        live = [r for r in rows if r.status != "dibatalkan"]
        return cls(len(live), sum(r.amount for r in live), sum(r.paid for r in rows), sum(r.outstanding for r in rows))


SOCIAL_FLAGS = ("KIP", "KKS", "PKH")
POOREST = "desil1-4"  # DTSEN deciles 1-4, where aid goes first (Inpres 4/2025): listed poorest first


def social_flags(student: Student) -> tuple[str, ...]:
    """The social protection a student's family holds: a KIP or KKS card number, PKH (KPS) aid."""
    return tuple(flag for flag, held in (("KIP", bool(student.kip_number)), ("KKS", bool(student.kks_number)),
                                         ("PKH", bool(student.kps_recipient))) if held)


def flag_label(flag: str) -> str:
    return {"KIP": _("Pemegang KIP"), "KKS": _("Keluarga KKS"), "PKH": _("Penerima PKH"),
            "any": _("KIP, KKS atau PKH"), POOREST: _("Desil DTSEN 1-4 (termiskin dulu)")}.get(flag, flag)


def _flag_condition(flag: str) -> pw.Expression:
    held = {"KIP": Student.kip_number != "", "KKS": Student.kks_number != "", "PKH": Student.kps_recipient == True}  # noqa: E712
    if flag == "any":
        return held["KIP"] | held["KKS"] | held["PKH"]
    if flag == POOREST:
        return Student.dtsen_decile.between(1, 4)
    if flag not in held:
        raise KnownError(_("Kartu '{flag}' tidak dikenal. Pilih KIP, KKS, PKH, any atau {poorest}.").format(
            flag=flag, poorest=POOREST))
    return held[flag]


def award_rows(programme: ProgrammeRef, *, statuses: Iterable[str] = (), class_group: str = "",
               stage: int | None = None, flag: str = "", user: User | None = None) -> list[AwardRow]:
    """The recipients of ``programme`` by class and name. With ``stage``, the amount is that stage's
    payout (or share when not paid yet) instead of the year's; with ``flag`` (KIP, KKS, PKH or
    "any"), only the students whose family holds it."""
    user = require("student.read", user)
    query = (Award.select(Award, Student).join(Student).where(Award.programme == programme.id)
             .order_by(Student.grade, Student.class_group, Student.name))
    statuses = list(statuses)
    if statuses:
        query = query.where(Award.status.in_(statuses))
    if class_group:
        query = query.where(Student.class_group == class_group)
    if flag:
        query = query.where(_flag_condition(flag))
    if flag == POOREST:  # ranked: the poorest first
        query = query.order_by(Student.dtsen_decile, Student.grade, Student.class_group, Student.name)
    awards = list(query)
    paid: dict[int, int] = {}
    by_stage: dict[int, int] = {}
    for chunk in pw.chunked([a.id for a in awards], 500):
        for award_id, number, amount in Payout.select(Payout.award, Payout.stage, Payout.amount).where(
                Payout.award.in_(chunk)).tuples():
            paid[award_id] = paid.get(award_id, 0) + amount
            if number == stage:
                by_stage[award_id] = amount
    rows = []
    for award in awards:
        student = award.student
        amount = award.amount if stage is None else by_stage.get(award.id, stage_share(award, stage))
        rows.append(AwardRow(award.id, student.id, student.nisn or "", student.nik or "", student.name, student.sex,
                             student.class_group, student.grade, student.birth_date, student.mother_name,
                             student.father_name, student.kip_number, award.bank or student.bank,
                             award.account_number or student.account_number, amount, paid.get(award.id, 0),
                             award.status, award.activation_deadline, award.reason, award.cancel_reason,
                             social_flags(student), student.dtsen_decile))
    return rows


def deadline_warnings(*, today: dt.date | None = None, within_days: int = DEADLINE_WARNING_DAYS, user: SignedIn | None = None) -> list[tuple[AwardRow, int]]:
    """Nominated students whose account is still not active, with the days left to the deadline
    (negative: passed), the most urgent first."""
    require("student.read", user)
    today = today or clock.today()
    found = []
    for programme in ScholarshipProgramme.select().where(ScholarshipProgramme.active):
        for row in award_rows(programme, statuses=["sk_nominasi"]):
            if row.deadline is not None and (row.deadline - today).days <= within_days:
                found.append((row, (row.deadline - today).days))
    return sorted(found, key=lambda item: (item[1], item[0].name))
