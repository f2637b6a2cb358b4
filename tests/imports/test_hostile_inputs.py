"""Issue 36: files built to kill the program or fill the memory, each opened by the reader a clerk
would open it with, in a process of its own so that its peak memory is measured (VmHWM): every one
is refused with a message in Bahasa Indonesia that says what to do, within 300 MB and without a
traceback. Before, a far cell written with single quotes or hidden behind a comment naming a decoy
sheet made calamine reserve 512 GB and abort (exit 134); zip bombs took 0.65-2.5 GB; a million-row
CSV took 1.9 GB; a JSON nested 200,000 deep and a 5 MB mapping field ended in "Terjadi kesalahan
program"; a backup header asking scrypt's largest cost took 2 GB and half a minute."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.helpers import children

ROOT = Path(__file__).resolve().parents[2]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER_ROW = ('<row r="1">' + "".join(f'<c r="{c}1" t="inlineStr"><is><t>{t}</t></is></c>' for c, t in zip(
    "ABCDE", ("Tanggal Kunjungan", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Diagnosa"), strict=True)) + "</row>")
DATA_ROW = ('<row r="2">' + "".join(f'<c r="{c}2" t="inlineStr"><is><t>{t}</t></is></c>' for c, t in zip(
    "ABCDE", ("05-10-2022", "Maria Bere", "P", "01-01-1990", "J06.9"), strict=True)) + "</row>")

# The child: opens one file as the program would, prints what it said, how long and its peak memory.
PROBE = textwrap.dedent("""
    import json, re, sys, time
    from pathlib import Path
    from kupang_desk.accounts import session
    from kupang_desk.errors import KnownError
    from tests.helpers.actors import TEST_ACTOR

    def peak():
        return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024

    kind, path = sys.argv[1], Path(sys.argv[2])
    start, message = time.perf_counter(), ""
    with session.acting_as(TEST_ACTOR):
        try:
            if kind == "register":
                from kupang_desk.visits.register_import import import_register
                import_register(path, dry_run=True)
            elif kind == "dapodik":
                from kupang_desk.students.dapodik import import_students
                import_students(path, dry_run=True)
            elif kind == "population":
                from kupang_desk.population import import_population
                import_population(path)
            elif kind == "city":
                from kupang_desk.submissions.dhis2 import read_sealed
                read_sealed(path)
            elif kind == "mapping":
                from kupang_desk.submissions.dhis2 import store_mapping
                store_mapping(path)
            elif kind == "backup":
                from kupang_desk.backup.encryption import decrypt
                decrypt(path, "kata-sandi-tebakan")
        except KnownError as error:
            message = str(error)
    print(json.dumps({"message": message, "seconds": time.perf_counter() - start, "peak_mb": peak()}))
