"""Money as folded from the ledger: invoices, payments and a cancellation, plain values.

Rule: like the rest of `ContractState`, these are derived, never stored as truth. The
amounts are exact Decimals in the contract's currency (the fold refuses an event in
another currency); what they add up to (owed, deposit, overdue) is
`engine.ledger.money.money_summary`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from roundwise.engine.ledger.events import CancelledBy, InvoiceKind
from roundwise.engine.terms.kill_fee import KillFeeStage

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Invoice:
    """An issued invoice and what has been paid against it by name."""

    number: str
    kind: InvoiceKind
    amount: Decimal
    issued_at: datetime
    due_on: date
    paid: Decimal = ZERO

    @property
    def open_amount(self) -> Decimal:
        """What is still unpaid on this invoice (never negative)."""
        return max(self.amount - self.paid, ZERO)


@dataclass(frozen=True, slots=True)
class KillFeeLine:
    """One deliverable's part of the kill fee: its stage, fee, share and amount."""

    deliverable: str
    stage: KillFeeStage
    fee: Decimal | None
    share: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Cancellation:
    """The project's cancellation and, when the client cancelled, the kill fee then owed.

    ``unpriced`` names deliverables without a fee: they add nothing to the kill fee, so
    it is a lower bound when any are listed.
    """

    at: datetime
    by: CancelledBy
    reason: str | None
    kill_fee: Decimal | None
    lines: tuple[KillFeeLine, ...] = ()
    unpriced: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MoneyState:
    """Invoices issued, payments received (in total) and the cancellation, if any."""

    invoices: tuple[Invoice, ...] = ()
    paid: Decimal = ZERO
    payments: int = 0
    last_payment_at: datetime | None = None
    cancellation: Cancellation | None = None

    @property
    def invoiced(self) -> Decimal:
        """The sum of every issued invoice."""
        return sum((invoice.amount for invoice in self.invoices), ZERO)

    def invoice(self, number: str) -> Invoice | None:
        """The invoice with this number, or None."""
        return next((i for i in self.invoices if i.number == number), None)
