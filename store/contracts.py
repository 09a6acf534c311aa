"""Contract repository: create from validated terms, read, list, lock, change status.

Statuses move draft → sent → signed → completed, one step at a time. Signing pins the
terms (a ``ContractSigned`` event with their SHA-256); from then on the spec is immutable
and changes go through change orders. All queries are scoped to the caller's account.

Serialising writers per contract (``lock_contract``): on PostgreSQL a ``SELECT … FOR
UPDATE`` row lock. SQLAlchemy drops ``FOR UPDATE`` on SQLite, so there the lock is the
``BEGIN IMMEDIATE`` of a ``Database.writes`` session (one writer at a time); the function
refuses a SQLite session that did not begin that way, so the lock can never be a no-op.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from roundwise.engine.errors import FieldProblem, RequestError, SpecError
from roundwise.engine.ledger import ContractCompleted, ContractSigned, Event
from roundwise.engine.terms import ContractTerms, reload_spec, terms_sha256
from roundwise.store.base import utcnow
from roundwise.store.clients import get_client
from roundwise.store.db import SQLITE_BEGIN_OPTION
from roundwise.store.errors import (
    ContractImmutableError,
    InvalidTransitionError,
    NotFoundError,
    StoredSpecInvalidError,
)
from roundwise.store.ids import new_id
from roundwise.store.ledger import Clock, append_events, ledger_time
from roundwise.store.models import Contract, Deliverable
from roundwise.store.pagination import Page, decode_cursor, id_key, page_of

Status = Literal["draft", "sent", "signed", "completed"]
NEXT_STATUS: dict[str, str] = {"draft": "sent", "sent": "signed", "signed": "completed"}
MUTABLE_STATUSES = frozenset({"draft", "sent"})


def create_contract(
    session: Session, account_id: str, terms: ContractTerms, client_id: str | None
) -> Contract:
    """Store a draft contract for validated ``terms``."""
    if client_id is not None:
        _check_client(session, account_id, client_id)
    now = utcnow()
    contract = Contract(
        id=new_id("ctr"),
        account_id=account_id,
        client_id=client_id,
        title=terms.title,
        status="draft",
        spec=terms.model_dump(mode="json"),
        terms_sha256=terms_sha256(terms),
        event_count=0,
        created_at=now,
        updated_at=now,
    )
    session.add(contract)
    session.add_all(_deliverable_rows(contract.id, terms))
    session.flush()
    return contract


def _check_client(session: Session, account_id: str, client_id: str) -> None:
    try:
        get_client(session, account_id, client_id)
    except NotFoundError:
        raise RequestError(
            f"no client {client_id!r}", (FieldProblem("client_id", "no such client"),)
        ) from None


def _deliverable_rows(contract_id: str, terms: ContractTerms) -> list[Deliverable]:
    return [
        Deliverable(contract_id=contract_id, key=d.id, title=d.title, kind=d.kind)
        for d in terms.deliverables
    ]


def terms_of(contract: Contract) -> ContractTerms:
    """The contract's terms as engine values (the stored spec was validated on the way in)."""
    return stored_terms(contract.spec)


def stored_terms(spec: object) -> ContractTerms:
    """A stored spec read back with the model's bounds but not the intake rules
    (``engine.terms.reload_spec``); one stored before a bound existed and outside it is a
    ``StoredSpecInvalidError`` naming the fields, not a failure deep inside a render."""
    try:
        return reload_spec(spec)
    except SpecError as exc:
        raise StoredSpecInvalidError(
            f"this contract's stored terms are outside today's bounds ({exc.message}); "
            "it can be read and completed, and an unsigned one given a new spec",
            exc.problems,
        ) from None


# Parsed terms kept per process, keyed on the stored spec's JSON text (a few kB each).
PARSED_TERMS_KEPT = 1024


@dataclass(frozen=True, slots=True)
class ContractHead:
    """What judging needs of a contract row: its status, ledger length and terms."""

    id: str
    status: str
    event_count: int
    terms: ContractTerms


