"""The scope report's money alerts: deposit unpaid, invoices overdue, kill fee owed.

Each is one sentence with its figures, in the contract's currency, from
`engine.ledger.money_summary` (so the report and the statement agree on every amount).
"""

from __future__ import annotations

from decimal import Decimal

from roundwise.engine.ledger import MoneySummary
from roundwise.engine.scope.model import Alert
from roundwise.engine.terms import ClauseKey, ContractTerms, clause, money


def money_alerts(contract: ContractTerms, summary: MoneySummary) -> list[Alert]:
    """Alerts for money the client owes as of the report.

    Only once the ledger records money (an invoice, payment or cancellation): a freelancer
    who keeps their books elsewhere is not told of an unpaid deposit on every report.
    """
    alerts: list[Alert] = []
    if not summary.tracked:
        return alerts
    deposit = summary.deposit_outstanding
    if deposit and summary.cancellation is None:
        citation = clause(contract, ClauseKey.FEES).citation
        alerts.append(
            Alert(
                "deposit_unpaid",
                f"Deposit unpaid: {money(contract, deposit)} of "
                f"{money(contract, summary.deposit_due or deposit)} ({citation}).",
            )
        )
    if summary.overdue:
        open_amount = sum((i.open_amount for i in summary.overdue), Decimal(0))
        numbers = ", ".join(i.number for i in summary.overdue)
        alerts.append(
            Alert(
                "invoices_overdue",
                f"{len(summary.overdue)} invoice(s) overdue ({numbers}): "
                f"{money(contract, open_amount)} unpaid.",
                summary.overdue[-1].number,
            )
        )
    cancellation = summary.cancellation
    if summary.kill_fee_owed and cancellation is not None and cancellation.kill_fee is not None:
        citation = clause(contract, ClauseKey.CANCELLATION).citation
        alerts.append(
            Alert(
                "kill_fee_owed",
                f"Project cancelled: kill fee {money(contract, cancellation.kill_fee)}, "
                f"{money(contract, summary.kill_fee_owed)} still owed ({citation}).",
            )
        )
    return alerts
