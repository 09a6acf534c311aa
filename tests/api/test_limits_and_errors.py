"""Problem+json everywhere, 413 over the body limit (declared or streamed), 422 field paths,
415 for JSON that is not UTF-8, bounded messages, cursors only as issued (issue 22)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest
from fastapi import FastAPI

from roundwise.api.app import create_app
from roundwise.api.routes import clients as clients_routes
from roundwise.api.schemas import DOCUMENT_MAX_CHARS, MESSAGE_MAX_CHARS, MESSAGE_MAX_WORDS
from roundwise.api.settings import Settings
from roundwise.store.db import Database
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


def _cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def test_a_forged_or_malformed_cursor_is_a_422_naming_cursor_on_every_list(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    lists = [
        "/v1/clients",
        "/v1/contracts",
        f"/v1/contracts/{contract_id}/ledger",
        f"/v1/contracts/{contract_id}/deliverables/home/versions",
        f"/v1/contracts/{contract_id}/revision-requests",
    ]
    forged = [_cursor("abc"), _cursor("-1"), _cursor("0"), _cursor("ctr_x"), "%%%", "YWJj!"]
    for url in lists:
        for cursor in forged:
            response = client.get(url, params={"cursor": cursor}, headers=auth)
            assert response.status_code == 422, (url, cursor, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert [e["path"] for e in response.json()["errors"]] == ["cursor"], url


def test_a_cursor_the_api_issued_still_pages_on(client: ASGIClient, auth: dict[str, str]) -> None:
    contract_id = delivered_contract(client, auth)
    for name in ("Crumb", "Loaf"):
        assert client.post("/v1/clients", json={"name": name}, headers=auth).status_code == 201
    for url in ["/v1/clients", f"/v1/contracts/{contract_id}/ledger"]:
        first = client.get(url, params={"limit": 1}, headers=auth).json()
        assert first["next_cursor"], url
        params = {"limit": 1, "cursor": first["next_cursor"]}
        assert client.get(url, params=params, headers=auth).status_code == 200


JSON_HEADERS = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"name": "Crumb"}'.encode("utf-16"), "application/json"),  # with a BOM
        ('{"name": "Crumb"}'.encode("utf-16-le"), "application/json"),  # without
        ('{"name": "Crumb"}'.encode("utf-16-be"), None),
        ('{"name": "Crumb"}'.encode("utf-32"), "application/json"),
        (b'{"name": "Crumb"}', "application/json; charset=utf-16"),
        ('{"name": "Café"}'.encode("latin-1"), "application/json"),
        ('{"name": "Čevapi"}'.encode("cp1250"), "application/json; charset=windows-1250"),
    ],
)
def test_a_json_body_that_is_not_utf8_is_a_415_problem(
    client: ASGIClient, auth: dict[str, str], body: bytes, content_type: str | None
) -> None:
    headers = dict(auth) | ({"content-type": content_type} if content_type else {})
    for extra in ({}, {"Idempotency-Key": f"utf-{len(body)}-{content_type}"}):
        response = client.post("/v1/clients", content=body, headers=headers | extra)
        assert response.status_code == 415, response.text
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["type"] == "/problems/unsupported-media-type"
        assert "UTF-8" in problem["detail"]


def test_a_utf8_body_with_or_without_a_byte_order_mark_is_accepted(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    for body in ('{"name": "Čevapi"}'.encode(), '{"name": "Čevapi"}'.encode("utf-8-sig")):
        for content_type in ("application/json", "application/json; charset=UTF-8"):
            headers = auth | {"content-type": content_type}
            response = client.post("/v1/clients", content=body, headers=headers)
            assert response.status_code == 201, response.text
            assert response.json()["name"] == "Čevapi"


def test_a_message_over_the_character_or_word_limit_is_a_422_naming_it(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    too_long = "x" * (MESSAGE_MAX_CHARS + 1)
    too_many_words = "a " * (MESSAGE_MAX_WORDS + 1)
    assert len(too_many_words) <= MESSAGE_MAX_CHARS
    many_items = ["word " * 900] * 6  # 5,400 words, 27,000 characters in all
    for body, field in [
        ({"deliverable": "home", "message": too_long}, "message"),
        ({"deliverable": "home", "message": too_many_words}, "message"),
        ({"deliverable": "home", "message": "These:", "items": many_items}, "items"),
    ]:
        response = client.post(url, json=body, headers=auth)
        assert response.status_code == 422, response.text
        assert [e["path"] for e in response.json()["errors"]] == [field]
    assert "revision_requested" not in [
        e["type"]
        for e in client.get(f"/v1/contracts/{contract_id}/ledger", headers=auth).json()["items"]
    ]


def test_a_message_at_the_limits_is_judged(client: ASGIClient, auth: dict[str, str]) -> None:
    contract_id = delivered_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/revision-requests"
    sentence = "Could you make the opening paragraph shorter please? "
    words = (sentence * (MESSAGE_MAX_CHARS // len(sentence) + 1)).split()
    message = " ".join(words[:MESSAGE_MAX_WORDS])[:MESSAGE_MAX_CHARS]
    assert len(message) > MESSAGE_MAX_CHARS - 200
    response = client.post(url, json={"deliverable": "home", "message": message}, headers=auth)
    assert response.status_code == 201, response.text


def test_a_document_text_over_its_limit_is_a_422_naming_it(
    db_url: str, database: Database, client: ASGIClient, auth: dict[str, str]
) -> None:
    contract_id = delivered_contract(client, auth)
    roomy = ASGIClient(
        create_app(Settings(database_url=db_url, max_body_bytes=4_000_000), database)
    )
    long = "x" * (DOCUMENT_MAX_CHARS + 1)
    base = f"/v1/contracts/{contract_id}"
    for url, body, field in [
        ("/v1/measure", {"old": "a", "new": long}, "new"),
        (f"{base}/deliverables/home/versions", {"text": long}, "text"),
        (
            f"{base}/revision-requests",
            {"deliverable": "home", "message": "Hi", "revised_text": long},
            "revised_text",
        ),
    ]:
        response = roomy.post(url, json=body, headers=auth)
        assert response.status_code == 422, (url, response.text[:300])
        assert [e["path"] for e in response.json()["errors"]] == [field]
