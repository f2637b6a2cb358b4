"""The lazy register model, without a view: Qt's model checks, counts, rows read on demand."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from kupang_desk import demo
from kupang_desk.ui.visit_register import VisitRegisterModel
from kupang_desk.visits.register import VisitFilter, VisitRegister


def test_model_reads_only_the_pages_it_is_asked_for(qtmodeltester, sqlite_database):
    demo.generate(50, 1200, today=dt.date(2026, 11, 27), years=2)
    model = VisitRegisterModel()
    assert model.rowCount() == 0
    register = VisitRegister(page_size=100)
    register.count()
    model.set_register(register)
    assert model.rowCount() == 1200
    assert register.pages == {}  # nothing read before a view asks
    last = model.data(model.index(1199, model.column("visit_at")))
    assert set(register.pages) == {11}  # the last page alone
    assert last == min(r.visit_at for r in VisitRegister().iter_rows()).strftime("%d-%m-%Y %H.%M")
    assert model.data(model.index(0, model.column("new_visit"))) in ("Baru", "Lama")
    assert model.headerData(model.column("visit_at"), Qt.Orientation.Horizontal) == "Waktu"
    oldest = min(VisitRegister().iter_rows(), key=lambda r: (r.visit_at, r.id))
    assert model.headerData(0, Qt.Orientation.Horizontal) == "No."  # the number the command line takes
    assert model.data(model.index(1199, 0)) == str(oldest.id)
    qtmodeltester.check(model, force_py=True)


def test_an_empty_filter_gives_an_empty_model(qtmodeltester, sqlite_database):
    model = VisitRegisterModel()
    register = VisitRegister(VisitFilter(date_from=dt.date(2030, 1, 1)))
    register.count()
    model.set_register(register)
    assert model.rowCount() == 0
    qtmodeltester.check(model, force_py=True)
