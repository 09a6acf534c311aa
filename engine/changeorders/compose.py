"""Composing a change order: priced lines from judged requests or the freelancer's own items.

Rule: a change order prices only what the ledger says is billable. A judged request is
found by its id in the folded state; its decision's quote gives the in-scope lines (an
extra round, a round beyond the size limit, a revision after approval: each adds revision
rounds to its deliverable once accepted), and each out-of-scope item is priced from its
size (`engine.changeorders.estimate`). Anything else (an included request, a free fix,
one that needs clarification, one not judged) is a `RequestError` naming the field.

A draft is a value: editing a quote makes a new draft. Sending it becomes two ledger
events, `ChangeOrderIssued` (the summary older readers know: one price, one deliverable's
extra rounds) and `ChangeOrderSent` (the lines, the clause amended, the validity date).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from roundwise.engine.changeorders.estimate import (
    AskSize,
    estimate_new_work,
    rounded,
    size_of_ask,
)
from roundwise.engine.errors import FieldProblem, RequestError
from roundwise.engine.ledger import (
    ChangeOrderIssued,
    ChangeOrderLine,
    ChangeOrderSent,
    ContractState,
    DecisionMade,
    QuotePart,
)
from roundwise.engine.terms import ClauseKey, ContractTerms, FlatRoundPrice, Money, money
from roundwise.engine.terms.clauses import clause_heading

BILLABLE_VERDICTS: tuple[str, ...] = ("out_of_scope", "extra_round", "too_large", "after_approval")
_ROUND_KINDS = ("extra_round", "too_large", "after_approval")
_LINE_TITLES = {
    "extra_round": "Extra revision round",
    "too_large": "Revision larger than one round",
    "after_approval": "Revision after approval",
}
_AMENDED = {
    "extra_round": ClauseKey.EXTRA_ROUNDS,
    "too_large": ClauseKey.ROUND_SIZE,
    "after_approval": ClauseKey.LAST_ROUND,
    "out_of_scope": ClauseKey.OUT_OF_SCOPE,
    "custom": ClauseKey.OUT_OF_SCOPE,
}


@dataclass(frozen=True, slots=True)
class FreeItem:
    """A line the freelancer writes: a description and a price, or a size to price it by."""

    description: str
    price: Decimal | None = None
    words: int | None = None
    count: int | None = None
    deliverable: str | None = None
    extra_rounds: int = 0


class ChangeOrderDraft(BaseModel):
    """A change order before it is sent: its lines, the clause it amends, its validity."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lines: Annotated[tuple[ChangeOrderLine, ...], Field(min_length=1, max_length=100)]
    amends: Annotated[str, Field(min_length=1, max_length=300)]
    valid_until: date

    @property
    def total(self) -> Money:
        """The sum of the lines' prices (exact)."""
        first = self.lines[0].price
        return Money(
            amount=sum((line.price.amount for line in self.lines), Decimal(0)),
            currency=first.currency,
        )

    @property
    def computation(self) -> str:
        """Every line's arithmetic, then the total when there is more than one line."""
        text = "; ".join(f"{line.description}: {line.computation}" for line in self.lines)
        if len(self.lines) > 1:
            total = self.total
            text += f"; total {total.amount} {total.currency}"
        return text

    @property
    def request_ids(self) -> tuple[str, ...]:
        """The judged requests it prices, in order, each once."""
        return tuple(dict.fromkeys(li.request_id for li in self.lines if li.request_id))


def lines_for_requests(
    terms: ContractTerms, state: ContractState, request_ids: Sequence[str]
) -> tuple[ChangeOrderLine, ...]:
    """The billable lines of the judged requests (``request_ids[i]`` named on a problem)."""
    lines: list[ChangeOrderLine] = []
    seen: set[str] = set()
    for index, request_id in enumerate(request_ids):
        path = f"request_ids[{index}]"
        if request_id in seen:
            raise _problem(path, f"request {request_id!r} is listed twice")
        seen.add(request_id)
        record = state.request(request_id)
        if record is None:
            raise _problem(path, f"no request {request_id!r} in this contract's ledger")
        if record.decision is None:
            raise _problem(path, f"request {request_id!r} is not judged yet")
        priced_by = _priced_by(state, request_id)
        if priced_by is not None:
            raise _problem(path, f"request {request_id!r} is priced by change order {priced_by}")
        found = _decision_lines(terms, record.decision)
        if not found:
            verdict = record.decision.verdict
            raise _problem(path, f"request {request_id!r} was judged {verdict}: nothing to bill")
        lines += found
    return tuple(lines)


def line_for_item(terms: ContractTerms, item: FreeItem, index: int) -> ChangeOrderLine:
    """The line of one free item: its stated price, or an estimate from its size."""
    path = f"items[{index}]"
    if item.deliverable is not None and terms.deliverable(item.deliverable) is None:
        reason = f"the contract has no deliverable {item.deliverable!r}"
        raise _problem(f"{path}.deliverable", reason)
    if item.extra_rounds and item.deliverable is None:
        raise _problem(f"{path}.extra_rounds", "extra rounds need the deliverable they are for")
    if item.price is not None:
        amount = rounded(item.price, terms.currency)
        how = f"price stated by the freelancer: {money(terms, amount)}"
    else:
        policy = terms.policy_for(item.deliverable) if item.deliverable else terms.revision_policy
        size = _stated_size(item)
        estimate = estimate_new_work(terms, policy, item.description, item.deliverable, size)
        amount, how = estimate.amount, estimate.computation
    return ChangeOrderLine(
        kind="custom",
        description=item.description,
        price=Money(amount=amount, currency=terms.currency),
        computation=how,
        deliverable=item.deliverable,
        extra_rounds=item.extra_rounds,
    )


