"""The Pasien section: one search box, results while typing, the patient card, merging."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import regions
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import allowed
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_address, format_date, format_number
from kupang_desk.i18n import _
from kupang_desk.patients import history
from kupang_desk.patients.duplicates import likely_duplicates
from kupang_desk.patients.merge import merge
from kupang_desk.patients.search import PatientHit, find_by_no_rm, search_patients
from kupang_desk.ui.operations import show_error
from kupang_desk.ui.patient_form import candidate_item
from kupang_desk.ui.printing import preview_pdf, print_folder
from kupang_desk.ui.sections import SectionView
from kupang_desk.ui.visit_register import VisitRegisterModel
from kupang_desk.ui.widgets import ListModel, fit_to_screen, shortcut
from kupang_desk.visits.register import VisitFilter, VisitRegister


def hit_columns():
    return [
        (_("No. RM"), lambda h: h.no_rm), (_("Nama"), lambda h: h.name), (_("JK"), lambda h: h.sex),
        (_("Tgl lahir"), lambda h: h.birth_date.strftime("%d-%m-%Y")), (_("NIK"), lambda h: h.nik),
        (_("No. BPJS"), lambda h: h.bpjs_number), (_("Kelurahan"), lambda h: h.kelurahan),
        (_("Alamat"), lambda h: h.address),
    ]


class PatientsPage(QWidget, SectionView):
    """Type in the box; Down goes to the results, Enter opens, Ctrl+N registers, Ctrl+K records a visit."""

    searched = Signal(int)  # number of results shown
    new_patient = Signal()
    open_patient = Signal(int)
    new_visit = Signal(int)
    merge_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setObjectName("patientSearch")
        self.search.setPlaceholderText(_("Cari nama, NIK, No. RM, No. BPJS atau telepon (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        font = self.search.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.search.setFont(font)
        self.model = ListModel(hit_columns(), self)
        self.results = QTableView()
        self.results.setObjectName("patientResults")
        self.results.setModel(self.model)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().hide()
        self.results.setWordWrap(False)
        self.results.horizontalHeader().setStretchLastSection(True)
        metrics = self.results.fontMetrics()
        for column, sample in enumerate(("000000-00", "Yohanes Agustinus Fanggidae", "JK", "31-12-2026",
                                         "5371041203870001", "0001234567890", "Tuak Daun Merah")):
            self.results.setColumnWidth(column, metrics.horizontalAdvance(sample) + 16)
        self.status = QLabel(_("Ketik untuk mencari. Pasien baru: Ctrl+N."))
        self.status.setObjectName("searchStatus")
        buttons = QHBoxLayout()
        user = session.current()
        for text, tip, handler, permission in (
            (_("Pasien baru"), "Ctrl+N", self.new_patient.emit, "patient.write"),
            (_("Buka kartu pasien"), "Enter", self.open_selected, "patient.read"),
            (_("Kunjungan baru"), "Ctrl+K", self.visit_selected, "visit.write"),
            (_("Gabungkan pasien ganda..."), "", self.merge_requested.emit, "patient.merge"),
        ):
            if not allowed(user, permission):  # a button for what the role may not do is not shown
                continue
            button = QPushButton(f"{text} ({tip})" if tip else text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _checked=False, h=handler: h())
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addLayout(buttons)
        # Coalesce a burst of keystrokes into one query; each query takes milliseconds.
        self.timer = QTimer(self, singleShot=True, interval=40)
        self.timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self.timer.start())
        self.search.returnPressed.connect(self.open_selected)
        self.search.installEventFilter(self)
        self.results.activated.connect(lambda _index: self.open_selected())
        self.results.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == event.Type.KeyPress:
            if watched is self.search and event.key() == Qt.Key.Key_Down and self.model.rowCount():
                self.results.setFocus()
                self.results.selectRow(max(self.results.currentIndex().row(), 0))
                return True
            if watched is self.results and event.key() == Qt.Key.Key_Escape:
                self.focus_search()
                return True
            if watched is self.results and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_selected()
                return True
        return super().eventFilter(watched, event)

    def attach(self, window) -> None:
        self.new_patient.connect(window.register_patient)
        self.open_patient.connect(window.open_patient)
        self.new_visit.connect(window.record_visit)
        self.merge_requested.connect(window.merge_patients)
        window.show_patient_count(self)  # the count the window already has, until the clerk types

    def section_shown(self) -> None:
        self.focus_search()

    def show_target(self, target: str, **details) -> None:
        """"search": the search box with what was typed elsewhere (the Beranda's box), the cursor after it."""
        if target == "search":
            self.search.setText(details["text"])
            self.search.setFocus()
            self.search.end(False)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def run_search(self) -> list[PatientHit]:
        hits = search_patients(self.search.text())
        self.model.set_items(hits)
        if hits:
            self.results.selectRow(0)
            self.status.setText(_("{count} pasien ditemukan. Panah bawah untuk memilih, Enter untuk membuka.").format(
                count=format_number(len(hits))) if len(hits) < 50 else _("50 pasien pertama; ketik lebih lengkap untuk mempersempit."))
        elif self.search.text().strip():
            self.status.setText(_("Tidak ada pasien yang cocok. Periksa ejaan, atau daftarkan pasien baru dengan Ctrl+N."))
        else:
            self.status.setText(_("Ketik untuk mencari. Pasien baru: Ctrl+N."))
        self.searched.emit(len(hits))
        return hits

    def selected(self) -> PatientHit | None:
        if self.timer.isActive():  # Enter pressed before the last keystroke was searched
            self.timer.stop()
            self.run_search()
        row = self.results.currentIndex().row()
        return self.model.item(row if row >= 0 else 0)

    def open_selected(self) -> None:
        hit = self.selected()
        if hit is not None:
            self.open_patient.emit(hit.id)

    def visit_selected(self) -> None:
        hit = self.selected()
        if hit is not None:
            self.new_visit.emit(hit.id)


class PatientCardDialog(QDialog):
    """Identity, visit history and diagnoses over time; visit, edit and print from here."""

    new_visit = Signal(int)
    edit = Signal(int)

    def __init__(self, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.patient = history.open_patient(patient_id)
        p = self.patient
        self.setWindowTitle(_("Kartu pasien {no_rm}: {name}").format(no_rm=p.no_rm, name=p.name))
        fit_to_screen(self, 900, 640)
        identity = QFormLayout()
        facts = [
            (_("No. RM"), p.no_rm), (_("Nama"), p.name), (_("NIK"), p.nik or _("(tanpa NIK: {reason})").format(reason=p.no_nik_reason)),
            (_("Jenis kelamin"), p.sex), (_("Lahir"), f"{p.birth_place}, {format_date(p.birth_date)}".strip(", ")),
            (_("Ibu kandung"), p.mother_name), (_("No. KK"), p.kk_number), (_("No. BPJS"), p.bpjs_number),
            (_("Cara bayar"), p.payment_type.name if p.payment_type_id else ""), (_("Telepon"), p.phone),
            (_("Alamat"), format_address(p.address, p.rt, p.rw, regions.name_of(p.kelurahan_code) if p.kelurahan_code else "")),
        ]
        former = history.former_identifiers(p.id)
        if former:
            facts.append((_("Nomor lama"), ", ".join(f"{i.kind}: {i.value}" for i in former)))
        for label, value in facts:
            shown = QLabel(value or "-")
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            identity.addRow(label + ":", shown)
        self.visits = VisitRegisterModel(self)
        register = VisitRegister(VisitFilter(patient_id=p.id))
        register.count()
        self.visits.set_register(register)
        visits = QTableView()
        visits.setObjectName("patientVisits")
        visits.setModel(self.visits)
        visits.verticalHeader().hide()
        visits.setWordWrap(False)
        visits.horizontalHeader().setStretchLastSection(True)
        for name in ("no_rm", "name", "sex", "kelurahan"):  # the patient's own, shown above
            visits.hideColumn(VisitRegisterModel.column(name))
        self.diagnoses = ListModel([
            (_("Kode"), lambda d: d.code), (_("Diagnosis"), lambda d: d.title),
            (_("Pertama"), lambda d: format_date(d.first)), (_("Terakhir"), lambda d: format_date(d.last)),
            (_("Kali"), lambda d: d.times)], self)
        self.diagnoses.set_items(history.diagnoses_over_time(p.id))
        diagnoses = QTableView()
        diagnoses.setObjectName("patientDiagnoses")
        diagnoses.setModel(self.diagnoses)
        diagnoses.verticalHeader().hide()
        diagnoses.setWordWrap(False)
        diagnoses.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        diagnoses.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox()
        visit_button = buttons.addButton(_("Kunjungan baru (Ctrl+K)"), QDialogButtonBox.ButtonRole.ActionRole)
        edit_button = buttons.addButton(_("Ubah data (Ctrl+E)"), QDialogButtonBox.ButtonRole.ActionRole)
        print_button = buttons.addButton(_("Cetak kartu berobat (Ctrl+P)"), QDialogButtonBox.ButtonRole.ActionRole)
        subject_button = buttons.addButton(_("Data pribadi dan riwayat akses..."), QDialogButtonBox.ButtonRole.ActionRole)
        subject_button.setToolTip(_("Untuk permintaan pasien: datanya dan siapa yang memprosesnya (UU PDP), sebagai PDF"))
        subject_button.clicked.connect(lambda: self.print_subject_report())
        close = buttons.addButton(_("Tutup (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        visit_button.clicked.connect(self._visit)
        edit_button.clicked.connect(self._edit)
        print_button.clicked.connect(self.print_card)
        close.clicked.connect(self.reject)
        shortcut("Ctrl+K", self, self._visit)
        shortcut("Ctrl+E", self, self._edit)
        shortcut("Ctrl+P", self, self.print_card)
        layout = QVBoxLayout(self)
        layout.addLayout(identity)
        layout.addWidget(QLabel(_("<b>Riwayat kunjungan</b> ({count})").format(count=format_number(register.count()))))
        layout.addWidget(visits, 2)
        layout.addWidget(QLabel(_("<b>Diagnosis dari waktu ke waktu</b>")))
        layout.addWidget(diagnoses, 1)
        layout.addWidget(buttons)
        visit_button.setFocus()

    def _visit(self) -> None:
        self.new_visit.emit(self.patient.id)
        self.accept()

    def _edit(self) -> None:
        self.edit.emit(self.patient.id)
        self.accept()

    def _print_pdf(self, path: str | None, title: str, name: str, write) -> Path | None:
        """Writes with ``write(patient_id, path)`` (into the print folder unless ``path`` is given) and
        opens the print preview, which also offers "Simpan PDF..."."""
        try:
            written = write(self.patient.id, path or str(print_folder() / name))
        except KnownError as error:
            show_error(self, error)
            return None
        self.print_preview = preview_pdf(self, written, title)
        return written

    def print_card(self, path: str | None = None) -> Path | None:
        """The card PDF in the print preview."""
        from kupang_desk.patients.card import (
            write_patient_card,  # ReportLab loads when first needed
        )

        return self._print_pdf(path, _("Kartu berobat {no_rm}").format(no_rm=self.patient.no_rm),
                               f"kartu-{self.patient.no_rm}.pdf", write_patient_card)

    def print_subject_report(self, path: str | None = None) -> Path | None:
        """The patient's own data and who processed it, as one PDF (the data subject's right of access)."""
        from kupang_desk.patients.subject import write_subject_report

        return self._print_pdf(path, _("Data pribadi dan riwayat {no_rm}").format(no_rm=self.patient.no_rm),
                               f"data-pribadi-{self.patient.no_rm}.pdf", write_subject_report)


class MergeDialog(QDialog):
    """Two No. RM of one person: the first survives, the second's visits move to it."""

    merged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Gabungkan pasien ganda"))
        self.survivor = QLineEdit()
        self.survivor.setPlaceholderText(_("No. RM yang dipertahankan"))
        self.duplicate = QLineEdit()
        self.duplicate.setPlaceholderText(_("No. RM yang digabungkan ke atasnya"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("misalnya: orang yang sama, terdaftar dua kali"))
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        # The patients who may be the same person as the one kept, to pick rather than type from memory.
        self.candidates = QListWidget()
        self.candidates.setObjectName("mergeCandidates")
        self.candidates.setMaximumHeight(110)
        self.candidates.hide()
        self.candidates.itemClicked.connect(self._pick)
        self.candidates.itemActivated.connect(self._pick)
        form = QFormLayout()
        form.addRow(_("Dipertahankan:"), self.survivor)
        form.addRow(_("Digabungkan:"), self.duplicate)
        form.addRow("", self.candidates)
        form.addRow(_("Alasan:"), self.reason)
        buttons = QDialogButtonBox()
        self.merge_button = buttons.addButton(_("Gabungkan"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Batal"), QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        self.merge_button.clicked.connect(self.do_merge)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(buttons)
        for edit in (self.survivor, self.duplicate):
            edit.editingFinished.connect(self.show_preview)

    def _find(self, no_rm: str):  # the patient find_by_no_rm gives, or None
        return find_by_no_rm(no_rm)

    def offer(self, no_rm: str) -> int:
        """Keeps ``no_rm`` and lists the patients who may be the same person (same birth date and a
        similar name, or the same mother and kelurahan); one click fills Digabungkan. Returns how many."""
        self.survivor.setText(no_rm)
        kept = self._find(no_rm)
        self.candidates.clear()
        found = likely_duplicates(kept.name, kept.birth_date, mother_name=kept.mother_name,
                                  kelurahan_code=kept.kelurahan_code, exclude_id=kept.id) if kept else []
        for candidate in found:
            self.candidates.addItem(candidate_item(candidate, candidate.patient.no_rm))
        self.candidates.setVisible(bool(found))
        self.show_preview()
        return len(found)

    def _pick(self, item: QListWidgetItem) -> None:
        self.duplicate.setText(item.data(Qt.ItemDataRole.UserRole))
        self.show_preview()

    def show_preview(self) -> None:
        lines = []
        for label, edit in ((_("Dipertahankan"), self.survivor), (_("Digabungkan"), self.duplicate)):
            if edit.text().strip():
                p = self._find(edit.text())
                lines.append(f"{label}: " + (f"{p.name}, {format_date(p.birth_date)}, NIK {p.nik or '-'}" if p
                                              else _("No. RM {no_rm} tidak ditemukan").format(no_rm=edit.text().strip())))
        self.preview.setText("\n".join(lines))

    def do_merge(self) -> None:
        survivor, duplicate = self._find(self.survivor.text()), self._find(self.duplicate.text())
        if survivor is None or duplicate is None:
            self.show_preview()
            return
        answer = QMessageBox.question(self, _("Gabungkan pasien"), _(
            "Semua kunjungan {dup} ({dup_name}) dipindahkan ke {keep} ({keep_name}). Nomor lama tetap dapat dicari. Lanjutkan?"
        ).format(dup=duplicate.no_rm, dup_name=duplicate.name, keep=survivor.no_rm, keep_name=survivor.name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            merge(survivor.id, duplicate.id, reason=self.reason.text())
        except KnownError as error:
            self.preview.setText(str(error))
            return
        self.merged.emit(survivor.id)
        self.accept()

