"""The FastAPI application factory.

All state lives in the database; none is kept in this process between requests, so
``roundwise serve --workers N`` (or several hosts behind a load balancer) just works.
Migrations are not run here (N workers would race); ``roundwise serve`` runs them once
before starting the workers.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from anyio import CapacityLimiter, to_thread
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from roundwise.api import errors, openapi_docs, web
from roundwise.api.auth_limit import FailedAuthLimiter
from roundwise.api.collector import keep_survivors_frozen
from roundwise.api.docs_pages import install_docs
from roundwise.api.encoding import Utf8JsonMiddleware
from roundwise.api.expiry import prune_expired_keys
from roundwise.api.logs import ProblemLogMiddleware, configure_logging
from roundwise.api.middleware import (
    MAX_KEY_LENGTH,
    BodyLimitMiddleware,
    IdempotencyMiddleware,
    NulPathMiddleware,
    own_key_paths,
)
from roundwise.api.routes import TAGS, accept, routers
from roundwise.api.settings import Settings, get_settings
from roundwise.api.webhook_delivery import InProcessWorker
from roundwise.contracts.pool import RenderPool
from roundwise.engine import ENGINE_VERSION
from roundwise.engine.understand import RequestContext, analyse_request
from roundwise.store.async_pool import AsyncPool
from roundwise.store.db import Database
from roundwise.store.idempotency import KeyPolicy

DESCRIPTION = """Roundwise judges client revision requests against a contract's revision terms.

