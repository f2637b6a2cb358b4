"""DHIS2 dataValueSets from the office's mapping, and the upload to a local server in the test."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re

import pytest

from kupang_desk import settings
from kupang_desk.documents.table import Period
from kupang_desk.errors import KnownError
from kupang_desk.models import SentFile, SentReport
from kupang_desk.reports import lb1
from kupang_desk.reports.base import age_bands
from kupang_desk.reports.skdr import Week, current_codes
from kupang_desk.submissions import dhis2, dhis2_metadata, sent
from kupang_desk.visits.recording import DiagnosisLine, VisitForm, delete_visit, record_visit
from tests.helpers.factories import TODAY, an_institution, new_patient, new_visit, poli
from tests.submissions.dhis2_server import Dhis2Server, Element, Known, period_dates
from tests.submissions.test_cycle import late_visit

OCTOBER = Period.month("2026-10")


def uid(name: str) -> str:
    """A DHIS2 uid (a letter, then ten letters or digits) for a code."""
    return "U" + hashlib.sha1(name.encode()).hexdigest()[:10]


def lb1_columns() -> list[str]:
    return [f"{band.label} {sex}" for band in age_bands() for sex in "LP"] + ["Kasus lama L", "Kasus lama P"]


def combo_of(column: str) -> str:
    return "BARU_" + re.sub(r"\W+", "_", column).upper() if not column.startswith("Kasus lama") else "LAMA_" + column[-1]


def lb1_mapping(path, *, leave_out: str = ""):
    """A mapping as a Dinas writes it: one data element per ICD-10 code, one combo per age band and sex;
    SKDR counts zeros (a week without cases is reported as such), LB1 does not."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(["report", "row", "column", "dataElement", "categoryOptionCombo", "dataSet", "zeroIsSignificant"])
        for column in lb1_columns():
            if column != leave_out:
                out.writerow(["lb1", "*", column, "LB1_{code}", combo_of(column), "LB1_BULANAN", ""])
        out.writerow(["skdr", "*", "Kasus baru", "SKDR_{code}", "", "SKDR_MINGGUAN", "ya"])
        out.writerow(["skdr", "X", "Jumlah kunjungan", "SKDR_X", "", "", "ya"])
    return path


