"""The reporting cycle on both engines: what is due, Tandai terkirim, the lock on a sent period,
the differences a late change makes, and the revision that follows."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from openpyxl import load_workbook

from kupang_desk import settings
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import PermissionDenied
from kupang_desk.cli import main
from kupang_desk.documents.table import Period
from kupang_desk.errors import FormInvalid, KnownError
from kupang_desk.formatting import format_month
from kupang_desk.models import LateChange, SentFile, SentReport
from kupang_desk.models import database as database_module
from kupang_desk.reports import service
from kupang_desk.reports.skdr import Week
from kupang_desk.submissions import calendar, sent
from kupang_desk.visits.recording import (
    DiagnosisLine,
    VisitForm,
    correct_visit,
    delete_visit,
    form_of,
    record_visit,
)
from kupang_desk.visits.register import VisitFilter, VisitRegister
from tests.helpers.actors import TEST_ACTOR, SystemActor
from tests.helpers.clock import at, last_month
from tests.helpers.factories import TODAY, cli_account, new_patient, new_visit, poli

OCTOBER = Period.month("2026-10")


@pytest.fixture
def october(database):
    yohanes = new_patient()
    maria = new_patient(nik="5371044506900002", name="Maria Bere", sex="P", birth_date=dt.date(1990, 6, 5))
    new_visit(yohanes, dt.datetime(2026, 10, 5, 9, 0), "J06.9")
    new_visit(maria, dt.datetime(2026, 10, 12, 10, 0), "J06.9", "K29.7")
    new_visit(maria, dt.datetime(2026, 9, 30, 10, 0), "A09")
    return yohanes, maria


def late_visit(patient, at, *codes, reason=""):
    lines = [DiagnosisLine(code, is_new_case=True, is_primary=i == 0) for i, code in enumerate(codes)]
    return record_visit(VisitForm(patient_id=patient.id, visit_at=at, poli_id=poli(), diagnoses=lines), today=TODAY,
                        reason=reason)


def statuses(today: dt.date) -> dict[tuple[str, str], str]:
    return {(e.kind, e.label): e.status for e in calendar.entries(today)}


def test_due_dates_and_states_over_a_year(october):
    yohanes, _maria = october
    new_visit(yohanes, dt.datetime(2026, 1, 15, 8, 0), "I10")
    assert calendar.monthly_due(OCTOBER) == dt.date(2026, 11, 10)
    assert calendar.monthly_due(Period.month("2026-12")) == dt.date(2027, 1, 10)
    assert calendar.weekly_due(Week.parse("2026-W43").period()) == dt.date(2026, 11, 3)  # Sat 31 Oct -> Tue 3 Nov
    # Over the year: each month is Belum until its day 10, Terlambat after, Terkirim once sent.
    for month in range(2, 13):
        before, after = dt.date(2026, month, 10), dt.date(2026, month, 11)
        last = f"{2026}-{month - 1:02d}"
        label = Period.month(last).label()
        assert statuses(before)[("lb1", label)] == calendar.BELUM
        assert statuses(after)[("lb1", label)] == calendar.TERLAMBAT
        if month % 2:  # every other month the clerk sends it late, on the 11th
            sent.mark_sent("lb1", Period.month(last))
            assert statuses(after)[("lb1", label)] == calendar.TERKIRIM
            assert statuses(after)[("recap", label)] == calendar.TERLAMBAT  # each report is sent on its own
    found = statuses(dt.date(2026, 12, 11))
    assert found[("lb1", "Januari 2026")] == calendar.TERLAMBAT  # due in February, an even month: never sent
    assert found[("lb1", "Februari 2026")] == calendar.TERKIRIM
    assert ("lb1", "Desember 2025") not in found  # before the first visit: the office did not use the program yet
    assert ("lb1", "Desember 2026") not in found  # not over yet
    # The first day of the week and the due weekday are settings.
    assert statuses(dt.date(2026, 12, 1))[("skdr", "2026-W47")] == calendar.BELUM
    assert statuses(dt.date(2026, 12, 2))[("skdr", "2026-W47")] == calendar.TERLAMBAT
    settings.put("reporting.weekly_due_weekday", 0)  # Monday
    settings.put("reporting.monthly_due_day", 5)
    assert statuses(dt.date(2026, 12, 1))[("skdr", "2026-W47")] == calendar.TERLAMBAT
    assert statuses(dt.date(2026, 11, 6))[("recap", "Oktober 2026")] == calendar.TERLAMBAT
    line = calendar.overdue_line(calendar.entries(dt.date(2026, 12, 2)))
    # The most recent overdue report of each kind is named, the rest counted (November is due on 5
    # December now; October's LB1 went in November, September's never did).
    assert line == ("Laporan terlambat: SKDR 2026-W47, 10 besar Oktober 2026, Rekap Oktober 2026, LB1 September 2026 "
                    "dan 33 lainnya")


def test_a_sent_period_is_locked_and_a_late_change_makes_it_perlu_revisi(october, tmp_path):
    yohanes, maria = october
    first = sent.mark_sent("lb1", OCTOBER, method="print", note="diantar ke Dinas")
    assert (first.revision, first.method, first.sent_by_name) == (0, "print", "Pengujian otomatis")
    names = sorted(f.name for f in SentFile.select().where(SentFile.sent == first))
    assert names == ["lb1-2026-10.pdf", "lb1-2026-10.xlsx"]
    saved = sent.save_files(first.id, tmp_path / "v0")
    assert all(hashlib.sha256(p.read_bytes()).hexdigest() == SentFile.get(SentFile.name == p.name).sha256 for p in saved)
    assert statuses(dt.date(2026, 11, 20))[("lb1", "Oktober 2026")] == calendar.TERKIRIM
    with pytest.raises(KnownError, match="sudah ditandai terkirim"):
        sent.mark_sent("lb1", OCTOBER)  # nothing changed: nothing new to send

    # A visit entered late into October needs a reason, naming the sent report.
    with pytest.raises(FormInvalid) as refused:
        late_visit(yohanes, dt.datetime(2026, 10, 20, 9, 0), "J06.9")
    assert "LB1 Oktober 2026 (dikirim" in refused.value.errors["reason"]
    assert LateChange.select().count() == 0
    # November was not sent: no reason needed there.
    late_visit(yohanes, dt.datetime(2026, 11, 2, 9, 0), "J06.9")
    visit = late_visit(yohanes, dt.datetime(2026, 10, 20, 9, 0), "J06.9", reason="kartu terselip, dicatat terlambat")
    assert [(c.visit_id, c.action) for c in LateChange.select()] == [(visit.id, "create")]
    assert statuses(dt.date(2026, 11, 20))[("lb1", "Oktober 2026")] == calendar.REVISI
    assert statuses(dt.date(2026, 11, 20))[("recap", "Oktober 2026")] == calendar.TERLAMBAT  # never sent: no lock

    found = sent.changes("lb1", OCTOBER)
    assert [(who, c.reason) for c, who in found.late] == [(f"{yohanes.no_rm} Yohanes Ndun", "kartu terselip, dicatat terlambat")]
    cells = {(d.row.split()[0], d.column): (d.old, d.new) for d in found.differences}
    # October had J06.9 for Yohanes (L, 39) and J06.9 + K29.7 for Maria (P): one more J06.9 for a man of 39.
    assert cells == {("J06.9", "20-44 th L"): (1, 2), ("J06.9", "Kasus baru L"): (1, 2), ("J06.9", "Kasus baru Jml"): (2, 3),
                     ("J06.9", "Jumlah kasus"): (2, 3), ("JUMLAH", "20-44 th L"): (1, 2), ("JUMLAH", "Kasus baru L"): (1, 2),
                     ("JUMLAH", "Kasus baru Jml"): (3, 4), ("JUMLAH", "Jumlah kasus"): (3, 4)}

    # The report made now is Revisi 1, and marking it sent keeps it as revision 1.
    assert service.make("lb1", OCTOBER).revision == 1
    second = sent.mark_sent("lb1", OCTOBER)
    assert second.revision == 1 and statuses(dt.date(2026, 11, 20))[("lb1", "Oktober 2026")] == calendar.TERKIRIM
    revised = sent.save_files(second.id, tmp_path / "v1")
    assert sorted(p.name for p in revised) == ["lb1-2026-10-revisi-1.pdf", "lb1-2026-10-revisi-1.xlsx"]
    # The two workbooks differ exactly in the changed count and the "Revisi 1" on the period line.
    old = load_workbook(tmp_path / "v0" / "lb1-2026-10.xlsx").active
    new = load_workbook(tmp_path / "v1" / "lb1-2026-10-revisi-1.xlsx").active
    changed = {(cell.coordinate, cell.value, new[cell.coordinate].value) for row in old.iter_rows() for cell in row
               if cell.value != new[cell.coordinate].value}
    assert old.max_row == new.max_row and old.max_column == new.max_column
    period_cells = [c for c in changed if "Revisi" in str(c[2])]
    assert len(period_cells) == 1 and period_cells[0][2].endswith("Oktober 2026 · Revisi 1")
    counts = changed - set(period_cells)
    assert [(value_old, value_new) for _coord, value_old, value_new in counts] == [(1, 2)]  # the 20-44 th L cell of J06.9
    assert json.loads(second.counts) != json.loads(first.counts)


def test_a_birth_date_corrected_after_sending_flags_the_months_its_visits_change(october):
    """Issue 35 item 2: a correction that moves a patient's visits to another age column changes a
    sent LB1 without touching a visit; it is kept as a late change, so the month shows Perlu revisi."""
    from kupang_desk.patients.registration import update
    from tests.helpers.factories import patient_form

    yohanes, maria = october
    sent.mark_sent("lb1", OCTOBER)
    form = patient_form(name="Yohanes Ndun", birth_date=dt.date(2016, 3, 12))  # 10, not 39, on 5 October
    update(yohanes.id, form, reason="salah ketik tahun lahir", accept_warnings=True, today=TODAY)
    assert statuses(dt.date(2026, 11, 20))[("lb1", "Oktober 2026")] == calendar.REVISI
    found = sent.changes("lb1", OCTOBER)
    assert [(who, c.action, c.reason) for c, who in found.late] == [
        (f"{yohanes.no_rm} Yohanes Ndun", "update", "data pasien dikoreksi: salah ketik tahun lahir")]
    cells = {(d.row.split()[0], d.column): (d.old, d.new) for d in found.differences}
    assert (cells[("J06.9", "20-44 th L")], cells[("J06.9", "10-14 th L")]) == ((1, 0), (0, 1))
    # Correcting the phone number changes no report: no late change.
    update(yohanes.id, patient_form(name="Yohanes Ndun", birth_date=dt.date(2016, 3, 12), phone="081299990000"),
           reason="nomor baru", accept_warnings=True, today=TODAY)
    assert LateChange.select().count() == 1


def test_corrections_and_deletions_in_a_sent_week_are_kept_and_flagged(october):
    yohanes, maria = october
    week = Week.of(dt.date(2026, 10, 12))
    sent.mark_sent("skdr", week.period())
    target = SentReport.get(SentReport.kind == "skdr")
    visit = next(v for v in maria.visits if v.visit_at == dt.datetime(2026, 10, 12, 10, 0))
    form = form_of(visit)
    form.diagnoses = [DiagnosisLine("A90", True, True)]  # dengue, not a cold
    correct_visit(visit.id, form, reason="salah kode diagnosis", today=TODAY)
    flagged = {row.id: row.late for row in VisitRegister(VisitFilter(date_from=dt.date(2026, 10, 1))).page(0)}
    assert flagged[visit.id] and not any(late for visit_id, late in flagged.items() if visit_id != visit.id)
    assert statuses(dt.date(2026, 11, 20))[("skdr", week.label())] == calendar.REVISI
    cases = {(d.row, d.column): (d.old, d.new) for d in sent.changes("skdr", week.period()).differences}
    sms = "X (jumlah kunjungan minggu ini): 1. Pesan SMS: SKDR 41#2026#"
    assert cases == {("C Tersangka demam dengue", "Kasus baru"): (0, 1), ("JUMLAH", "Kasus baru"): (0, 1),
                     ("Catatan", "Catatan"): (sms + "X1", sms + "C1,X1")}
    delete_visit(visit.id, reason="tercatat dua kali")
    assert [c.action for c in LateChange.select().where(LateChange.sent == target).order_by(LateChange.id)] == ["update", "delete"]
    (note,) = sent.changes("skdr", week.period()).differences  # the dengue case is gone again; one visit fewer
    assert "X (jumlah kunjungan minggu ini): 1." in note.old and "X (jumlah kunjungan minggu ini): 0." in note.new
    # Moving a visit into a sent week from outside it is a late change of that week too.
    september = next(v for v in maria.visits if v.visit_at.month == 9)
    moved = form_of(september)
    moved.visit_at = dt.datetime(2026, 10, 13, 8, 0)
    correct_visit(september.id, moved, reason="tanggal salah ketik", today=TODAY)
    assert LateChange.get(LateChange.visit == september.id).sent == target


def test_only_an_account_that_may_send_marks_a_report_sent(october):
    clerk = SystemActor("poli", "Petugas poli", frozenset({"report.make", "visit.write"}))
    with pytest.raises(PermissionDenied):
        sent.mark_sent("lb1", OCTOBER, user=clerk)
    with pytest.raises(KnownError, match="tidak dikirim ke Dinas"):
        sent.mark_sent("register", OCTOBER)
    assert SentReport.select().count() == 0


def test_command_line_signs_in_marks_sent_and_shows_the_calendar(database, db_url, tmp_path, capsys, monkeypatch):
    month = last_month()  # the calendar shows the last twelve months: the month before the tests' today
    label, slug = format_month(month.year, month.month), f"{month:%Y-%m}"
    yohanes = new_patient()
    new_visit(yohanes, at(month.replace(day=5)), "J06.9")
    cli_account(monkeypatch)
    database_module.close()
    args = ["--database", db_url, "reporting"]
    assert main([*args, "send", "lb1", "--month", slug, "--how", "print", "--note", "diterima Ibu Ana"]) == 0
    assert "ditandai terkirim; periodenya dikunci" in capsys.readouterr().out
    assert main([*args, "send", "lb1", "--month", slug]) == 2
    assert "sudah ditandai terkirim" in capsys.readouterr().err
    assert main([*args, "send", "skdr", "--month", slug]) == 2  # SKDR goes by week
    assert main([*args, "calendar"]) == 0
    out = capsys.readouterr().out
    assert any(label in line and "Terkirim" in line and "LB1" in line for line in out.splitlines())
    database_module.connect(db_url)
    with session.acting_as(TEST_ACTOR):
        late_visit(yohanes, at(month.replace(day=21)), "A09", reason="dicatat terlambat")
    database_module.close()
    assert main([*args, "changes", "lb1", "--month", slug]) == 0
    out = capsys.readouterr().out
    assert "dicatat kunjungan" in out and "alasan: dicatat terlambat" in out and "A09" in out and "0 menjadi 1" in out
    assert main([*args, "files", "lb1", "--month", slug, "--out", str(tmp_path / "kirim")]) == 0
    assert sorted(p.name for p in (tmp_path / "kirim").iterdir()) == [f"lb1-{slug}.pdf", f"lb1-{slug}.xlsx"]
    monkeypatch.delenv("KUPANG_DESK_PASSWORD")
    assert main([*args, "calendar"]) == 2  # the command line signs in like the window
    database_module.close()


@pytest.mark.parametrize("planted", ["../di-luar.xlsx", "/tmp/di-luar-mutlak.xlsx", "..\\di-luar.pdf", "C:\\di-luar.pdf", ".."])
def test_files_of_a_sent_report_never_leave_the_chosen_folder(october, tmp_path, planted):
    """Issue 35 item 8: a file name in the database that names a folder (a changed database) is refused
    before anything is written, with the name in the message; nothing lands outside the folder."""
    row = sent.mark_sent("lb1", OCTOBER, method="print")
    SentFile.update(name=planted).where(SentFile.sent == row.id).execute()
    out = tmp_path / "a" / "kirim"
    before = {p for p in tmp_path.rglob("*")}
    with pytest.raises(KnownError, match="bukan nama file biasa") as refused:
        sent.save_files(row.id, out)
    assert repr(planted) in str(refused.value)
    assert {p for p in tmp_path.rglob("*") if p.is_file()} == {p for p in before if p.is_file()}
    assert not (tmp_path / "a" / "di-luar.xlsx").exists() and not (tmp_path / "di-luar-mutlak.xlsx").exists()
    assert not out.exists() or not any(out.iterdir())
