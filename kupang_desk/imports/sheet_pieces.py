"""An xlsx's first sheet read by calamine a piece at a time, the next piece on a thread while the caller
checks this one's rows.

calamine holds a whole sheet at 32 bytes a cell and its text (a 50,000-student Dapodik export: 190 MB)
and gives no row before the last is read. A sheet of plain XML (what Excel writes, measured by
``sheet_size``) is cut instead, before a ``<row``, into pieces of about a megabyte; each piece becomes a
small workbook of its own in memory (the piece's rows, and the workbook, styles and shared strings
calamine needs to read dates and text, stored unpacked) that calamine reads while the caller goes on.
At most three pieces are held at once. A workbook whose texts are kept in large shared strings (an
export from a web application) is read whole instead, as calamine would read those strings again for
each piece. The rows are the ones the whole sheet gives, as Excel numbers
them: every cell of plain XML carries its own reference, and the empty rows between pieces are put back.
"""

from __future__ import annotations

import contextlib
import io
import queue
import re
import sys
import threading
import weakref
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kupang_desk.imports.sheet_size import SHARED_STRINGS

# The XML of one piece: a megabyte is about 750 students of a Dapodik export or 1,500 visits of a
# register. Larger pieces were no faster, and each megabyte more held 17 MB more at the peak (calamine's
# copies of the piece, and memory the allocator keeps). Each piece reads the shared strings again, so
# a piece is never smaller than them.
PIECE = 1 << 20
# Shared strings larger than this and the sheet is read whole. calamine reads them again for each
# piece it opens: a Dapodik-shaped export of 50,000 students with its texts shared (300,000 texts,
# 14 MB) held 403 MB in pieces against 298 MB whole. Giving each piece only the strings it names held
# 237-249 MB, but took 4.8-5.0 s against 4.2-4.5 s whole (calamine alone: 1.1 s). Writing them into
# each piece's cells as inline strings held 208-215 MB and took 4.6-5.5 s: 1.2 million text cells
# rewritten by the interpreter, and twice the XML for calamine to read.
WHOLE_FROM = 1 << 20
# Seconds the thread waits for the interpreter before it is handed over (Python's own: 5 ms). The
# thread needs it a few times a piece; at 0.5 ms it took 33 ms a piece of a register beside the check
# (17 ms alone), and the import waited 0.15-0.27 s for pieces; at 0.1 ms 27 ms, and 0.07-0.10 s.
# On Windows a wait under 1 ms is no wait: the interpreter is asked for at once.
SWITCH_INTERVAL = 0.0001
# The parts of a workbook calamine reads for its first sheet's values (the rest: pictures, themes,
# the other sheets' data, is not copied into the pieces).
_NEEDED = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
           SHARED_STRINGS)
_SHEET_DATA = re.compile(rb"<sheetData\b[^>]*?(/?)>")
# The rectangle a sheet claims: calamine reserves memory for it, so a piece claims none.
_DIMENSION = re.compile(rb"<dimension\b[^>]*>")
_STOP = object()


class _Stopped(Exception):
    """The caller stopped reading: the thread lets its pieces go."""


def sheet_head(path: Path, part: str) -> bytes | None:
    """The sheet's XML up to its rows (``<sheetData>``), the claimed rectangle taken out; None when the
    sheet is read whole: it has no rows to cut, or its shared strings are larger than ``WHOLE_FROM``."""
    with zipfile.ZipFile(path) as archive:
        if SHARED_STRINGS in archive.NameToInfo and archive.getinfo(SHARED_STRINGS).file_size > WHOLE_FROM:
            return None
        with archive.open(part) as sheet:
            head = b""
            while block := sheet.read(1 << 16):
                head += block
                if found := _SHEET_DATA.search(head):
                    return None if found.group(1) else _DIMENSION.sub(b"", head[:found.end()])
                if len(head) > 1 << 20:  # a megabyte before the rows: not a sheet as Excel writes one
                    return None
    return None


