"""Issue 16.6: ``PUT /v1/revision-requests/{id}/assessment`` corrects how a request was read.

The ledger gets the correction and a new decision (nothing in it is changed); the
request's decision and reply show the new judgement; the same correction twice is one;
another account's request is a 404; validation errors name the field; and a later
message like a corrected one is read as the freelancer read it.
"""

from __future__ import annotations

from typing import Any

from tests.api.asgiclient import ASGIClient
from tests.api.conftest import new_account
from tests.api.test_review_confirmation import UNSURE, _rounds_used, _send
from tests.api.test_revision_requests import ASK, delivered_contract

NEW_WORK = "Could you also put together a short brochure about the bakery?"


def _ledger(client: ASGIClient, auth: dict[str, str], contract_id: str) -> list[Any]:
    url = f"/v1/contracts/{contract_id}/ledger"
    items: list[Any] = client.get(url, params={"limit": 100}, headers=auth).json()["items"]
    return items


def _put(client: ASGIClient, auth: dict[str, str], request_id: str, body: dict[str, Any]) -> Any:
    return client.put(f"/v1/revision-requests/{request_id}/assessment", json=body, headers=auth)


def test_a_correction_appends_events_and_the_new_decision_supersedes(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    judged = _send(client, auth, contract_id, {"deliverable": "home", "message": ASK})
    assert judged["decision"]["verdict"] == "included"
    assert _rounds_used(client, auth, contract_id) == 1
    before = _ledger(client, auth, contract_id)
    request_id = judged["request"]["id"]
    items = [{"text": i["text"], "scope": "out_of_scope"} for i in judged["decision"]["items"]]
    body = {"intent": "revision_request", "items": items, "stage": "calm"}
    response = _put(client, auth, request_id, body)
    assert response.status_code == 200, response.text
    corrected = response.json()
    assert corrected["decision"]["verdict"] == "out_of_scope"
    assert corrected["decision"]["needs_review"] is False
    assert corrected["decision"]["quote"] is not None
    assert corrected["reply"]["verdict"] == "out_of_scope"
    assert _rounds_used(client, auth, contract_id) == 0
    after = _ledger(client, auth, contract_id)
    assert after[: len(before)] == before  # nothing in the ledger changed
    assert [e["type"] for e in after[len(before) :]] == ["assessment_corrected", "decision_made"]
    assert corrected["decision_ledger_seq"] == after[-1]["seq"]
    shown = client.get(f"/v1/contracts/{contract_id}/revision-requests/{request_id}", headers=auth)
    assert shown.json()["decision"]["verdict"] == "out_of_scope"
    listed = client.get(f"/v1/contracts/{contract_id}/revision-requests", headers=auth).json()
    assert [j["decision"]["verdict"] for j in listed["items"]] == ["out_of_scope"]
    again = _put(client, auth, request_id, body)
    assert again.status_code == 200
    assert again.json() == corrected
    assert len(_ledger(client, auth, contract_id)) == len(after)  # the same correction: one


def test_correcting_an_unsure_decision_judges_it_again_confidently(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    unsure = _send(client, auth, contract_id, UNSURE)
    assert unsure["decision"]["needs_review"] is True
    response = _put(client, auth, unsure["request"]["id"], {})
    assert response.status_code == 200, response.text
    decision = response.json()["decision"]
    assert decision["needs_review"] is False
    assert decision["verdict"] == "included"
    assert response.json()["reply"]["needs_review"] is False
    assert _rounds_used(client, auth, contract_id) == 1


def test_a_retried_correction_with_an_idempotency_key_is_replayed(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    judged = _send(client, auth, contract_id, {"deliverable": "home", "message": ASK})
    url = f"/v1/revision-requests/{judged['request']['id']}/assessment"
    headers = auth | {"Idempotency-Key": "correct-1"}
    first = client.put(url, json={"stage": "explosion"}, headers=headers)
    assert first.status_code == 200, first.text
    again = client.put(url, json={"stage": "explosion"}, headers=headers)
    assert again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    other = client.put(url, json={"stage": "calm"}, headers=headers)
    assert other.status_code == 422  # the same key with another body


def test_validation_errors_name_the_field(client: ASGIClient, auth: dict[str, str]) -> None:
    contract_id = delivered_contract(client, auth)
    judged = _send(client, auth, contract_id, {"deliverable": "home", "message": ASK})
    request_id = judged["request"]["id"]
    cases = [
        ({"intent": "haggling"}, "intent"),
        ({"stage": "furious"}, "stage"),
        ({"items": [{"text": "x", "scope": "huge"}]}, "items[0].scope"),
        ({"items": [{"text": "", "scope": "in_scope"}]}, "items[0].text"),
        ({"verdict": "included"}, "verdict"),
    ]
    for body, path in cases:
        response = _put(client, auth, request_id, body)
        assert response.status_code == 422, body
        paths = [e["path"] for e in response.json()["errors"]]
        assert any(p == path or p.endswith(path) for p in paths), (body, paths)
    assert _rounds_used(client, auth, contract_id) == 1


def test_another_accounts_request_is_not_found(
    client: ASGIClient, auth: dict[str, str], database: Any
) -> None:
    contract_id = delivered_contract(client, auth)
    judged = _send(client, auth, contract_id, {"deliverable": "home", "message": ASK})
    stranger = new_account(database)
    response = _put(client, stranger, judged["request"]["id"], {"stage": "explosion"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert _put(client, auth, "req_unknown", {}).status_code == 404
    assert len(_ledger(client, auth, contract_id)) == 4  # signed, version, request, decision


def test_a_later_message_like_a_corrected_one_follows_the_correction(
    client: ASGIClient, auth: dict[str, str], database: Any
) -> None:
    contract_id = delivered_contract(client, auth)
    first = _send(client, auth, contract_id, {"deliverable": "home", "message": NEW_WORK})
    assert first["decision"]["assessed_scope"] == "out_of_scope"  # the engine's reading
    request_id = first["request"]["id"]
    items = [{"text": NEW_WORK, "scope": "in_scope"}]
    response = _put(client, auth, request_id, {"intent": "revision_request", "items": items})
    assert response.status_code == 200, response.text
    later = _send(
        client, auth, contract_id, {"deliverable": "home", "message": NEW_WORK + " Thanks!"}
    )
    decision = later["decision"]
    assert decision["assessed_scope"] == "in_scope"
    assert all(i["scope"] == "in_scope" for i in decision["items"])
    assert any("correction.example" in r for i in decision["items"] for r in i["reasons"])
    # Another account's corrections are not its examples.
    stranger = new_account(database)
    other_contract = delivered_contract(client, stranger)
    theirs = _send(client, stranger, other_contract, {"deliverable": "home", "message": NEW_WORK})
    reasons = [r for i in theirs["decision"]["items"] for r in i["reasons"]]
    assert not any("correction.example" in r for r in reasons)
