"""Antrean: the loket gives numbers, the poli calls and serves, the waiting room's screen shows who
is next. The lists follow the other PCs through ``queue.live.Watcher`` (a signal, never a timer
over whole tables)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import office
from kupang_desk.accounts import session
from kupang_desk.accounts.permissions import allowed
from kupang_desk.connection import DatabaseUrl
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.office import poli_choices
from kupang_desk.patients.history import diagnoses_over_time
from kupang_desk.patients.search import search_patients
from kupang_desk.queue import entries
from kupang_desk.queue.live import Watcher
from kupang_desk.ui.feedback import say, status_label
from kupang_desk.ui.printing import PrintPreview, preview_pdf, print_folder
from kupang_desk.ui.sections import SectionView
from kupang_desk.ui.widgets import ListModel, combo, line, record_table, shortcut


def _fit_columns(table) -> None:
    """Every column as wide as its content, the last one taking the rest."""
    for column in range(table.model().columnCount() - 1):
        table.resizeColumnToContents(column)


def _minutes(delta: dt.timedelta | None) -> str:
    return _("{n} menit").format(n=int(delta.total_seconds() // 60)) if delta is not None else ""


class QueuePage(QWidget, SectionView):
    """The Antrean section: Loket and Poli tabs, and the waiting-room screen."""

    changed = Signal()  # another PC (or this one) changed a queue: the lists look again
    serve_requested = Signal(int, int, int, str)  # entry, patient, poli, the loket's note: the window opens the visit form

    def __init__(self, target: DatabaseUrl | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loket = LoketTab(self)
        self.poli = PoliTab(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.loket, _("Loket"))
        self.tabs.addTab(self.poli, office.unit_word())
        if not allowed(session.current(), "patient.write"):  # a poli clerk gives no numbers: the Poli tab first
            self.tabs.setCurrentWidget(self.poli)
        self.screen_button = QPushButton(_("Layar ruang tunggu"))
        self.screen_button.setToolTip(_("Layar penuh untuk TV di ruang tunggu: nomor yang dilayani dan berikutnya"))
        self.screen_button.clicked.connect(lambda: self.show_screen())
        self.waiting_room: WaitingRoomScreen | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.screen_button, 0, Qt.AlignmentFlag.AlignRight)
        self.changed.connect(self.reload)
        self.watcher = Watcher(target, self.changed.emit).start() if target is not None else None

    @classmethod
    def for_window(cls, window, section):
        return cls(window.target)  # it watches the window's database for another PC's changes

    def attach(self, window) -> None:
        self.serve_requested.connect(window.serve_from_queue)

    def reload(self) -> None:
        self.loket.reload()
        self.poli.reload()
        if self.waiting_room is not None and self.waiting_room.isVisible():
            self.waiting_room.reload()

    def show_screen(self) -> WaitingRoomScreen:
        if self.waiting_room is None:
            self.waiting_room = WaitingRoomScreen()
        self.waiting_room.reload()
        self.waiting_room.showFullScreen()
        return self.waiting_room

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None


class LoketTab(QWidget):
    """Find (or register at Pasien) the patient, choose the poli, give the number."""

    def __init__(self, page: QueuePage) -> None:
        super().__init__(page)
        self.page = page
        self.search = line(placeholder=_("Cari pasien: nama, No. RM, NIK atau No. BPJS"))
        self.search.setObjectName("loketSearch")
        self.found = QListWidget()
        self.found.setObjectName("loketFound")
        self.poli = combo(poli_choices())
        self.note = line(placeholder=_("Keluhan singkat, boleh kosong"))
        self.emergency = QCheckBox(_("Gawat darurat: dipanggil paling dulu"))
        self.emergency.setObjectName("loketEmergency")
        self.emergency.setToolTip(_("Lansia didahulukan dengan sendirinya menurut umurnya (Pengaturan > Daftar rujukan > "
                                    "Antrean)"))
        self.give_button = QPushButton(_("Beri nomor antrean"))
        self.give_button.setDefault(True)
        self.message = status_label()
        self.ticket_button = QPushButton(_("Cetak struk"))
        self.ticket_button.setToolTip(_("Struk nomor antrean untuk printer struk 58 mm"))
        self.ticket_button.setEnabled(False)
        self.ticket_button.clicked.connect(lambda: self.print_ticket())
        self.last: entries.Entry | None = None
        self.print_preview: PrintPreview | None = None
        self.old = QLabel()
        self.old.setObjectName("loketLeftOpen")
        self.old.setStyleSheet("color: #b00020;")
        self.old.setWordWrap(True)
        self.close_old_button = QPushButton(_("Tutup antrean hari sebelumnya"))
        self.close_old_button.clicked.connect(lambda: self.close_old())
        self.given = QLabel()
        self.given.setObjectName("loketGiven")
        self.given.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.model = ListModel([
            (office.unit_word(), lambda q: q.poli), (_("Menunggu"), lambda q: q.waiting),
            (_("Terlama menunggu"), lambda q: _minutes(q.longest_wait)), (_("Dilayani"), lambda q: q.serving),
            (_("Berikutnya"), lambda q: ", ".join(q.next_numbers)),
        ], self)
        self.queues = record_table(self.model)
        self.queues.setObjectName("loketQueues")
        form = QFormLayout()
        form.addRow(_("Pasien:"), self.search)
        form.addRow("", self.found)
        form.addRow(office.unit_word() + ":", self.poli)
        form.addRow(_("Keluhan:"), self.note)
        form.addRow("", self.emergency)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.give_button)
        given = QHBoxLayout()
        given.addWidget(self.given, 1)
        given.addWidget(self.ticket_button)
        left.addLayout(given)
        left.addWidget(self.message)
        left.addStretch(1)
        left.addWidget(self.old)
        left.addWidget(self.close_old_button)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.queues, 2)
        self.search.textChanged.connect(self._find)
        self.search.returnPressed.connect(lambda: self.found.setCurrentRow(0))
        self.give_button.clicked.connect(lambda: self.give())
        self.reload()

    def _find(self, text: str) -> None:
        self.found.clear()
        if len(text.strip()) < 2:
            return
        for hit in search_patients(text, limit=20):
            item = QListWidgetItem(f"{hit.no_rm}  {hit.name}  ({format_date(hit.birth_date)})")
            item.setData(Qt.ItemDataRole.UserRole, hit.id)
            self.found.addItem(item)
        if self.found.count():
            self.found.setCurrentRow(0)

    def give(self) -> entries.Entry | None:
        item = self.found.currentItem()
        if item is None:
            say(self.message, _("Cari dan pilih pasiennya dulu; pasien baru didaftarkan di bagian Pasien."), error=True)
            return None
        try:
            entry = entries.add(item.data(Qt.ItemDataRole.UserRole), self.poli.currentData(), note=self.note.text(),
                                emergency=self.emergency.isChecked())
        except KnownError as error:
            say(self.message, str(error), error=True)
            return None
        self.given.setText(entry.shown_label)
        self.last = entry
        self.ticket_button.setEnabled(True)
        say(self.message, _("{label} untuk {name} ({no_rm}) di poli {poli}.").format(
            label=entry.shown_label, name=entry.patient, no_rm=entry.no_rm, poli=entry.poli))
        self.note.clear()
        self.emergency.setChecked(False)
        self.search.clear()
        self.search.setFocus()
        self.page.changed.emit()
        return entry

    def print_ticket(self):
        """The last number's ticket through the print preview (the receipt printer is chosen there)."""
        from kupang_desk.queue.ticket import (
            write_ticket,  # ReportLab: when the first ticket is printed
        )

        if self.last is None:
            return None
        path = write_ticket(self.last, print_folder() / f"antrean-{self.last.label}.pdf")
        self.print_preview = preview_pdf(self, path, _("Nomor antrean {label}").format(label=self.last.label))
        return self.print_preview

    def close_old(self) -> int:
        closed = entries.close_left_open()
        say(self.message, _("{n} antrean hari sebelumnya ditutup (Batal: tidak selesai pada harinya).").format(n=closed))
        self.page.changed.emit()
        return closed

    def reload(self) -> None:
        self.model.set_items(entries.overview())
        _fit_columns(self.queues)
        old = entries.left_open()
        self.old.setText(_("{n} antrean dari hari sebelumnya belum ditutup: {labels}. Simpan kunjungannya di poli, "
                           "atau tutup semuanya.").format(n=len(old), labels=", ".join(
                               f"{e.label} {e.patient} ({e.day.strftime('%d-%m')})" for e in old[:5]))
                         if old else "")
        self.old.setVisible(bool(old))
        self.close_old_button.setVisible(bool(old))


