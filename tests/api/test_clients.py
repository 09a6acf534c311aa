"""Clients: create, read, list with cursor pagination, and account scoping."""

from __future__ import annotations

from tests.api.asgiclient import ASGIClient


def test_a_created_client_can_be_read_back(client: ASGIClient, auth: dict[str, str]) -> None:
    created = client.post(
        "/v1/clients", json={"name": "Marko Horvat", "company": "Horvat Bakery"}, headers=auth
    )
    assert created.status_code == 201
    client_id = created.json()["id"]
    fetched = client.get(f"/v1/clients/{client_id}", headers=auth)
    assert fetched.status_code == 200
    assert fetched.json()["company"] == "Horvat Bakery"


def test_another_accounts_client_is_404(
    client: ASGIClient, auth: dict[str, str], other_auth: dict[str, str]
) -> None:
    client_id = client.post("/v1/clients", json={"name": "Eleni"}, headers=auth).json()["id"]
    response = client.get(f"/v1/clients/{client_id}", headers=other_auth)
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"
    assert client.get("/v1/clients", headers=other_auth).json()["items"] == []


def test_pages_walk_every_client_once_newest_first(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    names = [f"client {n}" for n in range(12)]
    for name in names:
        assert client.post("/v1/clients", json={"name": name}, headers=auth).status_code == 201
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 5} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/clients", params=params, headers=auth).json()
        seen += [item["name"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == list(reversed(names))


def test_a_malformed_cursor_is_422_naming_the_cursor(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    response = client.get("/v1/clients", params={"cursor": "%%%"}, headers=auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "cursor"


def test_a_missing_name_is_422_naming_the_field(client: ASGIClient, auth: dict[str, str]) -> None:
    response = client.post("/v1/clients", json={"company": "X"}, headers=auth)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["path"] for e in response.json()["errors"]] == ["name"]
