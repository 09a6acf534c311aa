"""Each intent reaches the part of the contract that answers it (issue 16.2), and every
decision says how sure the reading is (16.5)."""

from __future__ import annotations

import json

import pytest

from roundwise.engine.decide import decision_json
from tests.engine.decide_support import IN_SCOPE, judge
from tests.engine.ledger_support import at, example, signed, version

BAKERY = example("bakery-web-copy")
DRAFTS = [signed(BAKERY, at(2)), version("home", 1, at(13))]
NOW = at(15)


def test_an_approval_proposes_the_approval_event() -> None:
    decision = judge(BAKERY, DRAFTS, "Approved, thanks!", NOW)
    assert decision.intent == "approval"
    assert decision.assessed_scope == "none"
    assert decision.route is not None
    assert decision.route.proposed_event == "approved_explicitly"
    assert decision.route.confirm_first
    assert [c.number for c in decision.route.clauses] == ["6.4"]


@pytest.mark.parametrize(
    "message",
    ["I want a full refund, this copy is useless.", "We have decided to cancel the project."],
)
def test_a_refund_demand_or_a_cancellation_cites_payment_deposit_and_kill_fee(
    message: str,
) -> None:
    decision = judge(BAKERY, DRAFTS, message, NOW)
    assert decision.intent in {"payment_dispute", "cancellation"}
    assert decision.route is not None
    assert [c.number for c in decision.route.clauses] == ["5", "7"]
    assert "deposit" in decision.route.note
    assert "kill fee" in decision.route.note


def test_a_start_over_is_a_change_order() -> None:
    decision = judge(BAKERY, DRAFTS, "This is all wrong, start over from scratch.", NOW)
    assert decision.intent == "start_over"
    assert decision.route is not None
    assert decision.route.proposed_event == "change_order_issued"


def test_a_revision_request_has_no_route_and_the_json_carries_intent_and_review() -> None:
    decision = judge(BAKERY, DRAFTS, IN_SCOPE, NOW)
    data = json.loads(decision_json(decision))
    assert data["intent"] == "revision_request"
    assert isinstance(data["needs_review"], bool)
    assert data["route"] is None
    assert {"scope", "stage", "language", "verdict"} <= data.keys()


def test_a_russian_message_needs_review() -> None:
    decision = judge(BAKERY, DRAFTS, "Сделайте, пожалуйста, заголовок короче.", NOW)
    assert (decision.language, decision.needs_review) == ("ru", True)
