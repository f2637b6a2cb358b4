"""Kupang Desk: the desktop for puskesmas and schools of Kota Kupang."""

import tomllib
from pathlib import Path


def _version() -> str:
    """The version pyproject.toml names: from the checkout's file when run from it (a millisecond),
    else from the installed metadata (which scans every installed package: 40 ms at start-up)."""
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        with pyproject.open("rb") as handle:
            project = tomllib.load(handle).get("project", {})
        if project.get("name") == "kupang-desk":
            return str(project["version"])
    except (OSError, tomllib.TOMLDecodeError, KeyError):
        pass
    from importlib import metadata

    return metadata.version("kupang-desk")


__version__ = _version()