""")


def _open(kind: str, path: Path) -> dict:
    environment = children.environment()
    done = subprocess.run([sys.executable, "-c", PROBE, kind, str(path)], capture_output=True, text=True, cwd=ROOT,
                          env=environment, timeout=300)
    assert done.returncode == 0, f"{kind} {path.name}: exit {done.returncode}\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    print(f"{path.name} ({kind}, {path.stat().st_size / 1e6:.2f} MB): {figures['seconds']:.2f} s, "
          f"peak {figures['peak_mb']:.0f} MB: {figures['message'][:100]}")
    return figures


def _xlsx(path: Path, sheets: dict[str, str], *, workbook_sheets: str = "", shared: Path | None = None) -> Path:
    """An xlsx written part by part: ``sheets`` maps a part name (sheet1) to its sheetData rows."""
    relations = "".join(f'<Relationship Id="rId{n}" Type="{OFFICE}/worksheet" Target="worksheets/{name}.xml"/>'
                        for n, name in enumerate(sheets, start=1))
    listed = workbook_sheets or "".join(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
                                        for n, name in enumerate(sheets, start=1))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                         f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>{listed}</sheets>'
                         "</workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">{relations}</Relationships>')
        for name, rows in sheets.items():
            archive.writestr(f"xl/worksheets/{name}.xml", f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData>'
                             "</worksheet>")
    if shared is not None:
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, \
                archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode())
            block = b"A" * (1 << 20)
            for _ in range(int(shared.name)):
                part.write(block)
            part.write(b"</t></si></sst>")
    return path


def _lie_about_size(path: Path, member: str, size: int) -> None:
    """Writes a small uncompressed size into the central directory entry of ``member`` (the size a
    reader that trusts the directory reserves), leaving the packed data as it is."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = data.find(b"PK\x01\x02" + b"\x00" * 0, 0)
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_length]) == name:
            struct.pack_into("<I", data, at + 24, size)
            extra_length = struct.unpack_from("<H", data, at + 30)[0]
            extra = at + 46 + name_length
            end = extra + extra_length
            while extra + 4 <= end:  # the zip64 field holds the real sizes: the lie goes there too
                tag, length = struct.unpack_from("<HH", data, extra)
                if tag == 1:
                    struct.pack_into("<Q", data, extra + 4, size)
                extra += 4 + length
            path.write_bytes(bytes(data))
            return
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{member} not in {path}")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bahaya")
    far = '<row r="1048576"><c r=\'XFD1048576\' t="inlineStr"><is><t>x</t></is></c></row>'
    made = {
        "far-cell-single-quotes": _xlsx(folder / "kutip-tunggal.xlsx", {"sheet1": HEADER_ROW + DATA_ROW + far}),
        # The first <sheet> in the file is a comment naming a small decoy; the real first sheet claims it all.
        "decoy-behind-a-comment": _xlsx(
            folder / "umpan.xlsx", {"sheet1": HEADER_ROW + DATA_ROW + far.replace("'", '"'), "sheet2": HEADER_ROW},
            workbook_sheets='<!-- <sheet name="Umpan" sheetId="2" r:id="rId2"/> -->'
                            '<sheet name="Data" sheetId="1" r:id="rId1"/>'),
        "prefixed-far-cell": _xlsx(folder / "awalan.xlsx", {"sheet1": HEADER_ROW + DATA_ROW + far.replace(
            "<c r='XFD1048576'", f'<x:c xmlns:x="{MAIN}" r="XFD1048576"').replace("</c></row>", "</x:c></row>")}),
    }
    shared_size = folder / "800"
    made["shared-string-bomb"] = _xlsx(folder / "bom-teks.xlsx", {"sheet1": HEADER_ROW + DATA_ROW}, shared=shared_size)
    lying = folder / "bom-bohong.xlsx"
    lying.write_bytes(made["shared-string-bomb"].read_bytes())
    _lie_about_size(lying, "xl/sharedStrings.xml", 4096)
    made["lying-shared-string-bomb"] = lying
    csv = folder / "sejuta.csv"
    with csv.open("w", encoding="utf-8") as handle:
        handle.write("Tanggal Kunjungan;Nama;Jenis Kelamin;Tanggal Lahir;Diagnosa\n")
        line = "05-10-2022;Maria Bere;P;01-01-1990;J06.9\n"
        for _ in range(100):
            handle.write(line * 10_000)
    made["million-row-csv"] = csv
    deep = folder / "kota.json"
    deep.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    made["json-200000-deep"] = deep
    mapping = folder / "pemetaan.csv"
    mapping.write_text("report,row,column,dataElement,categoryOptionCombo\nlb1,A00,Baru L,\"" + "x" * 5_000_000
                       + "\",abc\n", encoding="utf-8")
    made["mapping-5mb-field"] = mapping
    backup = folder / "cadangan.kdbackup"
    header = json.dumps({"kdf": "scrypt", "salt": "AAAAAAAAAAAAAAAAAAAAAA==", "n": 2 ** 20, "r": 16, "p": 4,
                         "nonce": "AAAAAAAA", "chunk": 1 << 20}).encode()
    backup.write_bytes(b"KDBACKUP2\n" + struct.pack(">I", len(header)) + header + b"\x00" * 64)
    made["scrypt-largest-cost"] = backup
    return made


SHEETS = ("far-cell-single-quotes", "decoy-behind-a-comment", "prefixed-far-cell")


@pytest.mark.parametrize("name", SHEETS)
@pytest.mark.parametrize("reader", ("register", "dapodik", "population"))
def test_a_sheet_that_claims_every_cell_is_refused_by_every_import(files, name, reader):
    figures = _open(reader, files[name])
    assert "XFD1048576" in figures["message"] and "hapus baris dan kolom kosong" in figures["message"]
    assert figures["peak_mb"] < 300


@pytest.mark.parametrize("name", ("shared-string-bomb", "lying-shared-string-bomb"))
def test_a_zip_bomb_is_refused_before_it_is_unpacked(files, name):
    assert files[name].stat().st_size < 1_000_000
    figures = _open("register", files[name])
    assert ("terlalu besar" in figures["message"] and "sharedStrings" in figures["message"]) \
        or "rusak dan tidak dapat dibaca" in figures["message"], figures["message"]
    assert figures["peak_mb"] < 300 and figures["seconds"] < 30


def test_a_million_row_csv_is_refused_before_its_rows_are_read(files):
    figures = _open("register", files["million-row-csv"])
    assert "1.000.001 baris data" in figures["message"] and "Pisahkan" in figures["message"]
    assert figures["peak_mb"] < 300 and figures["seconds"] < 10


@pytest.mark.parametrize(("name", "reader", "words"), [
    ("json-200000-deep", "city", "bukan file JSON yang utuh"),
    ("mapping-5mb-field", "mapping", "tidak dapat dibaca sebagai CSV"),
    ("scrypt-largest-cost", "backup", "parameter kunci"),
])
def test_other_hostile_files_get_a_clear_message_in_bounded_memory(files, name, reader, words):
    figures = _open(reader, files[name])
    assert words in figures["message"]
    assert figures["peak_mb"] < 300 and figures["seconds"] < 10


def test_a_far_cell_after_a_line_break_in_its_tag_is_read_as_xml(tmp_path):
    """The quick reading counts cell tags by their common forms; one written `<c` + line break +
    `r='...'` must send the sheet to the XML parser, not past the check."""
    from kupang_desk.errors import KnownError
    from kupang_desk.imports.sheets import read_sheet

    far = "<row r=\"1048576\"><c\nr='XFD1048576' t=\"inlineStr\"><is><t>x</t></is></c></row>"
    with pytest.raises(KnownError, match="XFD1048576"):
        read_sheet(_xlsx(tmp_path / "baris.xlsx", {"sheet1": HEADER_ROW + DATA_ROW + far}))
