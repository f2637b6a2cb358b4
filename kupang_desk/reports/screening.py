"""PWS of the life-cycle screenings (ILP): per kelurahan of the working area, the registered patients
of an age with a screening rule (sasaran), those with nothing overdue (tuntas) against the
kelurahan's population (Pengaturan > Penduduk), and the list of who is overdue for the Pustu and
the kader to visit, with what is overdue and what is already scheduled.

The rules, with their sources, are ``resources/reference/skrining.csv`` (``kupang_desk.screening``).
The sasaran are the office's registered patients, not the whole population: the population is
shown beside them so the head sees how much of the kelurahan the register holds.
"""

from __future__ import annotations

from kupang_desk import clock, population
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.documents.table import Column, Period, Report, ReportTable
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.models import WorkArea
from kupang_desk.regions import names_of
from kupang_desk.reports.base import visit_report
from kupang_desk.screening import overdue_by_area, place_words
from kupang_desk.tasks import Task
from kupang_desk.validators import age_at


def screening_report(period: Period, *, task: Task | None = None, user: SignedIn | None = None) -> Report:
    """On the period's last day (today at most)."""
    require("report.make", user)
    require("patient.read", user)  # the list names people
    day = min(period.end, clock.today())
    inside = {w.kelurahan_code for w in WorkArea.select()}
    coverage, listed = overdue_by_area(day, kelurahan=inside or None, task=task, user=user)
    names = names_of({c.kelurahan for c in coverage if c.kelurahan} | inside)
    people = {row.code: row.total for row in population.city_population()}
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
    return visit_report("screening", _("PEMANTAUAN SKRINING SIKLUS HIDUP (PWS)"), period, [by_area, overdue], landscape=True)
