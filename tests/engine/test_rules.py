"""Each rule on its own: hand-made facts in, fired or not, with clause, figure and limit."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from roundwise.engine.ledger import Approval, DeliverableState
from roundwise.engine.rules import (
    Change,
    Facts,
    check_after_approval,
    check_extra_round,
    check_free_fix,
    check_included,
    check_out_of_scope,
    check_too_large,
    check_vague,
)
from roundwise.engine.terms import ContractTerms, load_spec
from roundwise.engine.understand import ChangeItem
from tests.engine.ledger_support import at, example

BAKERY = example("bakery-web-copy")
FOX = example("fox-logo")


def item(scope: str, text: str = "a change") -> ChangeItem:
    return ChangeItem(text=text, scope=scope, reasons=())  # type: ignore[arg-type]


def facts(
    *scopes: str,
    terms: ContractTerms = BAKERY,
    deliverable: str = "home",
    used: int = 0,
    approval: Approval | None = None,
    completed_at: datetime | None = None,
    received: datetime | None = None,
    change: Change | None = None,
) -> Facts:
    policy = terms.policy_for(deliverable)
    state = DeliverableState(
        id=deliverable, rounds_included=policy.rounds_included, rounds_used=used, approval=approval
    )
    found = terms.deliverable(deliverable)
    assert found is not None
    return Facts(
        terms=terms,
        deliverable=found,
        policy=policy,
        state=state,
        completed_at=completed_at,
        received_at=received or at(15),
        items=tuple(item(s) for s in scopes),
        change=change,
        revised_text_given=change is not None,
    )


APPROVED = Approval(kind="explicit", at=at(14), version=1)


def test_after_approval_fires_for_in_scope_items_received_after_approval() -> None:
    result = check_after_approval(facts("in_scope", "out_of_scope", approval=APPROVED))
    assert (result.fired, result.verdict, result.items) == (True, "after_approval", (0,))
    assert result.clause.citation == "clause 6.4 (Review window and approval)"


def test_after_approval_compares_the_time_sent_not_the_time_judged() -> None:
    result = check_after_approval(facts("in_scope", approval=APPROVED, received=at(13)))
    assert not result.fired


def test_after_approval_cites_the_last_round_clause_when_that_approved_it() -> None:
    last = Approval(kind="after_last_round", at=at(14), version=2)
    result = check_after_approval(facts("in_scope", approval=last))
    assert result.fired
    assert result.clause.number == "6.5"


def test_after_approval_fires_once_the_contract_is_completed() -> None:
    result = check_after_approval(facts("in_scope", completed_at=at(14)))
    assert result.fired
    assert "completed on 2026-03-14" in result.explanation


def test_out_of_scope_counts_the_items_and_cites_the_exclusions() -> None:
    result = check_out_of_scope(facts("in_scope", "out_of_scope", "out_of_scope"))
    assert (result.fired, result.items, result.measured) == (True, (1, 2), Decimal(2))
    assert result.clause.number == "3"
    assert "clause 6.7" in result.explanation


def test_free_fix_fires_only_when_the_policy_fixes_own_errors_free() -> None:
    assert check_free_fix(facts("free_fix")).fired
    data = BAKERY.model_dump(mode="json")
    data["revision_policy"]["free_fixes"] = False
    strict = load_spec(data)
    unpaid = facts("free_fix", terms=strict)
    assert not check_free_fix(unpaid).fired
    assert unpaid.round_items == (0,)  # the correction then uses a round
    assert check_included(unpaid).fired


def test_vague_fires_for_vague_items_and_for_a_message_without_items() -> None:
    assert check_vague(facts("vague", "in_scope")).items == (0,)
    assert check_vague(facts()).fired
    assert not check_vague(facts("in_scope")).fired


def test_too_large_allows_exactly_the_limit_and_fires_just_above_it() -> None:
    at_limit = check_too_large(facts("in_scope", change=Change(changed_words=30, words_old=100)))
    above = check_too_large(facts("in_scope", change=Change(changed_words=31, words_old=100)))
    assert (at_limit.fired, at_limit.measured, at_limit.limit) == (
        False,
        Decimal("0.3"),
        Decimal("0.30"),
    )
    assert (above.fired, above.verdict) == (True, "too_large")
    assert above.clause.citation == "clause 6.2 (Size of a revision round)"


def test_too_large_is_exact_for_shares_that_do_not_divide_evenly() -> None:
    # 0.30 × 7 = 2.1 words: 2 changed words fit, 3 do not.
    assert not check_too_large(facts("in_scope", change=Change(2, 7))).fired
    assert check_too_large(facts("in_scope", change=Change(3, 7))).fired


def test_too_large_without_a_revised_text_measures_nothing() -> None:
    result = check_too_large(facts("in_scope"))
    assert (result.fired, result.measured) == (False, None)
    assert "No revised text was supplied" in result.explanation


def test_visual_work_counts_change_items_against_the_item_limit() -> None:
    five = check_too_large(facts(*["in_scope"] * 5, terms=FOX, deliverable="final"))
    six = check_too_large(facts(*["in_scope"] * 6, "out_of_scope", terms=FOX, deliverable="final"))
    assert (five.fired, five.measured, five.limit) == (False, Decimal(5), Decimal(5))
    assert (six.fired, six.measured, six.items) == (True, Decimal(6), (0, 1, 2, 3, 4, 5))


def test_extra_round_fires_when_no_included_round_is_left() -> None:
    result = check_extra_round(facts("in_scope", used=1))
    assert (result.fired, result.measured, result.limit) == (True, Decimal(1), Decimal(1))
    assert "clause 6.6 (Extra rounds)" in result.explanation
    assert not check_extra_round(facts("in_scope")).fired


def test_included_consumes_the_next_round_and_says_how_many_are_left() -> None:
    result = check_included(facts("in_scope", terms=FOX, deliverable="final"))
    assert (result.fired, result.measured, result.limit) == (True, Decimal(1), Decimal(2))
    assert "revision round 1 of 2" in result.explanation
    assert "1 left after it" in result.explanation


SCOPES = st.sampled_from(["in_scope", "out_of_scope", "free_fix", "vague"])


@given(
    scopes=st.lists(SCOPES, max_size=8),
    used=st.integers(0, 2),
    approved=st.booleans(),
    changed=st.none() | st.integers(0, 150),
    visual=st.booleans(),
)
def test_every_in_scope_item_gets_exactly_one_round_verdict(
    scopes: list[str], used: int, approved: bool, changed: int | None, visual: bool
) -> None:
    terms, deliverable = (FOX, "final") if visual else (BAKERY, "home")
    base = facts(*scopes, terms=terms, deliverable=deliverable)
    state = replace(base.state, rounds_used=min(used, base.state.rounds_included))
    case = replace(
        base,
        state=replace(state, approval=APPROVED if approved else None),
        change=None if changed is None else Change(changed_words=changed, words_old=100),
    )
    round_rules = [check_after_approval, check_too_large, check_extra_round, check_included]
    first: dict[int, str] = {}
    for rule in round_rules:
        result = rule(case)
        for index in result.items:
            first.setdefault(index, result.name)
    assert set(first) == set(case.round_items)
    included = check_included(case)
    assert not (included.fired and (approved or state.rounds_left == 0))
