"""Where the log goes: a rotating file in the user's log folder."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from platformdirs import user_log_path


def log_path() -> Path:
    return user_log_path("KupangDesk", appauthor=False, ensure_exists=True) / "kupang-desk.log"


def setup_logging(verbose: bool = False) -> Path | None:
    """Sends log records to the log file (and to stderr when verbose); returns the file.

    Called by every entry point, it installs its handlers once per process: a second call
    (the command line called again in one process, the tests) only changes the level."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    ours = [getattr(h, "kupang_desk", "") for h in root.handlers]
    if "file" not in ours:
        path: Path | None
        try:
            path = log_path()
            handler: logging.Handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        except OSError:
            path, handler = None, logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        setattr(handler, "kupang_desk", "file")  # noqa: B010  (marks the handler as ours)
        root.addHandler(handler)
    if verbose and "stderr" not in ours:
        stderr = logging.StreamHandler()
        setattr(stderr, "kupang_desk", "stderr")  # noqa: B010
        root.addHandler(stderr)
    file_handler = next(h for h in root.handlers if getattr(h, "kupang_desk", "") == "file")
    return Path(file_handler.baseFilename) if isinstance(file_handler, logging.FileHandler) else None