def the_dinas(*, codes: bool = True, week_type: str = "WeeklySunday",
              icd: tuple[str, ...] = ("J06.9", "A90", "I10", "A09")) -> Known:
    """The Dinas's DHIS2: the LB1 and SKDR data sets, their elements (one per ICD-10 code in ``icd``)
    and combos, the puskesmas's unit (with codes, or, ``codes=False``, known by uid alone)."""
    def code(name: str) -> str:
        return name if codes else ""

    elements = [Element(uid(f"LB1_{each}"), code(f"LB1_{each}")) for each in icd]
    elements += [Element(uid(f"SKDR_{letter}"), code(f"SKDR_{letter}"), zero_is_significant=True)
                 for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    return Known(elements, {uid(combo_of(c)): code(combo_of(c)) for c in lb1_columns()},
                 {uid("LB1_BULANAN"): (code("LB1_BULANAN"), "Monthly"), uid("SKDR_MINGGUAN"): (code("SKDR_MINGGUAN"), week_type)},
                 {uid("P5371040101"): code("P5371040101")})


@pytest.fixture
def october(database):
    an_institution(code="P5371040101")
    yohanes = new_patient()
    maria = new_patient(nik="5371044506900002", name="Maria Bere", sex="P", birth_date=dt.date(1990, 6, 5))
    new_visit(yohanes, dt.datetime(2026, 10, 5, 9, 0), "J06.9")
    new_visit(maria, dt.datetime(2026, 10, 12, 10, 0), "J06.9", "A90")
    record_visit(VisitForm(patient_id=maria.id, visit_at=dt.datetime(2026, 10, 14, 10, 0), poli_id=poli(),
                           diagnoses=[DiagnosisLine("A90", is_new_case=False, is_primary=True)]), today=TODAY)
    return yohanes, maria


def check_shape(payload: dict) -> None:
    """The dataValueSets shape DHIS2 reads: top-level period/orgUnit/completeDate, values as strings."""
    assert set(payload) <= {"dataSet", "period", "orgUnit", "completeDate", "dataValues", dhis2.SEAL_KEY}
    dt.date.fromisoformat(payload["completeDate"])
    assert period_dates(payload["period"]) is not None  # a period DHIS2 reads (docs' period table)
    for value in payload["dataValues"]:
        assert set(value) <= {"dataElement", "categoryOptionCombo", "period", "orgUnit", "value"}
        assert {"dataElement", "period", "orgUnit", "value"} <= set(value)
        assert isinstance(value["value"], str) and value["value"].isdigit()
        assert value["period"] == payload["period"] and value["orgUnit"] == payload["orgUnit"]


def test_lb1_month_as_data_value_sets_json_and_csv(october, tmp_path):
    mapping = lb1_mapping(tmp_path / "pemetaan.csv")
    payload = dhis2.data_value_set("lb1", OCTOBER, mapping_file=mapping)
    check_shape(payload)
    assert (payload["dataSet"], payload["period"], payload["orgUnit"]) == ("LB1_BULANAN", "202610", "P5371040101")
    values = {(v["dataElement"], v["categoryOptionCombo"]): int(v["value"]) for v in payload["dataValues"]}
    assert values[("LB1_J06.9", "BARU_20_44_TH_L")] == 1 and values[("LB1_J06.9", "BARU_20_44_TH_P")] == 1
    assert values[("LB1_A90", "BARU_20_44_TH_P")] == 1 and values[("LB1_A90", "LAMA_P")] == 1  # 14 Oct: a repeat
    new, every = lb1.case_totals(OCTOBER)
    assert sum(values.values()) == every  # every case once
    assert sum(v for (_e, combo), v in values.items() if combo.startswith("BARU")) == new
    assert len(values) == 4  # LB1's zeros are not significant: DHIS2 would ignore them, so they are not sent
    dhis2.write(payload, tmp_path / "lb1.csv")
    with (tmp_path / "lb1.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo", "value"]
    assert ["LB1_J06.9", "202610", "P5371040101", "BARU_20_44_TH_L", "", "1"] in rows
    assert json.loads(dhis2.write(payload, tmp_path / "lb1.json").read_text(encoding="utf-8")) == payload


def test_a_cell_the_mapping_does_not_cover_refuses_the_file(october, tmp_path):
    mapping = lb1_mapping(tmp_path / "kurang.csv", leave_out="20-44 th P")
    with pytest.raises(KnownError, match=r"tidak mencakup 2 sel LB1 .*A90 20-44 th P \(1\); J06.9 20-44 th P \(1\)"):
        dhis2.data_value_set("lb1", OCTOBER, mapping_file=mapping)
    (tmp_path / "salah.csv").write_text("kode,elemen\nJ06.9,X\n", encoding="utf-8")
    with pytest.raises(KnownError, match="tidak punya kolom report, row, column, dataElement"):
        dhis2.data_value_set("lb1", OCTOBER, mapping_file=tmp_path / "salah.csv")
    huge = tmp_path / "besar.csv"
    with huge.open("wb") as handle:  # a file far beyond any mapping: refused by its size, never read whole
        handle.truncate(dhis2.MAX_MAPPING_BYTES + 1)
    with pytest.raises(KnownError, match="terlalu besar"):
        dhis2.data_value_set("lb1", OCTOBER, mapping_file=huge)
    with pytest.raises(KnownError, match="Belum ada pemetaan DHIS2"):
        dhis2.data_value_set("lb1", OCTOBER)


def test_skdr_week_with_x_and_the_stored_mapping(october, tmp_path):
    assert dhis2.store_mapping(lb1_mapping(tmp_path / "pemetaan.csv")) > 0
    week = Week.of(dt.date(2026, 10, 12))
    payload = dhis2.data_value_set("skdr", week.period())
    check_shape(payload)
    values = {v["dataElement"]: v["value"] for v in payload["dataValues"]}
    assert payload["period"] == f"2026SunW{week.number}" and payload["dataSet"] == "SKDR_MINGGUAN"
    assert period_dates(payload["period"])[0] == week.period().start  # the Sunday the office counts from
    assert values["SKDR_C"] == "1" and values["SKDR_X"] == "2" and values["SKDR_A"] == "0"  # the 14th is a repeat


def test_upload_dry_run_then_import_and_kept_with_the_sent_report(october, tmp_path):
    mapping = lb1_mapping(tmp_path / "pemetaan.csv")
    settings.put("dhis2.username", "pkm-oebobo")
    with Dhis2Server(the_dinas()) as server:
        settings.put("dhis2.url", server.url + "/")
        checked, done, payload = dhis2.upload("lb1", OCTOBER, password="rahasia", mapping_file=mapping)
    assert [(q["dryRun"], q["idScheme"]) for q, _body in server.requests] == [("true", "code"), ("false", "code")]
    posted = {key: value for key, value in payload.items() if key != dhis2.SEAL_KEY}  # the Dinas's copy stays home
    assert server.requests[0][1] == server.requests[1][1] == posted  # exactly the mapped values, twice
    assert dhis2.SEAL_KEY in payload and posted["dataValues"] == payload["dataValues"]
    assert done.ok and done.imported == len(payload["dataValues"])
    files = dhis2.keep_files(tmp_path, "lb1", OCTOBER, payload, checked, done)
    row = sent.record_upload("lb1", OCTOBER, files, done.text())
    assert (row.method, row.revision) == ("dhis2", 0)
    names = {f.name for f in SentFile.select().where(SentFile.sent == row)}
    assert {"dhis2-lb1-202610.json", "dhis2-lb1-202610-ringkasan.json", "lb1-2026-10.xlsx"} <= names
    kept = json.loads(bytes(SentFile.get(SentFile.name == "dhis2-lb1-202610-ringkasan.json").content))
    assert kept["import"]["response"]["importCount"]["imported"] == len(payload["dataValues"])


def test_a_revision_sends_zeros_for_a_code_that_went_away(october, tmp_path):
    yohanes, maria = october
    mapping = lb1_mapping(tmp_path / "pemetaan.csv")
    sent.mark_sent("lb1", OCTOBER)
    for visit in [v for v in maria.visits if any(d.icd10_code == "A90" for d in v.diagnoses)]:
        form_codes = [d.icd10_code for d in visit.diagnoses]
        if form_codes == ["A90"]:
            delete_visit(visit.id, reason="tercatat dua kali")
    late_visit(yohanes, dt.datetime(2026, 10, 30, 9, 0), "I10", reason="dicatat terlambat")
    payload = dhis2.data_value_set("lb1", OCTOBER, mapping_file=mapping)
    values = {(v["dataElement"], v["categoryOptionCombo"]): v["value"] for v in payload["dataValues"]}
    assert values[("LB1_A90", "LAMA_P")] == "0"  # the repeat went away: the server's 1 is overwritten
    assert values[("LB1_I10", "BARU_20_44_TH_L")] == "1"


def test_a_refused_dry_run_imports_nothing_and_the_server_problems_are_in_words(october, tmp_path):
    mapping = lb1_mapping(tmp_path / "pemetaan.csv")
    with Dhis2Server(the_dinas(), conflicts=True) as server:
        with pytest.raises(KnownError, match="Uji kirim \\(dryRun\\) ditolak.*LB1_J06.9: Data element not found"):
            dhis2.upload("lb1", OCTOBER, password="rahasia", url=server.url, username="pkm-oebobo", mapping_file=mapping)
        assert [q["dryRun"] for q, _body in server.requests] == ["true"]  # never the real import
        with pytest.raises(KnownError, match="menolak nama pengguna atau kata sandi pkm-oebobo"):
            dhis2.upload("lb1", OCTOBER, password="salah", url=server.url, username="pkm-oebobo", mapping_file=mapping)
    with pytest.raises(KnownError, match="tidak bisa dihubungi"):
        dhis2.upload("lb1", OCTOBER, password="rahasia", url=server.url, username="pkm-oebobo", mapping_file=mapping)
    assert SentReport.select().count() == 0


def test_command_line_writes_the_file_and_uploads(october, db_url, tmp_path, capsys, monkeypatch):
    from kupang_desk.cli import main
    from kupang_desk.models import database as database_module
    from tests.helpers.factories import cli_account

    cli_account(monkeypatch)
    mapping = lb1_mapping(tmp_path / "pemetaan.csv")
    database_module.close()
    base = ["--database", db_url]
    assert main([*base, "report", "lb1", "--month", "2026-10", "--dhis2", str(tmp_path / "lb1.json"),
                 "--mapping", str(mapping)]) == 0
    assert "Berkas DHIS2 disimpan" in capsys.readouterr().out
    check_shape(json.loads((tmp_path / "lb1.json").read_text(encoding="utf-8")))
    assert main([*base, "report", "recap", "--month", "2026-10", "--dhis2", str(tmp_path / "r.json")]) == 2
    assert main([*base, "dhis2", "mapping", str(mapping)]) == 0
    monkeypatch.setenv("KUPANG_DESK_DHIS2_PASSWORD", "rahasia")
    with Dhis2Server(the_dinas()) as server:
        assert main([*base, "dhis2", "upload", "lb1", "--month", "2026-10", "--url", server.url, "--user", "pkm-oebobo"]) == 0
    out = capsys.readouterr().out
    assert "Uji kirim: DHIS2: SUCCESS" in out and "Ditandai terkirim lewat DHIS2." in out
    assert [q["dryRun"] for q, _body in server.requests] == ["true", "false"]
    monkeypatch.setenv("KUPANG_DESK_DHIS2_PASSWORD", "salah")
    with Dhis2Server(the_dinas()) as server:
        assert main([*base, "dhis2", "upload", "lb1", "--month", "2026-10", "--url", server.url, "--user", "pkm-oebobo"]) == 2
    assert "menolak nama pengguna atau kata sandi" in capsys.readouterr().err
    database_module.close()


# ---------------------------------------------------------------- against a DHIS2 that behaves like DHIS2

def _upload(kind: str, period: Period, server: Dhis2Server, mapping=None):
    settings.put("dhis2.username", "pkm-oebobo")
    return dhis2.upload(kind, period, password="rahasia", url=server.url, mapping_file=mapping)


def test_lb1_is_accepted_whole_though_dhis2_ignores_zeros_and_a_revision_zero_deletes(october, tmp_path):
    """Issue 37: every cell was sent, zeros included (DHIS2 ignores a zero of an element whose zero is
    not significant, and counts it as ignored), and an ignored value was taken as a refusal: the dry
    run refused and nothing was ever sent. Now the server holds exactly the report's cases, and a
    revision's zero removes the number it held."""
    yohanes, maria = october
    mapping = lb1_mapping(tmp_path / "pemetaan.csv")
    with Dhis2Server(the_dinas()) as server:
        checked, done, payload = _upload("lb1", OCTOBER, server, mapping)
        assert checked.ok and done.ok and done.imported == 4 and done.ignored == 0
        october_start = OCTOBER.start
        assert server.value(uid("LB1_A90"), uid("LAMA_P"), october_start) == "1"
        assert sum(int(v) for v in server.stored.values()) == lb1.case_totals(OCTOBER)[1]
        sent.record_upload("lb1", OCTOBER, dhis2.keep_files(tmp_path, "lb1", OCTOBER, payload, checked, done), done.text())
        repeat = next(v for v in maria.visits if [d.icd10_code for d in v.diagnoses] == ["A90"])
        delete_visit(repeat.id, reason="tercatat dua kali")
        _checked, again, _payload = _upload("lb1", OCTOBER, server, mapping)
        assert again.ok and again.deleted == 1
        assert server.value(uid("LB1_A90"), uid("LAMA_P"), october_start) is None  # the server's 1 is gone


def test_an_skdr_week_is_filed_under_the_sunday_week_the_office_counted(october, tmp_path):
    """Issue 37: ``2026W41`` is DHIS2's ISO week (Monday to Sunday): every Sunday-to-Saturday SKDR week
    went under another one. ``2026SunW41`` is filed under the office's own week."""
    dhis2.store_mapping(lb1_mapping(tmp_path / "pemetaan.csv"))
    week = Week.of(dt.date(2026, 10, 12))
    with Dhis2Server(the_dinas()) as server:
        _checked, done, payload = _upload("skdr", week.period(), server)
        assert done.ok and payload["period"] == f"2026SunW{week.number}"
        assert server.value(uid("SKDR_C"), "default", week.period().start) == "1"
        assert server.value(uid("SKDR_A"), "default", week.period().start) == "0"  # SKDR's zeros count
    settings.put("skdr.week_starts_sunday", False)
    monday = Week.of(dt.date(2026, 10, 12), starts_sunday=False)
    assert dhis2.dhis2_period("skdr", monday.period()) == f"2026W{monday.number}"
    assert period_dates(dhis2.dhis2_period("skdr", monday.period()))[0] == monday.period().start


def test_a_dinas_known_by_uids_uploads_through_its_metadata_export(october, tmp_path):
    """Issue 37: ``idScheme=code`` was fixed, so a Dinas whose DHIS2 knows its data by uid alone (no
    codes) could not take an upload. Its mapping names uids, its data set's metadata export (what a
    Dinas has) says which exist and which elements count zeros, and the upload says ``idScheme=uid``."""
    dinas = the_dinas(codes=False)
    export = tmp_path / "metadata.json"
    export.write_text(json.dumps(dinas.export()), encoding="utf-8")
    mapping = tmp_path / "pemetaan-uid.csv"
    with mapping.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["report", "row", "column", "dataElement", "categoryOptionCombo", "dataSet"])
        for icd in ("J06.9", "A90", "I10", "A09"):
            for column in lb1_columns():
                out.writerow(["lb1", icd, column, uid(f"LB1_{icd}"), uid(combo_of(column)), uid("LB1_BULANAN")])
    with Dhis2Server(dinas) as server:
        with pytest.raises(KnownError, match="not found or not accessible"):
            _upload("lb1", OCTOBER, server, mapping)  # read as codes, which this server does not have
        counts = dhis2_metadata.load_metadata(export, id_scheme="uid")
        assert counts["dataElement"] == len(dinas.elements) and counts["dataSet"] == 2
        with pytest.raises(KnownError, match="orgUnit 'P5371040101' bukan uid unit yang dikenal Dinas"):
            _upload("lb1", OCTOBER, server, mapping)
        settings.put("dhis2.org_unit", uid("P5371040101"))
        _checked, done, payload = _upload("lb1", OCTOBER, server, mapping)
        assert server.value(uid("LB1_A90"), uid("LAMA_P"), OCTOBER.start) == "1"
    assert done.ok and done.imported == 4 and payload["dataSet"] == uid("LB1_BULANAN")
    assert [q["idScheme"] for q, _body in server.requests][-2:] == ["uid", "uid"]
    wrong = tmp_path / "salah-uid.csv"  # a uid the Dinas's metadata does not have: refused before sending
    wrong.write_text("report,row,column,dataElement,categoryOptionCombo\nlb1,*,Kasus lama P,Uxxxxxxxxxx,"
                     + uid("LAMA_P") + "\n", encoding="utf-8")
    with pytest.raises(KnownError, match="dataElement 'Uxxxxxxxxxx' tidak ada di metadata DHIS2 Dinas"):
        dhis2.data_value_set("lb1", OCTOBER, mapping_file=wrong)


