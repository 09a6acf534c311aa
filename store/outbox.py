"""The webhook outbox: record an event for an account's endpoints, in the caller's transaction.

Every feature that emits a webhook event calls ``enqueue`` inside the transaction that
makes the event happen (the same session, before its commit), so the event is stored if
and only if what it reports is: a rollback drops it, a commit makes it durable, and the
delivery worker (``store.webhooks.worker``) sends it at least once from there.

    enqueue(session, account_id, "change_order.sent", {"change_order_id": …, …})

``payload`` is the event's ``data`` object (JSON-serialisable); it may be a function that
builds it, called only when some endpoint is subscribed, so an event nobody listens to
costs one indexed lookup (``webhook_subscriptions`` is keyed account, event type first)
and nothing more. The message id (``msg_…``) is the Standard Webhooks ``webhook-id``,
the same on every attempt and redelivery, so receivers deduplicate on it.

The judged request's ``decision.created`` does not come through here on PostgreSQL: the
judging statement (``store.judging.postgres``) inserts the message and its deliveries in
the same single statement (``decision_clauses``), zero rows when nobody is subscribed;
on the SQLAlchemy path (SQLite, and PostgreSQL's locked judgement) one indexed probe on
the session's connection (``enqueue_decision``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select
from sqlalchemy.orm import Session

from roundwise.store.base import table_of, utcnow
from roundwise.store.ids import new_id
from roundwise.store.judgements import Judged
from roundwise.store.models import (
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
    WebhookSubscription,
)
from roundwise.store.webhooks.events import (
    APPROVAL_DEEMED,
    CHANGE_ORDER_ACCEPTED,
    CHANGE_ORDER_DECLINED,
    CHANGE_ORDER_SENT,
    CONTRACT_STATUS_CHANGED,
    DECISION_CREATED,
    EVENT_TYPES,
    SCOPE_ALERT,
)

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"

Payload = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def delivery_id(message_id: str, endpoint_id: str) -> str:
    """The delivery of a message to an endpoint: ``whd_`` and both ids' bodies.

    Derived, not random, so SQL can build it too (``decision_clauses``) and a message is
    never queued twice for one endpoint."""
    return "whd_" + message_id.partition("_")[2] + endpoint_id.partition("_")[2]


@cache
def _subscribed() -> Select[Any]:
    """``:account_id``, ``:event_type`` → the ids of the enabled endpoints subscribed."""
    subs, endpoints = table_of(WebhookSubscription), table_of(WebhookEndpoint)
    return (
        select(subs.c.endpoint_id)
        .join(endpoints, endpoints.c.id == subs.c.endpoint_id)
        .where(
            subs.c.account_id == bindparam("account_id"),
            subs.c.event_type == bindparam("event_type"),
            endpoints.c.enabled.is_(True),
        )
    )


def enqueue(
    session: Session | Connection,
    account_id: str,
    event_type: str,
    payload: Payload,
    *,
    at: datetime | None = None,
) -> str | None:
    """Queue ``event_type`` with ``payload`` for each of the account's enabled endpoints
    subscribed to it, in the caller's transaction (the caller commits).

    Returns the message id, or None when no endpoint is subscribed (nothing written).
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    endpoint_ids = _endpoints(session, account_id, event_type)
    if not endpoint_ids:
        return None
    data = dict(payload() if callable(payload) else payload)
    message_id = new_id("msg")
    return _insert(session, message_id, account_id, event_type, data, endpoint_ids, at or utcnow())


def _endpoints(session: Session | Connection, account_id: str, event_type: str) -> list[str]:
    """The ids of the account's enabled endpoints subscribed to ``event_type``."""
    values = {"account_id": account_id, "event_type": event_type}
    return list(session.execute(_subscribed(), values).scalars())


def _insert(
    session: Session | Connection,
    message_id: str,
    account_id: str,
    event_type: str,
    data: dict[str, Any],
    endpoint_ids: list[str],
    at: datetime,
) -> str:
    """The message row and one pending delivery per endpoint."""
    message = {
        "id": message_id,
        "account_id": account_id,
        "event_type": event_type,
        "payload": data,
        "created_at": at,
    }
    session.execute(table_of(WebhookMessage).insert(), [message])
    deliveries = [
        {
            "id": delivery_id(message_id, endpoint_id),
            "message_id": message_id,
            "endpoint_id": endpoint_id,
            "account_id": account_id,
            "state": PENDING,
            "attempts": 0,
            "next_attempt_at": at,
            "created_at": at,
        }
        for endpoint_id in endpoint_ids
    ]
    session.execute(table_of(WebhookDelivery).insert(), deliveries)
    return message_id


def decision_data(judged: Judged) -> dict[str, Any]:
    """``decision.created``'s data: the verdict, its explanation, whether it needs review,
    and the whole decision and reply draft (the stored documents)."""
    decision = judged.decision.document
    return {
        **decision_meta(judged),
        "verdict": decision.get("verdict"),
        "needs_review": decision.get("needs_review", False),
        "explanation": decision.get("explanation"),
        "decision": decision,
        "reply": judged.reply.document,
    }


def decision_meta(judged: Judged) -> dict[str, Any]:
    """The ids of a judgement, which its stored documents do not all carry."""
    return {
        "contract_id": judged.decision.contract_id,
        "request_id": judged.request.id,
        "decision_id": judged.decision.id,
        "ledger_seq": judged.decision.ledger_seq,
    }


