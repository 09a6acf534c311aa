"""Reminders across an account's contracts, computed from their ledgers on request.

Nothing is stored: each live contract's ledger is folded at ``max(before, its last
event)`` and `engine.ledger.reminders` lists what is due; those due before ``before`` are
returned, oldest first, with a deemed approval's notice drafted in the client's language.
The sort key (UTC time, contract id, kind, subject) is also the reminder's id and the
cursor, so pages neither skip nor repeat while nothing changes. Cost: one fold per live
contract of the account per call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundwise.engine.ledger import Reminder, fold, reminders
from roundwise.engine.replies import Notice, deemed_approval_notice
from roundwise.engine.terms import ContractTerms
from roundwise.store.contracts import terms_of
from roundwise.store.ledger import load_events
from roundwise.store.models import Contract
from roundwise.store.pagination import Page, decode_cursor, page_of

LIVE_STATUSES = ("signed", "completed")
REMINDER_KEY = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\|ctr_[0-9a-hjkmnp-tv-z]{26}\|[a-z_]{1,40}\|[^|\x00]{1,300}"
)


@dataclass(frozen=True, slots=True)
class ContractReminder:
    """A reminder of one contract, its stable id, and the notice drafted for it."""

    id: str
    contract_id: str
    reminder: Reminder
    notice: Notice | None


@dataclass(frozen=True, slots=True)
class ReminderQuery:
    """Which reminders: due before ``before``; lead and waiting times in days."""

    before: datetime
    lead_days: int
    unanswered_days: int


def reminder_page(
    session: Session, account_id: str, query: ReminderQuery, limit: int, cursor: str | None
) -> Page[ContractReminder]:
    """One page of the account's reminders due before ``query.before``, oldest first."""
    after = decode_cursor(cursor, REMINDER_KEY) if cursor is not None else None
    found = sorted(
        (r for r in account_reminders(session, account_id, query) if after is None or r.id > after),
        key=lambda r: r.id,
    )
    return page_of(found[: limit + 1], limit, lambda r: r.id)


def account_reminders(
    session: Session, account_id: str, query: ReminderQuery
) -> list[ContractReminder]:
    """Every reminder of the account's live contracts due before ``query.before``."""
    rows = session.scalars(
        select(Contract).where(
            Contract.account_id == account_id, Contract.status.in_(LIVE_STATUSES)
        )
    ).all()
    found: list[ContractReminder] = []
    for contract in rows:
        found += contract_reminders(contract.id, terms_of(contract), session, query)
    return found


def contract_reminders(
    contract_id: str, terms: ContractTerms, session: Session, query: ReminderQuery
) -> list[ContractReminder]:
    """The reminders of one contract due before ``query.before``."""
    events = load_events(session, contract_id)
    if not events:
        return []
    state = fold(events, max(query.before, events[-1].at), terms)
    due = reminders(terms, state, query.lead_days, query.unanswered_days)
    return [
        ContractReminder(
            id=_key(contract_id, reminder),
            contract_id=contract_id,
            reminder=reminder,
            notice=deemed_approval_notice(terms, state.deliverable(reminder.deliverable))
            if reminder.kind == "deemed_approval" and reminder.deliverable is not None
            else None,
        )
        for reminder in due
        if reminder.at < query.before
    ]


def _key(contract_id: str, reminder: Reminder) -> str:
    moment = reminder.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"{moment}|{contract_id}|{reminder.kind}|{reminder.subject}"
