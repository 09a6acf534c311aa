"""A literal prefilter for cue regexes, in the spirit of RE2's FilteredRE2.

Most of the time of reading a message went into running some 250 cue regexes (1,700
phrases) over every clause, although a clause holds the words of only a handful of them.
When the cue book is built, each phrase is parsed (``re._parser``, the parser
``re.compile`` itself uses) into *conditions*: sets of literal strings such that any
match of the phrase contains one literal of every set ("not in the … folder" needs
"not " and " in " and " the "). A phrase for which nothing can be derived safely (it can
match without a fixed literal, e.g. ``\\w+``) has no condition and always runs. At match
time only phrases whose conditions hold in the text are run: a skipped phrase could not
have matched, so the cues found are exactly those of the full scan.

Case: cue patterns are compiled with ``re.IGNORECASE``. Two characters match each other
under it exactly when their simple lower cases are equal or are listed as equivalent in
``re._casefix`` ("ſ" and "s", "ϐ" and "β"…). Literals and text are both mapped to one
representative of that class (``canonical``) before they are compared, so a literal
check never says "absent" for a text the regex would match. Whitespace (``\\s``) and
decimal digits (``\\d``) have one representative each. Where the parser internals are
missing (another Python), the prefilter is off and every pattern runs.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from roundwise.engine.translation import FilledTable

# Exact sets (every string a sub-pattern can match) are kept while they stay this small.
EXACT_LIMIT = 16
# A character class of at most this many characters is a set of one-letter strings.
CLASS_LIMIT = 8
# At most this many conditions are kept per phrase (the most selective ones).
CONDITIONS = 3
# Literals are indexed by their first GRAM characters.
GRAM = 3
# Representatives of whitespace and of decimal digits.
SPACE = " "
DIGIT = "0"

Strings = frozenset[str]
# Conditions of a phrase: every set must have a literal in the text (empty: none known).
Conditions = tuple[Strings, ...]


def _internals() -> tuple[Any, Any, Mapping[int, tuple[int, ...]]] | None:
    """The regex parser, the engine's lower-casing and its extra case equivalences."""
    try:
        parser = importlib.import_module("re._parser")
        sre = importlib.import_module("_sre")
        extra: Mapping[int, tuple[int, ...]] = importlib.import_module("re._casefix")._EXTRA_CASES
        sre.unicode_tolower(65)
        parser.parse("a", re.IGNORECASE).getwidth()
    except (ImportError, AttributeError, TypeError):  # pragma: no cover - other Pythons
        return None
    return parser, sre, extra


_INTERNALS = _internals()
AVAILABLE = _INTERNALS is not None


def canonical_char(point: int) -> str:
    """One representative of the characters ``re.IGNORECASE`` treats as ``chr(point)``.

    Every whitespace character (what ``\\s`` matches) is represented by a space and every
    decimal digit (``\\d``) by "0", so each class is one character to the prefilter;
    neither kind has case.
    """
    char = chr(point)
    if char.isspace():
        return SPACE
    if char.isdecimal():
        return DIGIT
    if _INTERNALS is None:  # pragma: no cover - other Pythons
        return char
    _, sre, extra = _INTERNALS
    lower = int(sre.unicode_tolower(point))
    return chr(min((lower, *extra.get(lower, ()))))


_CANONICAL = FilledTable(canonical_char)


def canonical(text: str) -> str:
    """``text`` with each character replaced by its case-insensitive representative."""
    return text.translate(_CANONICAL)


# --- reading a phrase -----------------------------------------------------------------
#
# Each parsed node gets an ``_Info``, all strings in canonical form: ``exact``, every
# string it can match (None when unknown or too many); ``prefix`` / ``suffix``, strings
# every match starts / ends with ({""} when nothing is known); ``required``, conditions
# every match (or, for a lookaround, the text around it) meets.


@dataclass(frozen=True, slots=True)
class _Info:
    exact: Strings | None
    prefix: Strings
    suffix: Strings
    required: Conditions


_EMPTY: Strings = frozenset({""})
_OPEN = _Info(None, _EMPTY, _EMPTY, ())


