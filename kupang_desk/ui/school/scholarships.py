"""Sekolah > Beasiswa: programmes, awards through their steps, payouts, the printed list, letters, recap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import clock
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date, format_rupiah
from kupang_desk.i18n import _
from kupang_desk.scholarships import awards, programmes
from kupang_desk.students.records import class_groups
from kupang_desk.ui.operations import Operation, show_error
from kupang_desk.ui.printing import preview_pdf, print_folder
from kupang_desk.ui.school.award_dialogs import (
    HistoryDialog,
    PayoutDialog,
    ProgrammeDialog,
    StepDialog,
)
from kupang_desk.ui.widgets import (
    ERROR_STYLE,
    ListModel,
    ask_save_path,
    combo,
    flow_row,
    labelled,
    open_document,
    record_table,
)

OVERDUE_COLOR = "#b00020"


def overdue(row: awards.AwardRow, today: dt.date | None = None) -> bool:
    """Nominated, the account still not active, and its activation deadline already passed."""
    return row.status == "sk_nominasi" and row.deadline is not None and row.deadline < (today or clock.today())


class AwardsTab(QWidget):
    """The recipients of one programme: filter, select, move them on, print."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.programme_box = QComboBox()
        self.programme_box.setObjectName("programmeBox")
        self.status_box = combo([(awards.status_label(s), s) for s in awards.STATUS_ORDER], empty=_("Semua status"))
        self.class_box = QComboBox()
        self.flag_box = combo([(awards.flag_label(f), f) for f in (*awards.SOCIAL_FLAGS, "any", awards.POOREST)],
                              empty=_("Semua siswa"))
        self.flag_box.setObjectName("flagBox")
        self.flag_box.setToolTip(_("Hanya siswa yang keluarganya memegang KIP, KKS atau menerima PKH, atau yang desil DTSEN-nya "
                                   "1-4 (yang termiskin lebih dulu)"))
        self.warning = QLabel()
        self.warning.setObjectName("deadlineWarning")
        self.warning.setStyleSheet(ERROR_STYLE + " font-weight: bold;")
        self.warning.setWordWrap(True)
        self.doubles = QLabel()  # students who also receive a programme they may not have beside this one
        self.doubles.setObjectName("doubleRecipients")
        self.doubles.setStyleSheet(ERROR_STYLE)
        self.doubles.setWordWrap(True)
        self.doubles.hide()
        self.show_late = QPushButton(_("Tampilkan yang rekeningnya belum aktif"))
        self.model = ListModel([
            (_("NISN"), lambda r: r.nisn), (_("Nama"), lambda r: r.name), (_("Kelas"), lambda r: r.class_group),
            (_("KIP/KKS/PKH"), lambda r: ", ".join(r.flags)), (_("Desil"), lambda r: r.decile or ""),
            (_("Jumlah"), lambda r: format_rupiah(r.amount)),
            (_("Sudah cair"), lambda r: format_rupiah(r.paid)),
            (_("Status"), lambda r: awards.status_label(r.status)),
            (_("Batas aktivasi"), lambda r: format_date(r.deadline) if r.status == "sk_nominasi" else ""),
            (_("Bank"), lambda r: r.bank), (_("No. rekening"), lambda r: r.account_number),
            (_("Keterangan"), lambda r: r.cancel_reason or r.reason),
        ], self, foreground=lambda r: OVERDUE_COLOR if overdue(r) else None)
        self.view = record_table(self.model)
        self.view.setObjectName("awardsTable")
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for column, width in enumerate((95, 200, 75, 95, 95, 95, 110, 130, 50, 130)):
            self.view.setColumnWidth(column, width)
        self.totals = QLabel()
        self.totals.setObjectName("awardTotals")
        self.propose_button = QPushButton(_("Usulkan siswa layak PIP"))
        self.step_button = QPushButton(_("Ubah status..."))
        self.payout_button = QPushButton(_("Catat pencairan..."))
        self.print_button = QPushButton(_("Cetak daftar penerima..."))
        self.print_button.setToolTip(_("Pratinjau cetak lalu ke printer; untuk file PDF dan Excel: Simpan daftar"))
        self.save_list_button = QPushButton(_("Simpan daftar (PDF, Excel)..."))
        self.letters_button = QPushButton(_("Surat aktivasi rekening..."))
        self.recap_button = QPushButton(_("Rekap (Excel)..."))
        self.paper = combo([("A4", "A4"), ("F4", "F4")])
        self.new_programme_button = QPushButton(_("Program baru..."))
        self.edit_programme_button = QPushButton(_("Ubah program..."))
        # Rows that wrap on a narrow screen (1024 px) instead of pushing buttons out of reach.
        filters = flow_row(labelled(_("Program:"), self.programme_box), self.edit_programme_button,
                           self.new_programme_button, labelled(_("Status:"), self.status_box),
                           labelled(_("Kelas:"), self.class_box), labelled(_("Kartu:"), self.flag_box))
        warning = QHBoxLayout()
        warning.addWidget(self.warning, 1)
        warning.addWidget(self.show_late)
        actions = flow_row(self.propose_button, self.step_button, self.payout_button, labelled(_("Kertas:"), self.paper),
                           self.print_button, self.save_list_button, self.letters_button, self.recap_button)
        layout = QVBoxLayout(self)
        layout.addWidget(filters)
        layout.addLayout(warning)
        layout.addWidget(self.doubles)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.totals)
        layout.addWidget(actions)
        self.dialog: QDialog | None = None
        self.operation: Operation | None = None
        self.last_saved: list[Path] = []
        self.programme_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.status_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.class_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.flag_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.show_late.clicked.connect(lambda: self.status_box.setCurrentIndex(self.status_box.findData("sk_nominasi")))
        self.propose_button.clicked.connect(self.propose_eligible)
        self.new_programme_button.clicked.connect(lambda: self.edit_programme(None))
        self.edit_programme_button.clicked.connect(lambda: self.edit_programme(self.programme()))
        self.view.doubleClicked.connect(lambda index: self.show_history(self.model.item(index.row())))
        self.step_button.clicked.connect(self.ask_step)
        self.payout_button.clicked.connect(self.ask_payout)
        self.print_button.clicked.connect(lambda: self.print_list())
        self.save_list_button.clicked.connect(lambda: self.save_list())
        self.letters_button.clicked.connect(lambda: self.print_letters())
        self.recap_button.clicked.connect(lambda: self.save_recap())
        self.reload()

    # -- data
    def reload(self) -> None:
        current = self.programme_box.currentData()
        self.programme_box.blockSignals(True)
        self.programme_box.clear()
        for label, programme_id in programmes.programme_choices():  # this year's PIP first
            self.programme_box.addItem(label, programme_id)
        index = self.programme_box.findData(current)
        self.programme_box.setCurrentIndex(max(index, 0))
        self.programme_box.blockSignals(False)
        self.class_box.blockSignals(True)
        group = self.class_box.currentData()
        self.class_box.clear()
        self.class_box.addItem(_("Semua"), "")
        for name in class_groups():
            self.class_box.addItem(name, name)
        self.class_box.setCurrentIndex(max(self.class_box.findData(group), 0))
        self.class_box.blockSignals(False)
        self.refresh()

    def programme(self) -> programmes.Programme | None:
        return programmes.programme_by_id(self.programme_box.currentData())

    def refresh(self) -> None:
        programme = self.programme()
        status = self.status_box.currentData()
        rows = awards.award_rows(programme, statuses=[status] if status else [], class_group=self.class_box.currentData() or "",
                                 flag=self.flag_box.currentData() or "") if programme else []
        self.model.set_items(rows)
        totals = awards.Totals.of(rows)
        self.totals.setText(_("{count} penerima · jumlah {amount} · sudah cair {paid} · belum cair {outstanding}").format(
            count=totals.recipients, amount=format_rupiah(totals.amount), paid=format_rupiah(totals.paid),
            outstanding=format_rupiah(totals.outstanding)))
        warnings = awards.deadline_warnings()
        late = sum(1 for _row, days in warnings if days < 0)
        if warnings:
            self.warning.setText(_("Rekening {count} siswa belum aktif dan batas waktunya dekat ({late} sudah lewat): {names}.").format(
                count=len(warnings), late=late, names=", ".join(f"{row.name} ({format_date(row.deadline)})" for row, _d in warnings[:4])
                + (" …" if len(warnings) > 4 else "")))
        else:
            self.warning.setText("")
        self.warning.setVisible(bool(warnings))
        self.show_late.setVisible(bool(warnings))
        doubles = awards.double_recipients(programme) if programme else []
        self.doubles.setText(_("Penerima ganda, periksa sebelum SK dibuat ({n}): {which}").format(
            n=len(doubles), which=" ".join(doubles[:3]) + (" …" if len(doubles) > 3 else "")) if doubles else "")
        self.doubles.setVisible(bool(doubles))

    def selected(self) -> list[awards.AwardRow]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.item(row) for row in rows]

    def select_rows(self, rows: list[int]) -> None:
        self.view.clearSelection()
        mode = self.view.selectionMode()
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row in rows:
            self.view.selectRow(row)
        self.view.setSelectionMode(mode)

    # -- actions
    def edit_programme(self, programme: programmes.Programme | None) -> ProgrammeDialog:
        dialog = self.dialog = ProgrammeDialog(programme, self)

        def saved(programme_id: int) -> None:
            self.reload()
            self.programme_box.setCurrentIndex(max(self.programme_box.findData(programme_id), 0))

        dialog.saved.connect(saved)
        dialog.open()
        return dialog

    def show_history(self, row: awards.AwardRow | None) -> HistoryDialog | None:
        if row is None:
            return None
        dialog = self.dialog = HistoryDialog(awards.award_history(row.award_id), self)
        dialog.open()
        return dialog

    def propose_eligible(self) -> None:
        programme = self.programme()
        if programme is None:
            return
        try:
            added = awards.propose_eligible(programme)
        except KnownError as error:
            show_error(self, error)
            return
        self.refresh()
        self.totals.setText(_("{count} siswa layak PIP diusulkan.").format(count=added) + " " + self.totals.text())

    def ask_step(self) -> StepDialog | None:
        chosen = self.selected()
        if not chosen:
            show_error(self, KnownError(_("Pilih dulu siswa penerima di daftar (Ctrl atau Shift untuk memilih banyak).")))
            return None
        dialog = self.dialog = StepDialog(chosen[0].status, len(chosen), self)
        dialog.accepted.connect(lambda: self.apply_step(chosen, dialog.step()))
        dialog.open()
        return dialog

    def apply_step(self, chosen: list[awards.AwardRow], step: awards.Step) -> bool:
        try:
            awards.transition([r.award_id for r in chosen], step)
        except KnownError as error:
            show_error(self, error)
            return False
        self.refresh()
        return True

    def ask_payout(self) -> PayoutDialog | None:
        chosen = self.selected()
        programme = self.programme()
        if not chosen or programme is None:
            show_error(self, KnownError(_("Pilih dulu siswa penerima di daftar (Ctrl atau Shift untuk memilih banyak).")))
            return None
        dialog = self.dialog = PayoutDialog(list(programme.stages), len(chosen), self)
        dialog.accepted.connect(lambda: self.apply_payout(chosen, *dialog.values()))
        dialog.open()
        return dialog

    def apply_payout(self, chosen: list[awards.AwardRow], stage: int, paid_on: dt.date | None, amount: int | None) -> bool:
        try:
            if paid_on is None:
                raise KnownError(_("Tanggal cair tidak dikenal; tulis hari-bulan-tahun, misalnya 20-08-2026."))
            awards.record_payout([r.award_id for r in chosen], stage, paid_on, amount=amount)
        except KnownError as error:
            show_error(self, error)
            return False
        self.refresh()
        return True

    def _ask_path(self, title: str, name: str, pattern: str) -> str:
        return ask_save_path(self, "recipient-list", title, name, pattern)

    def print_list(self) -> Operation | None:
        """Cetak: the recipient list straight to the print preview (no file to name)."""
        programme = self.programme()
        if programme is None:
            return None
        return self.save_list(str(print_folder() / f"{self._slug(programme)}.pdf"), with_excel=False)

    @staticmethod
    def _slug(programme) -> str:
        return f"daftar-penerima-{programme.name.lower().replace(' ', '-')}-{programme.year}"

    def save_list(self, pdf: str | None = None, xlsx: str | None = None, *, with_excel: bool = True) -> Operation | None:
        """The recipient list as PDF with the Excel for the office beside it (same name, .xlsx)."""
        programme = self.programme()
        if programme is None:
            return None
        pdf = pdf or self._ask_path(_("Simpan daftar penerima"), self._slug(programme) + ".pdf", _("PDF (*.pdf)"))
        if not pdf:
            return None
        xlsx = (xlsx or str(Path(pdf).with_suffix(".xlsx"))) if with_excel else None
        status = self.status_box.currentData()
        statuses = [status] if status else None
        group, paper, flag = self.class_box.currentData() or "", self.paper.currentData(), self.flag_box.currentData() or ""
        from kupang_desk.scholarships import (
            printouts,  # ReportLab and openpyxl: when the first list is printed
        )

        self.operation = Operation(self, lambda task: printouts.save_list(
            programme, pdf=pdf, xlsx=xlsx, statuses=statuses, class_group=group, flag=flag, paper=paper, task=task),
            title=_("Mencetak daftar penerima"), on_success=lambda _r: self._saved([Path(pdf), *([Path(xlsx)] if xlsx else [])]))
        return self.operation.start()

    def print_letters(self, path: str | None = None) -> Operation | None:
        programme = self.programme()
        if programme is None:
            return None
        chosen = [r.award_id for r in self.selected()] or None
        path = path or self._ask_path(_("Simpan surat aktivasi rekening"), "surat-aktivasi-rekening.pdf", _("PDF (*.pdf)"))
        if not path:
            return None
        paper = self.paper.currentData()
        from kupang_desk.scholarships import printouts

        self.operation = Operation(self, lambda task: printouts.save_letters(programme, chosen, path, paper=paper, task=task),
                                   title=_("Menyusun surat"), on_success=lambda _n: self._saved([Path(path)]))
        return self.operation.start()

    def save_recap(self, path: str | None = None) -> Operation | None:
        programme = self.programme()
        year = programme.year if programme else clock.today().year
        path = path or self._ask_path(_("Simpan rekap beasiswa"), f"rekap-beasiswa-{year}.xlsx", _("Excel (*.xlsx)"))
        if not path:
            return None

        def work(_task):
            from kupang_desk.documents.excel import write_workbook
            from kupang_desk.scholarships import printouts

            return write_workbook([printouts.recap_report(year)], path)

        self.operation = Operation(self, work, title=_("Menyusun rekap"), on_success=lambda _p: self._saved([Path(path)]))
        return self.operation.start()

    def _saved(self, paths: list[Path]) -> None:
        self.last_saved = paths
        self.totals.setText(_("Disimpan: {files}").format(files=", ".join(str(p) for p in paths)))

        if paths and paths[0].suffix == ".pdf":
            self.print_preview = preview_pdf(self, paths[0], paths[0].stem)
        elif paths:
            open_document(paths[0])
