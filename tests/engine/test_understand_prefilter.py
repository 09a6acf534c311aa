"""The cue prefilter changes the time a message takes, never what is found in it.

``CueBook`` runs a cue's regex only when the literals its phrases need are in the text
(``engine.understand.prefilter``). A wrong "absent" would silently drop a cue, so these
tests compare the prefiltered scan with the full one (``CueBook.unfiltered``) on every
labelled message, the other texts of the suite and generated texts mixing cue words,
other words, punctuation, case and diacritics, and check each piece the argument rests
on: case classes, phrase conditions, phrases run alone against their alternation, and
the screen of a part of a text against a screen of the part itself.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

import roundwise.engine.understand.analyse as analyse_module
from bench import real_messages
from roundwise.engine.literal_screen import Conditions, canonical, read_phrase
from roundwise.engine.understand import analyse_request
from roundwise.engine.understand.cuebook import (
    FLAGS,
    CueBook,
    CuePattern,
    _alternation,
    cuebook,
    phrase_regex,
)
from roundwise.engine.understand.fold import fold
from roundwise.engine.understand.split import split_message
from tests.engine.understand_projects import (
    DATA,
    HOLDOUT,
    HOLDOUT2,
    HOLDOUT3,
    HOLDOUT4,
    HOLDOUT5,
    HOLDOUT6,
    HOLDOUT7,
    LABELLED,
    SHARED_COPY,
    context_for,
    load_labelled,
)

BOOK = cuebook()
FULL = BOOK.unfiltered()
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "examples" / "requests.yaml"
LABELLED_SETS = (SHARED_COPY, LABELLED, HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4, HOLDOUT5)
LABELLED_SETS += (HOLDOUT6, HOLDOUT7)


def _strings(node: Any) -> list[str]:
    """Every text stored under a ``message`` or ``text`` key of a YAML document."""
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            if key in ("message", "text") and isinstance(value, str):
                found.append(value)
            else:
                found += _strings(value)
        return found
    if isinstance(node, list):
        return [text for value in node for text in _strings(value)]
    return []


@cache
def corpus() -> tuple[str, ...]:
    """The messages and replies of the suite's data, the measure seeds, shared examples."""
    paths = sorted(DATA.glob("*.yaml")) + ([SHARED] if SHARED.exists() else [])
    texts = [t for path in paths for t in _strings(yaml.safe_load(path.read_text("utf-8")))]
    texts += [path.read_text("utf-8") for path in sorted((DATA / "measure").glob("*.txt"))]
    texts += [message.message for message in real_messages.load()]
    return tuple(dict.fromkeys(texts))


def _parts(text: str) -> list[str]:
    """The text, its clauses, and clauses joined to the one before (as the analysis reads)."""
    spans = split_message(text, FULL)
    parts = [text, *(text[a:b] for a, b in spans)]
    parts += [text[a:d] for (a, _), (_, d) in itertools.pairwise(spans)]
    return parts


def _scans(book: CueBook, folded: str, screen: Any = None) -> dict[str, list[tuple[str, int, int]]]:
    return {
        category: [(p.rule, a, b) for p, a, b in book.scan(category, folded, screen)]
        for category in book.patterns
    }


def _matches(book: CueBook, folded: str, text: str, screen: Any = None) -> list[Any]:
    return [list(book.matches(c, folded, text, 7, screen=screen)) for c in book.patterns]


def _expected_mask(key: str) -> int:
    """The screen's mask worked out the long way: a phrase is in when each condition is met."""
    mask = 0
    for bit, conditions in enumerate(_units()):
        if all(any(literal in key for literal in condition) for condition in conditions):
            mask |= 1 << bit
    return mask


@cache
def _units() -> tuple[Conditions, ...]:
    """Each unit's conditions, in the book's bit order (a whole pattern: no condition)."""
    units: list[Conditions] = []
    for category, patterns in BOOK.patterns.items():
        plan = BOOK.plans[category]
        assert plan.first == len(units)
        for owner, place in zip(plan.owners, plan.places, strict=True):
            phrase = patterns[owner].phrases[place] if place >= 0 else None
            units.append(() if phrase is None else read_phrase(phrase, FLAGS).conditions)
    return tuple(units)


def _screens_are_exact(text: str) -> None:
    """The screen of ``text`` is the long-way mask; each part's, refined, is its own.

    (A part is screened by the same code as a whole text, so the long way is worked out
    for whole texts; for parts, what is checked is that refining the whole text's screen
    gives the part's own.)
    """
    folded = fold(text)
    whole = BOOK.screen(folded)
    assert whole.mask == _expected_mask(canonical(folded)), text
    for part in _parts(text):
        folded = fold(part)
        assert BOOK.screen(folded, whole).mask == BOOK.screen(folded).mask, part


