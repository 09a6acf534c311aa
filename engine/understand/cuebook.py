"""The cue book: every language's cue lists, loaded once from packaged YAML.

Cue lists are data (``cues/<lang>.yaml``, one file per language, plus ``catalogue.yaml``
with the explanations, exclusion concepts and stage weights), so a reviewer who speaks
the language can add a phrase without touching code. Each language file maps a category
(``free_fix``, ``vague``, ``change``…) to cue ids, each with a list of regular
expressions written in the language's normal spelling; they are folded (lower case, no
diacritics, see ``fold``) and compiled once. All languages' cues are applied to every
message: clients mix languages, and a cue is evidence whatever the detector thinks.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from engine.understand.fold import fold_pattern
from engine.understand.model import Cue

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
    """One compiled cue: ``rule`` is ``<category>.<cue id>``."""

    rule: str
    language: str
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Concept:
    """A kind of work a contract may exclude, and how to spot it in an exclusion phrase."""

    id: str
    exclusion: re.Pattern[str]
    explanation: str


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

    def matches(
        self,
        category: str,
        folded: str,
        text: str,
        offset: int = 0,
        only: Container[str] | None = None,
    ) -> Iterator[Cue]:
        """Every match of ``category`` in ``folded`` (the folded ``text``), as cues.

        ``only`` limits the scan to those rules: a caller that keeps just some of the
        category's cues need not run the others' regexes (most of the matching time).
        """
        seen: set[tuple[str, int, int]] = set()
        for pattern in self.patterns.get(category, ()):
            if only is not None and pattern.rule not in only:
                continue
            for match in pattern.regex.finditer(folded):
                # Words shared by several languages' lists ("Instagram") match once per
                # list; the same rule on the same words is one cue, not five.
                key = (pattern.rule, match.start(), match.end())
                if match.end() == match.start() or key in seen:
                    continue
                seen.add(key)
                yield Cue(
                    rule=pattern.rule,
                    text=text[match.start() : match.end()],
                    start=offset + match.start(),
                    end=offset + match.end(),
                    explanation=self.explain(pattern.rule),
                    language=pattern.language,
                )

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
            joined = "|".join(f"(?:{fold_pattern(str(p), language)})" for p in patterns)
            regex = re.compile(joined, re.IGNORECASE)
            yield category, CuePattern(f"{category}.{cue_id}", language, regex)


def _read(name: str) -> Any:
    text = resources.files("engine.understand.cues").joinpath(name).read_text("utf-8")
    return yaml.safe_load(text)


def build_cuebook(catalogue: Mapping[str, Any], languages: list[Mapping[str, Any]]) -> CueBook:
    """Compile a cue book from already parsed data (the loader's pure half)."""
    by_category: dict[str, list[CuePattern]] = {c: [] for c in CATEGORIES}
    for data in languages:
        for category, pattern in _language_patterns(data):
            by_category[category].append(pattern)
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
    )


@lru_cache(maxsize=1)
def cuebook() -> CueBook:
    """The packaged cue book, read and compiled once per process."""
    catalogue = _read("catalogue.yaml")
    languages = [_read(f"{code}.yaml") for code in catalogue["languages"]]
    return build_cuebook(catalogue, languages)


__all__ = ["CATEGORIES", "Concept", "CueBook", "CuePattern", "build_cuebook", "cuebook"]
