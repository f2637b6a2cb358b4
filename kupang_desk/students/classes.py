"""Class promotion at the new school year: everyone up one grade, the final grade out, with undo."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import peewee as pw

from kupang_desk import audit, clock
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime
from kupang_desk.i18n import _
from kupang_desk.models import Promotion, PromotionItem, Student, User, now, writing
from kupang_desk.students.grades import FINAL_GRADE, grade_of, next_class_group, school_level


@dataclass
class PromotionPlan:
    """What a promotion would do, shown before it is done."""

    school_year: str
    moves: list[tuple[Student, str, int]] = field(default_factory=list)  # student, new class, new grade
    graduates: list[Student] = field(default_factory=list)
    unknown: list[Student] = field(default_factory=list)  # class group names no grade: left as they are

    def describe(self) -> str:
        text = _("{moved} siswa naik kelas, {graduates} lulus.").format(moved=len(self.moves), graduates=len(self.graduates))
        if self.unknown:
            text += " " + _("{count} siswa tidak diubah karena rombelnya tidak menyebut kelas: {names}.").format(
                count=len(self.unknown), names=", ".join(f"{s.name} ({s.class_group or '-'})" for s in self.unknown[:5]))
        return text


def next_school_year(today: dt.date | None = None) -> str:
    """The school year a promotion moves into: the one starting in July of this year."""
    year = (today or clock.today()).year
    return f"{year}/{year + 1}"


def plan_promotion(school_year: str | None = None, *, user: SignedIn | None = None) -> PromotionPlan:
    require("student.read", user)
    final = FINAL_GRADE[school_level()]
    plan = PromotionPlan(school_year or next_school_year())
    for student in Student.select().where(Student.status == "aktif").order_by(Student.class_group, Student.name):
        grade = student.grade or grade_of(student.class_group)
        if grade is None:
            plan.unknown.append(student)
        elif grade >= final:
            plan.graduates.append(student)
        else:
            plan.moves.append((student, next_class_group(student.class_group, grade), grade + 1))
    return plan


def promote(school_year: str | None = None, *, user: User | None = None) -> tuple[Promotion, PromotionPlan]:
    """Moves every student at school up one grade and marks the final grade as graduated,
    in one transaction; the promotion is kept so that ``undo_promotion`` can reverse it."""
    user = require("student.write", user)
    with writing():
        plan = plan_promotion(school_year, user=user)
        if not plan.moves and not plan.graduates:
            raise KnownError(_("Tidak ada siswa aktif dengan kelas yang dikenal; kenaikan kelas tidak dijalankan."))
        if Promotion.select().where((Promotion.school_year == plan.school_year) & Promotion.undone_at.is_null()).exists():
            raise KnownError(_("Kenaikan kelas ke tahun ajaran {year} sudah dijalankan. Batalkan dulu bila ingin mengulang.").format(
                year=plan.school_year))
        promotion = Promotion.create(school_year=plan.school_year, user=session.account(user))
        stamp = now()
        items: list[dict] = []
        groups: dict[tuple[str | None, int | None, str], list[int]] = {}
        for student, group, grade in plan.moves:
            items.append(dict(promotion=promotion, student=student, old_class_group=student.class_group,
                              old_grade=student.grade, old_status=student.status, new_class_group=group,
                              new_grade=grade, new_status="aktif"))
            groups.setdefault((group, grade, "aktif"), []).append(student.id)
        for student in plan.graduates:
            items.append(dict(promotion=promotion, student=student, old_class_group=student.class_group,
                              old_grade=student.grade, old_status=student.status, new_class_group=student.class_group,
                              new_grade=student.grade, new_status="lulus"))
            groups.setdefault((None, None, "lulus"), []).append(student.id)
        # One UPDATE per class group (a few dozen), not one per student.
        for (new_group, new_grade, status), ids in groups.items():
            values = {"status": status, "updated_at": stamp}
            if new_group is not None:
                values.update(class_group=new_group, grade=new_grade)
            for chunk in pw.chunked(ids, 500):
                Student.update(**values).where(Student.id.in_(chunk)).execute()
        for batch in pw.chunked(items, 200):
            PromotionItem.insert_many(batch).execute()
        audit.record("promote", "student", promotion.id, {"school_year": plan.school_year, "moved": len(plan.moves),
                                                          "graduated": len(plan.graduates)}, user)
    return promotion, plan


def last_promotion(*, user: SignedIn | None = None) -> Promotion | None:
    require("student.read", user)
    return Promotion.select().where(Promotion.undone_at.is_null()).order_by(Promotion.id.desc()).first()


def undo_promotion(*, user: User | None = None) -> tuple[Promotion, int, list[str]]:
    """Puts every student of the last promotion back where they were; a student changed by hand
    since then keeps that change and is named. Returns (promotion, restored, names left alone)."""
    user = require("student.write", user)
    with writing():
        promotion = last_promotion(user=user)
        if promotion is None:
            raise KnownError(_("Belum ada kenaikan kelas yang dapat dibatalkan."))
        restored, kept = 0, []
        stamp = now()
        groups: dict[tuple, list[int]] = {}
        query = (PromotionItem.select(PromotionItem, Student.id, Student.class_group, Student.grade, Student.status, Student.name)
                 .join(Student).where(PromotionItem.promotion == promotion))
        for item in query:
            student = item.student
            if (student.class_group, student.grade, student.status) != (item.new_class_group, item.new_grade, item.new_status):
                kept.append(student.name)
                continue
            groups.setdefault((item.old_class_group, item.old_grade, item.old_status), []).append(item.student_id)
            restored += 1
        for (group, grade, status), ids in groups.items():
            for chunk in pw.chunked(ids, 500):
                Student.update(class_group=group, grade=grade, status=status, updated_at=stamp).where(
                    Student.id.in_(chunk)).execute()
        promotion.undone_at = stamp
        promotion.save()
        audit.record("undo_promote", "student", promotion.id, {"restored": restored, "kept": kept}, user)
    return promotion, restored, kept


def describe_promotion(promotion: Promotion) -> str:
    return _("Kenaikan kelas ke {year} pada {at}").format(year=promotion.school_year, at=format_datetime(promotion.at))
