"""Logs name ids and field paths, never keys, secrets or client texts (issue 22): a failed
insert's traceback used to write the client's whole spec into the server's log."""

from __future__ import annotations

import io
import json
import logging
import secrets
from collections.abc import Iterator

import anyio
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from roundwise.api.logs import JsonFormatter, RedactExceptions, configure_logging
from roundwise.api.routes import contracts as contract_routes
from tests.api.asgiclient import ASGIClient
from tests.api.conftest import example_spec_text
from tests.api.test_revision_requests import delivered_contract


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    """Everything the service's and uvicorn's loggers write, as the deployed JSON lines."""
    configure_logging()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactExceptions())
    loggers = [logging.getLogger(name) for name in ("roundwise", "uvicorn.error")]
    for logger in loggers:
        logger.addHandler(handler)
    old_level = loggers[1].level
    loggers[1].setLevel(logging.INFO)
    yield stream
    for logger in loggers:
        logger.removeHandler(handler)
    loggers[1].setLevel(old_level)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_failed_insert_logs_its_position_and_codes_but_not_the_spec(
    app: FastAPI,
    auth: dict[str, str],
    logged: io.StringIO,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marker = f"SPEC-SECRET-{secrets.token_hex(8)}"
    spec_text = example_spec_text().replace("title:", f"# {marker}\ntitle:", 1)

    def failing_insert(session: Session, *_args: object, **_kwargs: object) -> None:
        # what a failing INSERT of the spec does: the statement's error carries the values
        session.execute(
            text("INSERT INTO no_such_table (spec) VALUES (:spec)"), {"spec": spec_text}
        )

    monkeypatch.setattr(contract_routes.repo, "create_contract", failing_insert)

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.post("/v1/contracts", json={"spec_text": spec_text}, headers=auth)

    caplog.set_level(logging.DEBUG)
    with pytest.raises(DBAPIError) as raised:
        anyio.run(post)
    # As uvicorn reports an exception that left the app:
    logging.getLogger("uvicorn.error").error(
        "Exception in ASGI application\n", exc_info=raised.value
    )
    written = logged.getvalue() + caplog.text
    assert marker not in written
    failures = [line for line in _lines(logged) if line["message"] == "request failed"]
    assert failures
    assert failures[0]["path"] == "/v1/contracts"
    error = failures[0]["error"]
    assert isinstance(error, dict)
    assert "sqlalchemy" in str(error["type"])
    assert any("contracts.py" in str(frame) for frame in error["at"])


def test_refused_requests_log_field_paths_and_key_prefixes_but_no_text_or_key(
    client: ASGIClient,
    auth: dict[str, str],
    logged: io.StringIO,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    contract_id = delivered_contract(client, auth)
    marker = f"MESSAGE-SECRET-{secrets.token_hex(8)}"
    url = f"/v1/contracts/{contract_id}/revision-requests"
    bad = {"deliverable": "home", "message": f"{marker}\x00", "items": [marker * 400]}
    assert client.post(url, json=bad, headers=auth).status_code == 422
    spec = {"spec_text": f"title: {marker}\n{marker}: 1\ndeliverables: [{{kind: {marker}}}]"}
    assert client.post("/v1/contracts", json=spec, headers=auth).status_code == 422
    wrong_key = f"rw_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"
    assert (
        client.get("/v1/clients", headers={"Authorization": f"Bearer {wrong_key}"}).status_code
        == 401
    )

    written = logged.getvalue() + caplog.text
    for secret in (marker, wrong_key, wrong_key.split("_", 2)[2], auth["Authorization"][7:]):
        assert secret not in written
    lines = _lines(logged)
    refused = [line for line in lines if line.get("status") == 422]
    assert any(line.get("fields") == ["message", "items[0]"] for line in refused), refused
    failed_auth = [line for line in lines if line.get("event") == "auth_failed"]
    assert failed_auth
    assert failed_auth[0]["key_prefix"] == wrong_key.split("_")[1]
