"""Daftar rujukan: poli, cara bayar, wilayah kerja, LB1 age bands, the No. RM pattern, and the population
with the PWS targets per kelurahan."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import office, population, settings
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.population import Inhabitants, estimated_targets, whole_number
from kupang_desk.queue import entries
from kupang_desk.ui.feedback import attempt, say, status_label
from kupang_desk.ui.widgets import (
    ListModel,
    ask_open_path,
    cell_data,
    cell_text,
    combo,
    line,
    record_table,
    select_data,
)


class ItemsEditor(QWidget):
    """A short reference list (poli, payment types): pick one to edit, or start a new one; never deleted."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind  # "poli" or "payment"
        model_columns = [(_("Nama"), lambda x: x.name), (_("Kode"), lambda x: x.code),
                         (_("Klaster ILP") if kind == "poli" else _("BPJS"),
                          (lambda x: x.cluster) if kind == "poli" else (
                              lambda x: (_("PBI") if x.is_pbi else _("Ya")) if x.is_bpjs else "")),
                         (_("Aktif"), lambda x: _("Ya") if x.active else _("Tidak"))]
        self.model = ListModel(model_columns, self)
        self.view = record_table(self.model, fill=True, single=True)
        self.name, self.code, self.extra = line(), line(), line()
        self.bpjs = QCheckBox(_("Peserta BPJS"))
        self.pbi = QCheckBox(_("PBI: iuran dibayar pemerintah (warga miskin)"))
        self.active = QCheckBox(_("Aktif"))
        self.active.setChecked(True)
        form = QFormLayout()
        form.addRow(_("Nama:"), self.name)
        form.addRow(_("Kode:"), self.code)
        if kind == "poli":
            form.addRow(_("Klaster ILP:"), self.extra)
        else:
            form.addRow("", self.bpjs)
            form.addRow("", self.pbi)
        form.addRow("", self.active)
        self.new_button, self.save_button = QPushButton(_("Baru")), QPushButton(_("Simpan"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        self.message = status_label()
        layout = QHBoxLayout(self)
        layout.addWidget(self.view, 2)
        side = QVBoxLayout()
        if kind == "poli":  # ILP: the office says whether its rooms are poli, clusters, or poli inside clusters
            self.units = combo([(words, mode) for mode, words in office.unit_mode_words().items()])
            self.units.setObjectName("unitMode")
            select_data(self.units, office.unit_mode())
            self.units.setToolTip(_("Menentukan kata di antrean, formulir kunjungan, register dan rekap. Pindah ke klaster: "
                                    "tambahkan klaster sebagai baris baru dan nonaktifkan poli lama, agar kunjungan lama "
                                    "tetap tercatat di poli tempat dibuat."))
            self.units.currentIndexChanged.connect(lambda _index: self.save_units())
            units = QFormLayout()
            units.addRow(_("Layanan disusun menurut:"), self.units)
            side.addLayout(units)
        side.addLayout(form)
        side.addWidget(self.message)
        side.addLayout(buttons)
        side.addStretch(1)
        layout.addLayout(side, 1)
        self.editing: int | None = None
        self.view.clicked.connect(lambda index: self.edit(self.model.item(index.row())))
        self.new_button.clicked.connect(lambda: self.edit(None))
        self.save_button.clicked.connect(self.save)
        self.reload()

    def reload(self) -> None:
        self.model.set_items(office.reference_items(self.kind))

    def save_units(self) -> bool:
        """The office's choice of words; the screens opened after it speak it."""
        return attempt(self.message, lambda: office.set_unit_mode(self.units.currentData()),
                       lambda mode: _("Disimpan: {words}. Layar yang dibuka sesudah ini memakainya.").format(
                           words=office.unit_mode_words()[mode]))

    def edit(self, item) -> None:
        self.editing = item.id if item else None
        self.name.setText(item.name if item else "")
        self.code.setText(item.code if item else "")
        if self.kind == "poli":
            self.extra.setText(item.cluster if item else "")
        else:
            self.bpjs.setChecked(bool(item and item.is_bpjs))
            self.pbi.setChecked(bool(item and item.is_pbi))
        self.active.setChecked(bool(item.active) if item else True)
        self.message.clear()
        self.name.setFocus()

    def save(self) -> bool:
        try:
            if self.kind == "poli":
                office.save_poli(self.name.text(), code=self.code.text(), cluster=self.extra.text(),
                                   active=self.active.isChecked(), poli_id=self.editing)
            else:
                office.save_payment_type(self.name.text(), code=self.code.text(), is_bpjs=self.bpjs.isChecked(),
                                           is_pbi=self.pbi.isChecked(), active=self.active.isChecked(),
                                           payment_id=self.editing)
        except KnownError as error:
            say(self.message, str(error), error=True)
            return False
        say(self.message, _("Disimpan."))
        self.reload()
        return True


class WorkAreaEditor(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        chosen = office.work_area()
        for code, name in office.city_kelurahan():
            item = QListWidgetItem(f"{name} ({code})")
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.save_button = QPushButton(_("Simpan wilayah kerja"))
        self.save_button.clicked.connect(self.save)
        self.message = status_label()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Centang kelurahan wilayah kerja puskesmas (rekap kunjungan memisahkan dalam dan luar wilayah).")))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)

    def checked(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def save(self) -> bool:
        return attempt(self.message, lambda: office.set_work_area(self.checked()),
                        lambda count: _("{count} kelurahan wilayah kerja disimpan.").format(count=count))


class AgeBandsEditor(QWidget):
    """LB1 age bands: a name, days or years, from and to (empty: and older)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Kelompok"), _("Satuan (hari/tahun)"), _("Dari"), _("Sampai")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        add, remove = QPushButton(_("Tambah baris")), QPushButton(_("Hapus baris"))
        reset = QPushButton(_("Kembalikan bawaan"))
        self.save_button = QPushButton(_("Simpan kelompok umur"))
        add.clicked.connect(lambda: self._add({"label": "", "years": [0, None]}))
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        reset.clicked.connect(lambda: self.load(office.default_age_bands()))
        self.save_button.clicked.connect(self.save)
        self.message = status_label()
        buttons = QHBoxLayout()
        for button in (add, remove, reset):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.load(settings.get("lb1.age_bands"))

    def load(self, bands: list[dict]) -> None:
        self.table.setRowCount(0)
        for band in bands:
            self._add(band)

    def _add(self, band: dict) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        days = band.get("days")
        low, high = days if days else band["years"]
        for column, value in enumerate((band["label"], _("hari") if days else _("tahun"),
                                        "" if low is None else str(low), "" if high is None else str(high))):
            self.table.setItem(row, column, QTableWidgetItem(value))

    def bands(self) -> list[dict]:
        result = []
        for row in range(self.table.rowCount()):
            label, unit, low, high = (cell_text(self.table, row, c) for c in range(4))
            try:
                low_value = int(low or 0)
                high_value = int(high) if high else None
            except ValueError:
                raise KnownError(_("Baris {row}: 'Dari' dan 'Sampai' harus angka.").format(row=row + 1)) from None
            if unit.lower().startswith(("h", "d")):
                result.append({"label": label, "years": [0, 0], "days": [low_value, high_value]})
            else:
                result.append({"label": label, "years": [low_value, high_value]})
        return result

    def save(self) -> bool:
        return attempt(self.message, lambda: office.set_age_bands(self.bands()), _("Kelompok umur disimpan; LB1 berikutnya memakainya."))


class NoRmEditor(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        current = settings.get("no_rm.pattern")
        self.kind = combo([(_("Nomor urut (000123)"), "running"), (_("Nomor keluarga (041001-0042-03)"), "family")])
        select_data(self.kind, current.get("kind", "running"))
        self.prefix = line(current.get("prefix", ""), max_length=5)
        self.digits = QSpinBox()
        self.digits.setRange(3, 10)
        self.digits.setValue(int(current.get("width", 6)))
        self.preview = QLabel()
        self.message = status_label()
        self.save_button = QPushButton(_("Simpan pola No. RM"))
        self.save_button.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow(_("Pola:"), self.kind)
        form.addRow(_("Awalan:"), self.prefix)
        form.addRow(_("Panjang nomor urut:"), self.digits)
        form.addRow(_("Contoh:"), self.preview)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Nomor yang sudah dipakai tidak berubah; pola baru berlaku untuk pasien berikutnya.")))
        layout.addWidget(self.message)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        for signal in (self.kind.currentIndexChanged, self.prefix.textChanged, self.digits.valueChanged):
            signal.connect(lambda *_args: self._preview())
        self._preview()

    def _preview(self) -> None:
        if self.kind.currentData() == "family":
            self.preview.setText("041001-0042-03")
        else:
            self.preview.setText(f"{self.prefix.text().strip().upper()}{123:0{self.digits.value()}d}")

    def save(self) -> bool:
        return attempt(self.message, lambda: office.set_no_rm_pattern(self.kind.currentData(), prefix=self.prefix.text(), width=self.digits.value()), _("Pola No. RM disimpan."))


class QueueEditor(QWidget):
    """Antrean: from which age a patient is called before the others (ILP: lansia didahulukan)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.elderly_age = QSpinBox()
        self.elderly_age.setObjectName("elderlyAge")
        self.elderly_age.setRange(0, 120)
        self.elderly_age.setSuffix(_(" tahun"))
        self.elderly_age.setSpecialValueText(_("tidak didahulukan"))
        self.elderly_age.setValue(entries.elderly_age())
        self.message = status_label()
        self.save_button = QPushButton(_("Simpan"))
        self.save_button.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow(_("Lansia didahulukan mulai umur:"), self.elderly_age)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        explained = QLabel(_("Poli memanggil pasien gawat darurat (ditandai loket) lebih dulu, lalu lansia, lalu yang lain "
                             "menurut nomor. Berlaku untuk nomor antrean yang diberikan sesudah disimpan."))
        explained.setWordWrap(True)  # never widens the window
        layout.addWidget(explained)
        layout.addWidget(self.message)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)

    def save(self) -> bool:
        return attempt(self.message, lambda: entries.set_elderly_age(self.elderly_age.value()), _("Disimpan."))


class PopulationEditor(QWidget):
    """Inhabitants per kelurahan (the access-gap report divides by them) and the year's PWS targets
    (the PWS report divides K1-K6, KN and IDL by them): typed in the table, imported from an Excel
    sheet, or the targets estimated from the birth rate where empty; saved whole or not at all."""

    PEOPLE, MEN, WOMEN, YEAR, PREGNANT, INFANTS, SOURCE = range(2, 9)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = (_("Kelurahan"), _("Kecamatan"), _("Penduduk"), _("Laki-laki"), _("Perempuan"), _("Tahun"),
                        _("Sasaran bumil"), _("Sasaran bayi"), _("Sumber"))
        self.table = QTableWidget(0, len(self.columns))
        self.table.setObjectName("populationTable")
        self.table.setHorizontalHeaderLabels(list(self.columns))
        self.table.setWordWrap(False)  # one line a kelurahan, a long source cut at the window's edge
        for column, tip in ((self.PREGNANT, _("Sasaran ibu hamil setahun (data sasaran Dinas)")),
                            (self.INFANTS, _("Sasaran bayi setahun (data sasaran Dinas)"))):
            header_item = self.table.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(tip)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(self.columns) - 1, QHeaderView.ResizeMode.Stretch)
        self.import_button = QPushButton(_("Impor dari Excel..."))
        self.import_button.setToolTip(_("Lembar dengan kolom Kelurahan (atau Kode) dan Jumlah penduduk; boleh ada "
                                        "Laki-laki, Perempuan, Tahun, Sasaran ibu hamil dan Sasaran bayi"))
        self.birth_rate = QDoubleSpinBox()
        self.birth_rate.setObjectName("birthRate")
        self.birth_rate.setRange(0, 60)
        self.birth_rate.setDecimals(1)
        self.birth_rate.setSingleStep(0.1)
        self.birth_rate.setSpecialValueText("-")
        self.birth_rate.setToolTip(_("Angka kelahiran kasar (CBR) per 1.000 penduduk setahun, dari Dinas atau BPS"))
        self.estimate_button = QPushButton(_("Isi sasaran yang kosong"))
        self.estimate_button.setToolTip(_("Pedoman PWS-KIA (Depkes 2009): sasaran ibu hamil 1,1 × CBR × penduduk, sasaran "
                                          "bayi CBR × penduduk. Angka dari Dinas lebih baik: ketik langsung di tabel."))
        self.save_button = QPushButton(_("Simpan penduduk"))
        self.message = status_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addSpacing(12)
        buttons.addWidget(QLabel(_("CBR per 1.000:")))
        buttons.addWidget(self.birth_rate)
        buttons.addWidget(self.estimate_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        intro = QLabel(_("Jumlah penduduk per kelurahan, dari BPS (Kota Kupang Dalam Angka) atau kelurahan: laporan akses "
                         "layanan menghitung kunjungan per 1.000 penduduk dari angka ini. Sasaran ibu hamil dan bayi "
                         "setahun, dari data sasaran Dinas: laporan PWS membagi K1-K6, KN dan IDL dengan angka ini. "
                         "Kosongkan yang belum ada angkanya."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.import_button.clicked.connect(self.choose_file)
        self.estimate_button.clicked.connect(self.estimate)
        self.save_button.clicked.connect(self.save)
        self.reload()

    def reload(self) -> None:
        rows = population.city_population()
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            values = [row.name, row.kecamatan, row.total, row.men, row.women, row.year, row.pregnant_target,
                      row.infant_target, row.source]
            for column, value in enumerate(values):
                item = QTableWidgetItem("" if value is None else str(value))
                if column < self.PEOPLE:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                elif column < self.SOURCE:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, row.code)
                self.table.setItem(number, column, item)

    def rows(self):
        """The table as typed, each number checked (the first wrong cell refused with its kelurahan)."""
        found = []
        for number in range(self.table.rowCount()):
            def text(column: int, row: int = number) -> str:
                return cell_text(self.table, row, column)

            name = text(0)
            total, men, women, year, pregnant, infants = (whole_number(text(column), self.columns[column].lower(), name)
                                                          for column in range(self.PEOPLE, self.SOURCE))
            found.append(Inhabitants(cell_data(self.table, number, 0), name, text(1), total, men, women, year,
                                     text(self.SOURCE), pregnant, infants))
        return found

    def estimate(self) -> bool:
        """Fills the empty targets of every kelurahan with a population from the birth rate typed;
        nothing is saved until the clerk has read them and pressed Simpan."""
        def fill() -> int:
            rate = self.birth_rate.value()
            if not rate:
                raise KnownError(_("Isi dulu angka kelahiran kasar (CBR) per 1.000 penduduk, dari Dinas atau BPS."))
            filled = 0
            for number, row in enumerate(self.rows()):
                if row.total is None:
                    continue
                pregnant, infants = estimated_targets(row.total, rate)
                for column, value in ((self.PREGNANT, pregnant), (self.INFANTS, infants)):
                    item = self.table.item(number, column)
                    if item is not None and not item.text().strip():
                        item.setText(str(value))
                        filled += 1
            return filled

        return attempt(self.message, fill, lambda filled: _(
            "{count} sasaran diisi dari CBR {rate}. Periksa angkanya, lalu Simpan penduduk.").format(
                count=filled, rate=self.birth_rate.textFromValue(self.birth_rate.value())) if filled else _(
            "Tidak ada sasaran kosong pada kelurahan yang berisi jumlah penduduk."))

    def save(self) -> bool:
        return attempt(self.message, lambda: population.set_population(self.rows()),
                       lambda count: _("Penduduk disimpan: {count} kelurahan berisi angka.").format(count=count))

    def choose_file(self) -> None:
        path = ask_open_path(self, "population", _("Impor jumlah penduduk"), _("Excel atau CSV (*.xlsx *.xls *.ods *.csv)"))
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> bool:
        done = attempt(self.message, lambda: population.import_population(path),
                       lambda count: _("{count} kelurahan diimpor dari {file}.").format(count=count, file=path))
        self.reload()
        return done
