"""Rekap kota: eleven generated puskesmas each make their files; the Dinas imports them, refuses an
altered one, keeps revisions, shows who is late, and its city LB1 equals the LB1 of all their visits."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil

import pytest
from openpyxl import Workbook, load_workbook

from kupang_desk.accounts import session
from kupang_desk.documents.table import Period
from kupang_desk.errors import KnownError
from kupang_desk.models import CityFile
from kupang_desk.models import database as database_module
from kupang_desk.reports import service
from kupang_desk.reports.skdr import Week
from kupang_desk.submissions import city, dhis2
from kupang_desk.visits.recording import DiagnosisLine, VisitForm, record_visit
from tests.helpers import databases
from tests.helpers.actors import TEST_ACTOR
from tests.helpers.factories import TODAY, an_institution, new_patient, poli
from tests.submissions.test_dhis2 import lb1_mapping

OCTOBER = Period.month("2026-10")
CODES = ("J06.9", "A09", "I10", "K29.7", "A90", "J18.9", "L30.9", "Z00.0")
WEEK = Week.of(dt.date(2026, 10, 14))


def code_of(number: int) -> str:
    return f"P53710{number:05d}"


def fill(number: int, visits: int) -> None:
    """One puskesmas's October: patients and visits drawn from a seed of its own."""
    rng = random.Random(number)
    for index in range(visits):
        sex = rng.choice("LP")
        born = dt.date(rng.randint(1950, 2025), rng.randint(1, 12), rng.randint(1, 28))
        day = born.day + (40 if sex == "P" else 0)
        serial = number * 100 + index
        patient = new_patient(nik=f"537104{day:02d}{born:%m%y}{serial:04d}", sex=sex, birth_date=born,
                              name=f"Pasien {'ABCDEFGHIJKL'[number]}{'abcdefghijklmnopqrstuvwxyz'[index]}",
                              kk_number=f"5371041501{serial:06d}")
        codes = rng.sample(CODES, rng.randint(1, 2))
        lines = [DiagnosisLine(code, is_new_case=rng.random() < 0.7, is_primary=i == 0) for i, code in enumerate(codes)]
        at = dt.datetime(2026, 10, rng.randint(1, 31), rng.randint(7, 15), 0)
        record_visit(VisitForm(patient_id=patient.id, visit_at=at, poli_id=poli(), diagnoses=lines), today=TODAY)


@pytest.fixture(scope="module")
def files(sqlite_template, tmp_path_factory):
    """Eleven puskesmas databases, each with its LB1, recap and SKDR workbooks; and one with all visits."""
    folder = tmp_path_factory.mktemp("kota")
    mapping = lb1_mapping(folder / "pemetaan.csv")
    made = {}
    with session.acting_as(TEST_ACTOR):
        everyone = databases.fresh_sqlite(sqlite_template, folder)
        for number, name in enumerate(city.KOTA_KUPANG, start=1):
            database_module.connect(databases.fresh_sqlite(sqlite_template, folder))
            an_institution(name=f"UPTD Puskesmas {name}", code=code_of(number))
            city.export_key(folder / f"kunci-{number:02d}.json")  # what each puskesmas hands the Dinas once
            made[("key", number)] = folder / f"kunci-{number:02d}.json"
            fill(number, 8 + number)
            for kind in ("lb1", "recap", "skdr"):
                period = WEEK.period() if kind == "skdr" else OCTOBER
                path = folder / f"{kind}-{number:02d}.xlsx"
                service.save(kind, period, xlsx=path)
                made[(kind, number)] = path
                if kind in dhis2.KINDS:  # the same report as the DHIS2 file, named as a clerk might
                    made[(kind, "json", number)] = dhis2.write(dhis2.data_value_set(kind, period, mapping_file=mapping),
                                                               folder / f"{kind}-{number:02d}-dhis2.json")
            database_module.close()
        database_module.connect(everyone)
        an_institution(name="Semua puskesmas", code="P0")
        for number in range(1, 12):
            fill(number, 8 + number)
        made["all"] = service.make("lb1", OCTOBER)
        made["all-skdr"] = service.make("skdr", WEEK.period())
        database_module.close()
    return made


