"""The ``kupang-desk`` command: the window by default, sub-commands for work without it."""

from __future__ import annotations

import argparse
import gc
import getpass
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kupang_desk import display, version
from kupang_desk.errors import KnownError, error_message
from kupang_desk.i18n import _, set_language

log = logging.getLogger(__name__)

EXIT_OK, EXIT_BUG, EXIT_USER = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kupang-desk",
        description=_("Kupang Desk: pendaftaran pasien, kunjungan dan laporan puskesmas; data siswa dan beasiswa sekolah."),
    )
    _global_options(parser)
    commands = parser.add_subparsers(dest="command", metavar=_("PERINTAH"))
    _add_commands(commands)
    return parser


LOADING_GC_THRESHOLD = 100_000  # allocations between collections while the window loads (Python's usual: 700)


class _Version(argparse.Action):
    """--version: the version and build date, found when asked for (not at every start)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):  # noqa: A002
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version.describe())  # on standard output, as argparse's own version action
        parser.exit()


def _global_options(parser: argparse.ArgumentParser) -> None:
    """The options before any command: the database, the language, the account..."""
    parser.add_argument("--version", action=_Version, help=_("tampilkan versi dan tanggal pembuatan program lalu keluar"))
    parser.add_argument("--database", metavar="URL", help=_(
        "database yang dibuka: sqlite:///file.sqlite atau postgresql://pengguna@server/database "
        "(bawaan: $KUPANG_DESK_DATABASE, lalu file di folder data pengguna)"))
    parser.add_argument("--lang", choices=("id", "en"), help=_("bahasa tampilan (bawaan: Bahasa Indonesia)"))
    parser.add_argument("--verbose", action="store_true", help=_("tampilkan catatan kerja di terminal"))
    parser.add_argument("--user", metavar=_("NAMA"), help=_(
        "akun untuk masuk (bawaan: $KUPANG_DESK_USER); kata sandi ditanyakan, atau dari $KUPANG_DESK_PASSWORD "
        "untuk pekerjaan terjadwal"))
    parser.add_argument("--allow-network-share", action="store_true", help=_(
        "buka juga file SQLite di folder jaringan (berisiko; untuk petugas TI)"))
    parser.add_argument("--exit-after-start", action="store_true", help=_(
        "tutup begitu jendela utama siap dan cetak lama waktu mulai (untuk uji kecepatan)"))


class _Quiet(argparse.ArgumentParser):
    """A parser that leaves its errors to the whole parser (which prints them, with the commands)."""

    def error(self, message: str):  # raises instead of printing and exiting
        raise ValueError(message)


def _window_arguments(argv: list[str] | None) -> argparse.Namespace | None:
    """The arguments when they name no command (the window opens), read without building the
    commands' parsers: those import the queue and SATUSEHAT modules, a quarter of a second the window
    would wait for. None when a command (or --help) is there."""
    if argv is None:
        argv = sys.argv[1:]
    if "--version" in argv:
        return None
    parser = _Quiet(prog="kupang-desk", add_help=False)
    _global_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except ValueError:  # an option's value refused: the whole parser says so, once
        return None
    if rest:
        return None
    args.command = None
    return args


def _add_commands(commands) -> None:
    demo = commands.add_parser("demo", help=_("isi database kosong dengan data contoh Kota Kupang"))
    demo.add_argument("--patients", type=int, default=2000, metavar="N", help=_("jumlah pasien (bawaan 2000)"))
    demo.add_argument("--visits", type=int, default=20000, metavar="M", help=_("jumlah kunjungan (bawaan 20000)"))
    demo.add_argument("--students", type=int, default=None, metavar="K", help=_(
        "jumlah siswa (bawaan: 0 untuk puskesmas, 400 dengan --school)"))
    demo.add_argument("--school", action="store_true", help=_(
        "data contoh sekolah (siswa dan beasiswa, tanpa pasien): meja sekolah di database sendiri"))
    demo.add_argument("--seed", type=int, default=2026, help=_("benih acak, agar hasilnya bisa diulang"))
    demo.add_argument("--if-empty", action="store_true", help=_("lewati tanpa galat bila database sudah berisi data"))
    demo.add_argument("--quiet", action="store_true", help=_("jangan tampilkan kemajuan"))

    commands.add_parser("info", help=_("tampilkan database yang dipakai, versi skema dan jumlah data"))

    setup = commands.add_parser("setup", help=_(
        "siapkan database baru: profil institusi dan administrator pertama (seperti jendela pertama kali)"))
    setup.add_argument("--type", dest="kind", required=True, choices=("puskesmas", "sekolah", "dinas"),
                       help=_("jenis institusi (dinas: Dinas Kesehatan yang menerima file puskesmas)"))
    setup.add_argument("--name", required=True, help=_("nama institusi, misalnya \"UPTD Puskesmas Oebobo\""))
    setup.add_argument("--admin", required=True, metavar=_("NAMA"), help=_("nama pengguna administrator pertama"))
    setup.add_argument("--admin-name", metavar=_("NAMA LENGKAP"), help=_("nama lengkap administrator (bawaan: nama pengguna)"))
    setup.add_argument("--code", default="", help=_("kode puskesmas atau NPSN"))
    setup.add_argument("--level", choices=("SD", "SMP", "SMA", "SMK"), default="", help=_("jenjang sekolah"))
    setup.add_argument("--address", default="", help=_("alamat"))
    setup.add_argument("--backup-folder", default="", metavar="FOLDER", help=_("folder cadangan otomatis"))

    backup = commands.add_parser("backup", help=_(
        "buat cadangan terenkripsi yang sudah diperiksa (kata sandi cadangan: ditanya, atau $KUPANG_DESK_BACKUP_PASSPHRASE)"))
    backup.add_argument("--to", metavar="FOLDER", help=_("folder tujuan, misalnya flashdisk"))
    backup.add_argument("--set-passphrase", action="store_true", help=_("atur atau ganti kata sandi cadangan kantor"))
    backup.add_argument("--recovery-sheet", metavar="FILE.pdf", help=_("cetak lembar pemulihan (kata sandi dan kode QR)"))
    backup.add_argument("--quiet", action="store_true", help=_("jangan tampilkan kemajuan"))
    restore = commands.add_parser("restore", help=_("pulihkan database dari file cadangan"))
    restore.add_argument("file", metavar="FILE", help=_("file cadangan (.kdbackup)"))
    restore.add_argument("--yes", action="store_true", help=_("jangan bertanya lagi"))
    restore.add_argument("--other-institution", action="store_true",
                         help=_("pulihkan juga cadangan milik puskesmas atau sekolah lain (mengganti seluruh data di sini)"))

    audit = commands.add_parser("audit", help=_("periksa jejak audit"))
    audit_commands = audit.add_subparsers(dest="audit_command", metavar=_("PERINTAH"), required=True)
    verify = audit_commands.add_parser("verify", help=_(
        "periksa segel, nomor urut dan rantai jejak audit sampai tanda kepala yang disimpan PC ini; sebutkan yang "
        "pertama tidak cocok (keluar 0: utuh, 4: rusak, 5: PC ini belum menyimpan tanda kepala database ini)"))
    verify.add_argument("--anchor", metavar="FILE", help=_(
        "periksa juga tanda jejak audit pada laporan, daftar atau cadangan yang pernah dibuat"))
    key = audit_commands.add_parser("key", help=_("kunci instalasi penyegel jejak audit (untuk beberapa PC satu kantor)"))
    direction = key.add_mutually_exclusive_group(required=True)
    direction.add_argument("--export", metavar="FILE", help=_("simpan kunci PC ini ke FILE (untuk PC lain di kantor)"))
    direction.add_argument("--import", dest="import_", metavar="FILE", help=_("pakai kunci kantor dari FILE di PC ini"))

    importer = commands.add_parser("import", help=_("impor data lama dari Excel atau CSV"))
    import_kinds = importer.add_subparsers(dest="import_kind", metavar=_("JENIS"), required=True)
    register = import_kinds.add_parser("register", help=_("register pasien dan kunjungan"))
    register.add_argument("file", metavar="FILE", help=_("file .xlsx, .xls, .ods atau .csv"))
    register.add_argument("--dry-run", action="store_true", help=_("periksa saja, jangan simpan"))
    register.add_argument("--rejects", metavar="FILE.xlsx", help=_("simpan baris yang ditolak beserta alasannya"))
    register.add_argument("--all-or-nothing", action="store_true", help=_("simpan hanya bila tidak ada baris yang ditolak"))
    register.add_argument("--quiet", action="store_true", help=_("jangan tampilkan kemajuan"))
    _value_arguments(register)

    students = commands.add_parser("students", help=_("data siswa: impor dari Dapodik, kenaikan kelas"))
    student_commands = students.add_subparsers(dest="students_command", metavar=_("PERINTAH"), required=True)
    student_import = student_commands.add_parser("import", help=_("impor ekspor Dapodik \"Daftar Peserta Didik\""))
    student_import.add_argument("file", metavar="FILE", help=_("file .xlsx, .xls atau .ods dari Dapodik"))
    student_import.add_argument("--dry-run", action="store_true", help=_("periksa saja, jangan simpan"))
    student_import.add_argument("--rejects", metavar="FILE.xlsx", help=_("simpan baris yang ditolak beserta alasannya"))
    student_import.add_argument("--quiet", action="store_true", help=_("jangan tampilkan kemajuan"))
    _value_arguments(student_import)
    promote = student_commands.add_parser("promote", help=_("kenaikan kelas: semua siswa naik satu kelas, kelas akhir lulus"))
    promote.add_argument("--school-year", metavar="TTTT/TTTT", help=_("tahun ajaran baru, misalnya 2027/2028"))
    promote.add_argument("--yes", action="store_true", help=_("jalankan; tanpa ini hanya ditampilkan rencananya"))
    student_commands.add_parser("undo-promote", help=_("batalkan kenaikan kelas terakhir"))

    scholarship = commands.add_parser("scholarship", help=_("beasiswa: daftar penerima, surat aktivasi rekening, rekap"))
    scholarship_commands = scholarship.add_subparsers(dest="scholarship_command", metavar=_("PERINTAH"), required=True)
    listing = scholarship_commands.add_parser("list", help=_("daftar penerima sebagai PDF dan/atau Excel"))
    letters = scholarship_commands.add_parser("letters", help=_("surat keterangan aktivasi rekening, satu PDF"))
    for command in (listing, letters):
        command.add_argument("--programme", required=True, metavar=_("NAMA"), help=_("nama program, misalnya PIP"))
        command.add_argument("--year", required=True, type=int, metavar="TTTT", help=_("tahun program"))
        command.add_argument("--pdf", metavar="FILE", help=_("simpan sebagai PDF"))
        command.add_argument("--paper", choices=("A4", "F4"), default="A4", help=_("ukuran kertas (bawaan A4)"))
    listing.add_argument("--xlsx", metavar="FILE", help=_("simpan sebagai Excel untuk Dinas"))
    listing.add_argument("--stage", type=int, metavar="N", help=_("hanya tahap N (jumlah per tahap)"))
    listing.add_argument("--status", action="append", metavar="STATUS", help=_(
        "hanya status ini (boleh berulang): diusulkan, sk_nominasi, rekening_aktif, sk_pemberian, dicairkan, diambil, dibatalkan"))
    listing.add_argument("--class", dest="class_group", default="", metavar=_("ROMBEL"), help=_("hanya rombel ini"))
    listing.add_argument("--card", dest="flag", default="", choices=("KIP", "KKS", "PKH", "any"),
                         help=_("hanya siswa yang keluarganya memegang kartu ini (any: salah satunya)"))
    recap = scholarship_commands.add_parser("recap", help=_("rekap penerima dan dana menurut program, kelas dan status"))
    recap.add_argument("--year", required=True, type=int, metavar="TTTT", help=_("tahun program"))
    recap.add_argument("--xlsx", metavar="FILE", help=_("simpan juga sebagai Excel"))
    scholarship_commands.add_parser("deadlines", help=_("siswa yang rekeningnya belum aktif dan batas waktunya dekat atau lewat"))

    report = commands.add_parser("report", help=_("buat laporan untuk Dinas Kesehatan (Excel dan/atau PDF)"))
    report.add_argument("kind", choices=("lb1", "recap", "top", "register", "skdr", "access"),
                        help=_("lb1: data kesakitan; recap: rekap kunjungan; top: penyakit terbanyak; register: register "
                               "kunjungan; skdr: SKDR mingguan (W2); access: akses layanan per kelurahan (per 1.000 penduduk)"))
    when = report.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", metavar="TTTT-BB", help=_("bulan laporan, misalnya 2026-10"))
    when.add_argument("--week", metavar="TTTT-Wmm", help=_("skdr: minggu epidemiologi, misalnya 2026-W43"))
    when.add_argument("--from", dest="date_from", metavar="TTTT-BB-HH", help=_("tanggal awal (dengan --to)"))
    report.add_argument("--to", dest="date_to", metavar="TTTT-BB-HH", help=_("tanggal akhir"))
    report.add_argument("--xlsx", metavar="FILE", help=_("simpan sebagai Excel"))
    report.add_argument("--pdf", metavar="FILE", help=_("simpan sebagai PDF"))
    report.add_argument("--paper", choices=("A4", "F4"), default="A4", help=_("ukuran kertas (bawaan A4)"))
    report.add_argument("--rollup", action="store_true", help=_("LB1 menurut kategori 3 karakter (J06 untuk J06.9)"))
    report.add_argument("--n", type=int, default=10, help=_("top: jumlah penyakit (bawaan 10)"))
    report.add_argument("--all-cases", action="store_true", help=_("top: hitung semua kasus, bukan hanya kasus baru"))
    report.add_argument("--include-z", action="store_true", default=None, help=_("top: ikut hitung kode Z"))
    report.add_argument("--sms", action="store_true", help=_("skdr: tampilkan baris SMS, misalnya SKDR 43#2026#A2,C3,X361"))
    report.add_argument("--dhis2", metavar="FILE", help=_("lb1/skdr: simpan dataValueSets DHIS2 (.json atau .csv)"))
    report.add_argument("--mapping", metavar="FILE", help=_("file pemetaan DHIS2 dari Dinas (bawaan: yang dimuat di Pengaturan)"))
    report.add_argument("--org-unit", default="", metavar=_("KODE"), help=_("kode orgUnit DHIS2 (bawaan: kode puskesmas)"))
    report.add_argument("--quiet", action="store_true", help=_("jangan tampilkan kemajuan"))

    city = commands.add_parser("city", help=_("rekap kota (Dinas): impor file puskesmas, kelengkapan, LB1/SKDR kota"))
    city_commands = city.add_subparsers(dest="city_command", required=True, metavar=_("PERINTAH"))
    listed = city_commands.add_parser("puskesmas", help=_(
        "daftar puskesmas Dinas menurut kode (file dicocokkan dengan kodenya); tanpa pilihan: tampilkan"))
    listed.add_argument("--add", nargs=2, metavar=(_("KODE"), _("NAMA")), action="append", default=[],
                        help=_("tambah atau ganti nama satu puskesmas (boleh berulang)"))
    listed.add_argument("--remove", metavar=_("KODE"), action="append", default=[], help=_("hapus dari daftar"))
    listed.add_argument("--key", metavar="FILE", action="append", default=[], help=_(
        "daftarkan file kunci tanda tangan sebuah puskesmas (sesudah sidiknya dicocokkan; boleh berulang)"))
    city_commands.add_parser("import", help=_("impor file laporan puskesmas, Excel atau JSON DHIS2 (boleh banyak)")).add_argument(
        "files", nargs="+", metavar="FILE")
    for name, words in (("status", _("siapa yang sudah mengirim, kapan, dan yang terlambat")),
                        ("report", _("LB1, rekap, penyakit terbanyak atau SKDR kota sebagai Excel/PDF"))):
        command = city_commands.add_parser(name, help=words)
        _kind_and_period(command, ("lb1", "recap", "top", "skdr"))
        command.add_argument("--xlsx", metavar="FILE", help=_("simpan sebagai Excel"))
        command.add_argument("--pdf", metavar="FILE", help=_("simpan sebagai PDF"))

    people = commands.add_parser("population", help=_("jumlah penduduk per kelurahan (untuk laporan akses layanan)"))
    people_commands = people.add_subparsers(dest="population_command", required=True, metavar=_("PERINTAH"))
    people_commands.add_parser("show", help=_("tampilkan jumlah penduduk per kelurahan Kota Kupang"))
    people_import = people_commands.add_parser("import", help=_("impor dari lembar Excel/CSV: Kelurahan (atau Kode), Jumlah penduduk"))
    people_import.add_argument("file", metavar="FILE")
    people_import.add_argument("--year", type=int, metavar="TTTT", help=_("tahun angka itu (bila lembar tidak punya kolom Tahun)"))
    people_import.add_argument("--source", default="", help=_("sumbernya, misalnya \"BPS Kota Kupang Dalam Angka 2025\""))
    kept = commands.add_parser("totals", help=_("jumlah harian yang disimpan database: periksa atau buat ulang"))
    kept_commands = kept.add_subparsers(dest="totals_command", required=True, metavar=_("PERINTAH"))
    kept_commands.add_parser("check", help=_("bandingkan dengan kunjungan; keluar 1 bila berbeda"))
    kept_commands.add_parser("rebuild", help=_("buat ulang dari kunjungan"))

    from kupang_desk.queue import command as queue_command
    from kupang_desk.satusehat import command as satusehat_command

    queue_command.add_commands(commands)

    satusehat_command.add_commands(commands)

    dhis2 = commands.add_parser("dhis2", help=_("DHIS2: muat pemetaan dari Dinas, unggah LB1 atau SKDR"))
    dhis2_commands = dhis2.add_subparsers(dest="dhis2_command", required=True, metavar=_("PERINTAH"))
    dhis2_commands.add_parser("mapping", help=_("muat file pemetaan DHIS2 (CSV) ke database")).add_argument(
        "file", metavar="FILE.csv")
    metadata = dhis2_commands.add_parser("metadata", help=_(
        "muat ekspor metadata data set DHIS2 dari Dinas (JSON): uid, zero is significant, jenis periode"))
    metadata.add_argument("file", metavar="FILE.json")
    metadata.add_argument("--id-scheme", choices=("code", "uid"), default="", help=_(
        "server Dinas mengenali data dengan code atau uid (bawaan: tetap seperti sebelumnya, mula-mula code)"))
    metadata.add_argument("--build-mapping", action="store_true", help=_(
        "buat pemetaan dari metadata itu (kode ICD-10 dan huruf SKDR di kode atau nama elemen data), dengan uid"))
    upload = dhis2_commands.add_parser("upload", help=_("uji kirim (dryRun) lalu kirim ke server DHIS2; ditandai terkirim"))
    _kind_and_period(upload, ("lb1", "skdr"))
    upload.add_argument("--url", default="", help=_("alamat server DHIS2 (bawaan: Pengaturan)"))
    upload.add_argument("--user", dest="dhis2_user", default="", help=_(
        "akun DHIS2 (bawaan: Pengaturan); kata sandinya dari $KUPANG_DESK_DHIS2_PASSWORD atau ditanyakan"))
    upload.add_argument("--mapping", metavar="FILE", help=_("file pemetaan DHIS2 (bawaan: yang dimuat)"))
    upload.add_argument("--org-unit", default="", metavar=_("KODE"), help=_("kode orgUnit DHIS2"))

    cycle = commands.add_parser("reporting", help=_("kalender pelaporan: yang jatuh tempo, tandai terkirim, perubahan"))
    cycle_commands = cycle.add_subparsers(dest="reporting_command", required=True, metavar=_("PERINTAH"))
    cycle_commands.add_parser("calendar", help=_("laporan bulanan dan mingguan dengan batas kirim dan statusnya"))
    cycle_commands.add_parser("key", help=_(
        "simpan kunci publik tanda tangan laporan puskesmas ini, untuk didaftarkan sekali di Dinas")).add_argument(
        "file", metavar="FILE", help=_("file .json tujuan"))
    for name, words in (("send", _("tandai laporan terkirim: Excel, PDF dan angkanya disimpan, periodenya dikunci")),
                        ("changes", _("perubahan sesudah laporan dikirim: kunjungan dan angka lama-baru")),
                        ("files", _("simpan file yang dulu dikirim ke sebuah folder"))):
        command = cycle_commands.add_parser(name, help=words)
        _kind_and_period(command, ("lb1", "recap", "top", "skdr"))
        if name == "send":
            command.add_argument("--how", choices=("file", "print", "dhis2"), default="file", help=_(
                "cara kirim: file (surel/flashdisk), print (dicetak), dhis2 (diunggah); bawaan file"))
            command.add_argument("--note", default="", help=_("catatan, misalnya siapa yang menerima"))
            command.add_argument("--attach", action="append", default=[], metavar="FILE", help=_(
                "file lain yang ikut dikirim (boleh berulang)"))
        if name == "files":
            command.add_argument("--out", required=True, metavar=_("FOLDER"), help=_("folder tujuan"))


def _kind_and_period(command: argparse.ArgumentParser, kinds: tuple[str, ...]) -> None:
    """A report and its period: ``lb1 --month 2026-10`` or ``skdr --week 2026-W43`` (see ``_sent_period``)."""
    command.add_argument("kind", choices=kinds, help=_("laporan"))
    period = command.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", metavar="TTTT-BB", help=_("bulan, misalnya 2026-10"))
    period.add_argument("--week", metavar="TTTT-Wmm", help=_("skdr: minggu, misalnya 2026-W43"))


def _sent_period(args: argparse.Namespace):
    """The period ``_kind_and_period`` asked for: SKDR by week, the monthly reports by month."""
    from kupang_desk.documents.table import Period
    from kupang_desk.reports import skdr

    if (args.kind == "skdr") != bool(args.week):
        raise KnownError(_("SKDR per minggu (--week 2026-W43); laporan bulanan per bulan (--month 2026-10)."))
    return skdr.week_of_setting(args.week).period() if args.week else Period.month(args.month)


def _value_arguments(command: argparse.ArgumentParser) -> None:
    """The answers an import may need: isian that the file spells differently from the lists."""
    command.add_argument("--map", action="append", default=[], metavar=_("KOLOM:NILAI=ISIAN"), help=_(
        "baca NILAI di KOLOM sebagai ISIAN (nama atau kode di daftar; kosong: biarkan kosong); boleh berulang, "
        "misalnya --map \"Cara Bayar:BPJS Non PBI=PBPU\""))
    command.add_argument("--add-unknown", action="store_true", help=_(
        "tambahkan isian yang belum ada (poli, cara bayar) sebagai entri baru"))
    command.add_argument("--reject-unknown", action="store_true", help=_("tolak baris yang isiannya belum dikenal"))
    command.add_argument("--cut-nik", choices=("keep", "empty"), default="keep", help=_(
        "NIK yang mungkin terpotong Excel: keep = simpan dengan peringatan (bawaan), empty = kosongkan"))


def _value_answers(args: argparse.Namespace) -> tuple[dict[tuple[str, str], str], str]:
    answers: dict[tuple[str, str], str] = {}
    for text in args.map:
        column, colon, rest = text.partition(":")
        value, equals, target = rest.rpartition("=")
        if not colon or not equals or not column.strip() or not value.strip():
            raise KnownError(_("--map \"{text}\" tidak dapat dibaca. Tulis KOLOM:NILAI=ISIAN, misalnya "
                               "--map \"Cara Bayar:BPJS Non PBI=PBPU\".").format(text=text))
        answers[(column.strip(), value.strip())] = target.strip()
    if args.add_unknown and args.reject_unknown:
        raise KnownError(_("Pilih salah satu: --add-unknown atau --reject-unknown."))
    return answers, "add" if args.add_unknown else "reject" if args.reject_unknown else "ask"


def _print_unknown(summary) -> bool:
    """Prints each value still to answer with the --map argument that answers it; True if any."""
    if not summary.unknown:
        return False
    print(_("Isian yang belum dikenal (tidak ada yang disimpan):"))
    for unknown in summary.unknown:
        print("  " + unknown.describe())
        print("    " + unknown.map_argument())
    print(_("Jawab setiap isian dengan --map seperti di atas, atau pakai --add-unknown (poli dan cara bayar baru) "
            "atau --reject-unknown (tolak barisnya)."))
    return True


def main(argv: list[str] | None = None) -> int:
    """Runs the command line; returns the process exit code."""
    started = time.perf_counter()
    # The language first, so that --help and argparse's own errors speak it too.
    language = argparse.ArgumentParser(add_help=False)
    language.add_argument("--lang")
    set_language(language.parse_known_args(argv)[0].lang)
    args = _window_arguments(argv)
    parser = None
    if args is None:
        parser = build_parser()
        args = parser.parse_args(argv)
    if args.allow_network_share:
        import os

        os.environ["KUPANG_DESK_ALLOW_NETWORK_SHARE"] = "1"
    from kupang_desk.logs import setup_logging

    setup_logging(args.verbose)
    if args.command is None:
        problem = display.problem()  # before Qt, which aborts the process on a missing library
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_USER
        # Loading the window makes some hundred thousand objects that live as long as it (modules, classes,
        # Qt's wrappers); the collector would walk them again and again. It runs rarely until the window's
        # modules are in (ui.app.loaded), which then freezes them out of its walks.
        gc.set_threshold(LOADING_GC_THRESHOLD, *gc.get_threshold()[1:])
        from kupang_desk.ui.app import run_app

        return run_app(args.database, exit_after_start=args.exit_after_start, started=started)
    from kupang_desk.accounts import session

    try:
        with session.acting_as(None):  # the command line acts only for the account it signs in
            code = _dispatch(parser or build_parser(), args)
            if session.current() is not None:
                from kupang_desk import audit

                audit.remember_head()  # after the work's commit: the head this PC keeps grows with it
            return code
    except KnownError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        print(_("Dihentikan."), file=sys.stderr)
        return EXIT_USER
    except Exception as error:
        from kupang_desk.models.base import storage_error

        known = storage_error(error)  # locked by a clerk saving, disk full, read-only: what to do, no traceback
        if isinstance(known, KnownError):
            log.warning("Storage error: %s", error)
            print(str(known), file=sys.stderr)
            return EXIT_USER
        log.exception("Unexpected error")
        print(error_message(error), file=sys.stderr)
        return EXIT_BUG
    finally:
        from kupang_desk.models import database

        database.close(optimize=True)  # SQLite folds its journal back into the file (skipped while others write)


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    commands = {"setup": _setup, "demo": _demo, "info": _info, "report": _report, "import": _import,
                "students": _students, "scholarship": _scholarship, "audit": _audit, "backup": _backup,
                "restore": _restore, "reporting": _reporting, "dhis2": _dhis2, "city": _city, "satusehat": _satusehat,
                "totals": _totals, "queue": _queue, "population": _population}
    if args.command in commands:
        return commands[args.command](args)
    parser.error(_("perintah tidak dikenal"))
    return EXIT_USER


def _open(args: argparse.Namespace, *, before_sign_in: Callable[[], object] | None = None):
    """Opens the database and signs in as the window does (same passwords, same lockout); the
    work that follows acts for that account, and the chain's head is kept outside the database.
    ``before_sign_in`` runs once the database is open, before the sign-in writes its event."""
    from kupang_desk import audit
    from kupang_desk.accounts import session, users
    from kupang_desk.models import database

    target = database.connect(args.database)
    from kupang_desk.backup import interrupted_restore_note

    if (note := interrupted_restore_note()) is not None:  # told once, by whichever program opens it first
        print(note[0] + ((" " + _("Cadangan yang tadi dipulihkan: {file}.").format(file=note[1])) if note[1] else ""),
              file=sys.stderr)
    if before_sign_in is not None:
        before_sign_in()
    if not users.has_accounts():
        raise KnownError(_("Database {where} belum punya akun. Siapkan dulu: kupang-desk setup --type puskesmas "
                           "--name \"NAMA\" --admin NAMA (atau kupang-desk demo untuk data contoh).").format(
            where=target.describe()))
    interactive = bool(sys.stdin) and sys.stdin.isatty()
    name = args.user or os.environ.get("KUPANG_DESK_USER", "")
    if not name and interactive:
        name = input(_("Nama pengguna: "))
    if not name:
        raise KnownError(_("Masuk dulu: --user NAMA (atau $KUPANG_DESK_USER), lalu kata sandinya."))
    password = os.environ.get("KUPANG_DESK_PASSWORD", "")
    if not password and interactive:
        password = getpass.getpass(_("Kata sandi {name}: ").format(name=name))
    if not password:
        raise KnownError(_("Kata sandi untuk {name} tidak ada: ketik saat ditanya, atau isi $KUPANG_DESK_PASSWORD "
                           "untuk pekerjaan terjadwal.").format(name=name))
    user = users.authenticate(name, password)
    if user.must_change_password:
        raise KnownError(_("Kata sandi akun {name} harus diganti dulu: masuk sekali lewat jendela Kupang Desk.").format(
            name=user.username))
    session.sign_in(user)
    audit.remember_head()
    return target


def _shown(table: str, details: dict) -> None:
    """What the command line printed or wrote, as an audit event of the signed-in account."""
    from kupang_desk import audit
    from kupang_desk.models import writing

    with writing():
        audit.record("export" if details.get("xlsx") else "view", table, "", details)


def _setup(args: argparse.Namespace) -> int:
    from kupang_desk import settings
    from kupang_desk.accounts import session
    from kupang_desk.models import database

    target = database.connect(args.database)
    password = os.environ.get("KUPANG_DESK_PASSWORD", "")
    if not password and sys.stdin and sys.stdin.isatty():
        password = getpass.getpass(_("Kata sandi baru untuk {name}: ").format(name=args.admin))
        if getpass.getpass(_("Ulangi kata sandi: ")) != password:
            raise KnownError(_("Kedua kata sandi tidak sama; tidak ada yang disimpan."))
    if not password:
        raise KnownError(_("Kata sandi administrator tidak ada: ketik saat ditanya, atau isi $KUPANG_DESK_PASSWORD."))
    passphrase = _backup_passphrase(_("Kata sandi cadangan kantor (untuk membuka cadangan; simpan lembar pemulihannya): "),
                                    twice=True)
    if not passphrase:
        raise KnownError(_("Kata sandi cadangan tidak ada: ketik saat ditanya, atau isi $KUPANG_DESK_BACKUP_PASSPHRASE. "
                           "Setiap cadangan dienkripsi dengannya; tanpa kata sandi itu cadangan tidak dapat dipulihkan, "
                           "jadi cetak lembar pemulihannya (kupang-desk backup --recovery-sheet FILE.pdf)."))
    profile = settings.Profile(kind=args.kind, name=args.name, code=args.code, school_level=args.level, address=args.address)
    admin = settings.first_run(profile, username=args.admin, full_name=args.admin_name or args.admin, password=password,
                               backup_passphrase=passphrase, backup_folder=args.backup_folder)
    session.sign_in(admin)
    print(_("{where} disiapkan untuk {name}; administrator: {admin}.").format(
        where=target.describe(), name=args.name, admin=admin.username))
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from kupang_desk import demo, encryption
    from kupang_desk.accounts import users
    from kupang_desk.models import database
    from kupang_desk.tasks import ConsoleTask

    target = database.connect(args.database)
    if args.if_empty and not demo.is_empty():  # nothing is read or written: no sign-in needed
        print(_("Database {where} sudah berisi data; data contoh tidak dimuat.").format(where=target.describe()))
        return EXIT_OK
    if demo.is_empty() and users.has_accounts():  # set up, still empty: its administrator loads the demo
        target = _open(args)
    started = time.perf_counter()
    had_accounts, had_passphrase = users.has_accounts(), encryption.has_passphrase()
    patients, visits = (0, 0) if args.school else (args.patients, args.visits)
    students = args.students if args.students is not None else (400 if args.school else 0)
    counts = demo.generate(patients, visits, students, task=ConsoleTask(quiet=args.quiet), seed=args.seed)
    print(_("Data contoh dimuat ke {where}: {counts} ({seconds:.1f} detik).").format(
        where=target.describe(), counts=counts.describe(), seconds=time.perf_counter() - started))
    from kupang_desk.models import User

    names = ", ".join(u.username for u in User.select().order_by(User.id))
    if names and not had_accounts:  # the demo's own accounts, not an office's
        print(_("Akun contoh: {names}; kata sandi semuanya {password}").format(names=names, password=demo.DEMO_PASSWORD))
    if not had_passphrase and encryption.has_passphrase():
        print(_("Kata sandi cadangan data contoh: {passphrase}").format(passphrase=encryption.DEMO_PASSPHRASE))
    return EXIT_OK


EXIT_EMPTY = 3


EXIT_TAMPERED = 4
# The chain holds, but this PC keeps no head of this database to check its end against.
EXIT_UNCONFIRMED = 5


def _audit(args: argparse.Namespace) -> int:
    from kupang_desk import audit, encryption, keystore
    from kupang_desk.accounts.permissions import require

    kept: list = []  # the head this PC kept, read before signing in writes an event
    _open(args, before_sign_in=lambda: kept.append(audit.remembered_head()))
    if args.audit_command == "key":
        require("users.manage")  # the key is the administrator's
        if args.export:
            key_id = keystore.export_key(args.export)
            print(_("Kunci {key} disimpan ke {path}. Simpan file ini seperti kata sandi; impor di PC lain kantor "
                    "dengan: kupang-desk audit key --import FILE").format(key=key_id, path=args.export))
        else:
            key_id = keystore.import_key(args.import_)
            print(_("PC ini sekarang menyegel jejak audit dengan kunci kantor {key}.").format(key=key_id))
        return EXIT_OK
    anchor = encryption.anchor_in(args.anchor) if args.anchor else None
    check = audit.verify_chain(anchor=anchor, kept=kept[0])
    print(check.describe())
    if check.ok and anchor is not None:
        print(_("Tanda {anchor} pada {path} cocok dengan jejak audit.").format(anchor=anchor.label(), path=args.anchor))
    if not check.ok:
        return EXIT_TAMPERED
    return EXIT_OK if check.confirmed else EXIT_UNCONFIRMED


def _import(args: argparse.Namespace) -> int:
    from kupang_desk.tasks import ConsoleTask
    from kupang_desk.visits.register_import import import_register

    _open(args)
    answers, unknown = _value_answers(args)
    summary = import_register(args.file, dry_run=args.dry_run, all_or_nothing=args.all_or_nothing,
                              rejects=args.rejects, task=ConsoleTask(quiet=args.quiet), values=answers,
                              unknown=unknown, cut_identifiers=args.cut_nik)
    counts = summary.counts()
    print(_("baru: {new}\nsudah ada: {unchanged}\nditolak: {error}").format(
        new=counts.get("new", 0), unchanged=counts.get("unchanged", 0), error=counts.get("error", 0)))
    _print_warned(summary)
    if _print_unknown(summary):
        return EXIT_USER
    if not summary.written:
        print(_("Tidak ada yang disimpan ({why}).").format(
            why=_("--dry-run") if args.dry_run else _("--all-or-nothing dan ada baris yang ditolak")))
    if args.rejects and counts.get("error"):
        print(_("Baris yang ditolak: {path}").format(path=args.rejects))
    if not summary.rows:
        print(_("Tidak ada baris yang dapat dibaca."), file=sys.stderr)
        return EXIT_USER
    return EXIT_OK


def _print_warned(summary) -> None:
    warned = summary.warned
    if warned:
        incomplete = sum(row.incomplete for row in warned)
        print(_("perlu diperiksa: {count} (perlu dilengkapi: {incomplete}); rinciannya di lembar Periksa file --rejects").format(
            count=len(warned), incomplete=incomplete))


def _students(args: argparse.Namespace) -> int:
    from kupang_desk.students import classes
    from kupang_desk.tasks import ConsoleTask

    _open(args)
    if args.students_command == "import":
        from kupang_desk.students.dapodik import import_students

        answers, unknown = _value_answers(args)
        summary = import_students(args.file, dry_run=args.dry_run, rejects=args.rejects, task=ConsoleTask(quiet=args.quiet),
                                  values=answers, unknown=unknown, cut_identifiers=args.cut_nik)
        counts = summary.counts()
        print(_("baru: {new}\ndiperbarui: {update}\ntidak berubah: {unchanged}\nditolak: {error}").format(
            new=counts.get("new", 0), update=counts.get("update", 0), unchanged=counts.get("unchanged", 0),
            error=counts.get("error", 0)))
        _print_warned(summary)
        if _print_unknown(summary):
            return EXIT_USER
        if args.dry_run:
            print(_("Tidak ada yang disimpan (--dry-run)."))
        if args.rejects and counts.get("error"):
            print(_("Baris yang ditolak: {path}").format(path=args.rejects))
        if not summary.rows or counts.get("error", 0) == len(summary.rows):
            print(_("Tidak ada baris yang dapat dibaca."), file=sys.stderr)
            return EXIT_USER
        return EXIT_OK
    if args.students_command == "promote":
        if not args.yes:
            plan = classes.plan_promotion(args.school_year)
            print(_("Rencana kenaikan kelas ke {year}: {plan}").format(year=plan.school_year, plan=plan.describe()))
            print(_("Tambahkan --yes untuk menjalankannya."))
            return EXIT_OK
        _promotion, plan = classes.promote(args.school_year)
        print(_("Kenaikan kelas ke {year} selesai: {plan}").format(year=plan.school_year, plan=plan.describe()))
        return EXIT_OK
    promotion, restored, kept = classes.undo_promotion()
    print(_("{what} dibatalkan: {count} siswa dikembalikan.").format(what=classes.describe_promotion(promotion), count=restored))
    if kept:
        print(_("Tidak dikembalikan karena sudah diubah sesudahnya: {names}").format(names=", ".join(kept)))
    return EXIT_OK


def _scholarship(args: argparse.Namespace) -> int:
    from kupang_desk import audit
    from kupang_desk.formatting import format_date, format_rupiah
    from kupang_desk.scholarships import awards, printouts, programmes
    from kupang_desk.tasks import ConsoleTask

    _open(args)
    if args.scholarship_command == "deadlines":
        warnings = awards.deadline_warnings()
        _shown("award", {"list": "deadlines", "rows": len(warnings)})
        for row, days in warnings:
            when = _("lewat {days} hari").format(days=-days) if days < 0 else _("{days} hari lagi").format(days=days)
            print(f"{row.nisn:<10}  {row.name:<30} {row.class_group:<10} {format_date(row.deadline)} ({when})")
        print(_("{count} siswa rekeningnya belum aktif dengan batas waktu dekat atau lewat.").format(count=len(warnings)))
        return EXIT_OK
    if args.scholarship_command == "recap":
        from kupang_desk.documents.excel import write_workbook

        report = printouts.recap_report(args.year)
        for table in report.tables:
            print(table.title)
            for cells in table.rows:
                print("  " + str(cells[0]).ljust(32) + "  ".join(format_rupiah(v) for v in cells[-3:]))
        report.anchor = audit.head()
        _shown("award", {"list": "recap", "year": args.year, "xlsx": str(args.xlsx or ""), "anchor": str(report.anchor or "")})
        if args.xlsx:
            write_workbook([report], args.xlsx)
            print(_("Disimpan: {path}").format(path=args.xlsx))
        return EXIT_OK
    programme = programmes.find_programme(args.programme, args.year)
    if args.scholarship_command == "letters":
        if not args.pdf:
            raise KnownError(_("Sebutkan file keluaran: --pdf NAMA.pdf."))
        count = printouts.save_letters(programme, None, args.pdf, paper=args.paper, task=ConsoleTask())
        print(_("{count} surat keterangan aktivasi rekening disimpan: {path}").format(count=count, path=args.pdf))
        return EXIT_OK
    statuses = args.status or None
    for status in statuses or ():
        if status not in awards.STATUS_ORDER:
            raise KnownError(_("Status '{status}' tidak dikenal. Pilih: {statuses}.").format(
                status=status, statuses=", ".join(awards.STATUS_ORDER)))
    report = printouts.save_list(programme, pdf=args.pdf, xlsx=args.xlsx, stage=args.stage, statuses=statuses,
                                 class_group=args.class_group, flag=args.flag, paper=args.paper, task=ConsoleTask())
    rows, amount = report.tables[0].rows, report.tables[0].column_index("amount")
    print(_("Daftar penerima {programme} {year}: {count} siswa, {amount}. Disimpan: {files}").format(
        programme=programme.name, year=programme.year, count=len(rows),
        amount=format_rupiah(sum(r[amount] for r in rows)), files=" ".join(str(p) for p in (args.pdf, args.xlsx) if p)))
    return EXIT_OK if rows else EXIT_EMPTY


def _backup_passphrase(prompt: str, *, twice: bool = False) -> str | None:
    """The backup passphrase from $KUPANG_DESK_BACKUP_PASSPHRASE, else typed at a terminal; None without either."""
    from kupang_desk.encryption import ENV_PASSPHRASE

    if os.environ.get(ENV_PASSPHRASE):
        return os.environ[ENV_PASSPHRASE]
    if not (sys.stdin and sys.stdin.isatty()):
        return None
    typed = getpass.getpass(prompt)
    if twice and getpass.getpass(_("Ulangi kata sandi cadangan: ")) != typed:
        raise KnownError(_("Kedua kata sandi cadangan tidak sama; tidak ada yang disimpan."))
    return typed


def _backup(args: argparse.Namespace) -> int:
    from kupang_desk import encryption
    from kupang_desk.backup import inspect_backup, make_backup
    from kupang_desk.models import Institution
    from kupang_desk.tasks import ConsoleTask

    if not (args.to or args.set_passphrase or args.recovery_sheet):
        raise KnownError(_("Sebutkan --to FOLDER (membuat cadangan), --set-passphrase atau --recovery-sheet FILE.pdf."))
    _open(args)
    if args.set_passphrase:
        passphrase = _backup_passphrase(_("Kata sandi cadangan baru: "), twice=True)
        if not passphrase:
            raise KnownError(_("Kata sandi cadangan tidak ada: ketik saat ditanya, atau isi $KUPANG_DESK_BACKUP_PASSPHRASE."))
        encryption.set_passphrase(passphrase)
        print(_("Kata sandi cadangan diatur. Cetak lembar pemulihannya: kupang-desk backup --recovery-sheet FILE.pdf"))
    if args.recovery_sheet:
        passphrase = _backup_passphrase(_("Kata sandi cadangan: "))
        if not passphrase:
            raise KnownError(_("Kata sandi cadangan tidak ada: ketik saat ditanya, atau isi $KUPANG_DESK_BACKUP_PASSPHRASE."))
        institution = Institution.select().first()
        sheet = encryption.recovery_sheet(args.recovery_sheet, passphrase, institution.name if institution else "")
        print(_("Lembar pemulihan disimpan: {path}. Cetak, simpan di brankas kantor, lalu hapus filenya.").format(path=sheet))
    if args.to:
        passphrase = None if encryption.key_available() else _backup_passphrase(_("Kata sandi cadangan: "))
        path = make_backup(args.to, task=ConsoleTask(quiet=args.quiet), passphrase=passphrase)
        print(_("Cadangan dibuat dan diperiksa: {path}\n{info}").format(path=path, info=inspect_backup(path).describe()))
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from kupang_desk import encryption
    from kupang_desk.backup import holds_nothing, inspect_backup, restore_backup
    from kupang_desk.models import database
    from kupang_desk.tasks import ConsoleTask

    # The account of the database that is about to be replaced; a new installation (a new PC)
    # has none and holds nothing, and the backup's passphrase is what opens the data.
    new_installation = holds_nothing(database.resolve_url(args.database))
    target = database.connect(args.database) if new_installation else _open(args)
    passphrase = None
    try:
        info = inspect_backup(args.file, check_all=True, task=ConsoleTask())
    except encryption.PassphraseNeeded:
        passphrase = _backup_passphrase(_("Kata sandi cadangan untuk {file}: ").format(file=Path(args.file).name))
        if not passphrase:
            raise
        info = inspect_backup(args.file, passphrase=passphrase, check_all=True, task=ConsoleTask())
    print(_("Cadangan: {info}").format(info=info.describe()))
    print(_("Database yang akan diganti: {where}").format(where=target.describe()))
    if not args.yes:
        terminal = sys.stdin and sys.stdin.isatty()
        if args.other_institution:
            answer = input(_("Ketik nama institusi cadangan ({name}) untuk memulihkan: ").format(name=info.institution)) if terminal else ""
            confirmed = " ".join(answer.split()).lower() == " ".join(info.institution.split()).lower()
        else:
            confirmed = (input(_("Ketik YA untuk memulihkan: ")) if terminal else "").strip().upper() == "YA"
        if not confirmed:
            print(_("Tidak dipulihkan. Tambahkan --yes untuk memulihkan tanpa pertanyaan."), file=sys.stderr)
            return EXIT_USER
    from kupang_desk.accounts import session

    actor = session.current()
    database.close()
    safety = restore_backup(args.file, target, task=ConsoleTask(), user=actor, passphrase=passphrase,
                            other_institution=args.other_institution)  # reopens it, at the current schema
    print(_("Database dipulihkan. Salinan pengaman database lama: {path}").format(path=safety))
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    import datetime as dt

    from kupang_desk.documents.table import Period
    from kupang_desk.reports.service import Options, kind_label, save
    from kupang_desk.tasks import ConsoleTask

    if args.sms and args.kind != "skdr":
        raise KnownError(_("--sms hanya untuk laporan skdr."))
    if args.dhis2 and args.kind not in ("lb1", "skdr"):
        raise KnownError(_("--dhis2 hanya untuk lb1 dan skdr."))
    if (args.kind == "skdr") != bool(args.week):
        raise KnownError(_("SKDR dibuat per minggu (--week 2026-W43); laporan lain per bulan (--month) atau rentang (--from)."))
    if args.week:
        from kupang_desk.reports import skdr

        _open(args)
        week = skdr.week_of_setting(args.week)
        period = week.period()
    elif args.month:
        period = Period.month(args.month)
    else:
        if not args.date_to:
            raise KnownError(_("--from memerlukan --to, misalnya --from 2026-10-01 --to 2026-10-15."))
        try:
            period = Period.between(dt.date.fromisoformat(args.date_from), dt.date.fromisoformat(args.date_to))
        except ValueError:
            raise KnownError(_("Tanggal tidak dikenal. Tulis tahun-bulan-hari, misalnya 2026-10-01.")) from None
    if not args.week:
        _open(args)
    options = Options(rollup=args.rollup, limit=args.n, new_cases_only=not args.all_cases, include_z=args.include_z,
                      paper=args.paper)
    if args.sms and args.week:
        counts = skdr.week_counts(week, places=False)
        print(skdr.sms_line(counts))
        for alert in skdr.alerts(week, counts=counts):  # what the officer must answer, beside what is sent
            print(skdr.alert_line(alert))
    if args.dhis2:
        from kupang_desk.reporting import dhis2

        payload = dhis2.data_value_set(args.kind, period, mapping_file=args.mapping, org_unit=args.org_unit)
        print(_("Berkas DHIS2 disimpan: {path} ({n} nilai)").format(path=dhis2.write(payload, args.dhis2),
                                                                    n=len(payload["dataValues"])))
    if (args.sms or args.dhis2) and not (args.xlsx or args.pdf):
        return EXIT_OK
    report = save(args.kind, period, options, xlsx=args.xlsx, pdf=args.pdf, task=ConsoleTask(quiet=args.quiet))
    written = " ".join(str(p) for p in (args.xlsx, args.pdf) if p)
    if report.empty:
        print(_("{report} {period}: {note} File tetap dibuat: {files}").format(
            report=kind_label(args.kind), period=period.label(), note=report.empty_note(), files=written), file=sys.stderr)
        return EXIT_EMPTY
    print(_("{report} {period} disimpan: {files}").format(report=kind_label(args.kind), period=period.label(), files=written))
    return EXIT_OK


def _reporting(args: argparse.Namespace) -> int:
    from kupang_desk.formatting import format_date
    from kupang_desk.reporting import calendar, sent
    from kupang_desk.reports.base import kind_label
    from kupang_desk.tasks import ConsoleTask

    _open(args)
    if args.reporting_command == "calendar":
        found = calendar.entries()
        for entry in found:
            who = f"  {entry.sent.sent_by_name}, {format_date(entry.sent.sent_at.date())}" if entry.sent else ""
            print(f"{kind_label(entry.kind):<24} {entry.label:<16} {format_date(entry.due):<18} "
                  f"{calendar.status_label(entry.status):<13}{who}")
        line = calendar.overdue_line(found)
        if line:
            print(line, file=sys.stderr)
        return EXIT_OK
    if args.reporting_command == "key":
        from kupang_desk.reporting import city

        key_file = city.export_key(args.file)
        print(_("Kunci tanda tangan {name} ({code}) disimpan. Sidiknya: {fingerprint}. Serahkan file itu ke Dinas dan "
                "bacakan sidiknya saat Dinas mendaftarkannya.").format(name=key_file.name, code=key_file.code,
                                                                       fingerprint=key_file.fingerprint))
        return EXIT_OK
    period = _sent_period(args)
    title = f"{kind_label(args.kind)} {args.week or period.label()}"
    if args.reporting_command == "send":
        row = sent.mark_sent(args.kind, period, method=args.how, note=args.note, extra_files=args.attach,
                             task=ConsoleTask())
        revision = _(" sebagai revisi {n}").format(n=row.revision) if row.revision else ""
        print(_("{report} ditandai terkirim{revision}; periodenya dikunci.").format(report=title, revision=revision))
        return EXIT_OK
    if args.reporting_command == "changes":
        since = sent.changes(args.kind, period, task=ConsoleTask())
        if since is None:
            raise KnownError(_("{report} belum pernah ditandai terkirim.").format(report=title))
        print("\n".join(since.lines(limit=1000)) if since.late else _("Tidak ada perubahan sejak dikirim."))
        return EXIT_OK
    history = sent.history(args.kind, period)
    if not history:
        raise KnownError(_("{report} belum pernah ditandai terkirim.").format(report=title))
    for path in sent.save_files(history[-1].id, args.out):
        print(path)
    return EXIT_OK


def _city(args: argparse.Namespace) -> int:
    from kupang_desk.formatting import format_date
    from kupang_desk.reporting import city
    from kupang_desk.tasks import ConsoleTask

    _open(args)
    if args.city_command == "puskesmas":
        current = {p.code: p.name for p in city.puskesmas_list()}
        if args.add or args.remove:
            for code in args.remove:
                if code not in current:
                    raise KnownError(_("Kode {code} tidak ada di daftar puskesmas Dinas.").format(code=code))
                current.pop(code)
            current.update({code: name for code, name in args.add})
            city.set_puskesmas(current.items())
        for path in args.key:
            registered = city.register_key(path)
            print(_("Kunci {name} ({code}) didaftarkan: sidik {fingerprint}.").format(
                name=registered.puskesmas.name, code=registered.puskesmas.code,
                fingerprint=registered.puskesmas.fingerprint))
            if registered.replaced:
                print(_("Kunci lamanya ({old}) tidak berlaku lagi.").format(old=registered.replaced))
        listed = city.puskesmas_list()
        for entry in listed:
            print(f"{entry.code:<16} {entry.name:<36} {entry.fingerprint or _('kunci belum didaftarkan')}")
        if not listed:
            print(_("Daftar puskesmas Dinas belum diisi. Daftarkan kunci setiap puskesmas dengan --key FILE (kode dan "
                    "namanya ikut), atau tulis --add KODE NAMA."))
        return EXIT_OK
    if args.city_command == "import":
        results = city.import_files(args.files, task=ConsoleTask())
        for result in results:
            print(f"{result.path.name}: {result.message}", file=sys.stderr if result.status == "ditolak" else sys.stdout)
        return EXIT_USER if any(r.status == "ditolak" for r in results) else EXIT_OK
    period = _sent_period(args)
    if args.city_command == "status":
        rows = city.arrivals(args.kind, period)
        for row in rows:
            received = format_date(row.first_received.date()) if row.first_received else ""
            revision = _("revisi {n}").format(n=row.file.revision) if row.file and row.file.revision else ""
            print(f"{row.name:<28} {row.code:<14} {row.state():<12} {received:<18} {revision}")
        print(city.completeness_line(rows))
        if args.xlsx or args.pdf:
            city.save_report(args.kind, period, xlsx=args.xlsx, pdf=args.pdf, status=True)
        return EXIT_OK
    if not (args.xlsx or args.pdf):
        raise KnownError(_("Sebutkan file keluaran: --xlsx NAMA.xlsx dan/atau --pdf NAMA.pdf."))
    report = city.save_report(args.kind, period, xlsx=args.xlsx, pdf=args.pdf)
    written = " ".join(str(p) for p in (args.xlsx, args.pdf) if p)
    print(_("{report} disimpan: {files}").format(report=report.title, files=written))
    return EXIT_EMPTY if report.empty else EXIT_OK


def _population(args: argparse.Namespace) -> int:
    from kupang_desk import population
    from kupang_desk.formatting import format_number

    _open(args)
    if args.population_command == "import":
        count = population.import_population(args.file, year=args.year, source=args.source)
        print(_("{count} kelurahan diimpor dari {file}.").format(count=count, file=args.file))
        return EXIT_OK
    for row in population.city_population():
        figure = format_number(row.total) if row.total else "-"
        print(f"{row.code:<15} {row.name:<22} {row.kecamatan:<14} {figure:>9}  {row.year or ''} {row.source}")
    return EXIT_OK


def _totals(args: argparse.Namespace) -> int:
    from kupang_desk.reports import totals

    _open(args)
    if args.totals_command == "rebuild":
        print(_("Jumlah harian dibuat ulang: {n} baris.").format(n=totals.rebuild()))
        return EXIT_OK
    found = totals.differences()
    if not found:
        print(_("Jumlah harian sama dengan kunjungan."))
        return EXIT_OK
    for table, key, kept, raw in found:
        print(_("{table} {key}: tersimpan {kept}, dari kunjungan {raw}").format(
            table=table, key=" ".join(key), kept=kept, raw=raw))
    print(_("Jumlah harian berbeda dari kunjungan; jalankan: kupang-desk totals rebuild"), file=sys.stderr)
    return EXIT_BUG


def _queue(args: argparse.Namespace) -> int:
    from kupang_desk.queue import command

    return command.run(args, _open)


def _satusehat(args: argparse.Namespace) -> int:
    from kupang_desk.satusehat import command

    return command.run(args, _open)


def _dhis2_scheme() -> str:
    from kupang_desk import preferences

    return str(preferences.get("dhis2.id_scheme"))


def _dhis2(args: argparse.Namespace) -> int:
    import getpass
    import os
    import tempfile

    from kupang_desk.reporting import dhis2, sent

    _open(args)
    if args.dhis2_command == "mapping":
        print(_("Pemetaan DHIS2 dimuat: {n} baris.").format(n=dhis2.store_mapping(args.file)))
        return EXIT_OK
    if args.dhis2_command == "metadata" and args.build_mapping:
        from kupang_desk.reporting import dhis2_metadata

        proposed = dhis2_metadata.build_mapping(args.file)
        print(_("Pemetaan DHIS2 dibuat dari metadata: {summary} Skema id uid.").format(summary=proposed.summary()))
        return EXIT_OK
    if args.dhis2_command == "metadata":
        from kupang_desk.reporting import dhis2_metadata

        counts = dhis2_metadata.load_metadata(args.file, id_scheme=args.id_scheme)
        print(_("Metadata DHIS2 dimuat: {elements} data element, {combos} category option combo, {sets} data set; "
                "skema id {scheme}.").format(elements=counts.get("dataElement", 0),
                                             combos=counts.get("categoryOptionCombo", 0),
                                             sets=counts.get("dataSet", 0), scheme=_dhis2_scheme()))
        return EXIT_OK
    period = _sent_period(args)
    password = os.environ.get("KUPANG_DESK_DHIS2_PASSWORD") or (
        getpass.getpass(_("Kata sandi DHIS2: ")) if sys.stdin and sys.stdin.isatty() else "")
    if not password:
        raise KnownError(_("Kata sandi DHIS2 belum diberikan: isi $KUPANG_DESK_DHIS2_PASSWORD atau jalankan di terminal."))
    checked, done, payload = dhis2.upload(args.kind, period, password=password, url=args.url, username=args.dhis2_user,
                                          mapping_file=args.mapping, org_unit=args.org_unit)
    print(_("Uji kirim: {summary}").format(summary=checked.text()))
    print(done.text())
    with tempfile.TemporaryDirectory(prefix="kupang-desk-dhis2-") as folder:
        files = dhis2.keep_files(Path(folder), args.kind, period, payload, checked, done)
        row = sent.record_upload(args.kind, period, files, done.text())
    print(_("Ditandai terkirim lewat DHIS2 (revisi {n}).").format(n=row.revision) if row.revision else
          _("Ditandai terkirim lewat DHIS2."))
    return EXIT_OK


def _info(args: argparse.Namespace) -> int:
    from kupang_desk.models import Institution, Patient, Student, Visit, database, migrations

    target = database.connect(args.database)
    institution = Institution.select().first()
    print(_("Database     : {where}").format(where=target.describe()))
    print(_("Versi skema  : {version}").format(version=migrations.current_version(database.db.obj)))
    print(_("Institusi    : {name}").format(name=institution.name if institution else _("(belum diatur)")))
    print(_("Pasien       : {count}").format(count=Patient.select().count()))
    print(_("Kunjungan    : {count}").format(count=Visit.select().count()))
    print(_("Siswa        : {count}").format(count=Student.select().count()))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
