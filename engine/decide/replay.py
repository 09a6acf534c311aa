"""Replay: re-judge every recorded request and report any decision that would differ.

Rule: for each ``revision_requested`` event, fold the events *before* it, evaluate the
recorded request at the recorded decision time (the ``at`` of its ``decision_made``)
and compare the fresh decision's ledger summary with the recorded one, field by field.
``engine_version`` is shown but not compared (a new engine that decides the same way is
not a difference); the terms' SHA-256 is compared, since a decision taken under other
terms is exactly what replay must catch. Requests never decided are listed as such.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from roundwise.engine.decide.evaluate import evaluate
from roundwise.engine.decide.events import decision_made, request_of
from roundwise.engine.errors import RoundwiseError
from roundwise.engine.ledger import ContractState, DecisionMade, Event, Folding, RevisionRequested
from roundwise.engine.terms import ContractTerms

COMPARED_FIELDS: tuple[str, ...] = (
    "verdict",
    "scope",
    "items",
    "consumed_round",
    "rounds_left",
    "changed_share",
    "quote",
    "terms_sha256",
)


@dataclass(frozen=True, slots=True)
class Difference:
    """One field whose recorded and replayed values differ (as canonical JSON text)."""

    field: str
    recorded: str
    replayed: str


@dataclass(frozen=True, slots=True)
class ReplayedDecision:
    """The outcome for one request: matched, differed, undecided or not judgeable."""

    request_id: str
    deliverable: str
    status: str  # "match" | "differs" | "undecided" | "error"
    recorded_verdict: str | None = None
    replayed_verdict: str | None = None
    recorded_engine: str | None = None
    differences: tuple[Difference, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """Every request's outcome, in ledger order."""

    outcomes: tuple[ReplayedDecision, ...]

    @property
    def differing(self) -> tuple[ReplayedDecision, ...]:
        """Outcomes whose decision would differ now (or could not be judged)."""
        return tuple(o for o in self.outcomes if o.status in ("differs", "error"))

    @property
    def all_match(self) -> bool:
        """True when every decided request replays to the recorded decision."""
        return not self.differing


def replay(terms: ContractTerms, events: Sequence[Event]) -> ReplayReport:
    """Re-evaluate each recorded request against the state before it."""
    # The engine's own (first) decision on each request; a later one followed a
    # correction by the freelancer, which replaying the request alone cannot reproduce.
    decisions: dict[str, DecisionMade] = {}
    for e in events:
        if isinstance(e, DecisionMade):
            decisions.setdefault(e.request_id, e)
    folding = Folding(terms)  # one fold for the whole ledger, not one per request
    outcomes: list[ReplayedDecision] = []
    for event in events:
        if isinstance(event, RevisionRequested):
            recorded = decisions.get(event.request_id)
            outcomes.append(_replay_one(terms, folding.state(), event, recorded))
        folding.apply(event)
    return ReplayReport(outcomes=tuple(outcomes))


def _replay_one(
    terms: ContractTerms,
    state: ContractState,
    event: RevisionRequested,
    recorded: DecisionMade | None,
) -> ReplayedDecision:
    base = ReplayedDecision(event.request_id, event.deliverable, status="undecided")
    if recorded is None:
        return base
    base = replace(base, recorded_verdict=recorded.verdict, recorded_engine=recorded.engine_version)
    try:
        fresh = decision_made(evaluate(terms, state, request_of(event), recorded.at))
    except RoundwiseError as exc:
        return replace(base, status="error", error=exc.message)
    differences = _differences(recorded, fresh)
    return replace(
        base,
        status="differs" if differences else "match",
        replayed_verdict=fresh.verdict,
        differences=differences,
    )


def _differences(recorded: DecisionMade, fresh: DecisionMade) -> tuple[Difference, ...]:
    old = recorded.model_dump(mode="json")
    new = fresh.model_dump(mode="json")
    return tuple(
        Difference(field=name, recorded=_text(old[name]), replayed=_text(new[name]))
        for name in COMPARED_FIELDS
        if old[name] != new[name]
    )


def _text(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