def register(files, numbers=range(1, 12)) -> None:
    """The Dinas registers the keys the puskesmas gave it (after reading the fingerprints over the phone)."""
    for number in numbers:
        city.register_key(files[("key", number)])


def test_the_city_lb1_equals_the_lb1_of_all_visits_at_once(files, database, tmp_path):
    an_institution(name="Dinas Kesehatan Kota Kupang", code="D5371")
    register(files)
    paths = [files[("lb1", n)] for n in range(1, 12)]
    results = city.import_files(paths)
    assert [r.status for r in results] == ["baru"] * 11, [r.message for r in results]
    report = city.city_report("lb1", OCTOBER)
    (table,) = report.tables
    expected = files["all"].tables[0]
    assert [row[1:] for row in table.rows] == [row[1:] for row in expected.rows]
    assert table.totals()[3:] == expected.totals()[3:]
    assert report.letterhead.name == "Dinas Kesehatan Kota Kupang"
    # Top ten of the city from the city LB1: new cases, no Z codes.
    (top,) = city.city_report("top", OCTOBER).tables
    new = {row[1]: row[expected.column_index("new")] for row in expected.rows}
    ranked = sorted((c for c in new if new[c] and not c.startswith("Z")), key=lambda c: (-new[c], c))[:10]
    assert [row[1] for row in top.rows] == ranked
    # Importing the same files again adds nothing.
    assert {r.status for r in city.import_files(paths)} == {"sudah ada"}
    assert CityFile.select().count() == 11


def test_dhis2_json_files_are_recognised_by_content_and_add_up_the_same(files, database, tmp_path):
    register(files)
    renamed = tmp_path / "kiriman-alak.txt"  # recognised by what is inside, not by the name
    shutil.copyfile(files[("lb1", "json", 1)], renamed)
    paths = [renamed, *(files[("lb1", "json", n)] for n in range(2, 12))]
    results = city.import_files(paths + [files[("skdr", "json", n)] for n in range(1, 12)])
    assert [r.status for r in results] == ["baru"] * 22, [r.message for r in results]
    (table,) = city.city_report("lb1", OCTOBER).tables
    expected = files["all"].tables[0]
    assert [row[1:] for row in table.rows] == [row[1:] for row in expected.rows]
    skdr = city.city_report("skdr", WEEK.period())
    assert skdr.figures["visits"] == files["all-skdr"].figures["visits"]
    # The same report as Excel is the same revision with the same numbers: already there.
    (again,) = city.import_files([files[("lb1", 3)]])
    assert again.status == "sudah ada", again.message
    # One value changed in the JSON after it was made is refused; so is a JSON that is not ours.
    payload = json.loads(files[("lb1", "json", 4)].read_text(encoding="utf-8"))
    changed = next(v for v in payload["dataValues"] if v["value"] != "0")
    changed["value"] = str(int(changed["value"]) + 1)
    altered = tmp_path / "lb1-diubah.json"
    altered.write_text(json.dumps(payload), encoding="utf-8")
    foreign = tmp_path / "lain.json"
    foreign.write_text(json.dumps({"dataValues": []}), encoding="utf-8")
    broken = tmp_path / "rusak.json"
    broken.write_text('{"dataValues": [', encoding="utf-8")
    refused = city.import_files([altered, foreign, broken])
    assert [r.status for r in refused] == ["ditolak"] * 3
    assert "sudah diubah sesudah dibuat" in refused[0].message and "berkas DHIS2" in refused[0].message
    assert "bukan berkas DHIS2 dari Kupang Desk" in refused[1].message
    assert "bukan file JSON yang utuh" in refused[2].message
    assert CityFile.select().count() == 22


def test_city_skdr_and_recap_add_up_and_name_the_puskesmas(files, database):
    register(files)
    city.import_files([files[("skdr", n)] for n in range(1, 12)] + [files[("recap", n)] for n in range(1, 12)])
    skdr = city.city_report("skdr", WEEK.period())
    expected = files["all-skdr"]
    assert skdr.figures["visits"] == expected.figures["visits"]
    at = {c.key: i for i, c in enumerate(expected.tables[0].columns)}
    wanted = {row[at["letter"]]: row[at["cases"]] for row in expected.tables[0].rows}
    assert {row[1]: row[3] for row in skdr.tables[0].rows} == wanted
    recap = city.city_report("recap", OCTOBER)
    assert recap.tables and sum(len(t.rows) for t in recap.tables) > 0


