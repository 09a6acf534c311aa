"""Deliverable versions and approvals: numbered per deliverable, recorded in the ledger."""

from __future__ import annotations

from tests.api.asgiclient import ASGIClient
from tests.api.conftest import example_spec_text, signed_contract

HOME_V1 = "Three generations of bakers. " * 20


def test_versions_are_numbered_per_deliverable_and_listed_in_order(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = signed_contract(client, auth)
    base = f"/v1/contracts/{contract_id}/deliverables"
    first = client.post(f"{base}/home/versions", json={"text": HOME_V1}, headers=auth)
    second = client.post(f"{base}/home/versions", json={"text": HOME_V1 + "More."}, headers=auth)
    other = client.post(f"{base}/about/versions", json={"text": "Since 1962."}, headers=auth)
    assert [r.status_code for r in (first, second, other)] == [201, 201, 201]
    assert [first.json()["number"], second.json()["number"], other.json()["number"]] == [1, 2, 1]
    listed = client.get(f"{base}/home/versions", headers=auth).json()["items"]
    assert [v["number"] for v in listed] == [1, 2]
    assert listed[0]["text"] == HOME_V1
    ledger = client.get(f"/v1/contracts/{contract_id}/ledger", headers=auth).json()["items"]
    assert [e["type"] for e in ledger][-3:] == ["version_submitted"] * 3


def test_a_visual_version_is_a_file_hash_and_a_note(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = signed_contract(client, auth, "fox-logo")
    response = client.post(
        f"/v1/contracts/{contract_id}/deliverables/final/versions",
        json={"file_sha256": "a" * 64, "note": "Warmer orange, bolder lettering."},
        headers=auth,
    )
    assert response.status_code == 201
    assert response.json()["text"] is None


def test_a_version_without_content_or_for_an_unknown_deliverable_is_422(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = signed_contract(client, auth)
    base = f"/v1/contracts/{contract_id}/deliverables"
    empty = client.post(f"{base}/home/versions", json={"note": "nothing"}, headers=auth)
    unknown = client.post(f"{base}/menu/versions", json={"text": "x"}, headers=auth)
    assert empty.status_code == 422
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["path"] == "deliverable"


def test_versions_of_an_unsigned_contract_are_409(client: ASGIClient, auth: dict[str, str]) -> None:
    draft = client.post("/v1/contracts", json={"spec_text": example_spec_text()}, headers=auth)
    response = client.post(
        f"/v1/contracts/{draft.json()['id']}/deliverables/home/versions",
        json={"text": "x"},
        headers=auth,
    )
    assert response.status_code == 409


def test_an_approval_is_appended_to_the_ledger(client: ASGIClient, auth: dict[str, str]) -> None:
    contract_id = signed_contract(client, auth)
    client.post(
        f"/v1/contracts/{contract_id}/deliverables/home/versions",
        json={"text": HOME_V1},
        headers=auth,
    )
    response = client.post(
        f"/v1/contracts/{contract_id}/approvals",
        json={"deliverable": "home", "version": 1},
        headers=auth,
    )
    assert response.status_code == 201
    ledger = client.get(f"/v1/contracts/{contract_id}/ledger", headers=auth).json()["items"]
    assert ledger[-1]["type"] == "approved_explicitly"
    assert ledger[-1]["seq"] == response.json()["ledger_seq"]


def test_a_version_answering_an_unknown_request_is_refused_and_not_stored(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = signed_contract(client, auth)
    response = client.post(
        f"/v1/contracts/{contract_id}/deliverables/home/versions",
        json={"text": HOME_V1, "request_id": "req-nope"},
        headers=auth,
    )
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/invalid-ledger"
    ledger = client.get(f"/v1/contracts/{contract_id}/ledger", headers=auth).json()["items"]
    assert [e["type"] for e in ledger] == ["contract_signed"]
