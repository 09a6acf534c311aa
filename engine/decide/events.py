"""The ledger events a judged request adds: what was asked, then what was decided.

Rule: the API and the CLI append exactly these two events for a judged request, so a
ledger written by either replays the same way. Both are recorded at the decision time.
"""

from __future__ import annotations

from roundwise.engine.decide.decision import Decision
from roundwise.engine.decide.request import RevisionRequest
from roundwise.engine.ledger import DecisionMade, ItemVerdict, RevisionRequested


def decision_events(
    request: RevisionRequest, decision: Decision
) -> tuple[RevisionRequested, DecisionMade]:
    """The `RevisionRequested` and `DecisionMade` events for a request and its decision."""
    requested = RevisionRequested(
        at=decision.decided_at,
        request_id=decision.request_id,
        deliverable=decision.deliverable,
        message=request.message,
        received_at=decision.received_at,
        revised_text=request.revised_text,
        items=request.items,
        channel=request.channel,
        external_id=request.external_id,
    )
    return requested, decision_made(decision)


def decision_made(decision: Decision) -> DecisionMade:
    """The ledger's summary of a decision (what folding, reports and replay need)."""
    return DecisionMade(
        at=decision.decided_at,
        request_id=decision.request_id,
        deliverable=decision.deliverable,
        verdict=decision.verdict,
        scope=decision.scope,
        items=tuple(
            ItemVerdict(text=i.text, scope=i.scope, verdict=i.verdict) for i in decision.items
        ),
        consumed_round=decision.consumes_round,
        rounds_left=decision.rounds_left,
        changed_share=decision.changed_share,
        quote=decision.quote,
        terms_sha256=decision.terms_sha256,
        engine_version=decision.engine_version,
        needs_review=decision.needs_review,
    )


def request_of(event: RevisionRequested) -> RevisionRequest:
    """The request a `RevisionRequested` event recorded (for replay)."""
    return RevisionRequest(
        deliverable=event.deliverable,
        message=event.message,
        revised_text=event.revised_text,
        items=event.items,
        received_at=event.received_at,
        request_id=event.request_id,
        channel=event.channel,
        external_id=event.external_id,
    )
