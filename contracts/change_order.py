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
from roundwise.contracts.clause_texts import hours_text
from roundwise.contracts.errors import DocumentNotFoundError
from roundwise.contracts.i18n import DocText, doc_text
from roundwise.contracts.statement import VERDICT_CLAUSES
from roundwise.contracts.views import (
    DocumentHead,
    PartyView,
    Segments,
    document_head,
    labels,
    marked,
    parties,
)
from roundwise.engine.ledger import ChangeOrder, ContractState, Event, RequestRecord, fold
from roundwise.engine.terms import ClauseKey, ContractTerms, FlatRoundPrice
from roundwise.engine.terms.clauses import clause_heading


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
    intro: Segments
    description: str
    deliverable: str
    request_intro: str | None
    request_message: str | None
    quote_lines: tuple[QuoteLine, ...]
    quote_computation: str
    computed: str
    basis_clause: str
    total: str
    schedule: tuple[str, ...]
    status: str
    by_signing: Segments
    labels: dict[str, str]


_LABELS = (
    "requested",
    "quote",
    "col_item",
    "col_price",
    "payment",
    "schedule_heading",
    "acceptance",
    "status",
    "accepted_by_client",
    "issued_by_freelancer",
)


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
    language: str | None = None,
    draft: bool = False,
) -> ChangeOrderView:
    """Change order ``number`` (the latest when None); `DocumentNotFoundError` if absent.

    ``draft``: the last events are a preview of a change order not sent yet (not in the
    ledger); it is headed and marked as a draft.
    """
    tx = doc_text(terms, language)
    state = fold(events, now, terms)
    order = _find(state, number)
    issued = order.issued
    record = state.request(issued.request_id) if issued.request_id else None
    heading_key = "change_order.heading_draft" if draft else "change_order.heading"
    heading = tx.t(heading_key, number=issued.number, title=terms.title)
    head = document_head(
        terms, "change-order", fmt.change_order_id(terms, issued.number), now, tx, heading=heading
    )
    lines, computation = _quote(terms, tx, order, record)
    basis = _basis(terms, tx, order, record)
    freelancer, client = parties(terms, tx)
    labels_ = labels(tx, "labels", ("total",)) | labels(tx, "change_order", _LABELS)
    return ChangeOrderView(
        head=head,
        number=issued.number,
        freelancer=freelancer,
        client=client,
        intro=marked(
            tx.t(
                "change_order.intro",
                agreement=head.agreement_id,
                hash=head.terms_sha256,
                issued=tx.moment(issued.at, terms.zone),
                basis=basis,
            ),
            head.terms_sha256,
            head.agreement_id,
        ),
        description=issued.description,
        deliverable=tx.t(
            "change_order.deliverable",
            deliverable=_deliverable_title(terms, tx, issued.deliverable, record),
        ),
        request_intro=_request_intro(terms, tx, record),
        request_message=" ".join(record.message.split()) if record else None,
        quote_lines=lines,
        quote_computation=computation,
        computed=tx.t("change_order.computed", computation=computation),
        basis_clause=basis,
        total=fmt.money_in(tx, issued.price),
        schedule=_schedule(terms, tx, order),
        status=tx.t("change_order.draft_status") if draft else _status(terms, tx, order),
        by_signing=marked(
            tx.t("change_order.by_signing", agreement=head.agreement_id), head.agreement_id
        ),
        labels=labels_,
    )


def _status(terms: ContractTerms, tx: DocText, order: ChangeOrder) -> str:
    """Accepted or declined (when, and by whom when the freelancer recorded the answer),
    or open until its validity date."""
    if order.accepted_at is not None:
        when = tx.moment(order.accepted_at, terms.zone)
        return tx.t("change_order.accepted_on", date=when) + _answerer(tx, order)
    if order.declined_at is not None:
        when = tx.moment(order.declined_at, terms.zone)
        return tx.t("change_order.declined_on", date=when) + _answerer(tx, order)
    if order.valid_until is not None:
        return tx.t("change_order.open_until", date=tx.date(order.valid_until))
    return tx.t("change_order.open")


def _answerer(tx: DocText, order: ChangeOrder) -> str:
    """The "(recorded by the freelancer: note)" suffix, when the freelancer recorded it."""
    if order.answered_by != "freelancer":
        return ""
    if order.answer_note:
        return " " + tx.t("change_order.recorded_by_freelancer_note", note=order.answer_note)
    return " " + tx.t("change_order.recorded_by_freelancer")


