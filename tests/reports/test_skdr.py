"""SKDR weeks, counts, the SMS line and the alerts, on both engines."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from kupang_desk.errors import KnownError
from kupang_desk.models import Visit, VisitDiagnosis
from kupang_desk.reports import skdr
from kupang_desk.reports.skdr import Week
from kupang_desk.visits.recording import DiagnosisLine, VisitForm, delete_visit, record_visit
from tests.helpers.factories import TODAY, new_patient, new_visit, poli

OETETE = "53.71.04.1008"


def test_weeks_are_numbered_as_the_w2_form_numbers_them():
    assert Week.parse("2026-W43").period().start == dt.date(2026, 10, 25)  # Sunday to Saturday
    assert Week.parse("2026-W43").period().end == dt.date(2026, 10, 31)
    assert Week.parse("2026W01").period().start == dt.date(2026, 1, 4)  # the first week with 4 days of 2026
    assert Week.of(dt.date(2026, 1, 2)) == Week(2025, 53)  # Sun 28 Dec - Sat 3 Jan has 3 days of 2026
    with pytest.raises(KnownError, match="tidak punya minggu ke-53"):
        Week.parse("2026-W53")
    with pytest.raises(KnownError, match="misalnya 2026-W43"):
        Week.parse("43-2026")
    day = dt.date(2024, 1, 1)
    while day < dt.date(2028, 1, 1):  # Monday weeks are ISO weeks, and every day's week holds it
        iso = day.isocalendar()
        assert Week.of(day, starts_sunday=False) == Week(iso.year, iso.week, False)
        for sunday in (True, False):
            period = Week.of(day, starts_sunday=sunday).period()
            assert period.start <= day <= period.end and (period.end - period.start).days == 6
        day += dt.timedelta(days=5)


def person(number: int, kelurahan: str = ""):
    values = {"nik": f"537104120387{number:04d}", "name": f"Pasien {chr(65 + number % 26)}{'ab'[number % 2]}"}
    if kelurahan:
        values["kelurahan_code"] = kelurahan
    return new_patient(**values)


def old_case(patient, at, code):
    form = VisitForm(patient_id=patient.id, visit_at=at, poli_id=poli(),
                     diagnoses=[DiagnosisLine(code, is_new_case=False, is_primary=True)])
    return record_visit(form, today=TODAY)


def brute_force(week: Week) -> tuple[Counter, int]:
    """Counted the slow way: every live visit of the week, every new-case diagnosis mapped by hand."""
    period = week.period()
    visits = [v for v in Visit.select() if v.deleted_at is None and period.start <= v.visit_at.date() <= period.end]
    cases: Counter = Counter()
    for visit in visits:
        for line in VisitDiagnosis.select().where(VisitDiagnosis.visit == visit):
            if not line.is_new_case:
                continue
            matches = [(prefix, letter) for prefix, letter in skdr.default_mapping() if line.icd10_code.startswith(prefix)]
            if matches:
                cases[max(matches, key=lambda m: len(m[0]))[1]] += 1
    return cases, len(visits)


def test_the_week_counts_new_cases_per_code_and_every_visit(database):
    week = Week.parse("2026-W43")
    at = dt.datetime(2026, 10, 26, 9)
    patients = [person(n) for n in range(1, 7)]
    new_visit(patients[0], at, "A09.9", "A97.0")  # diare (A09 prefix) and dengue in one visit
    new_visit(patients[1], at, "A97.1")
    new_visit(patients[2], at, "J18.9", "I10")  # pneumonia; hypertension has no SKDR code
    new_visit(patients[3], at + dt.timedelta(days=5), "B50.9")  # Saturday 31 October: still W43
    old_case(patients[4], at, "A09.9")  # a kasus lama is not a new case
    gone = new_visit(patients[5], at, "A00.9")
    delete_visit(gone.id, reason="tercatat dua kali")
    new_visit(patients[5], dt.datetime(2026, 11, 1, 8), "A97.0")  # Sunday 1 November: W44
    counts = skdr.week_counts(week)
    cases, visits = brute_force(week)
    assert counts.cases == cases == Counter({"A": 1, "C": 2, "D": 1, "B": 1})
    assert counts.visits == visits == 5
    assert skdr.sms_line(counts) == "SKDR 43#2026#A1,B1,C2,D1,X5"
    assert counts.kelurahan["C"] == Counter({"Oebobo": 2})
    nihil = skdr.week_counts(Week.parse("2026-W40"))
    assert skdr.sms_line(nihil) == "SKDR 40#2026#X0"  # a week without cases is still reported


@pytest.mark.parametrize("sunday", [True, False])
def test_the_eight_weeks_of_history_in_one_query_equal_each_week_counted_alone(database, sunday):
    import random

    from kupang_desk import settings

    settings.put("skdr.week_starts_sunday", sunday)
    rng = random.Random(43)
    week = Week.parse("2026-W43", starts_sunday=sunday)
    first = week.previous(9).period().start
    codes = ["A09.9", "A97.0", "J18.9", "B50.9", "I10", "A01.0"]
    for number in range(1, 41):  # the days on each side of every week boundary, both ends of the range
        day = first + dt.timedelta(days=rng.randrange(70))
        visit = new_visit(person(number), dt.datetime.combine(day, dt.time(rng.choice((0, 9, 23)), 59)), rng.choice(codes))
        if number % 7 == 0:
            delete_visit(visit.id, reason="tercatat dua kali")
    alone = [skdr.week_counts(week.previous(n)).cases for n in range(1, skdr.HISTORY_WEEKS + 1)]
    assert skdr._history(week, skdr.current_mapping()) == alone
    assert sum(sum(c.values()) for c in alone) > 10  # the weeks are not empty


def test_a_dengue_cluster_in_one_kelurahan_raises_an_alert_that_week_and_not_before(database):
    week = Week.parse("2026-W43")
    new_visit(person(90), dt.datetime.combine(week.previous(12).period().start, dt.time(9)), "I10")  # data from W31
    number = 1
    for back in range(1, 9):  # eight quiet weeks: a dengue case every other week in Oebobo
        if back % 2:
            new_visit(person(number), dt.datetime.combine(week.previous(back).period().start, dt.time(9)), "A97.0")
            number += 1
    before = skdr.alerts(week.previous())
    assert [a.letter for a in before] == []
    for day in range(4):  # the cluster: four cases in Oetete in one week (threshold 5 not reached)
        new_visit(person(number, OETETE), dt.datetime(2026, 10, 26 + day, 10), "A97.0")
        number += 1
    found = skdr.alerts(week)
    assert [a.letter for a in found] == ["C"]
    alert = found[0]
    assert alert.cases == 4 and "rata-rata 8 minggu sebelumnya" in alert.reason and "ambang" not in alert.reason
    assert alert.kelurahan[0] == ("Oetete", 4)  # where the surveillance officer goes
    # one more case reaches the Dinas's threshold of 5 as well
    new_visit(person(number, OETETE), dt.datetime(2026, 10, 30, 10), "A97.0")
    assert "5 kasus baru, ambang 5" in skdr.alerts(week)[0].reason


def test_the_w2_report_and_the_sms_line_from_the_command_line(database, db_url, tmp_path, capsys, monkeypatch):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from kupang_desk.cli import main
    from kupang_desk.models import database as database_module
    from tests.helpers.factories import cli_account

    for number in range(1, 6):
        new_visit(person(number, OETETE), dt.datetime(2026, 10, 26, 9), "A97.0")
    new_visit(person(9), dt.datetime(2026, 10, 27, 9), "A09.9", "I10")
    cli_account(monkeypatch)
    database_module.close()
    args = ["--database", db_url, "report", "skdr"]
    assert main([*args, "--week", "2026-W43", "--sms"]) == 0
    sms, *said = capsys.readouterr().out.strip().splitlines()
    assert sms == "SKDR 43#2026#A1,C5,X6"  # the line to send, then the alert the officer must answer
    assert said == ["PERINGATAN C Tersangka demam dengue: 5 kasus baru, ambang 5 (Oetete 5). Tanggapi dalam 24 jam."]
    assert main([*args, "--week", "2026-W43", "--xlsx", str(tmp_path / "w2.xlsx"), "--pdf", str(tmp_path / "w2.pdf"),
                 "--quiet"]) == 0
    text = PdfReader(str(tmp_path / "w2.pdf")).pages[0].extract_text()
    assert "LAPORAN MINGGUAN SKDR (W2)" in text and "Minggu ke-43 tahun 2026: 25 Oktober 2026 s.d. 31 Oktober 2026" in text
    assert "SKDR 43#2026#A1,C5,X6" in text and "Oetete (5)" in text  # the alert names where the cases live
    rows = {row[1]: row for row in load_workbook(tmp_path / "w2.xlsx").active.iter_rows(values_only=True) if row[1]}
    assert rows["C"][3] == 5 and "ambang 5" in rows["C"][5] and rows["A"][3] == 1 and not rows["A"][5]
    capsys.readouterr()
    assert main([*args, "--month", "2026-10", "--sms"]) == 2  # SKDR is weekly
    assert "per minggu" in capsys.readouterr().err
    assert main(["--database", db_url, "report", "lb1", "--week", "2026-W43", "--sms"]) == 2
    database_module.close()


def test_one_case_after_quiet_weeks_is_no_alert(database):
    """Issue 37: a single dengue case in a quiet week raised an alert (mean + 2 SD of a sparse history
    is below one). Alerts follow the Dinas's thresholds; the statistical rule speaks only over eight
    weeks of real history, with cases in half of them, and at least three cases this week."""
    week = Week.parse("2026-W37")
    new_visit(person(90), dt.datetime.combine(week.previous(12).period().start, dt.time(9)), "I10")  # data from W25
    new_visit(person(1), dt.datetime.combine(week.previous(5).period().start, dt.time(9)), "A97.0")
    new_visit(person(2), dt.datetime.combine(week.period().start, dt.time(9)), "A97.0")
    assert skdr.alerts(week) == []  # one case, five weeks after another: not a signal


def test_the_weeks_before_an_office_kept_data_are_not_history(database):
    """Issue 37: diarrhoea alerted in an office's first weeks, the weeks before its first visit
    counting as zero. Without eight weeks of its own history only the Dinas's threshold speaks."""
    later = Week.of(TODAY).previous()  # the office began three weeks before; diarrhoea every week since
    number = 10
    for back in range(3, -1, -1):
        for _case in range(2 if back else 9):
            new_visit(person(number), dt.datetime.combine(later.previous(back).period().start, dt.time(10)), "A09.9")
            number += 1
    assert skdr.alerts(later) == []  # 9 cases, threshold 15, and no eight weeks of history
    for _case in range(6):  # fifteen reaches the threshold, whatever the history
        new_visit(person(number), dt.datetime.combine(later.period().start, dt.time(11)), "A09.9")
        number += 1
    found = skdr.alerts(later)
    assert [a.letter for a in found] == ["A"] and "ambang 15" in found[0].reason and "rata-rata" not in found[0].reason