def test_an_skdr_week_counted_otherwise_than_the_dinas_data_set_is_refused(october, tmp_path):
    dhis2.store_mapping(lb1_mapping(tmp_path / "pemetaan.csv"))
    export = tmp_path / "metadata.json"
    export.write_text(json.dumps(the_dinas(week_type="Weekly").export()), encoding="utf-8")
    dhis2_metadata.load_metadata(export)
    week = Week.of(dt.date(2026, 10, 12))
    with pytest.raises(KnownError, match="dihitung per minggu Senin-Minggu, tetapi kantor ini menghitung minggu Minggu-Sabtu"):
        dhis2.data_value_set("skdr", week.period())
    assert dhis2.data_value_set("lb1", OCTOBER)["period"] == "202610"


def combo_name(column: str) -> str:
    """How a Dinas's DHIS2 names the category option combo of an LB1 column: "Baru, 20-44 tahun,
    Laki-laki", "Lama, Perempuan"."""
    words = {"hr": "hari", "bl": "bulan", "th": "tahun", "L": "Laki-laki", "P": "Perempuan"}
    parts = column.split(" ")
    if column.startswith("Kasus lama"):
        return f"Lama, {words[parts[-1]]}"
    return "Baru, " + " ".join(words.get(p, p) for p in parts[:-1]) + ", " + words[parts[-1]]


