"""Pure ASGI middlewares: the request-body limit and Idempotency-Key handling.

They sit outside FastAPI's routing, so they render their errors with ``api.errors``
(the one place that builds problem+json) rather than raising into the app.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ContentTooLarge, error_response, http_error_response, problem_response
from engine.errors import FieldProblem, RoundwiseError
from store import idempotency
from store.accounts import authenticate
from store.base import utcnow
from store.db import Database

MAX_KEY_LENGTH = 255


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of a request header, decoded as Latin-1 (HTTP's header charset)."""
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


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
        received, started = 0, False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise ContentTooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except ContentTooLarge as exc:
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


class IdempotencyMiddleware:
    """Replays the first response to a POST retried with the same Idempotency-Key."""

    def __init__(self, app: ASGIApp, db: Database, policy: idempotency.KeyPolicy) -> None:
        self.app, self.db, self.policy = app, db, policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = header(scope, b"idempotency-key") if scope["type"] == "http" else None
        if key is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        if not key or len(key) > MAX_KEY_LENGTH:
            problem = FieldProblem("Idempotency-Key", f"must be 1 to {MAX_KEY_LENGTH} characters")
            response = problem_response(
                422, "validation-error", problem.reason, scope["path"], (problem,)
            )
            await response(scope, receive, send)
            return
        account_id = await self._account(scope)
        if account_id is None:  # the route answers 401 itself
            await self.app(scope, receive, send)
            return
        await self._idempotent(scope, receive, send, account_id, key)

    async def _account(self, scope: Scope) -> str | None:
        token = bearer_token(scope)
        if token is None:
            return None
        account_id = await to_thread.run_sync(self._authenticate, token)
        if account_id is not None:
            scope.setdefault("state", {})["account_id"] = account_id
        return account_id

    def _authenticate(self, token: str) -> str | None:
        with self.db.reads() as session:
            return authenticate(session, token)

    async def _idempotent(
        self, scope: Scope, receive: Receive, send: Send, account_id: str, key: str
    ) -> None:
        body = await read_body(receive)
        fingerprint = request_fingerprint(scope, body)
        try:
            stored = await to_thread.run_sync(
                idempotency.claim,
                self.db.writes,
                account_id,
                key,
                fingerprint,
                utcnow(),
                self.policy,
            )
        except RoundwiseError as exc:
            await error_response(exc, scope["path"])(scope, receive, send)
            return
        if stored is not None:
            await _replay(stored, send)
            return
        await self._run_and_store(scope, _replaying(body, receive), send, account_id, key)

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


def _replaying(body: bytes, receive: Receive) -> Callable[[], Awaitable[Message]]:
    sent = False

    async def replay_receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay_receive


async def _replay(stored: idempotency.StoredResponse, send: Send) -> None:
    headers = [
        (b"content-type", stored.content_type.encode("latin-1")),
        (b"content-length", str(len(stored.body)).encode()),
        (b"idempotent-replayed", b"true"),
    ]
    await send({"type": "http.response.start", "status": stored.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body})


__all__ = [
    "BodyLimitMiddleware",
    "IdempotencyMiddleware",
    "bearer_token",
    "header",
    "read_body",
    "request_fingerprint",
]
