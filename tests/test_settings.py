"""Every setting is declared once, with its default and check, and read only through the registry."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kupang_desk
from kupang_desk import settings
from kupang_desk.errors import KnownError
from kupang_desk.models import Setting, writing

ROOT = Path(kupang_desk.__file__).parent


def _calls():
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                yield path.relative_to(ROOT).as_posix(), node


def test_settings_are_read_and_written_only_through_the_registry_and_every_key_is_declared():
    for where, call in _calls():
        if call.func.attr in ("get_value", "set_value"):
            assert where in ("settings.py", "models/reference.py"), f"{where}:{call.lineno} reads a setting directly"
        target = call.func.value
        if call.func.attr in ("get", "put") and isinstance(target, ast.Name) and target.id == "settings":
            name = call.args[0]
            if isinstance(name, ast.Constant):
                assert name.value in settings.KEYS, f"{where}:{call.lineno} undeclared setting {name.value}"


def test_an_unset_or_damaged_setting_reads_as_its_default_and_a_bad_value_is_refused(database):
    assert settings.get("backup.warn_after_days") == 3
    with writing():
        Setting.set_value("backup.warn_after_days", "tiga")  # a hand edit of the database
        Setting.set_value("no_rm.pattern", ["not", "a", "pattern"])
    assert settings.get("backup.warn_after_days") == 3
    assert settings.get("no_rm.pattern") == settings.DEFAULT_NO_RM_PATTERN
    with pytest.raises(KnownError, match="1 sampai 60 hari"), writing():
        settings.put("backup.warn_after_days", 90)
    with writing():
        assert settings.put("backup.warn_after_days", 7) == 3  # the value it replaced
    assert settings.get("backup.warn_after_days") == 7
    # A default handed out is a copy: changing it changes no other reader's default.
    bands = settings.get("imports.value_map")
    bands["x"] = {}
    assert settings.get("imports.value_map") == {}
