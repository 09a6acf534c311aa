"""``store.outbox.enqueue``: an event is stored with its transaction, for the endpoints
subscribed to it when it happens, and costs nothing written when nobody listens."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import get_args

import pytest
from sqlalchemy import func, select

from roundwise.api.routes.webhooks import EventType
from roundwise.store.accounts import create_account
from roundwise.store.db import Database
from roundwise.store.models import WebhookAttempt, WebhookDelivery, WebhookMessage
from roundwise.store.outbox import delivery_id, enqueue
from roundwise.store.webhooks.endpoints import EndpointChange, create_endpoint, update_endpoint
from roundwise.store.webhooks.events import EVENT_TYPES
from roundwise.store.webhooks.retention import prune_messages

AT = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)


def _account(database: Database) -> str:
    with database.writes() as session:
        account, _key = create_account(session, f"outbox-{secrets.token_hex(6)}")
        session.commit()
        return account.id


def _messages(database: Database, account_id: str) -> int:
    with database.reads() as session:
        query = select(func.count()).where(WebhookMessage.account_id == account_id)
        return int(session.scalar(query) or 0)


def test_nobody_subscribed_writes_nothing_and_never_builds_the_payload(
    database: Database,
) -> None:
    account_id = _account(database)

    def payload() -> dict[str, str]:
        raise AssertionError("built although nobody listens")

    with database.writes() as session:
        create_endpoint(session, account_id, "https://example.com/h", ["scope.alert"], "", AT)
        assert enqueue(session, account_id, "approval.deemed", payload) is None
        session.commit()
    assert _messages(database, account_id) == 0


def test_an_event_is_kept_only_with_its_transaction(database: Database) -> None:
    account_id = _account(database)
    with database.writes() as session:
        endpoint = create_endpoint(
            session, account_id, "https://example.com/h", ["approval.deemed"], "", AT
        )
        session.commit()
    with database.writes() as session:
        assert enqueue(session, account_id, "approval.deemed", {"n": 1}) is not None
        session.rollback()
    assert _messages(database, account_id) == 0
    with database.writes() as session:
        message_id = enqueue(session, account_id, "approval.deemed", {"n": 2}, at=AT)
        session.commit()
    assert message_id is not None
    with database.reads() as session:
        delivery = session.get(WebhookDelivery, delivery_id(message_id, endpoint.id))
        message = session.get(WebhookMessage, message_id)
    assert delivery is not None
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("pending", 0, AT)
    assert message is not None
    assert message.payload == {"n": 2}


def test_a_disabled_endpoint_gets_no_new_events(database: Database) -> None:
    account_id = _account(database)
    with database.writes() as session:
        endpoint = create_endpoint(
            session, account_id, "https://example.com/h", ["approval.deemed"], "", AT
        )
        update_endpoint(session, account_id, endpoint.id, EndpointChange(enabled=False), AT)
        assert enqueue(session, account_id, "approval.deemed", {"n": 1}) is None
        session.commit()


def test_an_unknown_event_type_is_a_programming_error(database: Database) -> None:
    with database.writes() as session, pytest.raises(ValueError, match="unknown webhook event"):
        enqueue(session, "acc_x", "decision.deleted", {})


def test_old_messages_with_nothing_pending_are_pruned_with_their_attempts(
    database: Database,
) -> None:
    account_id = _account(database)
    old, recent = AT - timedelta(days=10), AT - timedelta(days=1)
    with database.writes() as session:
        endpoint = create_endpoint(
            session, account_id, "https://example.com/h", ["approval.deemed"], "", old
        )
        done_old = enqueue(session, account_id, "approval.deemed", {"n": 1}, at=old)
        pending_old = enqueue(session, account_id, "approval.deemed", {"n": 2}, at=old)
        done_recent = enqueue(session, account_id, "approval.deemed", {"n": 3}, at=recent)
        for message_id in (done_old, done_recent):
            assert message_id is not None
            delivery = session.get(WebhookDelivery, delivery_id(message_id, endpoint.id))
            assert delivery is not None
            delivery.state = "delivered"
            session.add(WebhookAttempt(delivery_id=delivery.id, attempted_at=old, status_code=200))
        session.commit()
    assert prune_messages(database.writes, AT, timedelta(days=7), batch=1) >= 1
    with database.reads() as session:
        kept = set(
            session.scalars(
                select(WebhookMessage.id).where(WebhookMessage.account_id == account_id)
            )
        )
        attempts = session.scalars(
            select(WebhookAttempt).where(
                WebhookAttempt.delivery_id == delivery_id(str(done_old), endpoint.id)
            )
        ).all()
    assert kept == {pending_old, done_recent}
    assert attempts == []


def test_the_api_offers_exactly_the_event_types_the_outbox_takes() -> None:
    assert set(get_args(EventType)) == set(EVENT_TYPES)
