"""Authenticating and claiming an Idempotency-Key in one step (one statement on PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from store import idempotency
from store.accounts import create_account, key_prefix, revoke_key
from store.base import utcnow
from store.db import Database
from store.errors import IdempotencyInFlightError, IdempotencyKeyReusedError
from store.ids import new_id
from store.models import IdempotencyRecord

POLICY = idempotency.KeyPolicy(ttl=timedelta(hours=24), stale_after=timedelta(minutes=2))


def _account(database: Database) -> tuple[str, str]:
    with database.writes.begin() as session:
        account, key = create_account(session, f"acct-{new_id('t')}")
        return account.id, key


def _records(database: Database, account_id: str) -> int:
    query = select(func.count()).select_from(IdempotencyRecord)
    with database.reads() as session:
        return int(session.scalar(query.where(IdempotencyRecord.account_id == account_id)) or 0)


def _claim(database: Database, token: str, key: str = "k", fingerprint: str = "f" * 64) -> object:
    return idempotency.authenticate_and_claim(database, token, key, fingerprint, utcnow(), POLICY)


def test_a_fresh_key_is_claimed_for_the_callers_account(database: Database) -> None:
    account_id, token = _account(database)
    assert _claim(database, token) == (account_id, None)
    assert _records(database, account_id) == 1


def test_a_wrong_secret_with_a_real_prefix_claims_nothing(database: Database) -> None:
    account_id, token = _account(database)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert _claim(database, tampered) is None
    assert _claim(database, "rw_nothing") is None
    assert _records(database, account_id) == 0


def test_a_revoked_key_claims_nothing(database: Database) -> None:
    account_id, token = _account(database)
    with database.writes.begin() as session:
        revoke_key(session, key_prefix(token) or "")
    assert _claim(database, token) is None
    assert _records(database, account_id) == 0


def test_a_known_key_is_settled_like_claim(database: Database) -> None:
    account_id, token = _account(database)
    assert _claim(database, token) == (account_id, None)
    with pytest.raises(IdempotencyInFlightError):
        _claim(database, token)
    with pytest.raises(IdempotencyKeyReusedError):
        _claim(database, token, fingerprint="0" * 64)
    response = idempotency.StoredResponse(201, "application/json", b'{"ok": true}')
    idempotency.complete(database.writes, account_id, "k", response, utcnow())
    assert _claim(database, token) == (account_id, response)


def test_keys_are_claimed_per_account(database: Database) -> None:
    first, first_token = _account(database)
    second, second_token = _account(database)
    assert _claim(database, first_token) == (first, None)
    assert _claim(database, second_token) == (second, None)
