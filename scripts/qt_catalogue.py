"""Compiles Qt's own words in Indonesian (``resources/translations/qt_id.ts``, Qt Linguist's format,
edited by hand or in Linguist) into ``qt_id.qm`` with ``pyside6-lrelease``; ``--check`` fails when the
committed ``.qm`` is not what the ``.ts`` compiles to (tests/ui/test_qt_words.py runs it).

PySide6 ships no Indonesian ``qtbase`` catalogue, so the print dialog, the print preview, the file
dialog and the standard buttons would speak English without this one."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "resources" / "translations"
SOURCE, COMPILED = FOLDER / "qt_id.ts", FOLDER / "qt_id.qm"


def lrelease() -> str:
    found = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent)) or shutil.which("pyside6-lrelease")
    if not found:
        raise SystemExit("pyside6-lrelease not found: install PySide6-Essentials in this environment")
    return found


def compile_to(target: Path) -> None:
    subprocess.run([lrelease(), "-silent", "-nounfinished", str(SOURCE), "-qm", str(target)], check=True)


def main(argv: list[str]) -> int:
    if "--check" in argv:
        with tempfile.TemporaryDirectory() as folder:
            fresh = Path(folder) / "qt_id.qm"
            compile_to(fresh)
            if not COMPILED.exists() or fresh.read_bytes() != COMPILED.read_bytes():
                print(f"{COMPILED.name} is out of date: run python scripts/qt_catalogue.py", file=sys.stderr)
                return 1
        return 0
    compile_to(COMPILED)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
