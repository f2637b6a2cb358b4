"""Pelaporan: due dates, the SKDR week, thresholds and ICD-10 mapping, and the DHIS2 server."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import settings
from kupang_desk.i18n import _
from kupang_desk.submissions import options
from kupang_desk.submissions.options import ReportingOptions
from kupang_desk.ui.feedback import attempt, status_label
from kupang_desk.ui.widgets import ask_open_path, cell, cell_text, combo, line, select_data


def weekdays() -> list[str]:
    return [_("Senin"), _("Selasa"), _("Rabu"), _("Kamis"), _("Jumat"), _("Sabtu"), _("Minggu")]


class ReportingTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        current = ReportingOptions.current()
        self.monthly_day = QSpinBox()
        self.monthly_day.setRange(1, 28)
        self.monthly_day.setValue(current.monthly_due_day)
        self.weekly_day = combo([(name, index) for index, name in enumerate(weekdays())])
        select_data(self.weekly_day, current.weekly_due_weekday)
        self.week_start = combo([(_("Minggu sampai Sabtu (formulir W2)"), True), (_("Senin sampai Minggu (ISO)"), False)])
        select_data(self.week_start, current.week_starts_sunday)
        self.url = line(current.dhis2_url, placeholder="https://dhis2.example.go.id")
        self.username = line(current.dhis2_username, placeholder=_("akun DHIS2 puskesmas"))
        self.org_unit = line(current.dhis2_org_unit, placeholder=_("kosong: kode puskesmas di Profil"))
        self.id_scheme = combo([(_("kode (code) dari Dinas"), "code"), (_("uid DHIS2"), "uid")])
        self.id_scheme.setToolTip(_("Cara server DHIS2 Dinas mengenali data element, category option combo dan "
                                    "orgUnit: kodenya, atau uid 11 huruf-angka (misalnya DiszpKrYNg8)"))
        select_data(self.id_scheme, current.dhis2_id_scheme)
        self.mapping_state = QLabel()
        self.mapping_state.setWordWrap(True)
        load = QPushButton(_("Muat file pemetaan (CSV)..."))
        load.clicked.connect(lambda: self.load_mapping())
        metadata = QPushButton(_("Muat metadata DHIS2 (JSON)..."))
        metadata.setToolTip(_("Ekspor metadata data set LB1 dan SKDR dari server Dinas: uid, zero is significant, "
                              "jenis periode; tanpa file pemetaan, pemetaan dibuat darinya"))
        metadata.clicked.connect(lambda: self.load_metadata())
        mapping_row = QHBoxLayout()
        mapping_row.addWidget(load)
        mapping_row.addWidget(metadata)
        mapping_row.addStretch(1)
        form = QFormLayout()
        form.addRow(_("Laporan bulanan dikirim paling lambat tanggal:"), self.monthly_day)
        form.addRow(_("SKDR dikirim paling lambat hari:"), self.weekly_day)
        form.addRow(_("Minggu epidemiologi:"), self.week_start)
        form.addRow(_("Server DHIS2:"), self.url)
        form.addRow(_("Akun DHIS2:"), self.username)
        form.addRow(_("Kode orgUnit DHIS2:"), self.org_unit)
        form.addRow(_("Server Dinas mengenali data dengan:"), self.id_scheme)
        form.addRow(_("Pemetaan DHIS2:"), self.mapping_state)
        form.addRow("", mapping_row)
        self.message = status_label()
        self.save_button = QPushButton(_("Simpan"))
        self.save_button.clicked.connect(self.save)
        general = QGroupBox(_("Batas kirim dan DHIS2"))
        column = QVBoxLayout(general)
        column.addLayout(form)
        column.addWidget(self.message)
        column.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)

        self.thresholds = QTableWidget(0, 3)
        self.thresholds.setObjectName("skdrThresholds")
        self.thresholds.setHorizontalHeaderLabels([_("Kode"), _("Penyakit atau sindrom"), _("Ambang (kasus seminggu)")])
        self.thresholds.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for index in (0, 2):  # the headers whole: "Ambang (kasus seminggu)"
            self.thresholds.horizontalHeader().setSectionResizeMode(index, QHeaderView.ResizeMode.ResizeToContents)
        self.thresholds.verticalHeader().hide()
        self.mapping = QTableWidget(0, 2)
        self.mapping.setObjectName("skdrMapping")
        self.mapping.setHorizontalHeaderLabels([_("Awalan kode ICD-10"), _("Kode SKDR")])
        self.mapping.horizontalHeader().setStretchLastSection(True)
        self.mapping.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.mapping.verticalHeader().hide()
        add, remove, reset = QPushButton(_("Tambah baris")), QPushButton(_("Hapus baris")), QPushButton(_("Kembalikan bawaan"))
        add.clicked.connect(self._add_mapping_row)
        remove.clicked.connect(lambda: self.mapping.removeRow(self.mapping.currentRow()))
        reset.clicked.connect(self.reset_skdr)
        self.skdr_message = status_label()
        self.skdr_save = QPushButton(_("Simpan SKDR"))
        self.skdr_save.clicked.connect(self.save_skdr)
        tables = QHBoxLayout()
        tables.addWidget(self.thresholds, 3)
        tables.addWidget(self.mapping, 2)
        buttons = QHBoxLayout()
        for button in (add, remove, reset):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.skdr_save)
        skdr = QGroupBox(_("SKDR: ambang peringatan dan pemetaan ICD-10"))
        column = QVBoxLayout(skdr)
        column.addLayout(tables, 1)
        column.addLayout(buttons)
        column.addWidget(self.skdr_message)
        # The SKDR tables show six rows at least; on a 768 px screen the tab scrolls rather than grow the window.
        rows = 6
        for table in (self.thresholds, self.mapping):
            table.setMinimumHeight(table.horizontalHeader().sizeHint().height() + rows * table.verticalHeader().defaultSectionSize()
                                   + 2 * table.frameWidth())
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(general)
        layout.addWidget(skdr, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._show_skdr()
        self._show_mapping_state()

    def _show_mapping_state(self) -> None:
        rows = settings.get("dhis2.mapping")
        elements = {facts["id"] for facts in settings.get("dhis2.metadata").get("dataElement", {}).values()}
        text = _("{n} baris dimuat").format(n=len(rows)) if rows else _("belum ada")
        if elements:
            text += "; " + _("metadata: {n} data element").format(n=len(elements))
        self.mapping_state.setText(text)

    def _show_skdr(self) -> None:
        codes = options.skdr_thresholds()
        self.thresholds.setRowCount(len(codes))
        for row, (letter, name, threshold) in enumerate(codes):
            for column, text in ((0, letter), (1, name)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.thresholds.setItem(row, column, item)
            spin = QSpinBox()
            spin.setRange(1, 10_000)
            spin.setValue(threshold)
            self.thresholds.setCellWidget(row, 2, spin)
        pairs = options.skdr_mapping()
        self.mapping.setRowCount(len(pairs))
        for row, (prefix, letter) in enumerate(pairs):
            self.mapping.setItem(row, 0, QTableWidgetItem(prefix))
            self.mapping.setItem(row, 1, QTableWidgetItem(letter))

    def _add_mapping_row(self) -> None:
        row = self.mapping.rowCount()
        self.mapping.insertRow(row)
        self.mapping.setItem(row, 0, QTableWidgetItem(""))
        self.mapping.setItem(row, 1, QTableWidgetItem(""))
        self.mapping.setCurrentCell(row, 0)
        self.mapping.editItem(cell(self.mapping, row, 0))

    def current_options(self) -> ReportingOptions:
        return ReportingOptions(self.monthly_day.value(), self.weekly_day.currentData(), self.week_start.currentData(),
                                self.url.text(), self.username.text(), self.org_unit.text(), self.id_scheme.currentData())

    def save(self) -> bool:
        return attempt(self.message, lambda: options.save_options(self.current_options()), _("Disimpan."))

    def _threshold(self, row: int) -> int:
        box = self.thresholds.cellWidget(row, 2)
        assert isinstance(box, QSpinBox), box
        return box.value()

    def save_skdr(self) -> bool:
        def work() -> int:
            thresholds = {cell_text(self.thresholds, row, 0): self._threshold(row) for row in range(self.thresholds.rowCount())}
            pairs = [(cell_text(self.mapping, row, 0), cell_text(self.mapping, row, 1)) for row in range(self.mapping.rowCount())]
            options.set_skdr_thresholds(thresholds)
            return options.set_skdr_mapping(pairs)

        done = attempt(self.skdr_message, work, lambda n: _("Ambang dan pemetaan SKDR disimpan ({n} awalan kode).").format(n=n))
        if done:
            self._show_skdr()
        return done

    def reset_skdr(self) -> bool:
        def work() -> int:
            options.set_skdr_thresholds({})
            return options.set_skdr_mapping(None)

        done = attempt(self.skdr_message, work, _("Ambang dan pemetaan SKDR kembali ke bawaan."))
        self._show_skdr()
        return done

    def load_metadata(self, path: str | None = None, *, build: bool | None = None) -> bool:
        """Loads the Dinas's metadata export; with no mapping loaded yet (or ``build``), the mapping is
        built from it and the id scheme becomes uid; otherwise the mapping stays and the metadata gives
        its uids, zeros and period types."""
        from kupang_desk.submissions import dhis2_metadata

        path = path or ask_open_path(self, "dhis2-metadata", _("Metadata DHIS2 dari Dinas"), _("JSON (*.json)"))
        if not path:
            return False
        if build is None:
            build = not settings.get("dhis2.mapping")
        if build:
            done = attempt(self.message, lambda: dhis2_metadata.build_mapping(path),
                           lambda made: _("Pemetaan DHIS2 dibuat dari metadata: {summary}").format(summary=made.summary()))
            if done:
                select_data(self.id_scheme, "uid")
        else:
            done = attempt(self.message, lambda: dhis2_metadata.load_metadata(path),
                           lambda counts: _("Metadata DHIS2 dimuat: {n} data element; pemetaan yang ada tetap dipakai.").format(
                               n=counts.get("dataElement", 0)))
        self._show_mapping_state()
        return done

    def load_mapping(self, path: str | None = None) -> bool:
        from kupang_desk.submissions import dhis2  # the DHIS2 module loads the report writers

        path = path or ask_open_path(self, "dhis2-mapping", _("File pemetaan DHIS2"), _("CSV (*.csv)"))
        if not path:
            return False
        done = attempt(self.message, lambda: dhis2.store_mapping(path),
                       lambda n: _("Pemetaan DHIS2 dimuat: {n} baris.").format(n=n))
        self._show_mapping_state()
        return done
