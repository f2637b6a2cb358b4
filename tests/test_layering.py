"""The domain layer stays importable, and usable, without Qt."""

from __future__ import annotations

import subprocess
import sys
import textwrap

DOMAIN_MODULES = (
    "kupang_desk.models", "kupang_desk.models.database", "kupang_desk.models.migrations",
    "kupang_desk.models.seed", "kupang_desk.validators", "kupang_desk.demo", "kupang_desk.formatting",
    "kupang_desk.summary", "kupang_desk.tasks", "kupang_desk.i18n", "kupang_desk.cli", "kupang_desk.audit",
    "kupang_desk.regions", "kupang_desk.patients.registration", "kupang_desk.patients.search",
    "kupang_desk.patients.merge", "kupang_desk.patients.duplicates", "kupang_desk.patients.card",
    "kupang_desk.patients.history", "kupang_desk.visits.recording", "kupang_desk.visits.register",
    "kupang_desk.visits.icd", "kupang_desk.reports.service",
)


def test_domain_imports_and_works_with_pyside6_blocked(tmp_path):
    script = textwrap.dedent(f"""
        import importlib, sys

        class BlockQt:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6"):
                    raise ImportError("Qt is blocked in this test: " + name)
                return None

        sys.meta_path.insert(0, BlockQt())
        for module in {DOMAIN_MODULES!r}:
            importlib.import_module(module)
        from kupang_desk.models import database, Patient
        from kupang_desk import demo
        database.connect("sqlite:///{tmp_path}/noqt.sqlite")
        demo.generate(20, 50)
        assert Patient.select().count() == 20
        from kupang_desk.reports import service
        from kupang_desk.reports.base import Period
        service.save("lb1", Period.month("2026-10"), pdf="{tmp_path}/lb1.pdf", xlsx="{tmp_path}/lb1.xlsx")
        assert not any(m.startswith(("PySide6", "shiboken6")) for m in sys.modules)
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_blocker_really_blocks():
    """Guards the test above: importing Qt through the same blocker must fail."""
    script = textwrap.dedent("""
        import sys
        class BlockQt:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6"):
                    raise ImportError("blocked")
        sys.meta_path.insert(0, BlockQt())
        import kupang_desk.ui.app
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "blocked" in result.stderr
