"""The ledger in the database: append engine events, read them back in order.

Rule: rows are only ever *inserted*. Each event gets the next sequence number of its
contract (``unique(contract_id, seq)``), so two writers that were not serialised would
collide on the constraint instead of silently interleaving; its ``payload`` is exactly
``event.model_dump(mode="json")`` and is read back with ``engine.ledger.parse_event``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roundwise.engine.ledger import ContractState, Event, fold, parse_event
from roundwise.engine.terms import ContractTerms
from roundwise.store import jsoncodec, statements
from roundwise.store.base import utcnow
from roundwise.store.models import Contract, LedgerEvent
from roundwise.store.pagination import POSITION_KEY, Page, decode_cursor, page_of

Clock = Callable[[], datetime]
# Parsed events kept per process (a ledger event's JSON is ~1-2 kB; a few tens of MB in all).
PARSED_EVENTS_KEPT = 16_384


def append_events(session: Session, contract: Contract, events: Sequence[Event]) -> list[int]:
    """Append ``events`` after the contract's last one; returns their sequence numbers.

    The caller holds the contract's lock (``store.contracts.lock_contract``).
    """
    first = contract.event_count
    session.add_all(new_event_rows(contract.id, first, events))
    contract.event_count = first + len(events)
    session.flush()
    return list(range(first + 1, first + len(events) + 1))


def new_event_rows(contract_id: str, after: int, events: Sequence[Event]) -> list[LedgerEvent]:
    """Rows for ``events`` at positions ``after + 1``, ``after + 2``, …"""
    return [LedgerEvent(**values) for values in new_event_values(contract_id, after, events)]


def new_event_values(contract_id: str, after: int, events: Sequence[Event]) -> list[dict[str, Any]]:
    """The column values (``statements.EVENT_COLUMNS``) of ``new_event_rows``, for a Core
    INSERT without ORM objects."""
    recorded_at = utcnow()
    return [
        {
            "contract_id": contract_id,
            "seq": after + offset,
            "type": event.type,
            "payload": event.model_dump(mode="json"),
            "occurred_at": event.at,
            "recorded_at": recorded_at,
        }
        for offset, event in enumerate(events, start=1)
    ]


def load_events(session: Session, contract_id: str) -> list[Event]:
    """Every event of the contract, in ledger order, as engine values.

    The payloads are read as JSON text and parsed through ``parsed_event``, a memo of
    text → event: each request re-reads its contract's whole ledger, and validating the
    same stored events again was a large part of a request's CPU.
    """
    return [parsed_event(text) for text in ledger_texts(session, contract_id, 0)]


def ledger_texts(session: Session, contract_id: str, from_seq: int) -> list[str]:
    """The stored JSON of the contract's events ``from_seq`` on (0: all), in order."""
    values = {"contract_id": contract_id, "from_seq": from_seq}
    return list(session.scalars(statements.ledger_payloads(), values))


@lru_cache(maxsize=PARSED_EVENTS_KEPT)
def parsed_event(text: str) -> Event:
    """The engine event stored as ``text`` (a pure function of it, so safe to memoise).

    Events are frozen values, so sharing one between requests and threads is safe; the
    memo is keyed on the full text, never on ids, so it cannot go stale.
    """
    return parse_event(jsoncodec.loads(text))


def event_page(
    session: Session, contract_id: str, limit: int, cursor: str | None
) -> Page[LedgerEvent]:
    """Ledger rows in order, oldest first, ``limit`` per page."""
    query = select(LedgerEvent).where(LedgerEvent.contract_id == contract_id)
    if cursor is not None:
        query = query.where(LedgerEvent.seq > int(decode_cursor(cursor, POSITION_KEY)))
    rows = session.scalars(query.order_by(LedgerEvent.seq).limit(limit + 1)).all()
    return page_of(rows, limit, lambda row: str(row.seq))


def count_events(session: Session, contract_id: str, event_type: str | None = None) -> int:
    """How many events (of one type) the contract's ledger holds."""
    query = select(func.count()).select_from(LedgerEvent)
    query = query.where(LedgerEvent.contract_id == contract_id)
    if event_type is not None:
        query = query.where(LedgerEvent.type == event_type)
    return int(session.scalar(query) or 0)


def ledger_time(session: Session, contract_id: str, clock: Clock) -> datetime:
    """The time for the next event: the clock, but never before the ledger's last event.

    Called under the contract's lock, so a request that waited for the lock is stamped
    after the one that held it, and a clock stepping back cannot reorder the ledger.
    """
    last = session.scalar(
        select(LedgerEvent.occurred_at)
        .where(LedgerEvent.contract_id == contract_id)
        .order_by(LedgerEvent.seq.desc())
        .limit(1)
    )
    now = clock()
    return max(now, last) if last is not None else now


def fold_with(
    session: Session, contract: Contract, terms: ContractTerms, new: Sequence[Event], now: datetime
) -> ContractState:
    """Fold the stored ledger plus ``new`` events: a ``LedgerError`` rejects them unstored."""
    return fold([*load_events(session, contract.id), *new], now, terms)


def append_checked(
    session: Session, contract: Contract, terms: ContractTerms, new: Sequence[Event], now: datetime
) -> list[int]:
    """Append ``new`` only if the ledger still folds with them (the caller holds the lock)."""
    fold_with(session, contract, terms, new, now)
    return append_events(session, contract, new)


__all__ = [
    "Clock",
    "append_checked",
    "append_events",
    "count_events",
    "event_page",
    "fold_with",
    "ledger_texts",
    "ledger_time",
    "load_events",
    "new_event_rows",
    "new_event_values",
    "parsed_event",
]
