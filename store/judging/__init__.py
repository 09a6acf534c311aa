"""Judging revision requests: one protocol, a small gateway, one adapter per database.

Read in this order:

1. ``protocol.py`` — the rule and the algorithm, written once (async): read the contract
   and the new ledger events, judge (CPU only), store if the ledger has not moved, retry,
   then judge under the contract's lock. No database in sight, only a ``Gateway``.
2. ``gateway.py`` — the ``Gateway`` protocol (claim, read, store, judge_locked) and the
   values that cross it: named rows (``ContractRow``), the claim (``KeyAsk``,
   ``Claimed``) and what a judgement writes (``Storing``).
3. ``locked.py`` — the steps on SQLAlchemy sessions, and the locked judgement.
4. ``sqlite.py`` — the SQLite adapter (those steps in the thread pool); also any database
   the app reaches without its async pool.
5. ``postgres.py`` — the PostgreSQL adapter: each step one prepared statement awaited on
   an async connection; a keyed judged request is two round trips.

``gateway_for`` picks the adapter; which one is the only database-specific choice.
"""

from __future__ import annotations

from roundwise.store.async_pool import AsyncPool
from roundwise.store.db import Database
from roundwise.store.judging.gateway import Claimed, ContractRow, Gateway, KeyAsk, Reading, Storing
from roundwise.store.judging.postgres import PostgresGateway
from roundwise.store.judging.protocol import Judging, OffLoop, Preread, judge, plan_read
from roundwise.store.judging.sqlite import SqliteGateway


def gateway_for(db: Database, pool: AsyncPool | None) -> Gateway:
    """The PostgreSQL adapter where the async pool is open, else the SQLAlchemy one."""
    if pool is not None and pool.ready:
        return PostgresGateway(pool, db)
    return SqliteGateway(db)


__all__ = [
    "Claimed",
    "ContractRow",
    "Gateway",
    "Judging",
    "KeyAsk",
    "OffLoop",
    "Preread",
    "Reading",
    "Storing",
    "gateway_for",
    "judge",
    "plan_read",
]
