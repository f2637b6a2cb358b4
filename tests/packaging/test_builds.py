"""What the frozen builds leave out must not be what the program loads (the Windows build once left
out QtOpenGL, which pyqtgraph imports: the Beranda's chart said "Memuat grafik..." for ever)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _qt_modules_loaded(statement: str) -> set[str]:
    """The PySide6 modules a fresh interpreter has loaded after ``statement``."""
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(m for m in sys.modules if m.startswith('PySide6.Qt'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}).stdout
    return {name.split(".", 1)[1] for name in json.loads(out.splitlines()[-1])}


def test_the_builds_keep_every_qt_module_the_chart_and_the_window_load():
    loaded = _qt_modules_loaded("import pyqtgraph\nimport kupang_desk.ui.main_window, kupang_desk.ui.beranda")
    loaded -= {"QtTest"}  # pyqtgraph's only optional one: a failed import is kept as FailedImport
    assert {"QtCore", "QtGui", "QtWidgets", "QtOpenGL"} <= loaded
    windows, linux = _module("build_windows"), _module("build_linux")
    assert loaded - windows.QT_MODULES == set(), "left out of the Windows build"
    assert loaded & {name.removeprefix("PySide6.") for name in linux.EXCLUDE} == set(), "left out of the Linux build"