def _as_condition(strings: Strings | None) -> Conditions:
    """Strings one of which every match contains, as a condition (none if one is empty)."""
    if not strings or "" in strings:
        return ()
    return (strings,)


def _score(strings: Strings) -> tuple[int, int]:
    """How selective a condition is: longer shortest literal first, then fewer literals."""
    return min(map(len, strings)), -len(strings)


def _implies(strong: Strings, weak: Strings) -> bool:
    """Does meeting ``strong`` mean ``weak`` is met (each strong literal holds a weak one)?"""
    return all(any(w in s for w in weak) for s in strong)


def _prune(conditions: Iterable[Strings]) -> Conditions:
    """The few most selective conditions, without ones implied by a kept one.

    Ties keep the order found (the pattern's order), so the choice is reproducible.
    """
    unique = tuple(dict.fromkeys(conditions))
    if len(unique) <= 1:
        return unique
    kept: list[Strings] = []
    for condition in sorted(unique, key=_score, reverse=True):
        if not any(_implies(k, condition) for k in kept):
            kept.append(condition)
        if len(kept) == CONDITIONS:
            break
    return tuple(kept)


def _exactly(strings: Strings) -> _Info:
    return _Info(strings, strings, strings, _as_condition(strings))


def _product(left: Strings | None, right: Strings | None) -> Strings | None:
    """Every concatenation of a left and a right string, while there are few."""
    if left is None or right is None or len(left) * len(right) > EXACT_LIMIT:
        return None
    if len(right) == 1:
        (end,) = right
        return frozenset([a + end for a in left])
    return frozenset([a + b for a in left for b in right])


def _small(strings: Strings) -> Strings:
    return strings if len(strings) <= EXACT_LIMIT else _EMPTY


def _conditions(info: _Info) -> Conditions:
    """Everything ``info`` says about a match, as conditions."""
    found = [*info.required]
    for strings in (info.exact, info.prefix, info.suffix):
        found += _as_condition(strings)
    return _prune(found)


def _sequence(items: Iterable[tuple[Any, Any]]) -> _Info:
    """A concatenation: exact strings multiply, each seam joins a suffix and a prefix."""
    exact: Strings | None = _EMPTY
    prefix = suffix = _EMPTY
    found: list[Strings] = []
    for op, av in items:
        right = _node(str(op), av)
        found += right.required
        seam = _product(suffix, right.prefix)
        if exact is not None:
            prefix = _product(exact, right.prefix) or prefix
        suffix = (_product(suffix, right.exact) if right.exact is not None else None) or (
            right.suffix
        )
        exact = _product(exact, right.exact)
        # Each seam is the longest run known to end there (earlier runs are inside it).
        found += _as_condition(seam)
    for strings in (exact, prefix, suffix):
        found += _as_condition(strings)
    return _Info(exact, prefix, suffix, _prune(found))


def _class_member(op: str, av: Any) -> Strings | None:
    """The canonical characters one member of a character class stands for, if few."""
    if op == "LITERAL":
        return frozenset({canonical_char(av)})
    if op == "CATEGORY" and str(av) == "CATEGORY_SPACE":
        return frozenset({SPACE})
    if op == "CATEGORY" and str(av) == "CATEGORY_DIGIT":
        return frozenset({DIGIT})
    if op == "RANGE" and av[1] < 0x10000 and av[1] - av[0] < CLASS_LIMIT:
        return frozenset(canonical_char(point) for point in range(av[0], av[1] + 1))
    return None  # a negation, \w, a wide range…


def _class(members: Sequence[tuple[Any, Any]]) -> _Info:
    """A character class of a few characters; anything else is one unknown character."""
    chars: set[str] = set()
    for op, av in members:
        member = _class_member(str(op), av)
        if member is None:
            return _OPEN
        chars |= member
    return _exactly(frozenset(chars)) if len(chars) <= CLASS_LIMIT else _OPEN


