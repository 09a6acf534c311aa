"""Running the judging protocol's async steps from a synchronous test, on the database's
own adapter: PostgreSQL's (on an async pool opened for the call) or SQLite's."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from roundwise.store.async_pool import AsyncPool
from roundwise.store.db import Database
from roundwise.store.judging import Gateway, gateway_for

T = TypeVar("T")


def on_gateway(database: Database, call: Callable[[Gateway], Awaitable[T]]) -> T:
    """``call(gateway)`` awaited on a fresh event loop, with the database's adapter."""

    async def run() -> T:
        if database.is_sqlite:
            return await call(gateway_for(database, None))
        pool = AsyncPool(database.engine.url.render_as_string(hide_password=False), 4)
        await pool.open()
        try:
            return await call(gateway_for(database, pool))
        finally:
            await pool.close()

    return asyncio.run(run())
