"""Generated revision requests through the API: never a 5xx, and nothing stored that
breaks a later read (issue 22). Bodies are any JSON the fields' types allow and more:
any Unicode (lone surrogates included, as JSON escapes), instants of any year and
offset, unknown deliverables, lists of items, with and without an Idempotency-Key."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.asgiclient import ASGIClient
from tests.api.conftest import new_account
from tests.api.test_revision_requests import delivered_contract

EXAMPLES = int(os.environ.get("ROUNDWISE_FUZZ_EXAMPLES", "40"))
texts = st.text(st.characters(codec=None, exclude_categories=()), max_size=80)
words = st.sampled_from(
    ["Please", "shorten", "the", "intro", "typo", '"Horvath"', "also", "write", "Instagram",
     "posts", "make", "it", "better", "?", ".", "\n\n", "- ", "«kruh»", "Živjo", "ΑΠΑΡΑΔΕΚΤΟ"]
)  # fmt: skip
messages = st.one_of(
    texts,
    st.lists(words, max_size=300).map(" ".join),
    st.sampled_from(["x" * 20_001, "a " * 3_001, "", " "]),
)
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
instants = st.one_of(
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets
    ).map(lambda d: d.isoformat()),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 1, 1)).map(
        lambda d: d.isoformat()  # naive
    ),
    st.sampled_from(["0001-01-01T00:00:00+14:00", "yesterday", "", "2026-02-30T00:00:00Z"]),
    st.integers(),
)


@st.composite
def revision_requests(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {
        "deliverable": draw(st.one_of(st.sampled_from(["home", "about", "menu"]), texts)),
        "message": draw(messages),
    }
    optional = {
        "items": st.lists(st.one_of(texts, words), max_size=6),
        "received_at": instants,
        "revised_text": st.one_of(texts, st.none()),
        "channel": st.one_of(st.just("email"), texts),
        "external_id": texts,
        "unexpected": st.integers(),
    }
    for name in draw(st.sets(st.sampled_from(sorted(optional)), max_size=3)):
        body[name] = draw(optional[name])
    return body


@pytest.fixture(scope="module")
def fuzzed_contract(served_app: ASGIClient, database: Any) -> tuple[str, dict[str, str]]:
    auth = new_account(database)
    return delivered_contract(served_app, auth), auth


@given(body=revision_requests(), keyed=st.booleans())
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_a_generated_revision_request_is_never_a_server_error(
    client: ASGIClient,
    fuzzed_contract: tuple[str, dict[str, str]],
    body: dict[str, Any],
    keyed: bool,
) -> None:
    contract_id, auth = fuzzed_contract
    headers = auth | {"content-type": "application/json"}
    if keyed:
        headers["Idempotency-Key"] = f"fuzz-{datetime.now(UTC).timestamp()}"
    response = client.post(
        f"/v1/contracts/{contract_id}/revision-requests",
        content=json.dumps(body).encode(),  # ASCII: lone surrogates travel as escapes
        headers=headers,
    )
    assert response.status_code < 500, response.text
    assert response.status_code in {200, 201, 409, 413, 422}, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"


def test_after_the_generated_requests_every_read_of_the_contract_answers(
    client: ASGIClient, fuzzed_contract: tuple[str, dict[str, str]]
) -> None:
    contract_id, auth = fuzzed_contract
    base = f"/v1/contracts/{contract_id}"
    for url in (f"{base}/revision-requests", f"{base}/ledger", f"{base}/scope-report"):
        cursor = None
        while True:
            params = {"limit": 200} | ({"cursor": cursor} if cursor else {})
            response = client.get(url, params=params, headers=auth)
            assert response.status_code == 200, (url, response.text)
            cursor = response.json().get("next_cursor") if "scope" not in url else None
            if not cursor:
                break
    statement = client.get(f"{base}/documents/statement.pdf", headers=auth)
    assert statement.status_code == 200
