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

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import psycopg
from sqlalchemy.orm import Session

from engine.decide import Decision, RevisionRequest, decision_events, evaluate
from engine.ledger import ContractState, fold, settle
from engine.terms import ContractTerms
from store import single_trip
from store.contracts import ContractHead, contract_head, terms_from_text
from store.db import Database
from store.errors import ConflictError, NotFoundError
from store.ids import new_id
from store.judgements import Judged, by_external_id
from store.ledger import Clock, ledger_texts
from store.ledger_memo import LEDGER_MEMO, FoldedPrefix, continued, from_start, read_from
from store.storing import Completion, Prepared, Storing
from store.versions import require_deliverable

JUDGED_STATUSES = frozenset({"signed", "completed"})
OPTIMISTIC_ATTEMPTS = 2
Composer = Callable[[Decision, ContractTerms, ContractState], Mapping[str, Any]]


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
    return judge_locked(db, account_id, contract_id, request, compose, clock, completion)


def judge_locked(
    db: Database,
    account_id: str,
    contract_id: str,
    request: RevisionRequest,
    compose: Composer,
    clock: Clock,
    completion: Completion | None = None,
) -> Judged:
    """Judge under the contract's lock (step 3), which always succeeds."""
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
        storing = Storing.of(outcome, completion)
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
    require_judgeable(contract)
    if request.external_id is not None:
        known = by_external_id(session, contract.id, request.external_id)
        if known is not None:
            return known
    return judged_against(contract, ledger, request, compose, clock)


def require_judgeable(contract: ContractHead) -> None:
    """Only a signed contract's requests are judged."""
    if contract.status not in JUDGED_STATUSES:
        raise ConflictError(f"contract {contract.id} is {contract.status}, not signed")


def judged_against(
    contract: ContractHead,
    ledger: FoldedPrefix,
    request: RevisionRequest,
    compose: Composer,
    clock: Clock,
) -> Prepared:
    """The judgement of ``request`` on the folded ledger: CPU only, no I/O."""
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
    contract, texts = _read(session, driver, account_id, contract_id, head, read_from(kept))
    folded = continued(kept, contract, texts)
    if folded is None:  # the memo did not match the database: read everything
        contract, texts = _read(session, driver, account_id, contract_id, head, 0)
        folded = from_start(contract, texts)
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
        values = read_values(account_id, contract_id, from_seq)
        statement = single_trip.contract_and_ledger()
        rows = single_trip.run(driver or single_trip.driver_of(session), statement, values)
        return contract_and_texts(rows, contract_id)
    contract = head or contract_head(session, account_id, contract_id)
    return contract, ledger_texts(session, contract.id, from_seq)


def read_values(account_id: str, contract_id: str, from_seq: int) -> dict[str, Any]:
    """The parameters of ``single_trip.contract_and_ledger``."""
    return {"account_id": account_id, "contract_id": contract_id, "from_seq": from_seq}


def contract_and_texts(rows: Sequence[Any], contract_id: str) -> tuple[ContractHead, list[str]]:
    """The contract and its event texts from ``single_trip.contract_and_ledger``'s row."""
    if not rows:
        raise NotFoundError(f"no contract {contract_id!r}")
    found_id, status, event_count, spec_text, texts = rows[0]
    terms = terms_from_text(spec_text)
    return ContractHead(str(found_id), str(status), int(event_count), terms), list(texts)


def store_if_unchanged(
    session: Session, prepared: Prepared, completion: Completion | None = None
) -> Judged | None:
    """Store the judgement if the ledger still has ``seen`` events; None if it moved on.

    With ``completion``, the key response it gives for the judgement is stored with it.
    """
    storing = Storing.of(prepared, completion)
    if session.get_bind().dialect.name == "postgresql":
        stored = storing.in_one_statement(single_trip.driver_of(session))
    else:
        stored = storing.statement_by_statement(session)
    if not stored:
        session.rollback()
        return None
    return storing.judged


__all__ = [
    "OPTIMISTIC_ATTEMPTS",
    "Completion",
    "Composer",
    "Prepared",
    "contract_and_texts",
    "judge_locked",
    "judge_request",
    "judged_against",
    "prepare",
    "read_values",
    "require_judgeable",
    "store_if_unchanged",
]
