"""The reply linter: the rules every Roundwise reply keeps, applied to a freelancer's draft.

Rule: each finding names the technique it protects (see ``engine.replies`` catalogue),
the character span, why the wording hurts and a better phrasing — an explanation, not
just a flag. Patterns are per-language data in ``patterns/<language>.yaml``.
"""

from __future__ import annotations

from dataclasses import replace

from roundwise.engine.errors import UnsupportedLanguageError
from roundwise.engine.lint.checks import CHECKS, Finding
from roundwise.engine.lint.patterns import LintRule, rules_for, supported_languages
from roundwise.engine.lint.script import (
    span_end,
    split_tag,
    to_cyrillic,
    to_latin,
    to_latin_with_offsets,
)


def lint_reply(text: str, language: str = "en", client_name: str | None = None) -> list[Finding]:
    """All findings in ``text``, ordered by position then rule id.

    ``client_name``, when known, makes the name check exact (the name must appear);
    without it the opening line must greet someone by name. Serbian is checked in either
    script: a Cyrillic text is read in Latin and the findings point at its own
    characters; with ``sr-Cyrl`` the explanations are given in Cyrillic too.
    """
    base, cyrillic = split_tag(language)
    rules = rules_for(language)
    if base != "sr":
        return _lint(rules, text, client_name)
    latin, offsets = to_latin_with_offsets(text)
    name = to_latin(client_name) if client_name else None
    findings = [
        replace(
            f,
            start=offsets[f.start],
            end=span_end(offsets, f.end),
            excerpt=text[offsets[f.start] : span_end(offsets, f.end)],
            why=to_cyrillic(f.why) if cyrillic else f.why,
            better=to_cyrillic(f.better) if cyrillic else f.better,
        )
        for f in _lint(rules, latin, name)
    ]
    return sorted(set(findings), key=lambda f: (f.start, f.end, f.rule))


def broken_rules(
    text: str, language: str, client_name: str | None, rule_ids: frozenset[str]
) -> frozenset[str]:
    """Which of ``rule_ids`` the text breaks (only those rules run; no spans mapped).

    For callers that need a yes/no per rule, such as the reply's technique checkers: a
    fraction of the work of ``lint_reply`` (Serbian read in Latin, either script).
    """
    rules = tuple(r for r in rules_for(language) if r.id in rule_ids)
    if split_tag(language)[0] == "sr":
        text = to_latin(text)
        client_name = to_latin(client_name) if client_name else None
    return frozenset(
        rule.id for rule in rules if next(iter(CHECKS[rule.check](rule, text, client_name)), None)
    )


def _lint(rules: tuple[LintRule, ...], text: str, client_name: str | None) -> list[Finding]:
    findings = [
        finding for rule in rules for finding in CHECKS[rule.check](rule, text, client_name)
    ]
    return sorted(set(findings), key=lambda f: (f.start, f.end, f.rule))


__all__ = [
    "Finding",
    "LintRule",
    "UnsupportedLanguageError",
    "broken_rules",
    "lint_reply",
    "supported_languages",
]
