"""Pure ASGI middlewares: the request-body limit and Idempotency-Key handling.

They sit outside FastAPI's routing, so they render their errors with ``api.errors``
(the one place that builds problem+json) rather than raising into the app.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ContentTooLarge, error_response, http_error_response, problem_response
from engine.errors import FieldProblem, RoundwiseError
from store import idempotency
from store.async_pool import AsyncPool
from store.base import utcnow
from store.db import Database
from store.ledger_memo import ReadAhead

MAX_KEY_LENGTH = 255
CLAIM_STATE = "idempotency_claim"
READ_AHEAD_STATE = "read_ahead"
# Which requests' contract and ledger the claim statement reads as well (None: no read).
ReadAheadPlan = Callable[[Scope], ReadAhead | None]


@dataclass(slots=True)
class ClaimedKey:
    """The Idempotency-Key this request claimed (in ``request.state.idempotency_claim``).

    A route that stores its outcome can store the response with it, in the same
    transaction (``store.idempotency.KeyCompletion``), and set ``completed``: the key then
    never says "done" without the outcome, nor the outcome exist with the key in flight.
    """

    account_id: str
    key: str
    completed: bool = False


def claimed_key(state: Mapping[str, Any]) -> ClaimedKey | None:
    """The key claimed for this request, from the ASGI scope's state, if any."""
    claim = state.get(CLAIM_STATE)
    return claim if isinstance(claim, ClaimedKey) else None


def read_ahead_in(state: Mapping[str, Any]) -> ReadAhead | None:
    """The contract and ledger the claim read for this request, from the scope's state."""
    read = state.get(READ_AHEAD_STATE)
    return read if isinstance(read, ReadAhead) else None


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
    """Replays the first response to a POST retried with the same Idempotency-Key.

    ``read_ahead``: on the event loop (``pool``), for the requests it plans a read for,
    the claim's statement also reads the contract and ledger the route is about to judge
    against (one round trip less per judged request; ``store.ledger_memo.ReadAhead``).
    """

    def __init__(
        self,
        app: ASGIApp,
        db: Database,
        policy: idempotency.KeyPolicy,
        pool: AsyncPool | None = None,
        read_ahead: ReadAheadPlan | None = None,
    ) -> None:
        self.app, self.db, self.policy, self.pool = app, db, policy, pool
        self.read_ahead = read_ahead

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
        token = bearer_token(scope)
        if token is None:  # the route answers 401 itself
            await self.app(scope, receive, send)
            return
        await self._idempotent(scope, receive, send, token, key)

    def _authenticate_and_claim(
        self, token: str, key: str, fingerprint: str
    ) -> tuple[str, idempotency.StoredResponse | None] | None:
        """The caller's account and the key's stored response (None: unknown API key)."""
        db, policy = self.db, self.policy
        return idempotency.authenticate_and_claim(db, token, key, fingerprint, utcnow(), policy)

    async def _claim(
        self, token: str, key: str, fingerprint: str, scope: Scope | None = None
    ) -> tuple[str, idempotency.StoredResponse | None] | None:
        """``_authenticate_and_claim``, awaited on the loop where the async pool is open
        (and there reading ahead for ``scope``'s route, if it plans a read)."""
        if self.pool is not None and self.pool.ready:
            db, policy, now = self.db, self.policy, utcnow()
            read = None if scope is None or self.read_ahead is None else self.read_ahead(scope)
            outcome = await idempotency.authenticate_and_claim_async(
                self.pool, db, token, key, fingerprint, now, policy, read
            )
            if read is not None and read.rows is not None and scope is not None:
                scope.setdefault("state", {})[READ_AHEAD_STATE] = read
            return outcome
        return await to_thread.run_sync(self._authenticate_and_claim, token, key, fingerprint)

    async def _idempotent(
        self, scope: Scope, receive: Receive, send: Send, token: str, key: str
    ) -> None:
        body = await read_body(receive)
        replay_receive = _replaying(body, receive)
        fingerprint = request_fingerprint(scope, body)
        try:
            outcome = await self._claim(token, key, fingerprint, scope)
        except RoundwiseError as exc:
            await error_response(exc, scope["path"])(scope, receive, send)
            return
        if outcome is None:  # the route answers 401 itself
            await self.app(scope, replay_receive, send)
            return
        account_id, stored = outcome
        state = scope.setdefault("state", {})
        state["account_id"] = account_id
        if stored is not None:
            await _replay(stored, send)
            return
        claim = ClaimedKey(account_id, key)
        state[CLAIM_STATE] = claim
        await self._run_and_store(scope, replay_receive, send, claim)

    async def _run_and_store(
        self, scope: Scope, receive: Receive, send: Send, claim: ClaimedKey
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

        account_id, key = claim.account_id, claim.key
        try:
            await self.app(scope, receive, capturing_send)
        except BaseException:
            if not claim.completed:
                await to_thread.run_sync(idempotency.release, self.db.writes, account_id, key)
            raise
        if claim.completed:  # the route stored its response with its outcome
            return
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
    "CLAIM_STATE",
    "READ_AHEAD_STATE",
    "BodyLimitMiddleware",
    "ClaimedKey",
    "IdempotencyMiddleware",
    "NulPathMiddleware",
    "ReadAheadPlan",
    "bearer_token",
    "claimed_key",
    "header",
    "read_ahead_in",
    "read_body",
    "request_fingerprint",
]
