"""Puskesmas desk figures, each in its own process so memory is its own: run by run.py.

    python benchmarks/desk.py register-raw DB   # raw lazy model, keyset pages of 200
    python benchmarks/desk.py register-app DB   # the app's visit register page
    python benchmarks/desk.py search DB         # patient search per keystroke, app and raw
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def peak_mb() -> int:
    from kupang_desk.ui.app import peak_memory_mb

    return peak_memory_mb()


def _paint(app, view) -> None:
    view.viewport().repaint()
    app.processEvents()


def register_raw(path: str) -> None:
    """The floor: a bare QAbstractTableModel reading 200-row keyset pages of the visit table."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    app = QApplication([])
    connection = sqlite3.connect(path)

    class Raw(QAbstractTableModel):
        def __init__(self):
            super().__init__()
            self.count = connection.execute("SELECT COUNT(*) FROM visit").fetchone()[0]
            self.pages: dict[int, list] = {}

        def rowCount(self, parent=QModelIndex()):  # noqa: B008
            return self.count

        def columnCount(self, parent=QModelIndex()):  # noqa: B008
            return 6

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            number = index.row() // 200
            if number not in self.pages:
                if number == 0:
                    rows = connection.execute("SELECT id, visit_at, patient_id, poli_id, sex, age_years FROM visit "
                                              "ORDER BY id DESC LIMIT 200").fetchall()
                elif number - 1 in self.pages:
                    rows = connection.execute("SELECT id, visit_at, patient_id, poli_id, sex, age_years FROM visit "
                                              "WHERE id < ? ORDER BY id DESC LIMIT 200", (self.pages[number - 1][-1][0],)).fetchall()
                else:  # the end: keyset from the other side
                    rest = self.count - number * 200
                    rows = connection.execute("SELECT id, visit_at, patient_id, poli_id, sex, age_years FROM visit "
                                              "ORDER BY id ASC LIMIT ?", (rest,)).fetchall()[::-1]
                self.pages[number] = rows
            page = self.pages[number]
            offset = index.row() % 200
            return str(page[offset][index.column()]) if offset < len(page) else None

    started = time.perf_counter()
    view = QTableView()
    view.resize(1200, 700)
    view.setModel(Raw())
    view.show()
    _paint(app, view)
    first = time.perf_counter() - started
    started = time.perf_counter()
    view.scrollToBottom()
    _paint(app, view)
    end = time.perf_counter() - started
    print(f"first_paint_ms={first * 1000:.1f} scroll_end_ms={end * 1000:.1f} peak_mb={peak_mb()}")


def register_app(path: str) -> None:
    """The app's register page: count off the GUI thread, then pages as the view asks."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from kupang_desk.models import database
    from kupang_desk.ui.visit_register import VisitRegisterPage

    app = QApplication([])
    database.connect(f"sqlite:///{path}")
    started = time.perf_counter()
    page = VisitRegisterPage()
    page.resize(1200, 700)
    page.show()
    loop = QEventLoop()
    page.loaded.connect(lambda _n: loop.quit())
    page.apply()
    if page.model.register is None:  # counted on a worker thread: wait for it
        loop.exec()
    _paint(app, page.view)
    first = time.perf_counter() - started
    started = time.perf_counter()
    page.view.scrollToBottom()
    _paint(app, page.view)
    end = time.perf_counter() - started
    started = time.perf_counter()
    page.view.verticalScrollBar().setValue(page.view.verticalScrollBar().maximum() // 2)
    _paint(app, page.view)
    middle = time.perf_counter() - started
    print(f"first_paint_ms={first * 1000:.1f} scroll_end_ms={end * 1000:.1f} "
          f"jump_middle_ms={middle * 1000:.1f} peak_mb={peak_mb()}")


def keystrokes(path: str, count: int = 150, seed: int = 5) -> list[str]:
    """What clerks type, keystroke by keystroke: names (some misspelled), NIKs, No. RM, BPJS numbers."""
    from kupang_desk.names import tidy_name

    connection = sqlite3.connect(path)
    rows = connection.execute("SELECT name, nik, no_rm, bpjs_number FROM patient WHERE id IN "
                              "(SELECT id FROM patient ORDER BY random() LIMIT ?)", (count,)).fetchall()
    rng = random.Random(seed)
    swaps = (("e", "i"), ("y", "i"), ("j", "y"), ("oe", "u"), ("ph", "f"))
    typed: list[str] = []
    for name, nik, no_rm, bpjs in rows:
        name = tidy_name(name).lower()
        if rng.random() < 0.5:
            old, new = rng.choice(swaps)
            name = name.replace(old, new, 1)
        typed += [name[:i] for i in range(1, len(name) + 1)]
        if nik:
            typed += [nik[:i] for i in range(4, 17)]
        typed += [no_rm[:i] for i in range(1, len(no_rm) + 1)]
        if bpjs:
            typed += [bpjs[:i] for i in range(6, 14)]
    return typed


def search(path: str) -> None:
    from kupang_desk.models import database
    from kupang_desk.patients.search import search_patients

    database.connect(f"sqlite:///{path}")
    typed = keystrokes(path)
    search_patients("warm up")
    times = []
    for text in typed:
        started = time.perf_counter()
        search_patients(text)
        times.append(time.perf_counter() - started)
    raw = sqlite3.connect(path)
    names = [t for t in typed if t[:1].isalpha() and len(t) >= 3][:400]
    like, fts = [], []
    for text in names:
        started = time.perf_counter()
        raw.execute("SELECT id FROM patient WHERE name LIKE ? LIMIT 50", (f"%{text}%",)).fetchall()
        like.append(time.perf_counter() - started)
        started = time.perf_counter()
        raw.execute("SELECT rowid FROM patient_fts WHERE patient_fts MATCH ? LIMIT 50",
                    ('"' + text.replace('"', "") + '"',)).fetchall()
        fts.append(time.perf_counter() - started)

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=100)[94] * 1000

    print(f"keystrokes={len(times)} p50_ms={statistics.median(times) * 1000:.2f} p95_ms={p95(times):.2f} "
          f"max_ms={max(times) * 1000:.1f} raw_like_p95_ms={p95(like):.2f} raw_fts_p95_ms={p95(fts):.2f}")


if __name__ == "__main__":
    command, database_path = sys.argv[1], sys.argv[2]
    {"register-raw": register_raw, "register-app": register_app, "search": search}[command](database_path)
