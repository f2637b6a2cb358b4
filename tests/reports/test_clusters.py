"""An office that works by ILP cluster reads its recap per cluster; LB1 and the poli table stay as they were."""

from __future__ import annotations

import datetime as dt

from kupang_desk import office
from kupang_desk.documents.table import Period
from kupang_desk.models import Poli
from kupang_desk.reports.recap import recap_report
from tests.helpers.clock import TODAY
from tests.helpers.factories import new_patient, new_visit, second_patient

AT = dt.datetime.combine(TODAY.replace(day=1), dt.time(8, 0))


def _titles(report) -> list[str]:
    return [table.title for table in report.tables]


def _poli(name: str) -> Poli:
    return Poli.get(Poli.name == name)


def test_the_recap_adds_up_each_cluster_from_its_poli_and_a_poli_based_office_sees_no_change(database):
    man, woman = new_patient(), second_patient()
    new_visit(man, AT, "J06.9")
    new_visit(woman, AT, "O80", poli_id=_poli("KIA").id)
    new_visit(woman, AT + dt.timedelta(minutes=30), "K02.1", poli_id=_poli("Gigi").id)
    period = Period.month(TODAY.strftime("%Y-%m"))
    before = recap_report(period)
    assert "Kunjungan menurut klaster ILP" not in _titles(before)  # no cluster set: the recap as it always was

    for name, cluster in (("Umum", "Klaster 3 Usia Dewasa dan Lansia"), ("KIA", "Klaster 2 Ibu dan Anak")):
        poli = _poli(name)
        office.save_poli(poli.name, code=poli.code, cluster=cluster, poli_id=poli.id)
    report = recap_report(period)
    assert _titles(report)[:2] == ["Kunjungan menurut poli", "Kunjungan menurut klaster ILP"]
    table = report.tables[1]
    rows = {row[1]: row[-1] for row in table.rows}
    assert rows["Klaster 3 Usia Dewasa dan Lansia"] == 1 and rows["Klaster 2 Ibu dan Anak"] == 1
    assert rows["(tanpa klaster)"] == 1  # Gigi, not yet given a cluster: counted, and said so
    assert [row[1] for row in table.rows][-1] == "(tanpa klaster)"
    assert report.tables[0].rows == before.tables[0].rows  # the poli table unchanged
