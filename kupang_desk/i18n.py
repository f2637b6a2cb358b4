"""Translation of user-visible text: Bahasa Indonesia in the source, English from a catalogue.

Every user-visible string goes through ``_()`` (domain and interface alike), so one
catalogue serves both and ``pybabel extract`` finds them all. The English catalogue is
``resources/translations/en.po``; it is read as text at start-up (no compiled files).
"""

from __future__ import annotations

import os

from kupang_desk.resources import resource_path

SOURCE_LANGUAGE = "id"
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}

_catalogue: dict[str, str] = {}
_language = SOURCE_LANGUAGE


def _(message: str) -> str:
    """The message in the current language (the Indonesian source when untranslated)."""
    return _catalogue.get(message) or message


def current_language() -> str:
    return _language


def set_language(language: str | None = None) -> str:
    """Switches the language; ``None`` reads ``KUPANG_DESK_LANG`` and falls back to Indonesian."""
    global _language, _catalogue
    language = (language or os.environ.get("KUPANG_DESK_LANG") or SOURCE_LANGUAGE).lower()[:2]
    if language not in LANGUAGES:
        language = SOURCE_LANGUAGE
    _catalogue = {} if language == SOURCE_LANGUAGE else load_catalogue(language)
    _language = language
    return language


def load_catalogue(language: str) -> dict[str, str]:
    """Reads ``resources/translations/<language>.po`` into a message dictionary."""
    from babel.messages.pofile import read_po

    path = resource_path("translations", f"{language}.po")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {
        message.id: message.string
        for message in catalog
        if message.id and isinstance(message.id, str) and isinstance(message.string, str) and message.string
        and not message.fuzzy
    }
