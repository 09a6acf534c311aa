"""``approval.deemed`` and ``scope.alert``: announced by the workers' periodic chore
(``store.webhooks.announce``), each once, at a real HTTP receiver, signed.

Time is controlled by the scan's clock (``announce(db, now)``, ``Worker.clock``): the
contracts are made now, the scan looks at them 30 days later. Runs on SQLite and, with
``ROUNDWISE_TEST_PG_URL``, on PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook

from roundwise.api.app import create_app
from roundwise.api.settings import Settings
from roundwise.store.accounts import authenticate
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.models import WebhookAnnouncement, WebhookEndpoint, WebhookMessage
from roundwise.store.webhooks.announce import (
    Announcement,
    ScanResult,
    announce,
    claim_announcement,
)
from roundwise.store.webhooks.endpoints import delete_endpoint
from roundwise.store.webhooks.worker import Worker, WorkerConfig
from tests.api.asgiclient import ASGIClient, served
from tests.api.conftest import new_account
from tests.api.test_revision_requests import ASK, delivered_contract
from tests.api.webhook_receiver import Receiver, receiving

FAST = WorkerConfig(
    allow_private=True,
    timeout_seconds=5,
    lease_seconds=10,
    backoff_base_seconds=0.01,
    backoff_max_seconds=0.05,
    poll_seconds=0.02,
    announce_every_seconds=0.05,
)


def later() -> datetime:
    """A month from now: past the bakery's 7-day review window."""
    return utcnow() + timedelta(days=30)


@pytest.fixture(scope="module")
def hooks(settings: Settings, database: Database) -> Iterator[ASGIClient]:
    """The app (no in-process worker: the tests run the chore and the workers)."""
    allowed = settings.model_copy(update={"webhooks_allow_private": True})
    with served(create_app(allowed, database)) as client:
        yield client


@pytest.fixture
def account(database: Database) -> Iterator[dict[str, str]]:
    """A fresh account whose endpoints are deleted after the test (later scans and
    workers never try this test's receivers)."""
    headers = new_account(database)
    yield headers
    account_id = account_of(database, headers)
    with database.writes() as session:
        owned = select(WebhookEndpoint).where(WebhookEndpoint.account_id == account_id)
        for endpoint in session.scalars(owned).all():
            delete_endpoint(session, account_id, endpoint.id)
        session.commit()


def account_of(database: Database, headers: dict[str, str]) -> str:
    with database.reads() as session:
        found = authenticate(session, headers["Authorization"].removeprefix("Bearer "))
    assert found is not None
    return found


def add_endpoint(client: ASGIClient, headers: dict[str, str], url: str, *events: str) -> Any:
    body = {"url": url, "event_types": list(events)}
    created = client.post("/v1/webhook-endpoints", json=body, headers=headers)
    assert created.status_code == 201, created.text
    return created.json()


def ask(client: ASGIClient, headers: dict[str, str], contract_id: str) -> Any:
    url = f"/v1/contracts/{contract_id}/revision-requests"
    judged = client.post(url, json={"deliverable": "home", "message": ASK}, headers=headers)
    assert judged.status_code == 201, judged.text
    return judged.json()


def messages(database: Database, account_id: str, event_type: str) -> list[dict[str, Any]]:
    """The payloads queued for the account of ``event_type``."""
    with database.reads() as session:
        rows = session.scalars(
            select(WebhookMessage.payload).where(
                WebhookMessage.account_id == account_id, WebhookMessage.event_type == event_type
            )
        ).all()
    return [dict(r) for r in rows]


def drain(worker: Worker, receiver: Receiver, count: int, timeout: float = 20) -> list[str]:
    """Deliver with ``worker`` until the receiver accepted ``count`` distinct messages."""
    deadline = time.monotonic() + timeout
    with httpx.Client(follow_redirects=False) as http:
        while len(set(receiver.accepted_ids())) < count and time.monotonic() < deadline:
            if worker.run_once(http) == 0:
                time.sleep(0.02)
    return receiver.accepted_ids()


