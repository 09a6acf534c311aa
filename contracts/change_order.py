"""A change order: priced extra work offered under clause 6.6 or 6.7 of the agreement.

It states what is requested (the change order's description and, when it answers a
request, the client's own words), the quote with the arithmetic behind it, the effect on
the schedule and the rounds, and an acceptance block. It names the agreement's document
id and terms hash, so it can only be read together with the agreement it changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from roundwise.contracts import formatting as fmt
from roundwise.contracts.errors import DocumentNotFoundError
from roundwise.contracts.statement import VERDICT_CLAUSES, VERDICT_LABELS
from roundwise.contracts.views import DocumentHead, PartyView, document_head, party_view
from roundwise.engine.ledger import ChangeOrder, ContractState, Event, RequestRecord, fold
from roundwise.engine.terms import ClauseKey, ContractTerms, FlatRoundPrice, clause


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """One line of the quote: what, how it was computed, how much."""

    label: str
    computation: str
    price: str


@dataclass(frozen=True, slots=True)
class ChangeOrderView:
    """Everything the change-order template prints."""

    head: DocumentHead
    number: int
    freelancer: PartyView
    client: PartyView
    description: str
    deliverable: str
    request_message: str | None
    request_received: str | None
    verdict: str | None
    basis_clause: str
    quote_lines: tuple[QuoteLine, ...]
    quote_computation: str
    total: str
    schedule: tuple[str, ...]
    issued: str
    status: str


def change_order_numbers(
    terms: ContractTerms, events: tuple[Event, ...], now: datetime
) -> tuple[int, ...]:
    """The numbers of the change orders issued in this ledger, in order."""
    return tuple(co.issued.number for co in fold(events, now, terms).change_orders)


def change_order_view(
    terms: ContractTerms,
    events: tuple[Event, ...],
    number: int | None,
    now: datetime,
    draft: bool = False,
) -> ChangeOrderView:
    """Change order ``number`` (the latest when None); `DocumentNotFoundError` if absent.

    ``draft``: the last events are a preview of a change order not sent yet (not in the
    ledger); it is headed and marked as a draft.
    """
    state = fold(events, now, terms)
    order = _find(state, number)
    issued = order.issued
    record = state.request(issued.request_id) if issued.request_id else None
    marked = " (draft)" if draft else ""
    heading = f"Change order {issued.number}{marked}: {terms.title}"
    head = document_head(
        terms, "Change order", fmt.change_order_id(terms, issued.number), now, heading=heading
    )
    lines, computation = _quote(terms, order, record)
    decision = record.decision if record else None
    return ChangeOrderView(
        head=head,
        number=issued.number,
        freelancer=party_view(terms.freelancer, "Freelancer"),
        client=party_view(terms.client, "Client"),
        description=issued.description,
        deliverable=_deliverable_title(terms, issued.deliverable, record),
        request_message=" ".join(record.message.split()) if record else None,
        request_received=fmt.local_datetime(terms, record.received_at) if record else None,
        verdict=VERDICT_LABELS[decision.verdict] if decision else None,
        basis_clause=_basis(terms, order, record),
        quote_lines=lines,
        quote_computation=computation,
        total=fmt.money_value(terms, issued.price),
        schedule=_schedule(terms, order),
        issued=fmt.local_datetime(terms, issued.at),
        status=_DRAFT_STATUS if draft else _status(terms, order),
    )


_DRAFT_STATUS = "Draft: not yet sent to the client; the price may still change"


def _status(terms: ContractTerms, order: ChangeOrder) -> str:
    """Accepted or declined (by whom, when), or open until its validity date."""
    if order.accepted_at is not None:
        return f"Accepted on {fmt.local_datetime(terms, order.accepted_at)}{_answerer(order)}"
    if order.declined_at is not None:
        return f"Declined on {fmt.local_datetime(terms, order.declined_at)}{_answerer(order)}"
    if order.valid_until is not None:
        return f"Open: not yet accepted; valid until {fmt.long_date(terms, order.valid_until)}"
    return "Open: not yet accepted"


def _answerer(order: ChangeOrder) -> str:
    if order.answered_by != "freelancer":
        return ""
    note = f": {order.answer_note}" if order.answer_note else ""
    return f" (recorded by the freelancer{note})"


def _find(state: ContractState, number: int | None) -> ChangeOrder:
    if not state.change_orders:
        raise DocumentNotFoundError("the ledger has no change orders")
    if number is None:
        return state.change_orders[-1]
    for order in state.change_orders:
        if order.issued.number == number:
            return order
    known = ", ".join(str(co.issued.number) for co in state.change_orders)
    raise DocumentNotFoundError(f"no change order {number} in the ledger (issued: {known})")


def _deliverable_title(
    terms: ContractTerms, deliverable_id: str | None, record: RequestRecord | None
) -> str:
    found = terms.deliverable(deliverable_id) if deliverable_id else None
    if found is not None:
        return f"{found.title} ({found.id})"
    raised_on = terms.deliverable(record.deliverable) if record else None
    if raised_on is not None:
        return f"New work, asked for while reviewing {raised_on.title} ({raised_on.id})"
    return "New work for the project"


def _basis(terms: ContractTerms, order: ChangeOrder, record: RequestRecord | None) -> str:
    if order.sent is not None:
        return order.sent.amends
    decision = record.decision if record else None
    if decision is not None:
        key = VERDICT_CLAUSES[decision.verdict]
    elif order.issued.extra_rounds:
        key = ClauseKey.EXTRA_ROUNDS
    else:
        key = ClauseKey.OUT_OF_SCOPE
    return clause(terms, key).citation


def _quote(
    terms: ContractTerms, order: ChangeOrder, record: RequestRecord | None
) -> tuple[tuple[QuoteLine, ...], str]:
    """The quote's lines: the decision's own computation when it priced this work."""
    issued = order.issued
    if order.sent is not None and order.sent.lines:
        lines = tuple(
            QuoteLine(line.description, line.computation, fmt.money_value(terms, line.price))
            for line in order.sent.lines
        )
        if len(lines) == 1:
            return lines, ""
        total = fmt.money_value(terms, issued.price)
        return lines, " + ".join(line.price for line in lines) + f" = {total}"
    quote = record.decision.quote if record and record.decision else None
    if quote is not None and quote.total == issued.price:
        lines = tuple(
            QuoteLine(p.label, p.computation, fmt.money_value(terms, p.price)) for p in quote.parts
        )
        return lines or (_single(terms, order, quote.computation),), quote.computation
    computation = _derived_computation(terms, order)
    return (_single(terms, order, computation),), computation


def _single(terms: ContractTerms, order: ChangeOrder, computation: str) -> QuoteLine:
    return QuoteLine(
        order.issued.description, computation, fmt.money_value(terms, order.issued.price)
    )


def _derived_computation(terms: ContractTerms, order: ChangeOrder) -> str:
    """Explain a price from the terms when the ledger holds no priced decision for it."""
    issued = order.issued
    policy = terms.policy_for(issued.deliverable) if issued.deliverable else terms.revision_policy
    extra = policy.extra_round
    if issued.extra_rounds and isinstance(extra, FlatRoundPrice):
        each = fmt.money_value(terms, issued.price.model_copy(update={"amount": extra.amount}))
        if extra.amount * issued.extra_rounds == issued.price.amount:
            return f"{issued.extra_rounds} × {each} per extra round (clause 6.6)"
    rate = policy.out_of_scope.hourly_rate
    if rate and not issued.extra_rounds:
        hours = (issued.price.amount / rate).quantize(Decimal("0.01")).normalize()
        rate_text = fmt.money_value(terms, issued.price.model_copy(update={"amount": rate}))
        return f"≈ {fmt.number(terms, hours)} h × {rate_text} per hour (clause 6.7)"
    return "Fixed price quoted by the freelancer"


def _schedule(terms: ContractTerms, order: ChangeOrder) -> tuple[str, ...]:
    issued = order.issued
    lines = ["Work under this change order starts when the client accepts it."]
    deliverable = terms.deliverable(issued.deliverable) if issued.deliverable else None
    if deliverable is not None and issued.extra_rounds:
        policy = terms.policy_for(deliverable.id)
        total = policy.rounds_included + issued.extra_rounds
        lines.append(
            f"Adds {issued.extra_rounds} revision round(s) to {deliverable.title}; "
            f"with the {policy.rounds_included} included, {total} in all. Each revised "
            f"version has the usual {policy.review_window_days}-day review window."
        )
    if deliverable is not None and deliverable.due is not None:
        lines.append(
            f"The due date of {deliverable.title} ({fmt.long_date(terms, deliverable.due)}) "
            "stays for the work already agreed; the work in this change order is delivered "
            "by a date agreed in writing on acceptance."
        )
    lines.append("All other deliverables, dates and terms of the agreement stay as they are.")
    return tuple(lines)


__all__ = ["ChangeOrderView", "QuoteLine", "change_order_numbers", "change_order_view"]
