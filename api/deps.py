"""FastAPI dependencies as ``Annotated`` aliases: the database, sessions, the caller's account.

Every data route takes ``AccountDep`` (a Bearer API key → account id) and passes it to the
store, which scopes each query to that account.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from roundwise.api.auth_limit import refuse
from roundwise.api.errors import AuthenticationError
from roundwise.api.settings import Settings
from roundwise.contracts.pool import RenderPool
from roundwise.store.accounts import authenticate
from roundwise.store.async_pool import AsyncPool
from roundwise.store.db import Database

bearer_scheme = HTTPBearer(auto_error=False, description="An API key: `Bearer rw_…`.")


async def get_database(request: Request) -> Database:
    """The app's database (created by ``create_app``)."""
    return database_of(request)


def database_of(request: Request) -> Database:
    """The app's database, without a dependency (each one FastAPI resolves costs CPU on
    every request of the route)."""
    db = request.app.state.db
    assert isinstance(db, Database)
    return db


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings = request.app.state.settings
    assert isinstance(settings, Settings)
    return settings


async def get_render_pool(request: Request) -> RenderPool:
    """The app's pool of PDF render processes (sized by ``Settings.render_processes``)."""
    pool = request.app.state.render_pool
    assert isinstance(pool, RenderPool)
    return pool


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
RenderPoolDep = Annotated[RenderPool, Depends(get_render_pool)]


# Sessions a worker process keeps open at once per dependency; more requests wait for one
# without holding a thread or a connection. Why: FastAPI validates a sync route's response
# in the thread pool while the route's session still holds its connection, so with more
# requests in flight than connections, the finished ones waited for a thread and the
# running ones for a connection, until the pool timed out (500s). Reads and writes, 4 each,
# plus the threads' own lookups stay within the smallest pool allowed
# (``Settings.db_pool_size`` >= 4: 4 connections and 8 of overflow).
SESSIONS_AT_ONCE = 4


def read_session(db: DatabaseDep) -> Iterator[Session]:
    """A session for reads (no write lock on SQLite)."""
    with db.reads() as session:
        yield session


def write_session(db: DatabaseDep) -> Iterator[Session]:
    """A session for writes; the route commits once, before it answers."""
    with db.writes() as session:
        yield session


SessionDep = Annotated[Session, Depends(read_session, max_concurrency=SESSIONS_AT_ONCE)]
WriteSessionDep = Annotated[Session, Depends(write_session, max_concurrency=SESSIONS_AT_ONCE)]


async def current_account(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> str:
    """The id of the account whose live API key is in ``Authorization: Bearer``.

    A wrong key is a 401, or a 429 once its address or prefix failed too often
    (``api.auth_limit``); a key that authenticates is never refused.

    Async so that a POST the idempotency middleware already authenticated costs no
    thread hop; the database lookup itself runs in the thread pool.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("send an API key as `Authorization: Bearer <key>`")
    cached = getattr(request.state, "account_id", None)  # set by the idempotency middleware
    if isinstance(cached, str):
        return cached
    db = database_of(request)
    account_id = await to_thread.run_sync(_authenticate, db, credentials.credentials)
    if account_id is None:
        refuse(request, credentials.credentials)  # 401, or 429 after too many (api.auth_limit)
    request.state.account_id = account_id  # for the log of a refused request (api.logs)
    return account_id


def _authenticate(db: Database, token: str) -> str | None:
    with db.reads() as session:
        return authenticate(session, token)


AccountDep = Annotated[str, Depends(current_account)]


def open_async_pool(request: Request) -> AsyncPool | None:
    """The app's async PostgreSQL pool if it is open (not on SQLite, nor without a lifespan).

    A plain function, not a dependency: the judging route is the hot path, and each
    dependency FastAPI resolves costs CPU on every request.
    """
    pool = getattr(request.app.state, "pg_pool", None)
    return pool if isinstance(pool, AsyncPool) and pool.ready else None


def long_judging(request: Request) -> CapacityLimiter | None:
    """The app's limiter for judging long requests (``api.schemas.judged_off_loop``): one
    at a time per worker, in a thread, so at most one CPU-bound thread contends with the
    event loop for the GIL (None without a lifespan: the default thread limiter)."""
    limiter = getattr(request.app.state, "long_judging", None)
    return limiter if isinstance(limiter, CapacityLimiter) else None


class PageParams:
    """``limit`` and ``cursor`` query parameters of list routes."""

    def __init__(
        self,
        settings: SettingsDep,
        limit: Annotated[int | None, Query(ge=1, le=1000, description="Page size.")] = None,
        cursor: Annotated[
            str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
        ] = None,
    ) -> None:
        self.limit = min(limit or settings.page_size_default, settings.page_size_max)
        self.cursor = cursor


PageDep = Annotated[PageParams, Depends()]

__all__ = [
    "SESSIONS_AT_ONCE",
    "AccountDep",
    "DatabaseDep",
    "PageDep",
    "PageParams",
    "RenderPoolDep",
    "SessionDep",
    "SettingsDep",
    "WriteSessionDep",
    "current_account",
    "database_of",
    "long_judging",
    "open_async_pool",
]