def verified(receiver: Receiver, secret: str) -> list[Any]:
    hook = Webhook(secret)
    return [hook.verify(r.body, r.headers) for r in receiver.received if r.status == 200]


def mine(result: ScanResult, contract_id: str) -> bool:
    return contract_id in result.folded


def test_a_deemed_approval_arrives_once_signed_in_the_clients_language(
    hooks: ASGIClient, database: Database, account: dict[str, str]
) -> None:
    account_id = account_of(database, account)
    with receiving(Receiver()) as receiver:
        endpoint = add_endpoint(hooks, account, receiver.url, "approval.deemed")
        contract_id = delivered_contract(hooks, account)  # bakery: Slovenian client
        today = announce(database, utcnow())
        assert mine(today, contract_id)
        assert messages(database, account_id, "approval.deemed") == []  # window still open

        stop = threading.Event()
        worker = Worker(database, FAST, clock=later)
        running = threading.Thread(target=worker.run, args=(stop,))
        running.start()
        try:
            receiver.wait_for(1)
            time.sleep(0.3)  # several more scans
        finally:
            stop.set()
            running.join(10)
        again = announce(database, later())
        assert mine(again, contract_id)
        drain(Worker(database, FAST), receiver, 2, timeout=0.5)  # nothing more to send
    assert len(receiver.accepted_ids()) == 1
    (event,) = verified(receiver, endpoint["secret"])
    assert event["type"] == "approval.deemed"
    data = event["data"]
    assert (data["contract_id"], data["deliverable"], data["version"]) == (contract_id, "home", 1)
    deadline = datetime.fromisoformat(data["deadline"])
    assert utcnow() + timedelta(days=6) < deadline < utcnow() + timedelta(days=12)
    notice = data["notice"]
    assert notice["language"] == "sl"
    assert "velja za potrjeno" in notice["body"]
    assert notice["reviewed"] is False
    assert notice["subject"]
    assert len(messages(database, account_id, "approval.deemed")) == 1


def test_two_workers_scanning_at_once_send_it_once(
    hooks: ASGIClient, database: Database, account: dict[str, str]
) -> None:
    account_id = account_of(database, account)
    add_endpoint(hooks, account, "http://127.0.0.1:9/hooks", "approval.deemed", "scope.alert")
    contracts = [delivered_contract(hooks, account) for _ in range(3)]
    ask(hooks, account, contracts[0])  # one round used: a scope alert too
    moment = later()
    start = threading.Barrier(2)
    results: list[ScanResult] = []

    def scan() -> None:
        start.wait()
        results.append(announce(database, moment))

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 2
    deemed = messages(database, account_id, "approval.deemed")
    assert sorted(d["contract_id"] for d in deemed) == sorted(contracts[1:])
    alerts = messages(database, account_id, "scope.alert")
    assert [(a["contract_id"], a["code"]) for a in alerts] == [(contracts[0], "rounds_used_up")]
    with database.reads() as session:
        rows = session.scalar(
            select(func.count())
            .select_from(WebhookAnnouncement)
            .where(WebhookAnnouncement.account_id == account_id)
        )
    assert rows == 3


def test_of_two_claims_of_one_announcement_only_the_first_inserts(
    database: Database, account: dict[str, str]
) -> None:
    """The unique key itself, without the scan's read-first shortcut: a second claim
    waits for the first's commit (PostgreSQL: the key's index; SQLite: the write lock),
    then inserts nothing."""
    account_id = account_of(database, account)
    item = Announcement("approval.deemed", f"ctr_race{time.time_ns()}", "home/v1", {})
    first = database.writes()
    assert claim_announcement(first, account_id, item) is True
    second: list[bool] = []

    def claim() -> None:
        with database.writes() as session:
            second.append(claim_announcement(session, account_id, item))
            session.commit()

    racing = threading.Thread(target=claim)
    racing.start()
    time.sleep(0.3)
    assert second == []  # waiting for the first transaction
    first.commit()
    first.close()
    racing.join(30)
    assert second == [False]


