"""The Idempotency-Key claim reads the judged contract's ledger in the same statement.

On PostgreSQL, served with its lifespan, a revision request with an Idempotency-Key
takes two statements: auth + claim + read (``single_trip.authenticate_claim_and_read``),
then the store. The route must then judge from what the claim read, and that read must
be scoped to the caller's account like every other.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from store import revisions_async
from tests.api.asgiclient import ASGIClient
from tests.api.test_revision_requests import ASK, delivered_contract


@pytest.fixture
def reads(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ``from_seq`` of each read the route made itself (the claim's aside)."""
    if app.state.db.is_sqlite:
        pytest.skip("the read-ahead is the PostgreSQL event-loop path's")
    made: list[int] = []
    real = revisions_async._read

    async def counting(connection: Any, account_id: str, contract_id: str, from_seq: int) -> Any:
        made.append(from_seq)
        return await real(connection, account_id, contract_id, from_seq)

    monkeypatch.setattr(revisions_async, "_read", counting)
    return made


def _send(client: ASGIClient, auth: dict[str, str], contract_id: str, key: str | None) -> Any:
    headers = auth | ({"Idempotency-Key": key} if key else {})
    body = {"deliverable": "home", "message": ASK}
    return client.post(f"/v1/contracts/{contract_id}/revision-requests", json=body, headers=headers)


def test_a_keyed_request_is_judged_on_what_the_claim_read(
    client: ASGIClient, auth: dict[str, str], reads: list[int]
) -> None:
    contract_id = delivered_contract(client, auth)
    first = _send(client, auth, contract_id, f"{contract_id}-1")
    second = _send(client, auth, contract_id, f"{contract_id}-2")
    assert (first.status_code, second.status_code) == (201, 201)
    assert reads == []  # neither request read the ledger in a statement of its own
    assert first.json()["decision"]["verdict"] == "included"
    assert second.json()["decision_ledger_seq"] > first.json()["decision_ledger_seq"]
    ledger = client.get(f"/v1/contracts/{contract_id}/ledger?limit=200", headers=auth).json()[
        "items"
    ]
    assert [e["type"] for e in ledger].count("decision_made") == 2


def test_a_request_without_a_key_reads_for_itself(
    client: ASGIClient, auth: dict[str, str], reads: list[int]
) -> None:
    contract_id = delivered_contract(client, auth)
    assert _send(client, auth, contract_id, None).status_code == 201
    assert len(reads) == 1


def test_the_claim_reads_only_the_callers_contracts(
    client: ASGIClient, auth: dict[str, str], other_auth: dict[str, str], reads: list[int]
) -> None:
    contract_id = delivered_contract(client, auth)
    response = _send(client, other_auth, contract_id, f"{contract_id}-other")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    ledger = client.get(f"/v1/contracts/{contract_id}/ledger?limit=200", headers=auth).json()[
        "items"
    ]
    assert "decision_made" not in [e["type"] for e in ledger]


def test_an_unknown_contract_read_ahead_is_404(
    client: ASGIClient, auth: dict[str, str], reads: list[int]
) -> None:
    response = _send(client, auth, "ctr_00000000000000000000000000", "unknown-contract")
    assert response.status_code == 404
    assert reads == []


def test_a_replay_does_not_judge_again(
    client: ASGIClient, auth: dict[str, str], reads: list[int]
) -> None:
    contract_id = delivered_contract(client, auth)
    first = _send(client, auth, contract_id, f"{contract_id}-replayed")
    again = _send(client, auth, contract_id, f"{contract_id}-replayed")
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    ledger = client.get(f"/v1/contracts/{contract_id}/ledger?limit=200", headers=auth).json()[
        "items"
    ]
    assert [e["type"] for e in ledger].count("decision_made") == 1
