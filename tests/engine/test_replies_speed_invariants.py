"""The shortcuts on the reply path give exactly what the long way gives.

Composing a reply memoises Babel's money text, cites clauses by heading without writing
their text, lints a quoted fragment only until the first finding, skips lint work on
texts no pattern matches, and reuses the plain rendering as the Markdown one when
escaping changes nothing. Each shortcut is checked here against the computation it
replaces; the golden and replay tests check the replies themselves.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, localcontext
from importlib import resources
from pathlib import Path

import pytest
import regex
import yaml
from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from roundwise.engine.lint import lint_reply
from roundwise.engine.lint.checks import CHECKS, Finding, check_capitals, check_phrase, finds_any
from roundwise.engine.lint.patterns import LintRule, rules_for
from roundwise.engine.replies import ReplySettings, compose_reply, reply_facts_of
from roundwise.engine.replies.compose import _FREE_TEXT, _body, _escaped, _has_markup, _values
from roundwise.engine.replies.phrasebook import phrasebook, reply_languages
from roundwise.engine.terms import ClauseKey, clause, money
from roundwise.engine.terms.clauses import clause_heading
from tests.engine.corpus_text import strings
from tests.golden.scenarios import CONTRACTS, VERDICTS, contract, scenario

DATA = Path(__file__).resolve().parents[1] / "data"
STRUCTURAL = frozenset({"missing-thanks", "missing-name"})


def _corpus() -> list[str]:
    """Every text in the lint corpora and the labelled requests, plus louder variants."""
    names = ("lint_bad.yaml", "lint_good.yaml", "lint_holdout.yaml", "requests_labelled.yaml")
    texts = [t for name in names for t in strings(yaml.safe_load((DATA / name).read_text()))]
    fragments = [part for t in texts for part in t.split(".") if part.strip()]
    return [*texts, *fragments, *(t.upper() for t in texts), *(f"{t}!! NO. NOW" for t in texts)]


CORPUS = _corpus()


@pytest.mark.parametrize("name", CONTRACTS)
@pytest.mark.parametrize(
    "amount",
    [Decimal("10"), Decimal("10.0"), Decimal("1E+1"), Decimal("0.015"), Decimal("1234567.891")],
)
def test_money_is_babels_text_for_every_representation(name: str, amount: Decimal) -> None:
    terms = contract(name)
    expected = format_currency(amount, terms.currency, locale=terms.effective_locale)
    assert money(terms, amount) == expected
    assert money(terms, amount) == expected  # a remembered answer is the same answer


def test_money_rounds_in_the_callers_decimal_context() -> None:
    terms = contract("bakery-web-copy")
    amount = Decimal("0.015")
    texts = {}
    for rounding in (ROUND_HALF_EVEN, ROUND_DOWN, ROUND_HALF_EVEN):
        with localcontext() as context:
            context.rounding = rounding
            expected = format_currency(amount, terms.currency, locale=terms.effective_locale)
            assert money(terms, amount) == expected
            texts[rounding] = expected
    assert texts[ROUND_HALF_EVEN] != texts[ROUND_DOWN]


@pytest.mark.parametrize("name", CONTRACTS)
def test_a_clause_heading_is_the_clauses_number_and_title(name: str) -> None:
    terms = contract(name)
    for key in ClauseKey:
        found = clause(terms, key)
        assert clause_heading(key) == (found.number, found.title)


def test_finds_any_agrees_with_lint_reply() -> None:
    for text in CORPUS:
        for skip in (frozenset(), STRUCTURAL):
            expected = any(f.rule not in skip for f in lint_reply(text))
            assert finds_any(text, skip=skip) is expected, text


def _phrase_long_way(rule: LintRule, text: str) -> list[Finding]:
    return [
        Finding(rule.id, rule.technique, m.start(), m.end(), m.group(), rule.why, rule.better)
        for pattern in rule.patterns
        for m in pattern.finditer(text)
    ]


def _capitals_long_way(rule: LintRule, text: str) -> list[Finding]:
    runs: list[list[regex.Match[str]]] = [[]]
    for m in regex.finditer(r"[\p{L}\p{M}]+", text):
        word = m.group()
        if len(word) >= 2 and word.isupper() and word not in rule.allow:
            runs[-1].append(m)
        elif runs[-1]:
            runs.append([])
    found = []
    for run in (r for r in runs if r):
        word = run[0].group()
        if len(run) >= 2 or len(word) >= rule.min_single or word in rule.shout_words:
            start, end = run[0].start(), run[-1].end()
            excerpt = text[start:end]
            found.append(
                Finding(rule.id, rule.technique, start, end, excerpt, rule.why, rule.better)
            )
    return found


def test_phrase_and_capital_checks_find_what_a_full_scan_finds() -> None:
    rules = rules_for("en")
    phrases = [r for r in rules if r.check == "phrase"]
    capitals = [r for r in rules if r.check == "capitals"]
    assert phrases
    assert capitals
    for text in CORPUS:
        for rule in phrases:
            assert list(check_phrase(rule, text, None)) == _phrase_long_way(rule, text)
        for rule in capitals:
            assert list(check_capitals(rule, text, None)) == _capitals_long_way(rule, text)


def test_every_check_kind_is_exercised_by_the_corpus() -> None:
    fired = {f.rule for text in CORPUS for f in lint_reply(text)}
    kinds = {r.check for r in rules_for("en") if r.id in fired}
    assert kinds == set(CHECKS)


free_text = st.text(alphabet=st.sampled_from("ab \\`*_[]<>#|é\n"), max_size=12)


@given(
    st.dictionaries(
        st.sampled_from(sorted(_FREE_TEXT | {"clause", "hourly_rate", "minimum"})), free_text
    )
)
def test_markup_is_found_exactly_when_escaping_changes_a_value(values: dict[str, str]) -> None:
    assert _has_markup(values) == (_escaped(values) != values)


@pytest.mark.parametrize("name", CONTRACTS)
@pytest.mark.parametrize("verdict", [*VERDICTS, "mixed"])
@pytest.mark.parametrize(
    "settings",
    [
        ReplySettings(),
        ReplySettings(sign_off="Best_wishes *", sign_off_name="A. <Writer> #1", referral="[Mia]"),
    ],
    ids=["plain", "markup"],
)
def test_the_markdown_form_is_the_escaped_rendering(
    name: str, verdict: str, settings: ReplySettings
) -> None:
    found = scenario(name, verdict)
    reply = compose_reply(found.decision, found.contract, None, "en", settings, state=found.state)
    facts = reply_facts_of(found.decision, found.contract, None, found.state)
    book = phrasebook("en")
    values = _values(book, found.contract, facts, settings)
    assert values.has_markup() is (settings.sign_off_name is not None)
    long_way = _body(book, facts, settings, values.escaped()).written(markdown=True)
    assert reply.markdown == long_way


def test_a_warm_reply_path_reads_no_package_files(monkeypatch: pytest.MonkeyPatch) -> None:
    found = scenario("bakery-web-copy", "mixed")
    first = compose_reply(found.decision, found.contract, None, "en", state=found.state)
    reply_languages()

    def no_files(*_: object) -> None:
        raise AssertionError("package files read on a warm reply path")

    monkeypatch.setattr(resources, "files", no_files)
    assert "en" in reply_languages()
    again = compose_reply(found.decision, found.contract, None, "en", state=found.state)
    assert again == first