def test_a_request_inside_the_window_means_no_deemed_approval(
    hooks: ASGIClient, database: Database, account: dict[str, str]
) -> None:
    account_id = account_of(database, account)
    add_endpoint(hooks, account, "http://127.0.0.1:9/hooks", "approval.deemed")
    contract_id = delivered_contract(hooks, account)
    ask(hooks, account, contract_id)
    assert mine(announce(database, later()), contract_id)
    assert messages(database, account_id, "approval.deemed") == []


def test_contracts_of_accounts_nobody_listens_to_are_not_folded(
    hooks: ASGIClient, database: Database, account: dict[str, str]
) -> None:
    account_id = account_of(database, account)
    add_endpoint(hooks, account, "http://127.0.0.1:9/hooks", "decision.created")
    disabled = add_endpoint(hooks, account, "http://127.0.0.1:9/off", "approval.deemed")
    patched = hooks.request(
        "PATCH",
        f"/v1/webhook-endpoints/{disabled['id']}",
        json={"enabled": False},
        headers=account,
    )
    assert patched.status_code == 200
    contract_id = delivered_contract(hooks, account)
    ask(hooks, account, contract_id)
    result = announce(database, later())
    assert contract_id not in result.folded
    assert messages(database, account_id, "approval.deemed") == []
    assert messages(database, account_id, "scope.alert") == []


def test_a_scope_alert_arrives_once_and_the_same_alert_is_not_sent_again(
    hooks: ASGIClient, database: Database, account: dict[str, str]
) -> None:
    account_id = account_of(database, account)
    with receiving(Receiver(fail_first=1)) as receiver:
        endpoint = add_endpoint(hooks, account, receiver.url, "scope.alert")
        contract_id = delivered_contract(hooks, account)
        assert mine(announce(database, utcnow()), contract_id)
        assert messages(database, account_id, "scope.alert") == []  # nothing crossed yet
        ask(hooks, account, contract_id)  # the one included round: used up
        now = utcnow()
        assert mine(announce(database, now), contract_id)
        assert len(messages(database, account_id, "scope.alert")) == 1
        ask(hooks, account, contract_id)  # an extra round: the same alert, still raised
        again = announce(database, now + timedelta(days=30))
        assert mine(again, contract_id)
        drain(Worker(database, FAST), receiver, 1)
        drain(Worker(database, FAST), receiver, 2, timeout=0.5)
    alerts = messages(database, account_id, "scope.alert")
    assert [(a["code"], a["subject"]) for a in alerts] == [("rounds_used_up", "home/rounds-1")]
    assert messages(database, account_id, "approval.deemed") == []  # not subscribed to it
    (event,) = verified(receiver, endpoint["secret"])
    assert event["type"] == "scope.alert"
    data = event["data"]
    assert data["contract_id"] == contract_id
    assert "revision round" in data["message"]
    assert data["creep_level"] in {"low", "elevated", "high"}


def test_the_worker_config_carries_the_announce_interval(settings: Settings) -> None:
    from roundwise.api.webhook_delivery import worker_config

    tuned = settings.model_copy(update={"webhooks_announce_seconds": 5.0})
    assert worker_config(tuned).announce_every_seconds == 5.0


def test_a_contract_that_cannot_be_folded_does_not_stop_the_scan(
    hooks: ASGIClient,
    database: Database,
    account: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from roundwise.store.webhooks import announce as chore

    account_id = account_of(database, account)
    add_endpoint(hooks, account, "http://127.0.0.1:9/hooks", "approval.deemed")
    broken, fine = sorted(delivered_contract(hooks, account) for _ in range(2))
    real = chore._contract_announcements

    def failing(db: Database, contract_id: str, *args: Any) -> Any:
        if contract_id == broken:
            raise ValueError("a stored spec that no longer loads")
        return real(db, contract_id, *args)

    monkeypatch.setattr(chore, "_contract_announcements", failing)
    result = announce(database, later())
    assert fine in result.folded
    assert broken not in result.folded
    deemed = messages(database, account_id, "approval.deemed")
    assert [d["contract_id"] for d in deemed] == [fine]
