"""Pasien > CKG sekolah: a school's roster in, each student screened from the keyboard, the results back.

Built for a class of 40 in an hour: the list on the left, the form on the right; Enter goes to the
next field, Ctrl+Enter saves and moves to the next student not yet screened, with the cursor back in
Tinggi badan. What the measurements mean (IMT/U and TB/U against WHO 2007) shows as they are typed,
and a finding out of range fills in the referral.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QDoubleValidator, QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import clock
from kupang_desk.ckg import puskesmas
from kupang_desk.ckg.coverage import coverage
from kupang_desk.ckg.puskesmas import ANAEMIA, HEARING, TEETH, VISION, ListedStudent, Measures
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.ui.operations import on_file, show_error
from kupang_desk.ui.widgets import (
    ERROR_STYLE,
    FieldForm,
    ListModel,
    ask_open_path,
    ask_save_path,
    combo,
    fit_to_screen,
    line,
    record_table,
    select_data,
    shortcut,
)


def _number(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    return float(text) if text else None


def _day(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def _state(student: ListedStudent) -> str:
    if student.screened_on is None:
        return ""
    if student.referral_place and not student.referral_done:
        return _("dirujuk")
    return _("selesai")


class CkgDialog(QDialog):
    """The schools' rosters and the screening form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("CKG sekolah"))
        self.school = QComboBox()
        self.school.setObjectName("ckgSchool")
        self.import_button = QPushButton(_("Impor daftar siswa..."))
        self.results_button = QPushButton(_("Kirim hasil ke sekolah..."))
        self.coverage = QLabel()
        self.coverage.setObjectName("ckgCoverage")
        self.model = ListModel([
            (_("Nama"), lambda s: s.name), (_("Kelas"), lambda s: s.class_group), (_("L/P"), lambda s: s.sex),
            (_("NISN"), lambda s: s.nisn), (_("Diperiksa"), lambda s: format_date(s.screened_on)),
            (_("Tindak lanjut"), _state),
        ], self)
        self.view = record_table(self.model, single=True)
        self.view.setObjectName("ckgStudents")
        for column, width in enumerate((170, 70, 35, 95, 120)):
            self.view.setColumnWidth(column, width)
        self.view.selectionModel().currentRowChanged.connect(lambda current, _previous: self.show_student(current.row()))

        self.form = FieldForm()
        self.who = QLabel()
        self.who.setObjectName("ckgWho")
        self.who.setWordWrap(True)
        today = clock.today()
        self.day = self.form.add("day", _("Tanggal"), QDateEdit(QDate(today.year, today.month, today.day)))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd-MM-yyyy")
        self.height_box = self.form.add("height", _("Tinggi badan (cm)"), line(max_length=6))
        self.weight_box = self.form.add("weight", _("Berat badan (kg)"), line(max_length=6))
        for box in (self.height_box, self.weight_box):
            box.setValidator(QDoubleValidator(0, 300, 1, box))
        self.growth = QLabel()
        self.growth.setObjectName("ckgGrowth")
        self.growth.setWordWrap(True)
        self.form.layout_.addRow(_("Status gizi"), self.growth)
        words = puskesmas.choice_words()
        self.vision = self.form.add("vision", _("Penglihatan"), combo([(words[v], v) for v in VISION], empty=""))
        self.hearing = self.form.add("hearing", _("Pendengaran"), combo([(words[v], v) for v in HEARING], empty=""))
        self.teeth = self.form.add("teeth", _("Gigi"), combo([(words[v], v) for v in TEETH], empty=""))
        self.anaemia = self.form.add("anaemia", _("Tanda anemia"), combo([(words[v], v) for v in ANAEMIA], empty=""))
        self.pressure = QWidget()
        row = QHBoxLayout(self.pressure)
        row.setContentsMargins(0, 0, 0, 0)
        self.systolic, self.diastolic = line(max_length=3), line(max_length=3)
        self.systolic.setObjectName("systolic")
        self.diastolic.setObjectName("diastolic")
        for box in (self.systolic, self.diastolic):
            box.setValidator(QIntValidator(0, 300, box))
        row.addWidget(self.systolic)
        row.addWidget(QLabel("/"))
        row.addWidget(self.diastolic)
        self.form.layout_.addRow(_("Tekanan darah (mmHg)"), self.pressure)
        self.place = self.form.add("place", _("Rujuk ke"), line(max_length=80, placeholder=_("kosong: tidak perlu dirujuk")))
        self.refer_on = self.form.add("refer_on", _("Tanggal rujukan"), QDateEdit(QDate(today.year, today.month, today.day)))
        self.refer_on.setCalendarPopup(True)
        self.refer_on.setDisplayFormat("dd-MM-yyyy")
        self.reasons = QLabel()
        self.reasons.setObjectName("ckgReasons")
        self.reasons.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("ckgMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton(_("Simpan dan berikutnya (Ctrl+Enter)"))
        self.save_button.setObjectName("ckgSave")
        self.done_button = QPushButton(_("Rujukan sudah ditindaklanjuti"))
        for button in (self.import_button, self.results_button, self.save_button, self.done_button):
            button.setAutoDefault(False)

        top = QHBoxLayout()
        top.addWidget(QLabel(_("Sekolah:")))
        top.addWidget(self.school, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.results_button)
        right = QVBoxLayout()
        right.addWidget(self.who)
        right.addWidget(self.form)
        right.addWidget(self.reasons)
        right.addStretch(1)
        right.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        right.addLayout(buttons)
        middle = QHBoxLayout()
        middle.addWidget(self.view, 3)
        middle.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(self.coverage)

        self.school.currentIndexChanged.connect(lambda _index: self.load_school())
        self.import_button.clicked.connect(lambda: self.import_roster())
        self.results_button.clicked.connect(lambda: self.send_results())
        self.save_button.clicked.connect(self.save_and_next)
        self.done_button.clicked.connect(self.referral_done)
        for box in (self.height_box, self.weight_box):
            box.textChanged.connect(lambda _text: self.show_findings())
        for choice in (self.vision, self.hearing, self.teeth, self.anaemia):
            choice.currentIndexChanged.connect(lambda _index: self.show_findings())
        for box in (self.systolic, self.diastolic):
            box.textChanged.connect(lambda _text: self.show_findings())
        # Enter moves on, as on paper from one box to the next (keyPressEvent); Ctrl+Enter saves.
        shortcut("Ctrl+Return", self, self.save_and_next)
        shortcut("Ctrl+Enter", self, self.save_and_next)
        self.auto_place = ""  # the referral the form filled in itself (replaced when the findings change)
        self.reload_schools()
        fit_to_screen(self, 1180, 640)

    # ---------------------------------------------------------------- schools and the list

    def reload_schools(self, chosen: str | None = None) -> None:
        chosen = chosen or self.school.currentData()
        self.schools = coverage()  # counted once for the list and the line under it
        self.school.blockSignals(True)
        self.school.clear()
        for entry in self.schools:
            self.school.addItem(f"{entry.school_name} ({entry.school_code})", entry.school_code)
        select_data(self.school, chosen)
        self.school.blockSignals(False)
        self.load_school()

    def load_school(self) -> None:
        code = self.school.currentData()
        students = puskesmas.students(code) if code else []
        self.model.set_items(students)
        self.results_button.setEnabled(bool(students))
        entry = next((c for c in self.schools if c.school_code == code), None)
        self.coverage.setText(_("{screened} dari {enrolled} siswa diperiksa ({percent:.0f}%), {referred} dirujuk, {done} rujukan "
                                "sudah ditindaklanjuti.").format(screened=entry.screened, enrolled=entry.enrolled,
                                                                   percent=entry.percent, referred=entry.referred,
                                                                   done=entry.referral_done)
                              if entry else _("Belum ada daftar siswa. Impor file daftar siswa yang dikirim sekolah."))
        if students:
            self.select(next((i for i, s in enumerate(students) if s.screened_on is None), 0))
        else:
            self.show_student(-1)

    def select(self, row: int) -> None:
        self.view.selectRow(row)
        self.view.setCurrentIndex(self.model.index(row, 0))
        self.show_student(row)

    def current(self) -> ListedStudent | None:
        row = self.view.currentIndex().row()
        return self.model.item(row) if 0 <= row < self.model.rowCount() else None

    def show_student(self, row: int) -> None:
        student = self.model.item(row) if 0 <= row < self.model.rowCount() else None
        self.form.setEnabled(student is not None)
        self.save_button.setEnabled(student is not None)
        self.message.clear()
        if student is None:
            self.who.clear()
            return
        entry = puskesmas.screening_of(student.id)
        years = (clock.today() - student.birth_date).days // 365
        self.who.setText(_("<b>{name}</b> ({sex}, {years} tahun, lahir {born}) · {klass} · No. RM {no_rm}").format(
            name=student.name, sex=student.sex, years=years, born=format_date(student.birth_date), klass=student.class_group,
            no_rm=student.no_rm))
        self.height_box.setText("" if entry.height_cm is None else f"{entry.height_cm:g}")
        self.weight_box.setText("" if entry.weight_kg is None else f"{entry.weight_kg:g}")
        for box, value in ((self.vision, entry.vision), (self.hearing, entry.hearing), (self.teeth, entry.teeth),
                           (self.anaemia, entry.anaemia)):
            select_data(box, value or None)
        self.systolic.setText(str(entry.systolic or ""))
        self.diastolic.setText(str(entry.diastolic or ""))
        self.place.setText(entry.referral_place)
        self.auto_place = ""
        if entry.referral_date:
            self.refer_on.setDate(QDate(entry.referral_date.year, entry.referral_date.month, entry.referral_date.day))
        self.done_button.setEnabled(bool(entry.referral_place) and entry.referral_done is None)
        self.show_findings()
        self.height_box.setFocus()
        self.height_box.selectAll()

    # ---------------------------------------------------------------- the form

    def measures(self, *, place: str | None = None) -> Measures:
        day = _day(self.day.date())
        systolic, diastolic = self.systolic.text().strip(), self.diastolic.text().strip()
        try:
            height, weight = _number(self.height_box.text()), _number(self.weight_box.text())
        except ValueError as error:
            raise KnownError(_("Tinggi dan berat badan berupa angka, misalnya 132,5.")) from error
        return Measures(day, height, weight, self.vision.currentData() or "", self.hearing.currentData() or "",
                        self.teeth.currentData() or "", self.anaemia.currentData() or "",
                        int(systolic) if systolic else None, int(diastolic) if diastolic else None,
                        place, _day(self.refer_on.date()) if place else None)

    def show_findings(self) -> None:
        student = self.current()
        if student is None:
            return
        try:
            found = puskesmas.findings(student.sex, student.birth_date, self.measures())
        except (KnownError, ValueError, ZeroDivisionError):
            self.growth.clear()
            return
        if found.growth is not None:
            text = _("IMT {bmi:.1f}").format(bmi=found.growth.bmi)
            if found.growth.bmi_z is not None:
                text += " · " + _("IMT/U {z:+.1f} SD, {status}").format(z=found.growth.bmi_z, status=found.growth.bmi_status)
            if found.growth.height_z is not None:
                text += " · " + _("TB/U {z:+.1f} SD, {status}").format(z=found.growth.height_z, status=found.growth.height_status)
            self.growth.setText(text)
        else:
            self.growth.clear()
        if found.refer_for:
            self.reasons.setText(_("Perlu dirujuk: {what}.").format(what=", ".join(found.refer_for)))
            self.reasons.setStyleSheet(ERROR_STYLE)
            if not self.place.text() or self.place.text() == self.auto_place:
                self.auto_place = puskesmas.default_place()
                self.place.setText(self.auto_place)
                when = self.day.date().addDays(7)
                self.refer_on.setDate(when)
        else:
            self.reasons.clear()
            if self.auto_place and self.place.text() == self.auto_place:
                self.place.clear()
                self.auto_place = ""

    def save_and_next(self) -> bool:
        student = self.current()
        if student is None:
            return False
        place = self.place.text().strip()
        try:
            puskesmas.record(student.id, self.measures(place=place))
        except KnownError as error:
            self.message.setText(str(error))
            self.message.setStyleSheet(ERROR_STYLE)
            return False
        row = self.view.currentIndex().row()
        saved = student.name
        self.reload_schools(self.school.currentData())
        students = self.model.items
        following = next((i for i in range(row + 1, len(students)) if students[i].screened_on is None),
                         next((i for i, s in enumerate(students) if s.screened_on is None), row))
        self.select(following)
        self.message.setText(_("{name} tersimpan{referral}.").format(
            name=saved, referral=_(", dirujuk ke {place}").format(place=place) if place else ""))
        self.message.setStyleSheet("")
        return True

    def referral_done(self) -> None:
        student = self.current()
        if student is None:
            return
        try:
            puskesmas.mark_referral_done(student.id, clock.today())
        except KnownError as error:
            show_error(self, error)
            return
        row = self.view.currentIndex().row()
        self.reload_schools(self.school.currentData())
        self.select(row)

    # ---------------------------------------------------------------- files

    def import_roster(self, path: str | Path | None = None) -> puskesmas.RosterImport | None:
        result = on_file(self, path, lambda: ask_open_path(self, "ckg", _("Daftar siswa dari sekolah"),
                                                           _("Daftar siswa CKG (*.json)")), puskesmas.import_roster)
        if result is None:
            return None
        if result.errors:
            lines = "\n".join(_("Baris {line} (NISN {nisn}): {reason}").format(line=line, nisn=nisn or "-", reason=reason)
                              for line, nisn, reason in result.errors[:20])
            box = QMessageBox(QMessageBox.Icon.Warning, _("Daftar siswa tidak diimpor"), result.describe(),
                              QMessageBox.StandardButton.Ok, self)
            box.setDetailedText(lines)
            box.setInformativeText(lines)
            box.open()
            self.dialog = box
            return result
        self.reload_schools(result.school_code)
        self.coverage.setText(result.describe() + "  " + self.coverage.text())
        return result

    def send_results(self, path: str | Path | None = None) -> Path | None:
        code = self.school.currentData()
        if not code:
            return None
        name = self.school.currentText().split(" (")[0]
        done = on_file(self, path, lambda: ask_save_path(self, "ckg", _("Simpan hasil CKG untuk sekolah"),
                                                         f"hasil-ckg-{code}-{clock.today().isoformat()}.json",
                                                         _("Hasil CKG (*.json)")),
                       lambda chosen: puskesmas.export_results(code, chosen))
        if done is None:
            return None
        written, count = done
        self.message.setStyleSheet("")
        self.message.setText(_("Hasil {count} siswa untuk {school} tersimpan di {path}. Kirim file itu ke sekolah (flash "
                               "disk atau WhatsApp); isinya hanya sudah diperiksa dan tindak lanjut, tanpa diagnosis.").format(
            count=count, school=name, path=written))
        return written

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Enter never presses a button nor closes the window: it moves to the next field (Ctrl+Enter,
            # the shortcut, saves once).
            if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.focusNextChild()
            return
        super().keyPressEvent(event)
