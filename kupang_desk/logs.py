"""Where the log goes: a rotating file in the user's log folder, with personal data masked."""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from pathlib import Path

from platformdirs import user_log_path


def log_path() -> Path:
    return user_log_path("KupangDesk", appauthor=False, ensure_exists=True) / "kupang-desk.log"


_LONG_NUMBER = re.compile(r"(?<![0-9])[0-9]{8,}(?![0-9])")
_DETAIL = re.compile(r"(DETAIL:.*?\)=\().*?(\))")


def mask(text: str) -> str:
    """A log line without identifiers: a run of 8 or more digits (NIK, KK, BPJS, NISN, account,
    phone) keeps its last two, and PostgreSQL's ``DETAIL: Key (nik)=(...)`` loses the value."""
    text = _DETAIL.sub(r"\1…\2", text)
    return _LONG_NUMBER.sub(lambda m: "•" * 6 + m.group()[-2:], text)


class MaskingFormatter(logging.Formatter):
    """Formats as usual, then masks (see ``mask``); the SQL the database layer logs keeps its
    statement but never its parameters (they are the names and numbers being saved)."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name.startswith("peewee") and isinstance(record.msg, tuple) and len(record.msg) == 2:
            record = logging.makeLogRecord({**record.__dict__, "msg": "%s [parameter disembunyikan]",
                                            "args": (record.msg[0],)})
        return mask(super().format(record))


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
        handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        setattr(handler, "kupang_desk", "file")  # noqa: B010  (marks the handler as ours)
        root.addHandler(handler)
    for handler in root.handlers:  # the terminal of this call (a second call may have another)
        if getattr(handler, "kupang_desk", "") == "stderr" and isinstance(handler, logging.StreamHandler):
            handler.stream = sys.stderr  # not setStream: it flushes the old one, which may be closed
    if verbose and "stderr" not in ours:
        stderr = logging.StreamHandler()
        stderr.setFormatter(MaskingFormatter("%(levelname)s %(name)s: %(message)s"))
        setattr(stderr, "kupang_desk", "stderr")  # noqa: B010
        root.addHandler(stderr)
    file_handler = next(h for h in root.handlers if getattr(h, "kupang_desk", "") == "file")
    return Path(file_handler.baseFilename) if isinstance(file_handler, logging.FileHandler) else None
