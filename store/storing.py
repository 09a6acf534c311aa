"""What storing a judged revision request writes, built before it is written.

A judgement is computed (``Prepared``) against the ledger as read, then stored only if
the ledger has not moved (``store.revisions``). ``Storing`` holds everything that one
write needs: the ledger positions it claims, the two events, the request, decision and
reply rows, and the Idempotency-Key response that is stored with them. The same values
go into one statement on PostgreSQL (``single_trip.store_judgement``, run from a thread
or awaited on the event loop) or statement by statement on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy.orm import Session

from engine.decide import Decision, RevisionRequest
from engine.ledger import Event
from store import single_trip, statements
from store.base import table_of, utcnow
from store.idempotency import KeyCompletion, complete_in, completion_values
from store.ids import new_id
from store.judgements import DecisionRow, Judged, ReplyRow, RequestRow
from store.ledger import new_event_values


@dataclass(frozen=True, slots=True)
class Prepared:
    """A judgement computed against ledger length ``seen``, not yet stored."""

    contract_id: str
    seen: int
    request: RevisionRequest
    decision: Decision
    events: tuple[Event, ...]
    reply: Mapping[str, Any]


# Given a new judgement before it is stored: the Idempotency-Key response to store with it,
# in the same transaction, so neither is ever kept without the other (or None).
Completion = Callable[[Judged], KeyCompletion | None]


@dataclass(frozen=True, slots=True)
class Storing:
    """What storing a prepared judgement writes: the ledger positions it claims, its
    events' columns, its rows and the Idempotency-Key response that goes with them."""

    positions: dict[str, Any]
    events: list[dict[str, Any]]
    judged: Judged
    key: KeyCompletion | None

    @classmethod
    def of(cls, prepared: Prepared, completion: Completion | None) -> Storing:
        judged = _judged_rows(prepared, prepared.seen + len(prepared.events))
        positions = {
            "p_contract_id": prepared.contract_id,
            "p_seen": prepared.seen,
            "p_count": prepared.seen + len(prepared.events),
            "p_now": utcnow(),
        }
        events = new_event_values(prepared.contract_id, prepared.seen, prepared.events)
        key = completion(judged) if completion is not None else None
        return cls(positions, events, judged, key)

    def in_one_statement(self, driver: psycopg.Connection[Any]) -> bool:
        """PostgreSQL: everything in one statement (``single_trip.store_judgement``)."""
        statement, values = self.one_statement()
        return stored(single_trip.run(driver, statement, values))

    def one_statement(self) -> tuple[str, dict[str, Any]]:
        """``single_trip.store_judgement`` for this judgement, and its parameters."""
        values = dict(self.positions)
        for i, event in enumerate(self.events):
            values |= {f"ev{i}_{column}": event[column] for column in statements.EVENT_COLUMNS}
        for (prefix, _), row in zip(single_trip.JUDGEMENT_ROWS, _rows_of(self.judged), strict=True):
            values |= {f"{prefix}_{column}": value for column, value in row.values().items()}
        if self.key is not None:
            values |= completion_values(self.key, "key_")
        values = {name: single_trip.as_jsonb(value) for name, value in values.items()}
        statement = single_trip.store_judgement(len(self.events), complete_key=bool(self.key))
        return statement, values

    def statement_by_statement(self, session: Session) -> bool:
        """SQLite: the conditional update, then the inserts (the transaction is the lock)."""
        claimed = session.execute(statements.claim_ledger_positions(), self.positions)
        if getattr(claimed, "rowcount", 0) != 1:
            return False
        # One multi-row INSERT … VALUES (…), (…): an executemany of two rows cost as much
        # as all the other statements of the transaction together.
        events = statements.event_parameters(self.events)
        session.execute(statements.insert_events(len(self.events)), events)
        for (_, model), row in zip(single_trip.JUDGEMENT_ROWS, _rows_of(self.judged), strict=True):
            session.execute(table_of(model).insert(), [row.values()])  # in foreign-key order
        if self.key is not None:
            complete_in(session, self.key)
        return True


def stored(rows: Sequence[Any]) -> bool:
    """Whether ``single_trip.store_judgement`` stored (1) or lost the race (0)."""
    return bool(rows[0][0] == 1)


def _rows_of(judged: Judged) -> tuple[RequestRow | DecisionRow | ReplyRow, ...]:
    return (judged.request, judged.decision, judged.reply)


def _judged_rows(prepared: Prepared, decision_seq: int) -> Judged:
    """The rows that store ``prepared`` (built before storing: the key's response is
    made of them)."""
    request, decision, reply = prepared.request, prepared.decision, prepared.reply
    assert request.request_id is not None
    at: datetime = decision.decided_at
    request_row = RequestRow(
        id=request.request_id,
        contract_id=prepared.contract_id,
        deliverable_key=request.deliverable,
        channel=request.channel,
        external_id=request.external_id,
        document=request.model_dump(mode="json"),
        received_at=decision.received_at,
    )
    decision_row = DecisionRow(
        id=new_id("dec"),
        contract_id=prepared.contract_id,
        request_id=request_row.id,
        verdict=decision.verdict,
        ledger_seq=decision_seq,
        document=decision.model_dump(mode="json"),
        created_at=at,
    )
    reply_row = ReplyRow(
        id=new_id("rep"),
        decision_id=decision_row.id,
        language=str(reply.get("language", "")),
        document=dict(reply),
        created_at=at,
    )
    return Judged(request_row, decision_row, reply_row)


__all__ = ["Completion", "Prepared", "Storing", "stored"]
