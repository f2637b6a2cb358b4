"""``kupang-desk reporting``, ``dhis2`` and ``city``: the reporting cycle (calendar, marked sent, changes
since, the signing key), DHIS2 (mapping, metadata, upload) and the Dinas's intake of the puskesmas' files."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from kupang_desk.errors import EXIT_EMPTY, EXIT_OK, EXIT_USER, KnownError
from kupang_desk.i18n import _
from kupang_desk.models.database import DatabaseUrl

SignIn = Callable[[argparse.Namespace], DatabaseUrl]  # opens the database and signs in as the window does (cli)


def add_commands(commands) -> None:
    city = commands.add_parser("city", help=_("rekap kota (Dinas): impor file puskesmas, kelengkapan, LB1/SKDR kota"))
    city_commands = city.add_subparsers(dest="city_command", required=True, metavar=_("PERINTAH"))
    listed = city_commands.add_parser("puskesmas", help=_(
        "daftar puskesmas Dinas menurut kode (file dicocokkan dengan kodenya); tanpa pilihan: tampilkan"))
    listed.add_argument("--add", nargs=2, metavar=(_("KODE"), _("NAMA")), action="append", default=[],
                        help=_("tambah atau ganti nama satu puskesmas (boleh berulang)"))
    listed.add_argument("--remove", metavar=_("KODE"), action="append", default=[], help=_("hapus dari daftar"))
    listed.add_argument("--key", metavar="FILE", action="append", default=[], help=_(
        "daftarkan file kunci tanda tangan sebuah puskesmas (sesudah sidiknya dicocokkan; boleh berulang)"))
    city_commands.add_parser("import", help=_("impor file laporan puskesmas, Excel atau JSON DHIS2 (boleh banyak)")).add_argument(
        "files", nargs="+", metavar="FILE")
    for name, words in (("status", _("siapa yang sudah mengirim, kapan, dan yang terlambat")),
                        ("report", _("LB1, rekap, penyakit terbanyak atau SKDR kota sebagai Excel/PDF"))):
        command = city_commands.add_parser(name, help=words)
        kind_and_period(command, ("lb1", "recap", "top", "skdr"))
        command.add_argument("--xlsx", metavar="FILE", help=_("simpan sebagai Excel"))
        command.add_argument("--pdf", metavar="FILE", help=_("simpan sebagai PDF"))

    dhis2 = commands.add_parser("dhis2", help=_("DHIS2: muat pemetaan dari Dinas, unggah LB1 atau SKDR"))
    dhis2_commands = dhis2.add_subparsers(dest="dhis2_command", required=True, metavar=_("PERINTAH"))
    dhis2_commands.add_parser("mapping", help=_("muat file pemetaan DHIS2 (CSV) ke database")).add_argument(
        "file", metavar="FILE.csv")
    metadata = dhis2_commands.add_parser("metadata", help=_(
        "muat ekspor metadata data set DHIS2 dari Dinas (JSON): uid, zero is significant, jenis periode"))
    metadata.add_argument("file", metavar="FILE.json")
    metadata.add_argument("--id-scheme", choices=("code", "uid"), default="", help=_(
        "server Dinas mengenali data dengan code atau uid (bawaan: tetap seperti sebelumnya, mula-mula code)"))
    metadata.add_argument("--build-mapping", action="store_true", help=_(
        "buat pemetaan dari metadata itu (kode ICD-10 dan huruf SKDR di kode atau nama elemen data), dengan uid"))
    upload = dhis2_commands.add_parser("upload", help=_("uji kirim (dryRun) lalu kirim ke server DHIS2; ditandai terkirim"))
    kind_and_period(upload, ("lb1", "skdr"))
    upload.add_argument("--url", default="", help=_("alamat server DHIS2 (bawaan: Pengaturan)"))
    upload.add_argument("--user", dest="dhis2_user", default="", help=_(
        "akun DHIS2 (bawaan: Pengaturan); kata sandinya dari $KUPANG_DESK_DHIS2_PASSWORD atau ditanyakan"))
    upload.add_argument("--mapping", metavar="FILE", help=_("file pemetaan DHIS2 (bawaan: yang dimuat)"))
    upload.add_argument("--org-unit", default="", metavar=_("KODE"), help=_("kode orgUnit DHIS2"))

    cycle = commands.add_parser("reporting", help=_("kalender pelaporan: yang jatuh tempo, tandai terkirim, perubahan"))
    cycle_commands = cycle.add_subparsers(dest="reporting_command", required=True, metavar=_("PERINTAH"))
    cycle_commands.add_parser("calendar", help=_("laporan bulanan dan mingguan dengan batas kirim dan statusnya"))
    cycle_commands.add_parser("key", help=_(
        "simpan kunci publik tanda tangan laporan puskesmas ini, untuk didaftarkan sekali di Dinas")).add_argument(
        "file", metavar="FILE", help=_("file .json tujuan"))
    for name, words in (("send", _("tandai laporan terkirim: Excel, PDF dan angkanya disimpan, periodenya dikunci")),
                        ("changes", _("perubahan sesudah laporan dikirim: kunjungan dan angka lama-baru")),
                        ("files", _("simpan file yang dulu dikirim ke sebuah folder"))):
        command = cycle_commands.add_parser(name, help=words)
        kind_and_period(command, ("lb1", "recap", "top", "skdr"))
        if name == "send":
            command.add_argument("--how", choices=("file", "print", "dhis2"), default="file", help=_(
                "cara kirim: file (surel/flashdisk), print (dicetak), dhis2 (diunggah); bawaan file"))
            command.add_argument("--note", default="", help=_("catatan, misalnya siapa yang menerima"))
            command.add_argument("--attach", action="append", default=[], metavar="FILE", help=_(
                "file lain yang ikut dikirim (boleh berulang)"))
        if name == "files":
            command.add_argument("--out", required=True, metavar=_("FOLDER"), help=_("folder tujuan"))


def run(args: argparse.Namespace, sign_in: SignIn) -> int:
    return {"reporting": _reporting, "dhis2": _dhis2, "city": _city}[args.command](args, sign_in)


def kind_and_period(command: argparse.ArgumentParser, kinds: tuple[str, ...]) -> None:
    """A report and its period: ``lb1 --month 2026-10`` or ``skdr --week 2026-W43`` (see ``_sent_period``)."""
    command.add_argument("kind", choices=kinds, help=_("laporan"))
    period = command.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", metavar="TTTT-BB", help=_("bulan, misalnya 2026-10"))
    period.add_argument("--week", metavar="TTTT-Wmm", help=_("skdr: minggu, misalnya 2026-W43"))


def _sent_period(args: argparse.Namespace):
    """The period ``kind_and_period`` asked for: SKDR by week, the monthly reports by month."""
    from kupang_desk.documents.table import Period
    from kupang_desk.reports import skdr

    if (args.kind == "skdr") != bool(args.week):
        raise KnownError(_("SKDR per minggu (--week 2026-W43); laporan bulanan per bulan (--month 2026-10)."))
    return skdr.week_of_setting(args.week).period() if args.week else Period.month(args.month)


def _dhis2_scheme() -> str:
    from kupang_desk import settings

    return str(settings.get("dhis2.id_scheme"))


def _reporting(args: argparse.Namespace, sign_in: SignIn) -> int:
    from kupang_desk.formatting import format_date
    from kupang_desk.reports.base import kind_label
    from kupang_desk.submissions import calendar, sent
    from kupang_desk.tasks import ConsoleTask

    sign_in(args)
    if args.reporting_command == "calendar":
        found = calendar.entries()
        for entry in found:
            who = f"  {entry.sent.sent_by_name}, {format_date(entry.sent.sent_at.date())}" if entry.sent else ""
            print(f"{kind_label(entry.kind):<24} {entry.label:<16} {format_date(entry.due):<18} "
                  f"{calendar.status_label(entry.status):<13}{who}")
        line = calendar.overdue_line(found)
        if line:
            print(line, file=sys.stderr)
        return EXIT_OK
    if args.reporting_command == "key":
        from kupang_desk.submissions import city

        key_file = city.export_key(args.file)
        print(_("Kunci tanda tangan {name} ({code}) disimpan. Sidiknya: {fingerprint}. Serahkan file itu ke Dinas dan "
                "bacakan sidiknya saat Dinas mendaftarkannya.").format(name=key_file.name, code=key_file.code,
                                                                       fingerprint=key_file.fingerprint))
        return EXIT_OK
    period = _sent_period(args)
    title = f"{kind_label(args.kind)} {args.week or period.label()}"
    if args.reporting_command == "send":
        row = sent.mark_sent(args.kind, period, method=args.how, note=args.note, extra_files=args.attach,
                             task=ConsoleTask())
        revision = _(" sebagai revisi {n}").format(n=row.revision) if row.revision else ""
        print(_("{report} ditandai terkirim{revision}; periodenya dikunci.").format(report=title, revision=revision))
        return EXIT_OK
    if args.reporting_command == "changes":
        since = sent.changes(args.kind, period, task=ConsoleTask())
        if since is None:
            raise KnownError(_("{report} belum pernah ditandai terkirim.").format(report=title))
        print("\n".join(since.lines(limit=1000)) if since.late else _("Tidak ada perubahan sejak dikirim."))
        return EXIT_OK
    history = sent.history(args.kind, period)
    if not history:
        raise KnownError(_("{report} belum pernah ditandai terkirim.").format(report=title))
    for path in sent.save_files(history[-1].id, args.out):
        print(path)
    return EXIT_OK


def _city(args: argparse.Namespace, sign_in: SignIn) -> int:
    from kupang_desk.formatting import format_date
    from kupang_desk.submissions import city
    from kupang_desk.tasks import ConsoleTask

    sign_in(args)
    if args.city_command == "puskesmas":
        current = {p.code: p.name for p in city.puskesmas_list()}
        if args.add or args.remove:
            for code in args.remove:
                if code not in current:
                    raise KnownError(_("Kode {code} tidak ada di daftar puskesmas Dinas.").format(code=code))
                current.pop(code)
            current.update({code: name for code, name in args.add})
            city.set_puskesmas(current.items())
        for path in args.key:
            registered = city.register_key(path)
            print(_("Kunci {name} ({code}) didaftarkan: sidik {fingerprint}.").format(
                name=registered.puskesmas.name, code=registered.puskesmas.code,
                fingerprint=registered.puskesmas.fingerprint))
            if registered.replaced:
                print(_("Kunci lamanya ({old}) tidak berlaku lagi.").format(old=registered.replaced))
        listed = city.puskesmas_list()
        for entry in listed:
            print(f"{entry.code:<16} {entry.name:<36} {entry.fingerprint or _('kunci belum didaftarkan')}")
        if not listed:
            print(_("Daftar puskesmas Dinas belum diisi. Daftarkan kunci setiap puskesmas dengan --key FILE (kode dan "
                    "namanya ikut), atau tulis --add KODE NAMA."))
        return EXIT_OK
    if args.city_command == "import":
        results = city.import_files(args.files, task=ConsoleTask())
        for result in results:
            print(f"{result.path.name}: {result.message}", file=sys.stderr if result.status == "ditolak" else sys.stdout)
        return EXIT_USER if any(r.status == "ditolak" for r in results) else EXIT_OK
    period = _sent_period(args)
    if args.city_command == "status":
        rows = city.arrivals(args.kind, period)
        for row in rows:
            received = format_date(row.first_received.date()) if row.first_received else ""
            revision = _("revisi {n}").format(n=row.file.revision) if row.file and row.file.revision else ""
            print(f"{row.name:<28} {row.code:<14} {row.state():<12} {received:<18} {revision}")
        print(city.completeness_line(rows))
        if args.xlsx or args.pdf:
            city.save_report(args.kind, period, xlsx=args.xlsx, pdf=args.pdf, status=True)
        return EXIT_OK
    if not (args.xlsx or args.pdf):
        raise KnownError(_("Sebutkan file keluaran: --xlsx NAMA.xlsx dan/atau --pdf NAMA.pdf."))
    report = city.save_report(args.kind, period, xlsx=args.xlsx, pdf=args.pdf)
    written = " ".join(str(p) for p in (args.xlsx, args.pdf) if p)
    print(_("{report} disimpan: {files}").format(report=report.title, files=written))
    return EXIT_EMPTY if report.empty else EXIT_OK


def _dhis2(args: argparse.Namespace, sign_in: SignIn) -> int:
    import tempfile

    from kupang_desk.submissions import dhis2, sent

    sign_in(args)
    if args.dhis2_command == "mapping":
        print(_("Pemetaan DHIS2 dimuat: {n} baris.").format(n=dhis2.store_mapping(args.file)))
        return EXIT_OK
    if args.dhis2_command == "metadata" and args.build_mapping:
        from kupang_desk.submissions import dhis2_metadata

        proposed = dhis2_metadata.build_mapping(args.file)
        print(_("Pemetaan DHIS2 dibuat dari metadata: {summary} Skema id uid.").format(summary=proposed.summary()))
        return EXIT_OK
    if args.dhis2_command == "metadata":
        from kupang_desk.submissions import dhis2_metadata

        counts = dhis2_metadata.load_metadata(args.file, id_scheme=args.id_scheme)
        print(_("Metadata DHIS2 dimuat: {elements} data element, {combos} category option combo, {sets} data set; "
                "skema id {scheme}.").format(elements=counts.get("dataElement", 0),
                                             combos=counts.get("categoryOptionCombo", 0),
                                             sets=counts.get("dataSet", 0), scheme=_dhis2_scheme()))
        return EXIT_OK
    period = _sent_period(args)
    password = os.environ.get("KUPANG_DESK_DHIS2_PASSWORD") or (
        getpass.getpass(_("Kata sandi DHIS2: ")) if sys.stdin and sys.stdin.isatty() else "")
    if not password:
        raise KnownError(_("Kata sandi DHIS2 belum diberikan: isi $KUPANG_DESK_DHIS2_PASSWORD atau jalankan di terminal."))
    checked, done, payload = dhis2.upload(args.kind, period, password=password, url=args.url, username=args.dhis2_user,
                                          mapping_file=args.mapping, org_unit=args.org_unit)
    print(_("Uji kirim: {summary}").format(summary=checked.text()))
    print(done.text())
    with tempfile.TemporaryDirectory(prefix="kupang-desk-dhis2-") as folder:
        files = dhis2.keep_files(Path(folder), args.kind, period, payload, checked, done)
        row = sent.record_upload(args.kind, period, files, done.text())
    print(_("Ditandai terkirim lewat DHIS2 (revisi {n}).").format(n=row.revision) if row.revision else
          _("Ditandai terkirim lewat DHIS2."))
    return EXIT_OK
