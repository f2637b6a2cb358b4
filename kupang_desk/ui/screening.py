"""Skrining siklus hidup: the screenings of the patient's life stage in the cluster room, those due
first; the clerk ticks what was done today and gives the rest a date and a place (the puskesmas,
a Pustu or a Posyandu)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import screening
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.ui.feedback import say, status_label
from kupang_desk.ui.widgets import fit_to_screen, ok_cancel

SCHEDULE_AFTER_DAYS = 7  # a date offered for what was not done today: a week on


def _fixed(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class ScreeningDialog(QDialog):
    saved = Signal(int)  # rows written

    def __init__(self, patient_id: int, name: str, day: dt.date, parent: QWidget | None = None, *,
                 visit_id: int | None = None) -> None:
        super().__init__(parent)
        self.patient_id, self.day, self.visit_id = patient_id, day, visit_id
        self.setWindowTitle(_("Skrining siklus hidup: {name}").format(name=name))
        fit_to_screen(self, 900, 460)
        self.items = screening.for_patient(patient_id, day)
        due = sum(1 for d in self.items if d.due)
        heading = QLabel(_("{due} dari {total} skrining untuk umur pasien jatuh tempo pada {day}. Centang yang dilakukan "
                           "hari ini; beri tempat dan tanggal untuk yang dijadwalkan.").format(
            due=due, total=len(self.items), day=format_date(day)))
        heading.setWordWrap(True)
        self.table = QTableWidget(len(self.items), 6)
        self.table.setObjectName("screeningTable")
        self.table.setHorizontalHeaderLabels([_("Skrining"), _("Terakhir"), _("Status"), _("Dilakukan hari ini"),
                                              _("Tempat jadwal"), _("Tanggal jadwal")])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.ticks: dict[str, QCheckBox] = {}
        self.places: dict[str, QComboBox] = {}
        self.dates: dict[str, QDateEdit] = {}
        for row, item in enumerate(self.items):
            rule = item.rule
            name_cell = _fixed(rule.name)
            name_cell.setToolTip(_("Sumber: {source}").format(source=rule.source))
            self.table.setItem(row, 0, name_cell)
            self.table.setItem(row, 1, _fixed(format_date(item.last_done) if item.last_done else _("belum pernah")))
            if item.scheduled_on is not None:
                status = _("dijadwalkan {day} di {place}").format(day=format_date(item.scheduled_on),
                                                                   place=screening.place_words().get(item.place, item.place))
            else:
                status = _("jatuh tempo") if item.due else _("sudah")
            status_cell = _fixed(status)
            if item.due:
                status_cell.setForeground(Qt.GlobalColor.darkRed)
            self.table.setItem(row, 2, status_cell)
            done = self.ticks[rule.key] = QCheckBox()
            done.setObjectName(f"done_{rule.key}")
            self.table.setCellWidget(row, 3, done)
            place = self.places[rule.key] = QComboBox()
            place.addItem(_("(tidak dijadwalkan)"), "")
            for key, words in screening.place_words().items():
                place.addItem(words, key)
            self.table.setCellWidget(row, 4, place)
            when = self.dates[rule.key] = QDateEdit(QDate(*(day + dt.timedelta(days=SCHEDULE_AFTER_DAYS)).timetuple()[:3]))
            when.setDisplayFormat("dd-MM-yyyy")
            when.setCalendarPopup(True)
            when.setEnabled(False)
            self.table.setCellWidget(row, 5, when)
            place.currentIndexChanged.connect(lambda _i, p=place, w=when, d=done: (w.setEnabled(bool(p.currentData())),
                                                                                   d.setChecked(False) if p.currentData() else None))
            done.toggled.connect(lambda on, p=place: p.setCurrentIndex(0) if on else None)
        for column in range(1, 6):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.message = status_label()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(ok_cancel(_("Simpan skrining"), self.save, self.reject))

    def chosen(self) -> tuple[list[str], dict[str, tuple[dt.date, str]]]:
        done = [key for key, box in self.ticks.items() if box.isChecked()]
        scheduled = {}
        for key, place in self.places.items():
            if place.currentData():
                value = self.dates[key].date()
                scheduled[key] = (dt.date(value.year(), value.month(), value.day()), place.currentData())
        return done, scheduled

    def save(self) -> bool:
        done, scheduled = self.chosen()
        try:
            written = screening.record(self.patient_id, done, scheduled, day=self.day, visit_id=self.visit_id)
        except KnownError as error:
            say(self.message, str(error), error=True)
            return False
        self.saved.emit(written)
        self.accept()
        return True
