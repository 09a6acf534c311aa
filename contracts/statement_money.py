"""The revision statement's money section: invoices, payments, deposit, kill fee, owed.

Shown once the ledger records money (an invoice, a payment or a cancellation); the
figures are `engine.ledger.money_summary` of the same fold as the rest of the statement,
formatted in the contract's locale.
"""

from __future__ import annotations

from dataclasses import dataclass

from roundwise.contracts import formatting as fmt
from roundwise.engine.ledger import ContractState, money_summary
from roundwise.engine.terms import ClauseKey, ContractTerms, clause, percent

STAGE_LABELS = {
    "before_first_delivery": "before first delivery",
    "after_first_draft": "after the first draft",
    "after_revisions": "after revisions",
    "approved": "approved",
}


@dataclass(frozen=True, slots=True)
class MoneyView:
    """Figures as (label, value) rows, the invoices, and the kill fee's arithmetic."""

    figures: tuple[tuple[str, str], ...]
    invoices: tuple[tuple[str, str, str, str, str], ...]
    kill_fee_lines: tuple[str, ...]
    owed: str


def money_view(terms: ContractTerms, state: ContractState) -> MoneyView | None:
    """The money section, or None while the ledger records no money."""
    summary = money_summary(terms, state)
    if not summary.tracked:
        return None
    figures = [
        ("Invoiced", fmt.amount(terms, summary.invoiced)),
        ("Paid", fmt.amount(terms, summary.paid)),
    ]
    if summary.deposit_due:
        paid = fmt.amount(terms, summary.deposit_paid)
        figures.append(("Deposit", f"{fmt.amount(terms, summary.deposit_due)} due, {paid} paid"))
    lines: tuple[str, ...] = ()
    cancellation = summary.cancellation
    if cancellation is not None:
        when = fmt.local_datetime(terms, cancellation.at)
        figures.append(("Cancelled", f"{when} by the {cancellation.by}"))
    if cancellation is not None and cancellation.kill_fee is not None:
        cited = clause(terms, ClauseKey.CANCELLATION).number
        figures.append((f"Kill fee (clause {cited})", fmt.amount(terms, cancellation.kill_fee)))
        lines = tuple(
            f"{line.deliverable}: {STAGE_LABELS[line.stage]}, "
            + (
                f"{fmt.amount(terms, line.fee)} × {percent(line.share)} = "
                f"{fmt.amount(terms, line.amount)}"
                if line.fee is not None
                else "no fee in the contract"
            )
            for line in cancellation.lines
        )
    overdue = {i.number for i in summary.overdue}
    invoices = tuple(
        (
            i.number,
            fmt.short_date(terms, i.issued_at.astimezone(terms.zone).date()),
            fmt.short_date(terms, i.due_on) + (" (overdue)" if i.number in overdue else ""),
            fmt.amount(terms, i.amount),
            fmt.amount(terms, i.paid),
        )
        for i in summary.invoices
    )
    return MoneyView(tuple(figures), invoices, lines, fmt.amount(terms, summary.owed))
