"""The literal screen of ``finds_any`` never skips a pattern that would have matched.

``finds_any`` runs a phrase or refusal pattern only when the text holds the literals
read from the pattern (``engine.literal_screen``, shared with the cue book). These tests
pin the screen against the exact computation: every pattern that matches a text is admitted for it,
and ``finds_any`` answers as running every rule in full does, on the lint and request
corpora and on generated texts full of the patterns' own words in odd cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from roundwise.engine.lint.checks import CHECKS, _conditions, _plan, finds_any
from roundwise.engine.lint.patterns import rules_for, supported_languages
from roundwise.engine.literal_screen import Prefilter, canonical
from tests.engine.corpus_text import strings

DATA = Path(__file__).resolve().parents[1] / "data"
STRUCTURAL = frozenset({"missing-thanks", "missing-name"})
SKIPS: tuple[frozenset[str], ...] = (
    frozenset(),
    STRUCTURAL,
    frozenset({"shouting-capitals", "blame"}),
)
# Characters the regex engine folds unlike str.lower() does: dotted capital I, long s,
# Kelvin sign, Greek final sigma, micro sign.
ODD_CASES = {"i": "İ", "s": "ſ", "k": "\u212a", "σ": "ς", "μ": "µ"}


def _corpus() -> list[str]:
    """The lint corpora and every labelled request, their sentences, and louder variants."""
    files = sorted(DATA.glob("lint_*.yaml")) + sorted(DATA.glob("requests_*.yaml"))
    texts = [t for path in files for t in strings(yaml.safe_load(path.read_text("utf-8")))]
    fragments = [part.strip() for t in texts for part in t.split(".") if part.strip()]
    loud = [variant for t in texts for variant in (t.upper(), f"{t}!! NO. NOW", t.swapcase())]
    return [*texts, *fragments, *loud]


CORPUS = _corpus()


def _exact_finds_any(text: str, language: str, skip: frozenset[str]) -> bool:
    """``finds_any`` the long way: every rule's check in full."""
    return any(
        next(CHECKS[rule.check](rule, text, None), None) is not None
        for rule in rules_for(language)
        if rule.id not in skip
    )


def _units(language: str) -> list[regex.Pattern[str]]:
    """The patterns the screen guards, in unit order (phrase patterns and refusals)."""
    plan = _plan(language, frozenset())
    return [pattern for rule in plan.rules for pattern, _ in rule.guards]


def _odd_case(text: str, seed: int) -> str:
    """``text`` with letters swapped for case variants the regex engine matches."""
    out = []
    for n, char in enumerate(text):
        pick = (seed >> (n % 16)) & 3
        lower = char.lower()
        if pick == 0 and lower in ODD_CASES:
            out.append(ODD_CASES[lower])
        elif pick == 1:
            out.append(char.swapcase())
        else:
            out.append(char)
    return "".join(out)


def _assert_screen_admits_every_match(text: str, language: str = "en") -> None:
    admitted = _plan(language, frozenset()).screen.screen(text).mask
    for unit, pattern in enumerate(_units(language)):
        if pattern.search(text) is not None:
            assert admitted >> unit & 1, (pattern.pattern, text)


def test_the_screen_is_on_and_reads_literals_from_most_patterns() -> None:
    for language in supported_languages():
        units = _units(language)
        read = [p for p in units if _conditions(p)]
        assert len(read) >= 0.9 * len(units)


@pytest.mark.parametrize("language", supported_languages())
def test_every_pattern_that_matches_a_corpus_text_is_admitted(language: str) -> None:
    for text in CORPUS:
        _assert_screen_admits_every_match(text, language)


@pytest.mark.parametrize("skip", SKIPS, ids=lambda s: "+".join(sorted(s)) or "none")
def test_finds_any_answers_as_the_full_scan_on_the_corpus(skip: frozenset[str]) -> None:
    found = 0
    for text in CORPUS:
        expected = _exact_finds_any(text, "en", skip)
        assert finds_any(text, "en", skip) is expected, text
        found += expected
    assert 0 < found < len(CORPUS)  # the corpus has texts on both sides


def _pattern_words() -> list[str]:
    """Words and short runs lifted from the shipped patterns' sources."""
    words: set[str] = set()
    for rule in rules_for("en"):
        for pattern in (*rule.patterns, *rule.refusal, *rule.alternative):
            words.update(w for w in regex.findall(r"[a-z’'%0-9-]+(?: [a-z’']+)*", pattern.pattern))
    return sorted(words)


PATTERN_WORDS = _pattern_words()
_pieces = st.one_of(
    st.sampled_from(PATTERN_WORDS),
    st.sampled_from([" ", "  ", "\n", ".", "!", "?", ",", "!!", "?!", "; ", ": "]),
    st.text(alphabet="abcnoyuIİıſK\u212a’'!? ", max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, min_size=1, max_size=14), st.integers(0, 2**16 - 1))
def test_finds_any_answers_as_the_full_scan_on_texts_made_of_pattern_words(
    pieces: list[str], seed: int
) -> None:
    for text in ("".join(pieces), " ".join(pieces), _odd_case(" ".join(pieces), seed)):
        _assert_screen_admits_every_match(text)
        for skip in SKIPS:
            assert finds_any(text, "en", skip) is _exact_finds_any(text, "en", skip), text


def _literals(source: str, flags: int = regex.IGNORECASE | regex.MULTILINE) -> set[str]:
    return {literal for c in _conditions(regex.compile(source, flags)) for literal in c}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\byou failed to\b", {"YOU FAILED TO"}),
        (r"\bthat(?:'s| is)\s+wrong", {"THAT'S ", "THAT IS ", " WRONG"}),
        (r"\bsmall(?:er)? client\b", {"SMALL CLIENT", "SMALLER CLIENT"}),
        (r"(?:^|(?<=[.!?]\s+))no way\b", {"NO WAY"}),
        (r"\b(?:calm|settle) down\b", {"CALM DOWN", "SETTLE DOWN"}),
    ],
)
def test_literals_are_read_from_a_pattern(source: str, expected: set[str]) -> None:
    assert _literals(source) >= {canonical(e) for e in expected}


@pytest.mark.parametrize(
    "source",
    [
        r"\w+",  # no fixed text
        r"(?:you)?\s*",  # can match the empty string
        r"\p{Lu}+x",  # regex-only syntax
        r"(?:wrong){e<=1}",  # fuzzy matching: re would read the braces as text
        r"[[:alpha:]]+x",  # a POSIX class
        r"(?i:dear) friend",  # scoped flags
        r"(?P<w>no) (?P=w)x?",  # a group reference
    ],
)
def test_no_literals_are_claimed_where_none_are_known(source: str) -> None:
    assert _literals(source) == set()


def test_a_version_1_pattern_is_not_read() -> None:
    assert _literals(r"\byou failed to\b", regex.IGNORECASE | regex.VERSION1) == set()


def test_a_unit_without_literals_is_always_admitted() -> None:
    screen = Prefilter([(), (frozenset({"no"}),), (frozenset({"x", "your fault"}),)])
    assert screen.screen("").mask == 0b001
    assert screen.screen("nothing").mask == 0b011
    assert screen.screen("NO: your FAULT").mask == 0b111
    assert screen.screen("x").mask == 0b101
