"""Stored judgements: a request with its decision and reply, as plain values; reading them
back by id or external id.

Why plain values rather than the ORM records: a new judgement is written by one Core
statement (``store.judging``), never through the session, and building five ORM objects
per request to hold its column values (with their instrumented attributes and instance
state) cost a tenth of the hot path's CPU. The rows read back are copied into the same
values, so every reader sees one type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundwise.store.contracts import get_contract
from roundwise.store.errors import NotFoundError
from roundwise.store.models import DecisionRecord, ReplyRecord, RevisionRequestRecord
from roundwise.store.pagination import Page, decode_cursor, id_key, page_of


@dataclass(frozen=True, slots=True)
class RequestRow:
    """A ``revision_requests`` row (``RevisionRequestRecord``'s columns)."""

    id: str
    contract_id: str
    deliverable_key: str
    channel: str
    external_id: str | None
    document: dict[str, Any]
    received_at: datetime

    @classmethod
    def of(cls, record: RevisionRequestRecord) -> RequestRow:
        return cls(
            record.id,
            record.contract_id,
            record.deliverable_key,
            record.channel,
            record.external_id,
            record.document,
            record.received_at,
        )

    def values(self) -> dict[str, Any]:
        """Column name → value, for an INSERT."""
        return {
            "id": self.id,
            "contract_id": self.contract_id,
            "deliverable_key": self.deliverable_key,
            "channel": self.channel,
            "external_id": self.external_id,
            "document": self.document,
            "received_at": self.received_at,
        }


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """A ``decisions`` row (``DecisionRecord``'s columns)."""

    id: str
    contract_id: str
    request_id: str
    verdict: str
    ledger_seq: int
    document: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, record: DecisionRecord) -> DecisionRow:
        return cls(
            record.id,
            record.contract_id,
            record.request_id,
            record.verdict,
            record.ledger_seq,
            record.document,
            record.created_at,
        )

    def values(self) -> dict[str, Any]:
        """Column name → value, for an INSERT."""
        return {
            "id": self.id,
            "contract_id": self.contract_id,
            "request_id": self.request_id,
            "verdict": self.verdict,
            "ledger_seq": self.ledger_seq,
            "document": self.document,
            "created_at": self.created_at,
        }


@dataclass(frozen=True, slots=True)
class ReplyRow:
    """A ``replies`` row (``ReplyRecord``'s columns)."""

    id: str
    decision_id: str
    language: str
    document: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, record: ReplyRecord) -> ReplyRow:
        return cls(
            record.id, record.decision_id, record.language, record.document, record.created_at
        )

    def values(self) -> dict[str, Any]:
        """Column name → value, for an INSERT."""
        return {
            "id": self.id,
            "decision_id": self.decision_id,
            "language": self.language,
            "document": self.document,
            "created_at": self.created_at,
        }


@dataclass(frozen=True, slots=True)
class Judged:
    """A stored request with its decision and reply; ``repeated`` for a known external id."""

    request: RequestRow
    decision: DecisionRow
    reply: ReplyRow
    repeated: bool = False


def judged_of(session: Session, row: RevisionRequestRecord, repeated: bool = False) -> Judged:
    """The decision and reply stored for a request row."""
    decision = session.scalars(
        select(DecisionRecord).where(DecisionRecord.request_id == row.id)
    ).one()
    reply = session.scalars(select(ReplyRecord).where(ReplyRecord.decision_id == decision.id)).one()
    return Judged(RequestRow.of(row), DecisionRow.of(decision), ReplyRow.of(reply), repeated)


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
        query = query.where(RevisionRequestRecord.id > decode_cursor(cursor, id_key("req")))
    rows = session.scalars(query.order_by(RevisionRequestRecord.id).limit(limit + 1)).all()
    page = page_of(rows, limit, lambda row: row.id)
    return Page([judged_of(session, row) for row in page.items], page.next_cursor)


__all__ = [
    "DecisionRow",
    "Judged",
    "ReplyRow",
    "RequestRow",
    "by_external_id",
    "get_judged",
    "judged_of",
    "list_judged",
]
