"""Skrining siklus hidup: the screenings of the patient's life stage in the cluster room, those due
first; the clerk ticks what was done today and gives the rest a date and a place (the puskesmas,
a Pustu or a Posyandu)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
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
        fit_to_screen(self, 900, 500)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.pregnancy = self._pregnancy_row()
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("screeningTable")
        self.table.setHorizontalHeaderLabels([_("Skrining"), _("Terakhir"), _("Status"), _("Dilakukan hari ini"),
                                              _("Tempat jadwal"), _("Tanggal jadwal")])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 6):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.message = status_label()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.pregnancy)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(ok_cancel(_("Simpan skrining"), self.save, self.reject))
        self.load()
        self.table.setFocus()  # the list first; the HPHT only when the clerk goes to it

    def _pregnancy_row(self) -> QWidget:
        """Her pregnancy, for a woman of 10 to 55: recorded from the HPHT, or closed with its outcome."""
        row = QWidget()
        row.setObjectName("pregnancyRow")
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.pregnancy_words = QLabel()
        self.pregnancy_words.setObjectName("pregnancyWords")
        self.lmp = QDateEdit(QDate(*(self.day - dt.timedelta(weeks=8)).timetuple()[:3]))
        self.lmp.setObjectName("pregnancyLmp")
        self.lmp.setDisplayFormat("dd-MM-yyyy")
        self.lmp.setCalendarPopup(True)
        self.lmp.setMaximumDate(QDate(*self.day.timetuple()[:3]))
        self.lmp.setToolTip(_("Hari pertama haid terakhir (HPHT)"))
        self.register_button = QPushButton(_("Catat hamil"))
        self.register_button.setObjectName("registerPregnancy")
        self.register_button.clicked.connect(self.register_pregnancy)
        self.outcome = QComboBox()
        self.outcome.setObjectName("pregnancyOutcome")
        self.outcome.addItem(_("(pilih hasil)"), "")
        for key, words in screening.outcome_words().items():
            self.outcome.addItem(words, key)
        self.end_button = QPushButton(_("Catat selesai pada {day}").format(day=format_date(self.day)))
        self.end_button.setObjectName("endPregnancy")
        self.end_button.clicked.connect(self.end_pregnancy)
        self.lmp_label = QLabel(_("HPHT:"))
        widgets: list[QWidget] = [self.pregnancy_words, self.lmp_label, self.lmp, self.register_button, self.outcome,
                                  self.end_button]
        for widget in widgets:
            line.addWidget(widget)
        line.addStretch(1)
        return row

    def load(self) -> None:
        """The screenings again (after the pregnancy changed, the antenatal contacts come or go)."""
        state = screening.pregnancy_on(self.patient_id, self.day)
        self.pregnancy.setVisible(state.possible)
        pregnant = state.lmp is not None
        if pregnant:
            self.pregnancy_words.setText(_("Hamil {weeks} minggu · HPHT {lmp} · perkiraan lahir {due}").format(
                weeks=state.weeks, lmp=format_date(state.lmp), due=format_date(state.expected)))
        else:
            self.pregnancy_words.setText(_("Tidak tercatat hamil."))
        for widget, shown in ((self.lmp_label, not pregnant), (self.lmp, not pregnant), (self.register_button, not pregnant),
                              (self.outcome, pregnant), (self.end_button, pregnant)):
            widget.setVisible(shown)
        self.items = screening.for_patient(self.patient_id, self.day)
        due = sum(1 for d in self.items if d.due)
        self.heading.setText(_("{due} dari {total} skrining untuk umur pasien jatuh tempo pada {day}. Centang yang dilakukan "
                               "hari ini; beri tempat dan tanggal untuk yang dijadwalkan.").format(
            due=due, total=len(self.items), day=format_date(self.day)))
        self.table.setRowCount(0)
        self.table.setRowCount(len(self.items))
        self.ticks: dict[str, QCheckBox] = {}
        self.places: dict[str, QComboBox] = {}
        self.dates: dict[str, QDateEdit] = {}
        day = self.day
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
            if item.needed > 1:
                status += " · " + _("{count} dari {needed} kali").format(count=item.count, needed=item.needed)
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

    def register_pregnancy(self) -> bool:
        value = self.lmp.date()
        lmp = dt.date(value.year(), value.month(), value.day())
        return self._change(lambda: screening.register_pregnancy(self.patient_id, lmp, day=self.day),
                            _("Kehamilan dicatat. Pemeriksaan kehamilan (K1-K6) kini ada di daftar."))

    def end_pregnancy(self) -> bool:
        return self._change(lambda: screening.end_pregnancy(self.patient_id, self.day, self.outcome.currentData()),
                            _("Kehamilan dicatat selesai."))

    def _change(self, action: Callable[[], object], done: str) -> bool:
        """The pregnancy recorded or closed, and the list again; a refusal said in the window."""
        try:
            action()
        except KnownError as error:
            say(self.message, str(error), error=True)
            return False
        self.load()
        say(self.message, done)
        return True

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
