"""Tables. Every row that belongs to a customer carries ``account_id`` so that every query
can be scoped to the caller's account; ids are public, prefixed, time-ordered strings.

The ledger (``ledger_events``) is append-only: rows are inserted with a per-contract
sequence number and never updated or deleted (database triggers refuse it, see the first
migration). Decisions and replies are stored as JSON documents (the engine's values,
serialised) plus the indexed columns we query by.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
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


__all__ = [
    "Account",
    "ApiKey",
    "Base",
    "Client",
    "Contract",
    "DecisionRecord",
    "Deliverable",
    "DeliverableVersion",
    "IdempotencyRecord",
    "LedgerEvent",
    "ReplyRecord",
    "RevisionRequestRecord",
]


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
