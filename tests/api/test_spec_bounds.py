"""Issue 22: a bad spec is a 422 naming the field, nothing is stored, and the server goes on.

Every case below was a 500, a reset connection or a stored value that later broke a
render. Each runs on SQLite and (with ROUNDWISE_TEST_PG_URL) on PostgreSQL, in the three
ways a spec arrives: YAML text, JSON text and a JSON object.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
import yaml

from roundwise.api.app import create_app
from roundwise.api.settings import Settings
from roundwise.store.db import Database
from tests.api.asgiclient import ASGIClient
from tests.api.conftest import example_spec, example_spec_text


def _yaml(old: str, new: str, count: int = 1) -> str:
    text = example_spec_text()
    assert old in text, old
    return text.replace(old, new, count)


def _spec(change: dict[str, Any]) -> dict[str, Any]:
    """The bakery spec as a JSON object with one path (a dotted string) set to a value."""
    spec = example_spec()
    for path, value in change.items():
        *parents, last = path.split(".")
        node: Any = spec
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return spec


NESTED = "\nnotes: " + "[" * 5000 + "]" * 5000 + "\n"

# (YAML text, the field path inside the spec; "" when the text itself cannot be read)
YAML_CASES = {
    "fee 1E+100": (_yaml("fee: 480", "fee: '1E+100'"), "deliverables[0].fee"),
    "hourly rate 1E+50": (
        _yaml("hourly_rate: 45", "hourly_rate: '1E+50'"),
        "revision_policy.out_of_scope.hourly_rate",
    ),
    "30 February": (_yaml("due: 2026-03-20", "due: 2026-02-30"), "deliverables[2].due"),
    "5,000 nested [": (example_spec_text() + NESTED, ""),
    "31-digit size": (_yaml("size: 600", "size: " + "9" * 31), "deliverables[0].size"),
    "5,000-digit size": (_yaml("size: 600", "size: " + "9" * 5000), "deliverables[0].size"),
    "NUL escape": (
        _yaml("title: Home page copy", 'title: "Website \\0 copy"'),
        "deliverables[0].title",
    ),
    "share 1.5": (
        _yaml("max_change_share: 0.30", "max_change_share: 1.5"),
        "revision_policy.max_change_share",
    ),
    "share 30": (
        _yaml("max_change_share: 0.30", "max_change_share: 30"),
        "revision_policy.max_change_share",
    ),
    "currency XYZ": (_yaml("currency: EUR", "currency: XYZ"), "currency"),
    "start after every due": (
        _yaml("start_date: 2026-03-02", "start_date: 2026-04-01"),
        "deliverables[2].due",
    ),
    "duplicate key": (_yaml("currency: EUR", "currency: EUR\ncurrency: USD"), "currency"),
    "!!binary": (
        _yaml("title: Home page copy", "title: !!binary V2Vic2l0ZSBjb3B5"),
        "deliverables[0].title",
    ),
    "unknown locale": (_yaml("locale: en_IE", "locale: zz_ZZ"), "locale"),
}

# (a JSON object, the failing path): what a JSON spec sends for the same cases.
OBJECT_CASES = {
    "fee 1E+100": (_spec({"deliverables.0.fee": "1E+100"}), "deliverables[0].fee"),
    "hourly rate 1E+50": (
        _spec({"revision_policy.out_of_scope.hourly_rate": 1e50}),
        "revision_policy.out_of_scope.hourly_rate",
    ),
    "30 February": (_spec({"deliverables.2.due": "2026-02-30"}), "deliverables[2].due"),
    "31-digit size": (_spec({"deliverables.0.size": int("9" * 31)}), "deliverables[0].size"),
    # The body's own check (api/schemas.StoredIn) refuses a NUL anywhere in "spec" first.
    "NUL": (_spec({"deliverables.0.title": "Website \x00 copy"}), ""),
    "share 30": (
        _spec({"revision_policy.max_change_share": 30}),
        "revision_policy.max_change_share",
    ),
    "currency XYZ": (_spec({"currency": "XYZ"}), "currency"),
    "start after every due": (_spec({"start_date": "2026-04-01"}), "deliverables[2].due"),
    "nested 40 deep": (_spec({"notes": json.loads("[" * 40 + "]" * 40)}), "notes"),
}


def _as_json_text(yaml_text: str) -> str:
    """The same spec as JSON text; YAML-only constructs stay as they would be in JSON."""
    return json.dumps(yaml.safe_load(yaml_text), default=str)


# JSON text spellings of the cases that YAML and JSON both can write.
JSON_TEXT_CASES = {
    "5,000 nested [": (
        _as_json_text(example_spec_text())[:-1] + ', "notes": ' + "[" * 5000 + "]" * 5000 + "}",
        "",
    ),
    "5,000-digit size": (
        _as_json_text(example_spec_text()).replace('"size": 600', '"size": ' + "9" * 5000),
        "deliverables[0].size",
    ),
    "31-digit size": (
        _as_json_text(example_spec_text()).replace('"size": 600', '"size": ' + "9" * 31),
        "deliverables[0].size",
    ),
    "\\u0000 escape": (
        _as_json_text(example_spec_text()).replace("Home page copy", "Website \\u0000 copy"),
        "deliverables[0].title",
    ),
    "duplicate key": (
        _as_json_text(example_spec_text()).replace(
            '"currency": "EUR"', '"currency": "EUR", "currency": "USD"'
        ),
        "currency",
    ),
}


def _contract_count(client: ASGIClient, auth: dict[str, str]) -> int:
    listed = client.get("/v1/contracts", params={"limit": 100}, headers=auth)
    assert listed.status_code == 200, listed.text
    return len(listed.json()["items"])


def _assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] in {"/problems/invalid-spec", "/problems/validation-error"}
    paths = [e["path"] for e in body["errors"]]
    assert any(p == field or p.startswith(f"{field}[") for p in paths), body


@pytest.mark.parametrize(("text", "path"), YAML_CASES.values(), ids=YAML_CASES.keys())
def test_a_bad_yaml_spec_is_422_naming_the_field_and_nothing_is_stored(
    client: ASGIClient, auth: dict[str, str], text: str, path: str
) -> None:
    response = client.post("/v1/contracts", json={"spec_text": text}, headers=auth)
    _assert_refused(response, f"spec_text.{path}" if path else "spec_text")
    assert _contract_count(client, auth) == 0


@pytest.mark.parametrize(("text", "path"), JSON_TEXT_CASES.values(), ids=JSON_TEXT_CASES.keys())
def test_a_bad_json_spec_text_is_422_naming_the_field_and_nothing_is_stored(
    client: ASGIClient, auth: dict[str, str], text: str, path: str
) -> None:
    body = {"spec_text": text, "format": "json"}
    response = client.post("/v1/contracts", json=body, headers=auth)
    _assert_refused(response, f"spec_text.{path}" if path else "spec_text")
    assert _contract_count(client, auth) == 0


@pytest.mark.parametrize(("spec", "path"), OBJECT_CASES.values(), ids=OBJECT_CASES.keys())
def test_a_bad_spec_object_is_422_naming_the_field_and_nothing_is_stored(
    client: ASGIClient, auth: dict[str, str], spec: dict[str, Any], path: str
) -> None:
    response = client.post("/v1/contracts", json={"spec": spec}, headers=auth)
    _assert_refused(response, f"spec.{path}" if path else "spec")
    assert _contract_count(client, auth) == 0


def test_a_bad_spec_does_not_replace_a_draft_spec(client: ASGIClient, auth: dict[str, str]) -> None:
    created = client.post("/v1/contracts", json={"spec_text": example_spec_text()}, headers=auth)
    contract_id, before = created.json()["id"], created.json()["terms_sha256"]
    text, path = YAML_CASES["fee 1E+100"]
    response = client.put(
        f"/v1/contracts/{contract_id}/spec", json={"spec_text": text}, headers=auth
    )
    _assert_refused(response, f"spec_text.{path}")
    after = client.get(f"/v1/contracts/{contract_id}", headers=auth).json()
    assert after["terms_sha256"] == before


def test_every_failing_field_of_a_spec_is_named_at_once(
    client: ASGIClient, auth: dict[str, str]
) -> None:
    spec = _spec({"deliverables.0.fee": "1E+100", "deliverables.1.size": 10**31})
    response = client.post("/v1/contracts", json={"spec": spec}, headers=auth)
    assert {e["path"] for e in response.json()["errors"]} >= {
        "spec.deliverables[0].fee",
        "spec.deliverables[1].size",
    }


@pytest.fixture(scope="module")
def http_port(settings: Settings, database: Database) -> Iterator[int]:
    """The app served by uvicorn on a local port (a thread of this process), for the
    tests that need a real keep-alive connection."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(
        create_app(settings, database), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(timeout=30)


