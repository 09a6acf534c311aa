"""An account's webhook endpoints, their deliveries and attempts; every query is scoped
to the account (another account's endpoint or delivery is "not found").

The secret is a Standard Webhooks secret (``whsec_`` and base64 of 24 random bytes). It
is stored as it is, because signing needs it (a hash could only verify), and shown to
the user only when it is made: at creation and by ``rotate_secret``.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from roundwise.store.errors import ConflictError, NotFoundError
from roundwise.store.ids import new_id
from roundwise.store.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
    WebhookSubscription,
)
from roundwise.store.outbox import PENDING
from roundwise.store.pagination import Page, decode_cursor, id_key, page_of

SECRET_BYTES = 24


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks format."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


@dataclass(frozen=True, slots=True)
class EndpointChange:
    """What a PATCH changes (None: unchanged)."""

    url: str | None = None
    event_types: Sequence[str] | None = None
    enabled: bool | None = None
    description: str | None = None


def create_endpoint(
    session: Session,
    account_id: str,
    url: str,
    event_types: Sequence[str],
    description: str,
    now: datetime,
) -> WebhookEndpoint:
    """A new, enabled endpoint subscribed to ``event_types``."""
    endpoint = WebhookEndpoint(
        id=new_id("whe"),
        account_id=account_id,
        url=url,
        description=description,
        secret=new_secret(),
        enabled=True,
        consecutive_failures=0,
        created_at=now,
        updated_at=now,
    )
    session.add(endpoint)
    session.flush()
    _subscribe(session, endpoint, event_types)
    return endpoint


def _subscribe(session: Session, endpoint: WebhookEndpoint, event_types: Sequence[str]) -> None:
    """Make ``event_types`` (deduplicated) the endpoint's subscriptions."""
    session.execute(
        delete(WebhookSubscription).where(WebhookSubscription.endpoint_id == endpoint.id)
    )
    for event_type in sorted(set(event_types)):
        session.add(
            WebhookSubscription(
                account_id=endpoint.account_id, event_type=event_type, endpoint_id=endpoint.id
            )
        )
    session.flush()


def event_types_of(session: Session, endpoint_id: str) -> list[str]:
    """The event types the endpoint is subscribed to, sorted."""
    query = select(WebhookSubscription.event_type).where(
        WebhookSubscription.endpoint_id == endpoint_id
    )
    return sorted(session.scalars(query))


def get_endpoint(
    session: Session, account_id: str, endpoint_id: str, *, lock: bool = False
) -> WebhookEndpoint:
    """The account's endpoint (404 for an unknown or another account's)."""
    query = select(WebhookEndpoint).where(
        WebhookEndpoint.account_id == account_id, WebhookEndpoint.id == endpoint_id
    )
    endpoint = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if endpoint is None:
        raise NotFoundError(f"no webhook endpoint {endpoint_id!r}")
    return endpoint


def list_endpoints(
    session: Session, account_id: str, limit: int, cursor: str | None
) -> Page[WebhookEndpoint]:
    """The account's endpoints, oldest first."""
    query = select(WebhookEndpoint).where(WebhookEndpoint.account_id == account_id)
    if cursor is not None:
        query = query.where(WebhookEndpoint.id > decode_cursor(cursor, id_key("whe")))
    rows = session.scalars(query.order_by(WebhookEndpoint.id).limit(limit + 1)).all()
    return page_of(rows, limit, lambda row: row.id)


def update_endpoint(
    session: Session, account_id: str, endpoint_id: str, change: EndpointChange, now: datetime
) -> WebhookEndpoint:
    """Apply ``change``; enabling an endpoint clears its failure run, so a re-enabled
    endpoint gets a fresh start (its pending deliveries are sent again)."""
    endpoint = get_endpoint(session, account_id, endpoint_id, lock=True)
    if change.url is not None:
        endpoint.url = change.url
    if change.description is not None:
        endpoint.description = change.description
    if change.enabled is not None and change.enabled != endpoint.enabled:
        endpoint.enabled = change.enabled
        endpoint.disabled_reason = None if change.enabled else "disabled by the user"
        endpoint.consecutive_failures, endpoint.failing_since = 0, None
    if change.event_types is not None:
        _subscribe(session, endpoint, change.event_types)
    endpoint.updated_at = now
    session.flush()
    return endpoint


