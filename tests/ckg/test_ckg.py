"""The CKG at school, from the roster to the puskesmas and back: the right child every time, nothing
more than the school needs, and files that cannot be altered on the way."""

from __future__ import annotations

import datetime as dt
import json

import pypdfium2
import pytest

from kupang_desk.ckg import files, puskesmas, school
from kupang_desk.ckg.coverage import coverage
from kupang_desk.ckg.growth import _table, growth
from kupang_desk.documents.signing import Unsigned
from kupang_desk.errors import KnownError
from kupang_desk.models import CkgResult, CkgStudent, Patient
from kupang_desk.students.records import save_student
from tests.helpers.clock import TODAY
from tests.helpers.factories import an_institution, new_patient

SCHOOL = ("SD Inpres Oebobo 2", "50304512")
PUSKESMAS = ("UPTD Puskesmas Oebobo", "1050101")


def years_ago(years: int, months: int = 0) -> dt.date:
    month = TODAY.month - months
    year = TODAY.year - years + (month - 1) // 12
    return dt.date(year, (month - 1) % 12 + 1, 1)


def at_school() -> None:
    an_institution(SCHOOL[0], "sekolah", SCHOOL[1])


def at_puskesmas() -> None:
    an_institution(PUSKESMAS[0], "puskesmas", PUSKESMAS[1])


def a_class() -> list:
    at_school()
    return [save_student({"name": name, "sex": sex, "birth_date": born, "nisn": nisn, "nik": nik, "class_group": "Kelas 5A",
                          "phone": "081234500011"}, today=TODAY)
            for name, sex, born, nisn, nik in (
                ("Maria Bere", "P", years_ago(10, 2), "0151234567", "5371045203150001"),
                ("Yosef Tanau", "L", years_ago(10, 5), "0151234568", ""),
                ("Ana Lay", "P", years_ago(11), "0151234569", "5371044404150003"))]


# ------------------------------------------------------------------ growth