def test_an_altered_file_a_stranger_and_a_revision(files, database, tmp_path):
    register(files)
    altered = tmp_path / "lb1-diubah.xlsx"
    shutil.copyfile(files[("lb1", 1)], altered)
    book = load_workbook(altered)
    sheet = book.worksheets[0]
    cell = next(c for row in sheet.iter_rows() for c in row if isinstance(c.value, int) and c.value > 0)
    cell.value += 1  # one number changed in Excel
    book.save(altered)
    other = tmp_path / "buatan-sendiri.xlsx"
    Workbook().save(other)
    results = city.import_files([altered, other, tmp_path / "tidak-ada.xlsx"])
    assert [r.status for r in results] == ["ditolak"] * 3
    assert "sudah diubah sesudah dibuat" in results[0].message and "berbeda" in results[0].message
    assert "tidak dibuat oleh Kupang Desk" in results[1].message and "tidak ada" in results[2].message
    assert CityFile.select().count() == 0
    # Opened and saved again without a change (as a clerk does in Excel): still the same file's numbers.
    resaved = tmp_path / "lb1-disimpan-ulang.xlsx"
    load_workbook(files[("lb1", 2)]).save(resaved)
    (kept,) = city.import_files([resaved])
    assert kept.status == "baru", kept.message
    CityFile.delete().execute()
    # A code the Dinas knows under another name is refused with both names.
    from kupang_desk import settings

    settings.put("city.puskesmas", [{"code": code_of(1), "name": "Puskesmas Oesapa"}])
    (refused,) = city.import_files([files[("lb1", 1)]])
    assert refused.status == "ditolak" and "milik Puskesmas Oesapa" in refused.message and "Alak" in refused.message
    settings.put("city.puskesmas", [])


def test_completeness_and_timeliness(files, database):
    register(files)
    city.import_files([files[("lb1", n)] for n in range(1, 10)])  # two puskesmas never sent
    early = dt.datetime(2026, 11, 9, 10, 0)
    CityFile.update(received_at=early).where(CityFile.institution_code.in_([code_of(n) for n in range(1, 8)])).execute()
    rows = city.arrivals("lb1", OCTOBER)
    assert len(rows) == 11 and [r.state() for r in rows].count("Belum") == 2
    assert sum(r.on_time for r in rows) == 7
    assert city.completeness_line(rows) == "Kelengkapan 9 dari 11 (82%); tepat waktu 7 dari 11 (64%)"
    status = city.status_report("lb1", OCTOBER)
    assert [row[3] for row in status.tables[0].rows].count("Terlambat") == 2


def test_a_file_without_the_puskesmas_code_is_refused(sqlite_template, tmp_path):
    with session.acting_as(TEST_ACTOR):
        database_module.connect(databases.fresh_sqlite(sqlite_template, tmp_path))
        an_institution(name="UPTD Puskesmas Alak", code="")
        fill(1, 3)
        path = service.save("lb1", OCTOBER, xlsx=tmp_path / "tanpa-kode.xlsx") and tmp_path / "tanpa-kode.xlsx"
        (result,) = city.import_files([path])
        database_module.close()
    assert result.status == "ditolak" and "tidak menyebut kode puskesmas" in result.message
    with pytest.raises(KnownError):
        city.city_report("register", OCTOBER)


