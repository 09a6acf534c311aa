"""Web page fixtures: the app on the session's database and a cookie-keeping client.

``WebClient`` drives the pages as a browser without script does: it keeps the session
cookie between calls and reads the CSRF token from each page's forms.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from roundwise.api.app import create_app
from roundwise.api.settings import Settings
from roundwise.store.accounts import create_account
from roundwise.store.db import Database
from tests.api.asgiclient import ASGIClient, served
from tests.dbfixtures import database, db_url

__all__ = ["database", "db_url"]

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
EXAMPLES = Path(__file__).resolve().parents[2] / "contracts" / "examples"

# What the new-contract form sends for a small valid contract.
CONTRACT_FORM = {
    "title": "Website copy for Horvat Bakery",
    "language": "en",
    "currency": "eur",
    "freelancer.name": "Ana Novak",
    "freelancer.email": "ana@novak-copy.example",
    "client.name": "Marko Horvat",
    "client.business": "Horvat Bakery",
    "client.email": "",
    "client.language": "",
    "deliverables[0].title": "Home page copy",
    "deliverables[0].kind": "text",
    "deliverables[0].size": "600",
    "deliverables[0].fee": "480",
    "deliverables[0].due": "",
    "deliverables[0].brief": "About 600 words in a warm, family tone about three generations.",
    "revision_policy.rounds_included": "1",
    "max_change_percent": "30",
    "revision_policy.extra_round.amount": "90",
    "revision_policy.out_of_scope.hourly_rate": "45",
    "exclusions": "photography\nsocial media posts",
}
FIRST_VERSION = (
    "Three generations of the Horvat family have baked bread in the same stone oven. "
    "Our sourdough rises slowly overnight. Order online and pick up your loaf warm."
)


def new_key(database: Database) -> str:
    """A fresh account's API key."""
    with database.writes.begin() as session:
        _account, key = create_account(session, f"web-{secrets.token_hex(6)}")
    return key


class WebClient:
    """A browser without script: one session cookie, forms posted with their CSRF token."""

    def __init__(self, client: ASGIClient, base_url: str = "") -> None:
        self.client, self.cookie, self.csrf = client, "", ""
        self.base_url = base_url

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.cookie:
            headers["Cookie"] = f"rw_session={self.cookie}"
        response = self.client.request(method, self.base_url + path, headers=headers, **kwargs)
        cookie = response.headers.get("set-cookie", "")
        if cookie.startswith("rw_session="):
            self.cookie = cookie.split(";")[0].partition("=")[2]
        found = (
            CSRF_RE.search(response.text)
            if "text/html" in response.headers.get("content-type", "")
            else None
        )
        if found:
            self.csrf = found.group(1)
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, form: dict[str, str], csrf: bool = True) -> httpx.Response:
        data = {**form, "csrf_token": self.csrf} if csrf else form
        return self.request("POST", path, data=data)

    def sign_in(self, key: str) -> httpx.Response:
        self.get("/app/sign-in")
        response = self.post_form("/app/sign-in", {"api_key": key})
        assert response.status_code == 303, response.text
        self.get("/app/")
        return response

    def signed_contract(self) -> str:
        """A contract created with the form, sent and signed; returns its id."""
        self.get("/app/contracts/new")
        created = self.post_form("/app/contracts/new", CONTRACT_FORM)
        assert created.status_code == 303, created.text
        contract_id = created.headers["location"].rsplit("/", 1)[1]
        for step in ("sent", "signed"):
            moved = self.post_form(f"/app/contracts/{contract_id}/status", {"status": step})
            assert moved.status_code == 303, moved.text
        return contract_id


def web_settings(db_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": db_url,
        "idempotency_prune_seconds": 0,
        "auth_failures_per_address": 1_000_000,
        "auth_failures_per_key_prefix": 1_000_000,
        "webhooks_in_process": False,  # tests/web/test_webhook_pages.py runs its own worker
        **overrides,
    }
    return Settings(**values)


@pytest.fixture(scope="session")
def web_app(db_url: str, database: Database) -> FastAPI:
    return create_app(web_settings(db_url), database)


@pytest.fixture(scope="session")
def served_web(web_app: FastAPI) -> Iterator[ASGIClient]:
    with served(web_app) as client:
        yield client


@pytest.fixture
def browser(served_web: ASGIClient) -> WebClient:
    """A fresh browser (no cookie yet) on the served app."""
    return WebClient(served_web)


@pytest.fixture
def key(database: Database) -> str:
    return new_key(database)