def _same_scans(text: str) -> None:
    """Every category scans ``text`` alike with and without the prefilter."""
    folded = fold(text)
    assert _scans(BOOK, folded) == _scans(FULL, folded), text
    assert _matches(BOOK, folded, text) == _matches(FULL, folded, text), text


def test_the_corpus_is_large_and_mixes_languages() -> None:
    texts = corpus()
    assert len(texts) > 600
    assert any("ς" in t for t in texts)
    assert any("ლ" in t for t in texts)


def test_every_text_of_the_corpus_scans_alike_with_and_without_prefilter() -> None:
    # The whole texts only: on a clause, the screen is the only thing that changes, and
    # its exactness on every clause is the next test (with the conditions' soundness,
    # ``test_phrase_conditions_hold_…``, that is what "scans alike" rests on).
    for text in corpus():
        _same_scans(text)


def test_the_screen_of_every_text_and_clause_of_the_corpus_is_exact() -> None:
    for text in corpus():
        _screens_are_exact(text)


def _analyses(book: CueBook, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    monkeypatch.setattr(analyse_module, "cuebook", lambda: book)
    found = []
    for path in LABELLED_SETS:
        for row in load_labelled(path):
            context = context_for(row.project, row.deliverable)
            clauses = [row.message[a:b] for a, b in split_message(row.message, FULL)]
            # assessed=False: the assessment is a function of the analysis and the text.
            found.append(analyse_request(row.message, context, assessed=False))
            found.append(analyse_request(row.message, context, clauses[:3], assessed=False))
    return found


def test_every_labelled_message_is_analysed_alike_with_and_without_prefilter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with_prefilter = _analyses(BOOK, monkeypatch)
    without = _analyses(FULL, monkeypatch)
    assert len(with_prefilter) > 1000
    assert repr(with_prefilter) == repr(without)


# --- generated texts --------------------------------------------------------------------


def _all_phrases() -> list[tuple[CuePattern, str]]:
    return [(p, phrase) for ps in BOOK.patterns.values() for p in ps for phrase in p.phrases]


@cache
def cue_words() -> tuple[str, ...]:
    """Words of the cue files as written (diacritics, Greek, Georgian), and word starts."""
    words: set[str] = set()
    for patterns in BOOK.patterns.values():
        for pattern in patterns:
            for phrase in pattern.phrases:
                words.update(re.findall(r"[^\W\d_]{2,}", phrase))
    for path in sorted((Path(analyse_module.__file__).parent / "cues").glob("*.yaml")):
        words.update(re.findall(r"[^\W\d_]{2,}", path.read_text("utf-8")))
    return tuple(sorted(words))


def _shaped(word: str, shape: int) -> str:
    return (word, word.upper(), word.title(), word.swapcase(), word[: max(2, len(word) // 2)])[
        shape
    ]


def _spoken(phrase: tuple[str, int]) -> st.SearchStrategy[str]:
    """Texts a cue phrase matches whole (Hypothesis writes them from the regex)."""
    return st.from_regex(re.compile(*phrase), fullmatch=True)


FLAGGED_PHRASES = sorted({(phrase, p.regex.flags) for p, phrase in _all_phrases()})


# Characters where case, folding and \s, \d are tricky: Turkish dotted I, long s, Kelvin
# sign, Greek final sigma and symbol variants, ł, ß, no-break space, a tab, Arabic digits.
ODD = "İıſKςσϐϑϕϖϰϱϵµłŁßẞ\u00a0\t\u2003٣²ǅǆ'’ʼ"
SEPARATORS = st.sampled_from([" ", "  ", ", ", ". ", "!! ", "? ", "\n", "\n\n", " - ", ": "])
PIECES = st.one_of(
    st.tuples(st.sampled_from(FLAGGED_PHRASES).flatmap(_spoken), st.integers(0, 3)).map(
        lambda t: _shaped(*t)
    ),
    st.tuples(st.sampled_from(cue_words()), st.integers(0, 4)).map(lambda t: _shaped(*t)),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    st.text(alphabet=ODD + "aeiouáéíóúčšžćđ0123456789", min_size=1, max_size=4),
    st.sampled_from(['"', "«", "»", "“", "”", "„", "(", ")", "—", "…", "1962", "5"]),
)
TEXTS = st.lists(st.tuples(PIECES, SEPARATORS).map("".join), max_size=25).map("".join)


@given(TEXTS)
@example("Could you also write five Instagram posts? ΑΠΑΡΑΔΕΚΤΟ!!")
@example("napačno  preveden\u00a0tekst, ne\tlogo; İNSTAGRAM ſocial")
@example("Bi lahko v drugem odstavku omenili še našo pekarno v Kranju?")
def test_generated_texts_scan_alike_with_and_without_prefilter(text: str) -> None:
    for part in _parts(text):
        _same_scans(part)
    _screens_are_exact(text)


@given(TEXTS, st.integers(0, 3))
def test_generated_texts_are_analysed_alike_with_and_without_prefilter(
    text: str, project: int
) -> None:
    name, deliverable = [
        ("bakery-web-copy", "home"),
        ("fox-logo", "final"),
        ("manual-translation", "manual"),
        ("bakery-web-copy", "about"),
    ][project]
    context = context_for(name, deliverable)
    found = analyse_request(text, context)
    original = analyse_module.cuebook
    try:
        analyse_module.cuebook = lambda: FULL
        expected = analyse_request(text, context)
    finally:
        analyse_module.cuebook = original
    assert repr(found) == repr(expected)


# --- the pieces of the argument -----------------------------------------------------------


def _conditions_hold(text: str) -> None:
    """Where a phrase matches at all, each of its conditions has a literal in the text."""
    folded = fold(text)
    key = canonical(folded)
    for patterns in BOOK.patterns.values():
        for pattern in patterns:
            if pattern.regex.search(folded) is None:
                continue  # no phrase of it matches
            for phrase in pattern.phrases:
                if phrase_regex(phrase, pattern.regex.flags).search(folded) is None:
                    continue
                for condition in read_phrase(phrase, pattern.regex.flags).conditions:
                    assert any(literal in key for literal in condition), (phrase, text)


def test_phrase_conditions_hold_wherever_a_phrase_matches_in_the_corpus() -> None:
    for text in corpus():
        _conditions_hold(text)


@given(TEXTS)
def test_phrase_conditions_hold_wherever_a_phrase_matches_in_generated_texts(text: str) -> None:
    _conditions_hold(text)


def test_almost_every_phrase_has_conditions_and_runs_alone() -> None:
    infos = [read_phrase(phrase, p.regex.flags) for p, phrase in _all_phrases()]
    assert len(infos) > 1500
    assert sum(not info.conditions for info in infos) <= len(infos) // 50
    assert sum(info.standalone for info in infos) >= len(infos) * 0.95


@cache
def _standalone() -> tuple[tuple[CuePattern, tuple[re.Pattern[str], ...]], ...]:
    """The patterns whose phrases may all run alone, with the phrases compiled."""
    found = []
    for patterns in BOOK.patterns.values():
        for pattern in patterns:
            flags = pattern.regex.flags
            if all(read_phrase(phrase, flags).standalone for phrase in pattern.phrases):
                found.append((pattern, tuple(phrase_regex(p, flags) for p in pattern.phrases)))
    return tuple(found)


def _alternations_agree(text: str) -> None:
    """Phrases run one by one find what their alternation finds, in the same order."""
    folded = fold(text)
    for pattern, regexes in _standalone():
        full = [m.span() for m in pattern.regex.finditer(folded)]
        if not full:
            continue  # no phrase matches anywhere, so none run alone can either
        assert list(_alternation(list(regexes), folded)) == full, (pattern.rule, text)
        # Without the phrases that match nowhere, the rest still find the same.
        some = [r for r in regexes if r.search(folded) is not None]
        assert list(_alternation(some, folded)) == full, (pattern.rule, text)


def test_phrases_run_alone_find_what_their_alternation_finds_in_the_corpus() -> None:
    for text in corpus():
        _alternations_agree(text)


@given(TEXTS)
def test_phrases_run_alone_find_what_their_alternation_finds_in_generated_texts(
    text: str,
) -> None:
    _alternations_agree(text)


@pytest.mark.parametrize(
    ("source", "standalone"),
    [
        (r"(a)\1", False),
        (r"(?P<x>a)(?P=x)", False),
        (r"(a)?(?(1)b|c)", False),
        (r"\b", False),
        (r"x?", False),
        (r"\bfoo\w*", True),
    ],
)
def test_a_phrase_that_refers_to_a_group_or_can_match_nothing_does_not_run_alone(
    source: str, standalone: bool
) -> None:
    assert read_phrase(source, re.IGNORECASE).standalone is standalone


@pytest.mark.parametrize(
    ("source", "needs"),
    [
        (r"\bnot\s+in\s+the\s+(files|zip)\b", {"not ", " in ", " the "}),
        (r"\w+,\s+(a\s+)?ne\s+\w+", {"ne ", ", "}),
        (r"(?:foo|bar)+baz", {"foobaz", "barbaz"}),
        (r"\s+(?=and\s+also)", {"and "}),
        (r"\bPDF\b", {"pdf"}),
        (r"\w+", set()),
        (r"(?!x)\w", set()),
    ],
)
def test_conditions_are_literals_every_match_needs(source: str, needs: set[str]) -> None:
    conditions = read_phrase(source, re.IGNORECASE).conditions
    assert {literal for condition in conditions for literal in condition} >= needs
    if not needs:
        assert conditions == ()


def test_the_unfiltered_book_runs_every_pattern() -> None:
    folded = fold("nothing to see")
    for category, patterns in BOOK.patterns.items():
        assert [p for p, _ in FULL.candidates(category, folded)] == list(patterns)
        assert len(BOOK.candidates(category, folded)) < len(patterns) or not patterns
