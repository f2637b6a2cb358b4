"""Extracts every _() string and merges it into resources/translations/*.po.

Run after adding or changing user-visible text; then fill in the empty English
entries. tests/test_i18n.py fails while any is missing.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"


def extract() -> Path:
    template = Path(tempfile.mkdtemp()) / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "--no-location", "--sort-output",
                    "--omit-header", "-k", "_", "-o", str(template), str(ROOT / "kupang_desk")], check=True,
                   capture_output=True)
    return template


def main() -> int:
    with extract().open("rb") as handle:
        template = read_po(handle)
    for po_path in sorted(TRANSLATIONS.glob("*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.stem)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with po_path.open("wb") as handle:
            write_po(handle, catalog, no_location=True, sort_output=True, width=100)
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{po_path.name}: {len(catalog)} messages, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