def a_dinas_of_names(icd: tuple[str, ...] = ("J06.9", "A90", "I10", "A09")) -> Known:
    """A Dinas whose DHIS2 has no codes, only uids and the names its staff typed: "LB1 - J06.9 ISPA",
    "SKDR A. Diare Akut", combos "Baru, 20-44 tahun, Laki-laki"; and an indicator element nobody maps."""
    lb1_set, skdr_set, combo = uid("set-lb1"), uid("set-skdr"), uid("umur-jk")
    names = {uid(combo_of(c)): combo_name(c) for c in lb1_columns()}
    elements = [Element(uid(f"LB1_{code}"), "", name=f"LB1 - {code} penyakit", data_set=lb1_set, category_combo=combo)
                for code in icd]
    elements += [Element(uid(f"SKDR_{code.letter}"), "", zero_is_significant=True, name=f"SKDR {code.letter}. {code.name}",
                         data_set=skdr_set) for code in current_codes()]
    elements += [Element(uid("SKDR_X"), "", zero_is_significant=True, name="SKDR Jumlah kunjungan", data_set=skdr_set),
                 Element(uid("catatan"), "", name="Catatan kelengkapan", data_set=lb1_set)]
    return Known(elements, dict.fromkeys(names, ""), {lb1_set: ("", "Monthly"), skdr_set: ("", "WeeklySunday")},
                 {uid("P5371040101"): ""}, combo_names=names, category_combos={combo: list(names)})


