"""The cue book: every language's cue lists, loaded once from packaged YAML.

Cue lists are data (``cues/<lang>.yaml``, one file per language, plus ``catalogue.yaml``
with the explanations, exclusion concepts and stage weights), so a reviewer who speaks
the language can add a phrase without touching code. Each language file maps a category
(``free_fix``, ``vague``, ``change``…) to cue ids, each with a list of regular
expressions written in the language's normal spelling; they are folded (lower case, no
diacritics, see ``fold``) and compiled once. All languages' cues are applied to every
message: clients mix languages, and a cue is evidence whatever the detector thinks.

Running every regex over every clause was most of the time of reading a message, so the
book also holds a literal prefilter (``engine.literal_screen``): a phrase can match only a text
that holds one of its required literals, so a cue whose phrases' literals are all absent
is not run at all, and one with a few possible phrases runs just those (``scan``).
``unfiltered()`` gives the same book without the prefilter, which is how the tests prove
that both find the same cues.

Building is lazy and split in two so that a short-lived process (the CLI) need not pay
for it every time: ``compile_state`` does the slow half (folding every phrase and reading
its literals, about a second) and returns plain values (strings, lists, numbers) that
``book_from_state`` turns back into a book in a few milliseconds; the book's regexes are
compiled on first use (``CuePattern.regex``), so a message compiles only the few its
prefilter lets through (``cuebook()`` compiles them all when it builds the book, as a
server wants). The engine does no file I/O: where such a state is kept (the
CLI's on-disk cache) is the caller's business, and ``install_cuebook`` (or, for a block,
``using_cuebook``) hands the engine the book to use.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from roundwise.engine.literal_screen import (
    EVERYTHING,
    Conditions,
    Prefilter,
    Screen,
    read_phrase,
)
from roundwise.engine.understand.fold import fold_pattern
from roundwise.engine.understand.model import Cue

# A cue with at most this many possible phrases runs them one by one, not its alternation.
PHRASES_ALONE = 4
# Cue regexes are compiled case-insensitively (the flags ``re.compile`` reports for a str).
FLAGS = re.compile("", re.IGNORECASE).flags
# Bumped whenever the layout or meaning of ``compile_state``'s result changes.
STATE_FORMAT = 2

CATEGORIES = (
    "markers",
    "split",
    "request",
    "change",
    "target",
    "free_fix",
    "vague",
    "new_work",
    "concepts",
    "stage",
)


@dataclass(frozen=True, slots=True)
class CuePattern:
    """One cue: ``rule`` is ``<category>.<cue id>``.

    ``source`` is the alternation of the folded ``phrases``, each wrapped as ``(?:…)``, in
    order (a pattern built by hand may leave ``phrases`` empty: it then always runs whole);
    ``regex`` is it compiled, on first use.
    """

    rule: str
    language: str
    source: str
    phrases: tuple[str, ...] = ()
    flags: int = FLAGS

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled alternation (compiled once per process, when first needed)."""
        return _compiled(self.source, self.flags)


@dataclass(frozen=True, slots=True)
class Concept:
    """A kind of work a contract may exclude, and how to spot it in an exclusion phrase."""

    id: str
    exclusion: re.Pattern[str]
    explanation: str


@dataclass(frozen=True, slots=True)
class CategoryPlan:
    """Where a category's phrases sit in the prefilter's bit mask.

    Bits ``first`` to ``first + len(owners) - 1`` are the category's phrases in book
    order; ``owners[i]`` is the index of the pattern bit ``first + i`` belongs to and
    ``places[i]`` its position in that pattern's ``phrases`` (-1: the whole pattern).
    ``standalone[p]`` says pattern ``p`` may run a few of its phrases on their own.
    """

    first: int
    owners: tuple[int, ...]
    places: tuple[int, ...]
    standalone: tuple[bool, ...]
    full: int  # the category's bits, shifted down to bit 0


# A pattern to run and which of its phrases (by position) can match; None: all of them.
Candidate = tuple[CuePattern, tuple[int, ...] | None]


@cache
def _compiled(source: str, flags: int) -> re.Pattern[str]:
    return re.compile(source, flags)


@lru_cache(maxsize=4096)
def phrase_regex(phrase: str, flags: int) -> re.Pattern[str]:
    """One phrase compiled like its cue's alternation (compiled on first need only)."""
    return re.compile(phrase, flags)


