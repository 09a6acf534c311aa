"""Purging expired Idempotency-Key records: exactly the expired ones, in batches."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from roundwise.store import idempotency
from roundwise.store.accounts import create_account
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.ids import new_id
from roundwise.store.models import IdempotencyRecord

TTL = timedelta(hours=24)
POLICY = idempotency.KeyPolicy(ttl=TTL, stale_after=timedelta(minutes=2))


def _account(database: Database) -> tuple[str, str]:
    with database.writes.begin() as session:
        account, key = create_account(session, f"acct-{new_id('t')}")
        return account.id, key


def _claim(database: Database, token: str, key: str, at: datetime, fingerprint: str) -> object:
    return idempotency.authenticate_and_claim(database, token, key, fingerprint, at, POLICY)


def _keys(database: Database, account_ids: set[str]) -> set[tuple[str, str]]:
    query = select(IdempotencyRecord.account_id, IdempotencyRecord.key).where(
        IdempotencyRecord.account_id.in_(account_ids)
    )
    with database.reads() as session:
        return {(row.account_id, row.key) for row in session.execute(query)}


@pytest.mark.parametrize("batch", [1, 3, 7, 1000])
def test_purge_removes_exactly_the_expired_records_whatever_the_batch(
    database: Database, batch: int
) -> None:
    now = utcnow()
    (first, first_token), (second, second_token) = _account(database), _account(database)
    expired, kept = set(), set()
    for index in range(7):  # 7 expired keys over two accounts: several batches of 3
        account, token = (first, first_token) if index % 2 else (second, second_token)
        _claim(database, token, f"old-{index}", now - TTL - timedelta(minutes=1), "a" * 64)
        expired.add((account, f"old-{index}"))
    for account, token in ((first, first_token), (second, second_token)):
        # A day old less a minute: still within the TTL, so still answered as a retry.
        _claim(database, token, "recent", now - TTL + timedelta(minutes=1), "b" * 64)
        _claim(database, token, "fresh", now, "c" * 64)
        kept |= {(account, "recent"), (account, "fresh")}
    assert _keys(database, {first, second}) == expired | kept

    removed = idempotency.purge_expired(database.writes, now, TTL, batch=batch)

    assert removed >= len(expired)  # other tests' expired records in this database go too
    assert _keys(database, {first, second}) == kept
    assert idempotency.purge_expired(database.writes, now, TTL, batch=batch) == 0


def test_an_expired_key_may_be_claimed_afresh_for_another_request(database: Database) -> None:
    now = utcnow()
    account, token = _account(database)
    long_ago = now - TTL - timedelta(hours=1)
    assert _claim(database, token, "reused", long_ago, "a" * 64) == idempotency.Claim(account, None)
    idempotency.purge_expired(database.writes, now, TTL)
    assert _keys(database, {account}) == set()
    assert _claim(database, token, "reused", now, "d" * 64) == idempotency.Claim(account, None)
    assert _keys(database, {account}) == {(account, "reused")}


def test_a_batch_must_remove_something(database: Database) -> None:
    with pytest.raises(ValueError, match="batch"):
        idempotency.purge_expired(database.writes, utcnow(), TTL, batch=0)
