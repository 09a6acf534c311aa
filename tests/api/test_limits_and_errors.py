"""Problem+json everywhere, 413 over the body limit (declared or streamed), 422 field paths."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest
from fastapi import FastAPI

from api.routes import clients as clients_routes
from tests.api.asgiclient import ASGIClient
from tests.api.conftest import BODY_LIMIT
from tests.api.test_revision_requests import delivered_contract


def test_an_unknown_route_is_a_404_problem(client: ASGIClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_a_wrong_method_is_a_405_problem(client: ASGIClient, auth: dict[str, str]) -> None:
    response = client.put("/v1/clients", json={}, headers=auth)
    assert response.status_code == 405
    assert response.json()["type"] == "/problems/method-not-allowed"


def test_a_body_declared_over_the_limit_is_413(client: ASGIClient, auth: dict[str, str]) -> None:
    body = b'{"name": "' + b"x" * BODY_LIMIT + b'"}'
    response = client.post(
        "/v1/clients", content=body, headers=auth | {"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/payload-too-large"


def test_a_streamed_body_over_the_limit_is_413_without_content_length(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "'
        for _ in range(BODY_LIMIT // 1024 + 1):
            yield b"x" * 1024
        yield b'"}'

    response = client.post(
        "/v1/clients", content=chunks(), headers=auth | {"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_a_streamed_body_over_the_limit_with_a_key_is_413_too(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(BODY_LIMIT // 1024 + 2):
            yield b"x" * 1024

    headers = auth | {"content-type": "application/json", "Idempotency-Key": "big-1"}
    response = client.post("/v1/clients", content=chunks(), headers=headers)
    assert response.status_code == 413


def test_a_body_just_under_the_limit_is_accepted_whole(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    name = "y" * 200
    response = client.post("/v1/clients", json={"name": name}, headers=auth)
    assert response.status_code == 201
    assert response.json()["name"] == name


def test_invalid_json_is_a_422_problem(client: ASGIClient, auth: dict[str, str]) -> None:
    response = client.post(
        "/v1/clients", content=b"{not json", headers=auth | {"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"]


def test_a_query_parameter_out_of_range_names_it(client: ASGIClient, auth: dict[str, str]) -> None:
    response = client.get("/v1/clients", params={"limit": 0}, headers=auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "limit"


def test_openapi_documents_problem_responses(client: ASGIClient) -> None:
    spec = client.get("/openapi.json").json()
    responses = spec["paths"]["/v1/clients"]["post"]["responses"]
    assert "application/problem+json" in responses["422"]["content"]
    assert "Problem" in spec["components"]["schemas"]


def test_openapi_documents_the_idempotency_key_on_every_post(client: ASGIClient) -> None:
    spec = client.get("/openapi.json").json()
    posts = [op for path in spec["paths"].values() for verb, op in path.items() if verb == "post"]
    assert posts
    for operation in posts:
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert "Idempotency-Key" in names, operation["operationId"]


def test_a_nul_character_in_stored_text_is_a_422_naming_the_field(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    response = client.post("/v1/clients", json={"name": "\x00"}, headers=auth)
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["name"]
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    for body, field in [
        ({"deliverable": "home", "message": "Please shorten it.\x00"}, "message"),
        ({"deliverable": "home", "message": "Two things:", "items": ["a", "b\x00"]}, "items"),
    ]:
        response = client.post(url, json=body, headers=auth)
        assert response.status_code == 422, response.text
        assert [e["path"] for e in response.json()["errors"]] == [field]
    ledger = client.get(f"/v1/contracts/{contract_id}/ledger", headers=auth).json()["items"]
    assert "revision_requested" not in [e["type"] for e in ledger]


def test_a_nul_character_in_the_path_or_a_cursor_is_not_a_server_error(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    response = client.get("/v1/contracts/ctr%00x/ledger", headers=auth)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    cursor = base64.urlsafe_b64encode(b"a\x00").decode().rstrip("=")
    response = client.get("/v1/contracts", params={"cursor": cursor}, headers=auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "cursor"


def test_an_unexpected_error_is_a_500_problem_and_the_key_can_be_retried(
    app: FastAPI, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    headers = auth | {"Idempotency-Key": "unexpected-500"}
    body = {"name": "Crumb & Co"}

    async def post() -> httpx.Response:
        # The server error middleware re-raises after answering (so servers log it);
        # a real server keeps serving, which raise_app_exceptions=False stands for.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.post("/v1/clients", json=body, headers=headers)

    monkeypatch.setattr(clients_routes.repo, "create_client", broken)
    response = anyio.run(post)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/internal-error"
    assert problem["status"] == 500
    assert "a bug" not in response.text  # no internals leak to the client

    monkeypatch.undo()
    retried = anyio.run(post)
    assert retried.status_code == 201
    assert retried.json()["name"] == "Crumb & Co"
