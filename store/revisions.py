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
   lock instead (``contract_head(…, lock=True)``: a row lock on PostgreSQL, ``BEGIN IMMEDIATE`` on
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

from sqlalchemy.orm import Session

from engine.decide import Decision, RevisionRequest, decision_events, evaluate
from engine.ledger import ContractState, Event, fold
from engine.terms import ContractTerms
from store import statements
from store.base import table_of, utcnow
from store.contracts import ContractHead, contract_head
from store.db import Database
from store.errors import ConflictError
from store.ids import new_id
from store.judgements import Judged, by_external_id
from store.ledger import Clock, load_events, new_event_rows
from store.models import (
    DecisionRecord,
    ReplyRecord,
    RevisionRequestRecord,
)
from store.versions import require_deliverable

JUDGED_STATUSES = frozenset({"signed", "completed"})
OPTIMISTIC_ATTEMPTS = 2
Composer = Callable[[Decision, ContractTerms, ContractState], Mapping[str, Any]]
# Runs inside the storing transaction, just before its commit (e.g. to store the response
# of the request's Idempotency-Key with the judgement, so neither is kept without the other).
BeforeCommit = Callable[[Session, Judged], None]


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
    before_commit: BeforeCommit | None = None,
) -> Judged:
    """Record and judge one revision request (see the module docstring for the protocol).

    ``before_commit`` runs in the transaction that stores a new judgement (not for a
    request whose ``external_id`` was already judged, which stores nothing).
    """
    for _ in range(OPTIMISTIC_ATTEMPTS):
        judged = _attempt(db, account_id, contract_id, request, compose, clock, before_commit)
        if judged is not None:
            return judged
    with db.writes() as session:
        head = contract_head(session, account_id, contract_id, lock=True)
        outcome = prepare(session, account_id, contract_id, request, compose, clock, head)
        if isinstance(outcome, Judged):
            return outcome
        judged = _commit_if_stored(session, outcome, before_commit)
        assert judged is not None, "the ledger cannot move while the contract is locked"
        return judged


def _attempt(
    db: Database,
    account_id: str,
    contract_id: str,
    request: RevisionRequest,
    compose: Composer,
    clock: Clock,
    before_commit: BeforeCommit | None,
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
            return _commit_if_stored(session, outcome, before_commit)
    with db.writes() as session:
        outcome = prepare(session, account_id, contract_id, request, compose, clock, None)
        if isinstance(outcome, Judged):
            return outcome
        return _commit_if_stored(session, outcome, before_commit)


def _commit_if_stored(
    session: Session, prepared: Prepared, before_commit: BeforeCommit | None
) -> Judged | None:
    judged = store_if_unchanged(session, prepared)
    if judged is not None:
        if before_commit is not None:
            before_commit(session, judged)
        session.commit()
    return judged


def prepare(
    session: Session,
    account_id: str,
    contract_id: str,
    request: RevisionRequest,
    compose: Composer,
    clock: Clock,
    head: ContractHead | None,
) -> Prepared | Judged:
    """Judge the request against the ledger as it is now (or find it already judged)."""
    contract = head or contract_head(session, account_id, contract_id)
    if contract.status not in JUDGED_STATUSES:
        raise ConflictError(f"contract {contract.id} is {contract.status}, not signed")
    if request.external_id is not None:
        known = by_external_id(session, contract.id, request.external_id)
        if known is not None:
            return known
    terms = contract.terms
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
    positions = {
        "p_contract_id": prepared.contract_id,
        "p_seen": prepared.seen,
        "p_count": prepared.seen + len(prepared.events),
        "p_now": utcnow(),
    }
    claimed = session.execute(statements.claim_ledger_positions(), positions)
    if getattr(claimed, "rowcount", 0) != 1:
        session.rollback()
        return None
    rows = [
        _values(row) for row in new_event_rows(prepared.contract_id, prepared.seen, prepared.events)
    ]
    # One multi-row INSERT … VALUES (…), (…): an executemany of two rows cost as much as
    # all the other statements of the transaction together (psycopg pipelines it).
    session.execute(statements.insert_events(len(rows)), statements.event_parameters(rows))
    return _store_rows(session, prepared, prepared.seen + len(prepared.events))


def _values(row: Any) -> dict[str, Any]:
    """A new row's column values, for a Core INSERT on its table.

    Core statements on the ``Table`` skip the ORM's bulk-insert machinery, which was a
    tenth of a request's CPU; the ORM objects are still built, as the response reads them.
    """
    values = {c.key: getattr(row, c.key) for c in table_of(type(row)).columns}
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
        session.execute(table_of(type(row)).insert(), [_values(row)])
    return Judged(request_row, decision_row, reply_row)


__all__ = [
    "OPTIMISTIC_ATTEMPTS",
    "BeforeCommit",
    "Composer",
    "Prepared",
    "judge_request",
    "prepare",
    "store_if_unchanged",
]
