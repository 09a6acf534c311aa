"""Decisions: one table row per verdict and per boundary, with figures and clauses."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roundwise.engine import ENGINE_VERSION
from roundwise.engine.decide import decision_events, decision_json, evaluate
from roundwise.engine.decide.request import RevisionRequest
from roundwise.engine.errors import RequestError
from roundwise.engine.ledger import ApprovedExplicitly, fold
from roundwise.engine.rules import RULES
from roundwise.engine.terms import load_spec, terms_sha256
from tests.engine.decide_support import (
    FREE_FIX,
    IN_SCOPE,
    MIXED,
    OUT_OF_SCOPE,
    VAGUE,
    judge,
    replaced,
)
from tests.engine.ledger_support import (
    LJUBLJANA,
    at,
    decided,
    example,
    requested,
    signed,
    version,
)

BAKERY = example("bakery-web-copy")
DRAFTS = [signed(BAKERY, at(2)), version("home", 1, at(13)), version("about", 1, at(13))]
NOW = at(15)


def test_an_in_scope_request_with_a_round_left_is_included_and_uses_the_round() -> None:
    decision = judge(BAKERY, DRAFTS, IN_SCOPE, NOW)
    assert (decision.verdict, decision.scope, decision.consumes_round) == (
        "included",
        "in_scope",
        True,
    )
    assert (decision.rounds_used, decision.rounds_left, decision.quote) == (0, 0, None)
    assert "clause 6.1 (Revision rounds included)" in decision.explanation


def test_the_freelancers_own_error_is_a_free_fix_that_uses_no_round() -> None:
    decision = judge(BAKERY, DRAFTS, FREE_FIX, NOW, deliverable="about")
    assert (decision.verdict, decision.consumes_round, decision.rounds_left) == (
        "free_fix",
        False,
        1,
    )
    assert decision.quote is None
    assert "clause 6.3" in decision.explanation


def test_a_request_for_excluded_work_is_out_of_scope_with_a_change_order_estimate() -> None:
    decision = judge(BAKERY, DRAFTS, OUT_OF_SCOPE, NOW)
    assert decision.verdict == "out_of_scope"
    assert not decision.consumes_round
    asks = [i for i in decision.items if i.verdict == "out_of_scope"]
    assert decision.quote is not None
    assert [p.kind for p in decision.quote.parts] == ["out_of_scope"] * len(asks)
    # "five Instagram posts": priced from its size, 5 pieces × 1 h minimum × €45, not one
    # minimum hour for the whole ask; the change order made from it starts from this price.
    assert len(asks) == 1
    assert decision.quote.total.amount == Decimal(45) * 5
    assert "5 × instagram posts × 1 h (minimum per piece)" in decision.quote.computation
    assert "clause 3 (What is not included)" in decision.explanation


def test_a_vague_request_needs_clarification_and_uses_no_round() -> None:
    decision = judge(BAKERY, DRAFTS, VAGUE, NOW)
    assert (decision.verdict, decision.consumes_round, decision.quote) == (
        "needs_clarification",
        False,
        None,
    )


def test_a_mixed_request_names_both_parts_and_prices_only_the_new_work() -> None:
    decision = judge(BAKERY, DRAFTS, MIXED, NOW)
    assert decision.scope == "mixed"
    assert decision.verdicts == ("out_of_scope", "included")
    assert [i.verdict for i in decision.items] == ["included", "out_of_scope"]
    assert decision.consumes_round
    assert decision.explanation.startswith(
        "Mixed request: 1 item out of scope (change order); 1 item included in a revision round."
    )
    assert decision.quote is not None
    assert decision.quote.total.amount == Decimal(45)


def test_with_no_round_left_an_in_scope_request_is_a_paid_extra_round() -> None:
    events = [*DRAFTS, requested("r1", "home", at(14)), decided("r1", "home", at(14), BAKERY)]
    decision = judge(BAKERY, events, IN_SCOPE, NOW)
    assert (decision.verdict, decision.rounds_left, decision.consumes_round) == (
        "extra_round",
        0,
        False,
    )
    assert decision.quote is not None
    assert decision.quote.total.amount == Decimal(90)
    assert "1 × €90.00 per extra round = €90.00" in decision.quote.computation


def test_a_change_over_the_share_limit_is_too_large_and_priced_by_the_rounds_it_needs() -> None:
    decision = judge(BAKERY, DRAFTS, IN_SCOPE, NOW, revised_text=replaced(100, 31))
    assert decision.verdict == "too_large"
    assert decision.changed_share == Decimal("0.31")
    assert not decision.consumes_round
    assert decision.quote is not None
    assert decision.quote.total.amount == Decimal(180)
    assert (
        "The edits touch 31% of the text (31 of 100 words); clause 6.2 (Size of a revision "
        "round) allows 30% per round"
    ) in decision.explanation


def test_a_change_of_exactly_the_share_limit_is_still_included() -> None:
    decision = judge(BAKERY, DRAFTS, IN_SCOPE, NOW, revised_text=replaced(100, 30))
    assert decision.changed_share == Decimal("0.3")
    assert decision.verdict == "included"
    too_large = next(r for r in decision.rules if r.name == "too_large")
    assert (too_large.fired, too_large.measured, too_large.limit) == (
        False,
        Decimal("0.3"),
        Decimal("0.3"),
    )


def test_a_request_after_explicit_approval_is_new_work_priced_as_an_extra_round() -> None:
    events = [*DRAFTS, ApprovedExplicitly(at=at(14), deliverable="home")]
    decision = judge(BAKERY, events, IN_SCOPE, NOW)
    assert decision.verdict == "after_approval"
    assert not decision.consumes_round
    assert decision.quote is not None
    assert decision.quote.parts[0].kind == "after_approval"
    assert "approved by the client on 2026-03-14" in decision.explanation


def test_a_request_sent_before_deemed_approval_but_judged_after_it_is_not_after_approval() -> None:
    sent = datetime(2026, 3, 20, 23, 59, tzinfo=LJUBLJANA)
    decision = judge(BAKERY, DRAFTS, IN_SCOPE, at(23), received=sent)
    assert decision.verdict == "included"


def test_a_request_sent_at_the_end_of_the_review_window_comes_after_deemed_approval() -> None:
    midnight = datetime(2026, 3, 21, 0, 0, tzinfo=LJUBLJANA)
    decision = judge(BAKERY, DRAFTS, IN_SCOPE, at(23), received=midnight)
    assert decision.verdict == "after_approval"
    assert "deemed approved" in decision.explanation
    assert "clause 6.4 (Review window and approval)" in decision.explanation


def test_own_errors_stay_free_even_after_approval() -> None:
    events = [*DRAFTS, ApprovedExplicitly(at=at(14), deliverable="about")]
    decision = judge(BAKERY, events, FREE_FIX, NOW, deliverable="about")
    assert decision.verdict == "free_fix"


def test_visual_work_is_limited_by_the_number_of_change_items() -> None:
    fox = example("fox-logo")
    events = [version("final", 1, at(1, month=5))]
    items = [f"Change element {n} to a warmer orange" for n in range(1, 7)]
    now = at(2, month=5)
    too_many = judge(fox, events, "Changes below.", now, "final", items=items)
    assert too_many.verdict == "too_large"
    assert too_many.quote is not None
    assert too_many.quote.total.amount == Decimal(800)  # 6 items at 5 per round: 2 × 400 PLN
    fits = judge(fox, events, "Changes below.", now, "final", items=items[:5])
    assert (fits.verdict, fits.rounds_left) == ("included", 1)


def test_per_word_pricing_multiplies_the_words_changed_and_applies_the_minimum() -> None:
    manual = example("manual-translation")
    text = " ".join(f"beseda{i}" for i in range(4000))
    revised = " ".join(f"nova{i}" if i < 2500 else f"beseda{i}" for i in range(4000))
    events = [
        version("manual", 1, at(22, month=5), text=text),
        requested("r1", "manual", at(23, month=5)),
        decided("r1", "manual", at(23, month=5), manual),
    ]
    msg = 'Please use the "vi" form instead of the "ti" form in the safety section.'
    big = judge(manual, events, msg, at(24, month=5), "manual", revised_text=revised)
    assert big.verdict == "too_large"
    assert big.quote is not None
    assert big.quote.total.amount == Decimal("75.00")  # 2500 words × 0.03
    small = " ".join(f"nova{i}" if i < 100 else f"beseda{i}" for i in range(4000))
    minimum = judge(manual, events, msg, at(24, month=5), "manual", revised_text=small)
    assert minimum.verdict == "extra_round"
    assert minimum.quote is not None
    assert minimum.quote.total.amount == Decimal(60)
    # sl_SI is the contract's locale: amounts read "60,00 €"
    assert "the minimum of 60,00\xa0€ applies" in minimum.quote.computation


def test_hourly_extra_rounds_are_priced_by_estimated_hours() -> None:
    data = BAKERY.model_dump(mode="json")
    data["revision_policy"]["extra_round"] = {
        "basis": "hourly",
        "rate": "45",
        "estimated_hours": "2.5",
    }
    terms = load_spec(data)
    events = [version("home", 1, at(13)), requested("r1", "home", at(14))]
    events.append(decided("r1", "home", at(14), terms))
    decision = judge(terms, events, IN_SCOPE, NOW)
    assert decision.quote is not None
    assert decision.quote.total.amount == Decimal("112.5")
    assert "2.5 h × €45.00 per hour" in decision.quote.computation


def test_an_unknown_deliverable_cannot_be_judged() -> None:
    with pytest.raises(RequestError, match="unknown deliverable 'blog'"):
        judge(BAKERY, DRAFTS, IN_SCOPE, NOW, deliverable="blog")


def test_a_request_from_the_future_cannot_be_judged() -> None:
    with pytest.raises(RequestError, match="later than the evaluation time"):
        judge(BAKERY, DRAFTS, IN_SCOPE, NOW, received=at(16))


def test_every_rule_runs_and_is_listed_in_order() -> None:
    decision = judge(BAKERY, DRAFTS, IN_SCOPE, NOW)
    names = [rule.name for rule in decision.rules]
    assert names == [rule.__name__.removeprefix("check_") for rule in RULES]
    assert all(rule.clause.citation.startswith("clause ") for rule in decision.rules)


def test_a_decision_is_byte_for_byte_deterministic_and_records_terms_and_engine() -> None:
    first = decision_json(judge(BAKERY, DRAFTS, MIXED, NOW))
    second = decision_json(judge(example("bakery-web-copy"), list(DRAFTS), MIXED, NOW))
    assert first == second
    decision = judge(BAKERY, DRAFTS, MIXED, NOW)
    assert decision.terms_sha256 == terms_sha256(BAKERY)
    assert decision.engine_version == ENGINE_VERSION


def test_the_json_output_has_the_fields_the_cli_promises() -> None:
    import json

    data = json.loads(decision_json(judge(BAKERY, DRAFTS, MIXED, NOW)))
    for field in ("verdict", "scope", "stage", "language", "items", "rounds_left", "quote"):
        assert field in data
    assert set(data["items"][0]) >= {"text", "scope", "verdict", "reasons"}
    assert data["quote"]["total"] == {"amount": "45", "currency": "EUR"}


def test_the_events_of_a_decision_fold_into_the_next_state() -> None:
    request = RevisionRequest(deliverable="home", message=IN_SCOPE, request_id="r7")
    decision = evaluate(BAKERY, fold(DRAFTS, NOW, BAKERY), request, NOW)
    asked, made = decision_events(request, decision)
    assert (asked.request_id, made.request_id, made.consumed_round) == ("r7", "r7", True)
    state = fold([*DRAFTS, asked, made], NOW, BAKERY)
    assert state.deliverable("home").rounds_left == 0
    assert [r.request_id for r in state.open_requests] == ["r7"]


@given(
    message=st.text(max_size=300),
    items=st.lists(st.text(min_size=1, max_size=80), max_size=4),
    revised=st.none() | st.text(max_size=300),
)
def test_any_message_is_judged_without_crashing_and_its_events_fold(
    message: str, items: list[str], revised: str | None
) -> None:
    request = RevisionRequest(
        deliverable="home", message=message, items=tuple(items), revised_text=revised
    )
    decision = evaluate(BAKERY, fold(DRAFTS, NOW, BAKERY), request, NOW)
    assert decision.verdict in decision.verdicts or not decision.items
    state = fold([*DRAFTS, *decision_events(request, decision)], NOW, BAKERY)
    assert state.deliverable("home").rounds_used == int(decision.consumes_round)


def test_a_revised_text_with_a_vague_message_is_judged_as_the_concrete_change() -> None:
    decision = judge(BAKERY, DRAFTS, VAGUE, NOW, revised_text=replaced(100, 12))
    assert (decision.verdict, decision.scope) == ("included", "in_scope")
    assert decision.items[0].text == "the supplied revised text (12 of 100 words changed)"
    too_big = judge(BAKERY, DRAFTS, VAGUE, NOW, revised_text=replaced(100, 50))
    assert too_big.verdict == "too_large"


def test_an_unchanged_revised_text_adds_nothing_to_judge() -> None:
    decision = judge(BAKERY, DRAFTS, VAGUE, NOW, revised_text=replaced(100, 0))
    assert decision.verdict == "needs_clarification"


def test_a_decision_round_trips_through_its_json() -> None:
    from roundwise.engine.decide import Decision

    decision = judge(BAKERY, DRAFTS, MIXED, NOW, revised_text=replaced(100, 10))
    again = Decision.model_validate_json(decision_json(decision))
    assert again == decision
    assert decision_json(again) == decision_json(decision)