def _alternation(regexes: list[re.Pattern[str]], folded: str) -> Iterator[tuple[int, int]]:
    """The spans ``finditer`` finds for the alternation of ``regexes``, run one by one.

    The alternation's next match is at the leftmost position where any phrase matches,
    taken by the first such phrase in order, and the search goes on at its end. Valid for
    phrases that never match the empty string and refer to no group (``standalone``).
    """
    heads = []
    for order, regex in enumerate(regexes):
        match = regex.search(folded)
        if match is not None:
            heads.append((match.start(), order, match))
    while heads:
        start, _, chosen = min(heads)
        end = chosen.end()
        yield start, end
        fresh = []
        for head in heads:
            if head[0] >= end:
                fresh.append(head)
                continue
            match = regexes[head[1]].search(folded, end)
            if match is not None:
                fresh.append((match.start(), head[1], match))
        heads = fresh


def _spans(
    candidates: list[Candidate], folded: str, only: Container[str] | None
) -> Iterator[tuple[CuePattern, int, int]]:
    """Run the candidate patterns (or just their possible phrases) over ``folded``."""
    for pattern, places in candidates:
        if only is not None and pattern.rule not in only:
            continue
        if places is None:
            for match in pattern.regex.finditer(folded):
                yield pattern, match.start(), match.end()
        elif len(places) == 1:
            phrase = phrase_regex(pattern.phrases[places[0]], pattern.flags)
            for match in phrase.finditer(folded):
                yield pattern, match.start(), match.end()
        else:
            flags = pattern.flags
            regexes = [phrase_regex(pattern.phrases[place], flags) for place in places]
            for start, end in _alternation(regexes, folded):
                yield pattern, start, end


@dataclass(frozen=True, slots=True, eq=False)
class CueBook:
    """All cue patterns by category, with explanations, concepts and stage settings."""

    patterns: Mapping[str, tuple[CuePattern, ...]]
    explanations: Mapping[str, str]
    concepts: Mapping[str, Concept]
    stage_weights: Mapping[str, int]
    stage_threshold: int
    acronyms: frozenset[str]
    languages: tuple[str, ...]
    # Which phrases can match a text (None: every pattern always runs), and where each
    # category's phrases are in its bit mask.
    prefilter: Prefilter | None = None
    plans: Mapping[str, CategoryPlan] = field(default_factory=dict)

    def screen(self, folded: str, within: Screen | None = None) -> Screen:
        """Which phrases may match ``folded`` (or any part of it).

        A caller scanning one text for several categories computes it once and passes it
        on. ``within`` is the screen of a text that contains ``folded``: refining it is
        cheaper than screening anew.
        """
        if self.prefilter is None:
            return EVERYTHING
        if within is not None:
            return within.within(folded)
        return self.prefilter.screen(folded)

    def unfiltered(self) -> CueBook:
        """The same book without the prefilter: every pattern runs on every text."""
        return replace(self, prefilter=None, plans={})

    def candidates(
        self, category: str, folded: str, screen: Screen | None = None
    ) -> list[Candidate]:
        """The patterns of ``category`` that may match ``folded``, in book order.

        ``screen`` is ``self.screen`` of ``folded`` or of a text containing it (computed
        here when not given).
        """
        patterns = self.patterns.get(category, ())
        plan = self.plans.get(category)
        if self.prefilter is None or plan is None:
            return [(pattern, None) for pattern in patterns]
        if screen is None:
            screen = self.prefilter.screen(folded)
        bits = (screen.mask >> plan.first) & plan.full
        if not bits:
            return []
        chosen: list[tuple[int, list[int]]] = []
        while bits:
            low = bits & -bits
            bits ^= low
            index = low.bit_length() - 1
            owner, place = plan.owners[index], plan.places[index]
            if not chosen or chosen[-1][0] != owner:
                chosen.append((owner, []))
            chosen[-1][1].append(place)
        result: list[Candidate] = []
        for owner, places in chosen:
            pattern = patterns[owner]
            alone = plan.standalone[owner] and len(places) <= PHRASES_ALONE
            whole = not alone or len(places) == len(pattern.phrases)
            result.append((pattern, None if whole else tuple(places)))
        return result

    def scan(
        self,
        category: str,
        folded: str,
        screen: Screen | None = None,
        only: Container[str] | None = None,
    ) -> Iterator[tuple[CuePattern, int, int]]:
        """(pattern, start, end) of every match of ``category``'s regexes in ``folded``.

        The same spans, in the same order, as running each pattern's ``finditer`` in
        book order; patterns (and phrases) that cannot match are skipped. ``only``
        limits the scan to those rules.
        """
        return _spans(self.candidates(category, folded, screen), folded, only)

    def matches(
        self,
        category: str,
        folded: str,
        text: str,
        offset: int = 0,
        only: Container[str] | None = None,
        screen: Screen | None = None,
    ) -> Iterator[Cue]:
        """Every match of ``category`` in ``folded`` (the folded ``text``), as cues.

        ``only`` limits the scan to those rules: a caller that keeps just some of the
        category's cues need not run the others' regexes (most of the matching time).
        ``screen`` is ``self.screen`` of ``folded`` or of a text containing it (computed
        here when not given).
        """
        candidates = self.candidates(category, folded, screen)
        if not candidates:  # the usual case for most categories of a clause
            return iter(())
        seen: set[tuple[str, int, int]] = set()
        cues = []
        for pattern, start, end in _spans(candidates, folded, only):
            # Words shared by several languages' lists ("Instagram") match once per
            # list; the same rule on the same words is one cue, not five.
            key = (pattern.rule, start, end)
            if end == start or key in seen:
                continue
            seen.add(key)
            cues.append(
                Cue(
                    rule=pattern.rule,
                    text=text[start:end],
                    start=offset + start,
                    end=offset + end,
                    explanation=self.explain(pattern.rule),
                    language=pattern.language,
                )
            )
        return iter(cues)

    def compile_all(self) -> CueBook:
        """Compile every cue regex now, not on first use (a server does it at start-up)."""
        for patterns in self.patterns.values():
            for pattern in patterns:
                _ = pattern.regex
        return self

    def explain(self, rule: str) -> str:
        """The human explanation of a rule (by full rule, then by its category)."""
        category = rule.split(".", 1)[0]
        return self.explanations.get(rule) or self.explanations.get(category, rule)


