"""Money the contract names: invoices, payments, the cancellation and what is owed.

Each POST appends one ledger event (``InvoiceIssued``, ``PaymentReceived``,
``ProjectCancelled``) under the contract's lock and answers with the money as folded with
it; ``GET …/money`` is the same summary at any time. Amounts are exact decimal strings
in the contract's currency (a ``currency`` sent must be that one).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from roundwise.api.deps import AccountDep, SessionDep, WriteSessionDep
from roundwise.api.errors import problem_responses
from roundwise.api.examples import examples
from roundwise.api.schemas import StoredIn
from roundwise.engine.ledger import (
    CancelledBy,
    ContractState,
    Invoice,
    InvoiceKind,
    money_summary,
)
from roundwise.engine.terms import ContractTerms
from roundwise.store import contracts, money
from roundwise.store.base import utcnow

router = APIRouter(
    prefix="/contracts/{contract_id}",
    tags=["money"],
    responses=problem_responses(400, 401, 404, 413, 422),
)

# The bounds of a spec's amounts (engine.terms.bounds): up to 10^12, four decimal places.
Amount = Annotated[
    Decimal,
    Field(gt=0, le=Decimal(10) ** 12, decimal_places=4, allow_inf_nan=False, examples=["480.00"]),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="Must be the contract's.")]
InvoiceNumber = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^\S(.*\S)?$")]


class InvoiceIn(StoredIn):
    """An invoice issued to the client."""

    model_config = examples(
        {"number": "2026-041", "amount": "450.00", "kind": "deposit", "due_on": "2026-12-21"}
    )

    number: InvoiceNumber = Field(description="Your invoice number; unique within the contract.")
    amount: Amount = Field(description="The invoiced amount, a decimal string in the currency.")
    currency: Currency | None = Field(
        default=None, description="ISO 4217 code; must be the contract's (default: the contract's)."
    )
    kind: InvoiceKind = Field(
        default="work",
        description="What the invoice is for: the deposit, work, a change order or a kill fee.",
    )
    due_on: date | None = Field(
        default=None, description="Default: the contract's payment term after today."
    )
    note: str | None = Field(
        default=None, max_length=2000, description="Free text kept with the invoice."
    )


class PaymentIn(StoredIn):
    """Money received from the client, for an invoice or on account."""

    model_config = examples({"amount": "450.00", "invoice": "2026-041", "reference": "SEPA 88412"})

    amount: Amount = Field(description="The amount received, a decimal string in the currency.")
    currency: Currency | None = Field(
        default=None, description="ISO 4217 code; must be the contract's (default: the contract's)."
    )
    invoice: InvoiceNumber | None = Field(
        default=None, description="The invoice it pays; omitted: a payment on account."
    )
    reference: str | None = Field(
        default=None, max_length=200, description="The bank or payment reference, for your records."
    )


class CancellationIn(StoredIn):
    """The project is cancelled (by the client unless ``by`` says otherwise)."""

    model_config = examples({"by": "client", "reason": "The campaign was cancelled."})

    by: CancelledBy = Field(
        default="client", description="Who cancelled: the client (a kill fee is owed) or you."
    )
    reason: str | None = Field(
        default=None, max_length=2000, description="Why, in a sentence, kept in the ledger."
    )


class InvoiceOut(BaseModel):
    """An issued invoice and what was paid against it."""

    number: str
    kind: str
    amount: Decimal
    paid: Decimal
    issued_at: datetime
    due_on: date
    overdue: bool


class KillFeeLineOut(BaseModel):
    """One deliverable's part of the kill fee."""

    deliverable: str
    stage: str
    fee: Decimal | None
    share: Decimal
    amount: Decimal


class CancellationOut(BaseModel):
    """The cancellation and the kill fee it fixed."""

    at: datetime
    by: str
    reason: str | None
    kill_fee: Decimal | None
    lines: list[KillFeeLineOut]
    unpriced: list[str]


class MoneyOut(BaseModel):
    """What was invoiced and paid, the deposit, and what the client owes now."""

    currency: str
    invoiced: Decimal
    paid: Decimal
    outstanding: Decimal
    owed: Decimal
    deposit_due: Decimal | None
    deposit_paid: Decimal
    deposit_outstanding: Decimal | None
    kill_fee_owed: Decimal | None
    kill_fee_if_cancelled_now: Decimal | None
    cancellation: CancellationOut | None
    invoices: list[InvoiceOut]


