"""``kupang-desk students``: the Dapodik import, class promotion and its undoing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from kupang_desk.errors import EXIT_OK, EXIT_USER
from kupang_desk.i18n import _
from kupang_desk.imports.command import print_unknown, print_warned, value_answers, value_arguments
from kupang_desk.models.database import DatabaseUrl

SignIn = Callable[[argparse.Namespace], DatabaseUrl]  # opens the database and signs in as the window does (cli)


def add_commands(commands) -> None:
    students = commands.add_parser("students", help=_("data siswa: impor dari Dapodik, kenaikan kelas"))
    student_commands = students.add_subparsers(dest="students_command", metavar=_("PERINTAH"), required=True)
    student_import = student_commands.add_parser("import", help=_("impor ekspor Dapodik \"Daftar Peserta Didik\""))
    student_import.add_argument("file", metavar="FILE", help=_("file .xlsx, .xls atau .ods dari Dapodik"))
    student_import.add_argument("--dry-run", action="store_true", help=_("periksa saja, jangan simpan"))
    student_import.add_argument("--rejects", metavar="FILE.xlsx", help=_("simpan baris yang ditolak beserta alasannya"))
    student_import.add_argument("--quiet", action="store_true", help=_("jangan tampilkan kemajuan"))
    value_arguments(student_import)
    promote = student_commands.add_parser("promote", help=_("kenaikan kelas: semua siswa naik satu kelas, kelas akhir lulus"))
    promote.add_argument("--school-year", metavar="TTTT/TTTT", help=_("tahun ajaran baru, misalnya 2027/2028"))
    promote.add_argument("--yes", action="store_true", help=_("jalankan; tanpa ini hanya ditampilkan rencananya"))
    student_commands.add_parser("undo-promote", help=_("batalkan kenaikan kelas terakhir"))


def run(args: argparse.Namespace, sign_in: SignIn) -> int:
    return {"students": _students}[args.command](args, sign_in)


def _students(args: argparse.Namespace, sign_in: SignIn) -> int:
    from kupang_desk.students import classes
    from kupang_desk.tasks import ConsoleTask

    sign_in(args)
    if args.students_command == "import":
        from kupang_desk.students.dapodik import import_students

        answers, unknown = value_answers(args)
        summary = import_students(args.file, dry_run=args.dry_run, rejects=args.rejects, task=ConsoleTask(quiet=args.quiet),
                                  values=answers, unknown=unknown, cut_identifiers=args.cut_nik)
        counts = summary.counts()
        print(_("baru: {new}\ndiperbarui: {update}\ntidak berubah: {unchanged}\nditolak: {error}").format(
            new=counts.get("new", 0), update=counts.get("update", 0), unchanged=counts.get("unchanged", 0),
            error=counts.get("error", 0)))
        print_warned(summary)
        if print_unknown(summary):
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
