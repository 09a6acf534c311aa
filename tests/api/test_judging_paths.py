"""The judging protocol's two adapters give the same answers.

Served with its lifespan on PostgreSQL, the app judges with the PostgreSQL adapter, its
statements awaited on the async pool (``store.judging.postgres``); on SQLite, or without a
lifespan, with the SQLAlchemy adapter, its steps in the thread pool
(``store.judging.sqlite``). The same requests must get the same decisions, ledgers and
Idempotency-Key replays either way.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from roundwise.store.async_pool import AsyncPool
from tests.api.asgiclient import ASGIClient
from tests.api.test_revision_requests import ASK, delivered_contract

ASKS = [
    ASK,
    "Looks good. While you're at it, could you also write five Instagram posts?",
    "I don't know, it just doesn't feel right. Can you make it better?",
]


def _judge_three(client: ASGIClient, auth: dict[str, str]) -> list[dict[str, Any]]:
    """Three requests on a fresh contract, the first retried with its Idempotency-Key."""
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    bodies = []
    for n, message in enumerate(ASKS):
        headers = auth | {"Idempotency-Key": f"{contract_id}-{n}"}
        response = client.post(
            url, json={"deliverable": "home", "message": message}, headers=headers
        )
        assert response.status_code == 201, response.text
        if n == 0:
            retried = client.post(
                url, json={"deliverable": "home", "message": message}, headers=headers
            )
            assert retried.headers["idempotent-replayed"] == "true"
            assert retried.content == response.content
        bodies.append(response.json())
    ledger_url = f"/v1/contracts/{contract_id}/ledger"
    ledger = client.get(ledger_url, params={"limit": 100}, headers=auth).json()["items"]
    assert [e["seq"] for e in ledger] == list(range(1, len(ledger) + 1))
    assert [e["type"] for e in ledger].count("decision_made") == len(ASKS)
    return bodies


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    """A judgement without what differs by nature between two requests (ids, times)."""
    decision = {k: v for k, v in body["decision"].items() if not k.endswith(("_at", "_id"))}
    return {"decision": decision, "reply": body["reply"]}


def test_the_served_app_uses_the_async_pool_on_postgresql(app: FastAPI, client: ASGIClient) -> None:
    pool = app.state.pg_pool
    if app.state.db.is_sqlite:
        assert pool is None
    else:
        assert isinstance(pool, AsyncPool)
        assert pool.ready


def test_both_paths_judge_alike(
    client: ASGIClient, bare_client: ASGIClient, auth: dict[str, str]
) -> None:
    served = _judge_three(client, auth)
    bare = _judge_three(bare_client, auth)
    assert [_comparable(b) for b in served] == [_comparable(b) for b in bare]
    assert served[0]["decision"]["verdict"] == "included"


@pytest.mark.parametrize("path", ["served", "bare"])
def test_an_unknown_contract_is_404_on_either_path(
    path: str, request: pytest.FixtureRequest, auth: dict[str, str]
) -> None:
    client: ASGIClient = request.getfixturevalue("client" if path == "served" else "bare_client")
    response = client.post(
        "/v1/contracts/ctr_unknown/revision-requests",
        json={"deliverable": "home", "message": ASK},
        headers=auth | {"Idempotency-Key": f"unknown-{path}"},
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
