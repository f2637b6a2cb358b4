"""Fills untranslated entries of a .po catalogue from a Python file holding a dict ``T``.

    python scripts/fill_translations.py en my-translations.py
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    language, source = sys.argv[1], sys.argv[2]
    table = runpy.run_path(source)["T"]
    path = ROOT / "resources" / "translations" / f"{language}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    filled = 0
    for message in catalog:
        if message.id and not message.string and message.id in table:
            message.string = table[message.id]
            filled += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, no_location=True, sort_output=True, width=100)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"{path.name}: {filled} filled, {len(missing)} still untranslated")
    for message_id in missing:
        print("  ", repr(message_id))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
