"""A reply to a decision that needs review says it is a draft to check."""

from __future__ import annotations

from pathlib import Path

from roundwise.engine.decide import RevisionRequest, evaluate
from roundwise.engine.ledger import fold, load_events
from roundwise.engine.replies import compose_reply, reply_document
from roundwise.engine.terms import parse_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "contracts" / "examples"
TERMS = parse_spec((EXAMPLES / "bakery-web-copy.yaml").read_text(encoding="utf-8"), "yaml")
EVENTS = load_events((EXAMPLES / "bakery-web-copy.ledger.jsonl").read_text(encoding="utf-8"))
NOW = EVENTS[2].at
STATE = fold(EVENTS[:3], NOW, TERMS)


def _decided(message: str):  # type: ignore[no-untyped-def]
    request = RevisionRequest(deliverable="home", message=message)
    return evaluate(TERMS, STATE, request, NOW)


def test_an_unsure_reading_makes_the_reply_a_draft_to_check() -> None:
    decision = _decided("Заказчик: переделайте всё, мне не нравится.")  # Russian: never answered
    assert decision.needs_review
    assert compose_reply(decision, TERMS, state=STATE).needs_review
    assert reply_document(decision, TERMS, STATE)["needs_review"] is True


def test_a_sure_reading_gives_a_reply_to_send() -> None:
    decision = _decided("Could you make the opening paragraph a bit shorter?")
    assert decision.needs_review is False
    assert compose_reply(decision, TERMS, state=STATE).needs_review is False
    assert reply_document(decision, TERMS, STATE)["needs_review"] is False
