"""Integrations and their inbound-delivery log; every query scoped to the caller's account,
except ``for_hook``, which finds the integration a webhook names (its signature, checked
next, is what authenticates a webhook).

How the secret is kept: as it is, in its own column (``integrations.secret``), read only
to verify a delivery and returned only once, by the call that creates or rotates it.
Why not hashed, like API keys: a webhook signature is an HMAC keyed with the secret, so
verifying one needs the secret itself. Why not encrypted with a key of the service: the
key would live on the same host, in the same environment as the database URL, so it
protects against little more than a leaked database dump, while it adds a setting whose
loss silently breaks every integration. What a leaked secret allows is narrow: signing
comments for one integration's contract, which the freelancer sees in the ledger and
stops by rotating the secret (``rotate_secret``) or pausing the integration. Some
providers issue the secret themselves (Linear's signing secret, Trello's application
secret, an inbound-mail service's ``whsec_`` key): the caller then passes it in and it
is kept the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from roundwise.store.base import utcnow
from roundwise.store.contracts import get_contract, terms_of
from roundwise.store.errors import NotFoundError
from roundwise.store.ids import new_id
from roundwise.store.models import InboundDelivery, Integration
from roundwise.store.pagination import Page, decode_cursor, id_key, page_of
from roundwise.store.versions import require_deliverable

INTEGRATION_PREFIX = "int"
DELIVERY_PREFIX = "dlv"


@dataclass(frozen=True, slots=True)
class NewIntegration:
    """What the freelancer says about the link (the secret and URL are made here)."""

    provider: str
    contract_id: str
    deliverable: str
    external_ref: str
    client_ids: tuple[str, ...]
    freelancer_ids: tuple[str, ...]


def create_integration(
    session: Session, account_id: str, new: NewIntegration, secret: str, hook_url_of: HookUrl
) -> Integration:
    """Add an integration on one of the account's contracts; ``hook_url_of(id)`` is the
    URL the provider will post to (kept: Trello signs it with each body)."""
    contract = get_contract(session, account_id, new.contract_id)
    require_deliverable(terms_of(contract), new.deliverable)
    integration_id = new_id(INTEGRATION_PREFIX)
    integration = Integration(
        id=integration_id,
        account_id=account_id,
        contract_id=contract.id,
        provider=new.provider,
        deliverable=new.deliverable,
        external_ref=new.external_ref,
        client_ids=list(new.client_ids),
        freelancer_ids=list(new.freelancer_ids),
        hook_url=hook_url_of(new.provider, integration_id),
        secret=secret,
        paused=False,
        created_at=utcnow(),
    )
    session.add(integration)
    session.flush()
    return integration


class HookUrl:
    """The public URL of an integration's inbound hook, under ``base`` (no trailing /)."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def __call__(self, provider: str, integration_id: str) -> str:
        return f"{self.base}/v1/hooks/{provider}/{integration_id}"


def get_integration(session: Session, account_id: str, integration_id: str) -> Integration:
    """The account's integration; another account's is "not found"."""
    found = session.scalars(
        select(Integration).where(
            Integration.account_id == account_id, Integration.id == integration_id
        )
    ).one_or_none()
    if found is None:
        raise NotFoundError(f"no integration {integration_id!r}")
    return found


@dataclass(frozen=True, slots=True)
class HookIntegration:
    """An integration as an inbound webhook needs it: a plain value, safe to carry from
    the thread that read it to the event loop that verifies and judges."""

    id: str
    account_id: str
    contract_id: str
    provider: str
    deliverable: str
    external_ref: str
    client_ids: tuple[str, ...]
    freelancer_ids: tuple[str, ...]
    hook_url: str
    secret: str
    paused: bool


def for_hook(session: Session, provider: str, integration_id: str) -> HookIntegration:
    """The integration a webhook names, whichever account's (the signature decides)."""
    found = session.get(Integration, integration_id)
    if found is None or found.provider != provider:
        raise NotFoundError(f"no {provider} integration {integration_id!r}")
    return HookIntegration(
        found.id,
        found.account_id,
        found.contract_id,
        found.provider,
        found.deliverable,
        found.external_ref,
        tuple(found.client_ids),
        tuple(found.freelancer_ids),
        found.hook_url,
        found.secret,
        found.paused,
    )