def test_after_every_bad_spec_the_same_keep_alive_connection_serves_the_next_request(
    http_port: int, auth: dict[str, str]
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", http_port, timeout=60)
    headers = {**auth, "Content-Type": "application/json"}
    bodies: list[dict[str, Any]] = [{"spec_text": text} for text, _ in YAML_CASES.values()]
    bodies += [{"spec_text": text, "format": "json"} for text, _ in JSON_TEXT_CASES.values()]
    bodies += [{"spec": spec} for spec, _ in OBJECT_CASES.values()]
    first_socket = None
    for body in bodies:
        connection.request("POST", "/v1/contracts", body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 422, body
        assert (response.getheader("connection") or "").lower() != "close"
        first_socket = first_socket or connection.sock
        assert connection.sock is first_socket  # not closed and reopened
    good = json.dumps({"spec_text": example_spec_text()})
    connection.request("POST", "/v1/contracts", body=good, headers=headers)
    response = connection.getresponse()
    assert response.status == 201, response.read()
    response.read()
    assert connection.sock is first_socket
    connection.close()


BODY_CASES = {
    "5,000 nested [": (', "notes": ' + "[" * 5000 + "]" * 5000, "nested too deeply"),
    "5,000-digit number": (', "notes": ' + "9" * 5000, "too many digits"),
}


@pytest.mark.parametrize(("extra", "reason"), BODY_CASES.values(), ids=BODY_CASES.keys())
def test_a_spec_object_the_json_decoder_cannot_read_is_422_naming_the_body(
    client: ASGIClient, auth: dict[str, str], extra: str, reason: str
) -> None:
    spec = json.dumps(example_spec())
    raw = '{"spec": ' + spec[:-1] + extra + "}}"
    headers = {**auth, "content-type": "application/json"}
    response = client.post("/v1/contracts", content=raw.encode(), headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [e["path"] for e in errors] == ["body"]
    assert reason in errors[0]["reason"]
    assert _contract_count(client, auth) == 0
