"""Errors a user can fix, kept apart from programming errors."""

from __future__ import annotations

from kupang_desk.i18n import _
from kupang_desk.logs import log_path


class KnownError(Exception):
    """A problem in the user's data or environment, with a message in Bahasa Indonesia.

    The interface shows ``str(error)`` as it is; the command line prints it and exits 2.
    Anything that is not a ``KnownError`` is a programming error and is logged with its
    traceback.
    """


class ValidationError(KnownError, ValueError):
    """One field holds a value that cannot be accepted; ``field`` names it for the form."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def error_message(error: BaseException) -> str:
    """What a clerk reads: a known error's own message, else a calm note with the log path."""
    if isinstance(error, KnownError):
        return str(error)
    return _("Terjadi kesalahan program. Data yang sudah tersimpan aman. Rincian untuk petugas TI ada di {path}.").format(
        path=log_path())
