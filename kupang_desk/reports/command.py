"""``kupang-desk report`` and ``kupang-desk totals``: a report for the Dinas as Excel, PDF, SMS line or
DHIS2 file; the daily totals the database keeps, checked or rebuilt."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from kupang_desk.errors import EXIT_BUG, EXIT_EMPTY, EXIT_OK, KnownError
from kupang_desk.i18n import _
from kupang_desk.models.database import DatabaseUrl

SignIn = Callable[[argparse.Namespace], DatabaseUrl]  # opens the database and signs in as the window does (cli)


def add_commands(commands) -> None:
    report = commands.add_parser("report", help=_("buat laporan untuk Dinas Kesehatan (Excel dan/atau PDF)"))
    report.add_argument("kind", choices=("lb1", "recap", "top", "register", "skdr", "access", "screening", "ckg"),
                        help=_("lb1: data kesakitan; recap: rekap kunjungan; top: penyakit terbanyak; register: register "
                               "kunjungan; skdr: SKDR mingguan (W2); access: akses layanan per kelurahan (per 1.000 penduduk); "
                               "screening: skrining siklus hidup per kelurahan dan daftar yang terlambat"))
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

    kept = commands.add_parser("totals", help=_("jumlah harian yang disimpan database: periksa atau buat ulang"))
    kept_commands = kept.add_subparsers(dest="totals_command", required=True, metavar=_("PERINTAH"))
    kept_commands.add_parser("check", help=_("bandingkan dengan kunjungan; keluar 1 bila berbeda"))
    kept_commands.add_parser("rebuild", help=_("buat ulang dari kunjungan"))


def run(args: argparse.Namespace, sign_in: SignIn) -> int:
    return {"report": _report, "totals": _totals}[args.command](args, sign_in)


def _report(args: argparse.Namespace, sign_in: SignIn) -> int:
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

        sign_in(args)
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
        sign_in(args)
    options = Options(rollup=args.rollup, limit=args.n, new_cases_only=not args.all_cases, include_z=args.include_z,
                      paper=args.paper)
    if args.sms and args.week:
        counts = skdr.week_counts(week, places=False)
        print(skdr.sms_line(counts))
        for alert in skdr.alerts(week, counts=counts):  # what the officer must answer, beside what is sent
            print(skdr.alert_line(alert))
    if args.dhis2:
        from kupang_desk.submissions import dhis2

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


def _totals(args: argparse.Namespace, sign_in: SignIn) -> int:
    from kupang_desk.reports import totals

    sign_in(args)
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
