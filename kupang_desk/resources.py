"""Locates the files under ``resources/`` whether run from source or installed."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resource_dir() -> Path:
    """The ``resources`` folder: beside the package in a checkout, else under the prefix."""
    source = Path(__file__).resolve().parent.parent / "resources"
    if source.is_dir():
        return source
    installed = Path(sys.prefix) / "share" / "kupang-desk"
    if installed.is_dir():
        return installed
    raise FileNotFoundError(f"Folder resources Kupang Desk tidak ditemukan (dicari di {source} dan {installed}).")


def resource_path(*parts: str) -> Path:
    """Path to one resource file, for example ``resource_path("reference", "wilayah-ntt.csv")``."""
    return resource_dir().joinpath(*parts)
