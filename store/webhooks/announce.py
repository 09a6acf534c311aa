"""The periodic chore that announces what time alone brings: ``approval.deemed`` and
``scope.alert``.

No ledger event marks a deemed approval (a review window ending in silence is computed
from the ledger when time passes, ``engine.ledger.reminders``) nor a scope alert (the
scope report's thresholds, ``engine.scope``), so no transaction can queue their webhook
as it happens. The delivery worker runs ``announce`` every ``announce_every_seconds``:

1. one query finds the accounts with an enabled endpoint subscribed to either event type
   (``webhook_subscriptions`` is keyed account, event type first); nobody listening,
   nothing else is read, and the contracts of accounts nobody listens to are never folded;
2. each live contract (signed or completed) of those accounts is folded at ``now``: its
   deemed approvals (as ``GET /v1/reminders`` decides them) with the notice drafted in
   the client's language, and its scope report's alerts, for the types the account takes;
3. each is announced once: a ``webhook_announcements`` row keyed by the SHA-256 of event
   type, contract and subject is inserted with ON CONFLICT DO NOTHING in the transaction
   that queues the message (``store.outbox.enqueue``); the message is queued only when
   the row was inserted. Two workers announcing it at once (PostgreSQL): the second's
   insert waits for the first's commit, then inserts nothing and queues nothing. The rows
   outlive the outbox's retention, so a restart or a later scan never sends it again.

What makes two of them the same: a deemed approval is its contract, deliverable and
version (``home/v1``); an alert is its contract, ``code`` and ``subject``
(``engine.scope.model.Alert``: the deliverable and the allowance crossed, or the newest
ask or invoice that raised it; contract-wide alerts are sent once per contract).

The chore sees the contract as it is at each scan: a deliverable deemed approved and then
delivered again before a scan (a worker stopped for days) is announced for its current
version only; an alert raised and cleared between two scans is not sent. An account
that subscribes later is sent its contracts' current deemed approvals and alerts once, at
the next scan. Cost per scan: one fold (two with both types) per live contract of the
subscribed accounts, and a write transaction only when something is new.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from roundwise.engine.ledger import Event, fold, reminders
from roundwise.engine.replies import deemed_approval_notice
from roundwise.engine.scope import ScopeReport, scope_report
from roundwise.engine.terms import ContractTerms
from roundwise.store.base import table_of, utcnow
from roundwise.store.contracts import terms_of
from roundwise.store.db import Database
from roundwise.store.ledger import load_events
from roundwise.store.models import (
    Contract,
    WebhookAnnouncement,
    WebhookEndpoint,
    WebhookSubscription,
)
from roundwise.store.outbox import enqueue
from roundwise.store.reminders import LIVE_STATUSES
from roundwise.store.webhooks.events import APPROVAL_DEEMED, SCOPE_ALERT

log = logging.getLogger("roundwise.webhooks")

ANNOUNCED_EVENTS = (APPROVAL_DEEMED, SCOPE_ALERT)


@dataclass(frozen=True, slots=True)
class Announcement:
    """One event to announce: its type, contract, subject (what makes it itself) and data."""

    event_type: str
    contract_id: str
    subject: str
    data: Mapping[str, Any]

    @property
    def key(self) -> str:
        """The announcement's identity, as stored (hex SHA-256: bounded, any subject)."""
        raw = f"{self.event_type}\x00{self.contract_id}\x00{self.subject}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a scan did: the contracts it folded, the messages it queued."""

    folded: tuple[str, ...]
    queued: tuple[str, ...]


def announce(db: Database, now: datetime) -> ScanResult:
    """Announce the deemed approvals and scope alerts of the subscribed accounts' live
    contracts as of ``now``, each once (see the module's docstring)."""
    with db.reads() as session:
        listening = listeners(session)
        if not listening:
            return ScanResult((), ())
        rows = session.execute(
            select(Contract.id, Contract.account_id)
            .where(Contract.account_id.in_(listening), Contract.status.in_(LIVE_STATUSES))
            .order_by(Contract.id)  # one order for every worker: no lock-order deadlock
        ).all()
    folded: list[str] = []
    queued: list[str] = []
    for contract_id, account_id in rows:
        try:
            found = _contract_announcements(db, contract_id, listening[account_id], now)
            if found is None:
                continue
            folded.append(contract_id)
            queued += _announce_new(db, account_id, found)
        except Exception:  # one contract that cannot be folded must not stop the others
            log.exception("announcing contract %s failed; the next scan tries again", contract_id)
    return ScanResult(tuple(folded), tuple(queued))


