"""The window of one national service's outbox (Antrean SATUSEHAT, Antrean P-Care): every visit row
with its state and the service's words, filtered by state or patient; the chosen row in words below;
Kirim ulang for what failed or waits for data, Kirim sekarang. Each service says how its rows are
read, retried, sent and described (``rows``, ``retry_rows``, ``start_sending``, ``describe``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import outboxes
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime, format_number
from kupang_desk.i18n import _
from kupang_desk.ui.feedback import say, status_label
from kupang_desk.ui.operations import Operation
from kupang_desk.ui.widgets import ListModel, fit_to_screen, line, record_table


def status_link(text: str, numbers: dict[str, int]) -> str:
    """The status bar's link to an outbox: red while a row failed or waits for data; "" when empty."""
    colour = "#b00020" if numbers.get("failed") or numbers.get("incomplete") else "palette(text)"
    return f'<a href="antrean" style="color: {colour};">{text}</a>' if text else ""


def note(row: Any) -> str:
    """The service's words or what is missing, with when it was sent or is tried again."""
    message = " ".join(row.message.split())
    return f"{message} ({row.when})" if message and row.when else message or row.when


class OutboxDialog(QDialog):
    """``desk``: the window's part of the service (its ``wake()`` nudges the sender), or None."""

    names = "outbox"  # the prefix of the widgets' object names

    def __init__(self, desk: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle(self.window_title())
        fit_to_screen(self, 980, 620)
        self.state = QComboBox()
        self.state.setObjectName(f"{self.names}State")
        self.state.addItem(_("Semua"), "")
        for key, words in outboxes.state_words().items():
            self.state.addItem(words, key)
        self.search = line(placeholder=_("No. kunjungan, No. RM atau nama pasien"))
        self.search.setObjectName(f"{self.names}Search")
        self.model = ListModel([
            (_("No."), lambda r: r.visit_id),
            (_("Waktu kunjungan"), lambda r: format_datetime(r.visit_at)),
            (_("Pasien"), lambda r: f"{r.no_rm} {r.patient}"),
            (_("Jenis"), lambda r: outboxes.action_words()[r.action]),
            (_("Status"), lambda r: outboxes.state_words()[r.state]),
            (_("Keterangan"), self.note),
        ], self, foreground=lambda r: "#b00020" if r.state in ("failed", "incomplete") else None)
        self.table = record_table(self.model)
        self.table.setObjectName(f"{self.names}Table")
        self.detail = QPlainTextEdit()
        self.detail.setObjectName(f"{self.names}Detail")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(self.hint())
        self.count = QLabel()
        self.message = status_label()
        self.retry_button = QPushButton(_("Kirim ulang"))
        self.retry_button.setObjectName(f"{self.names}Retry")
        self.retry_button.setToolTip(_("Baris terpilih (yang Gagal atau Perlu dilengkapi) kembali Menunggu dan dikirim "
                                       "lagi"))
        self.send_button = QPushButton(_("Kirim sekarang"))
        self.send_button.setObjectName(f"{self.names}Send")
        close = QPushButton(_("Tutup"))
        self.operation: Operation | None = None

        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Status:")))
        filters.addWidget(self.state)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.send_button)
        for extra in self.extra_buttons():
            buttons.addWidget(extra)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.state.currentIndexChanged.connect(lambda _i: self.reload())
        self.search.textChanged.connect(lambda _t: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_selected())
        self.retry_button.clicked.connect(self.retry)
        self.send_button.clicked.connect(self.send_now)
        close.clicked.connect(self.close)

    # -- what each service says
    def extra_buttons(self) -> list[QPushButton]:
        """The service's own actions on the chosen row, beside Kirim ulang and Kirim sekarang."""
        return []

    def window_title(self) -> str:
        raise NotImplementedError

    def hint(self) -> str:
        return _("Pilih satu baris untuk melihat isi kirimannya.")

    def rows(self, state: str, text: str) -> list[Any]:
        raise NotImplementedError

    def retry_rows(self, row_ids: list[int]) -> int:
        raise NotImplementedError

    def describe(self, row: Any) -> str:
        """The chosen row in words, for the pane below the table."""
        raise NotImplementedError

    def start_sending(self) -> Operation | None:
        """One run of the service's sender off the GUI thread (or a nudge to the one running)."""
        raise NotImplementedError

    def retried(self) -> None:
        """Rows went back to Menunggu: the window's sender looks now."""
        if self.desk is not None:
            self.desk.wake()

    def note(self, row: Any) -> str:
        return note(row)

    # -- the window
    def present(self) -> OutboxDialog:
        """Read again and brought to the front (the status bar's link, the menu)."""
        self.reload()
        self.show()
        self.activateWindow()
        return self

    def reload(self) -> None:
        chosen = {r.id for r in self.selected()}
        items = self.rows(self.state.currentData(), self.search.text())
        self.model.set_items(items)
        self.count.setText(_("{n} baris").format(n=format_number(len(items))))
        for row, item in enumerate(items):
            if item.id in chosen:
                self.table.selectRow(row)
        for column in range(self.model.columnCount() - 1):  # the last one, the message, takes the rest
            self.table.resizeColumnToContents(column)
        self._show_selected()

    def selected(self) -> list[Any]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.items[row] for row in rows if row < len(self.model.items)]

    def _show_selected(self) -> None:
        chosen = self.selected()
        self.retry_button.setEnabled(any(r.state in ("failed", "incomplete") for r in chosen))
        if len(chosen) != 1:
            self.detail.clear()
            return
        try:
            self.detail.setPlainText(self.describe(chosen[0]))
        except KnownError as error:
            self.detail.setPlainText(str(error))

    def retry(self) -> int:
        ids = [r.id for r in self.selected() if r.state in ("failed", "incomplete")]
        if not ids:
            return 0
        changed = self.retry_rows(ids)
        say(self.message, _("{n} baris kembali menunggu dan dikirim saat ada sambungan.").format(n=changed))
        self.reload()
        self.retried()
        return changed

    def send_now(self) -> Operation | None:
        try:
            operation = self.start_sending()
        except KnownError as error:
            say(self.message, str(error), error=True)
            return None
        if operation is not None:
            self.send_button.setEnabled(False)
            operation.finished.connect(lambda: self.send_button.setEnabled(True))
        self.operation = operation
        return operation

    def sent(self, result: Any) -> None:
        """A run of the sender ended: what it did, in words."""
        say(self.message, result.text(), error=bool(result.stopped or result.failed))
        self.reload()

    def failed(self, error: BaseException) -> None:
        say(self.message, str(error), error=True)