class RecordedOut(BaseModel):
    """The event appended, its place in the ledger, and the money folded with it."""

    ledger_seq: int
    type: str
    at: datetime
    money: MoneyOut


def money_out(terms: ContractTerms, state: ContractState) -> MoneyOut:
    """The API's view of `engine.ledger.money_summary`."""
    summary = money_summary(terms, state)
    overdue = {i.number for i in summary.overdue}
    cancellation = summary.cancellation
    return MoneyOut(
        currency=summary.currency,
        invoiced=summary.invoiced,
        paid=summary.paid,
        outstanding=summary.outstanding,
        owed=summary.owed,
        deposit_due=summary.deposit_due,
        deposit_paid=summary.deposit_paid,
        deposit_outstanding=summary.deposit_outstanding,
        kill_fee_owed=summary.kill_fee_owed,
        kill_fee_if_cancelled_now=summary.kill_fee_if_cancelled_now,
        cancellation=None
        if cancellation is None
        else CancellationOut(
            at=cancellation.at,
            by=cancellation.by,
            reason=cancellation.reason,
            kill_fee=cancellation.kill_fee,
            lines=[
                KillFeeLineOut.model_validate(line, from_attributes=True)
                for line in cancellation.lines
            ],
            unpriced=list(cancellation.unpriced),
        ),
        invoices=[_invoice_out(i, i.number in overdue) for i in summary.invoices],
    )


def _invoice_out(invoice: Invoice, overdue: bool) -> InvoiceOut:
    return InvoiceOut(
        number=invoice.number,
        kind=invoice.kind,
        amount=invoice.amount,
        paid=invoice.paid,
        issued_at=invoice.issued_at,
        due_on=invoice.due_on,
        overdue=overdue,
    )


def _recorded(terms: ContractTerms, recorded: money.Recorded) -> RecordedOut:
    return RecordedOut(
        ledger_seq=recorded.seq,
        type=recorded.event.type,
        at=recorded.event.at,
        money=money_out(terms, recorded.state),
    )


CREATED = status.HTTP_201_CREATED
WRITE_PROBLEMS = problem_responses(404, 409, 413)


@router.post("/invoices", status_code=CREATED, responses=WRITE_PROBLEMS)
def issue_invoice(
    contract_id: str, body: InvoiceIn, account: AccountDep, session: WriteSessionDep
) -> RecordedOut:
    """Record an invoice issued to the client (``InvoiceIssued``)."""
    contract = contracts.lock_contract(session, account, contract_id)
    terms = contracts.terms_of(contract)
    invoice = (body.number, body.amount, body.currency, body.kind, body.due_on, body.note)
    recorded = money.record_invoice(session, contract, terms, invoice, utcnow)
    session.commit()
    return _recorded(terms, recorded)


@router.post("/payments", status_code=CREATED, responses=WRITE_PROBLEMS)
def receive_payment(
    contract_id: str, body: PaymentIn, account: AccountDep, session: WriteSessionDep
) -> RecordedOut:
    """Record money received from the client (``PaymentReceived``)."""
    contract = contracts.lock_contract(session, account, contract_id)
    terms = contracts.terms_of(contract)
    payment = (body.amount, body.currency, body.invoice, body.reference)
    recorded = money.record_payment(session, contract, terms, payment, utcnow)
    session.commit()
    return _recorded(terms, recorded)


@router.post("/cancellation", status_code=CREATED, responses=WRITE_PROBLEMS)
def cancel_project(
    contract_id: str, body: CancellationIn, account: AccountDep, session: WriteSessionDep
) -> RecordedOut:
    """Cancel the project (``ProjectCancelled``); by the client, the kill fee becomes owed."""
    contract = contracts.lock_contract(session, account, contract_id)
    terms = contracts.terms_of(contract)
    recorded = money.record_cancellation(session, contract, terms, (body.by, body.reason), utcnow)
    session.commit()
    return _recorded(terms, recorded)


@router.get("/money", responses=problem_responses(404))
def read_money(contract_id: str, account: AccountDep, session: SessionDep) -> MoneyOut:
    """Invoiced, paid, the deposit, the kill fee and what the client owes now."""
    contract = contracts.get_contract(session, account, contract_id)
    terms = contracts.terms_of(contract)
    return money_out(terms, money.money_state(session, contract, terms, utcnow))
