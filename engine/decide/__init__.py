"""Judging a revision request: `evaluate(contract, state, request, now) -> Decision`.

Public surface: the request and decision values, `evaluate`, `decision_events` (the
ledger events to append for a judged request, so the API and the CLI append the same
things), the adapter from contract terms to the understanding context, and `replay`.
"""

from roundwise.engine.decide.context import request_context
from roundwise.engine.decide.decision import (
    BILLABLE_VERDICTS,
    VERDICT_PRECEDENCE,
    Decision,
    ItemDecision,
    decision_json,
    overall_verdict,
)
from roundwise.engine.decide.evaluate import evaluate, understand
from roundwise.engine.decide.events import decision_events
from roundwise.engine.decide.replay import Difference, ReplayedDecision, ReplayReport, replay
from roundwise.engine.decide.request import RevisionRequest
from roundwise.engine.rules.result import ClauseRef, RuleResult

__all__ = [
    "BILLABLE_VERDICTS",
    "VERDICT_PRECEDENCE",
    "ClauseRef",
    "Decision",
    "Difference",
    "ItemDecision",
    "ReplayReport",
    "ReplayedDecision",
    "RevisionRequest",
    "RuleResult",
    "decision_events",
    "decision_json",
    "evaluate",
    "overall_verdict",
    "replay",
    "request_context",
    "understand",
]