def listeners(session: Session) -> dict[str, frozenset[str]]:
    """Account id → the announced event types an enabled endpoint of it is subscribed to."""
    subs, endpoints = table_of(WebhookSubscription), table_of(WebhookEndpoint)
    rows = session.execute(
        select(subs.c.account_id, subs.c.event_type)
        .join(endpoints, endpoints.c.id == subs.c.endpoint_id)
        .where(subs.c.event_type.in_(ANNOUNCED_EVENTS), endpoints.c.enabled.is_(True))
        .distinct()
    ).all()
    found: dict[str, set[str]] = {}
    for account_id, event_type in rows:
        found.setdefault(account_id, set()).add(event_type)
    return {account: frozenset(types) for account, types in found.items()}


def _contract_announcements(
    db: Database, contract_id: str, types: frozenset[str], now: datetime
) -> list[Announcement] | None:
    """The contract's announcements of ``types`` as of ``now`` (None: nothing to fold)."""
    with db.reads() as session:
        contract = session.get(Contract, contract_id)
        if contract is None:
            return None
        terms = terms_of(contract)
        events = load_events(session, contract_id)
    if not events:
        return None
    at = max(now, events[-1].at)
    found: list[Announcement] = []
    if APPROVAL_DEEMED in types:
        found += deemed_approvals(contract_id, terms, events, at)
    if SCOPE_ALERT in types:
        found += scope_alerts(contract_id, scope_report(terms, events, at))
    return found


def deemed_approvals(
    contract_id: str, terms: ContractTerms, events: list[Event], now: datetime
) -> Iterator[Announcement]:
    """The contract's deemed approvals reached by ``now``, each with its notice."""
    state = fold(events, now, terms)
    for reminder in reminders(terms, state, 0, 1):
        if reminder.kind != "deemed_approval" or reminder.deliverable is None:
            continue
        if reminder.at > now:
            continue
        notice = deemed_approval_notice(terms, state.deliverable(reminder.deliverable))
        data: dict[str, Any] = {
            "contract_id": contract_id,
            "deliverable": reminder.deliverable,
            "version": reminder.version,
            "deadline": reminder.at.isoformat(),
            "message": reminder.message,
            "notice": None
            if notice is None
            else {
                "language": notice.language,
                "subject": notice.subject,
                "body": notice.body,
                "reviewed": notice.reviewed,
            },
        }
        yield Announcement(APPROVAL_DEEMED, contract_id, reminder.subject, data)


def scope_alerts(contract_id: str, report: ScopeReport) -> Iterator[Announcement]:
    """The scope report's alerts, each named by its code and subject."""
    for alert in report.alerts:
        data = {
            "contract_id": contract_id,
            "code": alert.code,
            "subject": alert.subject,
            "message": alert.message,
            "as_of": report.as_of.isoformat(),
            "creep_score": report.creep_score,
            "creep_level": report.creep_level,
        }
        subject = f"{alert.code}:{alert.subject}"
        yield Announcement(SCOPE_ALERT, contract_id, subject, data)


def _announce_new(db: Database, account_id: str, found: list[Announcement]) -> list[str]:
    """Queue those of ``found`` not announced before, in one write transaction (none at
    all when every one was: the common case, a read)."""
    if not found:
        return []
    with db.reads() as session:
        known = announced_keys(session, found)
    fresh = sorted((a for a in found if a.key not in known), key=lambda a: a.key)
    if not fresh:
        return []
    queued: list[str] = []
    with db.writes() as session:
        for item in fresh:
            if not claim_announcement(session, account_id, item):
                continue  # another worker announced it meanwhile
            message_id = enqueue(session, account_id, item.event_type, item.data)
            if message_id is not None:
                _set_message(session, item.key, message_id)
                queued.append(message_id)
        session.commit()
    for message_id in queued:
        log.info("announced webhook message %s", message_id)
    return queued


def claim_announcement(session: Session, account_id: str, item: Announcement) -> bool:
    """Insert the announcement's row unless it exists; True if this call inserted it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table_of(WebhookAnnouncement))
        .values(
            key=item.key,
            account_id=account_id,
            contract_id=item.contract_id,
            event_type=item.event_type,
            subject=item.subject[:500],
            announced_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(table_of(WebhookAnnouncement).c.key)
    )
    # RETURNING, not rowcount: the driver's rowcount is not reliable for every dialect
    return session.execute(statement).scalar() is not None


def _set_message(session: Session, key: str, message_id: str) -> None:
    table = table_of(WebhookAnnouncement)
    session.execute(table.update().where(table.c.key == key).values(message_id=message_id))


def announced_keys(session: Session, items: Iterable[Announcement]) -> set[str]:
    """Which of ``items`` were announced (by key)."""
    table = table_of(WebhookAnnouncement)
    keys = [a.key for a in items]
    return set(session.scalars(select(table.c.key).where(table.c.key.in_(keys))))


__all__ = [
    "ANNOUNCED_EVENTS",
    "Announcement",
    "ScanResult",
    "announce",
    "announced_keys",
    "claim_announcement",
    "deemed_approvals",
    "listeners",
    "scope_alerts",
]
