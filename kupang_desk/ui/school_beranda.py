"""The school head's Beranda: recipients and money per programme, the deadlines of account
activation, the eligible students not yet proposed; each tile opens what it counts. Loaded when a
school's window opens it (a puskesmas never does)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QHeaderView, QLabel, QVBoxLayout, QWidget

from kupang_desk.beranda.puskesmas import Opens
from kupang_desk.beranda.school import SchoolHome, school_home
from kupang_desk.formatting import format_date, format_number, format_rupiah
from kupang_desk.i18n import _
from kupang_desk.scholarships import awards
from kupang_desk.ui.beranda import TILE_STYLE, Tile, records
from kupang_desk.ui.sections import SectionView
from kupang_desk.ui.widgets import list_model


class SchoolBeranda(QWidget, SectionView):
    """The school head's Beranda: recipients and money per programme, the deadlines, the students
    left out. Each tile opens the recipients (or students) behind it."""

    open_awards = Signal(object, object)  # programme id (or None), status (or None)
    open_students = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home: SchoolHome | None = None
        self.setStyleSheet(TILE_STYLE)
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.tiles = {key: Tile(key, title) for key, title in (
            ("recipients", _("Penerima tahun ini")), ("paid", _("Sudah cair")), ("outstanding", _("Belum cair")),
            ("deadlines", _("Batas aktivasi 14 hari")), ("candidates", _("Layak, belum diusulkan")),
            ("ckg", _("Cek Kesehatan Gratis")))}
        tiles = QGridLayout()
        for column, tile in enumerate(self.tiles.values()):
            tiles.addWidget(tile, 0, column)
            tiles.setColumnStretch(column, 1)
        for key, status in (("recipients", None), ("paid", None), ("outstanding", None), ("deadlines", "sk_nominasi")):
            self.tiles[key].clicked.connect(lambda _checked=False, s=status: self.open_awards.emit(self._first_programme(), s))
        self.tiles["candidates"].clicked.connect(self.open_students.emit)
        self.tiles["ckg"].clicked.connect(self.open_students.emit)
        self.programmes = records([(_("Program"), lambda p: p.name)] + [
            (awards.status_label(s), lambda p, s=s: format_number(p.by_status.get(s, 0))) for s in awards.STATUS_ORDER])
        self.programmes.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.programmes.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.programmes.doubleClicked.connect(self._open_cell)
        self.programmes.setToolTip(_("Klik dua kali untuk membuka penerima program dan status itu"))
        self.deadlines = records([(_("NISN"), lambda d: d[0].nisn), (_("Nama"), lambda d: d[0].name),
                                   (_("Kelas"), lambda d: d[0].class_group), (_("Batas aktivasi"), lambda d: format_date(d[0].deadline)),
                                   (_("Sisa hari"), lambda d: str(d[1]))])
        self.candidates = records([(_("NISN"), lambda c: c.nisn), (_("Nama"), lambda c: c.name),
                                    (_("Kelas"), lambda c: c.class_group), (_("KIP/KKS/PKH"), lambda c: ", ".join(c.flags))])
        lists = QHBoxLayout()
        for title, table in ((_("Rekening harus aktif dalam 14 hari"), self.deadlines),
                             (_("Layak PIP, belum diusulkan (KIP/KKS/PKH lebih dulu)"), self.candidates)):
            pane = QVBoxLayout()
            pane.addWidget(QLabel(f"<b>{title}</b>"))
            pane.addWidget(table, 1)
            lists.addLayout(pane, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(tiles)
        layout.addWidget(QLabel(f"<b>{_('Penerima menurut program dan status')}</b>"))
        layout.addWidget(self.programmes, 1)
        layout.addLayout(lists, 2)

    def attach(self, window) -> None:
        self.open_awards.connect(lambda programme_id, status: window.open_in(
            "sekolah", "awards", programme_id=programme_id, status=status))
        self.open_students.connect(lambda: window.open_in("sekolah", "students"))

    def section_shown(self) -> None:
        self.refresh()

    def _first_programme(self) -> int | None:
        return self.home.programmes[0].id if self.home and self.home.programmes else None

    def _open_cell(self, index: QModelIndex) -> None:
        programme = list_model(self.programmes).item(index.row())
        if programme is not None:
            self.open_awards.emit(programme.id, awards.STATUS_ORDER[index.column() - 1] if index.column() >= 1 else None)

    def refresh(self, today: dt.date | None = None) -> SchoolHome:
        home = self.home = school_home(today)
        totals = home.totals
        self.heading.setText(_("Beranda · {day}").format(day=format_date(home.today)))
        self.tiles["recipients"].show_figure(format_number(totals.recipients), _("{n} program").format(n=len(home.programmes)),
                                             Opens(section="sekolah"))
        self.tiles["paid"].show_figure(format_rupiah(totals.paid), _("dari {amount}").format(amount=format_rupiah(totals.amount)),
                                       Opens(section="sekolah"))
        self.tiles["outstanding"].show_figure(format_rupiah(totals.outstanding), _("masih harus dicairkan"), Opens(section="sekolah"))
        self.tiles["deadlines"].show_figure(format_number(len(home.deadlines)), _("rekening belum aktif"), Opens(section="sekolah"))
        flagged = sum(1 for c in home.candidates if c.flags)
        self.tiles["candidates"].show_figure(format_number(len(home.candidates)),
                                             _("{n} dengan KIP/KKS/PKH").format(n=flagged), Opens(section="sekolah"))
        enrolled, screened, follow_up = home.ckg
        self.tiles["ckg"].show_figure(_("{screened} dari {enrolled}").format(screened=format_number(screened),
                                                                           enrolled=format_number(enrolled)),
                                      _("{n} perlu tindak lanjut").format(n=format_number(follow_up)) if screened
                                      else _("belum ada hasil dari puskesmas"), Opens(section="sekolah"))
        list_model(self.programmes).set_items(home.programmes)
        list_model(self.deadlines).set_items(home.deadlines)
        list_model(self.candidates).set_items(home.candidates)
        return home
