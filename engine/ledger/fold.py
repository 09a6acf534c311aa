"""Folding the ledger into the contract's state, one event at a time.

Rule: ``fold(events, now, terms)`` is ``settle(reduce(apply, events, initial_state(terms)),
now)``. `apply` first lets time pass up to the event (`settle`), then applies it, so
folding a prefix and then the rest gives exactly the state of folding the whole ledger.
Time only ever comes in as an argument; the engine never reads a clock.

Deemed approval (clause 6.4): when a version is delivered at local date *d* (in the
contract's time zone) and the review window is *n* days, the window ends at local
midnight at the end of day *d + n*, i.e. at 00:00 of day *d + n + 1*. Delivered
2026-03-13 10:00 with 7 days ⇒ approved at 2026-03-21 00:00 local, unless a revision
request was *received* before that instant. A request received exactly at the deadline is
too late. A request received in time stops the clock for that version (even if it is
recorded later: a deemed approval it predates is withdrawn); the next delivered version
starts a new window.

Approval after the last round (clause 6.5): delivering the revision for a request that
consumed the last included round approves the deliverable at delivery time. An accepted
change order that adds rounds reopens the deliverable. The earliest approval wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, time, timedelta

from engine.errors import LedgerError
from engine.ledger.events import (
    ApprovedExplicitly,
    ChangeOrderAccepted,
    ChangeOrderIssued,
    ContractCompleted,
    ContractSigned,
    DecisionMade,
    Event,
    RevisionDelivered,
    RevisionRequested,
    VersionSubmitted,
)
from engine.ledger.state import (
    Approval,
    ChangeOrder,
    ContractState,
    DeliverableState,
    RequestRecord,
    Version,
)
from engine.terms import ContractTerms, terms_sha256


def initial_state(terms: ContractTerms) -> ContractState:
    """The state before any event: every deliverable with its included rounds, nothing used."""
    return ContractState(
        deliverables=tuple(
            DeliverableState(id=d.id, rounds_included=terms.policy_for(d.id).rounds_included)
            for d in terms.deliverables
        )
    )


def fold(
    events: Iterable[Event],
    now: datetime,
    terms: ContractTerms,
    start: ContractState | None = None,
) -> ContractState:
    """The state at ``now`` after ``events`` (continuing from ``start`` when given)."""
    state = start if start is not None else initial_state(terms)
    for event in events:
        state = apply(terms, state, event)
    return settle(terms, state, now)


def apply(terms: ContractTerms, state: ContractState, event: Event) -> ContractState:
    """One step of the fold: let time pass to the event, then record it."""
    state = _advance(state, event.at, counted=1)
    match event:
        case ContractSigned():
            return _on_signed(terms, state, event)
        case VersionSubmitted() | RevisionDelivered():
            return _on_version(terms, state, event)
        case RevisionRequested():
            return _on_requested(state, event)
        case DecisionMade():
            return _on_decided(state, event)
        case ApprovedExplicitly():
            return _on_approved(state, event)
        case ChangeOrderIssued():
            return _on_co_issued(state, event)
        case ChangeOrderAccepted():
            return _on_co_accepted(state, event)
        case ContractCompleted():
            return state if state.completed_at else replace(state, completed_at=event.at)


def settle(terms: ContractTerms, state: ContractState, now: datetime) -> ContractState:
    """Let time pass to ``now``: review windows that ended in silence become approvals."""
    return _advance(state, now, counted=0)


def _advance(state: ContractState, now: datetime, counted: int) -> ContractState:
    if now.tzinfo is None:
        raise LedgerError("'now' must be timezone-aware")
    if state.as_of is not None and now < state.as_of:
        raise LedgerError(
            f"events out of order: {now.isoformat()} is before {state.as_of.isoformat()}"
        )
    count = state.event_count + counted
    if not any(_due(item, now) for item in state.deliverables):
        return replace(state, as_of=now, event_count=count)
    deliverables = tuple(_deem(item, now) for item in state.deliverables)
    return replace(state, deliverables=deliverables, as_of=now, event_count=count)


def review_deadline(terms: ContractTerms, deliverable_id: str, delivered_at: datetime) -> datetime:
    """Local midnight at the end of the review window for a version delivered then."""
    days = terms.policy_for(deliverable_id).review_window_days
    local_day = delivered_at.astimezone(terms.zone).date()
    return datetime.combine(local_day + timedelta(days=days + 1), time(0), tzinfo=terms.zone)


def _due(item: DeliverableState, now: datetime) -> bool:
    deadline = item.review_deadline
    return deadline is not None and deadline <= now and item.approval is None


def _deem(item: DeliverableState, now: datetime) -> DeliverableState:
    deadline = item.review_deadline
    if deadline is None or not _due(item, now):
        return item
    version = item.current_version.number if item.current_version else None
    approval = Approval(kind="deemed", at=deadline, version=version)
    return replace(item, approval=approval, review_deadline=None)


def _update(state: ContractState, item: DeliverableState) -> ContractState:
    deliverables = tuple(item if d.id == item.id else d for d in state.deliverables)
    return replace(state, deliverables=deliverables)


def _update_request(state: ContractState, record: RequestRecord) -> ContractState:
    records = state.requests
    index = state.request_index.get(record.request_id)
    if index is None or len(state.request_index) != len(records):
        index = next(i for i, r in enumerate(records) if r.request_id == record.request_id)
    return replace(state, requests=(*records[:index], record, *records[index + 1 :]))


def _known_request(state: ContractState, request_id: str) -> RequestRecord:
    record = state.request(request_id)
    if record is None:
        raise LedgerError(f"event refers to unknown request {request_id!r}")
    return record


def _on_signed(terms: ContractTerms, state: ContractState, event: ContractSigned) -> ContractState:
    if state.signed_at is not None:
        raise LedgerError("the contract is signed twice")
    if event.terms_sha256 != terms_sha256(terms):
        raise LedgerError("the ledger was signed for different terms (terms_sha256 differs)")
    return replace(state, contract_id=event.contract_id, signed_at=event.at)


def _on_version(
    terms: ContractTerms, state: ContractState, event: VersionSubmitted | RevisionDelivered
) -> ContractState:
    item = state.deliverable(event.deliverable)
    if event.version != len(item.versions) + 1:
        raise LedgerError(
            f"{event.deliverable}: version {event.version} delivered, "
            f"expected {len(item.versions) + 1}"
        )
    request_id = event.request_id if isinstance(event, RevisionDelivered) else None
    version = Version(event.version, event.at, event.text, event.file_sha256, request_id)
    deadline = None if item.approval else review_deadline(terms, item.id, event.at)
    if not terms.policy_for(item.id).silence_means_approval:
        deadline = None
    item = replace(item, versions=(*item.versions, version), review_deadline=deadline)
    if isinstance(event, RevisionDelivered):
        return _on_delivered(terms, state, item, event)
    return _update(state, item)


def _on_delivered(
    terms: ContractTerms, state: ContractState, item: DeliverableState, event: RevisionDelivered
) -> ContractState:
    record = _known_request(state, event.request_id)
    if record.deliverable != item.id:
        raise LedgerError(f"request {record.request_id!r} is not for {item.id!r}")
    state = _update_request(state, replace(record, delivered_version=event.version))
    last_round = (
        record.decision is not None
        and record.decision.consumed_round
        and item.rounds_used >= item.rounds_included
        and terms.policy_for(item.id).approval_after_last_round
    )
    if last_round and item.approval is None:
        approval = Approval(kind="after_last_round", at=event.at, version=event.version)
        item = replace(item, approval=approval, review_deadline=None)
    return _update(state, item)


def _on_requested(state: ContractState, event: RevisionRequested) -> ContractState:
    item = state.deliverable(event.deliverable)
    if state.request(event.request_id) is not None:
        raise LedgerError(f"request {event.request_id!r} is recorded twice")
    approval = item.approval
    if approval is not None and approval.kind == "deemed" and event.received_at < approval.at:
        item = replace(item, approval=None)  # the client answered within the window
    if item.review_deadline is not None and event.received_at < item.review_deadline:
        item = replace(item, review_deadline=None)
    record = RequestRecord(
        request_id=event.request_id,
        deliverable=event.deliverable,
        at=event.at,
        received_at=event.received_at,
        message=event.message,
    )
    index = {**state.request_index, record.request_id: len(state.requests)}
    state = replace(state, requests=(*state.requests, record), request_index=index)
    return _update(state, item)


def _on_decided(state: ContractState, event: DecisionMade) -> ContractState:
    record = _known_request(state, event.request_id)
    if record.decision is not None:
        raise LedgerError(f"request {event.request_id!r} is decided twice")
    if record.deliverable != event.deliverable:
        raise LedgerError(f"decision for {event.request_id!r} names another deliverable")
    item = state.deliverable(event.deliverable)
    if event.consumed_round and item.rounds_left == 0:
        raise LedgerError(f"{item.id}: a decision consumed a round but none was left")
    fixes = sum(1 for i in event.items if i.verdict == "free_fix")
    item = replace(
        item,
        rounds_used=item.rounds_used + int(event.consumed_round),
        free_fixes=item.free_fixes + fixes,
    )
    state = _update_request(state, replace(record, decision=event))
    return _update(state, item)


def _on_approved(state: ContractState, event: ApprovedExplicitly) -> ContractState:
    item = state.deliverable(event.deliverable)
    if item.approval is not None:
        return state  # the earliest approval stands
    version = event.version or (item.current_version.number if item.current_version else None)
    approval = Approval(kind="explicit", at=event.at, version=version)
    return _update(state, replace(item, approval=approval, review_deadline=None))


def _on_co_issued(state: ContractState, event: ChangeOrderIssued) -> ContractState:
    if any(co.issued.number == event.number for co in state.change_orders):
        raise LedgerError(f"change order {event.number} is issued twice")
    if event.deliverable is not None:
        state.deliverable(event.deliverable)
    if event.request_id is not None:
        _known_request(state, event.request_id)
    return replace(state, change_orders=(*state.change_orders, ChangeOrder(issued=event)))


def _on_co_accepted(state: ContractState, event: ChangeOrderAccepted) -> ContractState:
    order = next((co for co in state.change_orders if co.issued.number == event.number), None)
    if order is None or order.accepted_at is not None:
        raise LedgerError(f"change order {event.number} is not open for acceptance")
    accepted = replace(order, accepted_at=event.at)
    orders = tuple(accepted if co is order else co for co in state.change_orders)
    state = replace(state, change_orders=orders)
    issued = order.issued
    if issued.deliverable is None or issued.extra_rounds == 0:
        return state
    item = state.deliverable(issued.deliverable)
    item = replace(
        item,
        rounds_included=item.rounds_included + issued.extra_rounds,
        approval=None,
        review_deadline=None,
    )
    return _update(state, item)


__all__ = ["apply", "fold", "initial_state", "review_deadline", "settle"]
