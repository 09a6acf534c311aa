"""Failed authentications are limited per client address and per key prefix (issue 22):
past the limit a failure is a 429 problem with Retry-After; a valid key is never refused."""

from __future__ import annotations

import secrets

import anyio
import httpx
import pytest
from fastapi import FastAPI

from roundwise.api.app import create_app
from roundwise.api.auth_limit import FailedAuthLimiter
from roundwise.api.settings import Settings
from roundwise.store.db import Database
from tests.api.conftest import new_account

PER_ADDRESS, PER_PREFIX, WINDOW = 4, 2, 60.0


@pytest.fixture
def limited_app(db_url: str, database: Database) -> FastAPI:
    settings = Settings(
        database_url=db_url,
        idempotency_prune_seconds=0,
        auth_failures_per_address=PER_ADDRESS,
        auth_failures_per_key_prefix=PER_PREFIX,
        auth_failure_window_seconds=WINDOW,
    )
    return create_app(settings, database)


def _get(
    app: FastAPI,
    key: str,
    address: str,
    method: str = "GET",
    body: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(address, 40_000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            sent = {"Authorization": f"Bearer {key}"} | (headers or {})
            return await http.request(method, "/v1/clients", headers=sent, json=body)

    return anyio.run(send)


def _wrong_key(prefix: str | None = None) -> str:
    return f"rw_{prefix or secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"


def _address() -> str:
    return f"198.51.100.{secrets.randbelow(250) + 1}"


def test_failures_from_one_address_past_the_limit_are_429_with_retry_after(
    limited_app: FastAPI, database: Database
) -> None:
    address = _address()
    statuses = [_get(limited_app, _wrong_key(), address).status_code for _ in range(PER_ADDRESS)]
    assert statuses == [401] * PER_ADDRESS
    for attempt in (_wrong_key(), "not-even-a-key"):
        refused = _get(limited_app, attempt, address)
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"] == "/problems/too-many-failed-attempts"
        assert 1 <= int(refused.headers["retry-after"]) <= WINDOW
    valid = new_account(database)["Authorization"].removeprefix("Bearer ")
    assert _get(limited_app, valid, address).status_code == 200
    assert _get(limited_app, _wrong_key(), _address()).status_code == 401  # another address


def test_failures_for_one_key_prefix_from_many_addresses_are_limited_but_its_owner_is_not(
    limited_app: FastAPI, database: Database
) -> None:
    valid = new_account(database)["Authorization"].removeprefix("Bearer ")
    prefix = valid.split("_")[1]
    statuses = [
        _get(limited_app, _wrong_key(prefix), _address()).status_code for _ in range(PER_PREFIX)
    ]
    assert statuses == [401] * PER_PREFIX
    assert _get(limited_app, _wrong_key(prefix), _address()).status_code == 429
    assert _get(limited_app, valid, _address()).status_code == 200
    posted = _get(limited_app, valid, _address(), "POST", {"name": "Crumb"})
    assert posted.status_code == 201


def test_a_failed_post_with_an_idempotency_key_counts_too(limited_app: FastAPI) -> None:
    address = _address()
    headers = {"Idempotency-Key": "k-1"}
    statuses = [
        _get(limited_app, _wrong_key(), address, "POST", {"name": "x"}, headers).status_code
        for _ in range(PER_ADDRESS + 1)
    ]
    assert statuses == [401] * PER_ADDRESS + [429]


def test_openapi_documents_the_429_wherever_a_401_is() -> None:
    spec = create_app(Settings(database_url="sqlite://")).openapi()
    operations = [op for path in spec["paths"].values() for op in path.values()]
    for operation in operations:
        if "401" in operation["responses"]:
            assert "429" in operation["responses"], operation["operationId"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limiter_lets_failures_through_again_once_the_window_has_passed() -> None:
    clock = FakeClock()
    limiter = FailedAuthLimiter(per_address=3, per_prefix=100, window=60, clock=clock)
    assert [limiter.failed("a", None) for _ in range(3)] == [None, None, None]
    clock.now = 1010
    assert limiter.failed("a", None) == 50  # two of the three leave at 1060
    assert limiter.failed("b", None) is None  # another address
    clock.now = 1059
    assert limiter.failed("a", None) == 1  # refused failures count too
    clock.now = 1061
    assert limiter.failed("a", None) is None  # 1010, 1059 and this one: three


def test_the_limiter_forgets_the_stalest_addresses_beyond_its_size() -> None:
    limiter = FailedAuthLimiter(per_address=1, per_prefix=1, window=60, tracked=10)
    for index in range(100):
        limiter.failed(f"10.0.0.{index}", None)
    assert len(limiter._recent) == 10
