"""What this copy of Kupang Desk is: its version and, for a packaged build, when it was built.

The version is written once, in pyproject.toml. The packaging scripts write ``build.json``
beside this module in the copy they package (never in the source tree); a copy run from
source has none and says so.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import kupang_desk
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _

BUILD_FILE = Path(__file__).resolve().parent / "build.json"


@cache
def build_info(path: Path = BUILD_FILE) -> dict[str, str]:
    """``{"date": "2026-12-02", "kind": "windows-installer", "commit": "..."}``, or {} from source."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {key: str(value) for key, value in info.items()} if isinstance(info, dict) else {}


def describe(info: dict[str, str] | None = None) -> str:
    """``Kupang Desk 0.1.0, dibangun 2 Desember 2026`` (or ``… dijalankan dari kode sumber``)."""
    info = build_info() if info is None else info
    try:
        built = dt.date.fromisoformat(info.get("date", ""))
    except ValueError:
        return _("Kupang Desk {version} (dijalankan dari kode sumber)").format(version=kupang_desk.__version__)
    return _("Kupang Desk {version}, dibangun {date}").format(version=kupang_desk.__version__, date=format_date(built))
