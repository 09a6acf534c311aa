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

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from anyio import to_thread
from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from store import single_trip, statements
from store.accounts import authenticate, hash_key, key_prefix
from store.async_pool import AsyncPool
from store.db import Database
from store.errors import IdempotencyInFlightError, IdempotencyKeyReusedError
from store.ledger_memo import ReadAhead
from store.models import IdempotencyRecord

IN_FLIGHT = "in_flight"
DONE = "done"


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


def claim(
    writes: sessionmaker[Session],
    account_id: str,
    key: str,
    request_hash: str,
    now: datetime,
    policy: KeyPolicy,
) -> StoredResponse | None:
    """Claim the key for this request; return the stored response if this is a retry."""
    with writes.begin() as session:
        return claim_in(session, account_id, key, request_hash, now, policy)


def authenticate_and_claim(
    db: Database, token: str, key: str, request_hash: str, now: datetime, policy: KeyPolicy
) -> tuple[str, StoredResponse | None] | None:
    """The account of API key ``token`` and, as ``claim`` gives it, the key's stored response.

    None for an unknown, malformed or revoked API key (nothing is claimed then). On
    PostgreSQL a fresh Idempotency-Key, the common case, takes one statement; a known one
    is settled by ``claim_in`` in a write transaction, as on SQLite.
    """
    if not db.is_sqlite:
        query = _claim_query(token, key, request_hash, now)
        if query is None:
            return None
        values, hashed = query
        with single_trip.connected(db) as driver:
            rows = single_trip.run(driver, single_trip.authenticate_and_claim(), values)
        found = _fresh_claim(rows, hashed)
        if found is None:
            return None
        account_id, claimed = found
        if claimed:
            return account_id, None
    return _settle_claim(db, token, key, request_hash, now, policy)


async def authenticate_and_claim_async(
    pool: AsyncPool,
    db: Database,
    token: str,
    key: str,
    request_hash: str,
    now: datetime,
    policy: KeyPolicy,
    read_ahead: ReadAhead | None = None,
) -> tuple[str, StoredResponse | None] | None:
    """``authenticate_and_claim`` on PostgreSQL, awaited on the event loop.

    A fresh key is the one statement on ``pool``; a known key (a retry, a reuse, one in
    flight) is settled in a write transaction in the thread pool, as before. With
    ``read_ahead``, the statement also reads that contract and its ledger for the account,
    and a fresh claim sets ``read_ahead.rows``.
    """
    query = _claim_query(token, key, request_hash, now)
    if query is None:
        return None
    values, hashed = query
    statement = single_trip.authenticate_and_claim()
    if read_ahead is not None:
        values |= {"contract_id": read_ahead.contract_id, "from_seq": read_ahead.from_seq}
        statement = single_trip.authenticate_claim_and_read()
    async with pool.connection() as connection:
        rows = await single_trip.run_async(connection, statement, values)
    found = _fresh_claim(rows, hashed)
    if found is None:
        return None
    account_id, claimed = found
    if claimed:
        if read_ahead is not None:
            read_ahead.rows = [rows[0][3:]] if rows[0][3] is not None else []
        return account_id, None
    return await to_thread.run_sync(_settle_claim, db, token, key, request_hash, now, policy)


def _claim_query(
    token: str, key: str, request_hash: str, now: datetime
) -> tuple[dict[str, object], str] | None:
    """The parameters of ``single_trip.authenticate_and_claim`` and the key's hash (None:
    ``token`` is not shaped like an API key)."""
    prefix = key_prefix(token)
    if prefix is None:
        return None
    hashed = hash_key(token)
    values: dict[str, object] = {"prefix": prefix, "key_hash": hashed, "key": key}
    values |= {"request_hash": request_hash, "state": IN_FLIGHT, "created_at": now}
    return values, hashed


def _fresh_claim(rows: Sequence[Any], hashed: str) -> tuple[str, bool] | None:
    """(account id, whether the key was claimed fresh), or None for an unknown API key.

    The statement matched the hash already; it is compared again here in constant time.
    """
    row = rows[0] if rows else None
    if row is None or not hmac.compare_digest(str(row[1]), hashed):
        return None
    return str(row[0]), bool(row[2])


def _settle_claim(
    db: Database, token: str, key: str, request_hash: str, now: datetime, policy: KeyPolicy
) -> tuple[str, StoredResponse | None] | None:
    """Authenticate and claim in a write transaction (SQLite, or a key already known)."""
    with db.writes() as session:
        account_id = authenticate(session, token)
        if account_id is None:
            return None
        stored = claim_in(session, account_id, key, request_hash, now, policy)
        session.commit()
        return account_id, stored


def claim_in(
    session: Session,
    account_id: str,
    key: str,
    request_hash: str,
    now: datetime,
    policy: KeyPolicy,
) -> StoredResponse | None:
    """``claim`` inside the caller's write transaction (which commits it).

    The common case, a fresh key, is one ``INSERT … ON CONFLICT DO NOTHING``; only a known
    key reads the record, under a row lock (on SQLite the write transaction is the lock).
    """
    fresh = statements.claim_idempotency_key(session.get_bind().dialect.name)
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
    """Forget a claim whose request failed with a server error, so a retry runs again."""
    with writes.begin() as session:
        session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.account_id == account_id, IdempotencyRecord.key == key
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
    "PURGE_BATCH",
    "KeyCompletion",
    "KeyPolicy",
    "StoredResponse",
    "authenticate_and_claim",
    "authenticate_and_claim_async",
    "claim",
    "claim_in",
    "complete",
    "complete_in",
    "completion_values",
    "purge_expired",
    "release",
]
