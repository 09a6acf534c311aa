"""The reply linter: the rules every Roundwise reply keeps, applied to a freelancer's draft.

Rule: each finding names the technique it protects (see ``engine.replies`` catalogue),
the character span, why the wording hurts and a better phrasing — an explanation, not
just a flag. Patterns are per-language data in ``patterns/<language>.yaml``.
"""

from __future__ import annotations

from engine.errors import UnsupportedLanguageError
from engine.lint.checks import CHECKS, Finding
from engine.lint.patterns import LintRule, rules_for, supported_languages


def lint_reply(text: str, language: str = "en", client_name: str | None = None) -> list[Finding]:
    """All findings in ``text``, ordered by position then rule id.

    ``client_name``, when known, makes the name check exact (the name must appear);
    without it the opening line must greet someone by name.
    """
    findings = [
        finding
        for rule in rules_for(language)
        for finding in CHECKS[rule.check](rule, text, client_name)
    ]
    return sorted(set(findings), key=lambda f: (f.start, f.end, f.rule))


__all__ = ["Finding", "LintRule", "UnsupportedLanguageError", "lint_reply", "supported_languages"]