def _language_patterns(data: Mapping[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    """Each cue id's folded phrases, as ``(category, [rule, language, phrases])``."""
    language = str(data["language"])
    for category in CATEGORIES:
        for cue_id, patterns in (data.get(category) or {}).items():
            phrases = [fold_pattern(str(p), language) for p in patterns]
            yield category, [f"{category}.{cue_id}", language, phrases]


def _read(name: str) -> Any:
    text = resources.files("roundwise.engine.understand.cues").joinpath(name).read_text("utf-8")
    return yaml.load(text, Loader=_LOADER)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


def _phrase_state(phrase: str) -> list[Any]:
    """What the prefilter reads from one phrase, as plain values."""
    info = read_phrase(phrase, FLAGS)
    return [[sorted(condition) for condition in info.conditions], info.standalone]


def compile_state(
    catalogue: Mapping[str, Any], languages: list[Mapping[str, Any]], prefilter: bool = True
) -> dict[str, Any]:
    """The slow half of building a cue book, as plain (JSON-ready) values.

    Every phrase folded, and (with ``prefilter``) what the prefilter reads from each one;
    ``book_from_state`` builds the book from it. The result holds only dicts, lists,
    strings, numbers, booleans and None, so it can be stored and read back as JSON.
    """
    patterns: dict[str, list[Any]] = {c: [] for c in CATEGORIES}
    for data in languages:
        for category, entry in _language_patterns(data):
            patterns[category].append(entry)
    phrases: dict[str, list[Any]] | None = None
    if prefilter:
        phrases = {
            category: [[_phrase_state(p) for p in entry[2]] for entry in entries]
            for category, entries in patterns.items()
        }
    return {
        "format": STATE_FORMAT,
        "patterns": patterns,
        "phrases": phrases,
        "explanations": {str(k): str(v) for k, v in catalogue["explanations"].items()},
        "concepts": [
            [str(cid), fold_pattern(str(spec["exclusion"])), str(spec["explanation"])]
            for cid, spec in catalogue["concepts"].items()
        ],
        "stage_weights": {str(k): int(v) for k, v in catalogue["stage_weights"].items()},
        "stage_threshold": int(catalogue["stage_threshold"]),
        "acronyms": sorted({str(a).upper() for a in catalogue["acronyms"]}),
        "languages": [str(d["language"]) for d in languages],
    }


def _plan(
    patterns: list[CuePattern], infos: list[list[Any]], first: int
) -> tuple[CategoryPlan, list[Conditions]]:
    """Number a category's phrases from bit ``first``, with each one's literals."""
    owners: list[int] = []
    places: list[int] = []
    standalone: list[bool] = []
    requirements: list[Conditions] = []
    for index, (pattern, read) in enumerate(zip(patterns, infos, strict=True)):
        if not pattern.phrases:  # no phrase list: one unit for the whole pattern, always run
            owners.append(index)
            places.append(-1)
            requirements.append(())
        owners += [index] * len(read)
        places += range(len(read))
        requirements += [tuple(frozenset(c) for c in conditions) for conditions, _ in read]
        standalone.append(bool(read) and all(alone for _, alone in read))
    full = (1 << len(owners)) - 1
    plan = CategoryPlan(first, tuple(owners), tuple(places), tuple(standalone), full)
    return plan, requirements


def _prefilter(
    by_category: Mapping[str, list[CuePattern]], phrases: Mapping[str, list[list[Any]]]
) -> tuple[Prefilter, dict[str, CategoryPlan]]:
    """Number every phrase in category order, with its required literals."""
    plans: dict[str, CategoryPlan] = {}
    requirements: list[Conditions] = []
    for category, patterns in by_category.items():
        plans[category], found = _plan(patterns, phrases[category], len(requirements))
        requirements += found
    return Prefilter(requirements), plans


def book_from_state(state: Mapping[str, Any]) -> CueBook:
    """The cue book of a ``compile_state`` result (fast: no regex is compiled yet).

    Raises ``ValueError`` for a state of another format; a state that is not one
    ``compile_state`` made may raise anything (a caller reading one back from storage
    treats any exception as "build it afresh").
    """
    if state.get("format") != STATE_FORMAT:
        raise ValueError(f"cue book state format {state.get('format')!r}, not {STATE_FORMAT}")
    by_category: dict[str, list[CuePattern]] = {}
    for category in CATEGORIES:
        by_category[category] = [
            CuePattern(str(rule), str(language), _joined(phrases), tuple(map(str, phrases)))
            for rule, language, phrases in state["patterns"][category]
        ]
    screener: Prefilter | None = None
    plans: dict[str, CategoryPlan] = {}
    if state["phrases"] is not None:
        screener, plans = _prefilter(by_category, state["phrases"])
    concepts = {
        str(cid): Concept(str(cid), re.compile(str(source), re.IGNORECASE), str(explanation))
        for cid, source, explanation in state["concepts"]
    }
    return CueBook(
        patterns={c: tuple(p) for c, p in by_category.items()},
        explanations=dict(state["explanations"]),
        concepts=concepts,
        stage_weights={str(k): int(v) for k, v in state["stage_weights"].items()},
        stage_threshold=int(state["stage_threshold"]),
        acronyms=frozenset(state["acronyms"]),
        languages=tuple(state["languages"]),
        prefilter=screener,
        plans=plans,
    )


def _joined(phrases: list[str]) -> str:
    """One alternation of the phrases (one regex scan per cue, not per phrase)."""
    return "|".join(f"(?:{phrase})" for phrase in phrases)


def build_cuebook(
    catalogue: Mapping[str, Any], languages: list[Mapping[str, Any]], prefilter: bool = True
) -> CueBook:
    """Compile a cue book from already parsed data (the loader's pure half)."""
    return book_from_state(compile_state(catalogue, languages, prefilter))


def packaged_data() -> tuple[dict[str, Any], list[Mapping[str, Any]]]:
    """The packaged catalogue and language files, parsed."""
    catalogue = _read("catalogue.yaml")
    return catalogue, [_read(f"{code}.yaml") for code in catalogue["languages"]]


def packaged_state() -> dict[str, Any]:
    """``compile_state`` of the packaged cue data (what a cache of the book stores)."""
    return compile_state(*packaged_data())


_BOOK: list[CueBook] = []  # the process's book, once built or installed


def cuebook() -> CueBook:
    """The packaged cue book, built once per process (or the one ``install_cuebook`` gave).

    Built here, every regex is compiled at once, as before the book could be cached: a
    server builds it while warming up and its requests never compile. A book handed over
    by ``using_cuebook`` compiles each regex when first used (a CLI process uses few).
    """
    if not _BOOK:
        _BOOK.append(book_from_state(packaged_state()).compile_all())
    return _BOOK[0]


def install_cuebook(book: CueBook) -> None:
    """Use ``book`` as the packaged cue book from now on (e.g. one read back from a cache)."""
    _BOOK[:] = [book]


@contextmanager
def using_cuebook(book: CueBook) -> Iterator[CueBook]:
    """Use ``book`` as the packaged cue book within the block, then the previous one."""
    previous = list(_BOOK)
    _BOOK[:] = [book]
    try:
        yield book
    finally:
        _BOOK[:] = previous
