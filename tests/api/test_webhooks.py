"""Outbound webhooks end to end: endpoints over the API, events written with what they
report (the judging hot path on both of its paths, contract status changes), delivered to
a real HTTP receiver by real workers, signed so that ``standardwebhooks`` verifies them.

Runs on SQLite and, with ``ROUNDWISE_TEST_PG_URL``, on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from standardwebhooks import Webhook

from roundwise.api.app import create_app
from roundwise.api.settings import Settings
from roundwise.store.accounts import authenticate
from roundwise.store.db import Database
from roundwise.store.models import WebhookDelivery, WebhookEndpoint
from roundwise.store.outbox import enqueue
from roundwise.store.webhooks.addresses import is_public
from roundwise.store.webhooks.endpoints import delete_endpoint
from roundwise.store.webhooks.worker import Worker, WorkerConfig
from tests.api.asgiclient import ASGIClient, served
from tests.api.conftest import new_account, signed_contract
from tests.api.test_revision_requests import delivered_contract
from tests.api.webhook_receiver import Receiver, receiving

ASK = "Could you make the opening paragraph a little shorter?"

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
def hooks_settings(settings: Settings) -> Settings:
    """The session's settings, with receivers on 127.0.0.1 allowed (the receiver here)."""
    return settings.model_copy(update={"webhooks_allow_private": True})


@pytest.fixture(scope="module")
def hooks(hooks_settings: Settings, database: Database) -> Iterator[ASGIClient]:
    """The app served with its lifespan (on PostgreSQL: the async judging path)."""
    with served(create_app(hooks_settings, database)) as client:
        yield client


@pytest.fixture
def account(database: Database) -> Iterator[dict[str, str]]:
    """A fresh account whose endpoints are deleted after the test (so the workers of
    later tests never try this test's receivers)."""
    headers = new_account(database)
    yield headers
    with database.writes() as session:
        for endpoint in session.scalars(select(WebhookEndpoint)).all():
            delete_endpoint(session, endpoint.account_id, endpoint.id)
        session.commit()


def add_endpoint(client: ASGIClient, headers: dict[str, str], url: str, *events: str) -> Any:
    body = {"url": url, "event_types": list(events or ["decision.created"])}
    created = client.post("/v1/webhook-endpoints", json=body, headers=headers)
    assert created.status_code == 201, created.text
    return created.json()


def judge(client: ASGIClient, headers: dict[str, str], contract_id: str, n: int) -> list[Any]:
    url = f"/v1/contracts/{contract_id}/revision-requests"
    judged = []
    for _ in range(n):
        response = client.post(url, json={"deliverable": "home", "message": ASK}, headers=headers)
        assert response.status_code == 201, response.text
        judged.append(response.json())
    return judged


def drain(worker: Worker, receiver: Receiver, count: int, timeout: float = 20) -> list[str]:
    """Run ``worker`` until the receiver accepted ``count`` distinct messages."""
    deadline = time.monotonic() + timeout
    with httpx.Client(follow_redirects=False) as http:
        while len(set(receiver.accepted_ids())) < count and time.monotonic() < deadline:
            if worker.run_once(http) == 0:
                time.sleep(0.02)
    return receiver.accepted_ids()


def verified(receiver: Receiver, secret: str) -> list[Any]:
    """Every accepted request's body, each verified with standardwebhooks."""
    hook = Webhook(secret)
    return [hook.verify(r.body, r.headers) for r in receiver.received if r.status == 200]


