"""3. The SQLAlchemy steps, and the locked judgement (step 3 of the protocol).

Both adapters use these: the SQLite one for every step (in the thread pool), the
PostgreSQL one for the rare locked judgement. The contract's lock is a row lock
(``FOR UPDATE``) on PostgreSQL and the database's write lock on SQLite (a
``Database.writes`` session begins ``IMMEDIATE``; SQLite drops ``FOR UPDATE``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from roundwise.store import outbox, statements
from roundwise.store.base import table_of
from roundwise.store.db import Database
from roundwise.store.errors import NotFoundError
from roundwise.store.idempotency import complete_in
from roundwise.store.judgements import Judged, by_external_id
from roundwise.store.judging.gateway import ContractRow, Decide, Reading, Storing
from roundwise.store.ledger import ledger_texts
from roundwise.store.models import DecisionRecord, ReplyRecord, RevisionRequestRecord

# The tables of ``Storing.rows()``, in the same (foreign-key) order.
JUDGEMENT_TABLES = (
    table_of(RevisionRequestRecord),
    table_of(DecisionRecord),
    table_of(ReplyRecord),
)


def read_contract(
    session: Session, account_id: str, reading: Reading, *, lock: bool = False
) -> ContractRow | None:
    """``Gateway.read`` in the session's transaction (``lock``: and lock the contract)."""
    values = {"account_id": account_id, "contract_id": reading.contract_id}
    head = session.execute(statements.contract_head(lock=lock), values).first()
    if head is None:
        return None
    events = ledger_texts(session, head.id, reading.from_seq)
    return ContractRow(head.id, head.status, head.event_count, head.spec, events)


def store_in(session: Session, storing: Storing) -> bool:
    """``Gateway.store`` in the session's write transaction (which the caller commits):
    the conditional update, then the inserts, in foreign-key order."""
    positions = {
        "p_contract_id": storing.contract_id,
        "p_seen": storing.seen,
        "p_count": storing.count,
        "p_now": storing.at,
    }
    claimed = session.execute(statements.claim_ledger_positions(), positions)
    if getattr(claimed, "rowcount", 0) != 1:
        return False
    # One multi-row INSERT … VALUES (…), (…): an executemany of two rows cost as much
    # as all the other statements of the transaction together.
    events = statements.event_parameters(storing.events)
    session.execute(statements.insert_events(len(storing.events)), events)
    for table, row in zip(JUDGEMENT_TABLES, storing.rows(), strict=True):
        session.execute(table.insert(), [row.values()])
    if storing.key is not None:
        complete_in(session, storing.key)
    outbox.enqueue_decision(session, storing.judged, storing.at)  # webhooks, if subscribed
    return True


def judge_locked(
    db: Database, account_id: str, contract_id: str, external_id: str | None, decide: Decide
) -> Judged:
    """``Gateway.judge_locked``: one write transaction holding the contract's lock."""
    with db.writes() as session:
        row = read_contract(session, account_id, Reading(contract_id, 0), lock=True)
        if row is None:
            raise NotFoundError(f"no contract {contract_id!r}")
        known = None if external_id is None else by_external_id(session, row.id, external_id)
        outcome = decide(row, known)
        if isinstance(outcome, Judged):
            return outcome
        stored = store_in(session, outcome)
        assert stored, "the ledger cannot move while the contract is locked"
        session.commit()
        return outcome.judged


__all__ = ["JUDGEMENT_TABLES", "judge_locked", "read_contract", "store_in"]
