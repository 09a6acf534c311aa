"""The revision statement: per deliverable, every request, its verdict and the figures.

This is what a freelancer attaches when a client disputes a bill: for each request the
date it was received, the verdict with the clause that decided it, the measured change
against the limit, the round it used and the rounds left, and how the deliverable was
approved. Everything comes from folding the ledger (`engine.ledger.fold`) at ``as_of``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from roundwise.contracts import formatting as fmt
from roundwise.contracts.statement_money import MoneyView, money_view
from roundwise.contracts.views import DocumentHead, PartyView, document_head, party_view
from roundwise.engine.ledger import (
    Approval,
    ChangeOrder,
    ContractState,
    DecisionMade,
    DeliverableState,
    Event,
    RequestRecord,
    dump_events,
    fold,
)
from roundwise.engine.terms import ClauseKey, ContractTerms, RevisionPolicy, clause, percent

VERDICT_LABELS = {
    "included": "Included revision",
    "free_fix": "Free fix",
    "extra_round": "Extra round (billable)",
    "too_large": "Too large for one round",
    "out_of_scope": "Out of scope",
    "after_approval": "After approval",
    "needs_clarification": "Needs clarification",
}
VERDICT_CLAUSES = {
    "included": ClauseKey.ROUNDS,
    "free_fix": ClauseKey.OWN_ERRORS,
    "extra_round": ClauseKey.EXTRA_ROUNDS,
    "too_large": ClauseKey.ROUND_SIZE,
    "out_of_scope": ClauseKey.OUT_OF_SCOPE,
    "after_approval": ClauseKey.LAST_ROUND,
    "needs_clarification": ClauseKey.REVISIONS,
}
APPROVAL_LABELS = {
    "explicit": "Approved explicitly by the client",
    "deemed": "Deemed approved: review window ended without a request (clause {review})",
    "after_last_round": "Approved after the last included round (clause {last})",
}
EXCERPT_CHARS = 220


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One client request as the statement lists it."""

    number: int
    request_id: str
    received: str
    message: str
    verdict: str
    clause: str
    measured: str
    round_used: str
    rounds_left: str
    quote: str
    delivered: str


@dataclass(frozen=True, slots=True)
class DeliverableSummary:
    """One deliverable: its figures and its requests."""

    id: str
    title: str
    rounds_included: int
    rounds_used: int
    rounds_left: int
    free_fixes: int
    versions: str
    limit: str
    approval: str
    requests: tuple[RequestRow, ...]


@dataclass(frozen=True, slots=True)
class StatementView:
    """The whole revision statement."""

    head: DocumentHead
    freelancer: PartyView
    client: PartyView
    as_of: str
    signed: str
    deliverables: tuple[DeliverableSummary, ...]
    change_orders: tuple[tuple[str, str, str, str], ...]
    event_count: int
    money: MoneyView | None = None


def ledger_digest(events: tuple[Event, ...]) -> str:
    """SHA-256 of the canonical JSON-lines ledger: identifies what the statement covers."""
    return hashlib.sha256(dump_events(events).encode("utf-8")).hexdigest()


def statement_view(
    terms: ContractTerms, events: tuple[Event, ...], as_of: datetime
) -> StatementView:
    """Fold the ledger at ``as_of`` and describe every deliverable."""
    state = fold(events, as_of, terms)
    document_id = fmt.statement_id(terms, ledger_digest(events))
    head = document_head(terms, "Revision statement", document_id, as_of)
    return StatementView(
        head=head,
        freelancer=party_view(terms.freelancer, "Freelancer"),
        client=party_view(terms.client, "Client"),
        as_of=head.created_label,
        signed=fmt.local_datetime(terms, state.signed_at) if state.signed_at else "not recorded",
        deliverables=tuple(_summary(terms, state, item) for item in state.deliverables),
        change_orders=tuple(
            (
                str(co.issued.number),
                co.issued.description,
                fmt.money_value(terms, co.issued.price),
                _answer(terms, co),
            )
            for co in state.change_orders
        ),
        event_count=state.event_count,
        money=money_view(terms, state),
    )


