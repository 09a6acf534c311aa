"""Faster ways of computing the same things in engine.understand give the same results.

Folding by ``str.translate``, counting script letters with regexes, checking a party's
name only for capitalised words, caching what a contract's names fold to and counting
marker words only when they decide the language were all written to save time per
request. Each is compared here with the plain version it replaced (kept below as the
reference), on every code point or on generated texts.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from roundwise.engine.literal_screen import Screen
from roundwise.engine.understand import language as language_module
from roundwise.engine.understand.cuebook import CueBook, cuebook
from roundwise.engine.understand.fold import fold, fold_char
from roundwise.engine.understand.language import detect_language, script_shares
from roundwise.engine.understand.model import Cue
from roundwise.engine.understand.stage import _is_capital, _is_name, caps_cues, name_words

BOOK = cuebook()


def test_folding_every_code_point_at_once_is_folding_each_alone() -> None:
    everything = "".join(map(chr, range(0x110000)))
    assert fold(everything) == "".join(map(fold_char, everything))


@given(st.text())
def test_folding_a_text_is_folding_each_character(text: str) -> None:
    assert fold(text) == "".join(fold_char(ch) for ch in text)


# --- script shares -------------------------------------------------------------------

_SCRIPTS = (
    ("ka", ((0x10A0, 0x10FF), (0x1C90, 0x1CBF), (0x2D00, 0x2D2F))),
    ("el", ((0x0370, 0x03FF), (0x1F00, 0x1FFF))),
    ("sr", ((0x0400, 0x052F),)),
)


def _reference_script_shares(text: str) -> dict[str, float]:
    """The per-character version ``script_shares`` replaced."""

    def script_of(ch: str) -> str | None:
        for code, ranges in _SCRIPTS:
            if any(lo <= ord(ch) <= hi for lo, hi in ranges):
                return code
        return None

    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return {}
    counts = Counter(code for ch in letters if (code := script_of(ch)) is not None)
    return {code: n / len(letters) for code, n in counts.items()}


_EDGES = [chr(p) for _, ranges in _SCRIPTS for lo, hi in ranges for p in (lo - 1, lo, hi, hi + 1)]
SCRIPT_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(_EDGES + list("abc łž1 ,.ΑΣςდ")),
        st.characters(min_codepoint=0x370, max_codepoint=0x52F),
        st.characters(min_codepoint=0x10A0, max_codepoint=0x10FF),
        st.characters(),
    ),
    max_size=40,
)


@given(SCRIPT_TEXT)
@example("Γεια σας, μπορείτε;")
@example("ᲐᲑ ab")
@example("Ж1")
def test_script_shares_are_those_of_the_per_character_count_in_the_same_order(
    text: str,
) -> None:
    expected = _reference_script_shares(text)
    found = script_shares(text)
    assert found == expected
    assert list(found) == list(expected)


# --- capitals --------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")
_QUOTED = re.compile(r'"[^"\n]+"|“[^”\n]+”|„[^“”"\n]+[“”"]|»[^«\n]+«|«[^»\n]+»|‘[^’\n]+’')


def _reference_caps_runs(
    text: str, book: CueBook, names: frozenset[str]
) -> list[list[re.Match[str]]]:
    """The run-finding loop ``_caps_runs`` replaced (a name checked for every word)."""
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    runs: list[list[re.Match[str]]] = []
    previous: re.Match[str] | None = None
    for match in _WORD.finditer(text):
        word = match.group()
        if any(a <= match.start() < b for a, b in quoted) or _is_name(word, names):
            previous = None
            continue
        joins = previous is not None and runs and runs[-1][-1] is previous
        if _is_capital(word, book) or (joins and len(word) == 1 and word.isupper()):
            if joins:
                runs[-1].append(match)
            else:
                runs.append([match])
        previous = match
    return runs


def _reference_caps_cues(text: str, book: CueBook, names: frozenset[str]) -> list[Cue]:
    cues = []
    for run in _reference_caps_runs(text, book, names):
        longest = max(len(m.group()) for m in run)
        if longest >= 4 or len(run) >= 3:
            rule = "stage.caps" if len(run) > 1 else "stage.caps_word"
            start, end = run[0].start(), run[-1].end()
            cues.append(Cue(rule, text[start:end], start, end, book.explain(rule)))
    return cues


CAPS_WORDS = st.sampled_from(
    ["THIS", "IS", "NOT", "I", "A", "a", "OK", "SVG", "PDF", "Horvat", "HORVAT", "HORVATH",
     "COFEE", "RED", "FOX", "coffee", "É", "ΑΠΑΡΑΔΕΚΤΟ", "Ž", "x", "NOW", "რატომ", "Ana"]
)  # fmt: skip
CAPS_TEXT = st.lists(
    st.tuples(CAPS_WORDS, st.sampled_from([" ", ", ", "! ", " «", "» ", ' "', '" ', "\n"])),
    max_size=16,
).map(lambda pairs: "".join(w + s for w, s in pairs))
NAMES = st.frozensets(st.sampled_from(["horvat", "red", "fox", "coffee", "i", "a", "now", "x"]))


@given(CAPS_TEXT, NAMES)
@example("THIS IS NOT RED FOX COFFEE I ASKED FOR", frozenset({"red", "fox", "coffee"}))
@example("NOW I A B", frozenset({"i"}))
@example("SHOUT a I HORVAT I NOW", frozenset({"horvat"}))
def test_capital_runs_are_those_of_checking_every_word_for_a_name(
    text: str, names: frozenset[str]
) -> None:
    assert caps_cues(text, BOOK, names) == _reference_caps_cues(text, BOOK, names)


def test_name_words_are_the_same_from_a_tuple_a_list_and_a_generator() -> None:
    names = ("Red Fox Coffee", "Marko Horvat", "Eleni Papadopoulou")
    assert name_words(names) == name_words(list(names)) == name_words(n for n in names)
    assert name_words(names) is name_words(names)  # a contract's names: folded once


# --- markers only when they decide ----------------------------------------------------


def test_marker_words_are_counted_only_when_the_detector_leaves_the_choice_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counted: list[str] = []
    original = language_module.marker_hits

    def counting(text: str, book: CueBook, within: Screen | None = None) -> Counter[str]:
        counted.append(text)
        return original(text, book, within)

    monkeypatch.setattr(language_module, "marker_hits", counting)
    clear = detect_language("Could you make the opening paragraph shorter, please?", BOOK, ())
    assert (clear.code, clear.method) == ("en", "detector")
    assert counted == []
    close = detect_language("Prosim, lahko to popravite? Hvala, lp", BOOK, ("en",))
    assert (close.method == "markers") == bool(counted)
