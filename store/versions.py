"""Deliverable versions and approvals: rows for querying, events for the ledger.

A version with ``request_id`` answers that revision request (``RevisionDelivered``, which
may approve the deliverable after the last included round); without it, it is a version
delivered on the freelancer's own schedule (``VersionSubmitted``). Numbers count from 1
per deliverable. Every event is checked by folding the ledger before it is appended.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roundwise.engine.errors import FieldProblem, LedgerError, RequestError
from roundwise.engine.ledger import ApprovedExplicitly, Event, RevisionDelivered, VersionSubmitted
from roundwise.engine.terms import ContractTerms
from roundwise.store.errors import ConflictError
from roundwise.store.ids import new_id
from roundwise.store.ledger import Clock, append_checked, ledger_time
from roundwise.store.models import Contract, DeliverableVersion
from roundwise.store.pagination import POSITION_KEY, Page, decode_cursor, page_of

LIVE_STATUSES = frozenset({"signed"})


def require_signed(contract: Contract) -> None:
    """Work is delivered and judged only under a signed contract."""
    if contract.status not in LIVE_STATUSES:
        raise ConflictError(f"contract {contract.id} is {contract.status}, not signed")


def require_deliverable(terms: ContractTerms, key: str, field: str = "deliverable") -> None:
    """The deliverable must be one the contract names."""
    if terms.deliverable(key) is None:
        known = ", ".join(d.id for d in terms.deliverables)
        raise RequestError(
            f"the contract has no deliverable {key!r}",
            (FieldProblem(field, f"unknown deliverable; the contract has: {known}"),),
        )


def submit_version(
    session: Session,
    contract: Contract,
    terms: ContractTerms,
    content: tuple[str, str | None, str | None, str | None],
    request_id: str | None,
    clock: Clock,
) -> DeliverableVersion:
    """Record version N+1 of a deliverable; ``content`` is (key, text, file_sha256, note)."""
    key, text, file_sha256, note = content
    require_signed(contract)
    require_deliverable(terms, key)
    number = _version_count(session, contract.id, key) + 1
    now = ledger_time(session, contract.id, clock)
    common = {
        "at": now,
        "deliverable": key,
        "version": number,
        "text": text,
        "file_sha256": file_sha256,
        "note": note,
    }
    event: Event = (
        RevisionDelivered(request_id=request_id, **common)
        if request_id is not None
        else VersionSubmitted(**common)
    )
    try:
        append_checked(session, contract, terms, [event], now)
    except LedgerError as exc:  # the fold refuses a request unknown or for another deliverable
        if request_id is None:
            raise
        raise LedgerError(exc.message, (FieldProblem("request_id", exc.message),)) from None
    row = DeliverableVersion(
        id=new_id("ver"),
        contract_id=contract.id,
        deliverable_key=key,
        number=number,
        text=text,
        file_sha256=file_sha256,
        note=note,
        submitted_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _version_count(session: Session, contract_id: str, key: str) -> int:
    query = (
        select(func.count())
        .select_from(DeliverableVersion)
        .where(
            DeliverableVersion.contract_id == contract_id, DeliverableVersion.deliverable_key == key
        )
    )
    return int(session.scalar(query) or 0)


def list_versions(
    session: Session, contract_id: str, key: str, limit: int, cursor: str | None
) -> Page[DeliverableVersion]:
    """Versions of one deliverable, oldest first."""
    query = select(DeliverableVersion).where(
        DeliverableVersion.contract_id == contract_id, DeliverableVersion.deliverable_key == key
    )
    if cursor is not None:
        after = int(decode_cursor(cursor, POSITION_KEY))
        query = query.where(DeliverableVersion.number > after)
    rows = session.scalars(query.order_by(DeliverableVersion.number).limit(limit + 1)).all()
    return page_of(rows, limit, lambda row: str(row.number))


def require_version(session: Session, contract_id: str, key: str, number: int | None) -> None:
    """An approval approves a delivered version: the one it names, else the latest.

    Without this check an approval of version 99 (or of a deliverable with nothing
    delivered) was stored, and every later request was judged ``after_approval``.
    """
    delivered = _version_count(session, contract_id, key)
    if delivered == 0:
        problem = FieldProblem("deliverable", "nothing has been delivered yet to approve")
        raise RequestError(f"no version of {key!r} has been delivered", (problem,))
    if number is not None and number > delivered:
        reason = f"no such version; delivered: 1 to {delivered}"
        raise RequestError(f"{key!r} has no version {number}", (FieldProblem("version", reason),))


def approve(
    session: Session,
    contract: Contract,
    terms: ContractTerms,
    key: str,
    version: int | None,
    clock: Clock,
) -> tuple[int, datetime]:
    """Record the client's explicit approval; returns its ledger sequence number and time."""
    require_signed(contract)
    require_deliverable(terms, key)
    require_version(session, contract.id, key, version)
    now = ledger_time(session, contract.id, clock)
    event = ApprovedExplicitly(at=now, deliverable=key, version=version)
    return append_checked(session, contract, terms, [event], now)[0], now


__all__ = [
    "approve",
    "list_versions",
    "require_deliverable",
    "require_signed",
    "require_version",
    "submit_version",
]
