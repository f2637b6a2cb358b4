"""``kupang-desk backup`` and ``kupang-desk restore``: a checked, encrypted backup and its restore, signed in
like the window (a new PC restores without an account: it holds nothing yet)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from kupang_desk.errors import EXIT_OK, EXIT_USER, KnownError
from kupang_desk.i18n import _
from kupang_desk.models.database import DatabaseUrl

SignIn = Callable[[argparse.Namespace], DatabaseUrl]  # opens the database and signs in as the window does (cli)


def add_commands(commands) -> None:
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


def run(args: argparse.Namespace, sign_in: SignIn) -> int:
    return {"backup": _backup, "restore": _restore}[args.command](args, sign_in)


def backup_passphrase(prompt: str, *, twice: bool = False) -> str | None:
    """The backup passphrase from $KUPANG_DESK_BACKUP_PASSPHRASE, else typed at a terminal; None without either."""
    from kupang_desk.backup.encryption import ENV_PASSPHRASE

    if os.environ.get(ENV_PASSPHRASE):
        return os.environ[ENV_PASSPHRASE]
    if not (sys.stdin and sys.stdin.isatty()):
        return None
    typed = getpass.getpass(prompt)
    if twice and getpass.getpass(_("Ulangi kata sandi cadangan: ")) != typed:
        raise KnownError(_("Kedua kata sandi cadangan tidak sama; tidak ada yang disimpan."))
    return typed


def _backup(args: argparse.Namespace, sign_in: SignIn) -> int:
    from kupang_desk.backup import encryption
    from kupang_desk.backup.copies import inspect_backup, make_backup
    from kupang_desk.models import Institution
    from kupang_desk.tasks import ConsoleTask

    if not (args.to or args.set_passphrase or args.recovery_sheet):
        raise KnownError(_("Sebutkan --to FOLDER (membuat cadangan), --set-passphrase atau --recovery-sheet FILE.pdf."))
    sign_in(args)
    if args.set_passphrase:
        passphrase = backup_passphrase(_("Kata sandi cadangan baru: "), twice=True)
        if not passphrase:
            raise KnownError(_("Kata sandi cadangan tidak ada: ketik saat ditanya, atau isi $KUPANG_DESK_BACKUP_PASSPHRASE."))
        encryption.set_passphrase(passphrase)
        print(_("Kata sandi cadangan diatur. Cetak lembar pemulihannya: kupang-desk backup --recovery-sheet FILE.pdf"))
    if args.recovery_sheet:
        passphrase = backup_passphrase(_("Kata sandi cadangan: "))
        if not passphrase:
            raise KnownError(_("Kata sandi cadangan tidak ada: ketik saat ditanya, atau isi $KUPANG_DESK_BACKUP_PASSPHRASE."))
        institution = Institution.select().first()
        sheet = encryption.recovery_sheet(args.recovery_sheet, passphrase, institution.name if institution else "")
        print(_("Lembar pemulihan disimpan: {path}. Cetak, simpan di brankas kantor, lalu hapus filenya.").format(path=sheet))
    if args.to:
        passphrase = None if encryption.key_available() else backup_passphrase(_("Kata sandi cadangan: "))
        path = make_backup(args.to, task=ConsoleTask(quiet=args.quiet), passphrase=passphrase)
        print(_("Cadangan dibuat dan diperiksa: {path}\n{info}").format(path=path, info=inspect_backup(path).describe()))
    return EXIT_OK


def _restore(args: argparse.Namespace, sign_in: SignIn) -> int:
    from kupang_desk.backup import encryption
    from kupang_desk.backup.copies import holds_nothing, inspect_backup, restore_backup
    from kupang_desk.models import database
    from kupang_desk.tasks import ConsoleTask

    # The account of the database that is about to be replaced; a new installation (a new PC)
    # has none and holds nothing, and the backup's passphrase is what opens the data.
    new_installation = holds_nothing(database.resolve_url(args.database))
    target = database.connect(args.database) if new_installation else sign_in(args)
    passphrase = None
    try:
        info = inspect_backup(args.file, check_all=True, task=ConsoleTask())
    except encryption.PassphraseNeeded:
        passphrase = backup_passphrase(_("Kata sandi cadangan untuk {file}: ").format(file=Path(args.file).name))
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
