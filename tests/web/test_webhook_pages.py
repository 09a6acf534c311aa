"""The account's webhooks pages over HTTP: add an endpoint with the form (the secret shown
once; a private URL refused next to its field unless the service allows it), disable and
enable, rotate, delete; the delivery log after a real delivery by the worker to a local
receiver, with its attempts, and Redeliver (refused, 409, while the endpoint is disabled);
CSRF on every form; another account's endpoint is 404."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import select
from standardwebhooks import Webhook

from roundwise.api.app import create_app
from roundwise.store.db import Database
from roundwise.store.models import WebhookEndpoint
from roundwise.store.webhooks.endpoints import delete_endpoint
from roundwise.store.webhooks.worker import Worker, WorkerConfig
from tests.api.asgiclient import ASGIClient, served
from tests.api.webhook_receiver import Receiver, receiving
from tests.web.conftest import WebClient, new_key, web_settings

SECRET_RE = re.compile(r'id="secret-text" type="text" readonly value="([^"]+)"')
ENDPOINT_RE = re.compile(r'href="/app/webhooks/(whe_[^"]+)"')
REDELIVER_RE = re.compile(r'action="(/app/webhooks/whe_[^/]+/deliveries/[^/]+/redeliver)"')
FAST = WorkerConfig(
    allow_private=True,
    timeout_seconds=5,
    lease_seconds=10,
    backoff_base_seconds=0.01,
    backoff_max_seconds=0.05,
    max_attempts=50,
    disable_after_failures=1000,
    disable_after_seconds=0,
    batch=8,
    poll_seconds=0.02,
)


@pytest.fixture(scope="module")
def allowing(db_url: str, database: Database) -> Iterator[ASGIClient]:
    """The app with receivers on 127.0.0.1 allowed (as tests/api/test_webhooks.py has it)."""
    app = create_app(web_settings(db_url, webhooks_allow_private=True), database)
    with served(app) as client:
        yield client


@pytest.fixture
def browser(allowing: ASGIClient, database: Database) -> Iterator[WebClient]:
    """A browser on the allowing app; every endpoint is deleted after the test (so no
    later test's worker tries this test's receivers)."""
    yield WebClient(allowing)
    with database.writes() as session:
        for endpoint in session.scalars(select(WebhookEndpoint)).all():
            delete_endpoint(session, endpoint.account_id, endpoint.id)
        session.commit()


def _form(url: str, *events: str, description: str = "Our board") -> dict[str, str]:
    return {"url": url, "description": description, **{f"event:{e}": "on" for e in events}}


def _added(browser: WebClient, url: str, *events: str) -> tuple[str, str]:
    """An endpoint added with the form: (its id, its secret)."""
    assert "No webhook endpoints yet." in browser.get("/app/webhooks").text
    made = browser.post_form("/app/webhooks", _form(url, *events))
    assert made.status_code == 200, made.text
    assert "The endpoint is added" in made.text
    secret = html.unescape(SECRET_RE.search(made.text).group(1))  # type: ignore[union-attr]
    endpoint_id = ENDPOINT_RE.search(made.text).group(1)  # type: ignore[union-attr]
    return endpoint_id, secret


def _drain(worker: Worker, receiver: Receiver, count: int) -> None:
    deadline = time.monotonic() + 20
    with httpx.Client(follow_redirects=False) as http:
        while len(receiver.accepted_ids()) < count and time.monotonic() < deadline:
            if worker.run_once(http) == 0:
                time.sleep(0.02)


def test_add_an_endpoint_see_a_delivery_and_redeliver_it(
    browser: WebClient, key: str, database: Database
) -> None:
    browser.sign_in(key)
    assert 'href="/app/webhooks"' in browser.get("/app/").text  # in the navigation
    with receiving(Receiver(fail_first=1)) as receiver:
        endpoint_id, secret = _added(browser, receiver.url, "contract.status_changed")
        assert secret.startswith("whsec_")
        listed = browser.get("/app/webhooks").text
        assert receiver.url in listed
        assert "<code>contract.status_changed</code>" in listed
        assert ">Enabled<" in listed
        assert secret not in listed  # shown once only
        page_path = f"/app/webhooks/{endpoint_id}"
        page = browser.get(page_path).text
        assert secret not in page
        assert "No deliveries yet." in page

        browser.signed_contract()  # sent, then signed: two status changes
        _drain(Worker(database, FAST), receiver, 2)
        bodies = [Webhook(secret).verify(r.body, r.headers) for r in receiver.received[1:]]
        assert [b["type"] for b in bodies] == ["contract.status_changed"] * 2
        log = browser.get(page_path).text
        assert log.count(">Delivered<") == 2
        assert "HTTP 500" in log  # the first attempt failed ...
        assert log.count("HTTP 200") == 2  # ... and each was delivered
        assert " ms" in log

        redeliver = REDELIVER_RE.findall(log)
        assert len(redeliver) == 2
        again = browser.post_form(redeliver[0], {})
        assert again.status_code == 303
        assert ">Pending<" in browser.get(page_path).text
        _drain(Worker(database, FAST), receiver, 3)
        assert len(receiver.accepted_ids()) == 3
        assert len(set(receiver.accepted_ids())) == 2  # the same webhook-id, sent again

        disabled = browser.post_form(page_path + "/enabled", {"enabled": "false"})
        assert disabled.status_code == 303
        refused = browser.post_form(redeliver[0], {})
        assert refused.status_code == 409
        assert "The endpoint is disabled: enable it first, then redeliver." in refused.text


def test_disable_enable_rotate_and_delete(browser: WebClient, key: str) -> None:
    browser.sign_in(key)
    endpoint_id, secret = _added(browser, "http://127.0.0.1:9/hooks", "scope.alert")
    page_path = f"/app/webhooks/{endpoint_id}"
    browser.get(page_path)
    assert browser.post_form(page_path + "/enabled", {"enabled": "false"}).status_code == 303
    assert ">Disabled by you<" in browser.get(page_path).text
    assert ">Disabled by you<" in browser.get("/app/webhooks").text
    browser.post_form(page_path + "/enabled", {"enabled": "true"})
    assert ">Enabled<" in browser.get(page_path).text

    rotated = browser.post_form(page_path + "/rotate-secret", {})
    assert rotated.status_code == 200
    assert "The new secret" in rotated.text
    new_secret = html.unescape(SECRET_RE.search(rotated.text).group(1))  # type: ignore[union-attr]
    assert new_secret.startswith("whsec_")
    assert new_secret != secret
    assert new_secret not in browser.get(page_path).text

    deleted = browser.post_form(page_path + "/delete", {})
    assert deleted.status_code == 303
    assert browser.get(page_path).status_code == 404
    assert "No webhook endpoints yet." in browser.get("/app/webhooks").text


def test_the_form_shows_errors_next_to_their_fields(
    browser: WebClient, served_web: ASGIClient, database: Database, key: str
) -> None:
    browser.sign_in(key)
    browser.get("/app/webhooks")
    no_events = browser.post_form("/app/webhooks", _form("http://127.0.0.1:9/hooks"))
    assert no_events.status_code == 422
    assert "Choose at least one event." in no_events.text.split("<legend>", 1)[1]
    assert 'value="http://127.0.0.1:9/hooks"' in no_events.text  # the input is kept
    ftp = browser.post_form("/app/webhooks", _form("ftp://example.com/x", "scope.alert"))
    assert ftp.status_code == 422
    assert "only http and https" in ftp.text.split('id="f-url"', 1)[1]

    strict = WebClient(served_web)  # the service's default: private addresses refused
    strict.sign_in(new_key(database))
    strict.get("/app/webhooks")
    refused = strict.post_form(
        "/app/webhooks", _form("http://127.0.0.1:8080/hooks", "decision.created")
    )
    assert refused.status_code == 422
    tag = refused.text.split('id="f-url"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in tag
    assert "non-public address" in refused.text.split('id="f-url"', 1)[1]
    assert "checked" in refused.text.split('name="event:decision.created"', 1)[1].split(">")[0]
    assert "No webhook endpoints yet." in strict.get("/app/webhooks").text


def test_forms_need_their_csrf_token_and_the_account(
    browser: WebClient, allowing: ASGIClient, database: Database, key: str
) -> None:
    browser.sign_in(key)
    endpoint_id, _secret = _added(browser, "http://127.0.0.1:9/hooks", "scope.alert")
    page_path = f"/app/webhooks/{endpoint_id}"
    for action, form in (
        ("/enabled", {"enabled": "false"}),
        ("/rotate-secret", {"x": ""}),
        ("/delete", {"x": ""}),
        ("/deliveries/whd_none/redeliver", {"x": ""}),
    ):  # a form with a field (an empty body is no form: 400)
        assert browser.post_form(page_path + action, form, csrf=False).status_code == 403
    made = browser.post_form("/app/webhooks", _form("http://127.0.0.1:9/a", "scope.alert"), False)
    assert made.status_code == 403
    assert ">Enabled<" in browser.get(page_path).text  # nothing moved
    assert browser.get("/app/webhooks").text.count("/app/webhooks/whe_") == 1

    other = WebClient(allowing)
    other.sign_in(new_key(database))
    assert other.get(page_path).status_code == 404
    assert endpoint_id not in other.get("/app/webhooks").text
    for action in ("/enabled", "/rotate-secret", "/delete"):
        assert other.post_form(page_path + action, {"enabled": "false"}).status_code == 404
    assert browser.get(page_path).status_code == 200
    missing = browser.post_form(page_path + "/deliveries/whd_none/redeliver", {"x": ""})
    assert missing.status_code == 404


def test_an_endpoint_disabled_after_failing_says_so_and_why(
    browser: WebClient, key: str, database: Database
) -> None:
    browser.sign_in(key)
    with receiving(Receiver(always_fail=True)) as receiver:
        endpoint_id, _secret = _added(browser, receiver.url, "contract.status_changed")
        browser.signed_contract()
        worker = Worker(database, replace(FAST, disable_after_failures=3))
        page_path = f"/app/webhooks/{endpoint_id}"
        deadline = time.monotonic() + 20
        with httpx.Client() as http:
            while ">Enabled<" in browser.get(page_path).text and time.monotonic() < deadline:
                worker.run_once(http)
    page = browser.get(page_path).text
    assert ">Disabled after failing for long<" in page
    assert "consecutive failed attempts" in page  # the worker's reason, as stored
    assert "Failed attempts in a row" in page
    assert "HTTP 500" in page
    assert ">Disabled after failing for long<" in browser.get("/app/webhooks").text
    assert ">Enable<" in page
