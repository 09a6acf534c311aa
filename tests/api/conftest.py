"""API test fixtures: the ASGI app on the session's database, driven with httpx."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI

from roundwise.api.app import create_app
from roundwise.api.settings import Settings
from roundwise.store.accounts import create_account
from roundwise.store.db import Database
from tests.api.asgiclient import ASGIClient, served
from tests.dbfixtures import database, db_url

__all__ = ["database", "db_url"]

BODY_LIMIT = 64 * 1024


@pytest.fixture(scope="session")
def settings(db_url: str) -> Settings:
    """Settings as a deployment would set them (a small body limit to test 413 cheaply;
    no background pruning, which tests/api/test_expiry.py drives itself; failed
    authentications never limited, since every test calls from one address:
    tests/api/test_auth_limit.py builds apps with low limits)."""
    return Settings(
        database_url=db_url,
        max_body_bytes=BODY_LIMIT,
        page_size_default=5,
        idempotency_prune_seconds=0,
        auth_failures_per_address=1_000_000,
        auth_failures_per_key_prefix=1_000_000,
        webhooks_in_process=False,  # tests/api/test_webhooks.py runs its own workers
    )


@pytest.fixture(scope="session")
def app(settings: Settings, database: Database) -> FastAPI:
    """One app for the session: it keeps no state between requests."""
    return create_app(settings, database)


@pytest.fixture(scope="session")
def served_app(app: FastAPI) -> Iterator[ASGIClient]:
    """The app running with its lifespan for the whole session, as a server runs it."""
    with served(app) as client:
        yield client


@pytest.fixture
def client(served_app: ASGIClient) -> ASGIClient:
    """An httpx client talking to the served ASGI app in-process."""
    return served_app


@pytest.fixture
def bare_client(settings: Settings, database: Database) -> ASGIClient:
    """A client of an app without its lifespan: a fresh event loop per call, no async
    pool, so every route takes its threaded path.

    An app of its own: the session's app may have its async pool open on the served
    app's loop, and a pool used from another loop fails once its lock is contended."""
    return ASGIClient(create_app(settings, database))


def new_account(database: Database) -> dict[str, str]:
    """A fresh account; returns its Authorization header."""
    with database.writes.begin() as session:
        _account, key = create_account(session, f"acct-{secrets.token_hex(6)}")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def auth(database: Database) -> dict[str, str]:
    """Headers authenticating as a fresh account."""
    return new_account(database)


@pytest.fixture
def other_auth(database: Database) -> dict[str, str]:
    """Headers authenticating as another fresh account."""
    return new_account(database)


EXAMPLES = Path(__file__).resolve().parents[2] / "contracts" / "examples"


def example_spec_text(name: str = "bakery-web-copy") -> str:
    """The text of a shipped example spec."""
    return (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")


def example_spec(name: str = "bakery-web-copy") -> dict[str, Any]:
    """A shipped example spec as a JSON object."""
    data = yaml.safe_load(example_spec_text(name))
    assert isinstance(data, dict)
    decoded: dict[str, Any] = json.loads(json.dumps(data, default=str))  # ISO dates, as JSON
    return decoded


def signed_contract(
    client: ASGIClient, headers: dict[str, str], name: str = "bakery-web-copy"
) -> str:
    """Create, send and sign an example contract; returns its id."""
    created = client.post(
        "/v1/contracts", json={"spec_text": example_spec_text(name)}, headers=headers
    )
    assert created.status_code == 201, created.text
    contract_id = str(created.json()["id"])
    for step in ("sent", "signed"):
        moved = client.post(
            f"/v1/contracts/{contract_id}/status", json={"status": step}, headers=headers
        )
        assert moved.status_code == 200, moved.text
    return contract_id
