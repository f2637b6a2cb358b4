"""Antrean P-Care > Lengkapi rujukan BPJS: a visit referred to hospital, completed with P-Care's own codes.

The specialties, their subspecialties and the hospitals that take them on the planned day come from
P-Care (each fetched off the GUI thread, with progress and Batal); nothing is typed but the TACC
reason of a complication. A primary diagnosis BPJS counts as non-specialist asks for TACC first.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kupang_desk.errors import FormInvalid, KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.pcare import connection, referral
from kupang_desk.pcare.client import Reference
from kupang_desk.ui.feedback import say, status_label
from kupang_desk.ui.operations import Operation, run_in_background
from kupang_desk.ui.widgets import FieldForm, fit_to_screen, select_data


def _fill(box: QComboBox, entries: list[Reference], chosen: str = "") -> None:
    box.clear()
    for entry in entries:
        box.addItem(f"{entry.name} ({entry.code})", entry.code)
    select_data(box, chosen)


class ReferralDialog(QDialog):
    saved = Signal()

    def __init__(self, visit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.about = referral.context(visit_id)
        self.client = connection.client()  # says what is missing (the credentials) before the window opens
        self.setWindowTitle(_("Rujukan BPJS: {patient}").format(patient=self.about.patient))
        fit_to_screen(self, 620, 460)
        self.names: dict[str, str] = {}  # code -> name of the lists fetched
        saved = self.about.saved
        heading = QLabel(_("Kunjungan {day}, dirujuk ke {place}.").format(
            day=format_date(self.about.day), place=self.about.place or _("faskes lanjutan")))
        heading.setWordWrap(True)
        self.form = FieldForm()
        self.specialty = self.form.add("specialty", _("Spesialis"), QComboBox())
        self.subspecialty = self.form.add("subspecialty", _("Subspesialis"), QComboBox())
        planned = saved.planned_on if saved else self.about.day + dt.timedelta(days=1)
        self.planned_on = self.form.add("planned_on", _("Rencana berkunjung"), QDateEdit(QDate(planned.year, planned.month,
                                                                                                planned.day)))
        self.planned_on.setCalendarPopup(True)
        self.planned_on.setDisplayFormat("dd-MM-yyyy")
        self.find_button = QPushButton(_("Cari faskes"))
        self.find_button.setObjectName("findFacilities")
        self.facility = self.form.add("facility", _("Faskes rujukan"), QComboBox(), extra=self.find_button)
        self.tacc = self.form.add("tacc", _("TACC"), QComboBox())
        self.tacc.addItem(_("Tanpa TACC"), referral.NO_TACC)
        for code, words in referral.tacc_words().items():
            self.tacc.addItem(words, code)
        self.reason = self.form.add("tacc_reason", _("Alasan TACC"), QComboBox())
        self.reason.setEditable(False)
        self.message = status_label()
        self.message.setWordWrap(True)
        if self.about.needs_tacc:
            say(self.message, _("Diagnosis {code} termasuk diagnosis non-spesialistik BPJS: pilih alasan TACC.").format(
                code=self.about.needs_tacc))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Simpan rujukan"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Batal"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.operation: Operation | None = None
        self.specialty.currentIndexChanged.connect(lambda _index: self.fetch_subspecialties())
        self.find_button.clicked.connect(lambda: self.find_facilities())
        self.tacc.currentIndexChanged.connect(lambda _index: self.show_reasons())
        if saved is not None:
            self.facility.addItem(f"{saved.facility_name} ({saved.facility_code})", saved.facility_code)
            self.subspecialty.addItem(f"{saved.subspecialty_name} ({saved.subspecialty_code})", saved.subspecialty_code)
            self.names.update({saved.facility_code: saved.facility_name, saved.subspecialty_code: saved.subspecialty_name})
            select_data(self.tacc, saved.tacc)
        self.show_reasons(saved.tacc_reason if saved else "")
        self.fetch_specialties()

    def _fetch(self, work, title: str, done) -> Operation:
        self.operation = run_in_background(self, lambda _task: work(), title=title, on_success=done,
                                           on_failure=lambda error: say(self.message, str(error), error=True))
        return self.operation

    def _remember(self, entries: list[Reference]) -> list[Reference]:
        self.names.update((entry.code, entry.name) for entry in entries)
        return entries

    def fetch_specialties(self) -> Operation:
        def done(entries: list[Reference]) -> None:
            self.specialty.blockSignals(True)
            _fill(self.specialty, self._remember(entries))
            self.specialty.blockSignals(False)
            if not self.subspecialty.count():
                self.fetch_subspecialties()

        return self._fetch(self.client.specialties, _("Mengambil daftar spesialis P-Care"), done)

    def fetch_subspecialties(self) -> Operation | None:
        code = self.specialty.currentData()
        if not code:
            return None
        return self._fetch(lambda: self.client.subspecialties(code), _("Mengambil daftar subspesialis P-Care"),
                           lambda entries: _fill(self.subspecialty, self._remember(entries)))

    def find_facilities(self) -> Operation | None:
        code = self.subspecialty.currentData()
        if not code:
            say(self.message, _("Pilih subspesialis dulu."), error=True)
            return None
        day = self.planned_on.date()
        planned = dt.date(day.year(), day.month(), day.day())

        def done(entries: list[Reference]) -> None:
            _fill(self.facility, self._remember(entries))
            say(self.message, _("{count} faskes menerima rujukan itu pada {day}.").format(count=len(entries),
                                                                                     day=format_date(planned))
                if entries else _("Tidak ada faskes yang menerima subspesialis itu pada {day}; coba tanggal lain.").format(
                    day=format_date(planned)), error=not entries)

        return self._fetch(lambda: self.client.facilities(code, planned), _("Mencari faskes rujukan di P-Care"), done)

    def show_reasons(self, chosen: str = "") -> None:
        code = self.tacc.currentData()
        self.reason.clear()
        reasons = referral.TACC_REASONS.get(code, ()) if code != referral.NO_TACC else ()
        self.reason.setEditable(code == 3)  # Complication: the complicating diagnosis, typed
        self.reason.setEnabled(code != referral.NO_TACC)
        for text in reasons:
            self.reason.addItem(text, text)
        if code == 3:
            self.reason.setEditText(chosen)
            line_edit = self.reason.lineEdit()
            if line_edit is not None:
                line_edit.setPlaceholderText(_("kode ICD-10 komplikasinya, misalnya E11.5"))
        elif chosen:
            select_data(self.reason, chosen)

    def choice(self) -> referral.Choice:
        day = self.planned_on.date()
        subspecialty, facility = self.subspecialty.currentData() or "", self.facility.currentData() or ""
        return referral.Choice(subspecialty, self.names.get(subspecialty, ""), facility, self.names.get(facility, ""),
                               dt.date(day.year(), day.month(), day.day()), self.tacc.currentData(),
                               self.reason.currentText().strip() if self.reason.isEnabled() else "")

    def save(self) -> bool:
        self.form.clear_messages()
        try:
            referral.save_referral(self.about.visit_id, self.choice())
        except FormInvalid as error:
            for name, text in error.errors.items():
                self.form.show_message(name, text)
            return False
        except KnownError as error:
            say(self.message, str(error), error=True)
            return False
        self.saved.emit()
        self.accept()
        return True
