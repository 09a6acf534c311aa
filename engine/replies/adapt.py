"""From a `Decision` to the narrow `ReplyFacts` a reply is composed from.

Rule: the reply states only what the decision established — per verdict, the items in
the client's words, the clause the deciding rule cited and the quoted price of that
part (the quote parts whose ``kind`` is that verdict; labels are for people and are never
parsed); the measured size and the limit; rounds left. The approval date comes from the
folded contract state when the caller has it (a decision records the rule, not the date).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from roundwise.engine.decide import Decision
from roundwise.engine.ledger import ContractState
from roundwise.engine.ledger.events import Quote
from roundwise.engine.replies.inputs import CitedClause, GroupFacts, ReplyFacts
from roundwise.engine.terms import ClauseKey, ContractTerms
from roundwise.engine.terms.clauses import clause_heading
from roundwise.engine.understand import RequestAnalysis

# The clause a part of the reply cites when no fired rule named one for its verdict.
_FALLBACK_CLAUSE: Mapping[str, ClauseKey] = {
    "included": ClauseKey.ROUNDS,
    "free_fix": ClauseKey.OWN_ERRORS,
    "extra_round": ClauseKey.EXTRA_ROUNDS,
    "too_large": ClauseKey.ROUND_SIZE,
    "out_of_scope": ClauseKey.OUT_OF_SCOPE,
    "after_approval": ClauseKey.REVIEW,
    "needs_clarification": ClauseKey.ROUNDS,
}


def _price(quote: Quote | None, verdict: str) -> Decimal | None:
    if quote is None:
        return None
    amounts = [p.price.amount for p in quote.parts if p.kind == verdict]
    return sum(amounts, Decimal(0)) if amounts else None


def _clause(decision: Decision, contract: ContractTerms, verdict: str) -> CitedClause:
    rule = next((r for r in decision.rules if r.fired and r.verdict == verdict), None)
    if rule is not None:
        return CitedClause(rule.clause.number, rule.clause.title)
    number, title = clause_heading(_FALLBACK_CLAUSE[verdict])
    return CitedClause(number, title)


def _groups(decision: Decision, contract: ContractTerms) -> tuple[GroupFacts, ...]:
    verdicts = decision.verdicts or (decision.verdict,)
    return tuple(
        GroupFacts(
            verdict=v,
            deliverable_id=decision.deliverable,
            items=tuple(i.text for i in decision.items if i.verdict == v),
            clause=_clause(decision, contract, v),
            price=_price(decision.quote, v),
        )
        for v in verdicts
    )


@dataclass(frozen=True, slots=True)
class _Size:
    share: Decimal | None = None
    share_limit: Decimal | None = None
    items: int | None = None
    items_limit: int | None = None


def _size(decision: Decision) -> _Size:
    rule = next((r for r in decision.rules if r.name == "too_large"), None)
    if rule is None or rule.measured is None or rule.limit is None:
        return _Size()
    if rule.unit == "items":
        return _Size(items=int(rule.measured), items_limit=int(rule.limit))
    return _Size(share=rule.measured, share_limit=rule.limit)


def _approved_on(
    contract: ContractTerms, state: ContractState | None, deliverable: str
) -> date | None:
    if state is None:
        return None
    approval = next((d.approval for d in state.deliverables if d.id == deliverable), None)
    return None if approval is None else approval.at.astimezone(contract.zone).date()


def reply_facts_of(
    decision: Decision,
    contract: ContractTerms,
    analysis: RequestAnalysis | None = None,
    state: ContractState | None = None,
) -> ReplyFacts:
    """The facts of ``decision`` a reply states (stage from the analysis when given)."""
    # A decision that needs review has not taken its round yet (the fold counts it on
    # confirmation); its draft reads as it will once confirmed.
    left_before = decision.rounds_left + int(decision.consumes_round and not decision.needs_review)
    size = _size(decision)
    return ReplyFacts(
        verdict=decision.verdict,
        stage=analysis.stage if analysis is not None else decision.stage,
        deliverable_id=decision.deliverable,
        groups=_groups(decision, contract),
        rounds_included=decision.rounds_included,
        rounds_left=left_before,
        rounds_left_after=max(left_before - int(decision.consumes_round), 0),
        measured_share=size.share,
        limit_share=size.share_limit,
        measured_items=size.items,
        limit_items=size.items_limit,
        approved_on=_approved_on(contract, state, decision.deliverable),
        intent=decision.intent,
    )
