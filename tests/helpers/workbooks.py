"""Workbooks as other programs write them, made from ones openpyxl wrote."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path


def share_strings(path: Path, out: Path) -> Path:
    """The same workbook with its texts in shared strings instead of in the cells (openpyxl's write-only
    mode writes them in the cells; an export from a web application, Dapodik's perhaps, shares them)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    texts: dict[bytes, int] = {}

    def shared(cell: re.Match) -> bytes:
        return cell[1] + b't="s"><v>' + str(texts.setdefault(cell[2], len(texts))).encode() + b"</v></c>"

    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb'(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")? )t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>',
                          shared, parts[sheet])
    parts["xl/sharedStrings.xml"] = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                     + b"".join(b'<si><t xml:space="preserve">' + text + b"</t></si>" for text in texts)
                                     + b"</sst>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'))
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out
