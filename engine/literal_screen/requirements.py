"""What a pattern requires: the conditions every match of it meets."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from roundwise.engine.literal_screen.case import (
    CLASS_LIMIT,
    CONDITIONS,
    EXACT_LIMIT,
    PLAIN_FLAGS,
    Conditions,
    Strings,
    canonical,
)
from roundwise.engine.literal_screen.syntax import Node, UnreadableError, min_width, parse

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
