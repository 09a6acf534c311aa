"""Composition details: prices by basis, shares, dates, plurals and unknown languages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from roundwise.engine.decide import Decision
from roundwise.engine.replies import (
    CitedClause,
    GroupFacts,
    ReplyFacts,
    ReplySettings,
    UnsupportedReplyLanguageError,
    compose_facts,
    reply_facts_of,
)
from roundwise.engine.replies.placeholders import date_locale, share_text
from roundwise.engine.terms import ContractTerms, HourlyRoundPrice
from tests.golden.scenarios import contract, scenario

ROUNDS = CitedClause("6.1", "Revision rounds included")


def _facts(verdict: str, price: Decimal | None = None, **extra: object) -> ReplyFacts:
    group = GroupFacts(verdict, "home", ("Make the headline shorter",), ROUNDS, price)
    values: dict[str, object] = {
        "verdict": verdict,
        "stage": "calm",
        "deliverable_id": "home",
        "groups": (group,),
        "rounds_included": 1,
        "rounds_left": 0,
        "rounds_left_after": 0,
        **extra,
    }
    return ReplyFacts(**values)  # type: ignore[arg-type]


def _hourly(terms: ContractTerms) -> ContractTerms:
    policy = terms.revision_policy.model_copy(
        update={"extra_round": HourlyRoundPrice(rate=Decimal(50), estimated_hours=Decimal(2))}
    )
    return terms.model_copy(update={"revision_policy": policy})


def test_an_hourly_extra_round_states_the_rate_and_the_estimated_hours() -> None:
    terms = _hourly(contract("bakery-web-copy"))
    text = compose_facts(_facts("extra_round", Decimal(100)), terms).text
    assert "€100.00 (€50.00 per hour, estimated at 2 h per round)" in text


def test_a_flat_extra_round_is_just_its_price() -> None:
    text = compose_facts(_facts("extra_round", Decimal(90)), contract("bakery-web-copy")).text
    assert "An extra round for €90.00 (clause 6.6" in text


def test_several_rounds_are_shown_as_their_arithmetic() -> None:
    facts = _facts(
        "too_large", Decimal(270), measured_share=Decimal("0.8"), limit_share=Decimal("0.3")
    )
    text = compose_facts(facts, contract("bakery-web-copy")).text
    assert "€270.00 (3 extra rounds at €90.00 each)" in text


def test_plural_rounds_agree_with_their_count() -> None:
    one = compose_facts(_facts("extra_round"), contract("bakery-web-copy")).text
    two = compose_facts(_facts("extra_round", rounds_included=2), contract("fox-logo")).text
    assert "The revision round included for the home page copy has been used" in one
    assert "The two revision rounds included" in two


def test_a_share_close_to_the_limit_keeps_a_decimal_so_the_difference_shows() -> None:
    assert share_text(Decimal("0.304"), Decimal("0.30"), "en") == "30.4%"
    assert share_text(Decimal("0.30"), Decimal("0.304"), "en") == "30%"
    assert share_text(Decimal("0.4237"), Decimal("0.30"), "en") == "42%"


def test_dates_use_the_reply_language_with_the_contracts_territory() -> None:
    assert date_locale(contract("fox-logo"), "en") == "en_PL"
    assert date_locale(contract("bakery-web-copy"), "en") == "en_IE"


def test_a_reply_language_without_phrases_is_refused_by_name() -> None:
    with pytest.raises(UnsupportedReplyLanguageError, match="'de'"):
        compose_facts(_facts("included"), contract("bakery-web-copy"), "de")


def test_the_sign_off_name_defaults_to_the_freelancer() -> None:
    reply = compose_facts(_facts("included"), contract("fox-logo"), "en", ReplySettings())
    assert reply.text.endswith("Warm regards,\nJakub Wiśniewski\n")
    assert reply.markdown.endswith("Warm regards,  \nJakub Wiśniewski\n")


def test_markdown_escapes_the_clients_words_but_the_text_keeps_them() -> None:
    group = GroupFacts("included", "home", ("Make the *headline* shorter",), ROUNDS)
    facts = ReplyFacts("included", "calm", "home", (group,), 1, 1, 0)
    reply = compose_facts(facts, contract("bakery-web-copy"))
    assert "“Make the *headline* shorter”" in reply.text
    assert "“Make the \\*headline\\* shorter”" in reply.markdown


def _relabelled(decision: Decision, label: str) -> Decision:
    """The decision with every quote part given a misleading human label."""
    assert decision.quote is not None
    parts = tuple(p.model_copy(update={"label": label}) for p in decision.quote.parts)
    return decision.model_copy(update={"quote": decision.quote.model_copy(update={"parts": parts})})


@pytest.mark.parametrize(
    ("verdict", "misleading"),
    [("mixed", "extra round: wording"), ("extra_round", "change order: more posts")],
)
def test_each_part_of_a_reply_is_priced_by_the_verdict_its_quote_part_names_not_its_label(
    verdict: str, misleading: str
) -> None:
    judged = scenario("bakery-web-copy", verdict)
    decision = _relabelled(judged.decision, misleading)
    assert decision.quote is not None
    priced: dict[str, Decimal] = {p.kind: p.price.amount for p in decision.quote.parts}
    groups = reply_facts_of(decision, judged.contract).groups
    assert {g.verdict: g.price for g in groups} == {v: priced.get(v) for v in decision.verdicts}
    assert any(g.price is not None for g in groups)