def rotate_secret(session: Session, account_id: str, endpoint_id: str, now: datetime) -> str:
    """A new secret for the endpoint (the old one stops signing at once)."""
    endpoint = get_endpoint(session, account_id, endpoint_id, lock=True)
    endpoint.secret, endpoint.updated_at = new_secret(), now
    session.flush()
    return endpoint.secret


def delete_endpoint(session: Session, account_id: str, endpoint_id: str) -> None:
    """Delete the endpoint with its subscriptions, deliveries and their attempts."""
    endpoint = get_endpoint(session, account_id, endpoint_id, lock=True)
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
    session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    session.execute(
        delete(WebhookSubscription).where(WebhookSubscription.endpoint_id == endpoint.id)
    )
    session.delete(endpoint)
    session.flush()


@dataclass(frozen=True, slots=True)
class DeliveryView:
    """A delivery with its message's type and (when asked) its attempts, oldest first."""

    delivery: WebhookDelivery
    event_type: str
    attempts: Sequence[WebhookAttempt] = ()


def list_deliveries(
    session: Session, account_id: str, endpoint_id: str, limit: int, cursor: str | None
) -> Page[DeliveryView]:
    """The endpoint's deliveries, newest first."""
    endpoint = get_endpoint(session, account_id, endpoint_id)
    query = (
        select(WebhookDelivery, WebhookMessage.event_type)
        .join(WebhookMessage, WebhookMessage.id == WebhookDelivery.message_id)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
    )
    if cursor is not None:
        query = query.where(WebhookDelivery.id < decode_cursor(cursor))
    rows = session.execute(query.order_by(WebhookDelivery.id.desc()).limit(limit + 1)).all()
    views = [DeliveryView(delivery, event_type) for delivery, event_type in rows]
    return page_of(views, limit, lambda view: view.delivery.id)


def get_delivery(
    session: Session, account_id: str, delivery_id: str, *, lock: bool = False
) -> DeliveryView:
    """The account's delivery with its attempts (404 for an unknown or foreign one)."""
    query = (
        select(WebhookDelivery, WebhookMessage.event_type)
        .join(WebhookMessage, WebhookMessage.id == WebhookDelivery.message_id)
        .where(WebhookDelivery.account_id == account_id, WebhookDelivery.id == delivery_id)
    )
    row = session.execute(query.with_for_update(of=WebhookDelivery) if lock else query).first()
    if row is None:
        raise NotFoundError(f"no webhook delivery {delivery_id!r}")
    delivery, event_type = row
    attempts = session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == delivery.id)
        .order_by(WebhookAttempt.id)
    ).all()
    return DeliveryView(delivery, event_type, attempts)


def redeliver(session: Session, account_id: str, delivery_id: str, now: datetime) -> DeliveryView:
    """Queue the delivery again now, with a fresh attempt budget (the message, and so its
    ``webhook-id``, is the same). Its endpoint must be enabled, and no attempt of it may
    be running (409 otherwise: a second one would send the message twice at once)."""
    view = get_delivery(session, account_id, delivery_id, lock=True)
    delivery = view.delivery
    if delivery.lease_until is not None and delivery.lease_until > now:
        raise ConflictError(f"webhook delivery {delivery.id} is being attempted; retry shortly")
    endpoint = get_endpoint(session, account_id, delivery.endpoint_id)
    if not endpoint.enabled:
        raise ConflictError(f"webhook endpoint {endpoint.id} is disabled; enable it first")
    delivery.state, delivery.attempts, delivery.next_attempt_at = PENDING, 0, now
    delivery.lease_until = delivery.lease_owner = None
    session.flush()
    return view


__all__ = [
    "DeliveryView",
    "EndpointChange",
    "create_endpoint",
    "delete_endpoint",
    "event_types_of",
    "get_delivery",
    "get_endpoint",
    "list_deliveries",
    "list_endpoints",
    "new_secret",
    "redeliver",
    "rotate_secret",
    "update_endpoint",
]
