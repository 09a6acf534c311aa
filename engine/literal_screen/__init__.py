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

from roundwise.engine.literal_screen.case import DIGIT, SPACE, Conditions, canonical, canonical_char
from roundwise.engine.literal_screen.requirements import read_phrase, required_conditions
from roundwise.engine.literal_screen.screen import EVERYTHING, Prefilter, Screen
from roundwise.engine.literal_screen.syntax import UnreadableError, parse

__all__ = [
    "DIGIT",
    "EVERYTHING",
    "SPACE",
    "Conditions",
    "Prefilter",
    "Screen",
    "UnreadableError",
    "canonical",
    "canonical_char",
    "parse",
    "read_phrase",
    "required_conditions",
]
