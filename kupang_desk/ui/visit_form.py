"""Recording a visit: defaults from the patient, vitals, ICD-10 diagnoses, referral."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import clock, office, screening
from kupang_desk.accounts import session
from kupang_desk.errors import FormInvalid, KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.ui.operations import show_error
from kupang_desk.ui.screening import ScreeningDialog
from kupang_desk.ui.widgets import (
    DiscardGuard,
    FieldForm,
    combo,
    fit_to_screen,
    from_qdatetime,
    line,
    select_data,
    shortcut,
    to_qdatetime,
)
from kupang_desk.visits import icd
from kupang_desk.visits.recording import (
    VITALS,
    Correction,
    DiagnosisLine,
    VisitForm,
    VisitPatient,
    correct_visit,
    is_new_visit,
    late_reports,
    parse_vital,
    record_visit,
    suggest_new_case,
    vital_label,
)


class IcdPicker(QWidget):
    """Type a code or words; arrows choose, Enter adds. The puskesmas's common codes come first."""

    picked = Signal(str)

    def __init__(self, favourites: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.favourites = favourites
        self.edit = QLineEdit()
        self.edit.setObjectName("icdSearch")
        self.edit.setPlaceholderText(_("Ketik kode (J06.9) atau kata (ispa, hipertensi), Enter untuk menambah"))
        self.list = QListWidget()
        self.list.setObjectName("icdMatches")
        self.list.setMaximumHeight(150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        self.edit.textChanged.connect(self.refresh)
        self.list.itemDoubleClicked.connect(lambda _item: self.add_current())
        self.edit.installEventFilter(self)
        self.list.installEventFilter(self)
        self.refresh()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.list and event.type() == event.Type.KeyPress and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # A code clicked with the mouse, then Enter: added, the typing box back in front; never the visit saved.
            self.add_current()
            self.edit.setFocus()
            return True
        if watched is self.edit and event.type() == event.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):  # arrows in the text box move the choice
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                self.list.setCurrentRow(max(0, min(self.list.count() - 1, self.list.currentRow() + step)))
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                # Enter adds the code and goes no further: it must not save the visit.
                self.add_current()
                return True
        return super().eventFilter(watched, event)

    def refresh(self) -> None:
        self.list.clear()
        for code in icd.search_icd10(self.edit.text(), favourites=self.favourites):
            if code.in_english:
                # Marked, so nobody mistakes WHO's English title for a translation.
                item = QListWidgetItem(_("{label}  [judul WHO, bahasa Inggris]").format(label=code.label()))
                item.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
                item.setToolTip(_("Belum ada judul bahasa Indonesia untuk kode ini; yang tampil judul WHO."))
            else:
                item = QListWidgetItem(code.label())
                item.setToolTip(code.title_en)
            item.setData(Qt.ItemDataRole.UserRole, code.code)
            self.list.addItem(item)
        self.list.setCurrentRow(0)

    def add_current(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.picked.emit(item.data(Qt.ItemDataRole.UserRole))
        self.edit.clear()


class VisitFormDialog(DiscardGuard, QDialog):
    """A new visit for one patient; Enter in the diagnosis box adds a code, Ctrl+S saves."""

    saved = Signal(int)  # visit id

    COLUMNS = (_("Kode"), _("Diagnosis"), _("Kasus baru"), _("Utama"), "")

    def __init__(self, patient: VisitPatient, parent: QWidget | None = None, *, favourites: list[str] | None = None,
                 now: dt.datetime | None = None, visit: Correction | None = None) -> None:
        super().__init__(parent)
        self.patient = patient
        self.visit = visit  # a recorded visit to correct, with a reason
        title = _("Koreksi kunjungan: {name} ({no_rm})") if visit else _("Kunjungan baru: {name} ({no_rm})")
        self.setWindowTitle(title.format(name=patient.name, no_rm=patient.no_rm))
        fit_to_screen(self, 760, 780)
        header = QLabel(_("<b>{name}</b> &nbsp; No. RM {no_rm} &nbsp; {sex}, lahir {born}").format(
            name=patient.name, no_rm=patient.no_rm, sex=patient.sex, born=format_date(patient.birth_date)))
        f = self.form = FieldForm()
        self.visit_at = QDateTimeEdit(to_qdatetime(now or clock.now()))
        self.visit_at.setDisplayFormat("dd-MM-yyyy HH:mm")
        self.visit_at.setCalendarPopup(True)
        self.new_visit_label = QLabel()
        self.new_visit_label.setObjectName("newVisit")
        f.add("visit_at", _("Waktu kunjungan"), self.visit_at, extra=self.new_visit_label)
        self.poli = f.add("poli_id", office.unit_word(), combo(
            office.poli_choices(), empty=_("— pilih —")))
        self.payment = f.add("payment_type_id", _("Cara bayar"), combo(
            office.payment_choices()))
        select_data(self.payment, patient.payment_type_id)
        self.complaint = f.add("complaint", _("Keluhan"), line())
        vitals = QWidget()
        grid = QGridLayout(vitals)
        grid.setContentsMargins(0, 0, 0, 0)
        self.vitals: dict[str, QLineEdit] = {}
        for position, (name, (low, high, unit)) in enumerate(VITALS.items()):
            edit = line(placeholder=unit)
            edit.setObjectName(name)
            edit.setToolTip(_("{low} sampai {high} {unit}").format(low=low, high=high, unit=unit))
            edit.editingFinished.connect(lambda name=name: self._check_vital(name))
            self.vitals[name] = edit
            grid.addWidget(QLabel(vital_label(name)), position // 2, (position % 2) * 2)
            grid.addWidget(edit, position // 2, (position % 2) * 2 + 1)
        f.add("vitals", _("Tanda vital"), vitals)
        self.vital_message = f.messages["vitals"]
        self.picker = IcdPicker(favourites or [])
        self.picker.picked.connect(self.add_diagnosis)
        f.add("icd", _("Cari diagnosis"), self.picker)
        self.diagnoses = DiagnosisModel(self.COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("diagnoses")
        self.table.setModel(self.diagnoses)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)  # Space ticks a box
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.ticks = TickDelegate(self.table)
        for column in (DiagnosisModel.NEW_CASE, DiagnosisModel.PRIMARY):
            self.table.setItemDelegateForColumn(column, self.ticks)
        self.diagnoses.rowsInserted.connect(lambda _parent, first, last: self._add_remove_buttons(first, last))
        self.table.setMinimumHeight(120)
        f.add("diagnoses", _("Diagnosis"), self.table)
        self.referral = combo([(_("Tidak dirujuk"), ""), (_("Rujuk internal (poli lain)"), "internal"),
                               (_("Rujuk eksternal (rumah sakit)"), "external")])
        self.referral_poli = combo(office.poli_choices(),
                                   empty=_("— poli tujuan —"))
        self.referral_facility = line(placeholder=_("fasilitas tujuan, misalnya RSUD S.K. Lerik"))
        self.referral_specialty = line(placeholder=_("spesialis"))
        referral = QWidget()
        row = QHBoxLayout(referral)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.referral, self.referral_poli, self.referral_facility, self.referral_specialty):
            row.addWidget(widget)
        f.add("referral_kind", _("Rujukan"), referral)
        self.referral.currentIndexChanged.connect(self._show_referral)
        # The poli's own health worker signed in: their name; at another desk, the last one typed on this PC.
        user = session.current()
        worker = user.full_name if user is not None and getattr(user, "role", "") == "poli" else \
            str(QSettings().value("visit/health_worker", "") or "")
        self.health_worker = f.add("health_worker", _("Tenaga kesehatan"), line(worker))
        self._show_referral()
        if visit is not None:
            self.reason = f.add("reason", _("Alasan koreksi"), line(placeholder=_("wajib, misalnya salah kode diagnosis")))
            self._fill(visit.form)
        else:  # asked only when the date falls in a period whose report was already sent
            self.reason = f.add("reason", _("Alasan"), line(placeholder=_("wajib, misalnya kunjungan terlambat dicatat")))
        self.late_label = QLabel()
        self.late_label.setObjectName("latePeriod")
        self.late_label.setWordWrap(True)
        self.late_label.setStyleSheet("color: #a05a00;")
        f.add("late", "", self.late_label)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(f)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("Simpan (Ctrl+S)"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(_("Batal (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        # ILP: the screenings of the patient's life stage, those due counted on the button.
        self.screening_button = buttons.addButton(_("Skrining..."), QDialogButtonBox.ButtonRole.ActionRole)
        self.screening_button.setObjectName("screeningButton")
        self.screening_button.clicked.connect(lambda: self.open_screening())
        self.screening_dialog: ScreeningDialog | None = None
        self._count_screenings()
        # Enter adds diagnoses and moves on; saving a visit is a deliberate Ctrl+S or click.
        for button in (self.save_button, cancel, self.screening_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        shortcut("Ctrl+S", self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.visit_at.dateTimeChanged.connect(self._show_new_visit)
        self._show_new_visit()
        self.poli.setFocus()
        self.remember_clean()  # Esc on an untouched form closes it; on a touched one it asks first

    def _fill(self, form: VisitForm) -> None:
        """Shows a recorded visit for correction."""
        self.visit_at.setDateTime(to_qdatetime(form.visit_at or clock.now()))
        select_data(self.poli, form.poli_id)
        select_data(self.payment, form.payment_type_id)
        self.complaint.setText(form.complaint)
        for name, text in form.vitals.items():
            self.vitals[name].setText(text)
        for line_ in form.diagnoses:  # as recorded, not as suggested
            found = icd.get(line_.code)
            self.diagnoses.add(DiagnosisEntry(line_.code, found.title if found else line_.code, new_case=line_.is_new_case))
            self.diagnoses.rows[-1].primary = line_.is_primary
        select_data(self.referral, form.referral_kind)
        select_data(self.referral_poli, form.referral_poli_id)
        self.referral_facility.setText(form.referral_facility)
        self.referral_specialty.setText(form.referral_specialty)
        self.health_worker.setText(form.health_worker)

    def _count_screenings(self) -> None:
        try:
            due = sum(1 for item in screening.for_patient(self.patient.id, self.at().date()) if item.due)
        except KnownError:
            due = 0
        self.screening_button.setText(_("Skrining ({n} jatuh tempo)...").format(n=due) if due else _("Skrining..."))

    def open_screening(self) -> ScreeningDialog:
        """The screenings of the patient's life stage on the visit's day: tick what was done, schedule the rest."""
        dialog = self.screening_dialog = ScreeningDialog(self.patient.id, self.patient.name, self.at().date(), self,
                                                         visit_id=self.visit.id if self.visit else None)
        dialog.saved.connect(lambda _n: self._count_screenings())
        dialog.open()
        return dialog

    def at(self) -> dt.datetime:
        return from_qdatetime(self.visit_at.dateTime())

    def _show_new_visit(self) -> None:
        new = is_new_visit(self.patient.id, self.at())
        self.new_visit_label.setText(_("Kunjungan baru") if new else _("Kunjungan lama"))
        self._show_late()

    def _show_late(self) -> None:
        """A date inside a sent period: says which report, and asks for the reason."""
        sent = late_reports(self.at())
        if self.visit is not None and self.visit.form.visit_at is not None:
            sent += [r for r in late_reports(self.visit.form.visit_at) if r not in sent]
        self.late_label.setText(_("Laporan periode ini sudah dikirim: {reports}. Perubahan ini membuatnya perlu revisi; "
                                  "tulis alasannya.").format(reports="; ".join(sent)) if sent else "")
        self.form.set_row_visible("late", bool(sent))
        if self.visit is None:
            self.form.set_row_visible("reason", bool(sent))

    def _show_referral(self) -> None:
        kind = self.referral.currentData()
        self.referral_poli.setVisible(kind == "internal")
        self.referral_facility.setVisible(kind == "external")
        self.referral_specialty.setVisible(kind == "external")

    def _check_vital(self, name: str) -> str:
        try:
            parse_vital(name, self.vitals[name].text())
        except KnownError as error:
            self.form.show_message("vitals", str(error))
            return str(error)
        self.form.show_message("vitals")
        return ""

    # --- diagnoses ---------------------------------------------------------------------

    def codes(self) -> list[str]:
        return [row.code for row in self.diagnoses.rows]

    def add_diagnosis(self, code: str) -> None:
        if code in self.codes():
            self.form.show_message("diagnoses", _("{code} sudah ada di daftar.").format(code=code))
            return
        found = icd.get(code)
        self.diagnoses.add(DiagnosisEntry(code, found.title if found else code,
                                        new_case=suggest_new_case(self.patient.id, code, self.at())))
        self.form.show_message("diagnoses")

    def _add_remove_buttons(self, first: int, last: int) -> None:
        """A Hapus button in each new row (it holds no state: the row's code is read when clicked)."""
        for row in range(first, last + 1):
            remove = QPushButton(_("Hapus"))
            code = self.diagnoses.rows[row].code
            remove.clicked.connect(lambda _checked=False, c=code: self.remove_diagnosis(c))
            self.table.setIndexWidget(self.diagnoses.index(row, DiagnosisModel.REMOVE), remove)

    def remove_diagnosis(self, code: str) -> None:
        self.diagnoses.remove(code)

    def lines(self) -> list[DiagnosisLine]:
        return [DiagnosisLine(row.code, row.new_case, row.primary) for row in self.diagnoses.rows]

    # --- saving ------------------------------------------------------------------------

    def current_form(self) -> VisitForm:
        return VisitForm(
            patient_id=self.patient.id, visit_at=self.at(), poli_id=self.poli.currentData(),
            payment_type_id=self.payment.currentData(), complaint=self.complaint.text(),
            vitals={name: edit.text() for name, edit in self.vitals.items() if edit.text().strip()},
            diagnoses=self.lines(), referral_kind=self.referral.currentData() or "",
            referral_poli_id=self.referral_poli.currentData(), referral_facility=self.referral_facility.text(),
            referral_specialty=self.referral_specialty.text(), health_worker=self.health_worker.text(),
        )

    def keyPressEvent(self, event) -> None:
        """Enter never saves nor closes the visit (QDialog's would press a button): saving is Ctrl+S."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def ask_about_doubts(self, doubts: list[str]) -> bool:
        """Whether to save a visit whose diagnoses do not fit the patient; the safe choice is the default."""
        box = QMessageBox(QMessageBox.Icon.Warning, _("Periksa diagnosis"), _(
            "Diagnosis ini tidak cocok dengan pasien {name} ({sex}, lahir {born}):\n\n{doubts}\n\nPeriksa lagi kodenya. "
            "Simpan tetap bila memang benar.").format(
            name=self.patient.name, sex=_("laki-laki") if self.patient.sex == "L" else _("perempuan"),
            born=format_date(self.patient.birth_date), doubts="\n".join(f"- {d}" for d in doubts)),
            QMessageBox.StandardButton.NoButton, self)
        back = box.addButton(_("Periksa lagi"), QMessageBox.ButtonRole.RejectRole)
        keep = box.addButton(_("Simpan tetap"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(back)
        box.exec()
        return box.clickedButton() is keep

    def save(self) -> None:
        self.form.clear_messages()
        form = self.current_form()
        doubts = icd.doubts([line.code for line in form.diagnoses], self.patient.sex, self.patient.birth_date,
                            self.at().date())
        if doubts and not self.ask_about_doubts(doubts):
            self.picker.edit.setFocus()
            return
        try:
            if self.visit is not None:
                visit = correct_visit(self.visit.id, self.current_form(), reason=self.reason.text())
            else:
                visit = record_visit(self.current_form(), reason=self.reason.text() if self.form.row_visible("reason") else "")
        except FormInvalid as error:
            for name, message in error.errors.items():
                self.form.show_message("vitals" if name in VITALS else name, message)
            target = self.vitals.get(error.first_field) or self.form.widgets.get(error.first_field)
            if target is not None:
                target.setFocus()
            return
        except KnownError as error:
            show_error(self, error)
            return
        QSettings().setValue("visit/health_worker", self.health_worker.text())
        self.saved.emit(visit.id)
        self.accept()


class TickDelegate(QStyledItemDelegate):
    """A tick box a click anywhere in its cell turns (not only on the small box), or Space."""

    def editorEvent(self, event, model, option, index) -> bool:  # noqa: N802 - Qt's name
        checkable = bool(index.flags() & Qt.ItemFlag.ItemIsUserCheckable)
        kind = event.type()
        if checkable and kind == QEvent.Type.MouseButtonRelease and option.rect.contains(event.position().toPoint()):
            ticked = Qt.CheckState(index.data(Qt.ItemDataRole.CheckStateRole)) == Qt.CheckState.Checked
            return model.setData(index, Qt.CheckState.Unchecked if ticked else Qt.CheckState.Checked,
                                 Qt.ItemDataRole.CheckStateRole)
        if checkable and kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            return True  # the release turns it, once
        return super().editorEvent(event, model, option, index)


@dataclass
class DiagnosisEntry:
    code: str
    title: str
    new_case: bool = False  # suggested from the patient's history; the clerk may change it
    primary: bool = False


class DiagnosisModel(QAbstractTableModel):
    """The visit's diagnoses, the state of the form's table: code, title, Kasus baru and Utama (ticked
    with the mouse or Space), and one Utama at most (the first added, until another is ticked)."""

    NEW_CASE, PRIMARY, REMOVE = 2, 3, 4

    def __init__(self, headers: tuple[str, ...], parent=None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: list[DiagnosisEntry] = []

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (self.NEW_CASE, self.PRIMARY):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole and column in (0, 1):
            return row.code if column == 0 else row.title
        if role == Qt.ItemDataRole.CheckStateRole and column in (self.NEW_CASE, self.PRIMARY):
            ticked = row.new_case if column == self.NEW_CASE else row.primary
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and column == self.NEW_CASE:
            return _("Disarankan dari riwayat pasien; boleh diubah")
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or index.column() not in (self.NEW_CASE, self.PRIMARY):
            return False
        ticked = Qt.CheckState(value) == Qt.CheckState.Checked
        row = self.rows[index.row()]
        if index.column() == self.NEW_CASE:
            row.new_case = ticked
        else:
            if ticked:  # one primary diagnosis: ticking one unticks the other
                for other in self.rows:
                    other.primary = False
            row.primary = ticked
            self.dataChanged.emit(self.index(0, self.PRIMARY), self.index(len(self.rows) - 1, self.PRIMARY))
            return True
        self.dataChanged.emit(index, index)
        return True

    def state(self) -> tuple:
        """What the clerk put in (the form's unsaved input includes it)."""
        return tuple((row.code, row.new_case, row.primary) for row in self.rows)

    def add(self, row: DiagnosisEntry) -> None:
        row.primary = not self.rows  # the first one added is the primary, as clerks list them
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(row)
        self.endInsertRows()

    def remove(self, code: str) -> None:
        for number, row in enumerate(self.rows):
            if row.code == code:
                self.beginRemoveRows(QModelIndex(), number, number)
                del self.rows[number]
                self.endRemoveRows()
                return
