"""A refusal by the system reaches the clerk in Indonesian, with what to do; the English goes to the log."""

from __future__ import annotations

import errno

import pytest
from openpyxl import Workbook

from kupang_desk.documents import excel
from kupang_desk.errors import KnownError, os_reason
from kupang_desk.imports.sheets import read_sheet


@pytest.mark.parametrize(("error", "words"), [
    (PermissionError(errno.EACCES, "Permission denied"), "tidak ada izin menulis"),
    (OSError(errno.ENOSPC, "No space left on device"), "disk penuh"),
    (OSError(errno.EROFS, "Read-only file system"), "hanya bisa dibaca"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory"), "tidak ada (flashdisk tercabut?)"),
    (OSError(errno.EIO, "Input/output error"), "flashdisk rusak atau tercabut"),
    (OSError(errno.EBUSY, "Device or resource busy"), "sedang dibuka program lain"),
    (OSError(errno.ELOOP, "Too many levels of symbolic links"), "rincian di catatan kerja"),
])
def test_each_refusal_says_what_to_do_in_indonesian(error, words, caplog):
    reason = os_reason(error)
    assert words in reason and error.strerror not in reason
    assert error.strerror in caplog.text  # for IT staff, in the log


def test_a_report_into_a_missing_folder_explains_itself_without_english(tmp_path):
    with pytest.raises(KnownError) as raised:
        excel.save(Workbook(), tmp_path / "tidak-ada" / "lb1.xlsx")
    message = str(raised.value)
    assert "folder atau file itu tidak ada" in message and "No such file" not in message


def test_a_truncated_xlsx_is_refused_in_words_without_the_library_text(tmp_path):
    broken = tmp_path / "register-oktober.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # an xlsx cut off while copying from a flash disk
    with pytest.raises(KnownError) as raised:
        read_sheet(broken)
    message = str(raised.value)
    assert "tidak dapat dibaca" in message and "simpan ulang" in message
    assert "EOCD" not in message and "zip" not in message.lower()
