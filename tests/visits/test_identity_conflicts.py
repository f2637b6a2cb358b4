"""A register row that names someone else's No. RM or NIK is refused, with both people named."""

from __future__ import annotations

import datetime as dt

from kupang_desk.models import Patient, Visit
from kupang_desk.visits.register_import import import_register
from tests.helpers.factories import new_patient
from tests.visits.test_register_import import HEADERS, TODAY, register_file


def row(no_rm="", nik="", name="", sex="L", born="01-01-1950", visit="01-02-2022", code="I10"):
    return [no_rm, nik, name, sex, born, "Oebobo", "Umum", "Umum", visit, "", code, "", ""]


def test_a_row_with_another_patients_number_is_refused_naming_both(database, tmp_path):
    girl = new_patient(nik="5371044101200003", name="Maria Manafe", sex="P", birth_date=dt.date(2020, 1, 1))
    woman = new_patient(nik="5371045505600004", name="Agnes Taek", sex="P", birth_date=dt.date(1960, 5, 15))
    path = register_file(tmp_path / "r.xlsx", [
        row(no_rm=girl.no_rm, name="Petrus Pah", born="01-01-1950", visit="01-02-2010"),  # before her birth
        row(nik=woman.nik, name="Yakobus Lay", born="01-01-1940"),  # a hypertension visit of a man
        row(no_rm=girl.no_rm, name="Maria Manafe", sex="P", born="01-01-2020", code="J06.9"),  # her, truly
        row(nik=woman.nik, name="Agnes Taek Bere", sex="P", born="15-05-1960"),  # her, a name added
    ])
    summary = import_register(path, today=TODAY)
    assert [r.status for r in summary.rows] == ["error", "error", "new", "new"]
    first, second = summary.rows[0].reason, summary.rows[1].reason
    assert "Maria Manafe" in first and "Petrus Pah" in first and "01-01-2020" in first and "01-01-1950" in first
    assert "tanggal lahir" in first and "jenis kelamin" in first and "nama" in first
    assert "Agnes Taek" in second and "Yakobus Lay" in second and summary.rows[1].column == "NIK"
    # Nothing before anyone's birth, nothing on the wrong person: each has only her own visit.
    assert [v.patient.name for v in Visit.select().order_by(Visit.id)] == ["Maria Manafe", "Agnes Taek"]
    assert all(v.visit_at.date() >= v.patient.birth_date for v in Visit.select())
    assert Patient.select().count() == 2


def test_all_or_nothing_counts_the_conflicts_and_writes_nothing(database, tmp_path):
    girl = new_patient(nik="5371044101200003", name="Maria Manafe", sex="P", birth_date=dt.date(2020, 1, 1))
    path = register_file(tmp_path / "r.xlsx", [row(no_rm=girl.no_rm, name="Petrus Pah"), row(name="Yosef Bana")])
    summary = import_register(path, today=TODAY, all_or_nothing=True)
    assert summary.counts()["error"] == 1 and "1 ditolak" in summary.describe() and not summary.written
    assert Visit.select().count() == 0


def test_two_people_sharing_a_number_inside_the_file(database, tmp_path):
    path = register_file(tmp_path / "r.xlsx", [row(no_rm="009001", name="Petrus Pah"),
                                               row(no_rm="009001", name="Maria Bere", sex="P", born="02-02-1990")])
    summary = import_register(path, today=TODAY)
    assert [r.status for r in summary.rows] == ["new", "error"]
    assert "Petrus Pah" in summary.rows[1].reason and "Maria Bere" in summary.rows[1].reason
    assert HEADERS[0] == "No RM"
