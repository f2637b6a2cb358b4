"""Regression guard for the PySide6 6.12.0 / Python 3.11 crash (none_dealloc after void calls)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_thousands_of_void_qt_calls_exit_cleanly():
    # In a child process: the crash kills the interpreter, which a test in-process could not report.
    script = textwrap.dedent("""
        import os
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication, QLabel, QTableWidget, QTableWidgetItem
        app = QApplication([])
        label = QLabel()
        for i in range(20000):
            label.setText(str(i))       # returns void
            label.setVisible(i % 2 == 0)  # returns void
        table = QTableWidget(200, 3)
        for row in range(200):
            for column in range(3):
                table.setItem(row, column, QTableWidgetItem(f"{row}:{column}"))
        table.show()
        app.processEvents()
        print("selesai", label.text())
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    assert "none_dealloc" not in result.stderr
    assert result.stdout.strip() == "selesai 19999"
