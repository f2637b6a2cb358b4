"""``kupang-desk import register``: an old register from Excel or CSV; and what every import command
shares: the answers for values the file spells differently (--map), and how the unknown ones are told."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from kupang_desk.errors import EXIT_OK, EXIT_USER, KnownError
from kupang_desk.i18n import _
from kupang_desk.models.database import DatabaseUrl

SignIn = Callable[[argparse.Namespace], DatabaseUrl]  # opens the database and signs in as the window does (cli)


def add_commands(commands) -> None:
    importer = commands.add_parser("import", help=_("impor data lama dari Excel atau CSV"))
    import_kinds = importer.add_subparsers(dest="import_kind", metavar=_("JENIS"), required=True)
    register = import_kinds.add_parser("register", help=_("register pasien dan kunjungan"))
    register.add_argument("file", metavar="FILE", help=_("file .xlsx, .xls, .ods atau .csv"))
    register.add_argument("--dry-run", action="store_true", help=_("periksa saja, jangan simpan"))
    register.add_argument("--rejects", metavar="FILE.xlsx", help=_("simpan baris yang ditolak beserta alasannya"))
    register.add_argument("--all-or-nothing", action="store_true", help=_("simpan hanya bila tidak ada baris yang ditolak"))
    register.add_argument("--quiet", action="store_true", help=_("jangan tampilkan kemajuan"))
    value_arguments(register)


def run(args: argparse.Namespace, sign_in: SignIn) -> int:
    return {"import": _import}[args.command](args, sign_in)


def value_arguments(command: argparse.ArgumentParser) -> None:
    """The answers an import may need: isian that the file spells differently from the lists."""
    command.add_argument("--map", action="append", default=[], metavar=_("KOLOM:NILAI=ISIAN"), help=_(
        "baca NILAI di KOLOM sebagai ISIAN (nama atau kode di daftar; kosong: biarkan kosong); boleh berulang, "
        "misalnya --map \"Cara Bayar:BPJS Non PBI=PBPU\""))
    command.add_argument("--add-unknown", action="store_true", help=_(
        "tambahkan isian yang belum ada (poli, cara bayar) sebagai entri baru"))
    command.add_argument("--reject-unknown", action="store_true", help=_("tolak baris yang isiannya belum dikenal"))
    command.add_argument("--cut-nik", choices=("keep", "empty"), default="keep", help=_(
        "NIK yang mungkin terpotong Excel: keep = simpan dengan peringatan (bawaan), empty = kosongkan"))


def value_answers(args: argparse.Namespace) -> tuple[dict[tuple[str, str], str], str]:
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


def print_unknown(summary) -> bool:
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


def print_warned(summary) -> None:
    warned = summary.warned
    if warned:
        incomplete = sum(row.incomplete for row in warned)
        print(_("perlu diperiksa: {count} (perlu dilengkapi: {incomplete}); rinciannya di lembar Periksa file --rejects").format(
            count=len(warned), incomplete=incomplete))


def _import(args: argparse.Namespace, sign_in: SignIn) -> int:
    from kupang_desk.tasks import ConsoleTask
    from kupang_desk.visits.register_import import import_register

    sign_in(args)
    answers, unknown = value_answers(args)
    summary = import_register(args.file, dry_run=args.dry_run, all_or_nothing=args.all_or_nothing,
                              rejects=args.rejects, task=ConsoleTask(quiet=args.quiet), values=answers,
                              unknown=unknown, cut_identifiers=args.cut_nik)
    counts = summary.counts()
    print(_("baru: {new}\nsudah ada: {unchanged}\nditolak: {error}").format(
        new=counts.get("new", 0), unchanged=counts.get("unchanged", 0), error=counts.get("error", 0)))
    print_warned(summary)
    if print_unknown(summary):
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
