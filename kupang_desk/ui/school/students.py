"""Sekolah > Siswa: the students, the Dapodik import, proposing for a programme, class promotion."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kupang_desk.ckg import school as ckg
from kupang_desk.errors import FormInvalid, KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.scholarships import awards, programmes
from kupang_desk.students import classes
from kupang_desk.students.records import (
    LABELS,
    StudentRecord,
    active_students,
    class_groups,
    save_student,
)
from kupang_desk.ui.import_wizard import ImportDialog
from kupang_desk.ui.operations import Operation, on_file, run_in_background, show_error
from kupang_desk.ui.widgets import (
    ERROR_STYLE,
    FieldForm,
    ListModel,
    ask_open_path,
    ask_save_path,
    combo,
    date_text,
    fit_to_screen,
    line,
    ok_cancel,
    parse_date_text,
    record_table,
)


class StudentDialog(QDialog):
    """A student's record, every field of the domain notes; checked like a patient on saving."""

    saved = Signal(int)
    TEXT_FIELDS = ("nisn", "nipd", "nik", "kk_number", "name", "birth_place", "religion", "class_group", "mother_name",
                   "father_name", "guardian_name", "address", "rt", "rw", "phone", "kip_number", "kks_number",
                   "kps_number", "bank", "account_number", "account_holder", "pip_reason")

    def __init__(self, student: StudentRecord | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.student = student
        self.setWindowTitle(_("Ubah data siswa: {name}").format(name=student.name) if student else _("Siswa baru"))
        fit_to_screen(self, 560, 680)
        self.form = FieldForm()
        self.edits: dict[str, QLineEdit] = {}
        for key in self.TEXT_FIELDS[:5]:
            self.edits[key] = self.form.add(key, LABELS[key] + ":", line(str(getattr(student, key, "") or "")))
        self.sex = self.form.add("sex", LABELS["sex"] + ":", combo([(_("Laki-laki"), "L"), (_("Perempuan"), "P")], empty=""))
        if student is not None:
            self.sex.setCurrentIndex(max(self.sex.findData(student.sex), 0))
        self.edits["birth_place"] = self.form.add("birth_place", LABELS["birth_place"] + ":", line(student.birth_place if student else ""))
        self.birth_date = self.form.add("birth_date", LABELS["birth_date"] + ":", line(
            date_text(student.birth_date) if student else "", placeholder=_("hh-bb-tttt")))
        for key in self.TEXT_FIELDS[6:15]:
            self.edits[key] = self.form.add(key, LABELS[key] + ":", line(str(getattr(student, key, "") or "")))
        self.kelurahan = self.form.add("kelurahan", LABELS["kelurahan"] + ":", line(student.kelurahan if student else ""))
        self.kps = self.form.add("kps_recipient", LABELS["kps_recipient"] + ":", QCheckBox())
        self.kps.setChecked(bool(student and student.kps_recipient))
        for key in self.TEXT_FIELDS[15:21]:
            self.edits[key] = self.form.add(key, LABELS[key] + ":", line(str(getattr(student, key, "") or "")))
        self.eligible = self.form.add("pip_eligible", LABELS["pip_eligible"] + ":", QCheckBox())
        self.eligible.setChecked(bool(student and student.pip_eligible))
        self.edits["pip_reason"] = self.form.add("pip_reason", LABELS["pip_reason"] + ":", line(student.pip_reason if student else ""))
        decile = student.dtsen_decile if student else None
        self.edits["dtsen_decile"] = self.form.add("dtsen_decile", LABELS["dtsen_decile"] + ":", line(
            str(decile) if decile else "", placeholder=_("1 (termiskin) sampai 10, kosong bila belum ada"), max_length=2))
        self.dtsen_date = self.form.add("dtsen_date", LABELS["dtsen_date"] + ":", line(
            date_text(student.dtsen_date) if student and student.dtsen_date else "", placeholder=_("hh-bb-tttt")))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        buttons = ok_cancel(_("Simpan"), self.save, self.reject, QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def values(self) -> dict[str, object]:
        values: dict[str, object] = {key: edit.text() for key, edit in self.edits.items()}
        values["sex"] = self.sex.currentData() or ""
        text = self.birth_date.text().strip()
        values["birth_date"] = parse_date_text(text) or text or None
        values["kelurahan"] = self.kelurahan.text()
        values["kps_recipient"] = self.kps.isChecked()
        values["pip_eligible"] = self.eligible.isChecked()
        text = self.dtsen_date.text().strip()
        values["dtsen_date"] = parse_date_text(text) or text or None
        return values

    def save(self) -> StudentRecord | None:
        self.form.clear_messages()
        self.message.clear()
        try:
            student = save_student(self.values(), student_id=self.student.id if self.student else None)
        except FormInvalid as error:
            for key, reason in error.errors.items():
                self.form.show_message(key, reason)
            self.message.setText(str(error))
            return None
        except KnownError as error:
            self.message.setText(str(error))
            return None
        self.saved.emit(student.id)
        self.accept()
        return student


class ProposeDialog(QDialog):
    """Proposes the selected students for a programme, with the eligibility reason."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Usulkan {count} siswa").format(count=count))
        self.programme = combo(programmes.programme_choices(active_only=True))
        self.reason = QComboBox()
        self.reason.setEditable(True)
        form = QFormLayout()
        form.addRow(_("Program:"), self.programme)
        form.addRow(_("Alasan layak:"), self.reason)
        buttons = ok_cancel(_("Usulkan"), self.accept, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.programme.currentIndexChanged.connect(lambda _i: self._reasons())
        self._reasons()

    def _reasons(self) -> None:
        self.reason.clear()
        programme = programmes.programme_by_id(self.programme.currentData())
        self.reason.addItem("")
        for reason in programme.reasons if programme else ():
            self.reason.addItem(reason)


class StudentsTab(QWidget):
    """Students at school by class; import from Dapodik; class promotion and its undo."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Cari nama, NISN, NIK atau NIPD"))
        self.search.setClearButtonEnabled(True)
        self.class_box = QComboBox()
        self.import_button = QPushButton(_("Impor dari Dapodik..."))
        self.new_button = QPushButton(_("Siswa baru..."))
        self.propose_button = QPushButton(_("Usulkan ke program..."))
        self.promote_button = QPushButton(_("Kenaikan kelas..."))
        self.undo_button = QPushButton(_("Batalkan kenaikan kelas"))
        self.ckg_button = QPushButton(_("CKG..."))
        self.ckg_button.setObjectName("ckgMenu")
        self.ckg_button.setToolTip(_("Cek Kesehatan Gratis di sekolah: kirim daftar siswa ke puskesmas, terima hasilnya"))
        self.ckg_menu = QMenu(self.ckg_button)
        self.ckg_menu.addAction(_("Kirim daftar siswa ke puskesmas..."), lambda: self.send_roster())
        self.ckg_menu.addAction(_("Impor hasil dari puskesmas..."), lambda: self.import_results())
        self.ckg_menu.addAction(_("Surat untuk orang tua (perlu tindak lanjut)..."), lambda: self.print_letters())
        self.ckg_button.setMenu(self.ckg_menu)
        self.ckg_results: dict = {}
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.model = ListModel([
            (_("NISN"), lambda s: s.nisn), (_("Nama"), lambda s: s.name), (_("L/P"), lambda s: s.sex),
            (_("Rombel"), lambda s: s.class_group), (_("Tanggal lahir"), lambda s: format_date(s.birth_date)),
            (_("NIK"), lambda s: s.nik), (_("Nama ibu kandung"), lambda s: s.mother_name),
            (_("No. KIP"), lambda s: s.kip_number), (_("Bank"), lambda s: s.bank),
            (_("No. rekening"), lambda s: s.account_number), (_("Layak PIP"), lambda s: _("Ya") if s.pip_eligible else ""),
            (_("CKG"), lambda s: ckg.result_words(self.ckg_results.get(s.id))),
        ], self)
        self.view = record_table(self.model)
        self.view.setObjectName("studentsTable")
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.doubleClicked.connect(lambda index: self.edit_student(self.model.item(index.row())))
        for column, width in enumerate((95, 200, 35, 80, 140, 135, 170, 75, 50, 130)):
            self.view.setColumnWidth(column, width)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(QLabel(_("Rombel:")))
        top.addWidget(self.class_box, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.import_button)
        actions = QHBoxLayout()
        actions.addWidget(self.count, 1)
        actions.addWidget(self.propose_button)
        actions.addWidget(self.promote_button)
        actions.addWidget(self.undo_button)
        actions.addWidget(self.ckg_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(200)
        self.timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self.timer.start())
        self.class_box.currentIndexChanged.connect(lambda _index: self.refresh())
        self.import_button.clicked.connect(self.open_import)
        self.new_button.clicked.connect(lambda: self.edit_student(None))
        self.propose_button.clicked.connect(self.ask_propose)
        self.promote_button.clicked.connect(self.ask_promote)
        self.undo_button.clicked.connect(self.ask_undo)
        self.dialog: QDialog | None = None
        self.reload_classes()

    def after_change(self, *_what: object) -> None:
        """A student was saved or a roster imported: the class list may have grown."""
        self.reload_classes()
        self.changed.emit()

    def reload_classes(self) -> None:
        current = self.class_box.currentData()
        self.class_box.blockSignals(True)
        self.class_box.clear()
        self.class_box.addItem(_("Semua"), "")
        for group in class_groups():
            self.class_box.addItem(group, group)
        index = self.class_box.findData(current)
        self.class_box.setCurrentIndex(max(index, 0))
        self.class_box.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        students = list(active_students(self.search.text(), self.class_box.currentData() or ""))
        self.ckg_results = ckg.results()
        self.model.set_items(students)
        self.count.setText(_("{count} siswa aktif ditampilkan.").format(count=len(students)))
        self.undo_button.setEnabled(classes.last_promotion() is not None)

    def selected(self) -> list[StudentRecord]:
        return [self.model.item(row) for row in sorted({i.row() for i in self.view.selectionModel().selectedRows()})]

    def edit_student(self, student: StudentRecord | None) -> StudentDialog:
        dialog = self.dialog = StudentDialog(student, self)
        dialog.saved.connect(self.after_change)
        dialog.open()
        return dialog

    def ask_propose(self) -> ProposeDialog | None:
        chosen = self.selected()
        if not chosen:
            show_error(self, KnownError(_("Pilih dulu siswa di daftar (Ctrl atau Shift untuk memilih banyak).")))
            return None
        dialog = self.dialog = ProposeDialog(len(chosen), self)
        dialog.accepted.connect(lambda: self.propose(chosen, dialog.programme.currentData(), dialog.reason.currentText()))
        dialog.open()
        return dialog

    def propose(self, chosen: list[StudentRecord], programme_id: int | None, reason: str = "") -> int:
        programme = programmes.programme_by_id(programme_id)
        if programme is None:
            show_error(self, KnownError(_("Belum ada program beasiswa. Buat dulu di tab Beasiswa (Program baru).")))
            return 0
        try:
            added = awards.propose(programme, [s.id for s in chosen], reason=reason)
        except KnownError as error:
            show_error(self, error)
            return 0
        self.count.setText(_("{count} siswa diusulkan ke {programme} {year}; yang sudah ada di program itu dilewati.").format(
            count=added, programme=programme.name, year=programme.year))
        self.changed.emit()
        return added

    def send_roster(self, path: str | None = None) -> ckg.RosterOut | None:
        """CKG > Kirim daftar siswa: the chosen students (or every active one) as a signed file for the puskesmas."""
        chosen = self.selected()
        sent = on_file(self, path, lambda: ask_save_path(self, "ckg", _("Simpan daftar siswa untuk puskesmas"),
                                                         "daftar-siswa-ckg.json", _("Daftar siswa CKG (*.json)")),
                       lambda target: ckg.export_roster(target, student_ids=[s.id for s in chosen] if len(chosen) > 1 else None))
        if sent is None:
            return None
        text = _("Daftar {count} siswa tersimpan di {path}. Kirim file itu ke puskesmas (flash disk atau WhatsApp) dan "
                 "bacakan sidik kunci sekolah lewat telepon: {fingerprint}.").format(
            count=sent.count, path=sent.path, fingerprint=sent.fingerprint)
        if sent.without_nisn:
            text += " " + _("Tidak ikut karena NISN atau tanggal lahirnya kosong: {names}.").format(
                names=", ".join(sent.without_nisn[:10]) + (" ..." if len(sent.without_nisn) > 10 else ""))
        self.count.setText(text)
        return sent

    def import_results(self, path: str | None = None) -> ckg.ResultsIn | None:
        came = on_file(self, path, lambda: ask_open_path(self, "ckg", _("Hasil CKG dari puskesmas"), _("Hasil CKG (*.json)")),
                       ckg.import_results)
        if came is None:
            return None
        if came.errors:
            reasons = "; ".join(reason for _line, _nisn, reason in came.errors[:5])
            show_error(self, KnownError(came.describe() + " " + reasons))
            return came
        self.refresh()
        self.count.setText(came.describe())
        return came

    def print_letters(self, path: str | None = None) -> int:
        done = on_file(self, path, lambda: ask_save_path(self, "ckg", _("Simpan surat untuk orang tua"), "surat-ckg.pdf",
                                                         _("PDF (*.pdf)")),
                       lambda chosen: (chosen, ckg.save_letters(chosen)))
        if done is None:
            return 0
        self.count.setText(_("{count} surat untuk orang tua tersimpan di {path}.").format(count=done[1], path=done[0]))
        return done[1]

    def open_import(self) -> ImportDialog:
        dialog = self.dialog = ImportDialog(self, kind="students")
        dialog.imported.connect(self.after_change)
        dialog.open()
        return dialog

    def ask_promote(self) -> QMessageBox:
        plan = classes.plan_promotion()
        box = QMessageBox(QMessageBox.Icon.Question, _("Kenaikan kelas"),
                          _("Naikkan semua siswa ke tahun ajaran {year}?\n\n{plan}\n\nLangkah ini dapat dibatalkan.").format(
                              year=plan.school_year, plan=plan.describe()),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Yes).setText(_("Naikkan kelas"))
        box.button(QMessageBox.StandardButton.Cancel).setText(_("Batal"))
        box.accepted.connect(self.promote)
        box.open()
        self.dialog = box
        return box

    def promote(self) -> Operation:
        """Moves every student up one grade, off the GUI thread (a district office has 50,000)."""
        def done(result) -> None:
            _promotion, plan = result
            self.reload_classes()
            self.changed.emit()
            self.count.setText(_("Kenaikan kelas ke {year} selesai: {plan}").format(year=plan.school_year, plan=plan.describe()))

        self.operation = run_in_background(self, lambda _task: classes.promote(), title=_("Kenaikan kelas"), on_success=done)
        return self.operation

    def ask_undo(self) -> QMessageBox:
        promotion = classes.last_promotion()
        box = QMessageBox(QMessageBox.Icon.Question, _("Batalkan kenaikan kelas"),
                          _("Kembalikan semua siswa ke kelas sebelum {what}?").format(
                              what=classes.describe_promotion(promotion) if promotion else "-"),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Yes).setText(_("Kembalikan"))
        box.button(QMessageBox.StandardButton.Cancel).setText(_("Batal"))
        box.accepted.connect(self.undo)
        box.open()
        self.dialog = box
        return box

    def undo(self) -> Operation:
        def done(result) -> None:
            _promotion, restored, kept = result
            self.reload_classes()
            self.changed.emit()
            text = _("Kenaikan kelas dibatalkan: {count} siswa dikembalikan.").format(count=restored)
            if kept:
                text += " " + _("Tidak dikembalikan karena sudah diubah sesudahnya: {names}.").format(names=", ".join(kept))
            self.count.setText(text)

        self.operation = run_in_background(self, lambda _task: classes.undo_promotion(), title=_("Membatalkan kenaikan kelas"),
                                           on_success=done)
        return self.operation