def piece_size(shared_strings: int) -> int:
    """The bytes of XML in a piece: ``PIECE``, or the shared strings' size when larger (calamine reads
    them again for each piece: at most as long again as the sheet itself)."""
    return max(PIECE, shared_strings)


def read_pieces(path: Path, part: str, head: bytes) -> Callable[[], Iterator[Any]]:
    """Starts calamine on the first piece; the function returned gives each piece's calamine sheet in
    turn (the next one read meanwhile), and stops the thread when the caller stops early."""
    from python_calamine import CalamineWorkbook

    ready: queue.Queue = queue.Queue(maxsize=1)  # with the piece being read and the caller's: three at most
    stop = threading.Event()

    def hand_over(item: Any) -> None:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
        raise _Stopped

    def read() -> None:
        try:
            with zipfile.ZipFile(path) as archive:
                parts = {name: archive.read(name) for name in _NEEDED if name in archive.NameToInfo}
                for xml in _cut(archive, part, head, piece_size(len(parts.get(SHARED_STRINGS, b"")))):
                    if stop.is_set():
                        return
                    hand_over(CalamineWorkbook.from_filelike(_workbook(parts, part, xml)).get_sheet_by_index(0))
            hand_over(_STOP)
        except _Stopped:
            return
        except BaseException as error:  # a Rust panic too: told to the caller, who waits for it
            try:
                hand_over(error)
            except _Stopped:
                return

    thread = threading.Thread(target=read, name="kupang-desk-sheet", daemon=True)
    thread.start()

    def sheets() -> Iterator[Any]:
        # The thread needs the interpreter for moments between pieces; while the caller checks rows, it
        # waited 5 ms for each (Python's switch interval), and the caller then waited for the thread:
        # a third of the Dapodik import. Asked for sooner while the pieces are read.
        _sooner(True)
        try:
            while (item := ready.get()) is not _STOP:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            _sooner(False)
            stop.set()  # the caller stopped early, or an error: the thread ends at its next piece
            with contextlib.suppress(queue.Empty):
                ready.get_nowait()  # the piece waiting is let go at once

    weakref.finalize(sheets, stop.set)  # rows never asked for (the import refused before its first row)

    return sheets


_readers = {"count": 0, "interval": 0.005}
_readers_lock = threading.Lock()


def _sooner(start: bool) -> None:
    """The shorter switch interval while any sheet is read in pieces; Python's own again after the last."""
    with _readers_lock:
        if start:
            if not _readers["count"]:
                _readers["interval"] = sys.getswitchinterval()
                sys.setswitchinterval(min(_readers["interval"], SWITCH_INTERVAL))
            _readers["count"] += 1
        else:
            _readers["count"] -= 1
            if not _readers["count"]:
                sys.setswitchinterval(_readers["interval"])


def _cut(archive: zipfile.ZipFile, part: str, head: bytes, size: int) -> Iterator[bytes]:
    """The sheet's rows in pieces of about ``size`` bytes, each cut before the first ``<row `` past its
    size and written as a sheet of its own (``head``, its rows, the closing tags)."""
    tail = b"</sheetData></worksheet>"
    with archive.open(part) as sheet:
        text = b""
        while not (found := _SHEET_DATA.search(text)):  # past the sheet's head
            if not (block := sheet.read(1 << 16)):
                return
            text += block
        text = text[found.end():]
        while True:
            cut = text.find(b"<row ", max(size, 1))
            if cut != -1:
                yield head + text[:cut] + tail
                text = text[cut:]
                continue
            block = sheet.read(max(size - len(text), 1 << 16))  # a row longer than a piece: until it ends
            if not block:
                end = text.find(b"</sheetData>")
                yield head + (text[:end] if end != -1 else text) + tail
                return
            text += block


def _workbook(parts: dict[str, bytes], part: str, xml: bytes) -> io.BytesIO:
    """A workbook in memory holding one piece of the sheet as its first sheet, stored unpacked."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as workbook:
        for name, data in parts.items():
            workbook.writestr(name, data)
        workbook.writestr(part, xml)
    out.seek(0)
    return out
