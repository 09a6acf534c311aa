"""The decision on a request: the overall verdict, one verdict per item, and every finding.

Rule: a decision is a value that lists every rule that ran — fired or not — with the
clause it cites, the measured value and the limit, so the verdict explains itself. It is
deterministic: the same contract, state, request and ``now`` give the same decision, and
`decision_json` serialises it byte for byte the same. It records the SHA-256 of the terms
and the engine version, so any past decision can be replayed and checked.

Overall verdict precedence (first present among the items' verdicts wins)::

    after_approval > extra_round > too_large > out_of_scope > included > free_fix
    > needs_clarification

Billable and blocking outcomes come first because the client must hear about a cost
before anything else; ``verdicts`` lists every distinct item verdict in that order, so a
mixed request (e.g. one included item and one out-of-scope item) names both parts.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from roundwise.engine.decide.intent_route import IntentRoute
from roundwise.engine.ledger.events import Instant, Quote, RequestScope, Scope, Verdict
from roundwise.engine.rules.result import RuleResult

VERDICT_PRECEDENCE: tuple[Verdict, ...] = (
    "after_approval",
    "extra_round",
    "too_large",
    "out_of_scope",
    "included",
    "free_fix",
    "needs_clarification",
)
BILLABLE_VERDICTS: frozenset[Verdict] = frozenset(
    {"extra_round", "too_large", "out_of_scope", "after_approval"}
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ItemDecision(_Frozen):
    """The verdict on one change item and the reasons behind it (cues, then clauses)."""

    text: str
    scope: Scope
    verdict: Verdict
    reasons: tuple[str, ...]


class Decision(_Frozen):
    """The engine's judgement of one revision request."""

    request_id: str
    deliverable: str
    received_at: Instant
    decided_at: Instant
    verdict: Verdict
    verdicts: tuple[Verdict, ...]
    scope: RequestScope
    stage: str
    language: str
    items: tuple[ItemDecision, ...]
    rules: tuple[RuleResult, ...]
    consumes_round: bool
    rounds_included: Annotated[int, Field(ge=0)]
    rounds_used: Annotated[int, Field(ge=0)]
    rounds_left: Annotated[int, Field(ge=0)]
    changed_share: Decimal | None = None
    changed_words: int | None = None
    quote: Quote | None = None
    explanation: str
    terms_sha256: str
    engine_version: str
    # What the message is for (engine.understand.intent) and whether the reading is too
    # unsure to act on: a decision that needs review is shown to the freelancer as a draft
    # to check, and nothing automatic may treat it as final until they confirm it.
    intent: str = "revision_request"
    # The message's scope as the reader assessed it, ``none`` when it asks no change
    # ("Approved, thanks!"); ``scope`` above stays the change items' scope, which the
    # rules, the ledger and replay use.
    assessed_scope: str | None = None
    intent_confidence: float | None = None
    scope_confidence: float | None = None
    needs_review: bool = False
    review_reasons: tuple[str, ...] = ()
    # For an intent other than a revision request: the clauses it cites and the event it
    # proposes (engine.decide.intent_route).
    route: IntentRoute | None = None

    @property
    def billable(self) -> bool:
        """Whether any part of the request is paid work."""
        return any(v in BILLABLE_VERDICTS for v in self.verdicts)

    def fired(self) -> tuple[RuleResult, ...]:
        """The rules that fired, in the order they ran."""
        return tuple(rule for rule in self.rules if rule.fired)


def decision_json(decision: Decision) -> str:
    """Canonical JSON: sorted keys, no insignificant whitespace, UTF-8 kept as is."""
    data = decision.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def overall_verdict(verdicts: tuple[Verdict, ...]) -> tuple[Verdict, tuple[Verdict, ...]]:
    """The overall verdict and the distinct verdicts, both by precedence."""
    present = tuple(v for v in VERDICT_PRECEDENCE if v in verdicts)
    return (present[0] if present else "needs_clarification"), present
