"""Personal names: tidy as typed, and folded so Kupang spelling variants match."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_LETTER = re.compile(r"[^a-z ]+")
_REPEATS = re.compile(r"(.)\1+")

# Old and variant spellings seen in NTT registers, folded to one form, in this order:
# Soekarno/Sukarno, Djoko/Joko, Tjahja/Cahya, Christina/Kristina, Stephanus/Stefanus,
# Theresia/Teresia, Johanes/Yohanes, Silvia/Silfia.
_DIGRAPHS = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("ch", "k"), ("ph", "f"), ("th", "t"))
_LETTERS = str.maketrans({"j": "i", "y": "i", "e": "i", "o": "u", "v": "f", "q": "k", "z": "s"})


def tidy_name(name: str) -> str:
    """The name as it should be stored: trimmed, single spaces."""
    return _SPACES.sub(" ", name).strip()


def name_key(name: str) -> str:
    """A search key under which spelling variants coincide.

    Yohanis and Yohanes, Maria and Mariya, Johanes and Yohanes, Sarah and Sara all give
    the same key. It is for finding candidates, never for display.
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = _NOT_LETTER.sub(" ", text)
    for old, new in _DIGRAPHS:
        text = text.replace(old, new)
    text = text.translate(_LETTERS)
    words = []
    for word in text.split():
        word = _REPEATS.sub(r"\1", word)
        if len(word) > 2 and word.endswith("h"):
            word = word[:-1]
        words.append(word)
    return " ".join(words)
