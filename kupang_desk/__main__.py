"""Allows ``python -m kupang_desk``."""

from kupang_desk.cli import main

raise SystemExit(main())
