"""``kupang-desk satusehat ...``: the command line of the SATUSEHAT link (signed in like the window)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from kupang_desk.errors import KnownError
from kupang_desk.i18n import _

EXIT_OK, EXIT_INCOMPLETE = 0, 3


def add_commands(commands) -> None:
    satusehat = commands.add_parser("satusehat", help=_("SATUSEHAT: bundle FHIR kunjungan"))
    chosen = satusehat.add_subparsers(dest="satusehat_command", required=True, metavar=_("PERINTAH"))
    built = chosen.add_parser("bundle", help=_(
        "tulis bundle FHIR yang akan dikirim untuk satu kunjungan; keluar 3 bila data master belum lengkap"))
    built.add_argument("visit_id", type=int, metavar="VISIT_ID", help=_("nomor kunjungan (kolom No. di Register kunjungan)"))
    built.add_argument("--out", required=True, metavar="FILE.json", help=_("file JSON yang ditulis"))


def run(args: argparse.Namespace, sign_in: Callable[[argparse.Namespace], object]) -> int:
    from kupang_desk.satusehat import bundle

    sign_in(args)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise KnownError(_("Folder {folder} tidak ada.").format(folder=out.parent))
    made = bundle.build(args.visit_id)
    bundle.validate(made.bundle)
    out.write_text(json.dumps(made.bundle, ensure_ascii=False, indent=1), encoding="utf-8")
    if made.ready:
        print(_("Bundle kunjungan {id} ditulis ke {file}.").format(id=args.visit_id, file=out))
        return EXIT_OK
    print(_("Bundle kunjungan {id} ditulis ke {file} dengan tanda BELUM-ADA; belum bisa dikirim karena belum ada:").format(
        id=args.visit_id, file=out), file=sys.stderr)
    for line in made.missing:
        print(f"- {line}", file=sys.stderr)
    return EXIT_INCOMPLETE
