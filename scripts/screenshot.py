"""Makes docs/main-window.png from the real application on a demo database (offscreen).

    python scripts/screenshot.py [--out docs/main-window.png] [--section pengaturan]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "main-window.png"))
    parser.add_argument("--section", default="pengaturan")
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QTimer

    from kupang_desk import demo
    from kupang_desk.i18n import set_language
    from kupang_desk.models import database
    from kupang_desk.ui.app import application
    from kupang_desk.ui.main_window import MainWindow

    set_language("id")
    app = application()
    folder = Path(tempfile.mkdtemp())
    target = database.connect(f"sqlite:///{folder / 'kupang-desk-demo.sqlite'}")
    demo.generate(2000, 20000, 300)
    window = MainWindow(target)
    window.resize(1000, 620)
    window.show()
    window.show_section(args.section)
    loop = QEventLoop()
    window.summary_loaded.connect(lambda _figures: QTimer.singleShot(50, loop.quit))
    window.refresh_summary()
    QTimer.singleShot(20000, loop.quit)
    loop.exec()
    app.processEvents()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(args.out):
        print(f"could not write {args.out}", file=sys.stderr)
        return 1
    print(args.out)
    window.close()
    database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
