"""Serving workers expire Idempotency-Key records themselves (api/expiry.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from roundwise.api import expiry
from roundwise.api.app import create_app
from roundwise.api.settings import Settings
from roundwise.store import idempotency
from roundwise.store.accounts import create_account
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.ids import new_id
from roundwise.store.models import IdempotencyRecord
from tests.api.asgiclient import served

TTL = timedelta(hours=24)


def _expired_and_fresh_keys(database: Database) -> str:
    """An account holding one expired and one fresh record; returns its id."""
    with database.writes.begin() as session:
        account, token = create_account(session, f"acct-{new_id('t')}")
    policy = idempotency.KeyPolicy(ttl=TTL, stale_after=timedelta(minutes=2))
    now = utcnow()
    for key, at in (("old", now - TTL - timedelta(hours=1)), ("new", now)):
        idempotency.authenticate_and_claim(database, token, key, "e" * 64, at, policy)
    return account.id


def _keys(database: Database, account_id: str) -> set[str]:
    query = select(IdempotencyRecord.key).where(IdempotencyRecord.account_id == account_id)
    with database.reads() as session:
        return set(session.scalars(query))


async def _until(condition: Any, seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.01)


def test_the_loop_purges_expired_records_and_keeps_fresh_ones(database: Database) -> None:
    account_id = _expired_and_fresh_keys(database)

    async def run() -> None:
        pruning = asyncio.create_task(expiry.prune_expired_keys(database.writes, TTL, 0.01))
        await _until(lambda: _keys(database, account_id) == {"new"})
        pruning.cancel()
        with pytest.raises(asyncio.CancelledError):
            await pruning

    asyncio.run(run())


def test_a_failed_purge_is_logged_and_the_loop_goes_on(
    database: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[datetime] = []

    def flaky(writes: object, now: datetime, ttl: timedelta) -> int:
        calls.append(now)
        if len(calls) == 1:
            raise OperationalError("DELETE", {}, Exception("database is locked"))
        if len(calls) == 2:
            raise RuntimeError("not a database error either")
        return 0

    monkeypatch.setattr(expiry, "purge_expired", flaky)

    async def run() -> None:
        pruning = asyncio.create_task(expiry.prune_expired_keys(database.writes, TTL, 0.01))
        await _until(lambda: len(calls) >= 3)
        pruning.cancel()

    asyncio.run(run())
    assert caplog.text.count("pruning expired Idempotency-Key records failed") == 2


@pytest.mark.parametrize("interval", [0.01, 0])
def test_the_served_app_prunes_only_when_asked_to(
    db_url: str, database: Database, interval: float
) -> None:
    account_id = _expired_and_fresh_keys(database)
    settings = Settings(
        database_url=db_url, idempotency_prune_seconds=interval, gc_freeze_seconds=0
    )
    app = create_app(settings, database)
    with served(app) as client:
        assert client.get("/health").status_code == 200
        if interval:
            asyncio.run(_until(lambda: _keys(database, account_id) == {"new"}))
        else:
            asyncio.run(asyncio.sleep(0.2))
            assert _keys(database, account_id) == {"old", "new"}
    idempotency.purge_expired(database.writes, utcnow(), TTL)  # leave no expired records