def test_every_event_arrives_signed_after_failures_and_attempts_are_recorded(
    hooks: ASGIClient,
    bare_client: ASGIClient,
    database: Database,
    account: dict[str, str],
    other_auth: dict[str, str],
) -> None:
    with receiving(Receiver(fail_first=3)) as receiver:
        endpoint = add_endpoint(
            hooks, account, receiver.url, "decision.created", "contract.status_changed"
        )
        assert endpoint["secret"].startswith("whsec_")
        contract_id = signed_contract(hooks, account)  # sent, signed: two status events
        judged = judge(hooks, account, contract_id, 2)  # the served app's path
        judged += judge(bare_client, account, contract_id, 1)  # the SQLAlchemy path
        ids = drain(Worker(database, FAST), receiver, 5)
    assert len(ids) == len(set(ids)) == 5
    events = verified(receiver, endpoint["secret"])
    decisions = [e["data"] for e in events if e["type"] == "decision.created"]
    assert sorted(d["request_id"] for d in decisions) == sorted(j["request"]["id"] for j in judged)
    seqs = sorted(j["decision_ledger_seq"] for j in judged)
    assert sorted(d["ledger_seq"] for d in decisions) == seqs
    assert all(d["decision_id"].startswith("dec_") for d in decisions)
    for data in decisions:
        assert data["contract_id"] == contract_id
        assert data["verdict"] == data["decision"]["verdict"]
        assert data["needs_review"] == data["decision"]["needs_review"]
        assert data["explanation"] == data["decision"]["explanation"]
        assert data["reply"]["text"]
    changes = [e["data"] for e in events if e["type"] == "contract.status_changed"]
    assert sorted((c["from"], c["to"]) for c in changes) == [("draft", "sent"), ("sent", "signed")]
    listed = hooks.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", headers=account)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert {item["state"] for item in items} == {"delivered"}
    tried = [hooks.get(f"/v1/webhook-deliveries/{i['id']}", headers=account).json() for i in items]
    attempts = [a for d in tried for a in d["attempt_log"]]
    assert len(attempts) == 5 + 3
    failed = [a for a in attempts if a["status_code"] == 500]
    assert len(failed) == 3
    assert all(0 < len(a["response_snippet"].encode()) <= 1024 for a in failed)
    assert all(a["status_code"] == 200 for d in tried for a in d["attempt_log"][-1:])
    foreign = f"/v1/webhook-deliveries/{items[0]['id']}"
    assert hooks.get(foreign, headers=other_auth).status_code == 404
    assert hooks.post(f"{foreign}/redeliver", headers=other_auth).status_code == 404


def test_an_account_without_a_subscribed_endpoint_queues_nothing(
    hooks: ASGIClient, database: Database, account: dict[str, str]
) -> None:
    with receiving(Receiver()) as receiver:
        add_endpoint(hooks, account, receiver.url, "approval.deemed")
        contract_id = signed_contract(hooks, account)
        judge(hooks, account, contract_id, 2)
        with database.reads() as session:
            endpoints = select(WebhookEndpoint.id).where(WebhookEndpoint.url == receiver.url)
            queued = session.scalars(
                select(WebhookDelivery).where(WebhookDelivery.endpoint_id.in_(endpoints))
            ).all()
    assert queued == []


def test_endpoints_are_managed_and_scoped_to_their_account(
    hooks: ASGIClient, account: dict[str, str], other_auth: dict[str, str]
) -> None:
    endpoint = add_endpoint(hooks, account, "http://127.0.0.1:9/hooks", "scope.alert")
    one = f"/v1/webhook-endpoints/{endpoint['id']}"
    assert "secret" not in hooks.get(one, headers=account).json()
    for method, path in [
        ("GET", one),
        ("PATCH", one),
        ("DELETE", one),
        ("POST", f"{one}/rotate-secret"),
        ("GET", f"{one}/deliveries"),
    ]:
        body = {"enabled": False} if method == "PATCH" else None
        response = hooks.request(method, path, json=body, headers=other_auth)
        assert response.status_code == 404, (method, path)
    assert hooks.get("/v1/webhook-endpoints", headers=other_auth).json()["items"] == []
    patched = hooks.request(
        "PATCH", one, json={"enabled": False, "event_types": ["approval.deemed"]}, headers=account
    )
    assert patched.status_code == 200
    assert patched.json()["enabled"] is False
    assert patched.json()["event_types"] == ["approval.deemed"]
    rotated = hooks.post(f"{one}/rotate-secret", headers=account).json()["secret"]
    assert rotated.startswith("whsec_")
    assert rotated != endpoint["secret"]
    missing = hooks.post("/v1/webhook-deliveries/whd_nope/redeliver", headers=account)
    assert missing.status_code == 404
    assert hooks.request("DELETE", one, headers=account).status_code == 204
    assert hooks.get(one, headers=account).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hooks",
        "http://localhost/hooks",
        "https://10.1.2.3/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hooks",
        "http://[::ffff:192.168.0.1]/hooks",
        "ftp://example.com/hooks",
        "file:///etc/passwd",
    ],
)
def test_private_and_non_http_urls_are_refused_without_the_setting(
    client: ASGIClient, auth: dict[str, str], url: str
) -> None:
    body = {"url": url, "event_types": ["decision.created"]}
    refused = client.post("/v1/webhook-endpoints", json=body, headers=auth)
    assert refused.status_code == 422, refused.text
    assert [e["path"] for e in refused.json()["errors"]] == ["url"]
    assert client.get("/v1/webhook-endpoints", headers=auth).json()["items"] == []


