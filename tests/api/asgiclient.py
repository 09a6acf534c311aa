"""A synchronous httpx client for the ASGI app, so tests read top to bottom.

Each call runs an ``httpx.AsyncClient`` over ``httpx.ASGITransport`` (Starlette's own
TestClient now warns about httpx). ``served(app)`` runs the app as a server does: its
lifespan entered once, on one event loop in a thread of its own that every call is sent
to (on PostgreSQL the lifespan opens the async pool the judging route awaits its
statements on). A bare ``ASGIClient(app)`` runs each call in a fresh event loop with no
lifespan, so the app takes its threaded paths. ``gather`` sends many requests at once on
one loop, for the concurrency tests.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import anyio
import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

T = TypeVar("T")

BASE_URL = "http://roundwise.test"


class ASGIClient:
    """``get``/``post``/``put``/``request`` like ``httpx.Client``, against the app in-process."""

    def __init__(self, app: FastAPI, portal: BlockingPortal | None = None) -> None:
        self.app, self.portal = app, portal

    def _run(self, call: Callable[[], Awaitable[T]]) -> T:
        if self.portal is None:
            return anyio.run(call)
        return self.portal.call(call)

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=BASE_URL)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            async with self._client() as client:
                return await client.request(method, url, **kwargs)

        return self._run(send)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def gather(self, calls: Sequence[tuple[str, str, dict[str, Any]]]) -> list[httpx.Response]:
        """Send all ``(method, url, kwargs)`` calls concurrently; responses in call order."""
        results: list[httpx.Response | None] = [None] * len(calls)

        async def one(client: httpx.AsyncClient, index: int) -> None:
            method, url, kwargs = calls[index]
            results[index] = await client.request(method, url, **kwargs)

        async def send_all() -> None:
            async with self._client() as client, anyio.create_task_group() as group:
                for index in range(len(calls)):
                    group.start_soon(one, client, index)

        self._run(send_all)
        return [r for r in results if r is not None]


@contextmanager
def served(app: FastAPI) -> Iterator[ASGIClient]:
    """A client of ``app`` running with its lifespan, as under ``roundwise serve``."""

    async def lifespan() -> LifespanManager:  # it detects its event loop when built
        return LifespanManager(app, startup_timeout=120)

    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(portal.call(lifespan)),
    ):
        yield ASGIClient(app, portal)
