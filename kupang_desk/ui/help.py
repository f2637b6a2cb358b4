"""Bantuan: a short Indonesian guide for each section (HTML in resources/help) and the keyboard
shortcuts, read from the window's own actions so the list never goes stale."""

from __future__ import annotations

import html

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kupang_desk.i18n import _
from kupang_desk.resources import resource_path
from kupang_desk.ui.widgets import fit_to_screen


def guide_html(section: str) -> str:
    """The guide of one section (``pasien``, ``laporan``...)."""
    path = resource_path("help", f"{section}.html")
    if not path.exists():
        return "<p>" + html.escape(_("Belum ada panduan untuk bagian ini.")) + "</p>"
    return path.read_text(encoding="utf-8")


def form_keys() -> list[tuple[str, str]]:
    """Keys that belong to a form or a page rather than to a menu."""
    return [
        ("Ctrl+S", _("Simpan formulir pasien atau kunjungan")),
        ("Esc", _("Tutup formulir (bertanya dulu bila ada isian yang belum disimpan)")),
        ("Enter", _("Di daftar pasien: buka kartu pasien; di formulir pasien: simpan")),
        ("Ctrl+E", _("Di kartu pasien: ubah data pasien")),
        ("Ctrl+P", _("Di kartu pasien: cetak kartu")),
        ("Tab / Shift+Tab", _("Pindah ke kolom berikutnya / sebelumnya")),
    ]


def shortcuts_html(window: QMainWindow) -> str:
    """Every menu action of ``window`` that has a key, and the keys of the forms."""
    rows = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if not isinstance(menu, QMenu):
            continue
        for action in menu.actions():
            if isinstance(action, QAction) and not action.shortcut().isEmpty():
                rows.append((action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
                             action.text().replace("&", "").rstrip(".")))
    rows += form_keys()
    body = "".join(f"<tr><td><b>{html.escape(keys)}</b></td><td>{html.escape(text)}</td></tr>" for keys, text in rows)
    return "<h2>" + html.escape(_("Pintasan keyboard")) + "</h2><table cellpadding='4'>" + body + "</table>"


class HelpDialog(QDialog):
    """A guide or the shortcut list, inside the program (no browser needed)."""

    def __init__(self, title: str, content: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        fit_to_screen(self, 680, 560)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpText")
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(content)
        buttons = QDialogButtonBox()
        buttons.addButton(_("Tutup"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
