"""Every award follows its steps; a wrong step is refused with the student's name, and every step is kept."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from kupang_desk.errors import KnownError
from kupang_desk.models import Award, AwardEvent, Institution, Payout, Student, User
from kupang_desk.names import name_key
from kupang_desk.scholarships import awards, programmes
from kupang_desk.scholarships.awards import STATUS_ORDER, TRANSITIONS, Step
from tests.helpers.clock import TODAY, days_ago

IN_8_DAYS = TODAY + dt.timedelta(days=8)  # an activation deadline near enough to warn about

STEPS = {  # what a clerk enters to reach each status
    "sk_nominasi": Step("sk_nominasi", decree="SK-NOM/2026/015", decree_date=days_ago(257),
                        deadline=IN_8_DAYS),
    "rekening_aktif": Step("rekening_aktif", bank="BRI", account_number="012301012345501", activated_on=days_ago(209)),
    "sk_pemberian": Step("sk_pemberian", decree="SK-PEM/2026/044", decree_date=days_ago(179)),
    "diambil": Step("diambil", confirmed_on=days_ago(87)),
    "dibatalkan": Step("dibatalkan", cancel_reason="Pindah sekolah"),
}
PATH = ("diusulkan", "sk_nominasi", "rekening_aktif", "sk_pemberian", "dicairkan", "diambil")


def make_student(number: int, grade: int = 4, **values) -> Student:
    name = values.pop("name", f"Siswa Nomor {chr(65 + number)}")
    return Student.create(nisn=f"01500000{number:02d}", name=name, name_key=name_key(name), sex="P",
                          birth_date=dt.date(2016, 1, 1), class_group=f"Kelas {grade}A", grade=grade, **values)


@pytest.fixture
def pip(database):
    Institution.create(kind="sekolah", name="SD Inpres Oebobo 2", code="50304512", school_level="SD")
    return programmes.ensure_pip(TODAY.year)


def award_at(pip, status: str, number: int = 1) -> Award:
    """An award brought to ``status`` the way a clerk would."""
    student = make_student(number)
    awards.propose(pip, [student.id])
    award = Award.get(Award.student == student)
    for target in PATH[1:PATH.index(status) + 1] if status in PATH else ():
        if target == "dicairkan":
            awards.record_payout([award.id], 1, days_ago(99), today=TODAY)
        else:
            awards.transition([award.id], STEPS[target], today=TODAY)
    if status == "dibatalkan":
        awards.transition([award.id], STEPS["dibatalkan"], today=TODAY)
    return Award.get_by_id(award.id)


def test_the_whole_path_is_kept_with_who_and_when(pip):
    clerk = User.create(username="tu", full_name="Agnes Manafe", password_hash="x", role="operator_sekolah")
    student = make_student(1)
    awards.propose(pip, [student.id], user=clerk)
    award = Award.get()
    for target in ("sk_nominasi", "rekening_aktif", "sk_pemberian"):
        awards.transition([award.id], STEPS[target], user=clerk, today=TODAY)
    awards.record_payout([award.id], 1, days_ago(99), user=clerk, today=TODAY)
    awards.record_payout([award.id], 2, days_ago(38), user=clerk, today=TODAY)
    awards.transition([award.id], STEPS["diambil"], user=clerk, today=TODAY)
    award = Award.get_by_id(award.id)
    assert (award.status, award.nomination_decree, award.account_number, award.grant_decree) == (
        "diambil", "SK-NOM/2026/015", "012301012345501", "SK-PEM/2026/044")
    events = awards.history(award)
    assert [(e.from_status, e.to_status) for e in events] == [
        ("", "diusulkan"), ("diusulkan", "sk_nominasi"), ("sk_nominasi", "rekening_aktif"),
        ("rekening_aktif", "sk_pemberian"), ("sk_pemberian", "dicairkan"), ("dicairkan", "dicairkan"),
        ("dicairkan", "diambil")]
    assert all(e.user_id == clerk.id and e.at is not None for e in events)
    assert "Rp225.000" in events[4].note  # half of Rp450.000 in the first of two stages
    assert [p.amount for p in Payout.select().order_by(Payout.stage)] == [225000, 225000]
    assert awards.paid_amount(award) == award.amount == 450000


@pytest.mark.parametrize("start,target", [
    (start, target) for start, target in itertools.product(STATUS_ORDER, STATUS_ORDER)
    if target in TRANSITIONS[start] and target != "dicairkan"])
def test_every_allowed_transition(pip, start, target):
    award = award_at(pip, start)
    awards.transition([award.id], STEPS[target], today=TODAY)
    assert Award.get_by_id(award.id).status == target
    assert AwardEvent.select().where((AwardEvent.award == award) & (AwardEvent.to_status == target)).count() == 1


@pytest.mark.parametrize("start,target", [
    (start, target) for start, target in itertools.product(STATUS_ORDER, STATUS_ORDER)
    if target not in TRANSITIONS[start] and target != "diusulkan" and target != "dicairkan"])
def test_every_refused_transition_names_the_student_and_changes_nothing(pip, start, target):
    award = award_at(pip, start)
    events = AwardEvent.select().count()
    with pytest.raises(KnownError) as refused:
        awards.transition([award.id], STEPS[target], today=TODAY)
    assert "Siswa Nomor B" in str(refused.value) and "tidak dapat diubah menjadi" in str(refused.value)
    assert Award.get_by_id(award.id).status == start and AwardEvent.select().count() == events


@pytest.mark.parametrize("start", [s for s in STATUS_ORDER if s not in ("sk_pemberian", "dicairkan")])
def test_a_payout_before_the_grant_decree_or_after_the_end_is_refused(pip, start):
    award = award_at(pip, start)
    payouts = Payout.select().count()
    message = "tidak ada pencairan lagi" if start in ("diambil", "dibatalkan") else "sesudah SK Pemberian"
    with pytest.raises(KnownError, match=message):
        awards.record_payout([award.id], 2, days_ago(99), today=TODAY)
    assert Payout.select().count() == payouts


def test_a_step_without_what_it_needs_is_refused(pip):
    award = award_at(pip, "diusulkan")
    with pytest.raises(KnownError, match="nomor dan tanggal SK Nominasi"):
        awards.transition([award.id], Step("sk_nominasi", decree=""), today=TODAY)
    awards.transition([award.id], STEPS["sk_nominasi"], today=TODAY)
    with pytest.raises(KnownError, match="nomor rekening"):
        awards.transition([award.id], Step("rekening_aktif", bank="BRI", account_number="12-ab"), today=TODAY)
    with pytest.raises(KnownError, match="alasan pembatalan"):
        awards.transition([award.id], Step("dibatalkan", cancel_reason="bosan"), today=TODAY)
    with pytest.raises(KnownError, match="Catat pencairan"):
        awards.transition([award_at(pip, "sk_pemberian", 2).id], Step("dicairkan"), today=TODAY)


def test_a_bulk_action_changes_all_or_none(pip):
    ready = [award_at(pip, "sk_nominasi", n) for n in (1, 2, 3)]
    for number, award in enumerate(ready):  # accounts opened at the bank, recorded on the students
        Student.update(bank="BRI", account_number=f"01230101234550{number}").where(Student.id == award.student_id).execute()
    late = award_at(pip, "diusulkan", 4)
    with pytest.raises(KnownError) as refused:
        awards.transition([a.id for a in [*ready, late]], Step("rekening_aktif", activated_on=TODAY), today=TODAY)
    assert "1 dari 4" in str(refused.value) and "Siswa Nomor E" in str(refused.value)
    assert [Award.get_by_id(a.id).status for a in ready] == ["sk_nominasi"] * 3
    assert awards.transition([a.id for a in ready], Step("rekening_aktif", activated_on=TODAY), today=TODAY) == 3
    assert [Award.get_by_id(a.id).account_number for a in ready] == [f"01230101234550{n}" for n in range(3)]
    granted = [a.id for a in ready]
    awards.transition(granted, STEPS["sk_pemberian"], today=TODAY)
    assert awards.record_payout(granted, 1, days_ago(99), today=TODAY) == 3
    with pytest.raises(KnownError, match="sudah dicatat"):
        awards.record_payout(granted, 1, days_ago(98), today=TODAY)
    assert Payout.select().count() == 3


def test_rekening_aktif_without_an_account_anywhere_is_refused(pip):
    award = award_at(pip, "sk_nominasi")
    with pytest.raises(KnownError, match="nomor rekening"):
        awards.transition([award.id], Step("rekening_aktif", bank="BRI"), today=TODAY)


def test_amounts_follow_the_programme_rules(pip):
    students = [make_student(n, grade) for n, grade in ((1, 1), (2, 3), (3, 6))]
    awards.propose(pip, [s.id for s in students])
    assert [a.amount for a in Award.select().join(Student).order_by(Student.grade)] == [225000, 450000, 225000]
    own = programmes.save_programme("Beasiswa Prestasi Pemkot Kupang", 2026, funder="Pemerintah Kota Kupang",
                                amounts={"SD": 500000}, stage_names=["Tahap 1"])
    assert programmes.amount_for(own, students[0]) == 500000  # no halving in this programme
    with pytest.raises(KnownError, match="sudah ada"):
        programmes.save_programme("PIP", TODAY.year)


def test_proposing_twice_adds_nobody_and_a_student_who_left_is_refused(pip):
    student = make_student(1)
    assert awards.propose(pip, [student.id]) == 1
    assert awards.propose(pip, [student.id]) == 0
    gone = make_student(2, status="pindah")
    with pytest.raises(KnownError, match="tidak aktif lagi"):
        awards.propose(pip, [gone.id])


def test_deadline_warnings_list_near_and_passed_deadlines_first(pip):
    for number, deadline in ((1, days_ago(7)), (2, IN_8_DAYS), (3, TODAY + dt.timedelta(days=66))):
        award = award_at(pip, "diusulkan", number)
        awards.transition([award.id], Step("sk_nominasi", decree="SK-1", decree_date=days_ago(271),
                                           deadline=deadline), today=TODAY)
    active = award_at(pip, "rekening_aktif", 4)
    Award.update(activation_deadline=days_ago(26)).where(Award.id == active.id).execute()
    warnings = awards.deadline_warnings(today=TODAY)
    assert [(row.name, days) for row, days in warnings] == [("Siswa Nomor B", -7), ("Siswa Nomor C", 8)]


def test_no_sk_for_a_student_who_also_receives_a_programme_that_excludes_this_one(pip):
    city = programmes.save_programme("Beasiswa Pemkot Kupang", TODAY.year, amounts={"SD": 500000})
    school_aid = programmes.save_programme("Bantuan Komite Sekolah", TODAY.year, amounts={"SD": 100000}, stackable=True)
    last_year = programmes.save_programme("Beasiswa Pemkot Kupang", TODAY.year - 1, amounts={"SD": 500000})
    both, aided, earlier = make_student(1, name="Yohana Ndun"), make_student(2), make_student(3)
    for programme, students in ((pip, [both, aided, earlier]), (city, [both]), (school_aid, [aided]), (last_year, [earlier])):
        awards.propose(programme, [s.id for s in students])
    found = awards.double_recipients(pip)
    assert len(found) == 1 and "Yohana Ndun (NISN 0150000001) juga penerima Beasiswa Pemkot Kupang" in found[0]
    pip_awards = {a.student_id: a.id for a in Award.select().where(Award.programme == pip.id)}
    with pytest.raises(KnownError, match="Kedua program tidak boleh diterima bersama") as refused:
        awards.transition(list(pip_awards.values()), STEPS["sk_nominasi"], today=TODAY)
    assert "Yohana Ndun" in str(refused.value) and Award.get_by_id(pip_awards[aided.id]).status == "diusulkan"  # all or none
    city_award = Award.get((Award.programme == city.id) & (Award.student == both.id))
    awards.transition([city_award.id], STEPS["dibatalkan"], today=TODAY)  # the office chooses PIP for her
    assert awards.double_recipients(pip) == []
    assert awards.transition(list(pip_awards.values()), STEPS["sk_nominasi"], today=TODAY) == 3
    assert programmes.as_programme(school_aid).stackable and not programmes.as_programme(city).stackable


def test_the_poorest_deciles_are_listed_first_and_a_decile_needs_its_date(pip):
    from kupang_desk.errors import FormInvalid
    from kupang_desk.students.records import save_student

    students = [make_student(n, name=name) for n, name in ((1, "Ana Lay"), (2, "Beni Tode"), (3, "Cici Bere"), (4, "Dedi Nope"))]
    for student, decile in zip(students, (3, 1, 7, None), strict=True):
        if decile is not None:
            save_student({"dtsen_decile": str(decile), "dtsen_date": days_ago(30)}, student_id=student.id, today=TODAY)
    awards.propose(pip, [s.id for s in students])
    poorest = awards.award_rows(pip, flag=awards.POOREST)
    assert [(row.name, row.decile) for row in poorest] == [("Beni Tode", 1), ("Ana Lay", 3)]  # ranked, deciles 1-4 only
    with pytest.raises(FormInvalid) as wrong:
        save_student({"dtsen_decile": "11", "dtsen_date": days_ago(1)}, student_id=students[0].id, today=TODAY)
    assert "1 (termiskin) sampai 10" in str(wrong.value)
    with pytest.raises(FormInvalid, match="Isi tanggal data DTSEN"):
        save_student({"dtsen_decile": "2", "dtsen_date": None}, student_id=students[3].id, today=TODAY)
    assert Student.get_by_id(students[3].id).dtsen_decile is None  # nothing saved