@lru_cache(maxsize=PARSED_TERMS_KEPT)
def terms_from_text(spec_text: str) -> ContractTerms:
    """The terms stored as ``spec_text`` (a pure function of the text, so safe to memoise).

    Terms are frozen values, shared between requests and threads; keyed on the whole text,
    so a replaced draft spec is simply another key.
    """
    return stored_terms(json.loads(spec_text))


def get_contract(session: Session, account_id: str, contract_id: str) -> Contract:
    """The account's contract; another account's is "not found"."""
    contract = session.scalars(_scoped(account_id, contract_id)).one_or_none()
    if contract is None:
        raise NotFoundError(f"no contract {contract_id!r}")
    return contract


def lock_contract(session: Session, account_id: str, contract_id: str) -> Contract:
    """The contract, locked against other writers until this transaction ends."""
    _require_sqlite_write_lock(session)
    contract = session.scalars(_scoped(account_id, contract_id).with_for_update()).one_or_none()
    if contract is None:
        raise NotFoundError(f"no contract {contract_id!r}")
    return contract


def _require_sqlite_write_lock(session: Session) -> None:
    """Refuse to "lock" on SQLite outside ``BEGIN IMMEDIATE``, where FOR UPDATE is dropped."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION)
        if mode != "IMMEDIATE":
            raise RuntimeError("locking a contract on SQLite needs a Database.writes session")


def _scoped(account_id: str, contract_id: str) -> Select[Contract]:
    return select(Contract).where(Contract.account_id == account_id, Contract.id == contract_id)


def list_contracts(
    session: Session, account_id: str, limit: int, cursor: str | None, status: str | None
) -> Page[Contract]:
    """Newest first, optionally of one status."""
    query = select(Contract).where(Contract.account_id == account_id)
    if status is not None:
        query = query.where(Contract.status == status)
    if cursor is not None:
        query = query.where(Contract.id < decode_cursor(cursor, id_key("ctr")))
    rows = session.scalars(query.order_by(Contract.id.desc()).limit(limit + 1)).all()
    return page_of(rows, limit, lambda row: row.id)


def replace_terms(session: Session, contract: Contract, terms: ContractTerms) -> None:
    """Replace the spec of a contract that is not signed yet."""
    if contract.status not in MUTABLE_STATUSES:
        raise ContractImmutableError(
            f"contract {contract.id} is {contract.status}; change it with a change order"
        )
    contract.spec, contract.title = terms.model_dump(mode="json"), terms.title
    contract.terms_sha256, contract.updated_at = terms_sha256(terms), utcnow()
    for row in session.scalars(select(Deliverable).where(Deliverable.contract_id == contract.id)):
        session.delete(row)
    session.flush()
    session.add_all(_deliverable_rows(contract.id, terms))


def transition(session: Session, contract: Contract, target: str, clock: Clock) -> None:
    """Move the (locked) contract one step on; signing and completing are ledger events."""
    if NEXT_STATUS.get(contract.status) != target:
        raise InvalidTransitionError(
            f"a {contract.status} contract cannot become {target}",
            (FieldProblem("status", f"next allowed: {NEXT_STATUS.get(contract.status)}"),),
        )
    now = ledger_time(session, contract.id, clock)
    event: Event | None = None
    if target == "signed":
        event = ContractSigned(at=now, contract_id=contract.id, terms_sha256=contract.terms_sha256)
    elif target == "completed":
        event = ContractCompleted(at=now)
    if event is not None:
        append_events(session, contract, [event])
    contract.status, contract.updated_at = target, now


__all__ = [
    "MUTABLE_STATUSES",
    "NEXT_STATUS",
    "PARSED_TERMS_KEPT",
    "ContractHead",
    "Status",
    "create_contract",
    "get_contract",
    "list_contracts",
    "lock_contract",
    "replace_terms",
    "stored_terms",
    "terms_from_text",
    "terms_of",
    "transition",
]
