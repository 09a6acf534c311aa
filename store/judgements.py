"""Reading stored judgements: a request with its decision and reply, by id or external id."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.contracts import get_contract
from store.errors import NotFoundError
from store.models import DecisionRecord, ReplyRecord, RevisionRequestRecord
from store.pagination import Page, decode_cursor, page_of


@dataclass(frozen=True, slots=True)
class Judged:
    """A stored request with its decision and reply; ``repeated`` for a known external id."""

    request: RevisionRequestRecord
    decision: DecisionRecord
    reply: ReplyRecord
    repeated: bool = False


def judged_of(session: Session, row: RevisionRequestRecord, repeated: bool = False) -> Judged:
    """The decision and reply stored for a request row."""
    decision = session.scalars(
        select(DecisionRecord).where(DecisionRecord.request_id == row.id)
    ).one()
    reply = session.scalars(select(ReplyRecord).where(ReplyRecord.decision_id == decision.id)).one()
    return Judged(row, decision, reply, repeated)


def by_external_id(session: Session, contract_id: str, external_id: str) -> Judged | None:
    """The judgement already stored for this external id (the same comment twice)."""
    row = session.scalars(
        select(RevisionRequestRecord).where(
            RevisionRequestRecord.contract_id == contract_id,
            RevisionRequestRecord.external_id == external_id,
        )
    ).one_or_none()
    return None if row is None else judged_of(session, row, repeated=True)


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
    return judged_of(session, row)


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
    return Page([judged_of(session, row) for row in page.items], page.next_cursor)


__all__ = ["Judged", "by_external_id", "get_judged", "judged_of", "list_judged"]
