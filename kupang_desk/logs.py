"""Where the log goes: a rotating file in the user's log folder."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path


def log_path() -> Path:
    from platformdirs import user_log_path

    return user_log_path("KupangDesk", appauthor=False, ensure_exists=True) / "kupang-desk.log"


def setup_logging(verbose: bool = False) -> Path | None:
    """Sends log records to the log file (and to stderr when verbose); returns the file."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    path: Path | None
    try:
        path = log_path()
        handler: logging.Handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        path, handler = None, logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if verbose:
        root.addHandler(logging.StreamHandler())
    return path
