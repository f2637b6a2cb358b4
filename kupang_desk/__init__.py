"""Kupang Desk: the desktop for puskesmas and schools of Kota Kupang."""

from pathlib import Path

from kupang_desk import driver  # noqa: F401  (first: Peewee, without the PostgreSQL driver until one is opened)


def _version() -> str:
    """The version pyproject.toml names: from the checkout's file when run from it (a millisecond),
    else from the installed metadata (which scans every installed package: 40 ms at start-up)."""
    import tomllib  # read when the version is first asked for (a backup, a migration, the About box)

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


def __getattr__(name: str) -> str:
    """``kupang_desk.__version__``, found the first time it is asked for (not at every start)."""
    if name != "__version__":
        raise AttributeError(f"module 'kupang_desk' has no attribute {name!r}")
    version = globals()["__version__"] = _version()
    return version
