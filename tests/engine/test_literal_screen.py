"""The shared literal screen (``engine.literal_screen``) never claims a literal a match lacks.

Its two parts are checked against the engines themselves, ``re`` (the cue book) and
``regex`` (the linter): the case keys, for every cased character of this Python's
Unicode, and the literals read from a pattern, on regexes Hypothesis builds from the cue
book's own words and the syntax the reader knows, with texts written from each regex
and then put in odd cases. The cue book's and the linter's own equivalence tests
(``test_understand_prefilter``, ``test_lint_screen``) run the real patterns.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
import regex
from hypothesis import assume, given
from hypothesis import strategies as st

from roundwise.engine.literal_screen import (
    DIGIT,
    SPACE,
    UnreadableError,
    canonical,
    canonical_char,
    parse,
    read_phrase,
)
from roundwise.engine.understand.cuebook import cuebook

EVERYTHING = "".join(map(chr, range(0x110000)))


def _has_case(char: str) -> bool:
    return any(char != mapped for mapped in (char.lower(), char.upper(), char.casefold()))


@cache
def cased() -> str:
    """Every character with a case mapping (the only ones IGNORECASE can pair)."""
    return "".join(c for c in EVERYTHING if _has_case(c) or c != c.title())


MODULES = pytest.mark.parametrize("module", [re, regex], ids=["re", "regex"])


def _one(module: Any, char: str) -> Any:
    return module.compile(module.escape(char), module.IGNORECASE)


@MODULES
def test_characters_either_engine_pairs_under_ignorecase_share_their_key(module: Any) -> None:
    letters = cased()
    assert len(letters) > 2000
    for char in letters:
        for found in _one(module, char).findall(letters):
            assert canonical(found) == canonical(char), (char, found)


@MODULES
def test_characters_without_case_that_an_engine_pairs_share_their_key(module: Any) -> None:
    # A character this Python gives no case can still be paired by ``regex``, whose
    # Unicode may be newer: every such pairing shares a key too.
    letters = cased()
    body = "".join(re.escape(c) for c in letters)
    paired = set(module.compile(f"[{body}]", module.IGNORECASE).findall(EVERYTHING))
    for other in paired - set(letters):
        partners = [c for c in letters if _one(module, c).fullmatch(other)]
        assert partners
        assert {canonical(c) for c in partners} == {canonical(other)}, other


@MODULES
def test_whitespace_and_digits_have_one_key_each(module: Any) -> None:
    spaces = "".join(module.findall(r"\s", EVERYTHING))
    digits = "".join(module.findall(r"\d", EVERYTHING))
    assert canonical(spaces) == SPACE * len(spaces)
    assert canonical(digits) == DIGIT * len(digits)


def test_keys_are_one_character_each_and_ignore_case() -> None:
    assert all(len(canonical_char(point)) == 1 for point in range(0, 0x110000, 97))
    assert canonical("You ARE Wrong") == canonical("yOU are wRONG")
    assert len({canonical(c) for c in "iIİı"}) == 1
    assert len({canonical(c) for c in "sSſ"}) == 1


@pytest.mark.parametrize(
    "source",
    [
        r"(a)\1",
        r"(?P<x>a)(?P=x)",
        r"(a)?(?(1)b|c)",
        r"(?i)abc",
        r"(?x) a b c",
        r"\x41bc",
        r"\p{L}bc",
        r"a{e<=1}bc",
        r"[[:alpha:]]bc",
        r"abc(",
        r"abc)",
        r"a**",
    ],
)
def test_syntax_outside_the_shared_subset_is_not_read(source: str) -> None:
    with pytest.raises(UnreadableError):
        parse(source)
    assert read_phrase(source).conditions == ()


def test_a_verbose_pattern_is_not_read() -> None:
    assert read_phrase("abc", re.VERBOSE).conditions == ()


# --- generated regexes ----------------------------------------------------------------------


@cache
def cue_words() -> tuple[str, ...]:
    """Words of the cue book's phrases (folded: every script it reads)."""
    words = set()
    for patterns in cuebook().patterns.values():
        for pattern in patterns:
            for phrase in pattern.phrases:
                words.update(re.findall(r"[^\W\d_]{2,}", phrase))
    return tuple(sorted(words))


WORD = st.sampled_from(cue_words()).map(re.escape) | st.sampled_from(["İi", "ſt", "Kk", "σς"])


def _wrap(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """One construct of the shared subset around generated pieces."""
    return st.one_of(
        inner.map(lambda s: f"(?:{s})"),
        inner.map(lambda s: f"({s})"),
        inner.map(lambda s: f"(?>{s})"),
        st.tuples(inner, inner).map(lambda t: f"(?:{t[0]}|{t[1]})"),
        # Grouped before its quantifier: a piece already ending in one ("a?") or in an
        # anchor ("\\b") would make "multiple repeat" / "nothing to repeat" regexes.
        st.tuples(inner, st.sampled_from(["?", "*", "+", "{2}", "{1,3}", "{,2}", "??", "+?"])).map(
            lambda t: f"(?:{t[0]}){t[1]}"
        ),
        st.tuples(inner, inner).map(lambda t: rf"{t[0]}\s+{t[1]}"),
        st.tuples(inner, inner).map(lambda t: rf"{t[0]}(?={t[1]})\w*"),
        st.tuples(inner, inner).map(lambda t: rf"(?<!x){t[0]}(?!\d){t[1]}"),
        inner.map(lambda s: rf"\b{s}[.,!?]?\b"),
        inner.map(lambda s: rf"{s}[a-e\d]"),
        inner.map(lambda s: rf"^{s}$"),
    )


SOURCES = st.recursive(WORD, _wrap, max_leaves=5)
ODD = {"i": "İ", "s": "ſ", "k": "\u212a", "σ": "ς", "μ": "µ"}


def _odd_case(text: str, seed: int) -> str:
    """``text`` with letters swapped for case variants IGNORECASE still matches."""
    out = []
    for n, char in enumerate(text):
        pick = (seed >> (n % 16)) & 3
        lower = char.lower()
        out.append(ODD.get(lower, char) if pick == 0 else char.swapcase() if pick == 1 else char)
    return "".join(out)


@given(SOURCES, st.data(), st.integers(0, 2**16 - 1))
def test_every_match_holds_the_literals_read_from_its_regex(
    source: str, data: st.DataObject, seed: int
) -> None:
    plain = re.compile(source, re.IGNORECASE)
    text = _odd_case(data.draw(st.from_regex(plain)), seed)
    for matcher in (plain, regex.compile(source, regex.IGNORECASE)):
        found = matcher.search(text)
        assume(found is not None)
        key = canonical(text)
        for condition in read_phrase(source, re.IGNORECASE).conditions:
            assert any(literal in key for literal in condition), (source, text, condition)
        if read_phrase(source, re.IGNORECASE).standalone:
            assert found.end() > found.start(), (source, text)
