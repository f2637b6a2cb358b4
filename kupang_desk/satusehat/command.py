"""``kupang-desk satusehat ...``: the command line of the SATUSEHAT link (signed in like the window)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path

from kupang_desk import outboxes
from kupang_desk.errors import EXIT_OK, KnownError
from kupang_desk.i18n import _
from kupang_desk.satusehat import bundle, outbox, outbox_view, sending
from kupang_desk.satusehat.client import Client
from kupang_desk.tasks import ConsoleTask

EXIT_INCOMPLETE, EXIT_LEFT = 3, 4  # beside errors.EXIT_OK: visits that lack something, rows left open


def add_commands(commands) -> None:
    satusehat = commands.add_parser("satusehat", help=_("SATUSEHAT: bundle FHIR kunjungan dan antrean kirim"))
    chosen = satusehat.add_subparsers(dest="satusehat_command", required=True, metavar=_("PERINTAH"))
    built = chosen.add_parser("bundle", help=_(
        "tulis bundle FHIR yang akan dikirim untuk satu kunjungan; keluar 3 bila data master belum lengkap"))
    built.add_argument("visit_id", type=int, metavar="VISIT_ID", help=_("nomor kunjungan (kolom No. di Register kunjungan)"))
    built.add_argument("--out", required=True, metavar="FILE.json", help=_("file JSON yang ditulis"))
    chosen.add_parser("status", help=_("isi antrean kirim SATUSEHAT: yang menunggu, gagal dan perlu dilengkapi"))
    send = chosen.add_parser("send", help=_(
        "kirim antrean sekarang; keluar 4 bila masih ada yang menunggu atau gagal"))
    send.add_argument("--wait", action="store_true", help=_(
        "tunggu juga kiriman yang dicoba lagi nanti, sampai antrean kosong atau sambungan putus"))
    retry = chosen.add_parser("retry", help=_("kembalikan baris Gagal dan Perlu dilengkapi ke Menunggu"))
    retry.add_argument("visit_ids", nargs="*", type=int, metavar="VISIT_ID", help=_(
        "hanya kunjungan ini (kosong: semua yang gagal dan perlu dilengkapi)"))
    queue = chosen.add_parser("queue", help=_("masukkan kunjungan lama ke antrean kirim"))
    queue.add_argument("--since", required=True, type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                       help=_("kunjungan sejak tanggal ini"))


def run(args: argparse.Namespace, sign_in: Callable[[argparse.Namespace], object]) -> int:
    sign_in(args)
    return {"bundle": _bundle, "status": _status, "send": _send, "retry": _retry, "queue": _queue}[
        args.satusehat_command](args)


def _status(args: argparse.Namespace) -> int:

    numbers = outbox_view.counts()
    print(outbox_view.status_line(numbers) or _("SATUSEHAT: antrean kosong."))
    if not outbox.enabled():
        print(_("Pengiriman ke SATUSEHAT belum diaktifkan (Pengaturan > SATUSEHAT)."))
    for text in outboxes.problem_lines(outbox_view.rows):
        print(text)
    return EXIT_OK


def _send(args: argparse.Namespace) -> int:

    result = sending.send(Client.from_settings(), task=ConsoleTask(), until_empty=args.wait)
    print(result.text())
    numbers = outbox_view.counts()
    print(outbox_view.status_line(numbers) or _("SATUSEHAT: antrean kosong."))
    return EXIT_OK if not (numbers["waiting"] or numbers["failed"]) else EXIT_LEFT


def _retry(args: argparse.Namespace) -> int:

    ids = outboxes.rows_of_visits(outbox_view.rows, args.visit_ids)
    if args.visit_ids and not ids:
        raise KnownError(_("Kunjungan {ids} tidak ada di antrean SATUSEHAT.").format(
            ids=", ".join(map(str, args.visit_ids))))
    print(_("{n} baris kembali menunggu.").format(n=outbox.retry(ids or None)))
    return EXIT_OK


def _queue(args: argparse.Namespace) -> int:

    print(_("{n} kunjungan dimasukkan ke antrean SATUSEHAT.").format(
        n=outbox.enqueue_since(args.since, task=ConsoleTask())))
    return EXIT_OK


def _bundle(args: argparse.Namespace) -> int:

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
