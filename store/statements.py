"""Prebuilt Core statements for the per-request hot path: authenticating, claiming an
Idempotency-Key, and judging a revision request.

Why: building a statement (``select(…).where(…)``), coercing its operands and computing its
cache key cost more Python time than running it did (a tenth of a judged request, with
one multi-row INSERT compiled afresh every time). These are built once per process with
named bind parameters, so SQLAlchemy's compiled cache serves them directly; callers pass
plain parameter dicts. Parameter names carry a ``p_`` prefix where a column of the same
name is being set (SQLAlchemy reserves those names for the SET/VALUES clause).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    Column,
    Select,
    Text,
    TextClause,
    Update,
    bindparam,
    cast,
    select,
    text,
    update,
)

from roundwise.store.base import table_of
from roundwise.store.models import ApiKey, Contract, IdempotencyRecord, LedgerEvent

EVENT_COLUMNS = ("contract_id", "seq", "type", "payload", "occurred_at", "recorded_at")


def _param(column: Column[Any], name: str) -> BindParameter[Any]:
    """A named parameter with the column's type (JSON, UTC timestamps), which a bare
    ``bindparam`` inside a multi-row VALUES would not get."""
    return bindparam(name, type_=column.type)


@cache
def live_key_by_prefix() -> Select[Any]:
    """``:prefix`` → (account_id, key_hash) of a key that is not revoked."""
    keys = table_of(ApiKey)
    return select(keys.c.account_id, keys.c.key_hash).where(
        keys.c.prefix == bindparam("prefix"), keys.c.revoked_at.is_(None)
    )


@cache
def contract_head(*, lock: bool) -> Select[Any]:
    """``:account_id``, ``:contract_id`` → a row of ``id``, ``status``, ``event_count`` and
    ``spec`` (as JSON text)."""
    table = table_of(Contract)
    spec = cast(table.c.spec, Text).label("spec")
    query = select(table.c.id, table.c.status, table.c.event_count, spec)
    query = query.where(
        table.c.account_id == bindparam("account_id"), table.c.id == bindparam("contract_id")
    )
    return query.with_for_update() if lock else query


@cache
def ledger_payloads() -> Select[Any]:
    """``:contract_id``, ``:from_seq`` → the payloads of events ``from_seq`` on as JSON
    text, in ledger order (``from_seq`` 0: every event)."""
    ledger = table_of(LedgerEvent)
    return (
        select(cast(ledger.c.payload, Text))
        .where(
            ledger.c.contract_id == bindparam("contract_id"), ledger.c.seq >= bindparam("from_seq")
        )
        .order_by(ledger.c.seq)
    )


@cache
def claim_ledger_positions() -> Update:
    """Move ``event_count`` from ``:p_seen`` to ``:p_count`` (no row if another writer did)."""
    table = table_of(Contract)
    return (
        update(table)
        .where(table.c.id == bindparam("p_contract_id"), table.c.event_count == bindparam("p_seen"))
        .values(
            event_count=_param(table.c.event_count, "p_count"),
            updated_at=_param(table.c.updated_at, "p_now"),
        )
    )


@cache
def insert_events(count: int) -> TextClause:
    """One ``INSERT … VALUES (…), (…)`` of ``count`` ledger rows; parameters ``<column>_<i>``.

    Written as typed ``text()``: SQLAlchemy cannot cache a multi-row ``insert().values()``
    and compiled it anew on every request; a text clause with typed parameters is cached.
    """
    table = table_of(LedgerEvent)
    rows = ", ".join(
        "(" + ", ".join(f":{column}_{i}" for column in EVENT_COLUMNS) + ")" for i in range(count)
    )
    sql = f"INSERT INTO {table.name} ({', '.join(EVENT_COLUMNS)}) VALUES {rows}"
    params = [
        _param(table.c[column], f"{column}_{i}") for i in range(count) for column in EVENT_COLUMNS
    ]
    return text(sql).bindparams(*params)


def event_parameters(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The parameters of ``insert_events(len(rows))`` for these column dicts."""
    return {f"{column}_{i}": row[column] for i, row in enumerate(rows) for column in EVENT_COLUMNS}


@cache
def claim_idempotency_key() -> TextClause:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING key``: a row back only if it was new.

    Typed ``text()``: the statement is the same on PostgreSQL and SQLite (3.35+).
    """
    table = table_of(IdempotencyRecord)
    columns = ("account_id", "key", "request_hash", "state", "created_at")
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join(f':p_{column}' for column in columns)}) "
        "ON CONFLICT DO NOTHING RETURNING key"
    )
    return text(sql).bindparams(*(_param(table.c[column], f"p_{column}") for column in columns))


@cache
def complete_idempotency_key() -> Update:
    """Store the response of the claimed key ``(:p_account_id, :p_key)``."""
    table = table_of(IdempotencyRecord)
    return (
        update(table)
        .where(table.c.account_id == bindparam("p_account_id"), table.c.key == bindparam("p_key"))
        .values(
            {
                column: _param(table.c[column], f"p_{column}")
                for column in ("state", "status_code", "content_type", "response_body")
            }
            | {"completed_at": _param(table.c.completed_at, "p_completed_at")}
        )
    )


__all__ = [
    "EVENT_COLUMNS",
    "claim_idempotency_key",
    "claim_ledger_positions",
    "complete_idempotency_key",
    "contract_head",
    "event_parameters",
    "insert_events",
    "ledger_payloads",
    "live_key_by_prefix",
]