def test_command_line_imports_shows_who_is_late_and_saves_the_city_lb1(files, db_url, tmp_path, capsys, monkeypatch):
    from kupang_desk.cli import main
    from tests.helpers.factories import cli_account

    database_module.connect(db_url)
    cli_account(monkeypatch, role="pimpinan")
    database_module.close()
    base = ["--database", db_url, "city"]
    assert main([*base, "import", *(str(files[("lb1", n)]) for n in (1, 2, 3))]) == 2  # a head may not import
    cli_account(monkeypatch, username="admin-dinas")
    assert main([*base, "puskesmas", *(arg for n in range(1, 12) for arg in ("--key", str(files[("key", n)])))]) == 0
    assert capsys.readouterr().out.count("didaftarkan: sidik") == 11
    assert main([*base, "import", *(str(files[("lb1", n)]) for n in (1, 2, 3))]) == 0
    assert capsys.readouterr().out.count("diterima.") == 3
    assert main([*base, "status", "lb1", "--month", "2026-10"]) == 0
    out = capsys.readouterr().out
    assert "Kelengkapan 3 dari 11 (27%)" in out and out.count("Belum") == 8
    assert main([*base, "report", "lb1", "--month", "2026-10", "--xlsx", str(tmp_path / "kota.xlsx"),
                 "--pdf", str(tmp_path / "kota.pdf")]) == 0
    assert (tmp_path / "kota.xlsx").exists() and (tmp_path / "kota.pdf").exists()
    assert main([*base, "report", "skdr", "--month", "2026-10", "--xlsx", str(tmp_path / "s.xlsx")]) == 2
    database_module.close()


def test_the_city_adds_the_waiting_counts_but_not_the_averages_and_lists_days_in_order():
    """Two puskesmas' waiting-time rows: the counts add up; an average or median of one cannot be added to
    another's, so the city leaves it empty rather than print a sum that means nothing."""
    from kupang_desk.documents.table import Column

    columns = [Column("no", "No", kind="text"), Column("name", "Tanggal", kind="text"), Column("called", "Dipanggil"),
               Column("wait_mean", "Rata-rata", summed=False)]
    added = city._add(columns, [["1", "2 Desember 2026", 10, 25], ["1", "30 November 2026", 4, 12],
                                ["1", "2 Desember 2026", 6, 40]])
    assert added["2 Desember 2026"][2:] == [16, ""] and added["30 November 2026"][2:] == [4, 12]
    assert sorted(["10 Januari 2027", "2 Desember 2026", "30 November 2026", "Umum"], key=city._in_order) == [
        "30 November 2026", "2 Desember 2026", "10 Januari 2027", "Umum"]


def test_city_report_of_a_month_nobody_sent_says_so_and_exits_3(db_url, tmp_path, capsys, monkeypatch):
    """Issue 35 item 8: no file came for the month: the Excel and PDF are written with a note saying
    so (exit 3, as for a month without visits), never a traceback."""
    from kupang_desk.cli import main
    from tests.helpers.factories import cli_account

    database_module.connect(db_url)
    cli_account(monkeypatch, role="pimpinan")
    database_module.close()
    xlsx, pdf = tmp_path / "kota.xlsx", tmp_path / "kota.pdf"
    code = main(["--database", db_url, "city", "report", "lb1", "--month", "2026-10", "--xlsx", str(xlsx), "--pdf", str(pdf)])
    captured = capsys.readouterr()
    assert code == 3, captured.err
    assert "kesalahan program" not in captured.err
    sheet = load_workbook(xlsx).active
    assert any("Belum ada file puskesmas untuk periode Oktober 2026" in str(c.value) for row in sheet.iter_rows() for c in row)
    from pypdf import PdfReader

    assert "Belum ada file puskesmas" in PdfReader(str(pdf)).pages[0].extract_text()


