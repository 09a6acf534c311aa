"""PostgreSQL connections for the event loop, so the judging hot path needs no threads.

Why: a judged request used to cross into the thread pool twice (the Idempotency-Key
claim, then the route), and those hand-offs — queue, condition variable, the loop's
self-pipe, the GIL passed back and forth between two threads — cost about as much CPU as
the statements they waited for. On PostgreSQL the Idempotency-Key claims and the judging
protocol's statements (``store.judging.postgres``) run on psycopg's async connections
from this pool, awaited on the loop; the engine's CPU-bound judging runs on the loop too
(in a thread it would hold the GIL all the same). Everything else, and all of SQLite,
stays on SQLAlchemy sessions in the thread pool.

The pool belongs to one event loop: the app opens it in its lifespan and closes it at
shutdown. An app served without a lifespan never opens it (``AsyncPool.ready`` is false),
and then judges through the SQLAlchemy adapter (``store.judging.gateway_for``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.engine import make_url


def conninfo(url: str) -> str:
    """The libpq connection URI of a SQLAlchemy URL (``postgresql+psycopg://…``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class AsyncPool:
    """Autocommit psycopg connections (one statement, one transaction) for one event loop."""

    def __init__(self, url: str, size: int) -> None:
        self._pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]] = AsyncConnectionPool(
            conninfo(url),
            min_size=1,
            max_size=size,
            open=False,
            kwargs={"autocommit": True},
        )
        self.ready = False

    async def open(self) -> None:
        """Connect (waits for the first connection, so a bad URL fails at start-up)."""
        await self._pool.open(wait=True)
        self.ready = True

    async def close(self) -> None:
        """Close every connection."""
        self.ready = False
        await self._pool.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A connection for a few statements; a broken one is replaced by the pool."""
        async with self._pool.connection() as connection:
            yield connection


__all__ = ["AsyncPool", "conninfo"]
