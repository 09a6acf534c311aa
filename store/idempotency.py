"""Idempotency-Key records (the IETF httpapi Idempotency-Key draft's semantics).

A POST with a key first *claims* ``(account, key)`` with the request's fingerprint and
state ``in_flight``; when the response is ready it is stored and the state becomes
``done``. A later request with the same key then gets:

- the stored response again, if its fingerprint matches (a retry);
- ``IdempotencyKeyReusedError`` if the fingerprint differs (another request, same key);
- ``IdempotencyInFlightError`` while the first is still running.

Records are kept for ``ttl`` (at least 24 h); after that the key may be claimed afresh.
A claim left ``in_flight`` longer than ``stale_after`` (a crashed worker) may be retaken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from roundwise.store import statements
from roundwise.store.accounts import authenticate
from roundwise.store.db import Database
from roundwise.store.errors import IdempotencyInFlightError, IdempotencyKeyReusedError
from roundwise.store.models import IdempotencyRecord

IN_FLIGHT = "in_flight"
DONE = "done"
# The columns that completing a key sets, besides its identity.
KEY_COLUMNS = ("state", "status_code", "content_type", "response_body", "completed_at")


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response kept for replay."""

    status_code: int
    content_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class KeyCompletion:
    """A claimed key's response, to be stored with whatever produced it."""

    account_id: str
    key: str
    response: StoredResponse
    at: datetime


@dataclass(frozen=True, slots=True)
class KeyPolicy:
    """How long records live and when an unfinished claim counts as abandoned."""

    ttl: timedelta
    stale_after: timedelta


@dataclass(frozen=True, slots=True)
class Claim:
    """An authenticated caller's claim: ``replay`` is the stored response of a completed
    request with this key (a retry; nothing was claimed), None for a fresh claim."""

    account_id: str
    replay: StoredResponse | None = None


def authenticate_and_claim(
    db: Database, token: str, key: str, request_hash: str, now: datetime, policy: KeyPolicy
) -> Claim | None:
    """The account of API key ``token`` and its claim of ``key``, in one write transaction.

    None for an unknown, malformed or revoked API key (nothing is claimed then). The
    synchronous entry point, on SQLAlchemy (either database); the asynchronous one is
    ``store.judging.Gateway.claim``, which on PostgreSQL claims a fresh key in one
    statement on the event loop and settles a known one here.
    """
    with db.writes() as session:
        account_id = authenticate(session, token)
        if account_id is None:
            return None
        replay = _claim_in(session, account_id, key, request_hash, now, policy)
        session.commit()
        return Claim(account_id, replay)


def _claim_in(
    session: Session,
    account_id: str,
    key: str,
    request_hash: str,
    now: datetime,
    policy: KeyPolicy,
) -> StoredResponse | None:
    """The claim inside the caller's write transaction (which commits it).

    The common case, a fresh key, is one ``INSERT … ON CONFLICT DO NOTHING``; only a known
    key reads the record, under a row lock (on SQLite the write transaction is the lock).
    """
    fresh = statements.claim_idempotency_key()
    values = {f"p_{k}": v for k, v in _fresh(account_id, key, request_hash, now).items()}
    if session.execute(fresh, values).first() is not None:  # RETURNING: a row only if inserted
        return None
    row = session.get(IdempotencyRecord, (account_id, key), with_for_update=True)
    if row is None:  # the first claim failed and released the key meanwhile
        raise IdempotencyInFlightError("a request with this Idempotency-Key is in flight")
    return _reclaim_or_replay(row, request_hash, now, policy)


def _fresh(account_id: str, key: str, request_hash: str, now: datetime) -> dict[str, object]:
    return {
        "account_id": account_id,
        "key": key,
        "request_hash": request_hash,
        "state": IN_FLIGHT,
        "created_at": now,
    }


