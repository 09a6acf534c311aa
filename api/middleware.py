"""Pure ASGI middlewares: the request-body limit and Idempotency-Key handling.

They sit outside FastAPI's routing, so they render their errors with ``api.errors``
(the one place that builds problem+json) rather than raising into the app.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from re import Pattern
from typing import Any, TypeVar

from anyio import to_thread
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute, compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roundwise.api.errors import (
    ContentTooLarge,
    error_response,
    http_error_response,
    problem_response,
)
from roundwise.engine.errors import FieldProblem, RoundwiseError
from roundwise.store import idempotency
from roundwise.store.async_pool import AsyncPool
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.judging import KeyAsk, gateway_for

MAX_KEY_LENGTH = 255
# The attribute that marks a route's endpoint as claiming its Idempotency-Key itself.
OWN_KEY_MARK = "claims_its_own_idempotency_key"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def claims_its_own_key(endpoint: Endpoint) -> Endpoint:
    """Mark a route's endpoint as handling its Idempotency-Key itself (claiming it,
    replaying, releasing it, storing its response with its outcome), in plain sight;
    ``IdempotencyMiddleware`` then passes its requests through untouched."""
    setattr(endpoint, OWN_KEY_MARK, True)
    return endpoint


def own_key_paths(routes: Iterable[BaseRoute], prefix: str = "") -> list[Pattern[str]]:
    """The path patterns of the POST routes (mounted under ``prefix``) whose endpoints
    ``claims_its_own_key``, for ``IdempotencyMiddleware``."""
    return [
        compile_path(prefix + str(getattr(route, "path", "")))[0]
        for route in routes
        if getattr(getattr(route, "endpoint", None), OWN_KEY_MARK, False)
        and "POST" in (getattr(route, "methods", None) or ())
    ]


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of a request header, decoded as Latin-1 (HTTP's header charset)."""
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class NulPathMiddleware:
    """404 for a path holding U+0000 (``%00``): no id holds one, and PostgreSQL refuses
    the character in any lookup, which would otherwise end in a 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and "\x00" in scope["path"]:
            detail = "no resource has a NUL character in its path"
            await problem_response(404, "not-found", detail)(scope, receive, send)
            return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """413 for bodies over ``limit`` bytes: by Content-Length up front, else while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await http_error_response(ContentTooLarge(self.limit), scope["path"])(
                scope, receive, send
            )
            return
        await self._limited(scope, receive, send)

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise ContentTooLarge(self.limit)
            return message

        await refusing_while_streaming(self.app, scope, receive, send, limited_receive)


async def refusing_while_streaming(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, checked: Receive
) -> None:
    """Run ``app`` reading the body through ``checked``, which raises an ``HTTPException``
    for a body it refuses (too large, not UTF-8): answered as a problem if the response
    has not started yet, else re-raised (the connection is then cut)."""
    started = False

    async def tracking_send(message: Message) -> None:
        nonlocal started
        started = started or message["type"] == "http.response.start"
        await send(message)

    try:
        await app(scope, checked, tracking_send)
    except HTTPException as exc:
        if started:
            raise
        await http_error_response(exc, scope["path"])(scope, receive, send)