Authenticate with `Authorization: Bearer <api key>` (`roundwise account create NAME` prints
one). Every POST accepts an `Idempotency-Key` header: a retry with the same key and body
gets the first response again. Errors are RFC 9457 `application/problem+json`.
"""


WARM_UP_MESSAGES = (
    "Hi, thanks! Could you make the opening shorter?",
    "Živjo, bi lahko v drugem odstavku omenili še našo pekarno?",
    "Γεια σας, μπορείτε να αλλάξετε τον τίτλο;",
)


def warm_up() -> None:
    """Load the engine's lazily built data (language models, cue books) before serving.

    Building them takes seconds of CPU; done inside the first request, it stalls that
    request and can starve a worker's health check under ``--workers N``.

    Then everything loaded so far is moved out of the garbage collector's sight
    (``gc.freeze``): those ~140k long-lived objects (cue book, schemas, mappers) never die,
    yet each full collection walked them all, a 260 ms pause in the middle of whichever
    requests were running (the p99 under load).
    """
    context = RequestContext(deliverable_id="warm-up", deliverable_kind="text")
    for message in WARM_UP_MESSAGES:
        analyse_request(message, context)
    gc.collect()
    gc.freeze()


API_PREFIX = "/v1"

IDEMPOTENCY_HEADER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Retry-safe POST: the same key and body replay the first response; the same "
    "key with another body is 422; while the first is running, 409. Kept at least 24 h.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
}


def document_idempotency_key(app: FastAPI) -> None:
    """Add the Idempotency-Key header (handled by the middleware) to every POST in OpenAPI."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            for path in schema.get("paths", {}).values():
                if "post" in path:
                    path["post"].setdefault("parameters", []).append(IDEMPOTENCY_HEADER)
            app.openapi_schema = openapi_docs.complete(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def url_of(database: Database) -> str:
    """The database's URL, password included (for a second, async pool on it)."""
    return database.engine.url.render_as_string(hide_password=False)


@dataclass(frozen=True, slots=True)
class _Parts:
    """What the app owns and its lifespan starts and stops."""

    settings: Settings
    database: Database
    owns_db: bool
    pg_pool: AsyncPool | None
    render_pool: RenderPool
    policy: KeyPolicy


def _chores(parts: _Parts) -> list[asyncio.Task[None]]:
    """The background tasks of a served worker: GC freezing and key pruning, if set."""
    settings, chores = parts.settings, []
    if settings.gc_freeze_seconds > 0:
        freezing = keep_survivors_frozen(settings.gc_freeze_seconds, settings.gc_full_every)
        chores.append(asyncio.create_task(freezing))
    if settings.idempotency_prune_seconds > 0:
        ttl, every = parts.policy.ttl, settings.idempotency_prune_seconds
        chores.append(asyncio.create_task(prune_expired_keys(parts.database.writes, ttl, every)))
    return chores


def _webhook_worker(parts: _Parts) -> InProcessWorker | None:
    """The in-process webhook delivery worker, unless the settings turn it off."""
    if not parts.settings.webhooks_in_process:
        return None
    return InProcessWorker.start(parts.database, parts.settings)


def _lifespan(parts: _Parts) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start what a served app needs (logging, threads, models, pools, chores); stop it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging()
        to_thread.current_default_thread_limiter().total_tokens = parts.settings.worker_threads
        app.state.long_judging = CapacityLimiter(1)  # api.deps.long_judging
        await to_thread.run_sync(warm_up)
        if parts.pg_pool is not None:
            await parts.pg_pool.open()
        chores = _chores(parts)
        hooks = _webhook_worker(parts)
        try:
            yield
        finally:
            for chore in chores:
                chore.cancel()
            await asyncio.gather(*chores, return_exceptions=True)
            if hooks is not None:
                await hooks.close(parts.settings.webhooks_timeout_seconds + 5)
            # uvicorn ends a SIGTERM'd process by re-raising the signal after the lifespan,
            # so exit hooks never run: without this the render workers would be orphaned.
            await to_thread.run_sync(parts.render_pool.shutdown)
            if parts.pg_pool is not None:
                await parts.pg_pool.close()
            if parts.owns_db:
                parts.database.dispose()

    return lifespan


def _add_middleware(app: FastAPI, parts: _Parts) -> None:
    """The middleware stack, innermost first."""
    # Routes that claim their Idempotency-Key themselves (the judged route, which claims
    # it in the statement that reads its contract); the middleware claims for all others.
    own_keys = [p for router in routers() for p in own_key_paths(router.routes, API_PREFIX)]
    app.add_middleware(
        IdempotencyMiddleware,
        db=parts.database,
        policy=parts.policy,
        pool=parts.pg_pool,
        own_key_paths=own_keys,
    )
    app.add_middleware(BodyLimitMiddleware, limit=parts.settings.max_body_bytes)
    app.add_middleware(Utf8JsonMiddleware)
    app.add_middleware(NulPathMiddleware)
    app.add_middleware(ProblemLogMiddleware)


async def health() -> dict[str, str]:
    """Liveness: the process answers (no database round trip).

    On the event loop, not in the thread pool: a health check must not queue behind
    the routes that keep the pool's threads busy (issue 22).
    """
    return {"status": "ok", "engine_version": ENGINE_VERSION}


def _parts(settings: Settings, db: Database | None) -> _Parts:
    database = db or Database.connect(
        settings.database_url,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        pool_size=settings.db_pool_size,
    )
    # PostgreSQL: the judging hot path awaits its statements on the loop (store.async_pool).
    pg_pool = None if database.is_sqlite else AsyncPool(url_of(database), settings.db_pool_size)
    policy = KeyPolicy(
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        stale_after=timedelta(seconds=settings.idempotency_stale_seconds),
    )
    # PDF renders run in worker processes, started on the first render (contracts.pool).
    render_pool = RenderPool(settings.render_processes)
    return _Parts(settings, database, db is None, pg_pool, render_pool, policy)


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """Build the app on ``db`` (or a database opened from ``settings``)."""
    parts = _parts(settings or get_settings(), db)
    settings = parts.settings
    app = FastAPI(
        title="Roundwise",
        version=ENGINE_VERSION,
        description=DESCRIPTION,
        lifespan=_lifespan(parts),
        openapi_tags=[{"name": tag} for tag in TAGS],
        docs_url=None,  # served by install_docs, from local assets
        redoc_url=None,
    )
    app.state.settings, app.state.db, app.state.pg_pool = settings, parts.database, parts.pg_pool
    app.state.render_pool, app.state.key_policy = parts.render_pool, parts.policy
    app.state.auth_limiter = FailedAuthLimiter(
        settings.auth_failures_per_address,
        settings.auth_failures_per_key_prefix,
        settings.auth_failure_window_seconds,
    )
    errors.install(app)
    for router in routers():
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(accept.router)  # the client's change-order link, at the root
    _add_middleware(app, parts)
    document_idempotency_key(app)
    app.add_api_route("/health", health, methods=["GET"], tags=["service"])
    install_docs(app)
    web.install(app)  # the web pages under /app (api.web); /v1 never reads their session
    return app


__all__ = ["create_app"]
