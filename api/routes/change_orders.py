"""Change orders: draft from judged requests or free items, edit, send, answer for the client.

Thin: each route locks the contract, calls ``store.change_orders`` and commits once. The
client answers through the link ``POST …/send`` returns (``api/routes/accept.py``); the
freelancer may record the client's answer here, with a note of how it was given. The PDF
of a change order is ``GET …/change-orders/{n}.pdf`` (``api/routes/documents.py``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, status
from sqlalchemy.orm import Session

from roundwise.api.change_order_schemas import (
    AnswerIn,
    ChangeOrderIn,
    ChangeOrderList,
    ChangeOrderOut,
    ChangeOrderPatch,
    SentOut,
)
from roundwise.api.deps import AccountDep, SessionDep, SettingsDep, WriteSessionDep
from roundwise.api.errors import problem_responses
from roundwise.api.middleware import claims_its_own_key
from roundwise.store import change_orders, contracts
from roundwise.store.base import utcnow

router = APIRouter(
    prefix="/contracts/{contract_id}/change-orders",
    tags=["change orders"],
    responses=problem_responses(400, 401, 404, 413, 422),
)

Number = Annotated[int, Path(ge=1, le=1_000_000, description="The change order's number.")]


@router.post("", status_code=status.HTTP_201_CREATED, responses=problem_responses(409))
def issue_change_order(
    contract_id: str,
    body: ChangeOrderIn,
    account: AccountDep,
    session: WriteSessionDep,
    settings: SettingsDep,
) -> ChangeOrderOut:
    """Draft a numbered change order pricing judged requests (by id) and/or free items."""
    contract = contracts.lock_contract(session, account, contract_id)
    terms = contracts.terms_of(contract)
    days = settings.change_order_valid_days
    record = change_orders.create(session, contract, terms, body.pricing(), days, utcnow)
    session.commit()
    return ChangeOrderOut.of(record)


@router.get("")
def list_change_orders(
    contract_id: str, account: AccountDep, session: SessionDep
) -> ChangeOrderList:
    """The contract's change orders, by number."""
    records = change_orders.list_of(session, account, contract_id)
    return ChangeOrderList(items=[ChangeOrderOut.of(r) for r in records])


@router.get("/{number:int}")
def read_change_order(
    contract_id: str, number: Number, account: AccountDep, session: SessionDep
) -> ChangeOrderOut:
    """One change order."""
    return ChangeOrderOut.of(change_orders.get(session, account, contract_id, number))


@router.patch("/{number:int}", responses=problem_responses(409))
def edit_change_order(
    contract_id: str,
    number: Number,
    body: ChangeOrderPatch,
    account: AccountDep,
    session: WriteSessionDep,
) -> ChangeOrderOut:
    """Edit a draft's quote (line prices, descriptions), validity date or clause amended."""
    contract, record = change_orders.locked(session, account, contract_id, number)
    terms = contracts.terms_of(contract)
    edits = [line.edit() for line in body.lines]
    record = change_orders.edit_draft(
        session, contract, terms, record, edits, body.valid_until, body.amends, utcnow
    )
    session.commit()
    return ChangeOrderOut.of(record)


@router.put("/{number:int}", responses=problem_responses(409))
def replace_change_order(
    contract_id: str,
    number: Number,
    body: ChangeOrderIn,
    account: AccountDep,
    session: WriteSessionDep,
    settings: SettingsDep,
) -> ChangeOrderOut:
    """Price a draft again from scratch (same body as issuing one); keeps its number."""
    contract, record = change_orders.locked(session, account, contract_id, number)
    terms = contracts.terms_of(contract)
    days = settings.change_order_valid_days
    record = change_orders.replace_draft(
        session, contract, terms, record, body.pricing(), days, utcnow
    )
    session.commit()
    return ChangeOrderOut.of(record)


@router.post("/{number:int}/send", responses=problem_responses(409))
@claims_its_own_key
def send_change_order(
    contract_id: str,
    number: Number,
    request: Request,
    account: AccountDep,
    session: WriteSessionDep,
) -> SentOut:
    """Send it: the ledger records it, and the client's acceptance link is returned.

    Sending again while it is unanswered returns a new link; the old one stops working.
    Safe to retry by itself, so it keeps no Idempotency-Key record: the record would
    hold the response, and with it the link's token, which is never stored.
    """
    contract, record = change_orders.locked(session, account, contract_id, number)
    terms = contracts.terms_of(contract)
    token = change_orders.send(session, contract, terms, record, utcnow)
    session.commit()
    url = str(request.url_for("change_order_link", token=token))
    return SentOut(change_order=ChangeOrderOut.of(record), accept_url=url)


@router.post("/{number:int}/accept", responses=problem_responses(409))
def accept_change_order(
    contract_id: str,
    number: Number,
    body: AnswerIn,
    account: AccountDep,
    session: WriteSessionDep,
) -> ChangeOrderOut:
    """Record that the client accepted (told the freelancer), with a note of how."""
    return _answer(session, account, contract_id, number, body, accept=True)


@router.post("/{number:int}/decline", responses=problem_responses(409))
def decline_change_order(
    contract_id: str,
    number: Number,
    body: AnswerIn,
    account: AccountDep,
    session: WriteSessionDep,
) -> ChangeOrderOut:
    """Record that the client declined (told the freelancer), with a note of how."""
    return _answer(session, account, contract_id, number, body, accept=False)


def _answer(
    session: Session,
    account: str,
    contract_id: str,
    number: int,
    body: AnswerIn,
    accept: bool,
) -> ChangeOrderOut:
    contract, record = change_orders.locked(session, account, contract_id, number)
    terms = contracts.terms_of(contract)
    record = change_orders.answer(
        session, contract, terms, record, accept, "freelancer", body.note, utcnow
    )
    session.commit()
    return ChangeOrderOut.of(record)


__all__ = ["router"]
