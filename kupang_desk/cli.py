"""The ``kupang-desk`` command: the window by default, sub-commands for work without it."""

from __future__ import annotations

import argparse
import gc
import getpass
import importlib
import logging
import os
import sys
import time
from collections.abc import Callable

from kupang_desk import display, version
from kupang_desk.errors import EXIT_BUG, EXIT_OK, EXIT_USER, KnownError, error_message
from kupang_desk.i18n import _, set_language

log = logging.getLogger(__name__)

# The commands each feature keeps in its own command.py (``add_commands`` declares them, ``run``
# does them, signed in by ``_open``): the top-level command, and the module that answers it.
FEATURE_COMMANDS = {
    "backup": "kupang_desk.backup.command", "restore": "kupang_desk.backup.command",
    "import": "kupang_desk.imports.command",
    "students": "kupang_desk.students.command",
    "scholarship": "kupang_desk.scholarships.command",
    "report": "kupang_desk.reports.command", "totals": "kupang_desk.reports.command",
    "city": "kupang_desk.submissions.command", "dhis2": "kupang_desk.submissions.command",
    "reporting": "kupang_desk.submissions.command",
    "queue": "kupang_desk.queue.command",
    "satusehat": "kupang_desk.satusehat.command",
    "pcare": "kupang_desk.pcare.command",
}


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

    people = commands.add_parser("population", help=_("jumlah penduduk dan sasaran PWS per kelurahan"))
    people_commands = people.add_subparsers(dest="population_command", required=True, metavar=_("PERINTAH"))
    people_commands.add_parser("show", help=_("tampilkan jumlah penduduk per kelurahan Kota Kupang"))
    people_import = people_commands.add_parser("import", help=_("impor dari lembar Excel/CSV: Kelurahan (atau Kode), Jumlah penduduk; boleh Sasaran ibu hamil, Sasaran bayi"))
    people_import.add_argument("file", metavar="FILE")
    people_import.add_argument("--year", type=int, metavar="TTTT", help=_("tahun angka itu (bila lembar tidak punya kolom Tahun)"))
    people_import.add_argument("--source", default="", help=_("sumbernya, misalnya \"BPS Kota Kupang Dalam Angka 2025\""))
    for module in dict.fromkeys(FEATURE_COMMANDS.values()):  # each feature declares its own
        importlib.import_module(module).add_commands(commands)



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
    own = {"setup": _setup, "demo": _demo, "info": _info, "audit": _audit, "population": _population}
    if args.command in own:
        return own[args.command](args)
    if args.command in FEATURE_COMMANDS:
        return importlib.import_module(FEATURE_COMMANDS[args.command]).run(args, _open)
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
    from kupang_desk.backup.copies import interrupted_restore_note

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


def _setup(args: argparse.Namespace) -> int:
    from kupang_desk import office
    from kupang_desk.accounts import session
    from kupang_desk.backup.command import backup_passphrase
    from kupang_desk.models import database

    target = database.connect(args.database)
    password = os.environ.get("KUPANG_DESK_PASSWORD", "")
    if not password and sys.stdin and sys.stdin.isatty():
        password = getpass.getpass(_("Kata sandi baru untuk {name}: ").format(name=args.admin))
        if getpass.getpass(_("Ulangi kata sandi: ")) != password:
            raise KnownError(_("Kedua kata sandi tidak sama; tidak ada yang disimpan."))
    if not password:
        raise KnownError(_("Kata sandi administrator tidak ada: ketik saat ditanya, atau isi $KUPANG_DESK_PASSWORD."))
    passphrase = backup_passphrase(_("Kata sandi cadangan kantor (untuk membuka cadangan; simpan lembar pemulihannya): "),
                                    twice=True)
    if not passphrase:
        raise KnownError(_("Kata sandi cadangan tidak ada: ketik saat ditanya, atau isi $KUPANG_DESK_BACKUP_PASSPHRASE. "
                           "Setiap cadangan dienkripsi dengannya; tanpa kata sandi itu cadangan tidak dapat dipulihkan, "
                           "jadi cetak lembar pemulihannya (kupang-desk backup --recovery-sheet FILE.pdf)."))
    profile = office.Profile(kind=args.kind, name=args.name, code=args.code, school_level=args.level, address=args.address)
    admin = office.first_run(profile, username=args.admin, full_name=args.admin_name or args.admin, password=password,
                               backup_passphrase=passphrase, backup_folder=args.backup_folder)
    session.sign_in(admin)
    print(_("{where} disiapkan untuk {name}; administrator: {admin}.").format(
        where=target.describe(), name=args.name, admin=admin.username))
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from kupang_desk import demo
    from kupang_desk.accounts import users
    from kupang_desk.backup import encryption
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


EXIT_TAMPERED = 4
# The chain holds, but this PC keeps no head of this database to check its end against.
EXIT_UNCONFIRMED = 5


def _audit(args: argparse.Namespace) -> int:
    from kupang_desk import audit
    from kupang_desk.accounts.permissions import require
    from kupang_desk.backup import encryption, keystore

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
        targets = ""
        if row.pregnant_target is not None or row.infant_target is not None:
            targets = "  " + _("sasaran ibu hamil {pregnant}, bayi {infants}").format(
                pregnant=format_number(row.pregnant_target) if row.pregnant_target is not None else "-",
                infants=format_number(row.infant_target) if row.infant_target is not None else "-")
        print(f"{row.code:<15} {row.name:<22} {row.kecamatan:<14} {figure:>9}  {row.year or ''} {row.source}{targets}")
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
