"""Outbound webhooks: endpoints that receive your account's events, signed per Standard
Webhooks, and the deliveries of those events with every attempt.

The endpoint's secret (``whsec_…``) is shown once, when the endpoint is created or its
secret rotated; verify each request with it (any Standard Webhooks library, e.g.
``standardwebhooks.Webhook(secret).verify(body, headers)``). ``webhook-id`` is the same
on every attempt of an event: deduplicate on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from roundwise.api.deps import AccountDep, PageDep, SessionDep, SettingsDep, WriteSessionDep
from roundwise.api.errors import problem_responses
from roundwise.api.examples import examples
from roundwise.api.schemas import PageOut, StoredIn
from roundwise.store.base import utcnow
from roundwise.store.models import WebhookAttempt, WebhookEndpoint
from roundwise.store.webhooks import endpoints as repo
from roundwise.store.webhooks.addresses import check_url

router = APIRouter(tags=["webhooks"], responses=problem_responses(400, 401, 413, 422))

EventType = Literal[
    "decision.created",
    "scope.alert",
    "change_order.sent",
    "change_order.accepted",
    "change_order.declined",
    "approval.deemed",
    "contract.status_changed",
]
EventTypes = Annotated[list[EventType], Field(min_length=1, max_length=20)]
Url = Annotated[str, Field(min_length=8, max_length=2000, description="An http(s) URL.")]


class EndpointIn(StoredIn):
    """A new endpoint: where to POST, and which events."""

    model_config = examples(
        {
            "url": "https://hooks.example.com/roundwise",
            "event_types": ["decision.created", "change_order.accepted"],
            "description": "Our project board",
        }
    )

    url: Url
    event_types: EventTypes = Field(description="The events this endpoint receives.")
    description: str = Field(
        default="", max_length=500, description="A note for you: what this endpoint is."
    )


class EndpointPatch(StoredIn):
    """What to change; enabling a disabled endpoint resumes its pending deliveries."""

    model_config = examples({"enabled": True}, {"event_types": ["approval.deemed"]})

    url: Url | None = Field(default=None, description="A new http(s) URL to POST to.")
    event_types: EventTypes | None = Field(
        default=None, description="Replaces the events this endpoint receives."
    )
    enabled: bool | None = Field(
        default=None, description="false pauses deliveries; true resumes the pending ones."
    )
    description: str | None = Field(default=None, max_length=500, description="A new note.")


class EndpointOut(BaseModel):
    """An endpoint (its secret is never shown again after it is made)."""

    id: str
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None
    consecutive_failures: int
    created_at: datetime
    updated_at: datetime


class EndpointWithSecretOut(EndpointOut):
    """A new endpoint with its signing secret, shown this once."""

    secret: str = Field(description="Standard Webhooks secret (`whsec_…`); shown only now.")


class SecretOut(BaseModel):
    """A rotated secret, shown this once; the old one no longer signs."""

    secret: str


class AttemptOut(BaseModel):
    """One HTTP attempt of a delivery."""

    model_config = ConfigDict(from_attributes=True)

    attempted_at: datetime
    status_code: int | None = Field(description="null: no HTTP response (see error).")
    latency_ms: int
    response_snippet: str = Field(description="The first KiB of the response body.")
    error: str | None


class DeliveryOut(BaseModel):
    """One event to one endpoint: its state and attempts."""

    id: str
    message_id: str = Field(description="The `webhook-id` header: the same on every attempt.")
    endpoint_id: str
    event_type: str
    state: Literal["pending", "delivered", "failed"]
    attempts: int = Field(description="Failed attempts since it was (re)queued.")
    next_attempt_at: datetime
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    attempt_log: list[AttemptOut] = Field(
        default_factory=list, description="Every attempt, oldest first (on a single delivery)."
    )


def endpoint_out(endpoint: WebhookEndpoint, event_types: list[str]) -> EndpointOut:
    return EndpointOut(
        id=endpoint.id,
        url=endpoint.url,
        description=endpoint.description,
        event_types=event_types,
        enabled=endpoint.enabled,
        disabled_reason=endpoint.disabled_reason,
        consecutive_failures=endpoint.consecutive_failures,
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
    )


def delivery_out(view: repo.DeliveryView) -> DeliveryOut:
    d = view.delivery
    return DeliveryOut(
        id=d.id,
        message_id=d.message_id,
        endpoint_id=d.endpoint_id,
        event_type=view.event_type,
        state=d.state,
        attempts=d.attempts,
        next_attempt_at=d.next_attempt_at,
        last_status=d.last_status,
        last_error=d.last_error,
        created_at=d.created_at,
        delivered_at=d.delivered_at,
        attempt_log=[_attempt_out(a) for a in view.attempts],
    )


def _attempt_out(attempt: WebhookAttempt) -> AttemptOut:
    return AttemptOut.model_validate(attempt)


@router.post(
    "/webhook-endpoints",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(413),
)
def create_endpoint(
    body: EndpointIn, account: AccountDep, session: WriteSessionDep, settings: SettingsDep
) -> EndpointWithSecretOut:
    """Add an endpoint; the response holds its signing secret, shown only this once.

    Only http(s) URLs whose host resolves to public addresses are accepted (422 naming
    `url` otherwise), unless the service allows private ones
    (`ROUNDWISE_WEBHOOKS_ALLOW_PRIVATE`)."""
    check_url(body.url, allow_private=settings.webhooks_allow_private)
    endpoint = repo.create_endpoint(
        session, account, body.url, body.event_types, body.description, utcnow()
    )
    session.commit()
    shown = endpoint_out(endpoint, sorted(set(body.event_types)))
    return EndpointWithSecretOut(**shown.model_dump(), secret=endpoint.secret)


@router.get("/webhook-endpoints")
def list_endpoints(account: AccountDep, session: SessionDep, page: PageDep) -> PageOut[EndpointOut]:
    """Your endpoints, oldest first."""
    result = repo.list_endpoints(session, account, page.limit, page.cursor)
    items = [endpoint_out(e, repo.event_types_of(session, e.id)) for e in result.items]
    return PageOut[EndpointOut](items=items, next_cursor=result.next_cursor)


@router.get("/webhook-endpoints/{endpoint_id}", responses=problem_responses(404))
def get_endpoint(endpoint_id: str, account: AccountDep, session: SessionDep) -> EndpointOut:
    """One of your endpoints."""
    endpoint = repo.get_endpoint(session, account, endpoint_id)
    return endpoint_out(endpoint, repo.event_types_of(session, endpoint.id))


@router.patch("/webhook-endpoints/{endpoint_id}", responses=problem_responses(404))
def update_endpoint(
    endpoint_id: str,
    body: EndpointPatch,
    account: AccountDep,
    session: WriteSessionDep,
    settings: SettingsDep,
) -> EndpointOut:
    """Change the URL, the event types or the description, or enable/disable it."""
    if body.url is not None:
        check_url(body.url, allow_private=settings.webhooks_allow_private)
    change = repo.EndpointChange(body.url, body.event_types, body.enabled, body.description)
    endpoint = repo.update_endpoint(session, account, endpoint_id, change, utcnow())
    session.commit()
    return endpoint_out(endpoint, repo.event_types_of(session, endpoint.id))


@router.delete(
    "/webhook-endpoints/{endpoint_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
)
def delete_endpoint(endpoint_id: str, account: AccountDep, session: WriteSessionDep) -> Response:
    """Delete the endpoint, with its deliveries and their attempts."""
    repo.delete_endpoint(session, account, endpoint_id)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/webhook-endpoints/{endpoint_id}/rotate-secret",
    responses=problem_responses(404, 413),
)
def rotate_secret(endpoint_id: str, account: AccountDep, session: WriteSessionDep) -> SecretOut:
    """A new signing secret, shown this once; the old one stops signing at once."""
    secret = repo.rotate_secret(session, account, endpoint_id, utcnow())
    session.commit()
    return SecretOut(secret=secret)


@router.get("/webhook-endpoints/{endpoint_id}/deliveries", responses=problem_responses(404))
def list_deliveries(
    endpoint_id: str, account: AccountDep, session: SessionDep, page: PageDep
) -> PageOut[DeliveryOut]:
    """The endpoint's deliveries, newest first (their attempts: read one delivery)."""
    result = repo.list_deliveries(session, account, endpoint_id, page.limit, page.cursor)
    items = [delivery_out(view) for view in result.items]
    return PageOut[DeliveryOut](items=items, next_cursor=result.next_cursor)


@router.get("/webhook-deliveries/{delivery_id}", responses=problem_responses(404))
def get_delivery(delivery_id: str, account: AccountDep, session: SessionDep) -> DeliveryOut:
    """One delivery with every attempt (status, latency, response snippet, error)."""
    return delivery_out(repo.get_delivery(session, account, delivery_id))


@router.post(
    "/webhook-deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(404, 409, 413),
)
def redeliver(delivery_id: str, account: AccountDep, session: WriteSessionDep) -> DeliveryOut:
    """Send the event again now (same `webhook-id`), whatever its state; 409 while its
    endpoint is disabled (enable it first) or an attempt of it is running."""
    view = repo.redeliver(session, account, delivery_id, utcnow())
    session.commit()
    return delivery_out(view)
