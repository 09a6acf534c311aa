"""Tables. Every row that belongs to a customer carries ``account_id`` so that every query
can be scoped to the caller's account; ids are public, prefixed, time-ordered strings.

The ledger (``ledger_events``) is append-only: rows are inserted with a per-contract
sequence number and never updated or deleted (database triggers refuse it, see the first
migration). Decisions and replies are stored as JSON documents (the engine's values,
serialised) plus the indexed columns we query by.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from roundwise.store.base import Base, JSONDocument, UTCDateTime, utcnow

ID = String(40)


class Account(Base):
    """A freelancer or studio; the unit of data isolation."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiKey(Base):
    """An API key, stored as a SHA-256 hash; ``prefix`` is the public part used to find it."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Client(Base):
    """A freelancer's client (the other party of contracts)."""

    __tablename__ = "clients"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    company: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Contract(Base):
    """A contract: the validated spec (as a JSON mapping), its hash, and its status."""

    __tablename__ = "contracts"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    client_id: Mapped[str | None] = mapped_column(ForeignKey("clients.id"), default=None)
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    terms_sha256: Mapped[str] = mapped_column(String(64))
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Deliverable(Base):
    """A deliverable of a contract, keyed by the spec's deliverable id."""

    __tablename__ = "deliverables"
    __table_args__ = (UniqueConstraint("contract_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(40))


class DeliverableVersion(Base):
    """A version the freelancer submitted: the text, or a file hash and note for visual work."""

    __tablename__ = "deliverable_versions"
    __table_args__ = (UniqueConstraint("contract_id", "deliverable_key", "number"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    # Looked up by contract through the unique index above (migration 0005).
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"))
    deliverable_key: Mapped[str] = mapped_column(String(100))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text, default=None)
    file_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerEvent(Base):
    """One ledger event: its type, its payload (the engine event as JSON) and its place."""

    __tablename__ = "ledger_events"
    __table_args__ = (UniqueConstraint("contract_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RevisionRequestRecord(Base):
    """A client's revision request as received (message, optional revised text or items)."""

    __tablename__ = "revision_requests"
    __table_args__ = (
        Index(
            "uq_revision_requests_contract_id_external_id",
            "contract_id",
            "external_id",
            unique=True,
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    # Looked up by contract through the unique index above (migration 0004).
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"))
    deliverable_key: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str | None] = mapped_column(String(200), default=None)
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DecisionRecord(Base):
    """A decision on a revision request: the engine's Decision as JSON plus its verdict."""

    __tablename__ = "decisions"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("revision_requests.id"), unique=True)
    verdict: Mapped[str] = mapped_column(String(40))  # not indexed: never queried by it
    ledger_seq: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReplyRecord(Base):
    """The reply drafted for a decision (text, language, techniques used)."""

    __tablename__ = "replies"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"), unique=True)
    language: Mapped[str] = mapped_column(String(10))
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyRecord(Base):
    """An Idempotency-Key claim: the request's hash, its state and the stored response."""

    __tablename__ = "idempotency_records"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20))  # "in_flight" | "done"
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    content_type: Mapped[str | None] = mapped_column(String(200), default=None)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Integration(Base):
    """A link from a client's tool (GitHub, Trello, Jira, Linear, a mailbox, or a generic
    sender) to a contract: who counts as the client there, and the secret that signs its
    webhooks (issue 19; ``store/integrations.py`` says how the secret is kept)."""

    __tablename__ = "integrations"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    deliverable: Mapped[str] = mapped_column(String(64))
    external_ref: Mapped[str] = mapped_column(String(320))
    client_ids: Mapped[list[str]] = mapped_column(JSONDocument)
    freelancer_ids: Mapped[list[str]] = mapped_column(JSONDocument)
    hook_url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200))  # never returned after creation
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    secret_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class InboundDelivery(Base):
    """One verified webhook delivery and what became of it (a request, a duplicate, or
    ignored with a reason); unverified deliveries are refused and leave no row."""

    __tablename__ = "inbound_deliveries"
    __table_args__ = (Index("ix_inbound_deliveries_integration_id_id", "integration_id", "id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    integration_id: Mapped[str] = mapped_column(ForeignKey("integrations.id"))
    provider: Mapped[str] = mapped_column(String(20))
    delivery_id: Mapped[str | None] = mapped_column(String(200), default=None)
    external_id: Mapped[str | None] = mapped_column(String(200), default=None)
    outcome: Mapped[str] = mapped_column(String(20))  # created | duplicate | ignored | refused
    reason: Mapped[str] = mapped_column(String(500), default="")
    request_id: Mapped[str | None] = mapped_column(String(40), default=None)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChangeOrderRecord(Base):
    """A change order of a contract: the draft (editable until sent), its status, the link.

    The ledger holds what was sent and how it was answered (``change_order_sent``,
    ``change_order_accepted`` / ``_declined``); this row holds the draft before that, and
    the client's acceptance link as the SHA-256 of its token (the token itself is shown
    once, when the change order is sent, and never stored).
    """

    __tablename__ = "change_orders"
    __table_args__ = (UniqueConstraint("contract_id", "number"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    # Looked up by contract through the unique index above.
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft|sent|accepted|declined
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    valid_until: Mapped[date] = mapped_column(Date)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    answered_by: Mapped[str | None] = mapped_column(String(20), default=None)
    answer_note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class WebhookEndpoint(Base):
    """An outbound webhook endpoint: where an account's events are POSTed, signed with
    ``secret`` (Standard Webhooks, ``whsec_…``; kept in clear because signing needs it).

    ``consecutive_failures`` and ``failing_since`` track the current run of failed
    attempts (``store.webhooks.worker``), which disables the endpoint when it lasts.
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    secret: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookSubscription(Base):
    """One event type an endpoint receives. Keyed account first, so "does this account
    have an endpoint for this event?" (asked on every judged request) is one index probe."""

    __tablename__ = "webhook_subscriptions"

    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(60), primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class WebhookMessage(Base):
    """An event in the outbox, written in the transaction that made it happen; its id is
    the Standard Webhooks ``webhook-id`` (the same on every attempt, so receivers dedupe)."""

    __tablename__ = "webhook_messages"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(40), index=True)
    event_type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """One message to one endpoint: its state (``pending``, ``delivered``, ``failed``),
    when to try next, and the worker lease (``lease_until``) while an attempt runs."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    message_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_messages.id", ondelete="CASCADE"), index=True
    )
    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    lease_owner: Mapped[str | None] = mapped_column(String(64), default=None)
    last_status: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str | None] = mapped_column(String(1000), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class WebhookAttempt(Base):
    """One HTTP attempt of a delivery: status code (None: no response), latency, the
    first KiB of the response, or the transport error."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    response_snippet: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(String(1000), default=None)


class WebhookAnnouncement(Base):
    """An event the periodic chore announced (``store.webhooks.announce``): a deemed
    approval or a scope alert, which no ledger event marks, so the chore remembers it
    here. ``key`` (SHA-256 of event type, contract and what it is about) is the primary
    key: of two workers announcing it at once, the second inserts nothing (ON CONFLICT DO
    NOTHING) and sends nothing; kept past the outbox's retention, so never sent again."""

    __tablename__ = "webhook_announcements"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(40), index=True)
    contract_id: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(500))
    message_id: Mapped[str | None] = mapped_column(String(40), default=None)
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


__all__ = [
    "Account",
    "ApiKey",
    "Base",
    "ChangeOrderRecord",
    "Client",
    "Contract",
    "DecisionRecord",
    "Deliverable",
    "DeliverableVersion",
    "IdempotencyRecord",
    "InboundDelivery",
    "Integration",
    "LedgerEvent",
    "ReplyRecord",
    "RevisionRequestRecord",
    "WebLoginLink",
    "WebSecret",
    "WebhookAnnouncement",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookMessage",
    "WebhookSubscription",
]


class WebLoginLink(Base):
    """A one-time sign-in link for the web pages (``roundwise account login-link``).

    Only the SHA-256 of the link's token is stored; a link works once, until it expires.
    """

    __tablename__ = "web_login_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class WebSecret(Base):
    """The key that signs the web pages' session cookies, made once per database so every
    worker and host behind one database signs alike (unless ``ROUNDWISE_WEB_SECRET`` is set)."""

    __tablename__ = "web_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AssessmentExample(Base):
    """A corrected reading of a request: the message and how the freelancer read it, an
    example for the account's later messages (issue 16.6, ``store.corrections``)."""

    __tablename__ = "assessment_examples"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"))
    request_id: Mapped[str] = mapped_column(ForeignKey("revision_requests.id"), unique=True)
    message: Mapped[str] = mapped_column(Text)
    intent: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(String(40))
    stage: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
