"""Personal names: tidy as typed, folded so Kupang spelling variants match, and whether a row and a
record can be one person."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from kupang_desk.i18n import _

SAME_NAME = 0.85  # folded names this alike are "similar" (Yohanis Ndun / Yohanes Ndun)
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


@lru_cache(maxsize=1 << 17)  # an import asks for each row's key several times (check, match, write)
def name_key(name: str) -> str:
    """A search key under which spelling variants coincide.

    Yohanis and Yohanes, Maria and Mariya, Johanes and Yohanes, Sarah and Sara all give
    the same key. It is for finding candidates, never for display.
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(map(_word_key, _NOT_LETTER.sub(" ", text).split()))


@lru_cache(maxsize=1 << 16)  # names share their words: 50,000 students have a few thousand first names
def _word_key(word: str) -> str:
    """One folded word (lower-case letters) of ``name_key``: every step stays inside a word."""
    for old, new in _DIGRAPHS:
        word = word.replace(old, new)
    word = _REPEATS.sub(r"\1", word.translate(_LETTERS))
    if len(word) > 2 and word.endswith("h"):
        word = word[:-1]
    return word


def similarity(key_a: str, key_b: str) -> float:
    """How alike two folded names are, 0..1; word order does not matter."""
    if not key_a or not key_b:
        return 0.0
    direct = SequenceMatcher(None, key_a, key_b).ratio()
    ordered = SequenceMatcher(None, " ".join(sorted(key_a.split())), " ".join(sorted(key_b.split()))).ratio()
    return max(direct, ordered)


@dataclass(frozen=True)
class Identity:
    """Who a row or a record says a person is: enough to tell two people apart in a message."""

    name: str
    sex: str
    birth_date: dt.date | None
    number: str = ""  # No. RM or NISN, as the office knows the person

    def describe(self) -> str:
        born = self.birth_date.strftime("%d-%m-%Y") if self.birth_date else "?"
        number = f", {self.number}" if self.number else ""
        return _("{name} ({sex}, lahir {born}{number})").format(name=self.name, sex=self.sex or "?", born=born, number=number)


def same_name(a: str, b: str) -> bool:
    """Spelling variants of one name (Yohanis / Yohanes Ndun), or one name with a word added."""
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b or key_a == key_b:
        return True  # nothing to compare against, or one spelling
    words_a, words_b = set(key_a.split()), set(key_b.split())
    return similarity(key_a, key_b) >= SAME_NAME or words_a <= words_b or words_b <= words_a


def identity_conflict(row: Identity, record: Identity) -> list[str]:
    """What tells the row's person apart from the record's, in the clerk's words; empty when they may
    be one person. A birth date, a sex or a name that is not a spelling variant is enough."""
    differences = []
    if row.birth_date and record.birth_date and row.birth_date != record.birth_date:
        differences.append(_("tanggal lahir"))
    if row.sex and record.sex and row.sex != record.sex:
        differences.append(_("jenis kelamin"))
    if not same_name(row.name, record.name):
        differences.append(_("nama"))
    return differences


def conflict_reason(column: str, value: str, row: Identity, record: Identity, differences: list[str]) -> str:
    """The row error: both identities, what differs, and what to fix."""
    return _("{column} {value} sudah dipakai {record}, tetapi baris ini {row}: {what} berbeda. Data tidak "
             "ditempelkan ke orang lain; perbaiki {column} atau data orangnya, lalu impor lagi.").format(
        column=column, value=value, record=record.describe(), row=row.describe(), what=", ".join(differences))
