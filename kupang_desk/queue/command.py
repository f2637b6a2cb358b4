"""``kupang-desk queue add|list``: the queue from a self-service kiosk (anjungan) or a script,
signed in like the window."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from kupang_desk.errors import EXIT_OK, KnownError
from kupang_desk.formatting import format_datetime
from kupang_desk.i18n import _
from kupang_desk.patients.search import find_by_no_rm
from kupang_desk.queue import entries


def add_commands(commands) -> None:
    queue = commands.add_parser("queue", help=_("antrean loket ke poli: beri nomor, lihat antrean hari ini"))
    chosen = queue.add_subparsers(dest="queue_command", required=True, metavar=_("PERINTAH"))
    add = chosen.add_parser("add", help=_("beri pasien nomor antrean poli; mencetak nomornya"))
    add.add_argument("--patient", required=True, metavar="NO_RM", help=_("No. RM pasien"))
    add.add_argument("--poli", required=True, metavar="KODE", help=_("kode poli, misalnya UMUM atau GIGI"))
    add.add_argument("--note", default="", help=_("keluhan singkat dari loket"))
    add.add_argument("--ticket", metavar="FILE.pdf", help=_("tulis struk nomor antrean (PDF) untuk printer struk"))
    add.add_argument("--paper", type=int, choices=(58, 80), default=58, help=_("lebar kertas struk, mm"))
    listed = chosen.add_parser("list", help=_("antrean satu hari dengan statusnya"))
    listed.add_argument("--poli", metavar="KODE", help=_("hanya poli ini"))
    listed.add_argument("--date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help=_("bawaan: hari ini"))
    timed = chosen.add_parser("times", help=_("waktu tunggu dan waktu layanan per poli"))
    timed.add_argument("--from", dest="start", required=True, type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    timed.add_argument("--to", dest="end", required=True, type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    timed.add_argument("--by", choices=("poli", "day"), default="poli", help=_("satu baris per poli (bawaan) atau per hari"))


def run(args: argparse.Namespace, sign_in: Callable[[argparse.Namespace], object]) -> int:
    sign_in(args)
    if args.queue_command == "add":
        patient = find_by_no_rm(args.patient)
        if patient is None:
            raise KnownError(_("Pasien dengan No. RM {no_rm} tidak ada. Daftarkan dulu di loket.").format(no_rm=args.patient))
        entry = entries.add(patient.id, entries.poli_by_code(args.poli).id, note=args.note)
        print(entry.label)
        if args.ticket:
            from kupang_desk.queue.ticket import (
                write_ticket,  # ReportLab: only when a ticket is asked for
            )

            write_ticket(entry, args.ticket, width=args.paper)
        return EXIT_OK
    if args.queue_command == "times":
        minutes = lambda value: "-" if value is None else str(entries.whole_minutes(value))  # noqa: E731
        print("\t".join([_("Poli") if args.by == "poli" else _("Tanggal"), _("Dipanggil"), _("Rata-rata tunggu (menit)"),
                         _("Median tunggu (menit)"), _("Terlama (menit)"), _("Selesai"), _("Rata-rata layanan (menit)"),
                         _("Median layanan (menit)")]))
        for row in entries.times(args.start, args.end, by=args.by):
            print("\t".join([row.name, str(row.called), minutes(row.wait_mean), minutes(row.wait_median),
                             minutes(row.wait_longest), str(row.finished), minutes(row.service_mean),
                             minutes(row.service_median)]))
        return EXIT_OK
    poli = entries.poli_by_code(args.poli) if args.poli else None
    found = entries.day_list(args.date, poli_id=poli.id if poli else None)
    for entry in found:
        print("\t".join([entry.label, entry.poli, entries.state_words()[entry.state], entry.no_rm, entry.patient,
                         format_datetime(entry.arrived_at)]))
    if not found:
        print(_("Belum ada antrean pada hari itu."))
    return EXIT_OK
