"""Writes the package diagram of docs/ARCHITECTURE.md from the code's own imports.

    python scripts/architecture.py          # rewrites the diagram between its markers
    python scripts/architecture.py --check  # exit 1 when the document is out of date (a test runs this)
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kupang_desk"
DOCUMENT = ROOT / "docs" / "ARCHITECTURE.md"
BEGIN, END = "<!-- diagram: begin (scripts/architecture.py) -->", "<!-- diagram: end -->"


def unit(path: Path) -> str:
    """The capability a file belongs to: its package under kupang_desk/, or the module itself."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0] if len(parts) > 1 else parts[0]


def edges() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        source = unit(path)
        if source in ("__init__", "__main__"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):  # "from kupang_desk import audit" names the module imported
                names = [f"{node.module}.{a.name}" for a in node.names] if node.module == "kupang_desk" else [node.module or ""]
            else:
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                parts = name.split(".")
                is_module = len(parts) > 1 and ((PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").exists())
                if parts[0] == "kupang_desk" and is_module and parts[1] != source:
                    found.add((source, parts[1]))
    return found


def diagram() -> str:
    """Mermaid: the interface on top, the models at the bottom; an arrow reads 'imports'."""
    lines = ["```mermaid", "flowchart TD"]
    for source, target in sorted(edges()):
        if target in ("i18n", "errors"):  # everyone speaks and fails the same way: left out for clarity
            continue
        lines.append(f"    {source} --> {target}")
    lines.append("```")
    return "\n".join(lines)


def main() -> int:
    text = DOCUMENT.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    updated = text[:start] + "\n" + diagram() + "\n" + text[end:]
    if "--check" in sys.argv:
        if updated != text:
            print("docs/ARCHITECTURE.md is out of date: run python scripts/architecture.py", file=sys.stderr)
            return 1
        return 0
    DOCUMENT.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
