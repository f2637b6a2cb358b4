"""Kupang Desk: the desktop for puskesmas and schools of Kota Kupang."""

import tomllib
from importlib import metadata
from pathlib import Path


def _version() -> str:
    """The version pyproject.toml names: from the installed metadata, else from the checkout."""
    try:
        return metadata.version("kupang-desk")
    except metadata.PackageNotFoundError:  # a source tree run without installing it
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        with pyproject.open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])


__version__ = _version()