# Is an enabled endpoint of the contract's account subscribed to ``decision.created``?
# (``{p}``: the driver's placeholder.) Sent straight to the driver: through SQLAlchemy
# the same question cost ~70 µs of Python per judged request on SQLite, ~13 µs this way.
_DECISION_PROBE = f"""SELECT c.account_id FROM contracts c
    JOIN webhook_subscriptions s ON s.account_id = c.account_id
     AND s.event_type = '{DECISION_CREATED}'
    JOIN webhook_endpoints e ON e.id = s.endpoint_id AND e.enabled
    WHERE c.id = {{p}} LIMIT 1"""
_PROBES = {"qmark": _DECISION_PROBE.format(p="?"), "pyformat": _DECISION_PROBE.format(p="%s")}


def enqueue_decision(session: Session, judged: Judged, at: datetime) -> str | None:
    """``decision.created`` for a judgement being stored in ``session`` (the SQLAlchemy
    path, ``store.judging.locked``): one indexed query on the session's own connection
    when nobody is subscribed. The message id is derived from the decision's."""
    connection = session.connection()
    probe = _PROBES["qmark" if connection.dialect.paramstyle == "qmark" else "pyformat"]
    driver: Any = connection.connection.driver_connection
    row = driver.execute(probe, (judged.decision.contract_id,)).fetchone()
    if row is None:
        return None
    endpoint_ids = _endpoints(session, row[0], DECISION_CREATED)
    if not endpoint_ids:  # disabled or unsubscribed since the probe's snapshot: nobody
        return None
    message_id = decision_message_id(judged.decision.id)
    data = decision_data(judged)
    return _insert(session, message_id, row[0], DECISION_CREATED, data, endpoint_ids, at)


def decision_message_id(decision_id: str) -> str:
    """The ``decision.created`` message of a decision: ``msg_`` and the decision id's body
    (SQL derives the same in ``decision_clauses``)."""
    return "msg_" + decision_id.partition("_")[2]


def decision_clauses(*, claimed: str = "claimed") -> list[str]:
    """The PostgreSQL judging statement's outbox clauses (``store.judging.postgres``).

    ``claimed`` is the clause that returned the contract's ``id`` and ``account_id`` only
    if the judgement is stored. They take no parameter of their own: the payload is built
    from the decision row's (``dec_…``) and the reply's (``rep_document``), the message
    id from the decision id (``decision_message_id``). When no enabled endpoint of the
    account is subscribed to ``decision.created`` both insert nothing: the only cost is
    the subscription probe, in the database server.
    """
    subs, endpoints = table_of(WebhookSubscription).name, table_of(WebhookEndpoint).name
    messages, deliveries = table_of(WebhookMessage).name, table_of(WebhookDelivery).name
    subscribed = f"""{subs} s JOIN {endpoints} e ON e.id = s.endpoint_id AND e.enabled
                  WHERE s.account_id = {{account}} AND s.event_type = '{DECISION_CREATED}'"""
    data = f"""jsonb_build_object(
                 'contract_id', {claimed}.id,
                 'request_id', CAST(%(dec_request_id)s AS text),
                 'decision_id', CAST(%(dec_id)s AS text),
                 'ledger_seq', CAST(%(dec_ledger_seq)s AS integer),
                 'verdict', %(dec_document)s -> 'verdict',
                 'needs_review', COALESCE(%(dec_document)s -> 'needs_review', 'false'::jsonb),
                 'explanation', %(dec_document)s -> 'explanation',
                 'decision', %(dec_document)s, 'reply', %(rep_document)s)"""
    message = f"""wh_msg AS (
            INSERT INTO {messages} (id, account_id, event_type, payload, created_at)
            SELECT 'msg_' || substr(CAST(%(dec_id)s AS text), 5), {claimed}.account_id,
                   '{DECISION_CREATED}', {data}, %(p_now)s
            FROM {claimed}
            WHERE EXISTS (SELECT 1 FROM {subscribed.format(account=f"{claimed}.account_id")})
            RETURNING id, account_id
        )"""
    delivery = f"""wh_dlv AS (
            INSERT INTO {deliveries} (id, message_id, endpoint_id, account_id, state,
                                      attempts, next_attempt_at, created_at)
            SELECT 'whd_' || substr(m.id, 5) || substr(s.endpoint_id, 5), m.id, s.endpoint_id,
                   m.account_id, '{PENDING}', 0, %(p_now)s, %(p_now)s
            FROM wh_msg m, {subscribed.format(account="m.account_id")}
        )"""
    return [message, delivery]


__all__ = [
    "APPROVAL_DEEMED",
    "CHANGE_ORDER_ACCEPTED",
    "CHANGE_ORDER_DECLINED",
    "CHANGE_ORDER_SENT",
    "CONTRACT_STATUS_CHANGED",
    "DECISION_CREATED",
    "DELIVERED",
    "EVENT_TYPES",
    "FAILED",
    "PENDING",
    "SCOPE_ALERT",
    "decision_clauses",
    "decision_data",
    "decision_message_id",
    "decision_meta",
    "delivery_id",
    "enqueue",
    "enqueue_decision",
]
