"""The reply records which rule chose its language, through the API and in storage."""

from __future__ import annotations

from tests.api.asgiclient import ASGIClient
from tests.api.test_revision_requests import ASK, delivered_contract


def test_the_reply_says_the_clients_message_chose_its_language(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    response = client.post(url, json={"deliverable": "home", "message": ASK}, headers=auth)
    assert response.status_code == 201, response.text
    reply = response.json()["reply"]
    assert (reply["language"], reply["language_rule"]) == ("en", "client_message")
    stored = client.get(f"{url}/{response.json()['request']['id']}", headers=auth).json()
    assert stored["reply"]["language_rule"] == "client_message"


def test_a_message_in_an_unphrased_language_is_answered_in_the_clients_spec_language(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)  # the bakery's client writes Slovenian
    url = f"/v1/contracts/{contract_id}/revision-requests"
    body = {"deliverable": "home", "message": "Сделайте, пожалуйста, первый абзац короче."}
    response = client.post(url, json=body, headers=auth)
    assert response.status_code == 201, response.text
    reply = response.json()["reply"]
    assert (reply["language"], reply["language_rule"]) == ("sl", "client_spec")
