"""Revision requests: store the request, judge it, append its events, keep the reply.

Rule: the whole judgement happens under the contract's lock (``lock_contract``), inside
one transaction: fold the ledger, ``engine.decide.evaluate``, append the engine's
``decision_events`` (``RevisionRequested`` then ``DecisionMade``), store the request,
decision and reply rows, commit. Two requests racing for the last round are therefore
judged one after the other, and the second sees the round the first consumed.

The reply is composed by a function handed in by the caller (the API passes
``engine.replies``' composer), so this module stays about storage and ordering.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.decide import Decision, RevisionRequest, decision_events, evaluate
from engine.ledger import ContractState, fold
from engine.terms import ContractTerms
from store.contracts import get_contract, lock_contract, terms_of
from store.errors import ConflictError, NotFoundError
from store.ids import new_id
from store.ledger import Clock, append_events, load_events
from store.models import Contract, DecisionRecord, ReplyRecord, RevisionRequestRecord
from store.pagination import Page, decode_cursor, page_of
from store.versions import require_deliverable

JUDGED_STATUSES = frozenset({"signed", "completed"})
Composer = Callable[[Decision, ContractTerms, ContractState], Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Judged:
    """A stored request with its decision and reply; ``repeated`` for a known external id."""

    request: RevisionRequestRecord
    decision: DecisionRecord
    reply: ReplyRecord
    repeated: bool = False


def judge_request(
    session: Session,
    account_id: str,
    contract_id: str,
    request: RevisionRequest,
    compose: Composer,
    clock: Clock,
) -> Judged:
    """Record and judge one revision request on the (locked) contract."""
    contract = lock_contract(session, account_id, contract_id)
    if contract.status not in JUDGED_STATUSES:
        raise ConflictError(f"contract {contract.id} is {contract.status}, not signed")
    if request.external_id is not None:
        known = _by_external_id(session, contract.id, request.external_id)
        if known is not None:
            return known
    terms = terms_of(contract)
    require_deliverable(terms, request.deliverable)
    request = request.model_copy(update={"request_id": new_id("req")})
    events_so_far = load_events(session, contract.id)
    now = max([clock(), *(e.at for e in events_so_far[-1:])])
    state = fold(events_so_far, now, terms)
    decision = evaluate(terms, state, request, now)
    events = decision_events(request, decision)
    fold(events, now, terms, start=state)  # the new events must keep the ledger foldable
    seqs = append_events(session, contract, events)
    return _store(session, contract, request, decision, compose(decision, terms, state), seqs[-1])


def _store(
    session: Session,
    contract: Contract,
    request: RevisionRequest,
    decision: Decision,
    reply: Mapping[str, Any],
    decision_seq: int,
) -> Judged:
    assert request.request_id is not None
    request_row = RevisionRequestRecord(
        id=request.request_id,
        contract_id=contract.id,
        deliverable_key=request.deliverable,
        channel=request.channel,
        external_id=request.external_id,
        document=request.model_dump(mode="json"),
        received_at=decision.received_at,
    )
    decision_row = DecisionRecord(
        id=new_id("dec"),
        contract_id=contract.id,
        request_id=request_row.id,
        verdict=decision.verdict,
        ledger_seq=decision_seq,
        document=decision.model_dump(mode="json"),
        created_at=decision.decided_at,
    )
    reply_row = ReplyRecord(
        id=new_id("rep"),
        decision_id=decision_row.id,
        language=str(reply.get("language", "")),
        document=dict(reply),
        created_at=decision.decided_at,
    )
    session.add(request_row)
    session.flush()
    session.add(decision_row)
    session.flush()
    session.add(reply_row)
    session.flush()
    return Judged(request_row, decision_row, reply_row)


def _by_external_id(session: Session, contract_id: str, external_id: str) -> Judged | None:
    row = session.scalars(
        select(RevisionRequestRecord).where(
            RevisionRequestRecord.contract_id == contract_id,
            RevisionRequestRecord.external_id == external_id,
        )
    ).one_or_none()
    return None if row is None else _judged(session, row, repeated=True)


def _judged(session: Session, row: RevisionRequestRecord, repeated: bool = False) -> Judged:
    decision = session.scalars(
        select(DecisionRecord).where(DecisionRecord.request_id == row.id)
    ).one()
    reply = session.scalars(select(ReplyRecord).where(ReplyRecord.decision_id == decision.id)).one()
    return Judged(row, decision, reply, repeated)


def get_judged(session: Session, account_id: str, contract_id: str, request_id: str) -> Judged:
    """A stored request of the account's contract, with its decision and reply."""
    contract = get_contract(session, account_id, contract_id)
    row = session.scalars(
        select(RevisionRequestRecord).where(
            RevisionRequestRecord.contract_id == contract.id, RevisionRequestRecord.id == request_id
        )
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no revision request {request_id!r}")
    return _judged(session, row)


def list_judged(
    session: Session, account_id: str, contract_id: str, limit: int, cursor: str | None
) -> Page[Judged]:
    """The contract's requests, oldest first, each with its decision and reply."""
    contract = get_contract(session, account_id, contract_id)
    query = select(RevisionRequestRecord).where(RevisionRequestRecord.contract_id == contract.id)
    if cursor is not None:
        query = query.where(RevisionRequestRecord.id > decode_cursor(cursor))
    rows = session.scalars(query.order_by(RevisionRequestRecord.id).limit(limit + 1)).all()
    page = page_of(rows, limit, lambda row: row.id)
    return Page([_judged(session, row) for row in page.items], page.next_cursor)


__all__ = ["Composer", "Judged", "get_judged", "judge_request", "list_judged"]
