"""The contract's state as folded from its ledger: plain frozen values, no behaviour of note.

Rule: state is derived, never stored as truth. Each value here can be rebuilt at any time
by folding the ledger (`engine.ledger.fold`); comparing two states with ``==`` is how the
tests check that folding is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from roundwise.engine.errors import LedgerError
from roundwise.engine.ledger.events import (
    AssessmentCorrected,
    ChangeOrderIssued,
    ChangeOrderLine,
    ChangeOrderSent,
    DecisionMade,
)
from roundwise.engine.ledger.money_state import MoneyState

ApprovalKind = Literal["explicit", "deemed", "after_last_round"]
APPROVAL_KINDS: tuple[ApprovalKind, ...] = ("explicit", "deemed", "after_last_round")


@dataclass(frozen=True, slots=True)
class Version:
    """A delivered version of a deliverable: its text, or for visual work its file hash."""

    number: int
    at: datetime
    text: str | None
    file_sha256: str | None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class Approval:
    """How and when a deliverable became approved (and which version was current then)."""

    kind: ApprovalKind
    at: datetime
    version: int | None


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """A client request, its decision (once made) and the version that answered it."""

    request_id: str
    deliverable: str
    at: datetime
    received_at: datetime
    message: str
    decision: DecisionMade | None = None
    delivered_version: int | None = None
    # Issue 16.5/16.6: a decision that needs review is final only once confirmed; a
    # correction waits for the decision that supersedes the current one.
    confirmed: bool = False
    correction: AssessmentCorrected | None = None
    rejudge_pending: bool = False
    superseded: int = 0

    @property
    def final(self) -> bool:
        """Decided (not awaiting the decision a correction asks for), and either
        confident or confirmed by the freelancer."""
        decision = self.decision
        if decision is None or self.rejudge_pending:
            return False
        return not decision.needs_review or self.confirmed

    @property
    def counts_round(self) -> bool:
        """Whether the fold counts a round for this request (a final decision using one)."""
        return self.final and self.decision is not None and self.decision.consumed_round

    @property
    def is_open(self) -> bool:
        """Undecided, or decided as work that consumes a round or is a free fix, undelivered."""
        if self.decision is None:
            return True
        needs_work = self.decision.consumed_round or any(
            item.verdict == "free_fix" for item in self.decision.items
        )
        return needs_work and self.delivered_version is None


@dataclass(frozen=True, slots=True)
class DeliverableState:
    """Where one deliverable stands: rounds, versions, approval and the review clock."""

    id: str
    rounds_included: int
    rounds_used: int = 0
    free_fixes: int = 0
    versions: tuple[Version, ...] = ()
    approval: Approval | None = None
    review_deadline: datetime | None = None

    @property
    def rounds_left(self) -> int:
        """Included rounds not yet consumed (never negative)."""
        return max(self.rounds_included - self.rounds_used, 0)

    @property
    def current_version(self) -> Version | None:
        """The latest delivered version, or None before the first delivery."""
        return self.versions[-1] if self.versions else None

    @property
    def approved(self) -> bool:
        """Whether the deliverable is approved (explicitly, by silence or after the last round)."""
        return self.approval is not None


@dataclass(frozen=True, slots=True)
class ChangeOrder:
    """An issued change order: what was sent to the client and, once answered, the answer.

    Only an accepted one changes the contract (its extra rounds); a declined or expired
    one is kept as it stands, as a record.
    """

    issued: ChangeOrderIssued
    accepted_at: datetime | None = None
    sent: ChangeOrderSent | None = None
    declined_at: datetime | None = None
    answered_by: str | None = None
    answer_note: str | None = None

    @property
    def answered(self) -> bool:
        """Accepted or declined: a change order is answered once."""
        return self.accepted_at is not None or self.declined_at is not None

    @property
    def valid_until(self) -> date | None:
        """The last local day it may be accepted, when it was sent with one."""
        return self.sent.valid_until if self.sent is not None else None

    @property
    def request_ids(self) -> tuple[str, ...]:
        """The judged requests it prices: the issued one, then those of its sent lines."""
        lines = self.sent.lines if self.sent is not None else ()
        ids = (self.issued.request_id, *(line.request_id for line in lines))
        return tuple(dict.fromkeys(i for i in ids if i is not None))


@dataclass(frozen=True, slots=True)
class ContractState:
    """The whole contract at ``as_of``: deliverables, requests, change orders, completion."""

    deliverables: tuple[DeliverableState, ...]
    as_of: datetime | None = None
    contract_id: str | None = None
    signed_at: datetime | None = None
    completed_at: datetime | None = None
    requests: tuple[RequestRecord, ...] = ()
    change_orders: tuple[ChangeOrder, ...] = ()
    event_count: int = 0
    request_index: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    """Position of each request in ``requests`` (derived, for constant-time lookups)."""
    money: MoneyState = field(default_factory=MoneyState)
    """Invoices, payments and cancellation (`engine.ledger.money` adds them up)."""

    def deliverable(self, deliverable_id: str) -> DeliverableState:
        """The state of one deliverable; `LedgerError` if the contract has no such id."""
        for item in self.deliverables:
            if item.id == deliverable_id:
                return item
        raise LedgerError(f"the contract has no deliverable {deliverable_id!r}")

    def request(self, request_id: str) -> RequestRecord | None:
        """The record of a request, or None."""
        if len(self.request_index) == len(self.requests):
            index = self.request_index.get(request_id)
            return None if index is None else self.requests[index]
        return next((r for r in self.requests if r.request_id == request_id), None)

    @property
    def open_requests(self) -> tuple[RequestRecord, ...]:
        """Requests still waiting for a decision or for delivery."""
        return tuple(r for r in self.requests if r.is_open)

    @property
    def ordered_work(self) -> tuple[tuple[int, ChangeOrderLine], ...]:
        """New work the client ordered beyond the deliverables: the lines of accepted
        change orders that add no revision rounds, each with its change order's number.
        (Lines that add rounds are in the deliverables' ``rounds_included`` already.)"""
        return tuple(
            (order.issued.number, line)
            for order in self.change_orders
            if order.accepted_at is not None and order.sent is not None
            for line in order.sent.lines
            if not line.extra_rounds
        )