def _reclaim_or_replay(
    row: IdempotencyRecord, request_hash: str, now: datetime, policy: KeyPolicy
) -> StoredResponse | None:
    expired = row.created_at + policy.ttl <= now
    abandoned = row.state == IN_FLIGHT and row.created_at + policy.stale_after <= now
    if expired or (abandoned and row.request_hash == request_hash):
        row.request_hash, row.state, row.created_at = request_hash, IN_FLIGHT, now
        row.status_code = row.content_type = row.response_body = row.completed_at = None
        return None
    if row.request_hash != request_hash:
        raise IdempotencyKeyReusedError(
            "this Idempotency-Key was already used for a different request"
        )
    if row.state == IN_FLIGHT:
        raise IdempotencyInFlightError("a request with this Idempotency-Key is still in flight")
    assert row.status_code is not None
    assert row.response_body is not None
    return StoredResponse(
        row.status_code, row.content_type or "application/json", row.response_body
    )


def complete(
    writes: sessionmaker[Session],
    account_id: str,
    key: str,
    response: StoredResponse,
    now: datetime,
) -> None:
    """Store the response of a claimed key so retries replay it."""
    with writes.begin() as session:
        complete_in(session, KeyCompletion(account_id, key, response, now))


def complete_in(session: Session, completion: KeyCompletion) -> None:
    """``complete`` inside the caller's transaction: the response is kept if, and only if,
    what produced it is (a route that stores a judgement completes its key with it).
    """
    session.execute(statements.complete_idempotency_key(), completion_values(completion, "p_"))


def completion_values(completion: KeyCompletion, prefix: str) -> dict[str, Any]:
    """The parameters that store ``completion``, each name prefixed with ``prefix``."""
    response = completion.response
    values = {
        "account_id": completion.account_id,
        "key": completion.key,
        "state": DONE,
        "status_code": response.status_code,
        "content_type": response.content_type,
        "response_body": response.body,
        "completed_at": completion.at,
    }
    return {prefix + name: value for name, value in values.items()}


def release(writes: sessionmaker[Session], account_id: str, key: str) -> None:
    """Forget a claim whose request failed with a server error, so a retry runs again.

    Only a claim still in flight: a request interrupted after its outcome and the key's
    response were stored together (cancelled while awaiting the store's answer) keeps
    them, so a retry replays what was stored rather than applying the request twice.
    """
    with writes.begin() as session:
        session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.account_id == account_id,
                IdempotencyRecord.key == key,
                IdempotencyRecord.state == IN_FLIGHT,
            )
        )


PURGE_BATCH = 2000


def purge_expired(
    writes: sessionmaker[Session], now: datetime, ttl: timedelta, batch: int = PURGE_BATCH
) -> int:
    """Delete records older than ``ttl``, ``batch`` rows per transaction; returns how many went.

    Why batches: a serving worker purges while requests are being judged, and on SQLite
    one DELETE of a day's keys (millions at load) would hold the single write lock for
    seconds, stalling every write behind it. Short transactions let them interleave.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    expired = (
        select(IdempotencyRecord.account_id, IdempotencyRecord.key)
        .where(IdempotencyRecord.created_at < now - ttl)
        .limit(batch)
    )
    identity = tuple_(IdempotencyRecord.account_id, IdempotencyRecord.key)
    removed = 0
    while True:
        with writes.begin() as session:
            statement = delete(IdempotencyRecord).where(identity.in_(expired))
            result = session.execute(statement.execution_options(synchronize_session=False))
            count = int(getattr(result, "rowcount", 0))
        removed += count
        if count < batch:
            return removed


__all__ = [
    "DONE",
    "IN_FLIGHT",
    "KEY_COLUMNS",
    "PURGE_BATCH",
    "Claim",
    "KeyCompletion",
    "KeyPolicy",
    "StoredResponse",
    "authenticate_and_claim",
    "complete",
    "complete_in",
    "completion_values",
    "purge_expired",
    "release",
]
