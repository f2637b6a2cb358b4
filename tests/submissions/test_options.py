"""Pengaturan > Pelaporan in the domain: due dates, thresholds and the ICD-10 mapping change the reports."""

from __future__ import annotations

import datetime as dt

import pytest

from kupang_desk import settings
from kupang_desk.accounts.permissions import PermissionDenied
from kupang_desk.errors import KnownError
from kupang_desk.models import AuditEvent
from kupang_desk.reports import skdr
from kupang_desk.reports.skdr import Week
from kupang_desk.submissions import calendar, options
from kupang_desk.submissions.options import ReportingOptions
from tests.helpers.actors import SystemActor
from tests.helpers.factories import new_patient, new_visit


def test_due_dates_and_dhis2_server_are_saved_checked_and_audited(database):
    current = ReportingOptions.current()
    assert (current.monthly_due_day, current.weekly_due_weekday, current.week_starts_sunday) == (10, 1, True)
    options.save_options(ReportingOptions(5, 0, False, " https://dhis2.example.go.id ", "pkm-oebobo", "P 53710401"))
    saved = ReportingOptions.current()
    assert (saved.monthly_due_day, saved.weekly_due_weekday, saved.week_starts_sunday) == (5, 0, False)
    assert (saved.dhis2_url, saved.dhis2_username, saved.dhis2_org_unit) == ("https://dhis2.example.go.id", "pkm-oebobo",
                                                                              "P53710401")
    assert calendar.weekly_due(Week.parse("2026-W47", starts_sunday=False).period()) == dt.date(2026, 11, 23)
    keys = {e.record_id for e in AuditEvent.select().where(AuditEvent.table_name == "setting")}
    assert {"reporting.monthly_due_day", "skdr.week_starts_sunday", "dhis2.url"} <= keys
    with pytest.raises(KnownError, match="1 sampai 28"):
        options.save_options(ReportingOptions(31, 1, True, "", "", ""))
    with pytest.raises(KnownError, match="dimulai dengan https://"):
        options.save_options(ReportingOptions(10, 1, True, "dhis2.example.go.id", "", ""))
    assert ReportingOptions.current().monthly_due_day == 5  # a refused save changes nothing
    clerk = SystemActor("pendaftaran", "Petugas", frozenset({"report.make"}))
    with pytest.raises(PermissionDenied):
        options.save_options(ReportingOptions(10, 1, True, "", "", ""), user=clerk)


def test_thresholds_and_mapping_change_what_alerts_and_what_counts(database):
    patient = new_patient()
    for day in (11, 12, 13):  # three dengue cases in one week: under the shipped threshold of 5
        new_visit(patient, dt.datetime(2026, 10, day, 9, 0), "A90")
    new_visit(patient, dt.datetime(2026, 10, 14, 9, 0), "B34.9")  # a viral infection: no SKDR letter
    week = Week.of(dt.date(2026, 10, 12))
    assert not skdr.alerts(week)
    options.set_skdr_thresholds({"C": 3})
    (alert,) = skdr.alerts(week)
    assert (alert.letter, alert.cases) == ("C", 3) and "ambang 3" in alert.reason
    assert ("C", "Tersangka demam dengue", 3) in options.skdr_thresholds()
    assert settings.get("skdr.thresholds") == {"C": 3}  # only what differs from the shipped ones
    assert skdr.week_counts(week).cases.get("C") == 3 and "B" not in skdr.week_counts(week).cases
    with pytest.raises(KnownError, match="Awalan kode ICD-10 '9X' tidak dikenal"):
        options.set_skdr_mapping([*options.skdr_mapping(), ("9x", "C")])
    # The Dinas counts B34.9 as suspected dengue this season; typed as the clerk types codes.
    options.set_skdr_mapping([*options.skdr_mapping(), ("b349", "C")])
    assert ("B34.9", "C") in options.skdr_mapping() and skdr.week_counts(week).cases["C"] == 4
    with pytest.raises(KnownError, match="Huruf SKDR 'Z9'"):
        options.set_skdr_mapping([("A09", "Z9")])
    with pytest.raises(KnownError, match="dua huruf"):
        options.set_skdr_mapping([("A09", "A"), ("A09", "E")])
    options.set_skdr_mapping(None)
    assert skdr.week_counts(week).cases["C"] == 3 and options.skdr_mapping() == sorted(skdr.default_mapping())
