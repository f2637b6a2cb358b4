"""``kupang-desk pcare ...``: the command line of the P-Care link (signed in like the window), for a
scheduled task that empties the outbox at night."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from kupang_desk import outboxes
from kupang_desk.errors import EXIT_OK, KnownError
from kupang_desk.i18n import _
from kupang_desk.pcare import connection, outbox, outbox_view, sending
from kupang_desk.tasks import ConsoleTask

EXIT_LEFT = 4  # beside errors.EXIT_OK: rows left waiting or failed (as ``satusehat send``)


def add_commands(commands) -> None:
    pcare = commands.add_parser("pcare", help=_("P-Care BPJS: antrean kirim kunjungan JKN"))
    chosen = pcare.add_subparsers(dest="pcare_command", required=True, metavar=_("PERINTAH"))
    chosen.add_parser("status", help=_("isi antrean kirim P-Care: yang menunggu, gagal dan perlu dilengkapi"))
    chosen.add_parser("send", help=_("kirim antrean sekarang; keluar 4 bila masih ada yang menunggu atau gagal"))
    retry = chosen.add_parser("retry", help=_("kembalikan baris Gagal dan Perlu dilengkapi ke Menunggu"))
    retry.add_argument("visit_ids", nargs="*", type=int, metavar="VISIT_ID", help=_(
        "hanya kunjungan ini (kosong: semua yang gagal dan perlu dilengkapi)"))


def run(args: argparse.Namespace, sign_in: Callable[[argparse.Namespace], object]) -> int:
    sign_in(args)
    return {"status": _status, "send": _send, "retry": _retry}[args.pcare_command](args)


def _status(args: argparse.Namespace) -> int:
    print(outbox_view.status_line(outbox_view.counts()) or _("P-Care: antrean kosong."))
    if not outbox.enabled():
        print(_("Pengiriman ke P-Care belum diaktifkan (Pengaturan > P-Care)."))
    for text in outboxes.problem_lines(outbox_view.rows):
        print(text)
    return EXIT_OK


def _send(args: argparse.Namespace) -> int:
    result = sending.send(connection.client(), connection.provider_code(), task=ConsoleTask())
    print(result.text())
    numbers = outbox_view.counts()
    print(outbox_view.status_line(numbers) or _("P-Care: antrean kosong."))
    return EXIT_OK if not (numbers["waiting"] or numbers["failed"]) else EXIT_LEFT


def _retry(args: argparse.Namespace) -> int:
    ids = outboxes.rows_of_visits(outbox_view.rows, args.visit_ids)
    if args.visit_ids and not ids:
        raise KnownError(_("Kunjungan {ids} tidak ada di antrean P-Care.").format(ids=", ".join(map(str, args.visit_ids))))
    print(_("{n} baris kembali menunggu.").format(n=outbox.retry(ids or None)))
    return EXIT_OK
