"""A synchronous httpx client for the ASGI app, so tests read top to bottom.

Each call runs an ``httpx.AsyncClient`` over ``httpx.ASGITransport`` in a fresh event loop
(Starlette's own TestClient now warns about httpx). ``gather`` sends many requests at
once on one loop, for the concurrency tests: the app's sync routes then really run in
parallel threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import anyio
import httpx
from fastapi import FastAPI

BASE_URL = "http://roundwise.test"


class ASGIClient:
    """``get``/``post``/``put``/``request`` like ``httpx.Client``, against the app in-process."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=BASE_URL)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            async with self._client() as client:
                return await client.request(method, url, **kwargs)

        return anyio.run(send)

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

        anyio.run(send_all)
        return [r for r in results if r is not None]
