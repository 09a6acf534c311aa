"""Folding the ledger into the contract's state, one event at a time.

Rule: ``fold(events, now, terms)`` is ``settle(reduce(apply, events, initial_state(terms)),
now)``. `apply` first lets time pass up to the event (`settle`), then applies it, so
folding a prefix and then the rest gives exactly the state of folding the whole ledger.
Time only ever comes in as an argument; the engine never reads a clock.

Deemed approval (clause 6.4): when a version is delivered at local date *d* (in the
contract's time zone) and the review window is *n* days, the window ends at local
midnight at the end of day *d + n*, i.e. at 00:00 of day *d + n + 1* (with business days,
*d + n* is the *n*-th business day after *d*: weekends and the country's public holidays
are skipped). Delivered
2026-03-13 10:00 with 7 days ⇒ approved at 2026-03-21 00:00 local, unless a revision
request was *received* before that instant. A request received exactly at the deadline is
too late. A request received in time stops the clock for that version (even if it is
recorded later: a deemed approval it predates is withdrawn); the next delivered version
starts a new window.

Cost: linear in the number of events. The steps change a private working copy in place
(`engine.ledger.draft`), frozen once at the end; `Folding` is a fold in progress for
callers that look at the state between events (replay). `apply` on a frozen state copies
the collections its event changes, so a loop of `apply` stays quadratic: use `Folding`.

Approval after the last round (clause 6.5): delivering the revision for a request that
consumed the last included round approves the deliverable at delivery time. An accepted
change order that adds rounds reopens the deliverable. The earliest approval wins.

Money (`engine.ledger.money`): invoices, payments and the cancellation with its kill fee.
Change orders (clauses 6.6, 6.7): issued, then sent with a validity date, then answered
once. Only an acceptance changes the contract (its extra rounds); a decline, or no answer
until the validity date has passed (acceptance is refused then), changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, time, timedelta

from roundwise.engine.errors import LedgerError
from roundwise.engine.ledger.draft import ItemDraft, StateDraft
from roundwise.engine.ledger.events import (
    ApprovedExplicitly,
    AssessmentCorrected,
    ChangeOrderAccepted,
    ChangeOrderDeclined,
    ChangeOrderIssued,
    ChangeOrderSent,
    ContractCompleted,
    ContractSigned,
    DecisionConfirmed,
    DecisionMade,
    Event,
    InvoiceIssued,
    PaymentReceived,
    ProjectCancelled,
    RevisionDelivered,
    RevisionRequested,
    VersionSubmitted,
)
from roundwise.engine.ledger.money import on_cancelled, on_invoice, on_payment
from roundwise.engine.ledger.state import (
    Approval,
    ChangeOrder,
    ContractState,
    DeliverableState,
    RequestRecord,
    Version,
)
from roundwise.engine.terms import ContractTerms, terms_sha256
from roundwise.engine.terms.business_days import add_business_days
from roundwise.engine.terms.holiday_calendar import working_calendar


def initial_state(terms: ContractTerms) -> ContractState:
    """The state before any event: every deliverable with its included rounds, nothing used."""
    return ContractState(
        deliverables=tuple(
            DeliverableState(id=d.id, rounds_included=terms.policy_for(d.id).rounds_included)
            for d in terms.deliverables
        )
    )


class Folding:
    """A fold in progress: events are applied in place, frozen states taken on demand.

    After a `LedgerError` from `apply` the folding is half-way through an event; discard it.
    """

    __slots__ = ("_draft", "_terms")

    def __init__(self, terms: ContractTerms, start: ContractState | None = None) -> None:
        self._terms = terms
        self._draft = StateDraft.thaw(start if start is not None else initial_state(terms))

    def apply(self, event: Event) -> None:
        """Let time pass to the event, then record it."""
        _step(self._terms, self._draft, event)

    def settle(self, now: datetime) -> None:
        """Let time pass to ``now``: review windows that ended in silence become approvals."""
        _advance(self._draft, now, counted=0)

    def state(self) -> ContractState:
        """The state after the events applied so far (a copy; folding may go on)."""
        return self._draft.freeze()


def fold(
    events: Iterable[Event],
    now: datetime,
    terms: ContractTerms,
    start: ContractState | None = None,
) -> ContractState:
    """The state at ``now`` after ``events`` (continuing from ``start`` when given)."""
    folding = Folding(terms, start)
    for event in events:
        folding.apply(event)
    folding.settle(now)
    return folding.state()


def apply(terms: ContractTerms, state: ContractState, event: Event) -> ContractState:
    """One step of the fold: let time pass to the event, then record it."""
    folding = Folding(terms, state)
    folding.apply(event)
    return folding.state()


def settle(terms: ContractTerms, state: ContractState, now: datetime) -> ContractState:
    """Let time pass to ``now``: review windows that ended in silence become approvals."""
    folding = Folding(terms, state)
    folding.settle(now)
    return folding.state()


def _step(terms: ContractTerms, state: StateDraft, event: Event) -> None:
    _advance(state, event.at, counted=1)
    match event:
        case ContractSigned():
            _on_signed(terms, state, event)
        case VersionSubmitted() | RevisionDelivered():
            _on_version(terms, state, event)
        case RevisionRequested():
            _on_requested(state, event)
        case DecisionMade():
            _on_decided(state, event)
        case ApprovedExplicitly():
            _on_approved(state, event)
        case ChangeOrderIssued():
            _on_co_issued(state, event)
        case ChangeOrderAccepted():
            _on_co_accepted(terms, state, event)
        case ContractCompleted():
            state.completed_at = state.completed_at or event.at
        case InvoiceIssued():
            on_invoice(terms, state, event)
        case PaymentReceived():
            on_payment(terms, state, event)
        case ProjectCancelled():
            on_cancelled(terms, state, event)
        case ChangeOrderSent():
            _on_co_sent(state, event)
        case ChangeOrderDeclined():
            _on_co_declined(state, event)
        case DecisionConfirmed():
            _on_confirmed(state, event)
        case AssessmentCorrected():
            _on_corrected(state, event)


def _advance(state: StateDraft, now: datetime, counted: int) -> None:
    if now.tzinfo is None:
        raise LedgerError("'now' must be timezone-aware")
    if state.as_of is not None and now < state.as_of:
        raise LedgerError(
            f"events out of order: {now.isoformat()} is before {state.as_of.isoformat()}"
        )
    state.event_count += counted
    state.as_of = now
    for item in state.items:
        _deem(item, now)


def review_deadline(terms: ContractTerms, deliverable_id: str, delivered_at: datetime) -> datetime:
    """Local midnight at the end of the review window for a version delivered then.

    The window counts calendar days, or business days of the contract's country when the
    policy's ``review_days`` says so (`engine.terms.business_days`).
    """
    policy = terms.policy_for(deliverable_id)
    local_day = delivered_at.astimezone(terms.zone).date()
    days = policy.review_window_days
    if policy.review_days == "business":
        last = add_business_days(local_day, days, working_calendar(terms.holiday_country))
    else:
        last = local_day + timedelta(days=days)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=terms.zone)


def settles_something(state: ContractState, now: datetime) -> bool:
    """Would `settle` at ``now`` deem a deliverable approved (its window ended in silence)?

    Settling changes nothing else a deliverable holds, so when this is False the
    deliverables (and everything but ``as_of``) of ``settle(terms, state, now)`` equal
    ``state``'s, and a caller that reads only those may skip the copy settling makes.
    """
    return any(_due(item.review_deadline, item.approval, now) for item in state.deliverables)


def _due(deadline: datetime | None, approval: Approval | None, now: datetime) -> bool:
    """The one test of `_deem` (shared with `settles_something`, so the two agree)."""
    return not (deadline is None or deadline > now or approval is not None)


def _deem(item: ItemDraft, now: datetime) -> None:
    deadline = item.review_deadline
    if deadline is None or not _due(deadline, item.approval, now):
        return
    version = item.current_version.number if item.current_version else None
    item.approval = Approval(kind="deemed", at=deadline, version=version)
    item.review_deadline = None


def _known_request(state: StateDraft, request_id: str) -> RequestRecord:
    record = state.request(request_id)
    if record is None:
        raise LedgerError(f"event refers to unknown request {request_id!r}")
    return record


def _on_signed(terms: ContractTerms, state: StateDraft, event: ContractSigned) -> None:
    if state.signed_at is not None:
        raise LedgerError("the contract is signed twice")
    if event.terms_sha256 != terms_sha256(terms):
        raise LedgerError("the ledger was signed for different terms (terms_sha256 differs)")
    state.contract_id, state.signed_at = event.contract_id, event.at


def _on_version(
    terms: ContractTerms, state: StateDraft, event: VersionSubmitted | RevisionDelivered
) -> None:
    item = state.deliverable(event.deliverable)
    expected = len(item.versions) + 1
    if event.version != expected:
        raise LedgerError(
            f"{event.deliverable}: version {event.version} delivered, expected {expected}"
        )
    request_id = event.request_id if isinstance(event, RevisionDelivered) else None
    record = None if request_id is None else _delivered_request(state, item, request_id)
    deadline = None if item.approval else review_deadline(terms, item.id, event.at)
    if not terms.policy_for(item.id).silence_means_approval:
        deadline = None
    item.add_version(Version(event.version, event.at, event.text, event.file_sha256, request_id))
    item.review_deadline = deadline
    if record is not None:
        _on_delivered(terms, state, item, record, event.version, event.at)


def _delivered_request(state: StateDraft, item: ItemDraft, request_id: str) -> RequestRecord:
    record = _known_request(state, request_id)
    if record.deliverable != item.id:
        raise LedgerError(f"request {record.request_id!r} is not for {item.id!r}")
    return record


def _on_delivered(
    terms: ContractTerms,
    state: StateDraft,
    item: ItemDraft,
    record: RequestRecord,
    version: int,
    at: datetime,
) -> None:
    state.put_request(replace(record, delivered_version=version))
    last_round = (
        record.counts_round
        and item.rounds_used >= item.rounds_included
        and terms.policy_for(item.id).approval_after_last_round
    )
    if last_round and item.approval is None:
        item.approval = Approval(kind="after_last_round", at=at, version=version)
        item.review_deadline = None


def _on_requested(state: StateDraft, event: RevisionRequested) -> None:
    item = state.deliverable(event.deliverable)
    if state.request(event.request_id) is not None:
        raise LedgerError(f"request {event.request_id!r} is recorded twice")
    approval = item.approval
    if approval is not None and approval.kind == "deemed" and event.received_at < approval.at:
        item.approval = None  # the client answered within the window
    if item.review_deadline is not None and event.received_at < item.review_deadline:
        item.review_deadline = None
    record = RequestRecord(
        request_id=event.request_id,
        deliverable=event.deliverable,
        at=event.at,
        received_at=event.received_at,
        message=event.message,
    )
    state.add_request(record)


def _on_decided(state: StateDraft, event: DecisionMade) -> None:
    """Record a decision; a round counts only when the decision is confident.

    A request already decided may be decided again only after an `AssessmentCorrected`
    (which gave back the old decision's round and free fixes): the new decision
    supersedes the old one (the old event stays in the ledger; the state follows the
    newest).
    """
    record = _known_request(state, event.request_id)
    prior = record.decision
    if prior is not None and not record.rejudge_pending:
        raise LedgerError(f"request {event.request_id!r} is decided twice")
    if record.deliverable != event.deliverable:
        raise LedgerError(f"decision for {event.request_id!r} names another deliverable")
    item = state.deliverable(event.deliverable)
    counts = event.consumed_round and not event.needs_review
    if counts and item.rounds_left == 0:
        raise LedgerError(f"{item.id}: a decision consumed a round but none was left")
    item.rounds_used += int(counts)
    item.free_fixes += _free_fixes(event)
    decided = replace(record, decision=event, confirmed=False, rejudge_pending=False)
    state.put_request(replace(decided, superseded=record.superseded + int(prior is not None)))


def _free_fixes(decision: DecisionMade) -> int:
    return sum(1 for i in decision.items if i.verdict == "free_fix")


def _on_confirmed(state: StateDraft, event: DecisionConfirmed) -> None:
    """The freelancer confirmed a decision that needed review: now its round counts."""
    record = _known_request(state, event.request_id)
    decision = record.decision
    if decision is None or record.rejudge_pending or not decision.needs_review:
        raise LedgerError(f"request {event.request_id!r} has no decision awaiting review")
    if record.confirmed:
        raise LedgerError(f"request {event.request_id!r} is confirmed twice")
    item = state.deliverable(decision.deliverable)
    if decision.consumed_round and item.rounds_left == 0:
        raise LedgerError(
            f"{item.id}: the decision on {event.request_id!r} uses a round but none is left"
        )
    item.rounds_used += int(decision.consumed_round)
    state.put_request(replace(record, confirmed=True))


def _on_corrected(state: StateDraft, event: AssessmentCorrected) -> None:
    """A correction of a decided request: its decision's round and free fixes are given
    back now, and the decision that follows (judged on the corrected reading)
    supersedes it."""
    record = _known_request(state, event.request_id)
    prior = record.decision
    if prior is None:
        raise LedgerError(f"request {event.request_id!r} is corrected before it is decided")
    if record.rejudge_pending:
        raise LedgerError(f"request {event.request_id!r} is corrected twice without a decision")
    item = state.deliverable(prior.deliverable)
    item.rounds_used -= int(record.counts_round)
    item.free_fixes -= _free_fixes(prior)
    state.put_request(replace(record, correction=event, rejudge_pending=True, confirmed=False))


def _on_approved(state: StateDraft, event: ApprovedExplicitly) -> None:
    item = state.deliverable(event.deliverable)
    if item.approval is not None:
        return  # the earliest approval stands
    version = event.version or (item.current_version.number if item.current_version else None)
    item.approval = Approval(kind="explicit", at=event.at, version=version)
    item.review_deadline = None


def _on_co_issued(state: StateDraft, event: ChangeOrderIssued) -> None:
    if state.change_order(event.number) is not None:
        raise LedgerError(f"change order {event.number} is issued twice")
    if event.deliverable is not None:
        state.deliverable(event.deliverable)
    if event.request_id is not None:
        _known_request(state, event.request_id)
    state.add_change_order(ChangeOrder(issued=event))


def _on_co_accepted(terms: ContractTerms, state: StateDraft, event: ChangeOrderAccepted) -> None:
    order = _open_order(terms, state, event.number, event.at, "acceptance")
    answered = replace(order, accepted_at=event.at, answered_by=event.by, answer_note=event.note)
    state.put_change_order(answered)
    issued = order.issued
    if issued.deliverable is None or issued.extra_rounds == 0:
        return
    item = state.deliverable(issued.deliverable)
    item.rounds_included += issued.extra_rounds
    item.approval = None
    item.review_deadline = None


def _open_order(
    terms: ContractTerms, state: StateDraft, number: int, at: datetime, what: str
) -> ChangeOrder:
    """The change order ``number`` if it can still be answered at ``at``, else `LedgerError`.

    A change order is answered once; one sent with a validity date cannot be accepted
    after that local day (in the contract's time zone) ends.
    """
    order = state.change_order(number)
    if order is None or order.answered:
        raise LedgerError(f"change order {number} is not open for {what}")
    valid_until = order.valid_until
    if valid_until is not None and at.astimezone(terms.zone).date() > valid_until:
        raise LedgerError(f"change order {number} expired on {valid_until.isoformat()}")
    return order


def _on_co_sent(state: StateDraft, event: ChangeOrderSent) -> None:
    order = state.change_order(event.number)
    if order is None:
        raise LedgerError(f"change order {event.number} is sent before it is issued")
    if order.sent is not None or order.answered:
        raise LedgerError(f"change order {event.number} is sent twice")
    for line in event.lines:
        if line.deliverable is not None:
            state.deliverable(line.deliverable)
        if line.request_id is not None:
            _known_request(state, line.request_id)
    state.put_change_order(replace(order, sent=event))


def _on_co_declined(state: StateDraft, event: ChangeOrderDeclined) -> None:
    order = state.change_order(event.number)
    if order is None or order.answered:
        raise LedgerError(f"change order {event.number} is not open for an answer")
    answered = replace(order, declined_at=event.at, answered_by=event.by, answer_note=event.note)
    state.put_change_order(answered)