def _answer(terms: ContractTerms, order: ChangeOrder) -> str:
    """When a change order was accepted, "declined …" once declined, else "open"."""
    if order.accepted_at is not None:
        return fmt.short_date(terms, order.accepted_at.astimezone(terms.zone).date())
    if order.declined_at is not None:
        day = order.declined_at.astimezone(terms.zone).date()
        return f"declined {fmt.short_date(terms, day)}"
    return "open"


def _summary(
    terms: ContractTerms, state: ContractState, item: DeliverableState
) -> DeliverableSummary:
    deliverable = terms.deliverable(item.id)
    policy = terms.policy_for(item.id)
    records = [r for r in state.requests if r.deliverable == item.id]
    rows, used = [], 0
    for number, record in enumerate(records, start=1):
        if record.decision is not None and record.decision.consumed_round:
            used += 1
        rows.append(_row(terms, policy, record, number, used, item.rounds_included))
    return DeliverableSummary(
        id=item.id,
        title=deliverable.title if deliverable else item.id,
        rounds_included=item.rounds_included,
        rounds_used=item.rounds_used,
        rounds_left=item.rounds_left,
        free_fixes=item.free_fixes,
        versions=", ".join(
            f"v{v.number} {fmt.short_date(terms, v.at.astimezone(terms.zone).date())}"
            for v in item.versions
        )
        or "none yet",
        limit=fmt.round_limit(policy),
        approval=_approval(terms, item),
        requests=tuple(rows),
    )


def _row(
    terms: ContractTerms,
    policy: RevisionPolicy,
    record: RequestRecord,
    number: int,
    used: int,
    included: int,
) -> RequestRow:
    decision = record.decision
    message = " ".join(record.message.split())
    if len(message) > EXCERPT_CHARS:
        message = message[: EXCERPT_CHARS - 1].rstrip() + "…"
    return RequestRow(
        number=number,
        request_id=record.request_id,
        received=fmt.local_datetime(terms, record.received_at),
        message=message,
        verdict=VERDICT_LABELS[decision.verdict] if decision else "Pending",
        clause=clause(terms, VERDICT_CLAUSES[decision.verdict]).number if decision else fmt.DASH,
        measured=_measured(policy, decision),
        round_used=f"{used} of {included}" if decision and decision.consumed_round else "none",
        rounds_left=str(decision.rounds_left) if decision else fmt.DASH,
        quote=fmt.money_value(terms, decision.quote.total) if decision and decision.quote else "",
        delivered=f"v{record.delivered_version}" if record.delivered_version else "",
    )


def _measured(policy: RevisionPolicy, decision: DecisionMade | None) -> str:
    if decision is None:
        return fmt.DASH
    if decision.changed_share is not None:
        limit = policy.max_change_share
        bound = f" (limit {percent(limit)})" if limit is not None else ""
        return f"{fmt.measured_share(decision.changed_share)}{bound}"
    if decision.items:
        limit_items = policy.max_change_items
        bound = f" (limit {limit_items})" if limit_items is not None else ""
        count = len(decision.items)
        return f"{count} item{'s' if count != 1 else ''}{bound}"
    return fmt.DASH


def _approval(terms: ContractTerms, item: DeliverableState) -> str:
    approval: Approval | None = item.approval
    if approval is None:
        if item.review_deadline is not None:
            deadline = fmt.local_datetime(terms, item.review_deadline)
            return f"In review; deemed approved at {deadline} without a request"
        return "Not approved yet"
    label = APPROVAL_LABELS[approval.kind].format(
        review=clause(terms, ClauseKey.REVIEW).number,
        last=clause(terms, ClauseKey.LAST_ROUND).number,
    )
    version = f", version {approval.version}" if approval.version else ""
    return f"{label}, {fmt.local_datetime(terms, approval.at)}{version}"


__all__ = ["StatementView", "ledger_digest", "statement_view"]
