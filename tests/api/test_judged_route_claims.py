"""The judged route claims its Idempotency-Key itself, in the statement that reads its
contract.

On PostgreSQL, served with its lifespan, a revision request with an Idempotency-Key
takes two statements on the async pool: auth + claim + read
(``store.judging.postgres.claim_and_read_statement``), then the store; on SQLite the
claim and the read are one hop into the thread pool. The route must
then judge from what the claim read, and that read must be scoped to the caller's account
like every other. The generic Idempotency middleware claims nothing for this route.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from fastapi import FastAPI

from roundwise.api.app import API_PREFIX
from roundwise.api.middleware import own_key_paths
from roundwise.api.routes import routers
from roundwise.store.judging.gateway import Gateway, KeyAsk, Reading
from roundwise.store.judging.postgres import PostgresGateway
from roundwise.store.judging.sqlite import SqliteGateway
from tests.api.asgiclient import ASGIClient
from tests.api.test_revision_requests import ASK, delivered_contract


@pytest.fixture
def reads(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ``from_seq`` of each read the protocol made itself (not the claim's)."""
    made: list[int] = []
    adapter = SqliteGateway if app.state.db.is_sqlite else PostgresGateway
    real = adapter.read

    async def counting(self: Gateway, account_id: str, reading: Reading) -> Any:
        made.append(reading.from_seq)
        return await real(self, account_id, reading)  # type: ignore[arg-type]

    monkeypatch.setattr(adapter, "read", counting)
    return made


@pytest.fixture
def statements(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The first words of each statement run on the async pool."""
    if app.state.db.is_sqlite:
        pytest.skip("statements on the async pool are PostgreSQL's")
    run: list[str] = []
    real = PostgresGateway._one

    async def counting(
        self: PostgresGateway, statement: str, values: Mapping[str, Any], shape: type[Any]
    ) -> Any:
        run.append(shape.__name__)
        return await real(self, statement, values, shape)

    monkeypatch.setattr(PostgresGateway, "_one", counting)
    return run


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


def test_an_unknown_contract_read_with_the_claim_is_404(
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


def test_a_keyed_judged_request_is_two_statements(
    client: ASGIClient, auth: dict[str, str], statements: list[str]
) -> None:
    contract_id = delivered_contract(client, auth)
    statements.clear()
    assert _send(client, auth, contract_id, f"{contract_id}-two").status_code == 201
    assert statements == ["KeyRow", "StoredRow"]  # claim + read, then store


def test_a_failed_judgement_completes_the_key_with_its_error(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    headers = auth | {"Idempotency-Key": f"{contract_id}-unknown-deliverable"}
    body = {"deliverable": "no-such-page", "message": ASK}
    first = client.post(url, json=body, headers=headers)
    again = client.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code
    assert first.status_code in {404, 422}
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"


def test_a_known_external_id_is_replayed_with_its_200(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    body = {"deliverable": "home", "message": ASK, "external_id": "mail-1"}
    first = client.post(url, json=body, headers=auth | {"Idempotency-Key": f"{contract_id}-a"})
    second = client.post(url, json=body, headers=auth | {"Idempotency-Key": f"{contract_id}-b"})
    again = client.post(url, json=body, headers=auth | {"Idempotency-Key": f"{contract_id}-b"})
    assert (first.status_code, second.status_code, again.status_code) == (201, 200, 200)
    assert second.json()["request"]["id"] == first.json()["request"]["id"]
    assert again.content == second.content
    assert again.headers["idempotent-replayed"] == "true"


def test_only_the_judged_route_the_inbound_hooks_and_change_order_send_claim_their_own_key() -> (
    None
):
    """The inbound hooks (issue 19) have no API key: their idempotency is the provider's
    delivery and comment ids, so an Idempotency-Key a sender adds is left to them. Sending
    a change order keeps no key record, which would hold the client's link token."""
    patterns = [p for router in routers() for p in own_key_paths(router.routes, API_PREFIX)]
    assert len(patterns) == 3
    judged, hooks, send = patterns
    assert judged.match("/v1/contracts/ctr_1/revision-requests")
    assert not judged.match("/v1/contracts/ctr_1/revision-requests/req_1")
    assert hooks.match("/v1/hooks/github/int_1")
    assert send.match("/v1/contracts/ctr_1/change-orders/3/send")
    assert not send.match("/v1/contracts/ctr_1/change-orders")
    assert not any(p.match("/v1/clients") or p.match("/v1/integrations") for p in patterns)


def test_the_middleware_claims_nothing_for_the_judged_route(
    client: ASGIClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The route's own claim is the only one (a second would find the first in flight)."""
    claims: list[str] = []
    for adapter in (SqliteGateway, PostgresGateway):
        real = adapter.claim

        async def counting(self: Any, ask: KeyAsk, *more: Any, real: Any = real) -> Any:
            claims.append(ask.key)
            return await real(self, ask, *more)

        monkeypatch.setattr(adapter, "claim", counting)
    contract_id = delivered_contract(client, auth)
    assert _send(client, auth, contract_id, f"{contract_id}-once").status_code == 201
    assert claims.count(f"{contract_id}-once") == 1