def draft_of(
    terms: ContractTerms,
    lines: Sequence[ChangeOrderLine],
    valid_until: date,
    amends: str | None = None,
) -> ChangeOrderDraft:
    """A draft of these lines; ``amends`` defaults to the clauses its lines are billed under."""
    if not lines:
        raise _problem("request_ids", "a change order needs request_ids or items to price")
    rounds_on = {line.deliverable for line in lines if line.extra_rounds}
    if len(rounds_on) > 1:
        names = ", ".join(sorted(str(d) for d in rounds_on))
        raise _problem(
            "request_ids",
            f"one change order adds rounds to one deliverable (these add to {names}): "
            "issue one change order per deliverable",
        )
    return ChangeOrderDraft(
        lines=tuple(lines), amends=amends or amended_clauses(lines), valid_until=valid_until
    )


def amended_clauses(lines: Sequence[ChangeOrderLine]) -> str:
    """The clauses of the agreement the lines are billed under ("clause 6.6 (…)")."""
    keys = dict.fromkeys(_AMENDED[line.kind] for line in lines)
    citations = []
    for key in keys:
        number, title = clause_heading(key)
        citations.append(f"clause {number} ({title})")
    return "; ".join(citations)[:300]


def issue_events(
    draft: ChangeOrderDraft, number: int, at: datetime
) -> tuple[ChangeOrderIssued, ChangeOrderSent]:
    """The two ledger events of sending a draft as change order ``number`` at ``at``."""
    rounds = sum(line.extra_rounds for line in draft.lines)
    deliverables = {line.deliverable for line in draft.lines if line.deliverable}
    rounds_on = next((li.deliverable for li in draft.lines if li.extra_rounds), None)
    deliverable = rounds_on or (next(iter(deliverables)) if len(deliverables) == 1 else None)
    description = "; ".join(line.description for line in draft.lines)
    issued = ChangeOrderIssued(
        at=at,
        number=number,
        description=description if len(description) <= 5000 else description[:4999] + "…",
        price=draft.total,
        deliverable=deliverable,
        request_id=draft.request_ids[0] if draft.request_ids else None,
        extra_rounds=min(rounds, 100),
    )
    sent = ChangeOrderSent(
        at=at, number=number, valid_until=draft.valid_until, amends=draft.amends, lines=draft.lines
    )
    return issued, sent


def _priced_by(state: ContractState, request_id: str) -> int | None:
    """The change order (issued, not declined) that already prices this request, if any."""
    for order in state.change_orders:
        if order.declined_at is None and request_id in order.request_ids:
            return order.issued.number
    return None


def _decision_lines(terms: ContractTerms, decision: DecisionMade) -> list[ChangeOrderLine]:
    """The in-scope round line of the decision's quote, then one line per new-work item."""
    lines: list[ChangeOrderLine] = []
    parts = decision.quote.parts if decision.quote is not None else ()
    title = _title(terms, decision.deliverable)
    for part in parts:
        if part.kind in _ROUND_KINDS:
            lines.append(_round_line(terms, decision, part, title))
    policy = terms.policy_for(decision.deliverable)
    for item in decision.items:
        if item.verdict != "out_of_scope":
            continue
        estimate = estimate_new_work(terms, policy, item.text, decision.deliverable)
        text = " ".join(item.text.split())
        lines.append(
            ChangeOrderLine(
                kind="out_of_scope",
                description=f"New work: {text[:300]}",
                price=Money(amount=estimate.amount, currency=terms.currency),
                computation=estimate.computation,
                request_id=decision.request_id,
            )
        )
    return lines


def _round_line(
    terms: ContractTerms, decision: DecisionMade, part: QuotePart, title: str
) -> ChangeOrderLine:
    rounds = _rounds_priced(terms, decision.deliverable, part)
    return ChangeOrderLine(
        kind=part.kind,
        description=f"{_LINE_TITLES[part.kind]}: {title} ({rounds} round{'s' * (rounds > 1)})",
        price=part.price,
        computation=part.computation,
        deliverable=decision.deliverable,
        request_id=decision.request_id,
        extra_rounds=rounds,
    )


def _rounds_priced(terms: ContractTerms, deliverable: str, part: QuotePart) -> int:
    """How many rounds a round part pays for: its price over a flat round's, else one."""
    price = terms.policy_for(deliverable).extra_round
    if part.kind == "too_large" and isinstance(price, FlatRoundPrice) and price.amount > 0:
        return max(int(part.price.amount / price.amount), 1)
    return 1


def _title(terms: ContractTerms, deliverable_id: str) -> str:
    found = terms.deliverable(deliverable_id)
    return found.title if found is not None else deliverable_id


def _stated_size(item: FreeItem) -> AskSize | None:
    if item.words is not None:
        return AskSize(words=item.words)
    if item.count is not None:
        return AskSize(count=item.count, noun=size_of_ask(item.description).noun)
    return None


def _problem(path: str, reason: str) -> RequestError:
    return RequestError(f"{path}: {reason}", (FieldProblem(path=path, reason=reason),))
