"""The revision statement's money section: invoices, payments, deposit, kill fee, owed.

Shown once the ledger records money (an invoice, a payment or a cancellation); the
figures are `engine.ledger.money_summary` of the same fold as the rest of the statement,
formatted in the document's one locale, every label from the document's language data
(``money`` in ``contracts/i18n/<lang>.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass

from roundwise.contracts.i18n import DocText
from roundwise.engine.ledger import ContractState, KillFeeLine, money_summary
from roundwise.engine.terms import ClauseKey, ContractTerms, clause

_LABELS = (
    "heading",
    "kill_fee_part",
    "owed",
    "col_invoice",
    "col_issued",
    "col_due",
    "col_amount",
    "col_paid",
)


@dataclass(frozen=True, slots=True)
class MoneyView:
    """Figures as (label, value) rows, the invoices, and the kill fee's arithmetic."""

    figures: tuple[tuple[str, str], ...]
    invoices: tuple[tuple[str, str, str, str, str], ...]
    kill_fee_lines: tuple[str, ...]
    owed: str
    labels: dict[str, str]


def money_view(terms: ContractTerms, state: ContractState, tx: DocText) -> MoneyView | None:
    """The money section, or None while the ledger records no money."""
    summary = money_summary(terms, state)
    if not summary.tracked:
        return None
    figures = [
        (tx.t("money.invoiced"), tx.money(summary.invoiced)),
        (tx.t("money.paid"), tx.money(summary.paid)),
    ]
    if summary.deposit_due:
        deposit = tx.t(
            "money.deposit_value",
            due=tx.money(summary.deposit_due),
            paid=tx.money(summary.deposit_paid),
        )
        figures.append((tx.t("money.deposit"), deposit))
    lines: tuple[str, ...] = ()
    cancellation = summary.cancellation
    if cancellation is not None:
        when = tx.moment(cancellation.at, terms.zone)
        figures.append((tx.t("money.cancelled"), tx.t(f"money.by_{cancellation.by}", when=when)))
    if cancellation is not None and cancellation.kill_fee is not None:
        cited = clause(terms, ClauseKey.CANCELLATION).number
        label = tx.t("money.kill_fee", clause=cited)
        figures.append((label, tx.money(cancellation.kill_fee)))
        lines = tuple(_kill_fee_line(terms, tx, line) for line in cancellation.lines)
    overdue = {i.number for i in summary.overdue}
    invoices = tuple(
        (
            i.number,
            tx.date(i.issued_at.astimezone(terms.zone).date()),
            tx.t("money.overdue", date=tx.date(i.due_on))
            if i.number in overdue
            else tx.date(i.due_on),
            tx.money(i.amount),
            tx.money(i.paid),
        )
        for i in summary.invoices
    )
    labels = {key: tx.t(f"money.{key}") for key in _LABELS}
    return MoneyView(tuple(figures), invoices, lines, tx.money(summary.owed), labels)


def _kill_fee_line(terms: ContractTerms, tx: DocText, line: KillFeeLine) -> str:
    """One deliverable's part of the kill fee, with its arithmetic."""
    found = terms.deliverable(line.deliverable)
    title = found.title if found is not None else line.deliverable
    stage = tx.t(f"money.stages.{line.stage}")
    if line.fee is None:
        return tx.t("money.kill_fee_no_fee", deliverable=title, stage=stage)
    return tx.t(
        "money.kill_fee_line",
        deliverable=title,
        stage=stage,
        fee=tx.money(line.fee),
        share=tx.percent(line.share),
        amount=tx.money(line.amount),
    )
