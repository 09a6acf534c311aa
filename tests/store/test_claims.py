"""Authenticating and claiming an Idempotency-Key in one step: the synchronous entry point
(``store.idempotency.authenticate_and_claim``) and the asynchronous one (``Gateway.claim``,
one statement on PostgreSQL) give the same answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from roundwise.store import idempotency
from roundwise.store.accounts import create_account, key_prefix, revoke_key
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.errors import IdempotencyInFlightError, IdempotencyKeyReusedError
from roundwise.store.ids import new_id
from roundwise.store.judging import KeyAsk
from roundwise.store.models import IdempotencyRecord
from tests.store.gateways import on_gateway

POLICY = idempotency.KeyPolicy(ttl=timedelta(hours=24), stale_after=timedelta(minutes=2))


def _account(database: Database) -> tuple[str, str]:
    with database.writes.begin() as session:
        account, key = create_account(session, f"acct-{new_id('t')}")
        return account.id, key


def _records(database: Database, account_id: str) -> int:
    query = select(func.count()).select_from(IdempotencyRecord)
    with database.reads() as session:
        return int(session.scalar(query.where(IdempotencyRecord.account_id == account_id)) or 0)


@pytest.fixture(params=["sync", "async"])
def entry(request: pytest.FixtureRequest) -> str:
    """Which claim entry point the test goes through."""
    return str(request.param)


def _claim(
    entry: str, database: Database, token: str, key: str = "k", fingerprint: str = "f" * 64
) -> tuple[str, idempotency.StoredResponse | None] | None:
    """(account id, response to replay) as the entry point of the running test gives it."""
    if entry == "sync":
        claim = idempotency.authenticate_and_claim(
            database, token, key, fingerprint, utcnow(), POLICY
        )
        return None if claim is None else (claim.account_id, claim.replay)
    ask = KeyAsk(token, key, fingerprint, utcnow(), POLICY)
    claimed = on_gateway(database, lambda gateway: gateway.claim(ask))
    return None if claimed is None else (claimed.account_id, claimed.replay)


def test_a_fresh_key_is_claimed_for_the_callers_account(entry: str, database: Database) -> None:
    account_id, token = _account(database)
    assert _claim(entry, database, token) == (account_id, None)
    assert _records(database, account_id) == 1


def test_a_wrong_secret_with_a_real_prefix_claims_nothing(entry: str, database: Database) -> None:
    account_id, token = _account(database)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert _claim(entry, database, tampered) is None
    assert _claim(entry, database, "rw_nothing") is None
    assert _records(database, account_id) == 0


def test_a_revoked_key_claims_nothing(entry: str, database: Database) -> None:
    account_id, token = _account(database)
    with database.writes.begin() as session:
        revoke_key(session, key_prefix(token) or "")
    assert _claim(entry, database, token) is None
    assert _records(database, account_id) == 0


def test_a_known_key_is_settled_like_claim(entry: str, database: Database) -> None:
    account_id, token = _account(database)
    assert _claim(entry, database, token) == (account_id, None)
    with pytest.raises(IdempotencyInFlightError):
        _claim(entry, database, token)
    with pytest.raises(IdempotencyKeyReusedError):
        _claim(entry, database, token, fingerprint="0" * 64)
    response = idempotency.StoredResponse(201, "application/json", b'{"ok": true}')
    idempotency.complete(database.writes, account_id, "k", response, utcnow())
    assert _claim(entry, database, token) == (account_id, response)


def test_keys_are_claimed_per_account(entry: str, database: Database) -> None:
    first, first_token = _account(database)
    second, second_token = _account(database)
    assert _claim(entry, database, first_token) == (first, None)
    assert _claim(entry, database, second_token) == (second, None)


def test_release_forgets_only_a_claim_in_flight(entry: str, database: Database) -> None:
    account_id, token = _account(database)
    assert _claim(entry, database, token, key="failed") == (account_id, None)
    idempotency.release(database.writes, account_id, "failed")
    assert _records(database, account_id) == 0
    assert _claim(entry, database, token, key="done") == (account_id, None)
    response = idempotency.StoredResponse(201, "application/json", b"{}")
    idempotency.complete(database.writes, account_id, "done", response, utcnow())
    idempotency.release(database.writes, account_id, "done")  # e.g. cancelled after storing
    assert _claim(entry, database, token, key="done") == (account_id, response)
