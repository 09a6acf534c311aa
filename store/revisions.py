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

On PostgreSQL each optimistic step is one statement on an autocommit connection
(``store.single_trip``): step 1 reads the contract and its ledger from one snapshot, and
step 2 is the conditional update with every insert gated on it, so an attempt costs two
round trips.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy.orm import Session

from engine.decide import Decision, RevisionRequest, decision_events, evaluate
from engine.ledger import ContractState, Event, fold, settle
from engine.terms import ContractTerms
from store import single_trip, statements
from store.base import table_of, utcnow
from store.contracts import ContractHead, contract_head, terms_from_text
from store.db import Database
from store.errors import ConflictError, NotFoundError
from store.idempotency import KeyCompletion, complete_in, completion_values
from store.ids import new_id
from store.judgements import Judged, by_external_id
from store.ledger import Clock, ledger_texts, new_event_rows
from store.ledger_memo import LEDGER_MEMO, FoldedPrefix, empty_prefix, extend
from store.models import (
    DecisionRecord,
    ReplyRecord,
    RevisionRequestRecord,
)
from store.versions import require_deliverable

JUDGED_STATUSES = frozenset({"signed", "completed"})
OPTIMISTIC_ATTEMPTS = 2
Composer = Callable[[Decision, ContractTerms, ContractState], Mapping[str, Any]]
# Given a new judgement before it is stored: the Idempotency-Key response to store with it,
# in the same transaction, so neither is ever kept without the other (or None).
Completion = Callable[[Judged], KeyCompletion | None]


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
    completion: Completion | None = None,
) -> Judged:
    """Record and judge one revision request (see the module docstring for the protocol).

    ``completion`` is asked for the key response to store with a new judgement (not for a
    request whose ``external_id`` was already judged, which stores nothing).
    """
    for _ in range(OPTIMISTIC_ATTEMPTS):
        judged = _attempt(db, account_id, contract_id, request, compose, clock, completion)
        if judged is not None:
            return judged
    with db.writes() as session:
        head = contract_head(session, account_id, contract_id, lock=True)
        outcome = prepare(session, account_id, contract_id, request, compose, clock, head)
        if isinstance(outcome, Judged):
            return outcome
        judged = _commit_if_stored(session, outcome, completion)
        assert judged is not None, "the ledger cannot move while the contract is locked"
        return judged


def _attempt(
    db: Database,
    account_id: str,
    contract_id: str,
    request: RevisionRequest,
    compose: Composer,
    clock: Clock,
    completion: Completion | None,
) -> Judged | None:
    """One optimistic attempt (steps 1 and 2); None if another writer appended first.

    On SQLite the read runs outside the write transaction (``BEGIN IMMEDIATE`` would
    serialise the slow part). On PostgreSQL each step is one statement on an autocommit
    connection (the session only connects to look up an ``external_id``).
    """
    if db.is_sqlite:
        with db.reads() as session:
            outcome = prepare(session, account_id, contract_id, request, compose, clock, None)
        if isinstance(outcome, Judged):
            return outcome
        with db.writes() as session:
            return _commit_if_stored(session, outcome, completion)
    with single_trip.connected(db) as driver:
        with db.single() as session:
            outcome = prepare(
                session, account_id, contract_id, request, compose, clock, None, driver
            )
        if isinstance(outcome, Judged):
            return outcome
        storing = _Storing.of(outcome, completion)
        return storing.judged if storing.in_one_statement(driver) else None


def _commit_if_stored(
    session: Session, prepared: Prepared, completion: Completion | None
) -> Judged | None:
    judged = store_if_unchanged(session, prepared, completion)
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
    head: ContractHead | None,
    driver: psycopg.Connection[Any] | None = None,
) -> Prepared | Judged:
    """Judge the request against the ledger as it is now (or find it already judged).

    ``driver``: on PostgreSQL, the connection to read on (default: the session's).
    """
    contract, ledger = _contract_and_ledger(session, driver, account_id, contract_id, head)
    if contract.status not in JUDGED_STATUSES:
        raise ConflictError(f"contract {contract.id} is {contract.status}, not signed")
    if request.external_id is not None:
        known = by_external_id(session, contract.id, request.external_id)
        if known is not None:
            return known
    terms = contract.terms
    require_deliverable(terms, request.deliverable)
    request = request.model_copy(update={"request_id": new_id("req")})
    now = max([clock(), *(e.at for e in (ledger.last,) if e is not None)])
    state = settle(terms, ledger.state, now)
    decision = evaluate(terms, state, request, now)
    events = decision_events(request, decision)
    fold(events, now, terms, start=state)  # the new events must keep the ledger foldable
    reply = compose(decision, terms, state)
    return Prepared(contract.id, ledger.count, request, decision, events, reply)


def _contract_and_ledger(
    session: Session,
    driver: psycopg.Connection[Any] | None,
    account_id: str,
    contract_id: str,
    head: ContractHead | None,
) -> tuple[ContractHead, FoldedPrefix]:
    """The contract and its ledger folded, reading only the events the memo lacks."""
    kept = LEDGER_MEMO.get(contract_id)
    read_from = kept.count if kept else 0
    contract, texts = _read(session, driver, account_id, contract_id, head, read_from)
    folded = None
    if kept is not None and (kept.terms is contract.terms or kept.terms == contract.terms):
        folded = extend(kept, texts)
    if folded is None:
        if kept is not None:  # it did not match the database: read everything
            LEDGER_MEMO.drop(contract_id)
            contract, texts = _read(session, driver, account_id, contract_id, head, 0)
        folded = extend(empty_prefix(contract.terms), texts)
        assert folded is not None, "an empty prefix extends to any ledger"
    LEDGER_MEMO.keep(contract.id, folded)
    return contract, folded


