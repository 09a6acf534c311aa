"""Judging a revision request: store it, evaluate it, append its events, keep the reply.

Rule: a request is judged against the ledger exactly as it stands when its events are
appended, so two requests racing for the last round can never both be ``included``.

How (optimistic, then pessimistic):

1. Read the contract and its ledger (no lock), fold, ``engine.decide.evaluate``, compose
   the reply — the slow part, done while other requests proceed.
2. In a short write transaction, claim the ledger positions with a conditional update,
   ``UPDATE contracts SET event_count = n + 2 WHERE id = … AND event_count = n``. If it
   changed no row, another writer appended first: discard the decision and start again
   from 1 with the new ledger. Otherwise insert the two events (``RevisionRequested``,
   ``DecisionMade``) at positions n+1, n+2 and the request, decision and reply rows.
3. After ``OPTIMISTIC_ATTEMPTS`` lost races (a hot contract), judge under the contract's
   lock instead (``lock_contract``: a row lock on PostgreSQL, ``BEGIN IMMEDIATE`` on
   SQLite), which always succeeds.

The conditional update works the same on both databases: on PostgreSQL a concurrent
update waits for the row and re-checks the condition; on SQLite writers are serial.
``unique(contract_id, seq)`` on the ledger backs both paths up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from engine.decide import Decision, RevisionRequest, decision_events, evaluate
from engine.ledger import ContractState, Event, fold
from engine.terms import ContractTerms
from store.base import utcnow
from store.contracts import get_contract, lock_contract, terms_of
from store.db import Database
from store.errors import ConflictError
from store.ids import new_id
from store.judgements import Judged, by_external_id
from store.ledger import Clock, load_events, new_event_rows
from store.models import (
    Base,
    Contract,
    DecisionRecord,
    LedgerEvent,
    ReplyRecord,
    RevisionRequestRecord,
)
from store.versions import require_deliverable

JUDGED_STATUSES = frozenset({"signed", "completed"})
OPTIMISTIC_ATTEMPTS = 2
Composer = Callable[[Decision, ContractTerms, ContractState], Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A judgement computed against ledger length ``seen``, not yet stored."""

    contract_id: str
    seen: int
    request: RevisionRequest
    decision: Decision
    events: tuple[Event, ...]
    reply: Mapping[str, Any]


def judge_request(
    db: Database,
    account_id: str,
    contract_id: str,
    request: RevisionRequest,
    compose: Composer,
    clock: Clock,
) -> Judged:
    """Record and judge one revision request (see the module docstring for the protocol)."""
    for _ in range(OPTIMISTIC_ATTEMPTS):
        judged = _attempt(db, account_id, contract_id, request, compose, clock)
        if judged is not None:
            return judged
    with db.writes() as session:
        contract = lock_contract(session, account_id, contract_id)
        outcome = prepare(session, account_id, contract_id, request, compose, clock, contract)
        if isinstance(outcome, Judged):
            return outcome
        judged = store_if_unchanged(session, outcome)
        assert judged is not None, "the ledger cannot move while the contract is locked"
        session.commit()
        return judged


def _attempt(
    db: Database,
    account_id: str,
    contract_id: str,
    request: RevisionRequest,
    compose: Composer,
    clock: Clock,
) -> Judged | None:
    """One optimistic attempt (steps 1 and 2); None if another writer appended first.

    On SQLite the read runs outside the write transaction (``BEGIN IMMEDIATE`` would
    serialise the slow part). On PostgreSQL one transaction serves both steps: its reads
    take no row locks, and the conditional update re-checks ``event_count`` against the
    latest committed row, so the protocol is the same with fewer round trips.
    """
    if db.is_sqlite:
        with db.reads() as session:
            outcome = prepare(session, account_id, contract_id, request, compose, clock, None)
        if isinstance(outcome, Judged):
            return outcome
        with db.writes() as session:
            return _commit_if_stored(session, outcome)
    with db.writes() as session:
        outcome = prepare(session, account_id, contract_id, request, compose, clock, None)
        if isinstance(outcome, Judged):
            return outcome
        return _commit_if_stored(session, outcome)


def _commit_if_stored(session: Session, prepared: Prepared) -> Judged | None:
    judged = store_if_unchanged(session, prepared)
    if judged is not None:
        session.commit()
    return judged


def prepare(
    session: Session,
    account_id: str,
    contract_id: str,
    request: RevisionRequest,
    compose: Composer,
    clock: Clock,
    contract: Contract | None,
) -> Prepared | Judged:
    """Judge the request against the ledger as it is now (or find it already judged)."""
    contract = contract or get_contract(session, account_id, contract_id)
    if contract.status not in JUDGED_STATUSES:
        raise ConflictError(f"contract {contract.id} is {contract.status}, not signed")
    if request.external_id is not None:
        known = by_external_id(session, contract.id, request.external_id)
        if known is not None:
            return known
    terms = terms_of(contract)
    require_deliverable(terms, request.deliverable)
    request = request.model_copy(update={"request_id": new_id("req")})
    so_far = load_events(session, contract.id)
    now = max([clock(), *(e.at for e in so_far[-1:])])
    state = fold(so_far, now, terms)
    decision = evaluate(terms, state, request, now)
    events = decision_events(request, decision)
    fold(events, now, terms, start=state)  # the new events must keep the ledger foldable
    reply = compose(decision, terms, state)
    return Prepared(contract.id, len(so_far), request, decision, events, reply)


def store_if_unchanged(session: Session, prepared: Prepared) -> Judged | None:
    """Store the judgement if the ledger still has ``seen`` events; None if it moved on."""
    claimed = session.execute(
        update(Contract)
        .where(Contract.id == prepared.contract_id, Contract.event_count == prepared.seen)
        .values(event_count=prepared.seen + len(prepared.events), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        session.rollback()
        return None
    rows = new_event_rows(prepared.contract_id, prepared.seen, prepared.events)
    session.execute(insert(LedgerEvent), [_values(row) for row in rows])
    return _store_rows(session, prepared, prepared.seen + len(prepared.events))


def _values(row: Base) -> dict[str, Any]:
    """A new row's column values, for a Core INSERT (cheaper than an ORM flush)."""
    values = {c.key: getattr(row, c.key) for c in row.__table__.columns}
    return {k: v for k, v in values.items() if v is not None or k != "id"}


def _store_rows(session: Session, prepared: Prepared, decision_seq: int) -> Judged:
    request, decision, reply = prepared.request, prepared.decision, prepared.reply
    assert request.request_id is not None
    at: datetime = decision.decided_at
    request_row = RevisionRequestRecord(
        id=request.request_id,
        contract_id=prepared.contract_id,
        deliverable_key=request.deliverable,
        channel=request.channel,
        external_id=request.external_id,
        document=request.model_dump(mode="json"),
        received_at=decision.received_at,
    )
    decision_row = DecisionRecord(
        id=new_id("dec"),
        contract_id=prepared.contract_id,
        request_id=request_row.id,
        verdict=decision.verdict,
        ledger_seq=decision_seq,
        document=decision.model_dump(mode="json"),
        created_at=at,
    )
    reply_row = ReplyRecord(
        id=new_id("rep"),
        decision_id=decision_row.id,
        language=str(reply.get("language", "")),
        document=dict(reply),
        created_at=at,
    )
    for row in (request_row, decision_row, reply_row):  # in foreign-key order
        session.execute(insert(type(row)), [_values(row)])
    return Judged(request_row, decision_row, reply_row)


__all__ = [
    "OPTIMISTIC_ATTEMPTS",
    "Composer",
    "Prepared",
    "judge_request",
    "prepare",
    "store_if_unchanged",
]
