"""A contract's ledger (the append-only event log) and its scope report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from roundwise.api.deps import AccountDep, PageDep, SessionDep
from roundwise.api.errors import problem_responses
from roundwise.api.schemas import PageOut
from roundwise.engine.scope import report_dict, scope_report
from roundwise.store import contracts, ledger
from roundwise.store.base import utcnow

router = APIRouter(
    prefix="/contracts/{contract_id}",
    tags=["ledger"],
    responses=problem_responses(400, 401, 404, 413, 422),
)


class EventOut(BaseModel):
    """One ledger event: its place, type, time and the event itself."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    payload: dict[str, Any]


@router.get("/ledger")
def read_ledger(
    contract_id: str, account: AccountDep, session: SessionDep, page: PageDep
) -> PageOut[EventOut]:
    """The contract's events in order (oldest first), with cursor pagination."""
    contract = contracts.get_contract(session, account, contract_id)
    result = ledger.event_page(session, contract.id, page.limit, page.cursor)
    return PageOut[EventOut](
        items=[EventOut.model_validate(e) for e in result.items], next_cursor=result.next_cursor
    )


@router.get("/scope-report", responses=problem_responses(409))
def read_scope_report(contract_id: str, account: AccountDep, session: SessionDep) -> dict[str, Any]:
    """Scope creep so far: rounds, cumulative change, out-of-scope asks, score and alerts."""
    contract = contracts.get_contract(session, account, contract_id)
    events = ledger.load_events(session, contract.id)
    now = ledger.ledger_time(session, contract.id, utcnow)
    return report_dict(scope_report(contracts.terms_of(contract), events, now))
