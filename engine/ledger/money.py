"""Money the contract names: invoices, payments, the deposit and the kill fee.

Fold steps (called from `engine.ledger.fold`): an invoice or payment must be in the
contract's currency, an invoice number is used once, a payment naming an invoice must
name an issued one; a project is cancelled at most once and not after completion. The
cancellation stops every review clock (nothing is deemed approved on a cancelled
project) and, when the client cancelled, fixes the kill fee of the stage each deliverable
had reached then (`engine.terms.kill_fee`):

    kill fee = Σ over deliverables  fee × share(stage)          (exact Decimal)

Adding it up (`money_summary`): the deposit due is ``payment.deposit_share`` × the total
fee (None while a deliverable is unpriced), paid first from the money received. The
client owes what is invoiced and unpaid; after a cancellation by the client, the kill fee
is what the whole project costs, so invoices count towards it, not on top of it:
``owed = max(kill fee, invoiced) − paid`` (never below 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from roundwise.engine.errors import LedgerError
from roundwise.engine.ledger.draft import ItemDraft, StateDraft
from roundwise.engine.ledger.events import InvoiceIssued, PaymentReceived, ProjectCancelled
from roundwise.engine.ledger.money_state import (
    ZERO,
    Cancellation,
    Invoice,
    KillFeeLine,
    MoneyState,
)
from roundwise.engine.ledger.state import ContractState, DeliverableState
from roundwise.engine.terms import ContractTerms, Money
from roundwise.engine.terms.kill_fee import stage_of, stage_share


def on_invoice(terms: ContractTerms, state: StateDraft, event: InvoiceIssued) -> None:
    """Record an invoice (its due date from the payment terms unless it names one)."""
    _same_currency(terms, event.amount, "invoice")
    money = state.money
    if money.invoice(event.number) is not None:
        raise LedgerError(f"invoice {event.number!r} is issued twice")
    due_on = event.due_on or _local_day(terms, event.at) + timedelta(days=terms.payment.due_days)
    invoice = Invoice(event.number, event.kind, event.amount.amount, event.at, due_on)
    state.money = replace(money, invoices=(*money.invoices, invoice))


def on_payment(terms: ContractTerms, state: StateDraft, event: PaymentReceived) -> None:
    """Record a payment, against the invoice it names when it names one."""
    _same_currency(terms, event.amount, "payment")
    money = state.money
    invoices = money.invoices
    if event.invoice is not None:
        if money.invoice(event.invoice) is None:
            raise LedgerError(f"payment for unknown invoice {event.invoice!r}")
        invoices = tuple(
            replace(i, paid=i.paid + event.amount.amount) if i.number == event.invoice else i
            for i in invoices
        )
    state.money = replace(
        money,
        invoices=invoices,
        paid=money.paid + event.amount.amount,
        payments=money.payments + 1,
        last_payment_at=event.at,
    )


def on_cancelled(terms: ContractTerms, state: StateDraft, event: ProjectCancelled) -> None:
    """Record the cancellation, stop the review clocks and fix the kill fee then owed."""
    if state.money.cancellation is not None:
        raise LedgerError("the project is cancelled twice")
    if state.completed_at is not None:
        raise LedgerError("a completed contract cannot be cancelled")
    lines, unpriced = kill_fee_lines(terms, state.items)
    fee = sum((line.amount for line in lines), ZERO) if event.by == "client" else None
    cancellation = Cancellation(
        at=event.at,
        by=event.by,
        reason=event.reason,
        kill_fee=fee,
        lines=lines if event.by == "client" else (),
        unpriced=unpriced if event.by == "client" else (),
    )
    for item in state.items:
        item.review_deadline = None
    state.money = replace(state.money, cancellation=cancellation)


def kill_fee_lines(
    terms: ContractTerms, items: Iterable[ItemDraft | DeliverableState]
) -> tuple[tuple[KillFeeLine, ...], tuple[str, ...]]:
    """Each deliverable's part of the kill fee at the stage it reached, and the unpriced."""
    pay = terms.payment
    lines: list[KillFeeLine] = []
    unpriced: list[str] = []
    for item in items:
        deliverable = terms.deliverable(item.id)
        fee = deliverable.fee if deliverable is not None else None
        stage = stage_of(len(item.versions), item.approval is not None)
        share = stage_share(stage, pay.kill_fee_share, pay.kill_fee_by_stage)
        if fee is None:
            unpriced.append(item.id)
        lines.append(KillFeeLine(item.id, stage, fee, share, fee * share if fee else ZERO))
    return tuple(lines), tuple(unpriced)


@dataclass(frozen=True, slots=True)
class MoneySummary:
    """What the client owes and why, as of the state's time (amounts in ``currency``)."""

    currency: str
    invoiced: Decimal
    paid: Decimal
    outstanding: Decimal
    deposit_due: Decimal | None
    deposit_paid: Decimal
    deposit_outstanding: Decimal | None
    overdue: tuple[Invoice, ...]
    cancellation: Cancellation | None
    kill_fee_owed: Decimal | None
    owed: Decimal
    kill_fee_if_cancelled_now: Decimal | None
    invoices: tuple[Invoice, ...]
    tracked: bool
    """Whether the ledger records any money event (else the figures are only the terms')."""


def deposit_due(terms: ContractTerms) -> Decimal | None:
    """The deposit the contract asks for on signing (None while a fee is unpriced)."""
    total = terms.total_fee()
    return None if total is None else total * terms.payment.deposit_share


def money_summary(terms: ContractTerms, state: ContractState) -> MoneySummary:
    """Add up the money in ``state`` (the fold at some time) against the terms."""
    money: MoneyState = state.money
    invoiced, paid = money.invoiced, money.paid
    deposit = deposit_due(terms)
    deposit_paid = min(paid, deposit) if deposit is not None else ZERO
    cancellation = money.cancellation
    kill_fee = cancellation.kill_fee if cancellation is not None else None
    owed_basis = max(kill_fee, invoiced) if kill_fee is not None else invoiced
    today = _local_day(terms, state.as_of) if state.as_of is not None else None
    now_lines, _ = kill_fee_lines(terms, state.deliverables)
    return MoneySummary(
        currency=terms.currency,
        invoiced=invoiced,
        paid=paid,
        outstanding=max(invoiced - paid, ZERO),
        deposit_due=deposit,
        deposit_paid=deposit_paid,
        deposit_outstanding=None if deposit is None else deposit - deposit_paid,
        overdue=_overdue(money.invoices, today),
        cancellation=cancellation,
        kill_fee_owed=None if kill_fee is None else max(kill_fee - paid, ZERO),
        owed=max(owed_basis - paid, ZERO),
        kill_fee_if_cancelled_now=(
            None if cancellation is not None else sum((x.amount for x in now_lines), ZERO)
        ),
        invoices=money.invoices,
        tracked=bool(money.invoices or money.payments or cancellation),
    )


def _overdue(invoices: Sequence[Invoice], today: date | None) -> tuple[Invoice, ...]:
    if today is None:
        return ()
    return tuple(i for i in invoices if i.open_amount > 0 and i.due_on < today)


def _same_currency(terms: ContractTerms, amount: Money, what: str) -> None:
    if amount.currency != terms.currency:
        raise LedgerError(f"the {what} is in {amount.currency}, the contract in {terms.currency}")


def _local_day(terms: ContractTerms, moment: datetime) -> date:
    return moment.astimezone(terms.zone).date()
