"""Reminders across the caller's contracts: review windows ending, deemed approvals
(with the notice drafted for the client), change orders unanswered, deposits unpaid.

Computed from the ledgers on each call (`store.reminders`), never stored; ``before``
(default: now) bounds when they are due, so a client can poll ``before=now`` or look a
week ahead. A deemed approval carries its notice, in the client's language, for the
integrations' ``approval.deemed`` webhook to send.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel

from roundwise.api.deps import AccountDep, PageDep, SessionDep
from roundwise.api.errors import problem_responses
from roundwise.api.schemas import PageOut
from roundwise.engine.ledger import ReminderKind
from roundwise.store import reminders
from roundwise.store.base import utcnow

router = APIRouter(tags=["reminders"], responses=problem_responses(400, 401, 422))


class NoticeOut(BaseModel):
    """A letter drafted for the client; ``reviewed`` is false for machine-written text."""

    language: str
    subject: str
    body: str
    reviewed: bool


class ReminderOut(BaseModel):
    """One reminder: due ``at``, about a contract (and a deliverable or change order)."""

    id: str
    kind: ReminderKind
    at: datetime
    contract_id: str
    subject: str
    message: str
    deliverable: str | None
    version: int | None
    change_order: int | None
    notice: NoticeOut | None


def reminder_out(found: reminders.ContractReminder) -> ReminderOut:
    """The API's view of one reminder."""
    reminder, notice = found.reminder, found.notice
    return ReminderOut(
        id=found.id,
        kind=reminder.kind,
        at=reminder.at,
        contract_id=found.contract_id,
        subject=reminder.subject,
        message=reminder.message,
        deliverable=reminder.deliverable,
        version=reminder.version,
        change_order=reminder.change_order,
        notice=None
        if notice is None
        else NoticeOut(
            language=notice.language,
            subject=notice.subject,
            body=notice.body,
            reviewed=notice.reviewed,
        ),
    )


@router.get("/reminders")
def list_reminders(
    account: AccountDep,
    session: SessionDep,
    page: PageDep,
    before: Annotated[
        AwareDatetime | None, Query(description="Reminders due before this time (default: now).")
    ] = None,
    lead_days: Annotated[
        int, Query(ge=0, le=60, description="Days before a review window ends to remind.")
    ] = 2,
    unanswered_days: Annotated[
        int, Query(ge=1, le=365, description="Days a change order may wait unanswered.")
    ] = 7,
) -> PageOut[ReminderOut]:
    """The caller's reminders due before ``before``, oldest first, with cursor pagination."""
    query = reminders.ReminderQuery(before or utcnow(), lead_days, unanswered_days)
    result = reminders.reminder_page(session, account, query, page.limit, page.cursor)
    return PageOut[ReminderOut](
        items=[reminder_out(r) for r in result.items], next_cursor=result.next_cursor
    )
