"""The Laporan section: pick a report and a period, preview the table, save Excel or PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import (
    QStandardPaths,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import clock
from kupang_desk.documents.table import Period, Report
from kupang_desk.errors import KnownError, error_message
from kupang_desk.formatting import format_date, format_number
from kupang_desk.i18n import _
from kupang_desk.reports.base import KINDS, kind_label
from kupang_desk.reports.skdr import Week, office_week, week_of_setting
from kupang_desk.tasks import Cancelled
from kupang_desk.ui.operations import Operation, show_error
from kupang_desk.ui.periods import month_and_year, week_box, year_box
from kupang_desk.ui.printing import preview_pdf, print_folder
from kupang_desk.ui.report_table import ReportTableModel
from kupang_desk.ui.reporting import ReportingCalendar
from kupang_desk.ui.sections import SectionView
from kupang_desk.ui.widgets import (
    ask_save_path,
    combo,
    date_text,
    open_document,
    parse_date_text,
    select_data,
    shortcut,
)


class ReportsPage(QWidget, SectionView):
    """Report, period and options on top; the preview below; save buttons at the foot."""

    previewed = Signal(object)  # the Report shown
    saved = Signal(str)  # path written

    def __init__(self, parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        today = today or clock.today()
        last_month = (today.replace(day=1) - dt.timedelta(days=1))  # reports are due early in the next month
        self.operation: Operation | None = None
        self.report: Report | None = None
        self.report_options = None  # what the report on screen was counted with
        self.kind = combo([(kind_label(k), k) for k in KINDS])
        self.kind.setObjectName("reportKind")
        self.month, self.year = month_and_year(last_month)
        last_week = office_week(today).previous()
        self.week, self.week_year = week_box(last_week.number), year_box(last_week.year)
        self.week.setObjectName("skdrWeek")
        self.week_dates = QLabel()
        for box in (self.week, self.week_year):
            box.valueChanged.connect(self._show_week_dates)
        self.use_range = QCheckBox(_("Rentang tanggal lain:"))
        self.date_from = QLineEdit()
        self.date_from.setPlaceholderText(_("dari hh-bb-tttt"))
        self.date_to = QLineEdit()
        self.date_to.setPlaceholderText(_("sampai hh-bb-tttt"))
        self.rollup = QCheckBox(_("Gabungkan ke kategori 3 karakter (J06.9 menjadi J06)"))
        self.limit = QSpinBox()
        self.limit.setRange(1, 100)
        self.limit.setValue(10)
        self.all_cases = QCheckBox(_("Hitung semua kasus (bukan hanya kasus baru)"))
        self.include_z = QCheckBox(_("Ikut hitung kode Z (kontak, bukan penyakit)"))
        self.paper = combo([("A4", "A4"), (_("F4 / Folio"), "F4")])
        period = QHBoxLayout()
        for widget in (self.month, self.year, self.week, self.week_year, self.week_dates, self.use_range, self.date_from,
                       self.date_to):
            period.addWidget(widget)
        period.addStretch(1)
        form = self.form = QFormLayout()
        form.addRow(_("Laporan:"), self.kind)
        form.addRow(_("Periode:"), period)
        form.addRow(_("Jumlah penyakit:"), self.limit)
        form.addRow("", self.rollup)
        form.addRow("", self.all_cases)
        form.addRow("", self.include_z)
        form.addRow(_("Kertas:"), self.paper)
        self.preview_button = QPushButton(_("Pratinjau (Enter)"))
        self.xlsx_button = QPushButton(_("Simpan Excel..."))
        self.pdf_button = QPushButton(_("Simpan PDF..."))
        self.print_button = QPushButton(_("Cetak... (Ctrl+P)"))
        self.print_button.setToolTip(_("Pratinjau cetak lalu cetak ke printer, dengan kertas dan arah halaman laporan"))
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.xlsx_button, self.pdf_button, self.print_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.status = QLabel(_("Pilih laporan dan periode, lalu Pratinjau."))
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.tables = combo([])
        self.tables.hide()
        self.model = ReportTableModel(self)
        self.view = QTableView()
        self.view.setObjectName("reportPreview")
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        maker = QWidget()
        layout = QVBoxLayout(maker)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.tables)
        layout.addWidget(self.view, 1)
        self.calendar = ReportingCalendar(today=today)
        self.calendar.open_report.connect(self.show_period)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reportTabs")
        self.tabs.addTab(maker, _("Buat laporan"))
        self.tabs.addTab(self.calendar, _("Kalender pelaporan"))
        self.tabs.currentChanged.connect(lambda index: self.calendar.refresh() if index == 1 else None)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs)
        self.kind.currentIndexChanged.connect(self._show_options)
        self.tables.currentIndexChanged.connect(self._show_table)
        self.preview_button.clicked.connect(self.preview)
        self.xlsx_button.clicked.connect(lambda: self.save_as("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.save_as("pdf"))
        self.print_button.clicked.connect(lambda: self.print_report())
        shortcut("Ctrl+P", self, self.print_report)
        for edit in (self.date_from, self.date_to):
            edit.returnPressed.connect(self.preview)
        self._show_options()

    def _show_options(self) -> None:
        kind = self.kind.currentData()
        weekly = kind == "skdr"
        widget: QWidget
        for widget in (self.month, self.year, self.use_range, self.date_from, self.date_to):
            widget.setVisible(not weekly)
        for widget in (self.week, self.week_year, self.week_dates):
            widget.setVisible(weekly)
        self._show_week_dates()
        self.form.setRowVisible(self.rollup, kind == "lb1")
        for widget in (self.limit, self.all_cases, self.include_z):
            self.form.setRowVisible(widget, kind == "top")
        self.model.set_table(None)
        self.report = None
        self.tables.setVisible(False)  # the table selector of the last recap belongs to it, not to this report
        self.status.setText("")

    def _week(self) -> Week:
        return week_of_setting(f"{self.week_year.value()}-W{self.week.value():02d}")

    def _show_week_dates(self) -> None:
        try:
            period = self._week().period()
        except KnownError as error:
            self.week_dates.setText(str(error))
            return
        self.week_dates.setText(_("{start} s.d. {end}").format(start=format_date(period.start), end=format_date(period.end)))

    def attach(self, window) -> None:
        self.calendar.changed.connect(window.refresh_reminders)

    def show_target(self, target: str, **details) -> None:
        """"calendar": the reporting calendar; "report": one report of one period, previewed."""
        if target == "calendar":
            self.tabs.setCurrentWidget(self.calendar)
        elif target == "report":
            self.show_period(details["kind"], details["period"])

    def show_period(self, kind: str, period: Period) -> None:
        """Shows one report of one period (from the calendar) and previews it."""
        select_data(self.kind, kind)
        if kind == "skdr":
            week = office_week(period.start)
            self.week_year.setValue(week.year)
            self.week.setValue(week.number)
        elif period.is_month:
            self.use_range.setChecked(False)
            self.year.setValue(period.start.year)
            select_data(self.month, period.start.month)
        else:  # a range (the Beranda's twelve months)
            self.use_range.setChecked(True)
            self.date_from.setText(date_text(period.start))
            self.date_to.setText(date_text(period.end))
        self.tabs.setCurrentIndex(0)
        self.preview()

    def period(self) -> Period:
        if self.kind.currentData() == "skdr":
            return self._week().period()
        if self.use_range.isChecked():
            start, end = parse_date_text(self.date_from.text()), parse_date_text(self.date_to.text())
            if start is None or end is None:
                raise KnownError(_("Tanggal awal dan akhir harus diisi hari-bulan-tahun, misalnya 01-10-2026."))
            return Period.between(start, end)
        return Period.month(f"{self.year.value()}-{self.month.currentData():02d}")

    def options(self):
        from kupang_desk.reports import service  # openpyxl and ReportLab load when first needed

        return service.Options(rollup=self.rollup.isChecked(), limit=self.limit.value(),
                               new_cases_only=not self.all_cases.isChecked(), include_z=self.include_z.isChecked(),
                               paper=self.paper.currentData())

    def _run(self, title: str, work, on_success) -> Operation | None:
        try:
            period, options, kind = self.period(), self.options(), self.kind.currentData()
        except KnownError as error:
            self.status.setText(str(error))
            return None
        self.status.setText(_("Menghitung..."))
        self.operation = Operation(self, lambda task: work(task, kind, period, options), title=title, on_success=on_success,
                                   on_failure=self._failed)
        return self.operation.start()

    def _failed(self, error: BaseException) -> None:
        """The status line never stays on "Menghitung..." after a failure or a cancel."""
        if isinstance(error, Cancelled):
            self.status.setText(_("Dibatalkan; tidak ada yang disimpan."))
            return
        self.status.setText(_("Tidak selesai: {reason}").format(reason=error_message(error)))
        show_error(self, error)

    def preview(self) -> Operation | None:
        """Counts the report off the GUI thread and shows its tables (the register: first 1,000 rows)."""
        from kupang_desk.reports import service

        def shown(result) -> None:
            report, self.report_options = result
            self._show_report(report)

        return self._run(_("Menghitung laporan"), lambda task, kind, period, options: (
            service.make(kind, period, options, task=task, preview_rows=1000), options), shown)

    def _previewed(self):
        """The report on screen now, for a save with the same options (which reuses it while the
        database is unchanged, so a preview-then-save counts once)."""
        report, counted_with = self.report, self.report_options
        return lambda options: report if report is not None and counted_with == options else None

    def _show_report(self, report: Report) -> None:
        self.report = report
        self.tables.blockSignals(True)
        self.tables.clear()
        for table in report.tables:
            self.tables.addItem(table.title)
        self.tables.blockSignals(False)
        self.tables.setVisible(len(report.tables) > 1)
        self._show_table()
        rows = sum(len(t.rows) for t in report.tables)
        revision = " " + _("(Revisi {n}: berubah sejak dikirim)").format(n=report.revision) if report.revision else ""
        self.status.setText(report.empty_note() if report.empty else _("{title}, {period}: {rows} baris. Simpan sebagai Excel atau PDF.").format(
            title=report.title, period=report.period.label(), rows=format_number(rows)) + revision)
        if report.closing and report.kind == "skdr":  # the alerts, with the kelurahan of the cases
            self.status.setText(self.status.text() + "\n" + "\n".join(report.closing))
        self.previewed.emit(report)

    def _show_table(self) -> None:
        if self.report is not None and self.report.tables:
            self.model.set_table(self.report.tables[max(self.tables.currentIndex(), 0)])

    def default_name(self, suffix: str) -> str:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        try:
            slug = self._week().label() if self.kind.currentData() == "skdr" else self.period().slug()
        except KnownError:
            slug = "laporan"
        return str(Path(folder) / f"{self.kind.currentData()}-{slug}.{suffix}")

    def save_as(self, suffix: str, path: str | None = None) -> Operation | None:
        """Asks where (unless ``path`` is given), writes off the GUI thread with progress, then opens the file."""
        if not path:
            path = ask_save_path(self, f"report-{suffix}", _("Simpan laporan"), self.default_name(suffix),
                                 "Excel (*.xlsx)" if suffix == "xlsx" else "PDF (*.pdf)")
            if not path:
                return None
        if not path.lower().endswith(f".{suffix}"):
            path += f".{suffix}"

        def work(task, kind, period, options):
            from kupang_desk.reports import service

            return service.save(kind, period, options, task=task, previewed=previewed(options), **{suffix: path}), options

        previewed = self._previewed()

        def done(result) -> None:
            report, options = result
            if self.report is None or report is not self.report:  # counted afresh: what the page holds now
                self.report_options = options
                self._show_report(report)
            self.status.setText(_("Disimpan: {path}").format(path=path))
            self.saved.emit(path)
            open_document(Path(path))

        return self._run(_("Menyimpan laporan"), work, done)

    def print_report(self) -> Operation | None:
        """Writes the report's PDF into the print folder off the GUI thread, then opens the print preview."""
        name = Path(self.default_name("pdf")).name
        path = str(print_folder() / name)

        def work(task, kind, period, options):
            from kupang_desk.reports import service

            return service.save(kind, period, options, task=task, pdf=path, previewed=previewed(options)), options

        previewed = self._previewed()

        def done(result) -> None:
            report, options = result
            if self.report is None or report is not self.report:
                self.report_options = options
                self._show_report(report)
            self.status.setText(_("{title}, {period}: pratinjau cetak dibuka.").format(
                title=report.title, period=report.period.label()))
            self.print_preview = preview_pdf(self, Path(path), report.title)

        return self._run(_("Menyiapkan cetakan"), work, done)
