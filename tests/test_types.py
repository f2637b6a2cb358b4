"""The domain packages type-check (mypy, configured in pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parent.parent
# Checked in the suite; the rest of the domain (peewee queries mostly) is not clean yet: see the
# note of issue 12. Add a module here once it passes.
CHECKED = ["kupang_desk/imports", "kupang_desk/preferences.py", "kupang_desk/visits/diagnoses.py",
           "kupang_desk/tasks.py", "kupang_desk/errors.py"]


def test_domain_packages_type_check():
    out, err, status = mypy_api.run(["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir",
                                     str(ROOT / ".mypy_cache"), *[str(ROOT / p) for p in CHECKED]])
    assert status == 0, out + err