def seen_delivery(session: Session, integration_id: str, delivery_id: str) -> str | None:
    """The request an earlier delivery with this provider delivery id created, if any."""
    return session.scalars(
        select(InboundDelivery.request_id)
        .where(
            InboundDelivery.integration_id == integration_id,
            InboundDelivery.delivery_id == delivery_id,
            InboundDelivery.request_id.is_not(None),
        )
        .limit(1)
    ).first()


def list_integrations(
    session: Session,
    account_id: str,
    limit: int,
    cursor: str | None,
    contract_id: str | None = None,
) -> Page[Integration]:
    """Newest first, ``limit`` per page; only one contract's when ``contract_id`` is given
    (the web page of a contract's integrations)."""
    query = select(Integration).where(Integration.account_id == account_id)
    if contract_id is not None:
        query = query.where(Integration.contract_id == contract_id)
    if cursor is not None:
        query = query.where(Integration.id < decode_cursor(cursor, id_key(INTEGRATION_PREFIX)))
    rows = session.scalars(query.order_by(Integration.id.desc()).limit(limit + 1)).all()
    return page_of(rows, limit, lambda row: row.id)


def set_paused(integration: Integration, paused: bool) -> None:
    """Pause (deliveries are acknowledged and ignored) or resume."""
    integration.paused = paused


def rotate_secret(integration: Integration, secret: str) -> None:
    """Replace the secret; deliveries signed with the old one are refused from now on."""
    integration.secret = secret
    integration.secret_rotated_at = utcnow()


def delete_integration(session: Session, integration: Integration) -> None:
    """Remove the integration and its delivery log (the requests it created stay)."""
    session.execute(delete(InboundDelivery).where(InboundDelivery.integration_id == integration.id))
    session.delete(integration)
    session.flush()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one verified delivery."""

    outcome: str  # created | duplicate | ignored | refused
    reason: str = ""
    delivery_id: str | None = None
    external_id: str | None = None
    request_id: str | None = None


def record_delivery(session: Session, integration: HookIntegration, outcome: Outcome) -> str:
    """Append a delivery to the integration's log; returns the log entry's id."""
    entry = InboundDelivery(
        id=new_id(DELIVERY_PREFIX),
        account_id=integration.account_id,
        integration_id=integration.id,
        provider=integration.provider,
        delivery_id=outcome.delivery_id,
        external_id=outcome.external_id,
        outcome=outcome.outcome,
        reason=outcome.reason[:500],
        request_id=outcome.request_id,
        received_at=utcnow(),
    )
    session.add(entry)
    session.flush()
    return entry.id


def list_deliveries(
    session: Session, account_id: str, integration_id: str, limit: int, cursor: str | None
) -> Page[InboundDelivery]:
    """The integration's deliveries, newest first."""
    get_integration(session, account_id, integration_id)
    query = select(InboundDelivery).where(
        InboundDelivery.account_id == account_id,
        InboundDelivery.integration_id == integration_id,
    )
    if cursor is not None:
        query = query.where(InboundDelivery.id < decode_cursor(cursor, id_key(DELIVERY_PREFIX)))
    rows: Sequence[InboundDelivery] = session.scalars(
        query.order_by(InboundDelivery.id.desc()).limit(limit + 1)
    ).all()
    return page_of(rows, limit, lambda row: row.id)


__all__ = [
    "DELIVERY_PREFIX",
    "INTEGRATION_PREFIX",
    "HookIntegration",
    "HookUrl",
    "NewIntegration",
    "Outcome",
    "create_integration",
    "delete_integration",
    "for_hook",
    "get_integration",
    "list_deliveries",
    "list_integrations",
    "record_delivery",
    "rotate_secret",
    "seen_delivery",
    "set_paused",
]