def test_a_mapping_is_built_from_the_dinas_metadata_export_alone(october, tmp_path, capsys, db_url, monkeypatch):
    """Issue 37: the mapping had to be a hand-written CSV; what a Dinas actually has is its data set's
    metadata export. Elements are read by the ICD-10 code or SKDR letter in their names, combos by
    the age band and sex their names say; the upload then lands where the Dinas's DHIS2 expects it."""
    dinas = a_dinas_of_names()
    export = tmp_path / "metadata.json"
    export.write_text(json.dumps(dinas.export()), encoding="utf-8")
    proposed = dhis2_metadata.build_mapping(export)
    letters = len(current_codes())
    assert proposed.lb1_codes == 4 and proposed.skdr_letters == letters and not proposed.columns_without_combo
    assert proposed.elements_unread == ["Catatan kelengkapan"]
    assert f"4 kode ICD-10 untuk LB1, {letters} kode SKDR" in proposed.summary()
    settings.put("dhis2.org_unit", uid("P5371040101"))
    with Dhis2Server(dinas) as server:
        checked, done, payload = _upload("lb1", OCTOBER, server)
        assert done.ok and done.imported == 4
        assert server.value(uid("LB1_A90"), uid(combo_of("Kasus lama P")), OCTOBER.start) == "1"
        week = Week.of(dt.date(2026, 10, 12))
        _checked, skdr, _payload = _upload("skdr", week.period(), server)
        assert skdr.ok and server.value(uid("SKDR_X"), "default", week.period().start) == "2"
    assert [q["idScheme"] for q, _body in server.requests][-1] == "uid"
    # A file that names nothing LB1 or SKDR is refused, and the mapping kept before stays.
    other = tmp_path / "lain.json"
    other.write_text(json.dumps({"dataElements": [{"id": uid("x"), "name": "Stok obat"}]}), encoding="utf-8")
    with pytest.raises(KnownError, match="Tidak ada elemen data LB1 atau SKDR yang terbaca"):
        dhis2_metadata.build_mapping(other)
    assert len(settings.get("dhis2.mapping")) == len(proposed.rows)
    # The same from the command line.
    from kupang_desk.cli import main
    from kupang_desk.models import database as database_module
    from tests.helpers.factories import cli_account

    cli_account(monkeypatch)
    database_module.close()
    assert main(["--database", db_url, "dhis2", "metadata", str(export), "--build-mapping"]) == 0
    assert "Pemetaan DHIS2 dibuat dari metadata: " in capsys.readouterr().out
    assert main(["--database", db_url, "dhis2", "metadata", str(other), "--build-mapping"]) == 2
    assert "Tidak ada elemen data LB1 atau SKDR" in capsys.readouterr().err
    database_module.connect(db_url)
