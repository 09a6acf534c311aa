"""Literal screening of regexes: which of many patterns could match a text at all.

Both the cue book (``engine.understand.cuebook``, ~1,700 phrases) and the reply linter
(``engine.lint.checks``, ~70 patterns per language) run many regexes over short texts
that hold the words of only a few of them. Each pattern is read once (``read_phrase``)
into *conditions*: sets of literal strings such that any match of the pattern contains
one literal of every set ("not in the … folder" needs "not " and " in " and " the "). A
pattern for which nothing can be derived safely (it can match without a fixed literal,
e.g. ``\\w+``, or uses syntax this reader does not know) has no condition and always
runs. At match time only patterns whose conditions hold in the text are run: a skipped
pattern could not have matched, so the result is exactly that of the full scan.

Public APIs only. The reader below parses the small, common subset of regex syntax that
``re`` and ``regex`` (version 0) read alike: literals, escapes of punctuation, ``\\s``
``\\d`` ``\\w`` and their negations, ``\\b``, anchors, ``.``, plain character classes,
groups (capturing, non-capturing, named, atomic), lookarounds, alternation and the
greedy, lazy and possessive repeats. Anything else (inline flags, group references,
conditionals, ``\\p{…}``, hex escapes, nested sets, verbose patterns…) makes the reader
give up on that pattern, which then always runs: a wrong guess could hide a match, a
refusal only costs time.

Case: both engines treat two characters as equal under IGNORECASE only if they are case
variants of each other. Literals and text are mapped, character by character, to a key
that every case variant shares (``canonical_char``: upper, lower, upper, lower again,
first character of each, which joins "ſ" with "s", "K" (Kelvin) with "k", "İ" with
"i"…), so a literal check never says "absent" for a text the regex would match. The
tests check this against both engines for every cased character of the running Python.
Whitespace (what ``\\s`` matches) and decimal digits (``\\d``) have one key each. A
character this Python's Unicode does not know is looked up in ``regex`` (which may know
a newer Unicode) the first time it is seen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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


# --- reading a pattern ------------------------------------------------------------------
#
# The reader turns a source into nodes ``(kind, value)``: ("LIT", char), ("IN", members
# or None for a class it cannot list), ("ANY", None) for one unknown character, ("AT",
# None) for what matches the empty string (anchors, \b, negative lookarounds), ("ASSERT",
# items) for a positive lookaround, ("GROUP", items), ("BRANCH", [items, …]) and
# ("REPEAT", (low, high, items)) with high None for "no bound".


class UnreadableError(Exception):
    """The source uses syntax the reader does not know (the pattern then always runs)."""


Node = tuple[str, Any]
_ESCAPED_CHARS = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_ZERO_WIDTH_ESCAPES = frozenset("bBAZ")
_CLASS_ESCAPES = {"s": SPACE, "d": DIGIT}
_OTHER_CLASS_ESCAPES = frozenset("wWSD")
_REPEAT = re.compile(r"\{(\d*)(,?)(\d*)\}")
_SET_OPERATORS = ("[", "&&", "--", "||", "~~")


class _Reader:
    """A recursive-descent reader of one regex source (see the module docstring)."""

    def __init__(self, source: str) -> None:
        self.source, self.at = source, 0

    def peek(self, ahead: int = 0) -> str:
        index = self.at + ahead
        return self.source[index] if index < len(self.source) else ""

    def take(self, text: str) -> bool:
        if self.source.startswith(text, self.at):
            self.at += len(text)
            return True
        return False

    def alternation(self) -> list[Node]:
        branches = [self.sequence()]
        while self.take("|"):
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else [("BRANCH", branches)]

    def sequence(self) -> list[Node]:
        items: list[Node] = []
        while self.peek() not in ("", "|", ")"):
            items.append(self.repeated(self.atom()))
        return items

    def atom(self) -> Node:
        char = self.peek()
        self.at += 1
        if char == "\\":
            return self.escape()
        if char == "(":
            return self.group()
        if char == "[":
            return self.char_class()
        if char == ".":
            return ("ANY", None)
        if char in "^$":
            return ("AT", None)
        if char in "*+?{":
            raise UnreadableError("a repeat of nothing, or a brace that is not a repeat")
        return ("LIT", char)

    def escape(self) -> Node:
        char = self.peek()
        self.at += 1
        if char in _ZERO_WIDTH_ESCAPES:
            return ("AT", None)
        if char in _CLASS_ESCAPES:
            return ("IN", frozenset({_CLASS_ESCAPES[char]}))
        if char in _OTHER_CLASS_ESCAPES:
            return ("IN", None)
        return ("LIT", self.escaped_char(char))

    def escaped_char(self, char: str) -> str:
        if char in _ESCAPED_CHARS:
            return _ESCAPED_CHARS[char]
        if not char or char.isalnum():
            raise UnreadableError(f"escape \\{char}")  # references, \x, \p{…}, \N{…}…
        return char

    def group(self) -> Node:
        kind = "GROUP"
        if self.take("?"):
            if self.take(":") or self.take(">"):
                pass
            elif self.take("=") or self.take("<="):
                kind = "ASSERT"
            elif self.take("!") or self.take("<!"):
                kind = "NOT"
            elif self.take("P<"):
                self.name()
            else:
                raise UnreadableError("group kind")  # flags, (?P=, (?(, comments…
        items = self.alternation()
        if not self.take(")"):
            raise UnreadableError("unclosed group")
        if kind == "NOT":
            return ("AT", None)  # a negative lookaround matches the empty string
        return (kind, items)

    def name(self) -> None:
        end = self.source.find(">", self.at)
        if end < 0 or not self.source[self.at : end].isidentifier():
            raise UnreadableError("group name")
        self.at = end + 1

    def char_class(self) -> Node:
        end = self.class_end()
        body = self.source[self.at : end]
        self.at = end + 1
        if any(op in body for op in _SET_OPERATORS):
            raise UnreadableError("set syntax the engines read differently")  # [[:alpha:]]…
        if body.startswith("^"):
            return ("IN", None)  # a negation
        members: set[str] = set()
        index = 0
        while index < len(body):
            first, index = self.class_char(body, index)
            if body[index : index + 1] == "-" and index + 1 < len(body):
                last, index = self.class_char(body, index + 1)
                if len(first) != 1 or len(last) != 1 or ord(last) - ord(first) >= CLASS_LIMIT:
                    return ("IN", None)
                members.update(chr(p) for p in range(ord(first), ord(last) + 1))
            elif first:
                members.add(first)
            else:
                return ("IN", None)
        return ("IN", frozenset(canonical(m) if len(m) == 1 else m for m in members))

    def class_end(self) -> int:
        """Where the class that starts at ``self.at`` closes (a leading "]" is a member)."""
        index = self.at + (1 if self.source.startswith("^", self.at) else 0)
        index += 1 if self.source.startswith("]", index) else 0
        while index < len(self.source):
            if self.source[index] == "\\":
                index += 2
            elif self.source[index] == "]":
                return index
            else:
                index += 1
        raise UnreadableError("unclosed class")

    def class_char(self, body: str, index: int) -> tuple[str, int]:
        """One class member: a character, a class key (\\s, \\d), or "" for one unknown."""
        char = body[index]
        if char != "\\":
            return char, index + 1
        escaped = body[index + 1 : index + 2]
        if escaped in _CLASS_ESCAPES:
            return _CLASS_ESCAPES[escaped], index + 2
        if escaped in _OTHER_CLASS_ESCAPES:
            return "", index + 2
        if escaped == "b":
            raise UnreadableError("\\b in a class")
        return self.escaped_char(escaped), index + 2

    def repeated(self, node: Node) -> Node:
        low: int
        high: int | None
        char = self.peek()
        if char in ("*", "+", "?"):
            self.at += 1
            low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[char]
        elif char == "{":
            found = _REPEAT.match(self.source, self.at)
            if found is None:
                raise UnreadableError("a brace that is not a repeat")
            self.at = found.end()
            low = int(found[1] or 0)
            high = low if not found[2] else (int(found[3]) if found[3] else None)
        else:
            return node
        if node[0] in ("AT", "ASSERT"):
            raise UnreadableError("a repeated assertion")
        self.take("?") or self.take("+")  # lazy or possessive: the same strings match
        if self.peek() in ("*", "+", "?", "{"):
            raise UnreadableError("a repeat of a repeat")
        return ("REPEAT", (low, high, [node]))


def parse(source: str) -> list[Node]:
    """The nodes of ``source``; raises ``UnreadableError`` for syntax outside the subset."""
    reader = _Reader(source)
    try:
        items = reader.alternation()
    except IndexError as error:  # pragma: no cover - defensive: a truncated source
        raise UnreadableError("truncated") from error
    if reader.at != len(source):
        raise UnreadableError("unbalanced parenthesis")
    return items


def min_width(items: Sequence[Node]) -> int:
    """The fewest characters a match of ``items`` can take."""
    total = 0
    for kind, value in items:
        if kind in ("LIT", "IN", "ANY"):
            total += 1
        elif kind == "GROUP":
            total += min_width(value)
        elif kind == "BRANCH":
            total += min(map(min_width, value))
        elif kind == "REPEAT":
            low, _, inner = value
            total += low * min_width(inner)
    return total


# --- what a pattern requires --------------------------------------------------------------
#
# Each node gets an ``_Info``, all strings as case keys: ``exact``, every string it can
# match (None when unknown or too many); ``prefix`` / ``suffix``, strings every match
# starts / ends with ({""} when nothing is known); ``required``, conditions every match
# (or, for a lookaround, the text around it) meets.


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
    return frozenset([a + b for a in left for b in right])


def _small(strings: Strings) -> Strings:
    return strings if len(strings) <= EXACT_LIMIT else _EMPTY


def _conditions(info: _Info) -> Conditions:
    """Everything ``info`` says about a match, as conditions."""
    found = [*info.required]
    for strings in (info.exact, info.prefix, info.suffix):
        found += _as_condition(strings)
    return _prune(found)


def _sequence(items: Iterable[Node]) -> _Info:
    """A concatenation: exact strings multiply, each seam joins a suffix and a prefix."""
    exact: Strings | None = _EMPTY
    prefix = suffix = _EMPTY
    found: list[Strings] = []
    for node in items:
        right = _node(node)
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


def _branch(alternatives: Sequence[Sequence[Node]]) -> _Info:
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


def _repeat(low: int, high: int | None, items: Sequence[Node]) -> _Info:
    info = _sequence(items)
    if low == 0:
        if high == 1 and info.exact is not None and len(info.exact) < EXACT_LIMIT:
            return _exactly(info.exact | _EMPTY)
        return _OPEN
    if low == high == 1:
        return info
    # At least one copy: it starts, ends and is contained in every match.
    return _Info(None, info.prefix, info.suffix, _conditions(info))


def _node(node: Node) -> _Info:
    """What one node tells; an unknown character tells nothing."""
    kind, value = node
    if kind == "LIT":
        return _exactly(frozenset({canonical(str(value))}))
    if kind == "IN":
        chars = value if isinstance(value, frozenset) else None
        return _exactly(chars) if chars and len(chars) <= CLASS_LIMIT else _OPEN
    if kind == "AT":
        return _exactly(_EMPTY)
    if kind == "GROUP":
        return _sequence(value)
    if kind == "BRANCH":
        return _branch(value)
    if kind == "REPEAT":
        low, high, inner = value
        return _repeat(low, high, inner)
    if kind == "ASSERT":  # a positive lookaround's words are in the text too
        return _Info(_EMPTY, _EMPTY, _EMPTY, _conditions(_sequence(value)))
    return _OPEN  # ANY


@dataclass(frozen=True, slots=True)
class PhraseInfo:
    """What the screen knows of one regex source.

    ``conditions``: any text the regex matches meets all of them (none: always run).
    ``standalone``: the regex never matches the empty string and refers to no group, so
    within an alternation of such phrases it matches exactly where it matches alone.
    """

    conditions: Conditions
    standalone: bool


def read_phrase(source: str, flags: int = 0) -> PhraseInfo:
    """What every match of the regex ``source`` (compiled with ``flags``) needs."""
    if flags & ~int(PLAIN_FLAGS):
        return PhraseInfo((), False)
    try:
        items = parse(source)
    except UnreadableError:
        return PhraseInfo((), False)
    return PhraseInfo(_conditions(_sequence(items)), min_width(items) > 0)


def required_conditions(pattern: re.Pattern[str]) -> Conditions:
    """The conditions every text ``pattern`` matches meets (empty: none known).

    Works for ``re`` and ``regex`` patterns alike (both have ``pattern`` and ``flags``).
    """
    return read_phrase(pattern.pattern, int(pattern.flags)).conditions


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
