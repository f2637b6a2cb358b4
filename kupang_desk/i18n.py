"""Translation of user-visible text: Bahasa Indonesia in the source, English from a catalogue.

Every user-visible string goes through ``_()`` (domain and interface alike), so one
catalogue serves both and ``pybabel extract`` finds them all. The English catalogue is
``resources/translations/en.po``; it is read as text at start-up (no compiled files).
"""

from __future__ import annotations

import argparse
import gettext
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
    _teach_argparse(language)
    return language


# argparse's own words (usage, errors, the -h help), which it looks up through gettext at
# each call; Python ships no Indonesian catalogue for them.
ARGPARSE_ID = {
    "usage: ": "penggunaan: ",
    "positional arguments": "argumen",
    "options": "pilihan",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "pilihan %(value)r tidak dikenal (pilih salah satu: %(choices)s)",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: galat: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "nilai %(value)r tidak sah",
    "expected one argument": "perlu satu nilai",
    "expected at least one argument": "perlu paling sedikit satu nilai",
    "expected at most one argument": "paling banyak satu nilai",
    "not allowed with argument %s": "tidak boleh bersama argumen %s",
    "one of the arguments %s is required": "salah satu argumen ini wajib: %s",
    "ambiguous option: %(option)s could match %(matches)s": "pilihan %(option)s kurang jelas, bisa berarti %(matches)s",
    "ignored explicit argument %r": "nilai %r diabaikan",
    "can't open '%(filename)s': %(error)s": "file '%(filename)s' tidak dapat dibuka: %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "perintah %(parser_name)r tidak dikenal (pilihan: %(choices)s)",
    "expected %s argument": "perlu %s nilai",
    "expected %s arguments": "perlu %s nilai",
}


def _teach_argparse(language: str) -> None:
    if language == SOURCE_LANGUAGE:
        argparse._ = lambda message: ARGPARSE_ID.get(message, message)  # type: ignore[attr-defined]
        argparse.ngettext = lambda singular, plural, n: ARGPARSE_ID.get(  # type: ignore[attr-defined]
            singular if n == 1 else plural, singular if n == 1 else plural)
    else:
        argparse._ = gettext.gettext  # type: ignore[attr-defined]
        argparse.ngettext = gettext.ngettext  # type: ignore[attr-defined]


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