class PoliTab(QWidget):
    """The poli's day: Panggil berikutnya (F2), Panggil ulang, Lewati, Layani, Rujuk, Batal; the
    selected patient's earlier diagnoses beside the list."""

    def __init__(self, page: QueuePage) -> None:
        super().__init__(page)
        self.follow: int | None = None  # the entry just called (F2): chosen again when the list is read
        self.page = page
        self.poli = combo(poli_choices())
        self.poli.setObjectName("poliChoice")
        self.model = ListModel([
            (_("No."), lambda e: e.shown_label), (_("Pasien"), lambda e: f"{e.no_rm} {e.patient}"),
            (_("Status"), lambda e: entries.state_words()[e.state]), (_("Datang"), lambda e: e.arrived_at.strftime("%H.%M")),
            (_("Keluhan"), lambda e: e.note),
        ], self, foreground=lambda e: "#1a7f37" if e.state in ("dipanggil", "dilayani") else
                                      ("#777777" if e.state not in entries.OPEN else
                                       "#b00020" if e.priority == entries.EMERGENCY else None))
        self.table = record_table(self.model, single=True)
        self.table.setObjectName("poliQueue")
        self.history = QListWidget()
        self.history.setObjectName("poliHistory")
        self.buttons = {}
        row = QHBoxLayout()
        for key, text in (("next", _("Panggil berikutnya (F2)")), ("recall", _("Panggil ulang")), ("skip", _("Lewati")),
                          ("serve", _("Layani")), ("refer", _("Rujuk...")), ("cancel", _("Batal..."))):
            button = self.buttons[key] = QPushButton(text)
            button.clicked.connect(lambda _checked=False, k=key: self.act(k))
            row.addWidget(button)
        row.addStretch(1)
        shortcut("F2", self, lambda: self.act("next"))
        self.message = status_label()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel(_("Diagnosis sebelumnya")))
        side_layout.addWidget(self.history)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        top = QHBoxLayout()
        top.addWidget(QLabel(office.unit_word() + ":"))
        top.addWidget(self.poli, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.poli.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_history())
        self.reload()

    def selected(self) -> entries.Entry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def reload(self) -> None:
        chosen = self.selected()
        # The number just called (F2) is the one chosen, so Layani serves it.
        wanted = self.follow if self.follow is not None else (chosen.id if chosen is not None else None)
        self.follow = None
        items = entries.day_list(poli_id=self.poli.currentData())
        self.model.set_items(items)
        _fit_columns(self.table)
        for number, item in enumerate(items):
            if item.id == wanted:
                self.table.selectRow(number)

    def _show_history(self) -> None:
        self.history.clear()
        entry = self.selected()
        if entry is None:
            return
        for past in diagnoses_over_time(entry.patient_id)[:15]:
            self.history.addItem(_("{code} {title}: {times}x, terakhir {last}").format(
                code=past.code, title=past.title, times=past.times, last=past.last.strftime("%d-%m-%Y")))
        if not self.history.count():
            self.history.addItem(_("Belum ada kunjungan sebelumnya."))

    def act(self, key: str) -> entries.Entry | None:
        entry = self.selected()
        try:
            if key == "next":
                entry = entries.call_next(self.poli.currentData())
                if entry is None:
                    say(self.message, _("Tidak ada pasien yang menunggu di poli ini."))
                    return None
            elif entry is None:
                say(self.message, _("Pilih satu nomor di daftar dulu."), error=True)
                return None
            elif key == "recall":
                entry = entries.recall(entry.id)
            elif key == "skip":
                entry = entries.skip(entry.id)
            elif key == "serve":
                entry = entries.serve(entry.id)
                self.page.serve_requested.emit(entry.id, entry.patient_id, entry.poli_id, entry.note)
            elif key == "refer":
                to = self._ask_poli(entry)
                if to is None:
                    return None
                entry = entries.refer(entry.id, to, note=entry.note, visit_id=entry.visit_id)
            elif key == "cancel":
                reason, ok = QInputDialog.getText(self, _("Batalkan antrean"), _("Alasan pembatalan {label}:").format(
                    label=entry.label))
                if not ok:
                    return None
                entry = entries.cancel(entry.id, reason)
        except KnownError as error:
            say(self.message, str(error), error=True)
            return None
        say(self.message, _("{label} {patient}: {state}.").format(label=entry.label, patient=entry.patient,
                                                                 state=entries.state_words()[entry.state]))
        if key in ("next", "recall"):
            QApplication.beep()
            self.follow = entry.id
        self.page.changed.emit()
        return entry

    def _ask_poli(self, entry: entries.Entry) -> int | None:
        choices = [(name, poli_id) for name, poli_id in poli_choices() if poli_id != entry.poli_id]
        name, ok = QInputDialog.getItem(self, _("Rujuk ke poli lain"), _("Poli tujuan untuk {label}:").format(
            label=entry.label), [n for n, _i in choices], 0, False)
        return dict(choices).get(name) if ok else None

    def finished(self, entry_id: int, visit_id: int) -> None:
        """The visit form was saved for this entry: Selesai."""
        try:
            done = entries.finish(entry_id, visit_id)
        except KnownError as error:
            say(self.message, str(error), error=True)
            return
        say(self.message, _("{label} {patient}: selesai, kunjungan disimpan.").format(label=done.label,
                                                                                      patient=done.patient))
        self.page.changed.emit()


