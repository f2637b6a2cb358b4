"""The visit register page: filters over a lazy table that reads a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import office, regions
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import allowed
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_number
from kupang_desk.i18n import _
from kupang_desk.queue.entries import whole_minutes
from kupang_desk.ui.operations import Operation, show_error
from kupang_desk.ui.sections import SectionView
from kupang_desk.ui.widgets import DISPLAY, USER, combo, date_text, parse_date_text, select_data
from kupang_desk.visits.recording import delete_visit
from kupang_desk.visits.register import SORTS, VisitFilter, VisitRegister

# Sorting by a patient column over more visits than this would sort the lot for every page.
SORT_LIMIT = 300_000


def _minutes(value) -> str:
    """``25 mnt`` in the queue; empty for a visit recorded without it."""
    minutes = whole_minutes(value)
    return "" if minutes is None else _("{n} mnt").format(n=minutes)


class VisitRegisterModel(QAbstractTableModel):
    """A thin table over ``VisitRegister``: it knows the row count and reads rows on demand."""

    # (name, sort key or None, header, text of a row)
    COLUMNS = (
        ("id", None, _("No."), lambda r: str(r.id)),  # the visit's number, which the command line takes
        ("visit_at", "visit_at", _("Waktu"), lambda r: r.visit_at.strftime("%d-%m-%Y %H.%M")),
        ("no_rm", "no_rm", _("No. RM"), lambda r: r.no_rm),
        ("name", "name", _("Nama"), lambda r: r.name),
        ("sex", None, _("JK"), lambda r: r.sex),
        ("age", None, _("Umur"), lambda r: r.age),
        ("poli", None, _("Poli"), lambda r: r.poli),  # the header says the office's word (headerData)
        ("diagnoses", None, _("Diagnosis"), lambda r: r.diagnoses),
        ("new_visit", None, _("Kunjungan"), lambda r: (_("Baru") if r.is_new_visit else _("Lama"))
         + (" · " + _("sesudah laporan dikirim") if r.late else "")),
        ("payment", None, _("Cara bayar"), lambda r: r.payment),
        ("kelurahan", None, _("Kelurahan"), lambda r: r.kelurahan),
        ("wait", None, _("Tunggu"), lambda r: _minutes(r.wait)),
        ("service", None, _("Layanan"), lambda r: _minutes(r.service)),
    )

    @classmethod
    def column(cls, name: str) -> int:
        return next(i for i, c in enumerate(cls.COLUMNS) if c[0] == name)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.unit = office.unit_word()  # the office's word for the poli column (read once)
        self.register: VisitRegister | None = None
        self._texts: dict[int, tuple[str, ...]] = {}  # visit id -> its cells as shown

    def set_register(self, register: VisitRegister) -> None:
        """Shows ``register``, whose count is already known (it was counted off the GUI thread)."""
        self.beginResetModel()
        self.register = register
        self._texts.clear()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.register is None:
            return 0
        return self.register.count()

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        role = int(role)
        if (role != DISPLAY and role != USER) or self.register is None:  # noqa: PLR1714 - ints, on purpose
            return None
        row = self.register.row(index.row())
        if row is None:
            return None
        if role == USER:
            return row
        texts = self._texts.get(row.id)
        if texts is None:  # formatted once, not at every repaint
            texts = self._texts[row.id] = tuple(column[3](row) for column in self.COLUMNS)
        return texts[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.unit if self.COLUMNS[section][0] == "poli" else self.COLUMNS[section][2]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            key = self.COLUMNS[section][1]
            return _("Klik untuk mengurutkan menurut {what}").format(what=SORTS[key][1]) if key else None
        return None

    def sort_key(self, column: int) -> str | None:
        return self.COLUMNS[column][1]


class VisitRegisterPage(QWidget, SectionView):
    """Filters, the lazy table and the count; a filter change recounts off the GUI thread."""

    loaded = Signal(int)  # rows in the new view
    open_patient = Signal(int)
    correct_requested = Signal(int)  # visit id
    visits_changed = Signal()  # a visit was deleted here

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.operation: Operation | None = None
        self.sort, self.descending = "visit_at", True
        self.date_from = QLineEdit()
        self.date_from.setPlaceholderText(_("dari hh-bb-tttt"))
        self.date_to = QLineEdit()
        self.date_to.setPlaceholderText(_("sampai hh-bb-tttt"))
        self.poli = combo(office.poli_choices(active_only=False), empty=_("Semua poli"))
        self.payment = combo(office.payment_choices(active_only=False),
                             empty=_("Semua cara bayar"))
        self.kelurahan = combo([], empty=_("Semua kelurahan"))
        for kecamatan_code, kecamatan in regions.children(regions.KOTA_KUPANG):
            for code, name in regions.children(kecamatan_code):
                self.kelurahan.addItem(f"{name} ({kecamatan})", code)
        self.icd10 = QLineEdit()
        self.icd10.setPlaceholderText(_("ICD-10, misalnya J06"))
        self.new_case = QCheckBox(_("Kasus baru saja"))
        self.new_case.setToolTip(_("Dengan kode ICD-10: hanya kunjungan yang diagnosis itu kasus baru"))
        self.pbi = QCheckBox(_("PBI saja"))
        self.pbi.setObjectName("pbiOnly")
        self.pbi.setToolTip(_("Hanya kunjungan peserta BPJS PBI (iuran dibayar pemerintah)"))
        self.new_visit = combo([(_("Baru"), True), (_("Lama"), False)], empty=_("Baru dan lama"))
        self.waited = combo([(_("Menunggu > {n} menit").format(n=n), n) for n in (15, 30, 60, 120)],
                            empty=_("Semua waktu tunggu"))
        self.waited.setToolTip(_("Kunjungan yang pasiennya menunggu di antrean poli lebih lama dari ini"))
        self.apply_button = QPushButton(_("Terapkan (Enter)"))
        self.correct_button = QPushButton(_("Koreksi kunjungan..."))
        self.delete_button = QPushButton(_("Hapus kunjungan..."))
        # Only what this role may do is offered (the domain checks it again).
        self.delete_button.setVisible(allowed(session.current(), "visit.delete"))
        self.correct_button.setVisible(allowed(session.current(), "visit.write"))
        self.status = QLabel()
        self.status.setObjectName("registerStatus")
        filters = QGridLayout()
        for column, widget in enumerate((self.date_from, self.date_to, self.poli, self.payment, self.kelurahan)):
            filters.addWidget(widget, 0, column)
        icd = QHBoxLayout()
        icd.addWidget(self.icd10, 1)
        icd.addWidget(self.new_case)
        icd.addWidget(self.pbi)
        filters.addLayout(icd, 1, 0, 1, 2)
        for column, widget in enumerate((self.new_visit, self.waited, self.apply_button), start=2):
            filters.addWidget(widget, 1, column)
        self.model = VisitRegisterModel(self)
        self.view = QTableView()
        self.view.setObjectName("visitRegister")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setWordWrap(False)
        # Fixed widths: measuring contents would read pages the clerk never looks at.
        metrics = self.view.fontMetrics()
        samples = {"id": "2000000", "visit_at": "28-11-2026 13.59", "no_rm": "000000-00", "name": "Yohanes Agustin",
                   "sex": "JK", "age": "11 bl", "poli": "Laboratorium", "diagnoses": "J06.9, I10",
                   "new_visit": "Kunjungan", "payment": "BPJS Non-PBI (PPU)", "kelurahan": "Nunbaun Delha", "wait": "Tunggu", "service": "Layanan"}
        for name, sample in samples.items():
            self.view.setColumnWidth(self.model.column(name), metrics.horizontalAdvance(sample) + 16)
        self.view.horizontalHeader().sectionClicked.connect(self.on_header_clicked)
        self.view.doubleClicked.connect(self._open)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(self.correct_button)
        actions.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.view, 1)
        self.correct_button.clicked.connect(self.correct_selected)
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        for edit in (self.date_from, self.date_to, self.icd10):
            edit.returnPressed.connect(self.apply)
        for box in (self.poli, self.payment, self.kelurahan, self.new_visit, self.waited):
            box.activated.connect(lambda _index: self.apply())
        self.apply_button.clicked.connect(self.apply)
        self.new_case.toggled.connect(lambda _on: self.apply() if self.icd10.text().strip() else None)
        self.pbi.toggled.connect(lambda _on: self.apply())
        self._busy_timer = QTimer(self, singleShot=True, interval=150)
        self._busy_timer.timeout.connect(lambda: self.status.setText(_("Memuat kunjungan...")))

    def current_filter(self) -> VisitFilter | None:
        dates = []
        for edit, label in ((self.date_from, _("Tanggal awal")), (self.date_to, _("Tanggal akhir"))):
            text = edit.text().strip()
            value = parse_date_text(text)
            if text and value is None:
                self.status.setText(_("{field} tidak terbaca; ketik hari-bulan-tahun, misalnya 01-10-2026.").format(field=label))
                edit.setFocus()
                return None
            dates.append(value)
        return VisitFilter(date_from=dates[0], date_to=dates[1], poli_id=self.poli.currentData(),
                           payment_type_id=self.payment.currentData(), kelurahan_code=self.kelurahan.currentData(),
                           icd10=self.icd10.text().strip(), new_visit=self.new_visit.currentData(),
                           waited_over=self.waited.currentData(), new_case=self.new_case.isChecked(),
                           pbi=self.pbi.isChecked())

    def attach(self, window) -> None:
        self.open_patient.connect(window.open_patient)
        self.correct_requested.connect(window.correct_visit)
        self.visits_changed.connect(window.visits_changed)

    def section_shown(self) -> None:
        if self.model.register is None:  # the register is read the first time it is opened
            self.apply()

    def show_target(self, target: str, **details) -> None:
        """"filter": the rows of a filter (a Beranda tile's)."""
        if target == "filter":
            self.show_filter(details["flt"])

    def show_filter(self, flt: VisitFilter) -> Operation | None:
        """Sets the filter boxes to ``flt`` (a Beranda tile's rows) and shows its visits."""
        self.date_from.setText(date_text(flt.date_from))
        self.date_to.setText(date_text(flt.date_to))
        for box, value in ((self.poli, flt.poli_id), (self.payment, flt.payment_type_id), (self.kelurahan, flt.kelurahan_code),
                           (self.new_visit, flt.new_visit), (self.waited, flt.waited_over)):
            select_data(box, value)
        self.icd10.setText(flt.icd10)
        for check, on in ((self.new_case, flt.new_case), (self.pbi, flt.pbi)):
            check.blockSignals(True)
            check.setChecked(on)
            check.blockSignals(False)
        self.sort, self.descending = "visit_at", True
        return self.apply()

    def apply(self) -> Operation | None:
        """Counts the filtered visits off the GUI thread, then shows them."""
        flt = self.current_filter()
        if flt is None:
            return None
        register = VisitRegister(flt, sort=self.sort, descending=self.descending)
        if register.count_is_cheap:  # no filter: counted in a millisecond, no thread needed
            self._show(register, register.count())
            return None
        self._busy_timer.start()
        self.setCursor(Qt.CursorShape.BusyCursor)
        self.operation = Operation(self, lambda _task: register.count(), title=_("Memuat kunjungan"),
                                   on_success=lambda count: self._show(register, count), show_progress=False)
        return self.operation.start()

    def _show(self, register: VisitRegister, count: int) -> None:
        self._busy_timer.stop()
        self.unsetCursor()
        if register.sort != "visit_at" and count > SORT_LIMIT:
            self.status.setText(_("Terlalu banyak kunjungan ({count}) untuk diurutkan menurut {what}. Persempit filter dulu, "
                                  "misalnya dengan rentang tanggal.").format(count=format_number(count), what=SORTS[register.sort][1]))
            self.sort, self.descending = "visit_at", True
            return
        self.model.set_register(register)
        # Qt draws AscendingOrder as a downward arrow (QHeaderView maps it to SortDown), the opposite of
        # what Windows Explorer and Excel show; the clerk reads the arrow, so it points as they expect:
        # down for newest (largest) first, up for oldest first.
        self.view.horizontalHeader().setSortIndicator(
            next(i for i, c in enumerate(self.model.COLUMNS) if c[1] == register.sort),
            Qt.SortOrder.AscendingOrder if register.descending else Qt.SortOrder.DescendingOrder)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.status.setText(_("{count} kunjungan").format(count=format_number(count)))
        self.loaded.emit(count)

    def on_header_clicked(self, column: int) -> None:
        key = self.model.sort_key(column)
        if key is None:
            return
        self.descending = not self.descending if key == self.sort else key == "visit_at"
        self.sort = key
        self.apply()

    def selected_row(self):
        index = self.view.currentIndex()
        return self.model.data(self.model.index(index.row(), 0), Qt.ItemDataRole.UserRole) if index.isValid() else None

    def correct_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            show_error(self, KnownError(_("Pilih dulu kunjungan di daftar.")))
            return
        self.correct_requested.emit(row.id)

    def delete_selected(self, reason: str | None = None) -> bool:
        """Soft-deletes the chosen visit after asking why; it leaves every list and report."""
        row = self.selected_row()
        if row is None:
            show_error(self, KnownError(_("Pilih dulu kunjungan di daftar.")))
            return False
        if reason is None:
            reason, ok = QInputDialog.getText(self, _("Hapus kunjungan"), _(
                "Hapus kunjungan {name} tanggal {date}? Tulis alasannya (misalnya tercatat dua kali):").format(
                name=row.name, date=row.visit_at.strftime("%d-%m-%Y %H.%M")))
            if not ok:
                return False
        try:
            delete_visit(row.id, reason=reason)
        except KnownError as error:
            show_error(self, error)
            return False
        self.apply()
        self.visits_changed.emit()
        return True

    def _open(self, index: QModelIndex) -> None:
        row = self.model.data(index, Qt.ItemDataRole.UserRole)
        if row is not None:
            self.open_patient.emit(row.patient_id)
