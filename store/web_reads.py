"""Reads the web pages make in one statement where the API's routes make one per row.

A contract's page lists every request with its verdict and tells the ledger as a story
with each decision's explanation; reading them through ``judgements.list_judged`` took
two queries per request (half a second for 200 requests on SQLite). The caller has
already read the contract through ``store.contracts.get_contract`` (scoped to the
account); these read only rows of that contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundwise.store.models import DecisionRecord, RevisionRequestRecord


@dataclass(frozen=True, slots=True)
class RequestSummary:
    """A request as the contract page lists it: when, which deliverable, its decision."""

    id: str
    deliverable: str
    received_at: datetime
    verdict: str
    decision: dict[str, Any]


def request_summaries(session: Session, contract_id: str) -> list[RequestSummary]:
    """The contract's judged requests, oldest first, with their decision documents."""
    rows = session.execute(
        select(
            RevisionRequestRecord.id,
            RevisionRequestRecord.deliverable_key,
            RevisionRequestRecord.received_at,
            DecisionRecord.verdict,
            DecisionRecord.document,
        )
        .join(DecisionRecord, DecisionRecord.request_id == RevisionRequestRecord.id)
        .where(RevisionRequestRecord.contract_id == contract_id)
        .order_by(RevisionRequestRecord.id)
    ).all()
    return [RequestSummary(r[0], r[1], r[2], r[3], r[4]) for r in rows]


__all__ = ["RequestSummary", "request_summaries"]