class WaitingRoomScreen(QWidget):
    """The TV in the waiting room: per poli the number being served, large, and the next numbers;
    a beep when a new number is called."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(_("Antrean"))
        self.setStyleSheet("background: #0b3d5c; color: white;")
        self.grid = QGridLayout(self)
        self.shown: dict[int, str] = {}
        shortcut("Esc", self, self.close)

    def reload(self) -> None:
        while self.grid.count():
            taken = self.grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.setParent(None)  # gone at once, not at the next turn of the event loop
                widget.deleteLater()
        called = False
        for index, queue in enumerate(entries.overview()):
            name = QLabel(queue.poli)
            name.setFont(QFont(name.font().family(), 28, QFont.Weight.Bold))
            number = QLabel(queue.serving or "-")
            number.setObjectName(f"serving{queue.poli_id}")
            number.setFont(QFont(number.font().family(), 72, QFont.Weight.Bold))
            following = QLabel(_("Berikutnya: {numbers}").format(numbers=", ".join(queue.next_numbers) or "-"))
            following.setFont(QFont(following.font().family(), 22))
            column, row = index % 3, (index // 3) * 3
            for offset, label in enumerate((name, number, following)):
                label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.grid.addWidget(label, row + offset, column)
            called |= bool(queue.serving) and self.shown.get(queue.poli_id) != queue.serving
            self.shown[queue.poli_id] = queue.serving
        if called:
            QApplication.beep()  # the chime: the platform's own sound
