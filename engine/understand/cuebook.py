"""The cue book: every language's cue lists, loaded once from packaged YAML.

Cue lists are data (``cues/<lang>.yaml``, one file per language, plus ``catalogue.yaml``
with the explanations, exclusion concepts and stage weights), so a reviewer who speaks
the language can add a phrase without touching code. Each language file maps a category
(``free_fix``, ``vague``, ``change``…) to cue ids, each with a list of regular
expressions written in the language's normal spelling; they are folded (lower case, no
diacritics, see ``fold``) and compiled once. All languages' cues are applied to every
message: clients mix languages, and a cue is evidence whatever the detector thinks.

Running every regex over every clause was most of the time of reading a message, so the
book also holds a literal prefilter (see ``prefilter``): a phrase can match only a text
that holds one of its required literals, so a cue whose phrases' literals are all absent
is not run at all, and one with a few possible phrases runs just those (``scan``).
``unfiltered()`` gives the same book without the prefilter, which is how the tests prove
that both find the same cues.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from engine.understand.fold import fold_pattern
from engine.understand.model import Cue
from engine.understand.prefilter import EVERYTHING, Conditions, Prefilter, Screen, read_phrase

# A cue with at most this many possible phrases runs them one by one, not its alternation.
PHRASES_ALONE = 4

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
    """One compiled cue: ``rule`` is ``<category>.<cue id>``.

    ``regex`` is the alternation of the folded ``phrases``, each wrapped as ``(?:…)``, in
    order (a pattern built by hand may leave ``phrases`` empty: it then always runs whole).
    """

    rule: str
    language: str
    regex: re.Pattern[str]
    phrases: tuple[str, ...] = ()


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
            phrase = phrase_regex(pattern.phrases[places[0]], pattern.regex.flags)
            for match in phrase.finditer(folded):
                yield pattern, match.start(), match.end()
        else:
            flags = pattern.regex.flags
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

    def explain(self, rule: str) -> str:
        """The human explanation of a rule (by full rule, then by its category)."""
        category = rule.split(".", 1)[0]
        return self.explanations.get(rule) or self.explanations.get(category, rule)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(fold_pattern(pattern), re.IGNORECASE)


def _language_patterns(data: Mapping[str, Any]) -> Iterator[tuple[str, CuePattern]]:
    """One compiled alternation per cue id (one regex scan per cue, not per phrase)."""
    language = str(data["language"])
    for category in CATEGORIES:
        for cue_id, patterns in (data.get(category) or {}).items():
            phrases = tuple(fold_pattern(str(p), language) for p in patterns)
            joined = "|".join(f"(?:{phrase})" for phrase in phrases)
            regex = re.compile(joined, re.IGNORECASE)
            yield category, CuePattern(f"{category}.{cue_id}", language, regex, phrases)


def _read(name: str) -> Any:
    text = resources.files("engine.understand.cues").joinpath(name).read_text("utf-8")
    return yaml.safe_load(text)


def _plan(patterns: list[CuePattern], first: int) -> tuple[CategoryPlan, list[Conditions]]:
    """Number a category's phrases from bit ``first`` and read each one's literals."""
    owners: list[int] = []
    places: list[int] = []
    standalone: list[bool] = []
    requirements: list[Conditions] = []
    for index, pattern in enumerate(patterns):
        infos = [read_phrase(phrase, pattern.regex.flags) for phrase in pattern.phrases]
        if not infos:  # no phrase list: one unit for the whole pattern, always run
            owners.append(index)
            places.append(-1)
            requirements.append(())
        owners += [index] * len(infos)
        places += range(len(infos))
        requirements += [info.conditions for info in infos]
        standalone.append(bool(infos) and all(info.standalone for info in infos))
    full = (1 << len(owners)) - 1
    plan = CategoryPlan(first, tuple(owners), tuple(places), tuple(standalone), full)
    return plan, requirements


def _prefilter(
    by_category: Mapping[str, list[CuePattern]],
) -> tuple[Prefilter, dict[str, CategoryPlan]]:
    """Number every phrase in category order and derive its required literals."""
    plans: dict[str, CategoryPlan] = {}
    requirements: list[Conditions] = []
    for category, patterns in by_category.items():
        plans[category], found = _plan(patterns, len(requirements))
        requirements += found
    return Prefilter(requirements), plans


def build_cuebook(
    catalogue: Mapping[str, Any], languages: list[Mapping[str, Any]], prefilter: bool = True
) -> CueBook:
    """Compile a cue book from already parsed data (the loader's pure half)."""
    by_category: dict[str, list[CuePattern]] = {c: [] for c in CATEGORIES}
    for data in languages:
        for category, pattern in _language_patterns(data):
            by_category[category].append(pattern)
    screener: Prefilter | None = None
    plans: dict[str, CategoryPlan] = {}
    if prefilter:
        screener, plans = _prefilter(by_category)
    concepts = {
        cid: Concept(cid, _compile(str(spec["exclusion"])), str(spec["explanation"]))
        for cid, spec in catalogue["concepts"].items()
    }
    return CueBook(
        patterns={c: tuple(p) for c, p in by_category.items()},
        explanations={str(k): str(v) for k, v in catalogue["explanations"].items()},
        concepts=concepts,
        stage_weights={str(k): int(v) for k, v in catalogue["stage_weights"].items()},
        stage_threshold=int(catalogue["stage_threshold"]),
        acronyms=frozenset(str(a).upper() for a in catalogue["acronyms"]),
        languages=tuple(str(d["language"]) for d in languages),
        prefilter=screener,
        plans=plans,
    )


@lru_cache(maxsize=1)
def cuebook() -> CueBook:
    """The packaged cue book, read and compiled once per process."""
    catalogue = _read("catalogue.yaml")
    languages = [_read(f"{code}.yaml") for code in catalogue["languages"]]
    return build_cuebook(catalogue, languages)
