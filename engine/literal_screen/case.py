"""Case keys, and the values every part of the screen shares.

Both engines treat two characters as equal under IGNORECASE only if they are case
variants of each other; ``canonical_char`` maps every variant to one key (see the
package docstring).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from roundwise.engine.translation import FilledTable

# Exact sets (every string a sub-pattern can match) are kept while they stay this small.
EXACT_LIMIT = 16
# A character class of at most this many characters is a set of one-letter strings.
CLASS_LIMIT = 8
# At most this many conditions are kept per pattern (the most selective ones).
CONDITIONS = 3
# Literals are indexed by their first GRAM characters.
GRAM = 3
# Keys of whitespace and of decimal digits.
SPACE = " "
DIGIT = "0"
# Flags that do not change which literals a match needs (IGNORECASE is handled by the
# case keys, which are the same with and without it). Any other flag: nothing is read.
PLAIN_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.UNICODE | re.ASCII

Strings = frozenset[str]
# Conditions of a pattern: every set must have a literal in the text (empty: none known).
Conditions = tuple[Strings, ...]


def canonical_char(point: int) -> str:
    """The key ``chr(point)`` shares with every character either engine treats as its case.

    Upper then lower case, twice, keeping the first character of each result: every case
    variant of a character ends on the same key (checked against ``re`` and ``regex`` by
    the tests). Whitespace maps to a space and decimal digits to "0"; neither has case.
    """
    char = chr(point)
    if char.isspace():
        return SPACE
    if char.isdecimal():
        return DIGIT
    if unicodedata.category(char) == "Cn":
        return _newer_key(char)
    for _ in range(2):
        char = char.upper()[0].lower()[0]
    return char


def _newer_key(char: str) -> str:
    """The key of a character this Python's Unicode does not know (yet ``regex`` may).

    The ``regex`` module (the linter's engine) can carry a newer Unicode than Python's
    ``str`` methods: it may read such a character as a digit, a space, or a case of a
    known letter ("\U0001df95" matches "ß"). Asked once per such character, through
    ``regex``'s public API, which characters it matches under IGNORECASE.
    """
    import regex

    if regex.match(r"\s", char):
        return SPACE
    if regex.match(r"\d", char):
        return DIGIT
    for other in regex.findall(regex.escape(char), _cased_letters(), regex.IGNORECASE):
        return canonical_char(ord(other))
    return char


@lru_cache(maxsize=1)
def _cased_letters() -> str:
    """Every character this Python gives a case mapping (read once, when first needed)."""
    found = []
    for base in range(0, 0x110000, 4096):
        block = "".join(map(chr, range(base, base + 4096)))
        if block.lower() != block or block.upper() != block or block.casefold() != block:
            found += [c for c in block if c.lower() != c or c.upper() != c or c.casefold() != c]
    return "".join(found)


_CANONICAL = FilledTable(canonical_char)


def canonical(text: str) -> str:
    """``text`` with each character replaced by its case key."""
    return text.translate(_CANONICAL)
