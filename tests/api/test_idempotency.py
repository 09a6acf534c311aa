"""Idempotency-Key on POST: replay, key reuse with another body, in flight, per account."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from roundwise.api.app import create_app
from roundwise.api.middleware import bearer_token
from roundwise.api.settings import Settings
from roundwise.store import idempotency
from roundwise.store.accounts import authenticate
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from tests.api.asgiclient import ASGIClient

POLICY = idempotency.KeyPolicy(ttl=timedelta(hours=24), stale_after=timedelta(minutes=2))


def test_a_retry_with_the_same_key_replays_the_first_response(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    headers = auth | {"Idempotency-Key": "create-marko"}
    first = client.post("/v1/clients", json={"name": "Marko"}, headers=headers)
    again = client.post("/v1/clients", json={"name": "Marko"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert len(client.get("/v1/clients", headers=auth).json()["items"]) == 1


def test_the_same_key_with_another_body_is_422(client: ASGIClient, auth: dict[str, str]) -> None:
    headers = auth | {"Idempotency-Key": "k-1"}
    assert client.post("/v1/clients", json={"name": "A"}, headers=headers).status_code == 201
    response = client.post("/v1/clients", json={"name": "B"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/idempotency-key-reused"


def test_a_retry_while_the_first_is_in_flight_is_409(
    client: ASGIClient, database: Database, auth: dict[str, str]
) -> None:
    key = bearer_token({"headers": [(b"authorization", auth["Authorization"].encode())]})
    with database.reads() as session:
        account_id = authenticate(session, key or "")
    assert account_id is not None
    body = b'{"name":"Slow"}'
    scope = {"method": "POST", "path": "/v1/clients", "query_string": b""}
    from roundwise.api.middleware import request_fingerprint

    fingerprint = request_fingerprint(scope, body)
    claim = idempotency.authenticate_and_claim(
        database, key or "", "slow", fingerprint, utcnow(), POLICY
    )
    assert claim == idempotency.Claim(account_id, None)
    response = client.post(
        "/v1/clients",
        content=body,
        headers=auth | {"Idempotency-Key": "slow", "content-type": "application/json"},
    )
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/idempotency-key-in-flight"


def test_keys_are_scoped_per_account(
    client: ASGIClient, auth: dict[str, str], other_auth: dict[str, str]
) -> None:
    first = client.post("/v1/clients", json={"name": "A"}, headers=auth | {"Idempotency-Key": "x"})
    second = client.post(
        "/v1/clients", json={"name": "A"}, headers=other_auth | {"Idempotency-Key": "x"}
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert "idempotent-replayed" not in second.headers


def test_an_error_response_is_replayed_too(client: ASGIClient, auth: dict[str, str]) -> None:
    headers = auth | {"Idempotency-Key": "bad-body"}
    first = client.post("/v1/clients", json={"name": ""}, headers=headers)
    again = client.post("/v1/clients", json={"name": ""}, headers=headers)
    assert first.status_code == again.status_code == 422
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json() == first.json()


def test_an_overlong_key_is_422_naming_the_header(client: ASGIClient, auth: dict[str, str]) -> None:
    response = client.post(
        "/v1/clients", json={"name": "A"}, headers=auth | {"Idempotency-Key": "k" * 256}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "Idempotency-Key"


def _claim(
    database: Database, auth: dict[str, str], key: str, fingerprint: str, at: datetime
) -> idempotency.Claim | None:
    token = auth["Authorization"].removeprefix("Bearer ")
    return idempotency.authenticate_and_claim(database, token, key, fingerprint, at, POLICY)


def test_an_expired_key_may_be_used_afresh(database: Database, auth: dict[str, str]) -> None:
    with database.reads() as session:
        account_id = authenticate(session, auth["Authorization"].removeprefix("Bearer "))
    assert account_id is not None
    long_ago = utcnow() - timedelta(hours=25)
    fresh = idempotency.Claim(account_id, None)
    assert _claim(database, auth, "old", "a" * 64, long_ago) == fresh
    stored = idempotency.StoredResponse(201, "application/json", b"{}")
    idempotency.complete(database.writes, account_id, "old", stored, long_ago)
    assert _claim(database, auth, "old", "b" * 64, utcnow()) == fresh


def test_a_day_old_key_still_replays(database: Database, auth: dict[str, str]) -> None:
    with database.reads() as session:
        account_id = authenticate(session, auth["Authorization"].removeprefix("Bearer "))
    assert account_id is not None
    earlier = utcnow() - timedelta(hours=23, minutes=59)
    _claim(database, auth, "day", "c" * 64, earlier)
    stored = idempotency.StoredResponse(201, "application/json", b'{"ok":true}')
    idempotency.complete(database.writes, account_id, "day", stored, earlier)
    assert _claim(database, auth, "day", "c" * 64, utcnow()) == idempotency.Claim(
        account_id, stored
    )


def test_a_server_error_releases_the_key_so_a_retry_runs_again(
    settings: Settings, database: Database, auth: dict[str, str]
) -> None:
    app = create_app(settings, database)
    calls = []

    @app.post("/v1/boom")
    def boom() -> dict[str, str]:
        calls.append(1)
        raise RuntimeError("a bug")

    client = ASGIClient(app)
    headers = auth | {"Idempotency-Key": "boom-1"}
    for _ in range(2):
        with pytest.raises(RuntimeError, match="a bug"):
            client.post("/v1/boom", json={}, headers=headers)
    assert len(calls) == 2


def test_a_judged_revision_request_stores_its_response_with_the_judgement(
    client: ASGIClient, database: Database, auth: dict[str, str]
) -> None:
    """The route completes the key in the judgement's own transaction: the stored response
    is byte for byte the one sent, and a retry replays it without judging again."""
    from sqlalchemy import select

    from roundwise.store.models import IdempotencyRecord
    from tests.api.test_revision_requests import delivered_contract

    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    body = {"deliverable": "home", "message": "Could you shorten the opening paragraph?"}
    headers = auth | {"Idempotency-Key": "judge-once"}
    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 201, first.text
    with database.reads() as session:
        record = session.scalars(
            select(IdempotencyRecord).where(IdempotencyRecord.key == "judge-once")
        ).one()
    assert (record.state, record.status_code) == (idempotency.DONE, 201)
    assert record.response_body == first.content
    again = client.post(url, json=body, headers=headers)
    assert again.status_code == 201
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    ledger = client.get(f"/v1/contracts/{contract_id}/ledger", headers=auth).json()["items"]
    assert sum(1 for event in ledger if event["type"] == "decision_made") == 1
