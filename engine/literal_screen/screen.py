"""Screening texts: which of many patterns could match a text at all."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from roundwise.engine.literal_screen.case import GRAM, Conditions, canonical

# --- screening ----------------------------------------------------------------------------

# A unit with several conditions, once its first one is met: its bit and the others.
_Check = tuple[int, Conditions]
# A literal found in a text: the units it admits alone, and the units it admits if their
# other conditions hold too.
_Entry = tuple[str, int, tuple[_Check, ...]]


@dataclass(frozen=True, slots=True)
class Screen:
    """Which units (patterns) may match one text, and the literals that said so.

    ``mask`` has bit ``i`` set when unit ``i`` may match. A substring can only hold
    literals of the whole text, so its screen is derived by re-checking ``found`` alone
    (``within``).
    """

    mask: int
    found: tuple[_Entry, ...] = ()
    always: int = 0
    key: str = ""  # the canonical text screened

    def within(self, text: str) -> Screen:
        """The screen of ``text``, a substring of the text this screen was made for."""
        if self.mask == -1:
            return self
        key = canonical(text)
        if key == self.key:
            return self
        kept = tuple(entry for entry in self.found if entry[0] in key)
        return Screen(_resolve(kept, key, self.always), kept, self.always, key)


# The screen of a list without prefilter: every unit may match.
EVERYTHING = Screen(-1)


def _resolve(found: Iterable[_Entry], key: str, always: int) -> int:
    """The units admitted in canonical text ``key`` by the literals ``found`` in it."""
    units = always
    for _, admitted, checks in found:
        units |= admitted
        for bit, others in checks:
            if units & bit:
                continue
            for condition in others:  # (plain loops: this runs for every clause)
                for literal in condition:
                    if literal in key:
                        break
                else:
                    break  # a condition with none of its literals in the text
            else:
                units |= bit
    return units


class Prefilter:
    """Which of a list of units (regexes) can match a text, as a bit mask over them.

    Literals of each unit's first (most selective) condition are indexed by their first
    three characters: a text's three-letter windows pick the few literals worth checking,
    each is then confirmed with a substring test, and a unit with more conditions is
    admitted when those hold too.
    """

    __slots__ = ("_always", "_by_gram", "_grams", "_short")

    def __init__(self, units: Sequence[Conditions]) -> None:
        always = 0
        admits: dict[str, int] = {}
        checks: dict[str, list[_Check]] = {}
        for unit, conditions in enumerate(units):
            if not conditions:
                always |= 1 << unit
                continue
            first, *others = conditions
            for literal in first:
                if others:
                    checks.setdefault(literal, []).append((1 << unit, tuple(others)))
                else:
                    admits[literal] = admits.get(literal, 0) | 1 << unit
        by_gram: dict[str, list[_Entry]] = {}
        short: list[_Entry] = []
        for literal in sorted(admits.keys() | checks.keys()):
            entry = (literal, admits.get(literal, 0), tuple(checks.get(literal, ())))
            if len(literal) < GRAM:
                short.append(entry)
            else:
                by_gram.setdefault(literal[:GRAM], []).append(entry)
        self._always = always
        self._by_gram = {gram: tuple(entries) for gram, entries in by_gram.items()}
        self._grams = frozenset(self._by_gram)
        self._short = tuple(short)

    def screen(self, text: str) -> Screen:
        """The screen of ``text``: which units may match it."""
        key = canonical(text)
        found = [entry for entry in self._short if entry[0] in key]
        windows = self._grams.intersection(map("".join, zip(key, key[1:], key[2:], strict=False)))
        by_gram = self._by_gram
        for gram in windows:
            for entry in by_gram[gram]:
                if entry[0] in key:
                    found.append(entry)
        return Screen(_resolve(found, key, self._always), tuple(found), self._always, key)
