"""Every user-visible string has its English translation, with the same placeholders."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from kupang_desk import i18n
from kupang_desk.validators import check_nik

PACKAGE = Path(__file__).resolve().parent.parent / "kupang_desk"


def _source_messages() -> set[str]:
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords={"_": None})
    return {message for _file, _line, message, _comments, _context in found if isinstance(message, str)}


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_message_has_an_english_translation():
    english = i18n.load_catalogue("en")
    missing = sorted(_source_messages() - english.keys())
    assert not missing, "Run scripts/update_translations.py and translate: " + "; ".join(missing[:10])


def test_translations_keep_the_placeholders():
    for source, translated in i18n.load_catalogue("en").items():
        assert _fields(source) == _fields(translated), source


@pytest.fixture
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("id")


def test_switching_to_english(english):
    assert i18n.current_language() == "en"
    with pytest.raises(ValueError, match="must have 16 digits; 3 were entered"):
        check_nik("123")


def test_unknown_language_falls_back_to_indonesian():
    assert i18n.set_language("xx") == "id"
    assert i18n._("Pasien") == "Pasien"
