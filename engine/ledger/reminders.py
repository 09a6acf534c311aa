"""Reminders: what needs the freelancer's attention and when, computed from the ledger.

Nothing is stored: a reminder is a pure function of the terms and the state folded at
some time, so it can be listed for any window and is never out of date. Kinds:

- ``review_window_ending``: ``lead_days`` before a review window ends (its deadline, or
  the deemed approval it became), while the version is still under review or was
  deemed approved;
- ``deemed_approval``: the window ended in silence, the version counts as approved;
- ``change_order_unanswered``: ``unanswered_days`` after a change order was issued, if it
  is still neither accepted (nor declined, once the ledger records declines);
- ``deposit_unpaid``: the deposit is due on signing and payable within the payment term
  (``payment.due_days``): reminded then, while less than the deposit has been paid.

A cancelled project gets no reminder but the deemed approvals it had before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from roundwise.engine.ledger.money import deposit_due
from roundwise.engine.ledger.state import ContractState
from roundwise.engine.terms import ContractTerms, money

ReminderKind = Literal[
    "review_window_ending", "deemed_approval", "change_order_unanswered", "deposit_unpaid"
]
REMINDER_KINDS: tuple[ReminderKind, ...] = (
    "review_window_ending",
    "deemed_approval",
    "change_order_unanswered",
    "deposit_unpaid",
)


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder: its kind, when it is due, what it is about, one sentence."""

    kind: ReminderKind
    at: datetime
    subject: str
    message: str
    deliverable: str | None = None
    version: int | None = None
    change_order: int | None = None


def reminders(
    terms: ContractTerms, state: ContractState, lead_days: int, unanswered_days: int
) -> tuple[Reminder, ...]:
    """Every reminder of the contract, oldest first (ties by kind and subject)."""
    found = [
        *_windows(terms, state, lead_days),
        *_orders(state, unanswered_days),
        *_deposit(terms, state),
    ]
    return tuple(sorted(found, key=lambda r: (r.at, r.kind, r.subject)))


def _windows(terms: ContractTerms, state: ContractState, lead_days: int) -> Iterator[Reminder]:
    lead = timedelta(days=lead_days)
    cancelled = state.money.cancellation is not None
    for item in state.deliverables:
        version = item.current_version.number if item.current_version else None
        approval = item.approval
        if approval is not None and approval.kind == "deemed":
            deadline, version = approval.at, approval.version
            yield Reminder(
                "deemed_approval",
                deadline,
                f"{item.id}/v{version}",
                f"{_title(terms, item.id)}: version {version} counts as approved "
                "(the review window ended without a revision request).",
                deliverable=item.id,
                version=version,
            )
        elif item.review_deadline is not None and not cancelled:
            deadline = item.review_deadline
        else:
            continue
        delivered = next((v.at for v in item.versions if v.number == version), deadline)
        yield Reminder(
            "review_window_ending",
            max(deadline - lead, delivered),  # a lead longer than the window: at delivery
            f"{item.id}/v{version}",
            f"{_title(terms, item.id)}: the review window for version {version} ends "
            f"{deadline.astimezone(terms.zone).isoformat(timespec='minutes')}.",
            deliverable=item.id,
            version=version,
        )


def _orders(state: ContractState, unanswered_days: int) -> Iterator[Reminder]:
    if state.money.cancellation is not None:
        return
    wait = timedelta(days=unanswered_days)
    for order in state.change_orders:
        if order.answered:  # accepted or declined: nothing left to chase
            continue
        issued = order.issued
        yield Reminder(
            "change_order_unanswered",
            issued.at + wait,
            f"change-order/{issued.number}",
            f"Change order {issued.number} ({issued.description[:80]}) is still unanswered.",
            deliverable=issued.deliverable,
            change_order=issued.number,
        )


def _deposit(terms: ContractTerms, state: ContractState) -> Iterator[Reminder]:
    due = deposit_due(terms)
    if not due or state.signed_at is None or state.money.cancellation is not None:
        return
    unpaid = due - min(state.money.paid, due)
    if unpaid <= 0:
        return
    yield Reminder(
        "deposit_unpaid",
        state.signed_at + timedelta(days=terms.payment.due_days),
        "deposit",
        f"Deposit unpaid: {money(terms, unpaid)} of {money(terms, due)}.",
    )


def _title(terms: ContractTerms, deliverable_id: str) -> str:
    found = terms.deliverable(deliverable_id)
    return found.title if found else deliverable_id
