"""One version, from pyproject.toml, with the build date a packaged copy carries."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from kupang_desk import __version__, cli, version

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_the_one_pyproject_names():
    with (ROOT / "pyproject.toml").open("rb") as handle:
        assert __version__ == tomllib.load(handle)["project"]["version"]


def test_a_packaged_build_says_when_it_was_built(tmp_path):
    stamp = tmp_path / "build.json"
    stamp.write_text(json.dumps({"date": "2026-12-05", "kind": "windows", "commit": "abc1234"}))
    info = version.build_info.__wrapped__(stamp)
    assert version.describe(info) == f"Kupang Desk {__version__}, dibangun 5 Desember 2026"


@pytest.mark.parametrize("content", [None, "not json", json.dumps({"date": "kemarin"}), json.dumps([1])])
def test_a_copy_run_from_source_says_so(tmp_path, content):
    stamp = tmp_path / "build.json"
    if content is not None:
        stamp.write_text(content)
    info = version.build_info.__wrapped__(stamp)
    assert version.describe(info) == f"Kupang Desk {__version__} (dijalankan dari kode sumber)"


def test_the_command_line_prints_it(capsys, monkeypatch):
    monkeypatch.setattr(version, "build_info", lambda: {"date": "2026-12-05"})
    with pytest.raises(SystemExit) as raised:
        cli.main(["--version"])
    assert raised.value.code == 0
    assert capsys.readouterr().out.strip() == f"Kupang Desk {__version__}, dibangun 5 Desember 2026"
