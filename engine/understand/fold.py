"""Length-preserving text folding for cue matching.

Clients type "literowka" for "literówka", "Prosim" for "prosim" and "ΑΠΑΡΑΔΕΚΤΟ" for
"απαράδεκτο". Cue patterns are matched against a folded copy of the text: lower case,
diacritics stripped, Greek final sigma and a few stroked letters (ł, đ, ø) mapped to
their plain forms, Serbian Cyrillic transliterated to Latin. Folding maps every
character to exactly one character, so a match's offsets in the folded copy are its
offsets in the original text and the explanation can quote the client's own words.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from roundwise.engine.translation import FilledTable

_SPECIAL = {"ł": "l", "đ": "d", "ø": "o", "ς": "σ", "ı": "i", "ŀ": "l", "’": "'", "ʼ": "'"}
# Serbian Cyrillic folds to the Serbian Latin cue spelling, letter for letter, so one cue
# list serves both scripts. Љ, Њ and Џ are two letters in Latin (lj, nj, dž): they fold to
# l, n and d, and Serbian patterns accept an optional j/z after them (see fold_pattern).
_CYRILLIC = dict(
    zip("абвгдђежзијклљмнњопрстћуфхцчџш", "abvgddezzijkllmnnoprstcufhccds", strict=True)
)


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """Fold one character to one character (never more, never fewer)."""
    low = ch.lower()
    if len(low) != 1:
        low = ch
    low = _SPECIAL.get(low, low)
    if low in _CYRILLIC:
        return _CYRILLIC[low]
    base = unicodedata.normalize("NFD", low)
    if len(base) > 1 and all(unicodedata.combining(c) for c in base[1:]):
        low = base[0]
    return _SPECIAL.get(low, low)


# Folding is done many times per message (each clause, the stage, the markers):
# translating in C is many times faster than joining one Python call per character.
_TABLE = FilledTable(lambda point: fold_char(chr(point)))


def fold(text: str) -> str:
    """Fold ``text`` for matching; ``len(fold(text)) == len(text)`` always holds."""
    return text.translate(_TABLE)


def fold_pattern(pattern: str, language: str = "") -> str:
    """Fold the non-ASCII letters of a regex pattern, leaving its ASCII syntax alone.

    Lower-casing a whole pattern would turn ``\\W`` into ``\\w``; ASCII letters are instead
    matched case-insensitively by the compiled pattern. Serbian patterns also accept the
    one-letter Cyrillic forms of lj, nj and dž (folded to l, n, d).
    """
    folded = "".join(ch if ord(ch) < 128 else fold_char(ch) for ch in pattern)
    if language == "sr":
        folded = folded.replace("lj", "lj?").replace("nj", "nj?").replace("dz", "dz?")
    return folded
