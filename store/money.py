"""Money events in the database: invoices, payments and the cancellation.

Each is checked, with the field named, before the fold sees it (the fold is the last
guard and says the same in its own words): an amount in the contract's currency, an
invoice number used once, a payment for an issued invoice, one cancellation of a live
contract. Invoices and payments go on after completion (the last invoice usually does);
a cancellation only while the contract is signed and not yet completed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from roundwise.engine.errors import FieldProblem, RequestError
from roundwise.engine.ledger import (
    CancelledBy,
    ContractState,
    Event,
    InvoiceIssued,
    InvoiceKind,
    PaymentReceived,
    ProjectCancelled,
)
from roundwise.engine.terms import ContractTerms, Money
from roundwise.store.errors import ConflictError
from roundwise.store.ledger import Clock, append_events, fold_with, ledger_time
from roundwise.store.models import Contract

BILLABLE_STATUSES = frozenset({"signed", "completed"})


@dataclass(frozen=True, slots=True)
class Recorded:
    """A money event as appended: its ledger place and the state folded with it."""

    seq: int
    event: Event
    state: ContractState


def record_invoice(
    session: Session,
    contract: Contract,
    terms: ContractTerms,
    invoice: tuple[str, Decimal, str | None, InvoiceKind, date | None, str | None],
    clock: Clock,
) -> Recorded:
    """Issue an invoice; ``invoice`` is (number, amount, currency, kind, due_on, note)."""
    number, amount, currency, kind, due_on, note = invoice
    _require_billable(contract)
    money = _money(terms, amount, currency)
    now = ledger_time(session, contract.id, clock)
    known = fold_with(session, contract, terms, [], now).money
    if known.invoice(number) is not None:
        raise ConflictError(
            f"invoice {number!r} is already issued",
            (FieldProblem("number", "already used on this contract"),),
        )
    event = InvoiceIssued(at=now, number=number, amount=money, kind=kind, due_on=due_on, note=note)
    return _append(session, contract, terms, event, now)


def record_payment(
    session: Session,
    contract: Contract,
    terms: ContractTerms,
    payment: tuple[Decimal, str | None, str | None, str | None],
    clock: Clock,
) -> Recorded:
    """Record a payment; ``payment`` is (amount, currency, invoice number, reference)."""
    amount, currency, invoice, reference = payment
    _require_billable(contract)
    money = _money(terms, amount, currency)
    now = ledger_time(session, contract.id, clock)
    known = fold_with(session, contract, terms, [], now).money
    if invoice is not None and known.invoice(invoice) is None:
        issued = ", ".join(i.number for i in known.invoices) or "none yet"
        raise RequestError(
            f"no invoice {invoice!r} on this contract",
            (FieldProblem("invoice", f"unknown invoice; issued: {issued}"),),
        )
    event = PaymentReceived(at=now, amount=money, invoice=invoice, reference=reference)
    return _append(session, contract, terms, event, now)


def record_cancellation(
    session: Session,
    contract: Contract,
    terms: ContractTerms,
    cancellation: tuple[CancelledBy, str | None],
    clock: Clock,
) -> Recorded:
    """Cancel the project; by the client, the kill fee of the stage reached becomes owed."""
    by, reason = cancellation
    if contract.status != "signed":
        raise ConflictError(f"contract {contract.id} is {contract.status}, not signed")
    now = ledger_time(session, contract.id, clock)
    if fold_with(session, contract, terms, [], now).money.cancellation is not None:
        raise ConflictError(f"contract {contract.id} is already cancelled")
    event = ProjectCancelled(at=now, by=by, reason=reason)
    return _append(session, contract, terms, event, now)


def money_state(
    session: Session, contract: Contract, terms: ContractTerms, clock: Clock
) -> ContractState:
    """The contract's state now (for its money summary)."""
    return fold_with(session, contract, terms, [], ledger_time(session, contract.id, clock))


def _require_billable(contract: Contract) -> None:
    if contract.status not in BILLABLE_STATUSES:
        raise ConflictError(f"contract {contract.id} is {contract.status}, not signed")


def _money(terms: ContractTerms, amount: Decimal, currency: str | None) -> Money:
    if currency is not None and currency != terms.currency:
        raise RequestError(
            f"the contract is in {terms.currency}, not {currency}",
            (FieldProblem("currency", f"must be the contract's currency, {terms.currency}"),),
        )
    return Money(amount=amount, currency=terms.currency)


def _append(
    session: Session, contract: Contract, terms: ContractTerms, event: Event, now: datetime
) -> Recorded:
    state = fold_with(session, contract, terms, [event], now)
    seq = append_events(session, contract, [event])[0]
    return Recorded(seq, event, state)
