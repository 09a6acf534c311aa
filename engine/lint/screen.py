"""A literal screen for lint patterns: which patterns could match a text at all.

Deciding whether a client's phrase is fit to quote back ran every phrase and refusal
pattern (some 70 regexes) over it, although a short phrase holds the words of only a
few. The first time a language's rules are screened, each pattern is parsed (``re._parser``, the
parser behind ``re.compile``; the lint patterns use only syntax both engines read the
same way, and a source that might not is left unscreened) into *literals*: strings one of
which every match contains ("you failed to" needs "you failed to"; ``\\bthat(?:'s| is)``
needs "that's" or "that is"). At check time the text is put in canonical case once and a
pattern runs only when one of its literals occurs in it; a pattern with no literals
always runs. A skipped pattern could not have matched, so the answer is the full scan's.

Case: ``regex.IGNORECASE`` matches two characters when the ``regex`` engine lists them as
cases of each other (``regex._regex.get_all_cases``: "i", "I" and "İ"; "s", "S" and
"ſ"…). Literals and texts are both mapped character by character to the smallest member
of the class of characters so linked (``canonical``), so a literal is absent from the
canonical text only if no case variant of it is in the text. A case-sensitive pattern's
match is its own case variant, so the same screen is safe for it. Where the parser or
the case table is missing (another Python or ``regex``), nothing is screened and every
pattern runs.
"""

from __future__ import annotations

import importlib
import operator
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from roundwise.engine.translation import FilledTable

# Exact sets (every string a sub-pattern can match) are kept while they stay this small.
_EXACT_LIMIT = 16
# A character class of at most this many characters is a set of one-letter strings.
_CLASS_LIMIT = 8
# A condition of more literals than this is cut to a substring they all share, if any.
_FEW = 3
# ...and that shared substring must be at least this long to be worth checking.
_SHARED_MIN = 3
# Flags under which ``re._parser`` reads a source as ``regex`` does (version 0 syntax).
_PLAIN_FLAGS = (
    regex.IGNORECASE
    | regex.MULTILINE
    | regex.DOTALL
    | regex.VERBOSE
    | regex.UNICODE
    | regex.ASCII
    | regex.VERSION0
)
# ``regex``-only syntax ``re`` would read differently: a brace that is not a counted
# repeat (fuzzy matching, ``\p{…}``-like text) or a POSIX class.
_REGEX_ONLY = re.compile(r"\{(?!\d*,?\d*\})|\[:")

Literals = frozenset[str]


def _internals() -> tuple[Any, Any] | None:
    """The ``re`` parser and ``regex``'s case classes, or None where either is missing."""
    try:
        parser = importlib.import_module("re._parser")
        engine = importlib.import_module("regex._regex")
        engine.get_all_cases(int(regex.IGNORECASE), ord("a"))
        parser.parse("a", 0).getwidth()
    except (ImportError, AttributeError, TypeError):  # pragma: no cover - other versions
        return None
    return parser, engine


_INTERNALS = _internals()
AVAILABLE = _INTERNALS is not None