def test_the_dinas_list_by_code_takes_a_file_whatever_name_it_carries(db_url, sqlite_template, tmp_path, capsys,
                                                                        monkeypatch):
    """Issue 37: completeness matched puskesmas by name, so "UPTD Puskesmas Oebobo (DEMO)" became a
    twelfth puskesmas and "Puskesmas Oebobo" stayed "Belum"; there was no way to give the Dinas's
    list its codes. The list is set by code (command line, window) and a file is matched by its code."""
    from kupang_desk.cli import main
    from tests.helpers.factories import cli_account

    source = databases.fresh_sqlite(sqlite_template, tmp_path)
    database_module.connect(source)
    an_institution(name="UPTD Puskesmas Oebobo (DEMO)", code="P5371040101")
    fill(6, 3)
    service.save("lb1", OCTOBER, xlsx=tmp_path / "lb1-oebobo.xlsx")
    city.export_key(tmp_path / "kunci-oebobo.json")
    database_module.close()

    database_module.connect(db_url)
    cli_account(monkeypatch)
    database_module.close()
    base = ["--database", db_url, "city"]
    adds = [arg for number, name in enumerate(city.KOTA_KUPANG, start=1)
            for arg in ("--add", "P5371040101" if name == "Oebobo" else code_of(number), f"Puskesmas {name}")]
    assert main([*base, "puskesmas", *adds]) == 0
    assert "P5371040101      Puskesmas Oebobo" in capsys.readouterr().out
    assert main([*base, "puskesmas", "--key", str(tmp_path / "kunci-oebobo.json")]) == 0
    assert "Kunci Puskesmas Oebobo (P5371040101) didaftarkan" in capsys.readouterr().out  # the Dinas's name kept
    assert main([*base, "import", str(tmp_path / "lb1-oebobo.xlsx")]) == 0
    assert "Puskesmas Oebobo (nama di file: UPTD Puskesmas Oebobo (DEMO)) diterima" in capsys.readouterr().out
    assert main([*base, "status", "lb1", "--month", "2026-10"]) == 0
    out = capsys.readouterr().out
    assert "Kelengkapan 1 dari 11" in out and "(DEMO)" not in out and out.count("Belum") == 10
    assert main([*base, "puskesmas", "--add", "", "Tanpa kode"]) == 2
    assert "kode dan nama puskesmas wajib diisi" in capsys.readouterr().err
    database_module.close()


