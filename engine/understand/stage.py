"""The client's emotional stage: calm, or exploding.

On the conflict map (TECHNIQUES.md, T07) an exploding client first needs to be heard.
Evidence is additive: shouting in capitals, repeated ``!``/``?`` marks, threats
(not paying, refund, lawyer), insults and outraged exclamations ("unacceptable", "are
you kidding") each add their weight from ``catalogue.yaml``; a message reaching the
threshold is an explosion. Capitals count only for letters that have case — Georgian
has none, so it is judged by its words and marks — and never for known acronyms
(SVG, PNG, PDF…): a word shouts when it is at least four letters long, or when it stands
in a run of three or more capitalised words. One shouted word alone ("the word COFFEE")
weighs half a run: emphasis is not yet an explosion. Capitals are not shouting either
inside quotation marks (the client cites the text: «RED FOX COFEE») or when the word is
one of the parties' names or businesses passed in the context ("RED FOX COFFEE"), also
when misspelt by a letter or two. No cue counts when it touches a quoted passage
(``anger.quoted_spans``: also straight single quotes, Markdown bold and code): a cited
"REFUND POLICY!!" is the freelancer's copy, not the client's anger.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from roundwise.engine.literal_screen import Screen
from roundwise.engine.understand.anger import quoted_spans
from roundwise.engine.understand.cuebook import CueBook
from roundwise.engine.understand.fold import fold
from roundwise.engine.understand.model import Cue, Stage

_WORD = re.compile(r"[^\W\d_]+")
_MARKS = re.compile(r"[!?;\u037e]{2,}")
SHOUT_WORD_LETTERS = 4
SHOUT_RUN_WORDS = 3
# Quoted passages: a capitalised word inside one is cited, not shouted.
_QUOTED = re.compile(r'"[^"\n]+"|“[^”\n]+”|„[^“”"\n]+[“”"]|»[^«\n]+«|«[^»\n]+»|‘[^’\n]+’')
NAME_MIN_LETTERS = 3


@dataclass(frozen=True, slots=True)
class StageReading:
    """The stage with the cues that led to it and their summed weight."""

    stage: Stage
    score: int
    cues: tuple[Cue, ...]


def name_words(names: Iterable[str]) -> frozenset[str]:
    """The folded words of the parties' names and businesses ("red", "fox", "coffee")."""
    if isinstance(names, tuple):  # a contract's names: the same for all its requests
        return _name_words(names)
    return _fold_name_words(names)


def _fold_name_words(names: Iterable[str]) -> frozenset[str]:
    return frozenset(
        w for name in names for w in _WORD.findall(fold(name)) if len(w) >= NAME_MIN_LETTERS
    )


@lru_cache(maxsize=64)
def _name_words(names: tuple[str, ...]) -> frozenset[str]:
    return _fold_name_words(names)


def _is_name(word: str, names: frozenset[str]) -> bool:
    """A name word, or one misspelt by at most one edit per five letters ("COFEE")."""
    folded = fold(word)
    if folded in names:
        return True
    limit = len(folded) // 5
    return limit > 0 and any(
        Levenshtein.distance(folded, n, score_cutoff=limit) <= limit for n in names
    )


def _is_capital(word: str, book: CueBook) -> bool:
    return len(word) >= 2 and word.isupper() and word.upper() not in book.acronyms


def _in_code(text: str, match: re.Match[str]) -> bool:
    """Does the word touch a digit, as the letters of an id or a URL slug do?"""
    start, end = match.span()
    return (start > 0 and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit())


def _caps_runs(
    text: str, book: CueBook, names: frozenset[str] = frozenset()
) -> list[list[re.Match[str]]]:
    """Runs of consecutive capitalised words (separated only by spaces and punctuation).

    A one-letter capital ("I", "A") continues a run but does not start one; a quoted word
    or a party's name breaks a run and never shouts.

    Only words in upper case can start, continue or break a run as a capital; any other
    word just ends the run before it, and so does a gap in the word numbers: the loop
    visits the upper-case words alone (most words of a message are not).
    """
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    words = list(_WORD.finditer(text))
    runs: list[list[re.Match[str]]] = []
    last = -2  # the number of the word that ends ``runs[-1]``
    for number in [n for n, m in enumerate(words) if m.group().isupper()]:
        match = words[number]
        word = match.group()
        if quoted and any(a <= match.start() < b for a, b in quoted):
            continue
        if _in_code(text, match):  # letters of an id or a URL slug ("C02NK2DQWUX")
            continue
        capital = _is_capital(word, book)
        single = len(word) == 1
        if not capital and not single:
            continue
        if _is_name(word, names):
            continue
        joins = bool(runs) and last == number - 1
        if capital or (joins and single):
            if joins:
                runs[-1].append(match)
            else:
                runs.append([match])
            last = number
    return runs


def caps_cues(text: str, book: CueBook, names: frozenset[str] = frozenset()) -> list[Cue]:
    """One cue per shouting run of capitals; a single shouted word weighs less."""
    cues = []
    for run in _caps_runs(text, book, names):
        longest = max(len(m.group()) for m in run)
        if longest >= SHOUT_WORD_LETTERS or len(run) >= SHOUT_RUN_WORDS:
            rule = "stage.caps" if len(run) > 1 else "stage.caps_word"
            start, end = run[0].start(), run[-1].end()
            cues.append(Cue(rule, text[start:end], start, end, book.explain(rule)))
    return cues


def marks_cues(text: str, book: CueBook) -> list[Cue]:
    """One cue per group of repeated ``!``/``?`` (or Greek ``;``) marks."""
    explanation = book.explain("stage.punctuation")
    return [
        Cue("stage.punctuation", m.group(), m.start(), m.end(), explanation)
        for m in _MARKS.finditer(text)
    ]


def _outside_quotes(cues: list[Cue], text: str) -> list[Cue]:
    """The cues that touch no quoted passage: a cited "REFUND POLICY" or "!!" is not anger."""
    spans = quoted_spans(text)
    if not spans:
        return cues
    return [c for c in cues if not any(a < c.end and c.start < b for a, b in spans)]


def read_stage(
    text: str, book: CueBook, names: Iterable[str] = (), within: Screen | None = None
) -> StageReading:
    """Weigh every stage cue in ``text`` and decide calm or explosion.

    ``names`` are the parties' names and businesses: in capitals they are not shouting.
    ``within`` is the cue book's screen of a text containing ``text`` (or of ``text``).
    """
    cues = [*caps_cues(text, book, name_words(names)), *marks_cues(text, book)]
    folded = fold(text)
    cues += book.matches("stage", folded, text, screen=book.screen(folded, within))
    cues = _outside_quotes(cues, text)
    cues.sort(key=lambda c: (c.start, c.end, c.rule))
    score = sum(book.stage_weights.get(c.rule.split(".", 1)[1], 1) for c in cues)
    stage: Stage = "explosion" if score >= book.stage_threshold else "calm"
    return StageReading(stage, score, tuple(cues))
