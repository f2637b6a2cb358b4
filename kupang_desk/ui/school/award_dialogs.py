"""The dialogs of the Beasiswa tab: a programme, an award's history, a step for the selected
awards, and a payout."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import clock
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime, format_rupiah
from kupang_desk.i18n import _
from kupang_desk.scholarships import awards, programmes
from kupang_desk.students.grades import LEVELS
from kupang_desk.ui.widgets import (
    ERROR_STYLE,
    combo,
    date_text,
    fit_to_screen,
    line,
    ok_cancel,
    parse_date_text,
)


class ProgrammeDialog(QDialog):
    """A programme as a record: name, funder, year, amounts per level, eligibility reasons, stages."""

    saved = Signal(int)

    def __init__(self, programme: programmes.Programme | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.programme = programme
        self.setWindowTitle(_("Ubah program {name}").format(name=programme.name) if programme else _("Program beasiswa baru"))
        self.name = line(programme.name if programme else "", placeholder=_("misalnya Beasiswa Prestasi Pemkot Kupang"))
        self.funder = line(programme.funder if programme else "")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(programme.year if programme else clock.today().year)
        amounts = programme.amounts if programme else {}
        self.amounts = {level: line(str(amounts.get(level, "") or ""), placeholder=_("Rp per tahun")) for level in LEVELS}
        self.half = QCheckBox(_("Separuh untuk siswa baru dan kelas akhir (kelas 1/7/10 dan 6/9/12)"))
        self.half.setChecked(bool(programme and programme.half_for_new_and_final))
        self.stackable = QCheckBox(_("Boleh diterima bersama program lain tahun yang sama"))
        self.stackable.setObjectName("programmeStackable")
        self.stackable.setToolTip(_("Tanpa centang: siswa penerima program ini tidak boleh menerima program lain tahun itu "
                                    "(mis. beasiswa Pemkot Kupang dan PIP); SK tidak dibuat untuk penerima ganda."))
        self.stackable.setChecked(bool(programme and programme.stackable))
        self.reasons = QPlainTextEdit("\n".join(programme.reasons if programme else programmes.DEFAULT_REASONS))
        self.stages = QPlainTextEdit("\n".join(programme.stages) if programme else _("Tahap 1"))
        for box in (self.reasons, self.stages):
            box.setMaximumHeight(90)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Nama program:"), self.name)
        form.addRow(_("Pemberi dana:"), self.funder)
        form.addRow(_("Tahun:"), self.year)
        for level, edit in self.amounts.items():
            form.addRow(_("Besar bantuan {level} (Rp):").format(level=level), edit)
        form.addRow("", self.half)
        form.addRow("", self.stackable)
        form.addRow(_("Alasan layak (satu per baris):"), self.reasons)
        form.addRow(_("Tahap pencairan (satu per baris):"), self.stages)
        buttons = ok_cancel(_("Simpan"), self.save, self.reject, QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> programmes.Programme | None:
        amounts = {}
        for level, edit in self.amounts.items():
            digits = "".join(ch for ch in edit.text() if ch.isdigit())
            if edit.text().strip() and not digits:
                self.message.setText(_("Besar bantuan {level} harus angka rupiah, misalnya 450000.").format(level=level))
                return None
            if digits:
                amounts[level] = int(digits)
        try:
            programme = programmes.save_programme(
                self.name.text(), self.year.value(), funder=self.funder.text(), amounts=amounts,
                half_for_new_and_final=self.half.isChecked(), stackable=self.stackable.isChecked(), eligibility=self.reasons.toPlainText().splitlines(),
                stage_names=self.stages.toPlainText().splitlines(), programme_id=self.programme.id if self.programme else None)
        except KnownError as error:
            self.message.setText(str(error))
            return None
        self.saved.emit(programme.id)
        self.accept()
        return programme


class HistoryDialog(QDialog):
    """Every step of one award: when, from what to what, who, and the note."""

    def __init__(self, award: awards.AwardHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Riwayat: {name}").format(name=award.student))
        fit_to_screen(self, 640, 320)
        self.list = QListWidget()
        for event in award.lines:
            before = awards.status_label(event.from_status) if event.from_status else "—"
            self.list.addItem(f"{format_datetime(event.at)} · {before} → {awards.status_label(event.to_status)} · {event.who}"
                              + (f" · {event.note}" if event.note else ""))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Tutup"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("{programme} {year} · {amount} · sudah cair {paid}").format(
            programme=award.programme, year=award.year, amount=format_rupiah(award.amount),
            paid=format_rupiah(award.paid))))
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)


class StepDialog(QDialog):
    """The next step of the selected awards: status, and what that step needs."""

    def __init__(self, current: str, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Ubah status {count} penerima").format(count=count))
        self.status = combo([(awards.status_label(s), s) for s in awards.TRANSITIONS[current] if s != "dicairkan"])
        self.decree = QLineEdit()
        self.decree_date = QLineEdit(date_text(clock.today()))
        self.deadline = QLineEdit()
        self.deadline.setPlaceholderText(_("hh-bb-tttt"))
        self.bank = QLineEdit()
        self.account = QLineEdit()
        self.activated = QLineEdit(date_text(clock.today()))
        self.reason = combo([(r, r) for r in awards.CANCEL_REASONS])
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        form = self.form = QFormLayout()
        form.addRow(_("Status baru:"), self.status)
        form.addRow(_("Nomor SK:"), self.decree)
        form.addRow(_("Tanggal SK:"), self.decree_date)
        form.addRow(_("Batas aktivasi rekening:"), self.deadline)
        form.addRow(_("Bank:"), self.bank)
        form.addRow(_("No. rekening (bila satu siswa):"), self.account)
        form.addRow(_("Tanggal aktif/konfirmasi:"), self.activated)
        form.addRow(_("Alasan batal:"), self.reason)
        buttons = ok_cancel(_("Simpan"), self.accept, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.status.currentIndexChanged.connect(lambda _i: self._show_fields())
        self._show_fields()

    def _show_fields(self) -> None:
        status = self.status.currentData()
        wanted = {
            "sk_nominasi": (self.decree, self.decree_date, self.deadline),
            "rekening_aktif": (self.bank, self.account, self.activated),
            "sk_pemberian": (self.decree, self.decree_date),
            "diambil": (self.activated,),
            "dibatalkan": (self.reason,),
        }.get(status, ())
        for widget in (self.decree, self.decree_date, self.deadline, self.bank, self.account, self.activated, self.reason):
            self.form.setRowVisible(widget, widget in wanted)

    def step(self) -> awards.Step:
        status = self.status.currentData()
        day = parse_date_text(self.activated.text())
        return awards.Step(status, decree=self.decree.text(), decree_date=parse_date_text(self.decree_date.text()),
                           deadline=parse_date_text(self.deadline.text()), bank=self.bank.text(),
                           account_number=self.account.text(), activated_on=day, confirmed_on=day,
                           cancel_reason=self.reason.currentData() or "")


class PayoutDialog(QDialog):
    def __init__(self, stage_names: list[str], count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Catat pencairan untuk {count} penerima").format(count=count))
        self.stage = combo([(name, number) for number, name in enumerate(stage_names, start=1)])
        self.paid_on = QLineEdit(date_text(clock.today()))
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(_("kosongkan: bagian tahap ini dari jumlah setahun"))
        form = QFormLayout()
        form.addRow(_("Tahap:"), self.stage)
        form.addRow(_("Tanggal cair:"), self.paid_on)
        form.addRow(_("Jumlah per siswa (Rp):"), self.amount)
        buttons = ok_cancel(_("Simpan"), self.accept, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> tuple[int, dt.date | None, int | None]:
        text = "".join(ch for ch in self.amount.text() if ch.isdigit())
        return self.stage.currentData(), parse_date_text(self.paid_on.text()), int(text) if text else None
