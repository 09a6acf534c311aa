"""Contracts: create from a spec, validation with field paths, statuses, immutability."""

from __future__ import annotations

from tests.api.asgiclient import ASGIClient
from tests.api.conftest import example_spec, example_spec_text, signed_contract


def test_a_contract_created_from_yaml_text_is_a_draft_with_its_terms_hash(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    response = client.post("/v1/contracts", json={"spec_text": example_spec_text()}, headers=auth)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["title"] == "Website copy for Horvat Bakery"
    assert len(body["terms_sha256"]) == 64
    assert [d["id"] for d in body["spec"]["deliverables"]] == ["home", "about", "products"]


def test_the_same_spec_as_json_object_gives_the_same_hash(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    from_text = client.post("/v1/contracts", json={"spec_text": example_spec_text()}, headers=auth)
    from_json = client.post("/v1/contracts", json={"spec": example_spec()}, headers=auth)
    assert from_json.status_code == 201
    assert from_json.json()["terms_sha256"] == from_text.json()["terms_sha256"]


def test_an_invalid_spec_is_422_naming_the_field_inside_the_spec(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    spec = example_spec()
    spec["deliverables"][1]["kind"] = "poetry"
    response = client.post("/v1/contracts", json={"spec": spec}, headers=auth)
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/invalid-spec"
    assert "spec.deliverables[1].kind" in [e["path"] for e in response.json()["errors"]]


def test_broken_yaml_is_422_naming_spec_text(client: ASGIClient, auth: dict[str, str]) -> None:
    response = client.post("/v1/contracts", json={"spec_text": "id: [unclosed"}, headers=auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "spec_text"


def test_neither_spec_nor_text_is_422(client: ASGIClient, auth: dict[str, str]) -> None:
    response = client.post("/v1/contracts", json={}, headers=auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "spec"


def test_an_unknown_client_id_is_422_and_a_known_one_is_linked(
    client: ASGIClient, auth: dict[str, str], other_auth: dict[str, str]
) -> None:
    theirs = client.post("/v1/clients", json={"name": "Not yours"}, headers=other_auth).json()
    body = {"spec_text": example_spec_text(), "client_id": theirs["id"]}
    refused = client.post("/v1/contracts", json=body, headers=auth)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["path"] == "client_id"
    mine = client.post("/v1/clients", json={"name": "Marko"}, headers=auth).json()
    linked = client.post("/v1/contracts", json=body | {"client_id": mine["id"]}, headers=auth)
    assert linked.json()["client_id"] == mine["id"]


def test_statuses_move_one_step_at_a_time_and_signing_is_a_ledger_event(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = client.post(
        "/v1/contracts", json={"spec_text": example_spec_text()}, headers=auth
    ).json()["id"]
    skip = client.post(
        f"/v1/contracts/{contract_id}/status", json={"status": "signed"}, headers=auth
    )
    assert skip.status_code == 409
    assert skip.json()["type"] == "/problems/invalid-transition"
    for step in ("sent", "signed", "completed"):
        moved = client.post(
            f"/v1/contracts/{contract_id}/status", json={"status": step}, headers=auth
        )
        assert moved.json()["status"] == step
    events = client.get(f"/v1/contracts/{contract_id}/ledger", headers=auth).json()["items"]
    assert [e["type"] for e in events] == ["contract_signed", "contract_completed"]


def test_a_draft_spec_can_be_replaced_but_a_signed_one_is_immutable(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    draft = client.post("/v1/contracts", json={"spec_text": example_spec_text()}, headers=auth)
    contract_id = draft.json()["id"]
    spec = example_spec()
    spec["title"] = "Website copy, revised"
    replaced = client.put(f"/v1/contracts/{contract_id}/spec", json={"spec": spec}, headers=auth)
    assert replaced.status_code == 200
    assert replaced.json()["title"] == "Website copy, revised"
    assert replaced.json()["terms_sha256"] != draft.json()["terms_sha256"]
    signed = signed_contract(client, auth)
    refused = client.put(f"/v1/contracts/{signed}/spec", json={"spec": spec}, headers=auth)
    assert refused.status_code == 409
    assert refused.json()["type"] == "/problems/contract-immutable"


def test_contracts_list_filters_by_status_and_pages(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    for _ in range(3):
        client.post("/v1/contracts", json={"spec_text": example_spec_text()}, headers=auth)
    signed = signed_contract(client, auth)
    only_signed = client.get("/v1/contracts", params={"status": "signed"}, headers=auth).json()
    assert [c["id"] for c in only_signed["items"]] == [signed]
    first = client.get("/v1/contracts", params={"limit": 2}, headers=auth).json()
    second = client.get(
        "/v1/contracts", params={"limit": 2, "cursor": first["next_cursor"]}, headers=auth
    ).json()
    assert len(first["items"]) == len(second["items"]) == 2
    assert second["next_cursor"] is None


def test_another_accounts_contract_is_404_on_every_route(
    client: ASGIClient, auth: dict[str, str], other_auth: dict[str, str]
) -> None:
    contract_id = signed_contract(client, auth)
    base = f"/v1/contracts/{contract_id}"
    attempts = [
        client.get(base, headers=other_auth),
        client.get(f"{base}/ledger", headers=other_auth),
        client.put(f"{base}/spec", json={"spec": example_spec()}, headers=other_auth),
        client.post(f"{base}/status", json={"status": "completed"}, headers=other_auth),
        client.post(f"{base}/deliverables/home/versions", json={"text": "x"}, headers=other_auth),
        client.get(f"{base}/deliverables/home/versions", headers=other_auth),
        client.post(f"{base}/approvals", json={"deliverable": "home"}, headers=other_auth),
    ]
    assert [a.status_code for a in attempts] == [404] * len(attempts)
    assert client.get(base, headers=auth).json()["status"] == "signed"


def test_yaml_aliases_are_refused_before_they_can_expand(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    response = client.post("/v1/contracts", json={"spec_text": laughs}, headers=auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "spec_text"
    assert "alias" in response.json()["errors"][0]["reason"]