def _read(
    session: Session,
    driver: psycopg.Connection[Any] | None,
    account_id: str,
    contract_id: str,
    head: ContractHead | None,
    from_seq: int,
) -> tuple[ContractHead, list[str]]:
    """The contract (unless ``head`` is given) and its events ``from_seq`` on, as stored.

    On PostgreSQL both come from one statement.
    """
    if head is None and session.get_bind().dialect.name == "postgresql":
        values = {"account_id": account_id, "contract_id": contract_id, "from_seq": from_seq}
        statement = single_trip.contract_and_ledger()
        rows = single_trip.run(driver or single_trip.driver_of(session), statement, values)
        if not rows:
            raise NotFoundError(f"no contract {contract_id!r}")
        found_id, status, event_count, spec_text, texts = rows[0]
        terms = terms_from_text(spec_text)
        return ContractHead(str(found_id), str(status), int(event_count), terms), list(texts)
    contract = head or contract_head(session, account_id, contract_id)
    return contract, ledger_texts(session, contract.id, from_seq)


def store_if_unchanged(
    session: Session, prepared: Prepared, completion: Completion | None = None
) -> Judged | None:
    """Store the judgement if the ledger still has ``seen`` events; None if it moved on.

    With ``completion``, the key response it gives for the judgement is stored with it.
    """
    storing = _Storing.of(prepared, completion)
    if session.get_bind().dialect.name == "postgresql":
        stored = storing.in_one_statement(single_trip.driver_of(session))
    else:
        stored = storing.statement_by_statement(session)
    if not stored:
        session.rollback()
        return None
    return storing.judged


@dataclass(frozen=True, slots=True)
class _Storing:
    """What storing a prepared judgement writes: the ledger positions it claims, its
    events' columns, its rows and the Idempotency-Key response that goes with them."""

    positions: dict[str, Any]
    events: list[dict[str, Any]]
    judged: Judged
    key: KeyCompletion | None

    @classmethod
    def of(cls, prepared: Prepared, completion: Completion | None) -> _Storing:
        judged = _judged_rows(prepared, prepared.seen + len(prepared.events))
        positions = {
            "p_contract_id": prepared.contract_id,
            "p_seen": prepared.seen,
            "p_count": prepared.seen + len(prepared.events),
            "p_now": utcnow(),
        }
        rows = new_event_rows(prepared.contract_id, prepared.seen, prepared.events)
        key = completion(judged) if completion is not None else None
        return cls(positions, [_values(row) for row in rows], judged, key)

    def in_one_statement(self, driver: psycopg.Connection[Any]) -> bool:
        """PostgreSQL: everything in one statement (``single_trip.store_judgement``)."""
        values = dict(self.positions)
        for i, event in enumerate(self.events):
            values |= {f"ev{i}_{column}": event[column] for column in statements.EVENT_COLUMNS}
        for (prefix, _), row in zip(single_trip.JUDGEMENT_ROWS, _rows_of(self.judged), strict=True):
            values |= {f"{prefix}_{column}": value for column, value in _values(row).items()}
        if self.key is not None:
            values |= completion_values(self.key, "key_")
        values = {name: single_trip.as_jsonb(value) for name, value in values.items()}
        statement = single_trip.store_judgement(len(self.events), complete_key=bool(self.key))
        return bool(single_trip.run(driver, statement, values)[0][0] == 1)

    def statement_by_statement(self, session: Session) -> bool:
        """SQLite: the conditional update, then the inserts (the transaction is the lock)."""
        claimed = session.execute(statements.claim_ledger_positions(), self.positions)
        if getattr(claimed, "rowcount", 0) != 1:
            return False
        # One multi-row INSERT … VALUES (…), (…): an executemany of two rows cost as much
        # as all the other statements of the transaction together.
        events = statements.event_parameters(self.events)
        session.execute(statements.insert_events(len(self.events)), events)
        for row in _rows_of(self.judged):  # in foreign-key order
            session.execute(table_of(type(row)).insert(), [_values(row)])
        if self.key is not None:
            complete_in(session, self.key)
        return True


def _rows_of(judged: Judged) -> tuple[Any, ...]:
    return (judged.request, judged.decision, judged.reply)


def _values(row: Any) -> dict[str, Any]:
    """A new row's column values, for a Core INSERT on its table.

    Core statements on the ``Table`` skip the ORM's bulk-insert machinery, which was a
    tenth of a request's CPU; the ORM objects are still built, as the response reads them.
    """
    values = {c.key: getattr(row, c.key) for c in table_of(type(row)).columns}
    return {k: v for k, v in values.items() if v is not None or k != "id"}


def _judged_rows(prepared: Prepared, decision_seq: int) -> Judged:
    """The rows that store ``prepared`` (built before storing: the key's response is
    made of them)."""
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
    return Judged(request_row, decision_row, reply_row)


__all__ = [
    "OPTIMISTIC_ATTEMPTS",
    "Completion",
    "Composer",
    "Prepared",
    "judge_request",
    "prepare",
    "store_if_unchanged",
]
