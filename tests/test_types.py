"""The domain type-checks (mypy, configured in pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parent.parent
# The whole domain: every package and module outside ui/, with the models read as Any (peewee's
# fields are descriptors); the models on their own. The interface (ui/) is not held to it yet.
RUNS = {
    "domain": [str(ROOT / "kupang_desk"), "--exclude", "kupang_desk/(ui|models)/"],
    "models": [str(ROOT / "kupang_desk" / "models")],
}


@pytest.mark.parametrize("part", sorted(RUNS))
def test_the_domain_type_checks(part):
    out, err, status = mypy_api.run(["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir",
                                     str(ROOT / ".mypy_cache"), *RUNS[part]])
    assert status == 0, out + err