def _request_intro(terms: ContractTerms, tx: DocText, record: RequestRecord | None) -> str | None:
    if record is None:
        return None
    received = tx.moment(record.received_at, terms.zone)
    if record.decision is None:
        return tx.t("change_order.request_received", received=received)
    verdict = tx.t(f"verdicts.{record.decision.verdict}")
    return tx.t("change_order.request_received_verdict", received=received, verdict=verdict)


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
    terms: ContractTerms, tx: DocText, deliverable_id: str | None, record: RequestRecord | None
) -> str:
    found = terms.deliverable(deliverable_id) if deliverable_id else None
    if found is not None:
        return found.title
    raised_on = terms.deliverable(record.deliverable) if record else None
    if raised_on is not None:
        return tx.t("change_order.new_work_while", title=raised_on.title)
    return tx.t("change_order.new_work")


def _basis(
    terms: ContractTerms, tx: DocText, order: ChangeOrder, record: RequestRecord | None
) -> str:
    if order.sent is not None:
        return order.sent.amends
    decision = record.decision if record else None
    if decision is not None:
        key = VERDICT_CLAUSES[decision.verdict]
    elif order.issued.extra_rounds:
        key = ClauseKey.EXTRA_ROUNDS
    else:
        key = ClauseKey.OUT_OF_SCOPE
    number, _ = clause_heading(key)
    return tx.t("labels.clause_citation", number=number, title=tx.clause_title(str(key)))


def _quote(
    terms: ContractTerms, tx: DocText, order: ChangeOrder, record: RequestRecord | None
) -> tuple[tuple[QuoteLine, ...], str]:
    """The quote's lines: in English, the decision's own computation when it priced this
    work; otherwise (and in every other language) the computation derived from the terms."""
    issued = order.issued
    if order.sent is not None and order.sent.lines:
        lines = tuple(
            QuoteLine(line.description, line.computation, fmt.money_in(tx, line.price))
            for line in order.sent.lines
        )
        if len(lines) == 1:
            return lines, ""
        total = fmt.money_in(tx, issued.price)
        return lines, " + ".join(line.price for line in lines) + f" = {total}"
    quote = record.decision.quote if record and record.decision else None
    if tx.base == "en" and quote is not None and quote.total == issued.price:
        lines = tuple(
            QuoteLine(p.label, p.computation, fmt.money_in(tx, p.price)) for p in quote.parts
        )
        return lines or (_single(tx, order, quote.computation),), quote.computation
    computation = derived_computation(terms, tx, order)
    return (_single(tx, order, computation),), computation


def _single(tx: DocText, order: ChangeOrder, computation: str) -> QuoteLine:
    return QuoteLine(order.issued.description, computation, fmt.money_in(tx, order.issued.price))


def derived_computation(terms: ContractTerms, tx: DocText, order: ChangeOrder) -> str:
    """Explain a price from the terms (extra rounds at the flat price, or hours at the rate)."""
    issued = order.issued
    policy = terms.policy_for(issued.deliverable) if issued.deliverable else terms.revision_policy
    extra = policy.extra_round
    flat = extra.amount if isinstance(extra, FlatRoundPrice) else None
    if (
        issued.extra_rounds
        and flat is not None
        and flat * issued.extra_rounds == issued.price.amount
    ):
        return tx.t(
            "change_order.per_extra_round",
            count=tx.number(issued.extra_rounds),
            each=tx.money(flat, issued.price.currency),
            clause=clause_heading(ClauseKey.EXTRA_ROUNDS)[0],
        )
    rate = policy.out_of_scope.hourly_rate
    if rate and not issued.extra_rounds:
        hours = (issued.price.amount / rate).quantize(Decimal("0.01")).normalize()
        return tx.t(
            "change_order.hourly",
            hours=hours_text(tx, hours),
            rate=tx.money(rate, issued.price.currency),
            clause=clause_heading(ClauseKey.OUT_OF_SCOPE)[0],
        )
    return tx.t("change_order.fixed")


def _schedule(terms: ContractTerms, tx: DocText, order: ChangeOrder) -> tuple[str, ...]:
    issued = order.issued
    lines = [tx.t("change_order.starts")]
    deliverable = terms.deliverable(issued.deliverable) if issued.deliverable else None
    if deliverable is not None and issued.extra_rounds:
        policy = terms.policy_for(deliverable.id)
        lines.append(
            tx.plural(
                "change_order.adds_rounds",
                issued.extra_rounds,
                title=deliverable.title,
                total=tx.number(policy.rounds_included + issued.extra_rounds),
                days=tx.plural("labels.days", policy.review_window_days),
            )
        )
    if deliverable is not None and deliverable.due is not None:
        lines.append(
            tx.t("change_order.due_stays", title=deliverable.title, date=tx.date(deliverable.due))
        )
    lines.append(tx.t("change_order.others_stay"))
    return tuple(lines)


__all__ = [
    "ChangeOrderView",
    "QuoteLine",
    "change_order_numbers",
    "change_order_view",
    "derived_computation",
]
