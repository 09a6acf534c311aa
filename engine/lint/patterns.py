"""Loading the per-language lint patterns (``patterns/<language>.yaml``).

Rule: what the linter looks for in a language is data; this module only compiles and
types it, once per language. A new language is a new YAML file, not new code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeAlias

import regex
import yaml

from roundwise.engine.errors import UnsupportedLanguageError as UnsupportedLanguageError
from roundwise.engine.lint.script import CYRILLIC_TAG, split_tag

Pattern: TypeAlias = regex.Pattern[str]

CHECK_KINDS = frozenset({"phrase", "refusal", "missing", "name", "capitals"})


@dataclass(frozen=True, slots=True)
class LintRule:
    """One rule: what it looks for (by check kind), the technique it protects, and advice."""

    id: str
    technique: str
    check: str
    why: str
    better: str
    patterns: tuple[Pattern, ...] = ()
    refusal: tuple[Pattern, ...] = ()
    alternative: tuple[Pattern, ...] = ()
    present: tuple[Pattern, ...] = ()
    greeting: Pattern | None = None
    generic_names: frozenset[str] = frozenset()
    allow: frozenset[str] = frozenset()
    shout_words: frozenset[str] = frozenset()
    min_single: int = 4
    stem_trim: int = 0


def _compile(raw: list[str] | None, case_sensitive: bool = False) -> tuple[Pattern, ...]:
    flags = regex.MULTILINE | (0 if case_sensitive else regex.IGNORECASE)
    return tuple(regex.compile(p, flags) for p in raw or ())


def _words(raw: list[str] | None, upper: bool) -> frozenset[str]:
    return frozenset(str(w).upper() if upper else str(w).lower() for w in raw or ())


def _rule(raw: dict[str, Any]) -> LintRule:
    check = str(raw["check"])
    if check not in CHECK_KINDS:
        raise ValueError(f"lint rule {raw['id']}: unknown check {check!r}")
    greeting = raw.get("greeting")
    return LintRule(
        id=str(raw["id"]),
        technique=str(raw["technique"]),
        check=check,
        why=" ".join(str(raw["why"]).split()),
        better=" ".join(str(raw["better"]).split()),
        patterns=_compile(raw.get("patterns"), bool(raw.get("case_sensitive", False))),
        refusal=_compile(raw.get("refusal")),
        alternative=_compile(raw.get("alternative")),
        present=_compile(raw.get("present")),
        greeting=None if greeting is None else regex.compile(str(greeting)),
        generic_names=_words(raw.get("generic_names"), upper=False),
        allow=_words(raw.get("allow"), upper=True),
        shout_words=_words(raw.get("shout_words"), upper=True),
        min_single=int(raw.get("min_single", 4)),
        stem_trim=int(raw.get("stem_trim", 0)),
    )


def parse_patterns(text: str) -> tuple[LintRule, ...]:
    """Parse one language's pattern YAML into compiled rules (ids must be unique)."""
    rules = tuple(_rule(raw) for raw in yaml.safe_load(text)["rules"])
    if len({r.id for r in rules}) != len(rules):
        raise ValueError("duplicate lint rule ids")
    return rules


@cache
def pattern_files() -> tuple[str, ...]:
    """Languages with a shipped pattern file (ISO 639-1 codes)."""
    folder = resources.files("roundwise.engine.lint").joinpath("patterns")
    names = (entry.name for entry in folder.iterdir())
    return tuple(sorted(n.removesuffix(".yaml") for n in names if n.endswith(".yaml")))


@cache
def supported_languages() -> tuple[str, ...]:
    """Language tags the linter reads: each pattern file, and Serbian in Cyrillic."""
    files = pattern_files()
    return files + ((CYRILLIC_TAG,) if "sr" in files else ())


@cache
def rules_for(language: str) -> tuple[LintRule, ...]:
    """The compiled rules of a language; raises UnsupportedLanguage when none ship.

    Serbian patterns are written in Latin; ``sr-Cyrl`` has the same rules (a Cyrillic
    text is read in Latin by ``engine.lint.lint_reply``).
    """
    base, _ = split_tag(language)
    if base not in pattern_files():
        raise UnsupportedLanguageError(f"no lint patterns for language {language!r}")
    path = resources.files("roundwise.engine.lint").joinpath("patterns", f"{base}.yaml")
    return parse_patterns(path.read_text("utf-8"))
