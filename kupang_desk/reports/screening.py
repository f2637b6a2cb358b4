"""PWS (ILP) per kelurahan of the working area: the mother-and-child counts (K1-K6, KN, IDL) and
their coverage of the year's targets entered in Pengaturan > Penduduk (sasaran ibu hamil, sasaran
bayi, as PWS-KIA counts), then the life-cycle screenings: the registered patients of an age with a
screening rule, those with nothing overdue (tuntas) beside the kelurahan's population, and the list
of who is overdue for the Pustu and the kader to visit, with what is overdue and what is already
scheduled.

The rules, with their sources, are ``resources/reference/skrining.csv`` (``kupang_desk.screening``).
"""

from __future__ import annotations

from kupang_desk import clock, population
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents.table import Column, Period, Report, ReportTable
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.models import WorkArea
from kupang_desk.population import Inhabitants
from kupang_desk.regions import names_of
from kupang_desk.reports.base import visit_report
from kupang_desk.screening import overdue_by_area, place_words
from kupang_desk.screening.pws import AreaPws, against_targets, pws
from kupang_desk.tasks import Task
from kupang_desk.validators import age_at


def screening_report(period: Period, *, task: Task | None = None, user: SignedIn | None = None) -> Report:
    """On the period's last day (today at most)."""
    require("report.make", user)
    require("patient.read", user)  # the list names people
    day = min(period.end, clock.today())
    inside = {w.kelurahan_code for w in WorkArea.select()}
    coverage, listed = overdue_by_area(day, kelurahan=inside or None, task=task, user=user)
    mother_child = pws(period.start, day, kelurahan=inside or None, user=user)
    names = names_of({c.kelurahan for c in coverage if c.kelurahan} | {a.kelurahan for a in mother_child if a.kelurahan}
                     | inside)
    figures = {row.code: row for row in population.city_population()}
    people = {code: row.total for code, row in figures.items()}
    tables = _pws_tables(period, day, mother_child, coverage, names, figures, inside)
    by_area = ReportTable(_("Cakupan skrining siklus hidup menurut kelurahan pada {day}").format(day=format_date(day)), [
        Column("no", _("No"), width=4, kind="text"), Column("name", _("Kelurahan"), width=24, kind="text"),
        Column("targets", _("Sasaran terdaftar"), width=11), Column("complete", _("Tuntas"), width=9),
        Column("overdue", _("Terlambat"), width=10), Column("share", _("Cakupan (%)"), width=10, kind="rate", summed=False),
        Column("people", _("Penduduk"), width=10), Column("per_1000", _("Tuntas per 1.000 penduduk"), width=13, kind="rate",
                                                            summed=False)], total_label=_("JUMLAH"))
    rows = sorted(coverage, key=lambda c: (c.kelurahan not in inside, names.get(c.kelurahan, "~")))
    for number, area in enumerate(rows, start=1):
        inhabitants = people.get(area.kelurahan)
        by_area.rows.append([number, names.get(area.kelurahan, area.kelurahan) if area.kelurahan else _("(tanpa alamat)"),
                             area.targets, area.complete, area.overdue,
                             round(100 * area.complete / area.targets, 1) if area.targets else None, inhabitants,
                             round(1000 * area.complete / inhabitants, 1) if inhabitants else None])
    by_area.note = _("Sasaran: pasien terdaftar yang tinggal di kelurahan itu dan umurnya punya aturan skrining; tuntas: tidak "
                     "ada skrining yang terlambat. Aturan dan sumbernya: resources/reference/skrining.csv. {scope}").format(
        scope=_("Kelurahan wilayah kerja saja.") if inside else _("Wilayah kerja belum diatur: semua kelurahan."))
    overdue = ReportTable(_("Sasaran yang terlambat skrining, untuk dikunjungi Pustu dan kader"), [
        Column("no", _("No"), width=4, kind="text"), Column("area", _("Kelurahan"), width=16, kind="text"),
        Column("no_rm", _("No. RM"), width=10, kind="id"), Column("name", _("Nama"), width=22, kind="text"),
        Column("age", _("Umur"), width=7, kind="text"), Column("address", _("Alamat"), width=24, kind="text"),
        Column("phone", _("No. HP"), width=13, kind="id"), Column("what", _("Skrining terlambat"), width=40, kind="text"),
        Column("planned", _("Sudah dijadwalkan"), width=24, kind="text")])
    for number, person in enumerate(listed, start=1):
        _days, years = age_at(person.birth_date, day)
        age = _("{n} th").format(n=years) if years else _("{n} bl").format(n=max((day - person.birth_date).days // 30, 0))
        overdue.rows.append([number, names.get(person.kelurahan, person.kelurahan) if person.kelurahan else "-", person.no_rm,
                             person.name, age, person.address, person.phone, "; ".join(r.name for r in person.overdue),
                             "; ".join(f"{r.name}: {format_date(when)} ({place_words().get(place, place)})"
                                       for r, when, place in person.scheduled)])
    return visit_report("screening", _("PEMANTAUAN WILAYAH SETEMPAT (PWS) DAN SKRINING SIKLUS HIDUP"), period,
                        [*tables, by_area, overdue], landscape=True)


def _share(part: int, whole: int | None) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _pws_tables(period: Period, day, mother_child: list[AreaPws], coverage, names: dict[str, str],
                figures: dict[str, Inhabitants], inside: set[str]) -> list[ReportTable]:
    """The counts of K1-K6, KN and IDL per kelurahan, and each as a share of the kelurahan's yearly
    target (sasaran) from Pengaturan > Penduduk, as PWS-KIA counts coverage (cumulative against the
    year's target); PTM screening and D/S as shares of the registered patients they concern."""
    span = _("{start} sampai {end}").format(start=format_date(period.start), end=format_date(day))
    counts = ReportTable(_("PWS ibu dan anak menurut kelurahan, {span}").format(span=span), [
        Column("no", _("No"), width=4, kind="text"), Column("name", _("Kelurahan"), width=22, kind="text"),
        Column("people", _("Penduduk"), width=10), Column("pregnant", _("Ibu hamil terdaftar"), width=10),
        Column("k1", _("K1"), width=7), Column("k4", _("K4"), width=7), Column("k6", _("K6"), width=7),
        Column("born", _("Bayi lahir"), width=8), Column("kn1", _("KN1"), width=7),
        Column("kn", _("KN lengkap"), width=8), Column("infants", _("Bayi genap 1 tahun"), width=10),
        Column("idl", _("IDL"), width=7)], total_label=_("JUMLAH"))
    by_code = {a.kelurahan: a for a in mother_child}
    screened = {c.kelurahan: c for c in coverage}
    codes = sorted(set(by_code) | set(screened), key=lambda c: (c not in inside, names.get(c, "~") if c else "~~"))
    for number, code in enumerate(codes, start=1):
        area = by_code.get(code, AreaPws(code))
        figure = figures.get(code)
        counts.rows.append([number, names.get(code, code) if code else _("(tanpa alamat)"), figure.total if figure else None,
                            area.pregnant, area.k1, area.k4, area.k6, area.born, area.kn1, area.kn_complete, area.infants,
                            area.idl])
    counts.note = _("Ibu hamil: kehamilan tercatat (HPHT) yang berlangsung dalam periode. K1: sudah diperiksa sekali; K4: "
                    "1-1-2 kali per trimester; K6: 1-2-3 kali per trimester (Permenkes 21/2021). Bayi lahir: pasien lahir "
                    "dalam periode; KN lengkap: KN1, KN2 dan KN3. Bayi genap 1 tahun: ulang tahun pertamanya dalam periode; "
                    "IDL: HB0, BCG, Polio 1-4, DPT-HB-Hib 1-3, IPV dan Campak-Rubela sebelum umur 1 tahun.")

    def rate(key: str, label: str) -> Column:
        return Column(key, label, width=9, kind="rate", summed=False)

    shares = ReportTable(_("Cakupan PWS (%) menurut kelurahan, {span}").format(span=span), [
        Column("no", _("No"), width=4, kind="text"), Column("name", _("Kelurahan"), width=22, kind="text"),
        Column("pregnant_target", _("Sasaran ibu hamil"), width=9), Column("infant_target", _("Sasaran bayi"), width=9),
        rate("k1", _("K1")), rate("k4", _("K4")), rate("k6", _("K6")),
        rate("kn1", _("KN1")), rate("kn", _("KN lengkap")), rate("idl", _("IDL")),
        Column("ptm", _("Skrining PTM usia 15+"), width=11, kind="rate", summed=False),
        Column("weighed", _("Balita ditimbang (D/S)"), width=11, kind="rate", summed=False)])
    whole = against_targets(mother_child, population.pws_targets(), inside | set(codes))  # every kelurahan of the table
    ptm_all = [0, 0]
    weighed_all = [0, 0]
    for number, code in enumerate(codes, start=1):
        area = by_code.get(code, AreaPws(code))
        figure = figures.get(code)
        pregnant = figure.pregnant_target if figure else None
        infants = figure.infant_target if figure else None
        found = screened.get(code)
        ptm = found.indicators.get("ptm", (0, 0)) if found else (0, 0)
        weighed = found.indicators.get("penimbangan", (0, 0)) if found else (0, 0)
        for sums, pair in ((ptm_all, ptm), (weighed_all, weighed)):
            sums[0] += pair[0]
            sums[1] += pair[1]
        shares.rows.append([number, names.get(code, code) if code else _("(tanpa alamat)"), pregnant, infants,
                            _share(area.k1, pregnant), _share(area.k4, pregnant), _share(area.k6, pregnant),
                            _share(area.kn1, infants), _share(area.kn_complete, infants), _share(area.idl, infants),
                            _share(ptm[1], ptm[0]), _share(weighed[1], weighed[0])])
    mothers, babies = whole.mothers, whole.babies
    shares.rows.append(["", _("KESELURUHAN"), whole.pregnant_target or None, whole.infant_target or None,
                        _share(mothers.k1, whole.pregnant_target), _share(mothers.k4, whole.pregnant_target),
                        _share(mothers.k6, whole.pregnant_target), _share(babies.kn1, whole.infant_target),
                        _share(babies.kn_complete, whole.infant_target), _share(babies.idl, whole.infant_target),
                        _share(ptm_all[1], ptm_all[0]), _share(weighed_all[1], weighed_all[0])])
    note = _("K1, K4 dan K6 dibagi sasaran ibu hamil setahun; KN1, KN lengkap dan IDL dibagi sasaran bayi setahun "
             "(Pengaturan > Penduduk), dihitung kumulatif sejak awal periode seperti PWS-KIA. Skrining PTM: pasien 15 tahun "
             "ke atas tanpa skrining PTM yang terlambat pada {day}, dibagi pasien terdaftar 15 tahun ke atas; D/S: balita "
             "yang ditimbang dalam sebulan terakhir.").format(day=format_date(day))
    if whole.missing:
        note += " " + _("Sasaran belum diisi untuk {names}: cakupannya kosong sampai sasaran diisi di Pengaturan > "
                        "Penduduk.").format(names=", ".join(names.get(code, code) for code in whole.missing))
    shares.note = note
    return [counts, shares]
