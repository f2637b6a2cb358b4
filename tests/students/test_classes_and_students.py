"""Class promotion moves everyone up in one step and can be undone; a student's fields are checked."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk.cli import main
from kupang_desk.errors import FormInvalid, KnownError
from kupang_desk.models import Institution, Student
from kupang_desk.models import database as database_module
from kupang_desk.names import name_key
from kupang_desk.students import classes
from kupang_desk.students.grades import grade_of, next_class_group
from kupang_desk.students.records import save_student
from tests.helpers.factories import cli_account


def enrol(name: str, group: str, **values) -> Student:
    return Student.create(name=name, name_key=name_key(name), sex="L", class_group=group, grade=grade_of(group), **values)


@pytest.mark.parametrize("group,grade,after", [
    ("Kelas 4A", 4, "Kelas 5A"), ("4 B", 4, "5 B"), ("VII-A", 7, "VIII-A"), ("Kelas IX B", 9, "Kelas X B"),
    ("X IPA 1", 10, "XI IPA 1"), ("Kelas 10 TKJ 2", 10, "Kelas 11 TKJ 2"), ("Mawar", None, "Mawar"),
])
def test_grades_are_read_and_moved_as_the_school_writes_them(group, grade, after):
    assert grade_of(group) == grade
    if grade:
        assert next_class_group(group, grade) == after


def test_promotion_moves_everyone_up_graduates_the_last_grade_and_undo_restores(database):
    Institution.create(kind="sekolah", name="SD Inpres Oebobo 2", school_level="SD")
    four = enrol("Andi Ndun", "Kelas 4A")
    six = enrol("Beni Tode", "Kelas 6B")
    odd = enrol("Carli Pah", "Mawar")
    moved = enrol("Dedi Lay", "Kelas 2A", status="pindah")
    promotion, plan = classes.promote("2027/2028")
    assert (len(plan.moves), len(plan.graduates), [s.name for s in plan.unknown]) == (1, 1, ["Carli Pah"])
    assert [(s.class_group, s.grade, s.status) for s in (Student.get_by_id(x.id) for x in (four, six, odd, moved))] == [
        ("Kelas 5A", 5, "aktif"), ("Kelas 6B", 6, "lulus"), ("Mawar", None, "aktif"), ("Kelas 2A", 2, "pindah")]
    with pytest.raises(KnownError, match="sudah dijalankan"):
        classes.promote("2027/2028")

    Student.update(class_group="Kelas 5C").where(Student.id == four.id).execute()  # moved by hand after
    _promotion, restored, kept = classes.undo_promotion()
    assert (restored, kept) == (1, ["Andi Ndun"])
    assert (Student.get_by_id(six.id).status, Student.get_by_id(four.id).class_group) == ("aktif", "Kelas 5C")
    with pytest.raises(KnownError, match="Belum ada kenaikan kelas"):
        classes.undo_promotion()
    assert classes.promote("2027/2028")[0].id != promotion.id  # after an undo it can run again


def test_promotion_from_the_command_line_shows_the_plan_first(sqlite_url, capsys, monkeypatch):
    database_module.connect(sqlite_url)
    enrol("Andi Ndun", "Kelas 4A")
    cli_account(monkeypatch)
    database_module.close()
    assert main(["--database", sqlite_url, "students", "promote", "--school-year", "2027/2028"]) == 0
    assert "1 siswa naik kelas" in capsys.readouterr().out
    database_module.connect(sqlite_url)
    assert Student.get().class_group == "Kelas 4A"  # only the plan was shown
    database_module.close()
    assert main(["--database", sqlite_url, "students", "promote", "--school-year", "2027/2028", "--yes"]) == 0
    assert main(["--database", sqlite_url, "students", "undo-promote"]) == 0
    assert "1 siswa dikembalikan" in capsys.readouterr().out


def test_a_student_is_checked_like_a_patient_and_numbers_are_unique(database):
    first = save_student({"name": " Maria  Bere", "sex": "P", "birth_date": dt.date(2015, 3, 12), "nisn": "0151234567",
                          "nik": "5371045203150001", "class_group": "Kelas 5A"}, today=dt.date(2026, 11, 27))
    assert (first.name, first.grade, first.nisn) == ("Maria Bere", 5, "0151234567")
    with pytest.raises(FormInvalid) as invalid:
        save_student({"name": "Ana Lay", "sex": "P", "birth_date": dt.date(2015, 1, 1), "nisn": "0151234567"})
    assert list(invalid.value.errors) == ["nisn"] and "Maria Bere" in invalid.value.errors["nisn"]
    with pytest.raises(FormInvalid) as invalid:
        save_student({"name": "Ana Lay", "sex": "P", "birth_date": dt.date(2015, 1, 1), "nik": "5.37101E+15"})
    assert list(invalid.value.errors) == ["nik"] and "notasi ilmiah" in invalid.value.errors["nik"]
    with pytest.raises(FormInvalid, match=r"JK .X. tidak dikenal. Pilih salah satu: L \(laki-laki\), P \(perempuan\)"):
        save_student({"name": "Ana Lay", "sex": "X", "birth_date": dt.date(2015, 1, 1)})
    updated = save_student({"class_group": "Kelas 6A", "account_number": "0123 0101 2345 501"}, student_id=first.id)
    assert (updated.grade, updated.account_number, Student.select().count()) == (6, "012301012345501", 1)
