"""Real decisions for every verdict on the three example contracts, for reply tests.

Each scenario runs the actual engine: a ledger of events is folded, the request is
judged by `evaluate`, and earlier requests are recorded with `decision_events`, exactly
as the CLI and the API do. Nothing here fakes a decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from roundwise.engine.decide import Decision, RevisionRequest, decision_events, evaluate
from roundwise.engine.ledger import (
    ApprovedExplicitly,
    ContractSigned,
    ContractState,
    Event,
    VersionSubmitted,
    fold,
)
from roundwise.engine.terms import ContractTerms, parse_spec, terms_sha256

EXAMPLES = Path(__file__).resolve().parents[2] / "contracts" / "examples"
CONTRACTS = ("bakery-web-copy", "fox-logo", "manual-translation")
VERDICTS = (
    "included",
    "free_fix",
    "needs_clarification",
    "too_large",
    "extra_round",
    "after_approval",
    "out_of_scope",
)
START = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
DRAFT = " ".join(f"word{i}" for i in range(200))


@dataclass(frozen=True)
class Scenario:
    """A judged request with everything a reply needs."""

    contract: ContractTerms
    state: ContractState
    decision: Decision


@dataclass(frozen=True)
class Asks:
    """The messages of one project: which deliverable, and one message per kind of ask."""

    deliverable: str
    in_scope: str
    free_fix: str
    vague: str
    out_of_scope: str
    mixed: str
    angry: str
    many_items: tuple[str, ...] = ()


ASKS = {
    "bakery-web-copy": Asks(
        deliverable="home",
        in_scope="Hi Ana, thanks for the draft! Could you make the opening paragraph a bit "
        "shorter and mention our new rye sourdough in the second section?",
        free_fix="You wrote that my grandfather opened the bakery in 1972 but the brief "
        "clearly says 1962. Please correct it.",
        vague="I don't know, it just doesn't feel right. Can you make it better?",
        out_of_scope="Looks good. While you're at it, could you also write five Instagram "
        "posts for the launch week?",
        mixed='Please swap "family tradition" for "three generations" in the headline, and '
        "could you also translate the whole page into German for our Austrian customers?",
        angry="THIS IS NOT WHAT I ASKED FOR!!! The opening is completely wrong, rewrite it, "
        "I expected much more for this money!!",
    ),
    "fox-logo": Asks(
        deliverable="final",
        in_scope="Eleni here. Can we try the fox in a slightly warmer orange and make the "
        "lettering a bit bolder?",
        free_fix="The mono SVG you sent is missing the tail of the fox — looks like a broken "
        "export.",
        vague="Honestly none of these work for me. I can't explain it, something is off.",
        out_of_scope="Love it. Could you design our business cards and a coffee cup sleeve "
        "with it too?",
        mixed="Can we try the fox in a slightly warmer orange? Also, could you design our "
        "business cards with it too?",
        angry="This is NOT what we agreed!!! The fox looks like a dog. Make the snout "
        "pointier, I can't believe I have to say this.",
        many_items=(
            "Make the fox a warmer orange",
            "Make the lettering bolder",
            "Make the outline thinner",
            "Make the tail longer",
            "Move the wordmark closer to the fox",
            "Make the ears slightly smaller",
        ),
    ),
    "manual-translation": Asks(
        deliverable="manual",
        in_scope='Our Ljubljana office would prefer "vi" form instead of "ti" form in the '
        "safety section, and a more formal tone overall.",
        free_fix='On page 4 "impeller" is translated as "propeler" but our glossary says '
        '"rotor". Please fix it everywhere.',
        vague="I don't know, the translation doesn't feel right to us. Can you improve it?",
        out_of_scope="We added a new chapter on maintenance (6 pages), please include it in "
        "the translation.",
        mixed='Please use "vi" instead of "ti" in the safety section, and could you also do '
        "the desktop publishing and layout for the print version?",
        angry="Are you kidding me?? Our distributor says this translation is unusable. "
        "Unacceptable. Fix it NOW or we won't pay.",
    ),
}


def contract(name: str) -> ContractTerms:
    """One of the shipped example contracts."""
    return parse_spec((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))


def _opening(terms: ContractTerms) -> list[Event]:
    events: list[Event] = [
        ContractSigned(at=START, contract_id=terms.id, terms_sha256=terms_sha256(terms))
    ]
    events += [
        VersionSubmitted(at=START + timedelta(hours=1), deliverable=d.id, version=1, text=DRAFT)
        for d in terms.deliverables
    ]
    return events


def _judge(
    terms: ContractTerms, events: Sequence[Event], request: RevisionRequest, hours: int
) -> Scenario:
    now = START + timedelta(hours=hours)
    state = fold(events, now, terms)
    return Scenario(terms, state, evaluate(terms, state, request, now))


def _request(asks: Asks, message: str, **extra: object) -> RevisionRequest:
    return RevisionRequest.model_validate(
        {"deliverable": asks.deliverable, "message": message, **extra}
    )


def _rounds_used_up(terms: ContractTerms, asks: Asks) -> Scenario:
    events = _opening(terms)
    for hour in range(2, 10):
        scenario = _judge(terms, events, _request(asks, asks.in_scope), hour)
        if scenario.decision.verdict != "included":
            return scenario
        events += decision_events(_request(asks, asks.in_scope), scenario.decision)
    raise AssertionError("the included rounds never ran out")


def _too_large(terms: ContractTerms, asks: Asks) -> Scenario:
    if asks.many_items:
        request = _request(asks, "A few changes, please.", items=asks.many_items)
        return _judge(terms, _opening(terms), request, 2)
    revised = " ".join(f"new{i}" if i % 2 == 0 else f"word{i}" for i in range(200))
    request = _request(asks, asks.in_scope, revised_text=revised)
    return _judge(terms, _opening(terms), request, 2)


def _after_approval(terms: ContractTerms, asks: Asks) -> Scenario:
    approved = ApprovedExplicitly(at=START + timedelta(hours=3), deliverable=asks.deliverable)
    events = [*_opening(terms), approved]
    return _judge(terms, events, _request(asks, asks.in_scope), 30)


@cache
def scenario(name: str, verdict: str) -> Scenario:
    """A real decision with ``verdict`` on the named example contract."""
    terms, asks = contract(name), ASKS[name]
    simple = {
        "included": asks.in_scope,
        "free_fix": asks.free_fix,
        "needs_clarification": asks.vague,
        "out_of_scope": asks.out_of_scope,
        "mixed": asks.mixed,
        "angry": asks.angry,
    }
    if verdict in simple:
        return _judge(terms, _opening(terms), _request(asks, simple[verdict]), 2)
    if verdict == "too_large":
        return _too_large(terms, asks)
    if verdict == "extra_round":
        return _rounds_used_up(terms, asks)
    return _after_approval(terms, asks)
