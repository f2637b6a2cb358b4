"""The domain type-checks (mypy, configured in pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parent.parent
# The whole domain: every package and module outside ui/, with the models read as Any (peewee's
# fields are descriptors); the models on their own. The interface (ui/) by a count that may only
# go down (below).
RUNS = {
    "domain": [str(ROOT / "kupang_desk"), "--exclude", "kupang_desk/(ui|models)/"],
    "models": [str(ROOT / "kupang_desk" / "models")],
}


@pytest.mark.parametrize("part", sorted(RUNS))
def test_the_domain_type_checks(part):
    out, err, status = mypy_api.run(["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir",
                                     str(ROOT / ".mypy_cache"), *RUNS[part]])
    assert status == 0, out + err


# What mypy still finds in ui/ (212 when counted first, 72 now): lower it when you fix some; it
# reaches 0 and then ui/ joins RUNS. The count may not rise: new interface code type-checks.
UI_ERRORS_AT_MOST = 72


def test_the_interface_type_checks_a_little_better_each_time():
    out, err, _status = mypy_api.run(["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir",
                                      str(ROOT / ".mypy_cache"), str(ROOT / "kupang_desk" / "ui")])
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert len(errors) <= UI_ERRORS_AT_MOST, f"{len(errors)} type errors in ui/ (at most {UI_ERRORS_AT_MOST}):\n" + "\n".join(errors)
    assert len(errors) == UI_ERRORS_AT_MOST, (
        f"ui/ has {len(errors)} type errors now: lower UI_ERRORS_AT_MOST in tests/test_types.py to {len(errors)}")