def forged_workbook(source, target) -> None:
    """One number changed in Excel by someone who knows the format: the visible sheet's SHA-256 and
    the data's SHA-256 recomputed, as an insider with a script would."""
    import hashlib

    from kupang_desk.documents.excel import STAMP_CHUNK, STAMP_SHEET, visible_digest

    book = load_workbook(source)
    sheet, hidden = book.worksheets[0], book[STAMP_SHEET]
    cell = next(c for row in sheet.iter_rows() for c in row if isinstance(c.value, int) and c.value > 0)
    cell.value += 1
    cells = [row[0] for row in hidden.iter_rows(min_col=1, max_col=1, values_only=True)]
    data = json.loads("".join(str(c or "") for c in cells[3:]))
    data["visible_sha256"] = visible_digest(sheet)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    hidden["A2"] = hashlib.sha256(text.encode()).hexdigest()
    for index in range(0, len(text), STAMP_CHUNK):
        hidden.cell(row=4 + index // STAMP_CHUNK, column=1, value=text[index:index + STAMP_CHUNK])
    book.save(target)


def test_a_number_changed_with_its_sha256_recomputed_is_refused(files, database, tmp_path):
    """Issue 37: a puskesmas file with a number changed and its SHA-256 recomputed was "diterima".
    The file is signed with the puskesmas's key: the signature no longer matches, in either format."""
    register(files)
    forged_workbook(files[("lb1", 2)], tmp_path / "lb1-02-diubah.xlsx")
    payload = json.loads(files[("lb1", "json", 4)].read_text(encoding="utf-8"))
    changed = next(v for v in payload["dataValues"] if v["value"] != "0")
    changed["value"] = str(int(changed["value"]) + 1)
    seal = payload[dhis2.SEAL_KEY]
    seal["stamp"]["tables"][0]["rows"][0][3] = 99  # the Dinas reads these numbers
    seal["sha256"] = __import__("hashlib").sha256(dhis2._sealed_text(payload, seal["stamp"])).hexdigest()
    (tmp_path / "lb1-04-diubah.json").write_text(json.dumps(payload), encoding="utf-8")
    results = city.import_files([tmp_path / "lb1-02-diubah.xlsx", tmp_path / "lb1-04-diubah.json"])
    assert [r.status for r in results] == ["ditolak", "ditolak"], [r.message for r in results]
    assert all("diubah sesudah ditandatangani" in r.message for r in results), [r.message for r in results]
    assert CityFile.select().count() == 0
    # The originals are taken.
    assert [r.status for r in city.import_files([files[("lb1", 2)], files[("lb1", "json", 4)]])] == ["baru", "baru"]


def test_a_file_signed_by_another_key_or_an_unregistered_one_names_who_signed(files, sqlite_template, database, tmp_path,
                                                                              monkeypatch):
    """A file that claims Oebobo's code but was made where Oebobo's key is not (another PC, another
    office) is refused naming both keys; a puskesmas whose key the Dinas never registered is refused
    saying how to register it; an older Kupang Desk's unsigned file is refused saying to update."""
    from kupang_desk.documents import signing

    register(files, [n for n in range(1, 12) if n != 3])
    elsewhere = tmp_path / "pc-lain"
    with session.acting_as(TEST_ACTOR):
        database_module.connect(databases.fresh_sqlite(sqlite_template, tmp_path))
        an_institution(name="UPTD Puskesmas Oebobo", code=code_of(6))
        fill(6, 3)
        with monkeypatch.context() as other_pc:
            other_pc.setenv("XDG_CONFIG_HOME", str(elsewhere))  # a PC without the office's key
            service.save("lb1", OCTOBER, xlsx=tmp_path / "lb1-oebobo-lain.xlsx")
            other_key = signing.public_key(code_of(6))
            city.export_key(tmp_path / "kunci-oebobo-lain.json")
        database_module.close()
    database_module.connect(database.url)
    old = tmp_path / "lb1-versi-lama.xlsx"
    book = load_workbook(files[("lb1", 5)])
    book["kupang_desk_data"]["A1"] = "kupang-desk-report/1"
    book.save(old)
    results = city.import_files([tmp_path / "lb1-oebobo-lain.xlsx", files[("lb1", 3)], old])
    assert [r.status for r in results] == ["ditolak"] * 3, [r.message for r in results]
    registered = next(p for p in city.puskesmas_list() if p.code == code_of(6))
    assert signing.fingerprint(other_key) in results[0].message and registered.fingerprint in results[0].message
    assert "bukan kunci UPTD Puskesmas Oebobo" in results[0].message
    assert "belum didaftarkan di Dinas" in results[1].message and "Daftarkan kunci" in results[1].message
    assert "tidak bertanda tangan" in results[2].message
    # Registering Bakunase's key lets its file in; a key that replaces another is said and audited.
    assert city.register_key(files[("key", 3)]).replaced == ""
    assert city.import_files([files[("lb1", 3)]])[0].status == "baru"
    assert city.register_key(files[("key", 4)]).replaced == ""  # the same key again: nothing replaced
    assert city.register_key(tmp_path / "kunci-oebobo-lain.json").replaced == registered.fingerprint
    assert city.import_files([tmp_path / "lb1-oebobo-lain.xlsx"])[0].status == "baru"
    assert city.import_files([files[("lb1", 6)]])[0].status == "ditolak"  # the old key no longer counts
    from kupang_desk.models import AuditEvent

    changes = [json.loads(e.details) for e in AuditEvent.select().where(AuditEvent.record_id == "city.puskesmas")]
    assert [(c["key_of"], c["replaced"]) for c in changes][-3:] == [
        (code_of(3), ""), (code_of(4), ""), (code_of(6), registered.fingerprint)]


def test_registering_keys_from_the_command_line(files, db_url, tmp_path, capsys, monkeypatch):
    """The puskesmas saves its key (reporting key), the Dinas registers it (city puskesmas --key)."""
    from kupang_desk.cli import main
    from tests.helpers.factories import cli_account

    database_module.connect(db_url)
    an_institution(name="UPTD Puskesmas Alak", code=code_of(1))
    cli_account(monkeypatch)
    database_module.close()
    assert main(["--database", db_url, "reporting", "key", str(tmp_path / "kunci-alak")]) == 0
    out = capsys.readouterr().out
    from kupang_desk.documents import signing

    entry = signing.read_key_file(tmp_path / "kunci-alak.json")
    assert entry.code == code_of(1) and entry.fingerprint in out and "Serahkan file itu ke Dinas" in out
    assert main(["--database", db_url, "city", "puskesmas", "--key", str(files[("key", 2)])]) == 0
    out = capsys.readouterr().out
    assert f"{code_of(2)}" in out and "didaftarkan: sidik" in out
    (tmp_path / "bukan-kunci.json").write_text('{"format": "lain"}', encoding="utf-8")
    assert main(["--database", db_url, "city", "puskesmas", "--key", str(tmp_path / "bukan-kunci.json")]) == 2
    assert "bukan file kunci tanda tangan" in capsys.readouterr().err
    database_module.close()
