"""Errors a user can fix, kept apart from programming errors."""

from __future__ import annotations

import errno
import logging

from kupang_desk.i18n import _
from kupang_desk.logs import log_path

log = logging.getLogger(__name__)


# What a command's process ends with: done; a fault of the program; something the user can fix
# (said in words on stderr); nothing to report (an empty period, no rows).
EXIT_OK, EXIT_BUG, EXIT_USER, EXIT_EMPTY = 0, 1, 2, 3


class KnownError(Exception):
    """A problem in the user's data or environment, with a message in Bahasa Indonesia.

    The interface shows ``str(error)`` as it is; the command line prints it and exits 2.
    Anything that is not a ``KnownError`` is a programming error and is logged with its
    traceback.
    """


class FormInvalid(KnownError):
    """A form (or an imported row) that cannot be saved, with what to fix field by field: ``errors``
    maps each field's name (the form's own, ``nik``, ``reason``...) to its message, in the order the
    form shows them. The one shape every form's refusal takes (patients, visits, students)."""

    def __init__(self, errors: dict[str, str], *, lead: str = "") -> None:
        super().__init__(lead + " ".join(errors.values()))
        self.errors = dict(errors)

    @property
    def first_field(self) -> str:
        """Where the cursor goes: the first field to fix."""
        return next(iter(self.errors), "")


class ValidationError(FormInvalid, ValueError):
    """One field holds a value that cannot be accepted; ``field`` names it for the form."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__({field: message})
        self.field = field
        self.message = message


def error_message(error: BaseException) -> str:
    """What a clerk reads: a known error's own message, else a calm note with the log path."""
    if isinstance(error, KnownError):
        return str(error)
    return _("Terjadi kesalahan program. Data yang sudah tersimpan aman. Rincian untuk petugas TI ada di {path}.").format(
        path=log_path())


def os_reason(error: OSError) -> str:
    """Why the system refused, in words a clerk can act on; the system's own (English) text
    goes to the log for IT staff, never onto the screen."""
    log.warning("System error: %r", error)
    # Windows: ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION, the file is open in another program.
    if getattr(error, "winerror", None) in (32, 33) or error.errno == errno.EBUSY:
        return _("file sedang dibuka program lain (misalnya Excel); tutup dulu lalu coba lagi")
    reasons = {
        errno.EACCES: _("tidak ada izin menulis di sana, atau file itu sedang dibuka program lain; pilih folder lain "
                        "atau tutup file itu"),
        errno.EPERM: _("tidak ada izin untuk itu; pilih folder lain"),
        errno.ENOSPC: _("disk penuh; kosongkan tempat atau pilih disk lain"),
        errno.ENOENT: _("folder atau file itu tidak ada (flashdisk tercabut?)"),
        errno.EROFS: _("disk itu hanya bisa dibaca (flashdisk dikunci?); pilih disk lain"),
        errno.EIO: _("disk tidak bisa dibaca atau ditulis (flashdisk rusak atau tercabut)"),
        errno.ENAMETOOLONG: _("nama file atau folder terlalu panjang; pilih nama yang lebih pendek"),
        errno.EEXIST: _("sudah ada file dengan nama itu"),
        errno.EISDIR: _("itu folder, bukan file"),
        errno.ENOTDIR: _("bagian dari alamat itu bukan folder"),
    }
    return reasons.get(error.errno or 0, _("sistem menolak (rincian di catatan kerja untuk petugas TI)"))
