"""The reply linter: spans, explanations, techniques, languages and determinism."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roundwise.engine.lint import Finding, UnsupportedLanguageError, lint_reply, supported_languages
from roundwise.engine.lint.patterns import parse_patterns, rules_for
from roundwise.engine.replies.catalogue import techniques

GOOD = "Hi Marko,\n\nThank you for the notes. I'll make both changes in this round.\n\nAna"


def test_a_finding_points_at_the_exact_words_that_hurt() -> None:
    text = "Hi Marko,\nThanks. As I already said, the round is used; I can quote another."
    [finding] = lint_reply(text)
    assert finding.rule == "passive-aggressive"
    assert text[finding.start : finding.end] == "As I already said" == finding.excerpt


def test_every_finding_explains_why_and_offers_better_phrasing() -> None:
    for finding in lint_reply("no. YOU ARE WRONG!!! I promise."):
        assert len(finding.why) > 40
        assert len(finding.better) > 20


def test_every_rule_cites_a_technique_from_the_catalogue() -> None:
    catalogue = techniques()
    for language in supported_languages():
        assert all(rule.technique in catalogue for rule in rules_for(language))


def test_english_patterns_ship_with_the_package() -> None:
    assert "en" in supported_languages()


def test_a_language_without_patterns_is_refused_by_name() -> None:
    with pytest.raises(UnsupportedLanguageError, match="xx"):
        lint_reply(GOOD, language="xx")


def test_a_known_client_name_must_appear_somewhere_in_the_reply() -> None:
    text = "Hello,\nThanks, Marko, for the notes. I'll make both changes."
    assert [f.rule for f in lint_reply(text)] == ["missing-name"]
    assert lint_reply(text, client_name="Marko Horvat") == []
    assert [f.rule for f in lint_reply(GOOD, client_name="Eleni")] == ["missing-name"]


def test_honest_negations_of_promises_are_not_flagged() -> None:
    text = "Hi Eleni,\nThanks. I can't guarantee the printer's colours, but I can send a proof."
    assert lint_reply(text) == []


def test_ordinary_acronyms_and_no_problem_are_not_shouting_or_refusal() -> None:
    text = "Hi Eleni,\nThanks! No problem: the SVG, PNG and PDF files cost 400 PLN in total."
    assert lint_reply(text) == []


def test_a_missing_thanks_spans_the_whole_reply() -> None:
    text = "Hi Marko,\nThe file is attached."
    [finding] = lint_reply(text)
    assert (finding.rule, finding.start, finding.end) == ("missing-thanks", 0, len(text))


def test_findings_serialise_with_their_span() -> None:
    finding = Finding("bare-no", "T04", 3, 5, "No", "why", "better")
    assert finding.as_dict()["span"] == [3, 5]


def test_duplicate_rule_ids_in_pattern_data_are_rejected() -> None:
    rule = "- {id: a, technique: T01, check: phrase, why: w, better: b, patterns: ['x']}\n"
    with pytest.raises(ValueError, match="duplicate"):
        parse_patterns("rules:\n" + rule + rule)


def test_an_unknown_check_kind_in_pattern_data_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown check"):
        parse_patterns("rules:\n- {id: a, technique: T01, check: vibes, why: w, better: b}\n")


@given(st.text(max_size=300))
def test_linting_any_text_is_deterministic_and_spans_stay_inside_it(text: str) -> None:
    findings = lint_reply(text)
    assert findings == lint_reply(text)
    for finding in findings:
        assert 0 <= finding.start <= finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.excerpt


@given(st.sampled_from(["you are wrong", "I promise", "per my last email", "calm down"]))
def test_forbidden_phrases_are_found_wherever_they_sit_in_a_good_reply(phrase: str) -> None:
    text = GOOD.replace("I'll make", f"{phrase.capitalize()}. I'll make")
    assert any(f.excerpt.lower() == phrase.lower() for f in lint_reply(text))