async def read_body(receive: Receive) -> bytes:
    """The whole request body (the body limit applies through ``receive``)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(chunks)
        elif message["type"] == "http.disconnect":
            return b"".join(chunks)


def request_fingerprint(scope: Scope, body: bytes) -> str:
    """What makes two requests "the same": method, path, query string and body."""
    digest = hashlib.sha256()
    for part in (scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b"")):
        digest.update(part + b"\0")
    digest.update(body)
    return digest.hexdigest()


def bearer_token(scope: Scope) -> str | None:
    """The token of an ``Authorization: Bearer …`` header."""
    value = header(scope, b"authorization")
    if value is None:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


# A PUT with a key is replayed too: a correction (PUT .../assessment) judges again.
KEYED_METHODS = frozenset({"POST", "PUT"})


class IdempotencyMiddleware:
    """Replays the first response to a POST (or PUT) retried with the same Idempotency-Key.

    Generic: it claims the key (``store.judging.Gateway.claim``, awaited on the loop where
    the async pool is open), replays a completed request's response, answers 409 while
    the first is in flight and 422 for a key reused with another request, runs the app,
    then stores its response (or releases the key after a server error, so a retry runs
    again). A route whose endpoint ``claims_its_own_key`` does all that itself: its
    requests (``own_key_paths``, the marked routes' paths) pass through.
    """

    def __init__(
        self,
        app: ASGIApp,
        db: Database,
        policy: idempotency.KeyPolicy,
        pool: AsyncPool | None = None,
        own_key_paths: Sequence[Pattern[str]] = (),
    ) -> None:
        self.app, self.db, self.policy, self.pool = app, db, policy, pool
        self.own_key_paths = tuple(own_key_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = header(scope, b"idempotency-key") if scope["type"] == "http" else None
        if key is None or scope["method"] not in KEYED_METHODS:
            await self.app(scope, receive, send)
            return
        if not key or len(key) > MAX_KEY_LENGTH:
            problem = FieldProblem("Idempotency-Key", f"must be 1 to {MAX_KEY_LENGTH} characters")
            response = problem_response(
                422, "validation-error", problem.reason, scope["path"], (problem,)
            )
            await response(scope, receive, send)
            return
        token = bearer_token(scope)
        if token is None or any(p.match(scope["path"]) for p in self.own_key_paths):
            await self.app(scope, receive, send)  # the route answers itself
            return
        await self._idempotent(scope, receive, send, token, key)

    async def _idempotent(
        self, scope: Scope, receive: Receive, send: Send, token: str, key: str
    ) -> None:
        body = await read_body(receive)
        replay_receive = _replaying(body, receive)
        ask = KeyAsk(token, key, request_fingerprint(scope, body), utcnow(), self.policy)
        try:
            claim = await gateway_for(self.db, self.pool).claim(ask)
        except RoundwiseError as exc:
            await error_response(exc, scope["path"])(scope, receive, send)
            return
        if claim is None:  # the route answers 401 itself
            await self.app(scope, replay_receive, send)
            return
        scope.setdefault("state", {})["account_id"] = claim.account_id  # authenticated
        if claim.replay is not None:
            await replayed(claim.replay)(scope, receive, send)
            return
        await self._run_and_store(scope, replay_receive, send, claim.account_id, key)

    async def _run_and_store(
        self, scope: Scope, receive: Receive, send: Send, account_id: str, key: str
    ) -> None:
        status, content_type, chunks = 500, "application/json", []

        async def capturing_send(message: Message) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = message["status"]
                content_type = dict(message.get("headers", [])).get(b"content-type", b"").decode()
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, capturing_send)
        except BaseException:
            await to_thread.run_sync(idempotency.release, self.db.writes, account_id, key)
            raise
        if status >= 500:
            await to_thread.run_sync(idempotency.release, self.db.writes, account_id, key)
            return
        stored = idempotency.StoredResponse(status, content_type, b"".join(chunks))
        await to_thread.run_sync(
            idempotency.complete, self.db.writes, account_id, key, stored, utcnow()
        )


def replayed(stored: idempotency.StoredResponse) -> Response:
    """A stored response sent again, marked ``Idempotent-Replayed: true``."""
    headers = {"content-type": stored.content_type, "idempotent-replayed": "true"}
    return Response(stored.body, stored.status_code, headers=headers)


def _replaying(body: bytes, receive: Receive) -> Callable[[], Awaitable[Message]]:
    sent = False

    async def replay_receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay_receive


__all__ = [
    "MAX_KEY_LENGTH",
    "OWN_KEY_MARK",
    "BodyLimitMiddleware",
    "IdempotencyMiddleware",
    "NulPathMiddleware",
    "bearer_token",
    "claims_its_own_key",
    "header",
    "own_key_paths",
    "read_body",
    "replayed",
    "request_fingerprint",
]
