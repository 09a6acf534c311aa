"""``engine.lint.broken_rules`` says yes or no per rule, exactly as ``lint_reply`` would."""

from __future__ import annotations

import pytest

from roundwise.engine.lint import broken_rules, lint_reply
from roundwise.engine.lint.patterns import rules_for
from roundwise.engine.lint.script import to_cyrillic

DRAFTS = {
    "en": "Dear client,\nI promise it is fine. As I already said, no. You are wrong!!!",
    "en-clean": "Hi Marko,\nThank you! I'll send the revised page today.",
    "sr": "Poštovani,\nGrešite. Obećavam ti da je sve u redu.",
    "sr-Cyrl": to_cyrillic("Poštovani,\nGrešite. Obećavam ti da je sve u redu."),
    "el": "Όχι.",
}


@pytest.mark.parametrize("case", sorted(DRAFTS))
def test_broken_rules_agrees_with_the_linter(case: str) -> None:
    language = case.removesuffix("-clean")
    text = DRAFTS[case]
    every = frozenset(r.id for r in rules_for(language))
    expected = {f.rule for f in lint_reply(text, language, client_name="Marko Horvat")}
    assert broken_rules(text, language, "Marko Horvat", every) == expected
    some = frozenset({"missing-name", "risky-promise"})
    assert broken_rules(text, language, "Marko Horvat", some) == expected & some
    assert case != "en" or {"missing-name", "risky-promise"} <= expected
