"""A limit on failed authentications, per client address and per API key prefix.

Rule: once an address, or a key prefix (the public ``rw_<prefix>_`` part), has failed
to authenticate ``limit`` times within the last ``window`` seconds, each further failure
from it is answered 429 with ``Retry-After`` (the seconds until the oldest of those
failures leaves the window) instead of 401. A request whose key authenticates is never
refused, whatever its address or prefix did: only failures are counted and only
failures are refused, so nobody can lock a key's owner out by guessing at its prefix.
Failures go on counting while refused, so a client that keeps guessing stays refused.

The counts live in the memory of one worker process (no shared state): under
``roundwise serve --workers N`` each worker counts its own connections, so a client
spread over all of them gets up to N times the limit. Behind a reverse proxy the client
address is the proxy's unless uvicorn is told to trust its ``X-Forwarded-For``
(``--forwarded-allow-ips``). Memory is bounded: at most ``tracked`` addresses and
prefixes are remembered, the stalest forgotten first.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable
from typing import NoReturn

from fastapi import Request

from roundwise.api.errors import AuthenticationError, TooManyFailedAttemptsError
from roundwise.store.accounts import key_prefix

log = logging.getLogger("roundwise.auth")

Clock = Callable[[], float]
TRACKED = 100_000


class FailedAuthLimiter:
    """Sliding-window counts of recent failures per address and per key prefix."""

    def __init__(
        self,
        per_address: int,
        per_prefix: int,
        window: float,
        clock: Clock = time.monotonic,
        tracked: int = TRACKED,
    ) -> None:
        self.limits = {"address": per_address, "prefix": per_prefix}
        self.window, self.clock, self.tracked = window, clock, tracked
        self._recent: dict[tuple[str, str], deque[float]] = {}

    def failed(self, address: str | None, prefix: str | None) -> int | None:
        """Count one failure; the seconds to wait if it is over a limit, else None."""
        now = self.clock()
        waits = [
            self._count(kind, value, now)
            for kind, value in (("address", address), ("prefix", prefix))
            if value is not None
        ]
        over = [wait for wait in waits if wait is not None]
        return max(over) if over else None

    def _count(self, kind: str, value: str, now: float) -> int | None:
        limit, key = self.limits[kind], (kind, value)
        recent = self._recent.pop(key, None) or deque(maxlen=limit + 1)
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        recent.append(now)
        self._recent[key] = recent  # re-inserted: the dict's order is least recent first
        self._forget_stalest()
        if len(recent) <= limit:
            return None
        # the next failure is let through (as a 401) once all but limit - 1 have left
        freed_at = recent[len(recent) - limit] + self.window
        return max(1, math.ceil(freed_at - now))

    def _forget_stalest(self) -> None:
        while len(self._recent) > self.tracked:
            del self._recent[next(iter(self._recent))]


def client_address(request: Request) -> str | None:
    """The peer's address as the server saw it (uvicorn's, after any trusted proxy)."""
    return request.client.host if request.client is not None else None


def refuse(request: Request, token: str) -> NoReturn:
    """Answer a failed authentication: 401, or 429 once its address or prefix is over
    the limit. Logged with the key's public prefix and the address, never the key."""
    limiter = getattr(request.app.state, "auth_limiter", None)
    address, prefix = client_address(request), key_prefix(token)
    wait = limiter.failed(address, prefix) if isinstance(limiter, FailedAuthLimiter) else None
    fields = {"event": "auth_failed", "key_prefix": prefix, "client": address}
    if wait is not None:
        log.warning("authentication refused: too many failures", extra=fields | {"retry": wait})
        raise TooManyFailedAttemptsError(wait)
    log.info("authentication failed", extra=fields)
    raise AuthenticationError("the API key is unknown or revoked")


__all__ = ["FailedAuthLimiter", "client_address", "refuse"]
