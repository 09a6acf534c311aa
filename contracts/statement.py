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
from decimal import Decimal

from roundwise.contracts import formatting as fmt
from roundwise.contracts.i18n import DocText, doc_text
from roundwise.contracts.statement_money import MoneyView, money_view
from roundwise.contracts.views import (
    DocumentHead,
    PartyView,
    Segments,
    document_head,
    labels,
    marked,
    parties,
    round_limit,
)
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
from roundwise.engine.terms import ClauseKey, ContractTerms, Money, RevisionPolicy
from roundwise.engine.terms.clauses import clause_heading

VERDICT_CLAUSES = {
    "included": ClauseKey.ROUNDS,
    "free_fix": ClauseKey.OWN_ERRORS,
    "extra_round": ClauseKey.EXTRA_ROUNDS,
    "too_large": ClauseKey.ROUND_SIZE,
    "out_of_scope": ClauseKey.OUT_OF_SCOPE,
    "after_approval": ClauseKey.LAST_ROUND,
    "needs_clarification": ClauseKey.REVISIONS,
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
    """One deliverable: its figures and its requests (its internal id is not printed)."""

    id: str
    title: str
    rounds: str
    versions: str
    limit: str
    approval: str
    requests: tuple[RequestRow, ...]
    rounds_left: int


@dataclass(frozen=True, slots=True)
class ChangeOrderRow:
    """A change order in the statement's list."""

    number: str
    description: str
    price: str
    accepted: str


@dataclass(frozen=True, slots=True)
class StatementView:
    """The whole revision statement."""

    head: DocumentHead
    freelancer: PartyView
    client: PartyView
    intro: Segments
    signed: str
    deliverables: tuple[DeliverableSummary, ...]
    change_orders: tuple[ChangeOrderRow, ...]
    extras_accepted: str
    extras_open: str | None
    event_count: int
    labels: dict[str, str]
    money: MoneyView | None = None


_LABELS = (
    "rounds",
    "limit",
    "versions",
    "approval",
    "col_number",
    "col_received",
    "col_request",
    "col_verdict",
    "col_clause",
    "col_measured",
    "col_round",
    "col_left",
    "col_quote",
    "no_requests",
    "change_orders",
    "col_no",
    "col_description",
    "col_price",
    "col_accepted",
    "extras_accepted",
    "extras_open",
)


def ledger_digest(events: tuple[Event, ...]) -> str:
    """SHA-256 of the canonical JSON-lines ledger: identifies what the statement covers."""
    return hashlib.sha256(dump_events(events).encode("utf-8")).hexdigest()


def statement_view(
    terms: ContractTerms, events: tuple[Event, ...], as_of: datetime, language: str | None = None
) -> StatementView:
    """Fold the ledger at ``as_of`` and describe every deliverable."""
    tx = doc_text(terms, language)
    state = fold(events, as_of, terms)
    document_id = fmt.statement_id(terms, ledger_digest(events))
    head = document_head(terms, "statement", document_id, as_of, tx)
    freelancer, client = parties(terms, tx)
    signed = (
        tx.moment(state.signed_at, terms.zone)
        if state.signed_at
        else tx.t("statement.not_recorded")
    )
    # A request answered by a change order is priced as the change order prices it.
    ordered = {co.issued.request_id: co.issued.price for co in state.change_orders}
    accepted, offered = _extras(state)
    return StatementView(
        head=head,
        freelancer=freelancer,
        client=client,
        intro=marked(
            tx.t("statement.intro", agreement=head.agreement_id, as_of=head.created_label),
            head.agreement_id,
        ),
        signed=" ".join(
            (
                tx.t("statement.signed", signed=signed),
                tx.plural("statement.events", state.event_count),
            )
        ),
        deliverables=tuple(
            _summary(terms, tx, state, item, ordered) for item in state.deliverables
        ),
        change_orders=tuple(
            ChangeOrderRow(
                number=tx.number(co.issued.number),
                description=co.issued.description,
                price=fmt.money_in(tx, co.issued.price),
                accepted=_answer(terms, tx, co),
            )
            for co in state.change_orders
        ),
        extras_accepted=tx.money(accepted),
        extras_open=tx.money(offered) if offered else None,
        event_count=state.event_count,
        labels=labels(tx, "statement", _LABELS) | labels(tx, "labels", ("total",)),
        money=money_view(terms, state, tx),
    )


def _answer(terms: ContractTerms, tx: DocText, order: ChangeOrder) -> str:
    """When a change order was accepted, "declined <date>" once declined, else "open"."""
    if order.accepted_at is not None:
        return tx.moment(order.accepted_at, terms.zone)
    if order.declined_at is not None:
        return tx.t("statement.declined", date=tx.moment(order.declined_at, terms.zone))
    return tx.t("statement.open")


def _extras(state: ContractState) -> tuple[Decimal, Decimal]:
    """The sums of the accepted and of the still open (neither accepted nor declined)
    change orders."""
    accepted = sum(
        (co.issued.price.amount for co in state.change_orders if co.accepted_at), Decimal(0)
    )
    offered = sum(
        (
            co.issued.price.amount
            for co in state.change_orders
            if not co.accepted_at and not co.declined_at
        ),
        Decimal(0),
    )
    return accepted, offered


def _summary(
    terms: ContractTerms,
    tx: DocText,
    state: ContractState,
    item: DeliverableState,
    ordered: dict[str | None, Money],
) -> DeliverableSummary:
    deliverable = terms.deliverable(item.id)
    policy = terms.policy_for(item.id)
    records = [r for r in state.requests if r.deliverable == item.id]
    rows, used = [], 0
    for number, record in enumerate(records, start=1):
        if record.decision is not None and record.decision.consumed_round:
            used += 1
        price = ordered.get(record.request_id)
        rows.append(_row(terms, tx, policy, record, number, used, item.rounds_included, price))
    rounds = tx.t(
        "statement.rounds_value",
        used=tx.number(item.rounds_used),
        included=tx.number(item.rounds_included),
        left=tx.number(item.rounds_left),
    )
    if item.free_fixes:
        rounds += "; " + tx.plural("statement.free_fixes", item.free_fixes)
    return DeliverableSummary(
        id=item.id,
        title=deliverable.title if deliverable else item.id,
        rounds=rounds,
        versions=", ".join(
            f"v{v.number} {tx.date(v.at.astimezone(terms.zone).date())}" for v in item.versions
        )
        or tx.t("statement.none_yet"),
        limit=round_limit(tx, terms, item.id),
        approval=_approval(terms, tx, item),
        requests=tuple(rows),
        rounds_left=item.rounds_left,
    )


def _row(
    terms: ContractTerms,
    tx: DocText,
    policy: RevisionPolicy,
    record: RequestRecord,
    number: int,
    used: int,
    included: int,
    ordered_price: Money | None,
) -> RequestRow:
    decision = record.decision
    message = " ".join(record.message.split())
    if len(message) > EXCERPT_CHARS:
        message = message[: EXCERPT_CHARS - 1].rstrip() + "…"
    if ordered_price is not None:
        quote = fmt.money_in(tx, ordered_price)
    elif decision and decision.quote:
        quote = fmt.money_in(tx, decision.quote.total)
    else:
        quote = ""
    round_used = (
        tx.t("statement.round_of", used=tx.number(used), included=tx.number(included))
        if decision and decision.consumed_round
        else tx.t("statement.none")
    )
    return RequestRow(
        number=number,
        request_id=record.request_id,
        received=tx.moment(record.received_at, terms.zone),
        message=message,
        verdict=tx.t(f"verdicts.{decision.verdict}") if decision else tx.t("statement.pending"),
        clause=clause_heading(VERDICT_CLAUSES[decision.verdict])[0] if decision else fmt.DASH,
        measured=_measured(tx, policy, decision),
        round_used=round_used,
        rounds_left=tx.number(decision.rounds_left) if decision else fmt.DASH,
        quote=quote,
        delivered=tx.t("statement.answered_by", version=f"v{record.delivered_version}")
        if record.delivered_version
        else "",
    )


def _measured(tx: DocText, policy: RevisionPolicy, decision: DecisionMade | None) -> str:
    if decision is None:
        return fmt.DASH
    if decision.changed_share is not None:
        limit = policy.max_change_share
        share = tx.percent(decision.changed_share.quantize(Decimal("0.001")))
        if limit is None:
            return share
        return f"{share} {tx.t('statement.limit_suffix', limit=tx.percent(limit))}"
    if decision.items:
        count = tx.plural("labels.items", len(decision.items))
        limit_items = policy.max_change_items
        if limit_items is None:
            return count
        return f"{count} {tx.t('statement.limit_suffix', limit=tx.number(limit_items))}"
    return fmt.DASH


def _approval(terms: ContractTerms, tx: DocText, item: DeliverableState) -> str:
    approval: Approval | None = item.approval
    if approval is None:
        if item.review_deadline is not None:
            deadline = tx.moment(item.review_deadline, terms.zone)
            return tx.t("statement.in_review", deadline=deadline)
        return tx.t("statement.not_approved")
    when = tx.moment(approval.at, terms.zone)
    if approval.version:
        when += ", " + tx.t("statement.version", version=approval.version)
    if approval.kind == "deemed":
        return tx.t(
            "statement.approved_deemed", clause=clause_heading(ClauseKey.REVIEW)[0], date=when
        )
    if approval.kind == "after_last_round":
        return tx.t(
            "statement.approved_last", clause=clause_heading(ClauseKey.LAST_ROUND)[0], date=when
        )
    return tx.t("statement.approved_explicit", date=when)


__all__ = ["VERDICT_CLAUSES", "StatementView", "ledger_digest", "statement_view"]
