"""``kupang-desk scholarship``: the recipient list, the account activation letters, the recap, the deadlines."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from kupang_desk import audit
from kupang_desk.errors import EXIT_EMPTY, EXIT_OK, KnownError
from kupang_desk.i18n import _
from kupang_desk.models import writing
from kupang_desk.models.database import DatabaseUrl

SignIn = Callable[[argparse.Namespace], DatabaseUrl]  # opens the database and signs in as the window does (cli)


def add_commands(commands) -> None:
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
    listing.add_argument("--card", dest="flag", default="", choices=("KIP", "KKS", "PKH", "any", "desil1-4"),
                         help=_("hanya siswa yang keluarganya memegang kartu ini (any: salah satunya; desil1-4: desil DTSEN "
                                "1-4, yang termiskin lebih dulu)"))
    recap = scholarship_commands.add_parser("recap", help=_("rekap penerima dan dana menurut program, kelas dan status"))
    recap.add_argument("--year", required=True, type=int, metavar="TTTT", help=_("tahun program"))
    recap.add_argument("--xlsx", metavar="FILE", help=_("simpan juga sebagai Excel"))
    scholarship_commands.add_parser("deadlines", help=_("siswa yang rekeningnya belum aktif dan batas waktunya dekat atau lewat"))


def run(args: argparse.Namespace, sign_in: SignIn) -> int:
    return {"scholarship": _scholarship}[args.command](args, sign_in)


def _shown(table: str, details: dict) -> None:
    """What the command line printed or wrote, as an audit event of the signed-in account."""

    with writing():
        audit.record("export" if details.get("xlsx") else "view", table, "", details)


def _scholarship(args: argparse.Namespace, sign_in: SignIn) -> int:
    from kupang_desk.formatting import format_date, format_rupiah
    from kupang_desk.scholarships import awards, printouts, programmes
    from kupang_desk.tasks import ConsoleTask

    sign_in(args)
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
