"""Revision requests: stored, judged, appended to the ledger, answered with a reply draft."""

from __future__ import annotations

from tests.api.asgiclient import ASGIClient
from tests.api.conftest import example_spec, signed_contract

HOME_V1 = (
    "Three generations of the Horvat family have baked bread in the same stone oven. "
    "Our sourdough rises slowly overnight and our seasonal pastries follow the orchards. "
    "Order online and pick up your loaf warm in the morning. "
) * 4
ASK = (
    "Hi Ana, thanks for the draft! Could you make the opening paragraph a bit shorter "
    "and mention our new rye sourdough in the second section?"
)


def delivered_contract(client: ASGIClient, auth: dict[str, str]) -> str:
    """A signed bakery contract with a first version of the home page delivered."""
    contract_id = signed_contract(client, auth)
    response = client.post(
        f"/v1/contracts/{contract_id}/deliverables/home/versions",
        json={"text": HOME_V1},
        headers=auth,
    )
    assert response.status_code == 201
    return contract_id


def test_a_request_returns_the_decision_and_the_reply_and_is_in_the_ledger(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    response = client.post(
        f"/v1/contracts/{contract_id}/revision-requests",
        json={"deliverable": "home", "message": ASK},
        headers=auth,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["decision"]["verdict"] == "included"
    assert body["decision"]["rounds_left"] == 0
    assert "Marko" in body["reply"]["text"]
    assert body["reply"]["techniques"]
    ledger = client.get(f"/v1/contracts/{contract_id}/ledger", headers=auth).json()["items"]
    assert [e["type"] for e in ledger][-2:] == ["revision_requested", "decision_made"]
    assert ledger[-1]["seq"] == body["decision_ledger_seq"]
    assert ledger[-1]["payload"]["request_id"] == body["request"]["id"]


def test_the_second_request_after_the_only_round_is_an_extra_round_with_a_quote(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    first = client.post(url, json={"deliverable": "home", "message": ASK}, headers=auth)
    second = client.post(url, json={"deliverable": "home", "message": ASK}, headers=auth)
    assert first.json()["decision"]["verdict"] == "included"
    decision = second.json()["decision"]
    assert decision["verdict"] in {"extra_round", "after_approval"}
    assert decision["quote"] is not None


def test_a_request_can_be_read_back_and_listed(client: ASGIClient, auth: dict[str, str]) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    sent = client.post(url, json={"deliverable": "home", "message": ASK}, headers=auth).json()
    one = client.get(f"{url}/{sent['request']['id']}", headers=auth)
    assert one.status_code == 200
    assert one.json() == sent
    assert client.get(url, headers=auth).json()["items"] == [sent]


def test_the_same_external_id_twice_is_one_request(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    body = {"deliverable": "home", "message": ASK, "channel": "trello", "external_id": "card-7"}
    first = client.post(url, json=body, headers=auth)
    again = client.post(url, json=body, headers=auth)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    ledger = client.get(f"/v1/contracts/{contract_id}/ledger", headers=auth).json()["items"]
    assert [e["type"] for e in ledger].count("decision_made") == 1


def test_requests_on_unsigned_contracts_or_unknown_deliverables_are_refused(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    unknown = client.post(url, json={"deliverable": "menu", "message": ASK}, headers=auth)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["path"] == "deliverable"
    draft = client.post("/v1/contracts", json={"spec": example_spec()}, headers=auth).json()
    unsigned = client.post(
        f"/v1/contracts/{draft['id']}/revision-requests",
        json={"deliverable": "home", "message": ASK},
        headers=auth,
    )
    assert unsigned.status_code == 409
    missing = client.post(url, json={"deliverable": "home"}, headers=auth)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["path"] == "message"


def test_another_accounts_revision_requests_are_404(
    client: ASGIClient, auth: dict[str, str], other_auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    sent = client.post(url, json={"deliverable": "home", "message": ASK}, headers=auth).json()
    attempts = [
        client.post(url, json={"deliverable": "home", "message": ASK}, headers=other_auth),
        client.get(url, headers=other_auth),
        client.get(f"{url}/{sent['request']['id']}", headers=other_auth),
    ]
    assert [a.status_code for a in attempts] == [404, 404, 404]


def test_the_ledger_and_the_request_list_page_in_order_without_gaps(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}"
    for n in range(3):
        body = {"deliverable": "home", "message": f"{ASK} ({n})"}
        assert client.post(f"{url}/revision-requests", json=body, headers=auth).status_code == 201
    for path, expected in (("ledger", 8), ("revision-requests", 3)):
        seen, cursor = [], None
        while True:
            params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
            page = client.get(f"{url}/{path}", params=params, headers=auth).json()
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == expected
    ledger = client.get(f"{url}/ledger", params={"limit": 100}, headers=auth).json()["items"]
    assert [e["seq"] for e in ledger] == list(range(1, 9))


def test_an_unsure_reading_is_stored_with_a_reply_marked_as_a_draft_to_check(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    body = {"deliverable": "home", "message": "Переделайте всё, мне не нравится."}
    response = client.post(url, json=body, headers=auth)
    assert response.status_code == 201, response.text
    judged = response.json()
    assert judged["decision"]["needs_review"] is True
    assert judged["reply"]["needs_review"] is True
    stored = client.get(f"{url}/{judged['request']['id']}", headers=auth).json()
    assert stored["reply"]["needs_review"] is True