def canonical_char(point: int) -> str:
    """The smallest character of ``chr(point)``'s case class under ``regex.IGNORECASE``.

    The engine's "matches ignoring case" is not transitive ("i" matches "I" and "İ", "I"
    matches "ı", but "I" does not match "İ"), so the class is everything reachable from
    the character that way: any two characters that match each other share it.
    """
    if _INTERNALS is None:  # pragma: no cover - other versions
        return chr(point)
    cases = _INTERNALS[1].get_all_cases
    seen, todo = {point}, [point]
    while todo:
        for other in cases(int(regex.IGNORECASE), todo.pop()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return chr(min(seen))


_CANONICAL = FilledTable(canonical_char)


def canonical(text: str) -> str:
    """``text`` with each character replaced by its case class's representative."""
    return text.translate(_CANONICAL)


# --- reading a pattern ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Info:
    """What a parsed node tells, in canonical strings.

    ``exact``: every string the node can match (None when unknown or too many);
    ``required``: strings one of which every match contains (None when nothing is known).
    """

    exact: Literals | None
    required: Literals | None


_EMPTY: Literals = frozenset({""})
_UNKNOWN = _Info(None, None)


def _usable(strings: Literals | None) -> Literals | None:
    """Strings that make a condition: none may be empty (the empty string is in any text)."""
    return strings if strings and "" not in strings else None


def _score(strings: Literals) -> tuple[int, int]:
    """How selective a condition is: longer shortest literal first, then fewer literals."""
    return min(map(len, strings)), -len(strings)


def _best(candidates: Iterable[Literals | None]) -> Literals | None:
    """The most selective usable condition (ties: the first found, so it is reproducible)."""
    usable = [c for c in map(_usable, candidates) if c is not None]
    return max(usable, key=_score, default=None)


def _product(left: Literals, right: Literals) -> Literals | None:
    """Every concatenation of a left and a right string, while there are few."""
    if len(left) * len(right) > _EXACT_LIMIT:
        return None
    return frozenset(a + b for a in left for b in right)


def _sequence(items: Iterable[tuple[Any, Any]]) -> _Info:
    """A concatenation: runs of exactly known nodes multiply into longer literals."""
    run: Literals = _EMPTY
    whole = True  # every node so far exact, and the run never restarted
    candidates: list[Literals | None] = []
    for op, av in items:
        info = _node(str(op), av)
        if info.exact is None:
            candidates += [run, info.required]
            run, whole = _EMPTY, False
            continue
        joined = _product(run, info.exact)
        if joined is None:  # too many: keep the run so far, start again here
            candidates.append(run)
            run, whole = info.exact, False
        else:
            run = joined
    candidates.append(run)
    return _Info(run if whole else None, _best(candidates))


def _class(members: Sequence[tuple[Any, Any]]) -> _Info:
    """A character class of a few listed characters; anything else is unknown."""
    chars: set[str] = set()
    for op, av in members:
        if str(op) == "LITERAL":
            chars.add(canonical_char(av))
        elif str(op) == "RANGE" and av[1] - av[0] < _CLASS_LIMIT:
            chars.update(canonical_char(point) for point in range(av[0], av[1] + 1))
        else:  # a negation, \w, \s, a wide range…
            return _UNKNOWN
    return _Info(frozenset(chars), None) if len(chars) <= _CLASS_LIMIT else _UNKNOWN


def _branch(alternatives: Sequence[Any]) -> _Info:
    """Alternatives: each meets its own best condition, so their union is one."""
    infos = [_sequence(alternative) for alternative in alternatives]
    known = [info.exact for info in infos if info.exact is not None]
    exact = None
    if len(known) == len(infos):
        union = frozenset().union(*known)
        exact = union if len(union) <= _EXACT_LIMIT else None
    best = [_best((info.exact, info.required)) for info in infos]
    required = None
    if all(condition is not None for condition in best):
        required = frozenset().union(*(c for c in best if c is not None))
    return _Info(exact, required)


def _repeat(low: int, high: int, item: Any) -> _Info:
    """A repeat: optional parts are exact only as "absent or once"; one copy is required."""
    info = _sequence(item)
    if low == 0:
        if high == 1 and info.exact is not None:
            return _Info(info.exact | _EMPTY, None)
        return _UNKNOWN
    if low == high == 1:
        return info
    return _Info(None, _best((info.exact, info.required)))


def _node(name: str, av: Any) -> _Info:
    """What one parsed node tells; an unknown construct tells nothing."""
    if name == "LITERAL":
        return _Info(frozenset({canonical_char(av)}), None)
    if name == "IN":
        return _class(av)
    if name in ("AT", "ASSERT", "ASSERT_NOT"):  # \b, ^, lookarounds: they consume nothing
        return _Info(_EMPTY, None)
    if name == "SUBPATTERN":
        return _sequence(av[3])
    if name == "ATOMIC_GROUP":
        return _sequence(av)
    if name == "BRANCH":
        return _branch(av[1])
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        return _repeat(av[0], av[1], av[2])
    return _UNKNOWN


def required_literals(pattern: regex.Pattern[str]) -> Literals | None:
    """Canonical strings one of which every match of ``pattern`` contains (None: unknown).

    None also when the source might mean something else to ``re``'s parser than to
    ``regex`` (a flag or construct only ``regex`` has), or cannot be parsed by it.
    """
    source, flags = pattern.pattern, int(pattern.flags)
    if _INTERNALS is None or flags & ~int(_PLAIN_FLAGS) or _REGEX_ONLY.search(source):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a FutureWarning: a nested set, read differently
            parsed = _INTERNALS[0].parse(source, int(flags & regex.VERBOSE))
    except (re.error, Warning, RecursionError):
        return None
    info = _sequence(parsed)
    return _shared(_best((info.exact, info.required)))


def _shared(strings: Literals | None) -> Literals | None:
    """Many literals cut to the longest substring they all contain, when there is one.

    Every match holds one of the literals and so that substring: the condition is as
    sound, a little weaker, and one substring test instead of many.
    """
    if strings is None or len(strings) <= _FEW:
        return strings
    shortest = min(sorted(strings), key=len)
    for size in range(len(shortest), _SHARED_MIN - 1, -1):
        for start in range(len(shortest) - size + 1):
            part = shortest[start : start + size]
            if all(part in literal for literal in strings):
                return frozenset({part})
    return strings


# --- screening ------------------------------------------------------------------------

# Literals are indexed by their first GRAM characters.
GRAM = 2
# A literal and the units (bits) it admits.
_Entry = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Screen:
    """Which of a list of units (patterns) may match a text, as a bit mask over them.

    Unit ``i`` is admitted when the text holds one of its literals, or always when it has
    none. Literals are indexed by their first two characters: the text's two-letter
    windows pick the few literals worth a substring test.
    """

    always: int
    short: tuple[_Entry, ...]
    by_gram: dict[str, tuple[_Entry, ...]]
    grams: frozenset[str]

    @classmethod
    def of(cls, units: Sequence[Literals | None]) -> Screen:
        """The screen of units given by their literals (None: the unit always runs)."""
        always = 0
        admits: dict[str, int] = {}
        for unit, literals in enumerate(units):
            if literals is None:
                always |= 1 << unit
                continue
            for literal in literals:
                admits[literal] = admits.get(literal, 0) | 1 << unit
        short: list[_Entry] = []
        by_gram: dict[str, list[_Entry]] = {}
        for literal in sorted(admits):  # sorted: a reproducible order
            entry = (literal, admits[literal])
            if len(literal) < GRAM:
                short.append(entry)
            else:
                by_gram.setdefault(literal[:GRAM], []).append(entry)
        indexed = {gram: tuple(entries) for gram, entries in by_gram.items()}
        return cls(always, tuple(short), indexed, frozenset(indexed))

    def admitted(self, text: str) -> int:
        """The units that may match ``text``: bit ``i`` set for unit ``i``."""
        key = canonical(text)
        units = self.always
        for literal, bits in self.short:
            if literal in key:
                units |= bits
        for gram in self.grams.intersection(map(operator.add, key, key[1:])):
            for literal, bits in self.by_gram[gram]:
                if units & bits != bits and literal in key:
                    units |= bits
        return units
