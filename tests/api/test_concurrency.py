"""Racing for the last round: requests on one contract are judged one after another.

32 requests sent at once against a contract with one round left must yield exactly one
``included`` (on SQLite via BEGIN IMMEDIATE, on PostgreSQL via a row lock), and the
ledger must hold exactly one decision per request. On PostgreSQL both judging paths race:
the served app's (statements awaited on the event loop) and the threaded one.
"""

from __future__ import annotations

import pytest

from tests.api.asgiclient import ASGIClient
from tests.api.test_revision_requests import ASK, delivered_contract

PARALLEL = 32


@pytest.mark.parametrize("path", ["served", "bare"])
def test_thirty_two_parallel_requests_for_the_last_round_yield_exactly_one_included(
    path: str, request: pytest.FixtureRequest, auth: dict[str, str]
) -> None:
    client: ASGIClient = request.getfixturevalue("client" if path == "served" else "bare_client")
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    body = {"deliverable": "home", "message": ASK}
    responses = client.gather([("POST", url, {"json": body, "headers": auth})] * PARALLEL)
    assert [r.status_code for r in responses] == [201] * PARALLEL
    verdicts = [r.json()["decision"]["verdict"] for r in responses]
    assert verdicts.count("included") == 1
    ledger = client.get(
        url.removesuffix("/revision-requests") + "/ledger", params={"limit": 200}, headers=auth
    ).json()["items"]
    decisions = [e for e in ledger if e["type"] == "decision_made"]
    assert len(decisions) == PARALLEL
    assert sorted(e["seq"] for e in ledger) == list(range(1, len(ledger) + 1))


def test_parallel_retries_with_one_idempotency_key_create_one_request(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    headers = auth | {"Idempotency-Key": "retry-storm"}
    body = {"deliverable": "home", "message": ASK}
    responses = client.gather([("POST", url, {"json": body, "headers": headers})] * 8)
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    created = {r.json()["request"]["id"] for r in responses if r.status_code == 201}
    assert len(created) == 1
    listed = client.get(url, headers=auth).json()["items"]
    assert len(listed) == 1
