"""Locates the files under ``resources/`` whether run from source or installed."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resource_dir() -> Path:
    """The ``resources`` folder: beside the package in a checkout or a frozen build, else installed.

    A venv install puts it under the prefix; ``pip install --target`` (the Windows build's
    ``Lib\\site-packages``) puts it beside the package.
    """
    here = Path(__file__).resolve().parent.parent
    candidates = (here / "resources", Path(sys.prefix) / "share" / "kupang-desk", here / "share" / "kupang-desk")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("Folder resources Kupang Desk tidak ditemukan (dicari di {}).".format(
        ", ".join(str(candidate) for candidate in candidates)))


def resource_path(*parts: str) -> Path:
    """Path to one resource file, for example ``resource_path("reference", "wilayah-ntt.csv")``."""
    return resource_dir().joinpath(*parts)
