"""Issue 16.5: a decision that needs review uses no round until the freelancer confirms it.

The unsure request below is in Russian (a language Roundwise reads but does not answer
in, so always ``needs_review``) with the change it asks given as an explicit item, so the
rules judge it ``included``: it must leave the round free, draft a reply to check, and
take the round only on confirmation.
"""

from __future__ import annotations

from typing import Any

from tests.api.asgiclient import ASGIClient
from tests.api.conftest import new_account
from tests.api.test_revision_requests import ASK, delivered_contract

UNSURE = {
    "deliverable": "home",
    "message": "Сделайте первый абзац короче, пожалуйста.",
    "items": ["Shorten the opening paragraph"],
}


def _send(client: ASGIClient, auth: dict[str, str], contract_id: str, body: dict[str, Any]) -> Any:
    response = client.post(
        f"/v1/contracts/{contract_id}/revision-requests", json=body, headers=auth
    )
    assert response.status_code == 201, response.text
    return response.json()


def _rounds_used(client: ASGIClient, auth: dict[str, str], contract_id: str) -> int:
    report = client.get(f"/v1/contracts/{contract_id}/scope-report", headers=auth).json()
    home = next(d for d in report["deliverables"] if d["id"] == "home")
    return int(home["rounds_used"])


def test_an_unsure_included_decision_uses_no_round_until_confirmed(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    judged = _send(client, auth, contract_id, UNSURE)
    decision = judged["decision"]
    assert decision["needs_review"] is True
    assert decision["verdict"] == "included"
    assert judged["reply"]["needs_review"] is True
    assert _rounds_used(client, auth, contract_id) == 0
    ledger = client.get(f"/v1/contracts/{contract_id}/ledger", headers=auth).json()["items"]
    assert ledger[-1]["type"] == "decision_made"
    assert ledger[-1]["payload"]["needs_review"] is True

    request_id = judged["request"]["id"]
    confirmed = client.post(f"/v1/revision-requests/{request_id}/confirmation", headers=auth)
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert body["decision"]["needs_review"] is False
    assert body["reply"]["needs_review"] is False
    assert body["decision"]["rounds_left"] == 0
    assert _rounds_used(client, auth, contract_id) == 1
    stored = client.get(
        f"/v1/contracts/{contract_id}/revision-requests/{request_id}", headers=auth
    ).json()
    assert stored["decision"]["needs_review"] is False
    ledger = client.get(f"/v1/contracts/{contract_id}/ledger", headers=auth).json()["items"]
    assert [e["type"] for e in ledger[-2:]] == ["decision_made", "decision_confirmed"]
    again = client.post(f"/v1/revision-requests/{request_id}/confirmation", headers=auth)
    assert again.status_code == 409


def test_a_confident_request_takes_the_round_an_unconfirmed_one_left_free(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    unsure = _send(client, auth, contract_id, UNSURE)
    sure = _send(client, auth, contract_id, {"deliverable": "home", "message": ASK})
    assert sure["decision"]["verdict"] == "included"
    assert sure["decision"]["needs_review"] is False
    assert _rounds_used(client, auth, contract_id) == 1
    request_id = unsure["request"]["id"]
    late = client.post(f"/v1/revision-requests/{request_id}/confirmation", headers=auth)
    assert late.status_code == 409
    assert "correct the assessment" in late.json()["detail"]
    assert _rounds_used(client, auth, contract_id) == 1


def test_a_confident_decision_awaits_no_confirmation(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    sure = _send(client, auth, contract_id, {"deliverable": "home", "message": ASK})
    url = f"/v1/revision-requests/{sure['request']['id']}/confirmation"
    assert client.post(url, headers=auth).status_code == 409


def test_another_accounts_request_cannot_be_confirmed(
    client: ASGIClient, auth: dict[str, str], database: Any
) -> None:
    contract_id = delivered_contract(client, auth)
    unsure = _send(client, auth, contract_id, UNSURE)
    stranger = new_account(database)
    url = f"/v1/revision-requests/{unsure['request']['id']}/confirmation"
    response = client.post(url, headers=stranger)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    unknown = client.post("/v1/revision-requests/req_nope/confirmation", headers=auth)
    assert unknown.status_code == 404
    assert _rounds_used(client, auth, contract_id) == 0