def _branch(alternatives: Sequence[Any]) -> _Info:
    """Alternatives: each must meet its own best condition, so their union is one."""
    infos = [_sequence(alternative) for alternative in alternatives]
    known = [info.exact for info in infos if info.exact is not None]
    exact = None
    if len(known) == len(infos):
        union = frozenset().union(*known)
        exact = union if len(union) <= EXACT_LIMIT else None
    prefix = _small(frozenset().union(*(info.prefix for info in infos)))
    suffix = _small(frozenset().union(*(info.suffix for info in infos)))
    best = [_conditions(info) for info in infos]
    required: Conditions = ()
    if all(best):
        required = (frozenset().union(*(conditions[0] for conditions in best)),)
    return _Info(exact, prefix, suffix, required)


def _repeat(low: int, high: int, item: Any) -> _Info:
    info = _sequence(item)
    if low == 0:
        if high == 1 and info.exact is not None and len(info.exact) < EXACT_LIMIT:
            return _exactly(info.exact | _EMPTY)
        return _OPEN
    if low == high == 1:
        return info
    # At least one copy: it starts, ends and is contained in every match.
    return _Info(None, info.prefix, info.suffix, _conditions(info))


def _node(name: str, av: Any) -> _Info:
    """What one parsed node tells; unknown constructs tell nothing (one unknown piece)."""
    if name == "LITERAL":
        return _exactly(frozenset({canonical_char(av)}))
    if name == "IN":
        return _class(av)
    if name in ("AT", "ASSERT_NOT"):  # \b, ^, $ and negative lookarounds match ""
        return _exactly(_EMPTY)
    if name == "SUBPATTERN":
        return _sequence(av[3])
    if name == "ATOMIC_GROUP":
        return _sequence(av)
    if name == "BRANCH":
        return _branch(av[1])
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        return _repeat(av[0], av[1], av[2])
    if name == "ASSERT":  # a positive lookaround's words are in the text too
        return _Info(_EMPTY, _EMPTY, _EMPTY, _conditions(_sequence(av[1])))
    return _OPEN


# Anything that could be a group reference: a backslash and a digit, (?P=name), (?(…).
# A false alarm (an octal escape) only keeps a cue running as one alternation.
_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


@dataclass(frozen=True, slots=True)
class PhraseInfo:
    """What the prefilter knows of one regex source.

    ``conditions``: any text the regex matches meets all of them (none: always run).
    ``standalone``: the regex never matches the empty string and refers to no group, so
    within an alternation of such phrases it matches exactly where it matches alone.
    """

    conditions: Conditions
    standalone: bool


def read_phrase(source: str, flags: int) -> PhraseInfo:
    """Parse one regex source the way ``re.compile`` does and read what it requires."""
    if _INTERNALS is None:  # pragma: no cover - other Pythons
        return PhraseInfo((), False)
    try:
        parsed = _INTERNALS[0].parse(source, flags)
    except re.error:
        return PhraseInfo((), False)
    conditions = _conditions(_sequence(parsed))
    standalone = parsed.getwidth()[0] > 0 and _REFERENCE.search(source) is None
    return PhraseInfo(conditions, standalone)


def required_conditions(regex: re.Pattern[str]) -> Conditions:
    """The conditions every text ``regex`` matches meets (empty: none known)."""
    return read_phrase(regex.pattern, regex.flags).conditions


# --- screening ----------------------------------------------------------------------

# A unit with several conditions, once its first one is met: its bit and the others.
_Check = tuple[int, Conditions]
# A literal found in a text: the units it admits alone, and the units it admits if their
# other conditions hold too.
_Entry = tuple[str, int, tuple[_Check, ...]]


@dataclass(frozen=True, slots=True)
class Screen:
    """Which units (phrases) may match one text, and the literals that said so.

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


# The screen of a book without prefilter: every unit may match.
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
        """The screen of ``text`` (any string: the cue book passes folded text)."""
        key = canonical(text)
        found = [entry for entry in self._short if entry[0] in key]
        windows = self._grams.intersection(map("".join, zip(key, key[1:], key[2:], strict=False)))
        by_gram = self._by_gram
        for gram in windows:
            for entry in by_gram[gram]:
                if entry[0] in key:
                    found.append(entry)
        return Screen(_resolve(found, key, self._always), tuple(found), self._always, key)