def test_public_addresses_are_told_from_the_rest() -> None:
    assert is_public("93.184.215.14")
    assert is_public("2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    for address in ("127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254"):
        assert not is_public(address), address
    for address in ("0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:10.0.0.1", "224.0.0.1"):
        assert not is_public(address), address


def test_the_worker_refuses_a_private_address_at_delivery_time(
    hooks: ASGIClient, database: Database, account: dict[str, str]
) -> None:
    """An endpoint saved while allowed (or whose DNS changed since) is checked again."""
    with receiving(Receiver()) as receiver:
        endpoint = add_endpoint(hooks, account, receiver.url, "contract.status_changed")
        signed_contract(hooks, account)
        strict = Worker(database, WorkerConfig(allow_private=False, backoff_base_seconds=60))
        with httpx.Client() as http:
            assert strict.run_once(http) >= 2
        assert receiver.received == []
    deliveries = hooks.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", headers=account)
    for item in deliveries.json()["items"]:
        assert item["state"] == "pending"
        assert "non-public address" in item["last_error"]


def test_redirects_are_not_followed(
    hooks: ASGIClient, database: Database, account: dict[str, str]
) -> None:
    with (
        receiving(Receiver()) as elsewhere,
        receiving(Receiver(redirect_to="")) as redirecting,
    ):
        redirecting.redirect_to = elsewhere.url
        endpoint = add_endpoint(hooks, account, redirecting.url, "contract.status_changed")
        signed_contract(hooks, account)
        with httpx.Client() as http:
            assert Worker(database, replace(FAST, backoff_base_seconds=60)).run_once(http) == 2
    assert len(redirecting.received) == 2
    assert elsewhere.received == []
    deliveries = hooks.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", headers=account)
    assert [d["last_status"] for d in deliveries.json()["items"]] == [307, 307]
    assert {d["state"] for d in deliveries.json()["items"]} == {"pending"}


def test_an_endpoint_failing_for_long_is_disabled_then_reenabled_and_redelivered(
    hooks: ASGIClient, database: Database, account: dict[str, str]
) -> None:
    config = replace(FAST, disable_after_failures=4)
    with receiving(Receiver(always_fail=True)) as receiver:
        endpoint = add_endpoint(hooks, account, receiver.url, "contract.status_changed")
        one = f"/v1/webhook-endpoints/{endpoint['id']}"
        signed_contract(hooks, account)
        worker = Worker(database, config)
        deadline = time.monotonic() + 20
        with httpx.Client() as http:
            while hooks.get(one, headers=account).json()["enabled"] and time.monotonic() < deadline:
                worker.run_once(http)
        shown = hooks.get(one, headers=account).json()
        assert shown["enabled"] is False
        assert "consecutive failed attempts" in shown["disabled_reason"]
        tried = len(receiver.received)
        with httpx.Client() as http:
            assert worker.run_once(http) == 0  # a disabled endpoint gets nothing
        assert len(receiver.received) == tried
        deliveries = hooks.get(f"{one}/deliveries", headers=account).json()["items"]
        redeliver = f"/v1/webhook-deliveries/{deliveries[0]['id']}/redeliver"
        assert hooks.post(redeliver, headers=account).status_code == 409
        receiver.always_fail = False
        enabled = hooks.request("PATCH", one, json={"enabled": True}, headers=account).json()
        assert enabled["enabled"] is True
        assert enabled["disabled_reason"] is None
        assert enabled["consecutive_failures"] == 0
        ids = drain(worker, receiver, 2)
        assert len(set(ids)) == 2
        again = hooks.post(redeliver, headers=account)
        assert again.status_code == 202, again.text
        assert again.json()["state"] == "pending"
        message_id = again.json()["message_id"]
        drain_more(worker, receiver, message_id)
    assert receiver.accepted_ids().count(message_id) == 2  # the same webhook-id, redelivered
    final = hooks.get(f"/v1/webhook-deliveries/{deliveries[0]['id']}", headers=account).json()
    assert final["state"] == "delivered"


def drain_more(worker: Worker, receiver: Receiver, message_id: str) -> None:
    deadline = time.monotonic() + 20
    with httpx.Client() as http:
        while receiver.accepted_ids().count(message_id) < 2 and time.monotonic() < deadline:
            worker.run_once(http)


def test_concurrent_workers_never_deliver_one_event_twice_at_once(
    hooks: ASGIClient, database: Database, account: dict[str, str]
) -> None:
    """Three workers (three leases' owners) on one queue; on PostgreSQL they claim with
    SKIP LOCKED at the same time, on SQLite one after another."""
    events = 24
    with receiving(Receiver(delay=0.03, fail_first=4)) as receiver:
        add_endpoint(hooks, account, receiver.url, "approval.deemed")
        account_id = _account_of(database, account)
        with database.writes() as session:
            for n in range(events):
                enqueue(session, account_id, "approval.deemed", {"n": n})
            session.commit()
        stop = threading.Event()
        workers = [
            threading.Thread(target=Worker(database, FAST).run, args=(stop,)) for _ in range(3)
        ]
        for thread in workers:
            thread.start()
        try:
            ids = receiver.wait_for(events, timeout=30)
        finally:
            stop.set()
            for thread in workers:
                thread.join(10)
    assert len(set(ids)) == events
    assert len(ids) == events  # each accepted once: none was sent again after a 200
    assert receiver.overlaps == []


def _account_of(database: Database, headers: dict[str, str]) -> str:
    """The account id behind ``headers``."""
    with database.reads() as session:
        account_id = authenticate(session, headers["Authorization"].removeprefix("Bearer "))
    assert account_id is not None
    return account_id


def _wait_delivered(database: Database, endpoint_id: str, count: int) -> bool:
    """Whether the endpoint's ``count`` deliveries were all marked delivered within 30 s."""
    query = select(WebhookDelivery.state).where(WebhookDelivery.endpoint_id == endpoint_id)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with database.reads() as session:
            states = list(session.scalars(query))
        if states.count("delivered") == count:
            return True
        time.sleep(0.05)
    return False


def _worker_process(db_url: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROUNDWISE_")}
    env |= {
        "ROUNDWISE_DATABASE_URL": db_url,
        "ROUNDWISE_WEBHOOKS_ALLOW_PRIVATE": "true",
        "ROUNDWISE_WEBHOOKS_TIMEOUT_SECONDS": "20",
        "ROUNDWISE_WEBHOOKS_LEASE_SECONDS": "2",
        "ROUNDWISE_WEBHOOKS_BACKOFF_BASE_SECONDS": "0.01",
        "ROUNDWISE_WEBHOOKS_BACKOFF_MAX_SECONDS": "0.05",
        "ROUNDWISE_WEBHOOKS_POLL_SECONDS": "0.05",
    }
    command = [str(Path(sys.executable).parent / "roundwise"), "worker"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_loses_nothing(
    hooks: ASGIClient, database: Database, db_url: str, account: dict[str, str]
) -> None:
    """``kill -9`` of a `roundwise worker` process while the receiver holds its request;
    a new worker delivers every event once the dead one's lease has expired."""
    events = 3
    hold = threading.Event()
    with receiving(Receiver(hold=hold)) as receiver:
        endpoint = add_endpoint(hooks, account, receiver.url, "approval.deemed")
        account_id = _account_of(database, account)
        with database.writes() as session:
            for n in range(events):
                enqueue(session, account_id, "approval.deemed", {"n": n})
            session.commit()
        first = _worker_process(db_url)
        try:
            assert receiver.arrived.wait(30), "the first worker never delivered"
            first.send_signal(signal.SIGKILL)  # kill -9, mid-delivery
        finally:
            first.kill()
            first.communicate(timeout=10)
        hold.set()  # the killed worker's requests now end (with nobody to read the answer)
        time.sleep(0.2)
        before = len(receiver.received)
        second = _worker_process(db_url)
        try:
            delivered = _wait_delivered(database, endpoint["id"], events)
        finally:
            second.send_signal(signal.SIGTERM)
            _, stderr = second.communicate(timeout=30)
    assert delivered
    again = receiver.received[before:]  # what the restarted worker sent
    assert {r.headers["webhook-id"] for r in again if r.status == 200} == set(
        receiver.accepted_ids()
    )
    assert len(set(receiver.accepted_ids())) == events
    assert second.returncode == 0, stderr.decode()
    events_seen = verified(receiver, endpoint["secret"])
    assert {e["data"]["n"] for e in events_seen} == set(range(events))


def test_serve_delivers_in_process(
    hooks_settings: Settings, database: Database, account: dict[str, str]
) -> None:
    """`roundwise serve`'s default: the app's lifespan runs a delivery worker."""
    settings = hooks_settings.model_copy(
        update={
            "webhooks_in_process": True,
            "webhooks_poll_seconds": 0.05,
            "webhooks_backoff_base_seconds": 0.01,
        }
    )
    app: FastAPI = create_app(settings, database)
    with receiving(Receiver(fail_first=1)) as receiver, served(app) as client:
        endpoint = add_endpoint(client, account, receiver.url, "contract.status_changed")
        signed_contract(client, account)
        ids = receiver.wait_for(2, timeout=30)
    assert len(set(ids)) == 2
    assert len(verified(receiver, endpoint["secret"])) == 2


def test_change_orders_are_announced_when_sent_and_answered_without_the_link(
    hooks: ASGIClient, database: Database, account: dict[str, str]
) -> None:
    """change_order.sent / .accepted / .declined leave in the transaction of their ledger
    event; the client's link (its token) is in none of them."""
    events = ("change_order.sent", "change_order.accepted", "change_order.declined")
    with receiving(Receiver()) as receiver:
        endpoint = add_endpoint(hooks, account, receiver.url, *events)
        contract_id = delivered_contract(hooks, account)
        base = f"/v1/contracts/{contract_id}/change-orders"
        links = []
        for number, price in ((1, "120"), (2, "80")):
            item = {"description": f"Extra page {number}", "price": price}
            created = hooks.post(base, json={"items": [item]}, headers=account)
            assert created.status_code == 201, created.text
            sent = hooks.post(f"{base}/{number}/send", headers=account)
            assert sent.status_code == 200, sent.text
            links.append(sent.json()["accept_url"])
        accepted = hooks.post(f"{base}/1/accept", json={"note": "by phone"}, headers=account)
        declined = hooks.post(f"{base}/2/decline", json={"note": "not now"}, headers=account)
        assert (accepted.status_code, declined.status_code) == (200, 200)
        drain(Worker(database, FAST), receiver, 4)
    seen = sorted((e["type"], e["data"]["number"]) for e in verified(receiver, endpoint["secret"]))
    assert seen == [
        ("change_order.accepted", 1),
        ("change_order.declined", 2),
        ("change_order.sent", 1),
        ("change_order.sent", 2),
    ]
    bodies = b"".join(r.body for r in receiver.received)
    assert not any(urlsplit(link).path.split("/")[-1].encode() in bodies for link in links)


def test_a_correction_announces_the_superseding_decision(
    hooks: ASGIClient, database: Database, account: dict[str, str]
) -> None:
    with receiving(Receiver()) as receiver:
        endpoint = add_endpoint(hooks, account, receiver.url, "decision.created")
        contract_id = delivered_contract(hooks, account)
        [judged] = judge(hooks, account, contract_id, 1)
        request_id = judged["request"]["id"]
        items = [{"text": i["text"], "scope": "out_of_scope"} for i in judged["decision"]["items"]]
        body = {"intent": "revision_request", "items": items, "stage": "calm"}
        url = f"/v1/revision-requests/{request_id}/assessment"
        corrected = hooks.put(url, json=body, headers=account)
        assert corrected.status_code == 200, corrected.text
        drain(Worker(database, FAST), receiver, 2)
    events = verified(receiver, endpoint["secret"])
    # Two messages, delivered in no promised order.
    assert sorted((e["data"]["verdict"], e["data"].get("corrected", False)) for e in events) == [
        ("included", False),
        ("out_of_scope", True),
    ]
    assert {e["data"]["request_id"] for e in events} == {request_id}