@pytest.mark.parametrize(("sex", "months", "bmi", "z"), [
    # WHO's own BMI-for-age table (5-19 years), as printed: boys 10:0 and girls 15:0 at -2 SD, median, +2 SD
    ("L", 120, 13.7, -2), ("L", 120, 16.4, 0), ("L", 120, 21.4, 2),
    ("P", 180, 15.9, -2), ("P", 180, 20.2, 0), ("P", 180, 28.2, 2),
])
def test_bmi_for_age_matches_who_printed_table(sex, months, bmi, z):
    born = dt.date(2010, 1, 15)
    on = dt.date(2010 + months // 12, 1 + months % 12, 15)
    height = 1.40
    found = growth(sex, born, on, height * 100, bmi * height * height)
    assert found.bmi_z == pytest.approx(z, abs=0.06)


def test_beyond_three_sd_the_distance_is_counted_in_units_of_the_two_to_three_sd_interval():
    lms = _table()[("imt", "L", 120)]
    sd2, sd3 = lms.value(2), lms.value(3)
    bmi = sd3 + (sd3 - sd2) / 2
    found = growth("L", dt.date(2010, 1, 15), dt.date(2020, 1, 15), 140, bmi * 1.96)
    assert found.bmi_z == pytest.approx(3.5, abs=0.01)
    assert found.bmi_status == "obesitas"


def test_a_child_outside_the_reference_gets_no_z_score():
    found = growth("P", dt.date(2021, 6, 1), dt.date(2026, 6, 1), 108, 18)  # 60 months: WHO 2006 standard's
    assert found.bmi_z is None and found.out_of_range == []


# ------------------------------------------------------------------ the round trip


def test_the_roster_goes_to_the_puskesmas_and_only_what_the_school_needs_comes_back(database, tmp_path):
    students = a_class()
    sent = school.export_roster(tmp_path / "roster", to="Puskesmas Oebobo")
    assert sent.count == 3 and sent.path.suffix == ".json"
    roster = json.loads(sent.path.read_text(encoding="utf-8"))
    assert set(roster["rows"][0]) == {"nisn", "nik", "name", "sex", "birth_date", "class_group", "parent_phone"}
    assert sorted(row["nisn"] for row in roster["rows"]) == ["0151234567", "0151234568", "0151234569"]  # text, zero kept

    at_puskesmas()
    already = new_patient(nik="5371045203150001", name="Maria Bere", sex="P", birth_date=students[0].birth_date)
    imported = puskesmas.import_roster(sent.path, today=TODAY)
    assert imported.written and (imported.new_patients, imported.linked) == (2, 1)
    assert imported.first_from_school and sent.fingerprint == imported.fingerprint
    listed = {s.nisn: s for s in puskesmas.students(SCHOOL[1])}
    assert listed["0151234567"].no_rm == already.no_rm  # the patient she already was, not a second record
    assert Patient.select().count() == 3

    again = puskesmas.import_roster(sent.path, today=TODAY)  # the same file twice adds nobody
    assert (again.new_patients, again.linked, again.again) == (0, 0, 3) and Patient.select().count() == 3

    maria, yosef = listed["0151234567"], listed["0151234568"]
    thin = puskesmas.record(maria.id, puskesmas.Measures(TODAY, height_cm=135, weight_kg=23, vision="normal",
                                                          teeth="sehat", anaemia="tidak"), today=TODAY)
    assert thin.growth is not None and thin.growth.bmi_z < -2 and thin.refer_for
    puskesmas.record(yosef.id, puskesmas.Measures(TODAY, height_cm=138, weight_kg=32, vision="normal", teeth="sehat"),
                     today=TODAY)
    entry = CkgStudent.get_by_id(maria.id)
    assert entry.referral_place == PUSKESMAS[0] and entry.referral_date == TODAY + dt.timedelta(days=7)
    assert [(c.enrolled, c.screened, c.referred) for c in coverage()] == [(3, 2, 1)]

    back, count = puskesmas.export_results(SCHOOL[1], tmp_path / "hasil.json")
    results = json.loads(back.read_text(encoding="utf-8"))
    assert count == 3
    carried = {key for row in results["rows"] for key in row}
    assert carried == {"nisn", "name", "screened_on", "follow_up", "referral_place", "referral_date", "referral_done"}
    assert not any(word in back.read_text(encoding="utf-8") for word in ("gizi", "IMT", "23.0", "135"))  # nothing found

    at_school()
    came = school.import_results(back)
    assert came.written and (came.screened, came.follow_up) == (2, 1)
    words = {s.nisn: school.result_words(row.student and CkgResult.get_by_id(row.id))
             for s in students for row in CkgResult.select().where(CkgResult.student == s.id)}
    assert words == {"0151234567": "perlu tindak lanjut", "0151234568": "sudah diperiksa", "0151234569": "belum diperiksa"}
    letters = tmp_path / "surat.pdf"
    assert school.save_letters(letters, signed_on=TODAY) == 1
    document = pypdfium2.PdfDocument(str(letters))
    text = document[0].get_textpage().get_text_range()
    assert len(document) == 1 and "Maria Bere" in text and PUSKESMAS[0] in text


def test_a_roster_row_that_names_another_patient_is_refused_with_both_and_nothing_is_written(database, tmp_path):
    a_class()
    sent = school.export_roster(tmp_path / "roster.json")
    at_puskesmas()
    other = new_patient(nik="5371044404150003", name="Yohanes Ndun", sex="L", birth_date=dt.date(1987, 3, 12))
    imported = puskesmas.import_roster(sent.path, today=TODAY)
    assert not imported.written and len(imported.errors) == 1
    _line, nisn, reason = imported.errors[0]
    assert nisn == "0151234569" and "Ana Lay" in reason and "Yohanes Ndun" in reason and other.no_rm in reason
    assert CkgStudent.select().count() == 0 and Patient.select().count() == 1
    assert files.known_offices() == {}  # nor is the school's key taken from a file that was refused


def test_a_roster_changed_on_the_way_is_refused(database, tmp_path):
    a_class()
    sent = school.export_roster(tmp_path / "roster.json")
    payload = json.loads(sent.path.read_text(encoding="utf-8"))
    payload["rows"][1]["nik"] = "5371041003150002"  # someone slips a NIK in
    sent.path.write_text(json.dumps(payload), encoding="utf-8")
    at_puskesmas()
    with pytest.raises(Unsigned, match="sudah diubah"):
        puskesmas.import_roster(sent.path, today=TODAY)
    assert CkgStudent.select().count() == 0


def test_a_file_under_a_known_school_code_signed_with_another_key_is_refused(database, tmp_path):
    a_class()
    first = school.export_roster(tmp_path / "roster.json").path
    at_puskesmas()
    puskesmas.import_roster(first, today=TODAY)
    # Someone else makes a roster under the school's code: signed with a key that is not the school's.
    an_institution("SD Palsu", "sekolah", "99999999")
    forged = files.write(tmp_path / "palsu.json", "roster", [])
    payload = json.loads(forged.read_text(encoding="utf-8"))
    payload.update(from_code=SCHOOL[1], from_name=SCHOOL[0])
    from kupang_desk.documents import signing

    payload["signature"] = signing.sign("99999999", files._message(payload))
    forged.write_text(json.dumps(payload), encoding="utf-8")
    at_puskesmas()
    with pytest.raises(KnownError, match="bukan kunci") as refused:
        puskesmas.import_roster(forged, today=TODAY)
    assert files.known_offices()[SCHOOL[1]][:14] in str(refused.value)


def test_results_for_a_nisn_that_is_another_child_here_are_refused_with_both_names(database, tmp_path):
    a_class()
    sent = school.export_roster(tmp_path / "roster.json")
    at_puskesmas()
    puskesmas.import_roster(sent.path, today=TODAY)
    back, _count = puskesmas.export_results(SCHOOL[1], tmp_path / "hasil.json")
    at_school()
    # At the school, the NISN was corrected: it now belongs to another child.
    maria = next(s for s in a_class_records() if s.nisn == "0151234567")
    save_student({"nisn": "0151234599"}, student_id=maria.id, today=TODAY)
    save_student({"name": "Kristina Mau", "sex": "P", "birth_date": years_ago(10), "nisn": "0151234567"}, today=TODAY)
    came = school.import_results(back)
    assert not came.written and CkgResult.select().count() == 0
    assert any("Kristina Mau" in reason and "Maria Bere" in reason for _l, _n, reason in came.errors)


def a_class_records():
    from kupang_desk.students.records import active_students

    return active_students()


def test_measurements_out_of_range_are_refused_with_what_to_check(database, tmp_path):
    a_class()
    sent = school.export_roster(tmp_path / "roster.json")
    at_puskesmas()
    puskesmas.import_roster(sent.path, today=TODAY)
    first = puskesmas.students(SCHOOL[1])[0]
    with pytest.raises(KnownError, match="Tinggi badan"):
        puskesmas.record(first.id, puskesmas.Measures(TODAY, height_cm=1350, weight_kg=23), today=TODAY)
    with pytest.raises(KnownError, match="bersama"):
        puskesmas.record(first.id, puskesmas.Measures(TODAY, height_cm=135), today=TODAY)
    assert CkgStudent.get_by_id(first.id).screened_on is None


def test_the_ckg_report_counts_per_school_and_per_kelurahan_and_names_no_student(database, tmp_path):
    from kupang_desk.documents.table import Period
    from kupang_desk.models import Institution, writing
    from kupang_desk.reports import service
    from tests.helpers.factories import OEBOBO

    a_class()
    with writing():
        Institution.update(kelurahan=OEBOBO).execute()  # the school's profile names its kelurahan
    sent = school.export_roster(tmp_path / "roster.json")
    at_puskesmas()
    puskesmas.import_roster(sent.path, today=TODAY)
    first, second, _third = puskesmas.students(SCHOOL[1])
    puskesmas.record(first.id, puskesmas.Measures(TODAY, height_cm=135, weight_kg=23), today=TODAY)
    puskesmas.record(second.id, puskesmas.Measures(TODAY - dt.timedelta(days=40), height_cm=138, weight_kg=31), today=TODAY)
    month = Period.month(TODAY.strftime("%Y-%m"))
    report = service.save("ckg", month, xlsx=tmp_path / "ckg.xlsx", pdf=tmp_path / "ckg.pdf")
    by_school, by_area = report.tables
    assert by_school.rows == [[1, SCHOOL[0], SCHOOL[1], "Oebobo", 3, 2, 66.7, 1, 0]]
    assert by_area.rows == [[1, "Oebobo", 3, 2, 66.7, 1, 0]]
    yesterday = Period.between(TODAY - dt.timedelta(days=60), TODAY - dt.timedelta(days=1))
    assert service.save("ckg", yesterday, xlsx=tmp_path / "ckg-before.xlsx").tables[0].rows == []  # the roster came today
    with writing():  # as if the roster had come two months ago
        CkgStudent.update(roster_at=dt.datetime.combine(TODAY - dt.timedelta(days=60), dt.time(9))).execute()
    earlier = service.save("ckg", yesterday, xlsx=tmp_path / "ckg-before.xlsx")
    assert earlier.tables[0].rows[0][4:6] == [3, 1]  # up to yesterday: only the student screened 40 days ago
    cells = " ".join(str(value) for table in report.tables for row in table.rows for value in row)
    assert not any(name in cells for name in ("Maria", "Yosef", "Ana"))
