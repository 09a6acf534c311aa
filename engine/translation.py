"""A ``str.translate`` table that fills itself on demand.

Why: the literal screen (``engine.literal_screen``) maps every character of a text to
its case key before looking for literals. Working that out per character is slow, and
a table for all of Unicode would be large, so each character is worked out the first
time it is seen and remembered, up to a bound (beyond it, still answered, not kept).
"""

from __future__ import annotations

from collections.abc import Callable

# The table stops growing past this many characters.
TABLE_LIMIT = 1 << 16


class FilledTable(dict[int, str]):
    """``str.translate`` table: code point → ``mapping(code point)``, filled on first sight."""

    def __init__(self, mapping: Callable[[int], str], limit: int = TABLE_LIMIT) -> None:
        super().__init__()
        self._mapping, self._limit = mapping, limit

    def __missing__(self, point: int) -> str:
        char = self._mapping(point)
        if len(self) < self._limit:
            self[point] = char
        return char
