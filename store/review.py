"""The freelancer's review of a decision: confirm it as it is (issue 16.5).

A decision whose reading was too unsure (``needs_review``) is stored and shown, but the
ledger's fold counts its round only once the freelancer confirms it. Confirming appends a
`DecisionConfirmed` event under the contract's lock and marks the stored decision and
its reply as checked; the ledger keeps the history (the decision, then the confirmation).

Every look-up is scoped to the caller's account: another account's request is a 404.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundwise.engine.ledger import ContractState, DecisionConfirmed, Event, Folding, fold
from roundwise.engine.terms import ContractTerms
from roundwise.store.contracts import lock_contract, terms_of
from roundwise.store.errors import ConflictError, NotFoundError
from roundwise.store.judgements import Judged, judged_of
from roundwise.store.ledger import Clock, append_events, ledger_time, load_events
from roundwise.store.models import (
    Contract,
    DecisionRecord,
    ReplyRecord,
    RevisionRequestRecord,
)


def request_of_account(session: Session, account_id: str, request_id: str) -> RevisionRequestRecord:
    """The account's revision request (any contract of the account); 404 otherwise."""
    row = session.scalars(
        select(RevisionRequestRecord)
        .join(Contract, Contract.id == RevisionRequestRecord.contract_id)
        .where(Contract.account_id == account_id, RevisionRequestRecord.id == request_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no revision request {request_id!r}")
    return row


def locked_ledger(
    session: Session, account_id: str, row: RevisionRequestRecord, clock: Clock
) -> tuple[Contract, ContractTerms, list[Event], ContractState]:
    """The request's contract locked, its terms, its events and its state at the ledger's
    next time (what confirming or correcting judges against)."""
    contract = lock_contract(session, account_id, row.contract_id)
    terms = terms_of(contract)
    events = load_events(session, contract.id)
    now = ledger_time(session, contract.id, clock)
    return contract, terms, events, fold(events, now, terms)


def append_folded(
    session: Session,
    contract: Contract,
    terms: ContractTerms,
    state: ContractState,
    new: list[Event],
) -> list[int]:
    """Append ``new`` after checking the ledger still folds with them (a `LedgerError`,
    a 409, rejects them unstored)."""
    folding = Folding(terms, state)
    for event in new:
        folding.apply(event)
    return append_events(session, contract, new)


def confirm_decision(session: Session, account_id: str, request_id: str, clock: Clock) -> Judged:
    """Confirm the decision on the account's request as the engine made it.

    409 when there is nothing to confirm (the decision needs no review, or is confirmed
    already) and when its round is no longer left (another request took it meanwhile:
    correcting the assessment re-judges it on the ledger as it is now).
    """
    row = request_of_account(session, account_id, request_id)
    contract, terms, _events, state = locked_ledger(session, account_id, row, clock)
    record = state.request(request_id)
    decision = None if record is None else record.decision
    if record is None or decision is None or not decision.needs_review or record.final:
        raise ConflictError(f"the decision on {request_id!r} awaits no confirmation")
    if decision.consumed_round and state.deliverable(decision.deliverable).rounds_left == 0:
        raise ConflictError(
            f"the round the decision on {request_id!r} would use is no longer left: "
            "correct the assessment instead, which judges it again"
        )
    assert state.as_of is not None
    event = DecisionConfirmed(at=state.as_of, request_id=request_id)
    append_folded(session, contract, terms, state, [event])
    judged = judged_of(session, row)
    _mark_checked(session, judged, int(decision.consumed_round))
    session.flush()
    return judged_of(session, row)


def _mark_checked(session: Session, judged: Judged, rounds_taken: int) -> None:
    """The stored decision and reply as the freelancer confirmed them: final, no longer
    a draft to check (the ledger keeps that it was one)."""
    decision = session.get_one(DecisionRecord, judged.decision.id)
    document: dict[str, Any] = dict(decision.document)
    document["needs_review"] = False
    document["rounds_left"] = max(int(document["rounds_left"]) - rounds_taken, 0)
    decision.document = document
    reply = session.get_one(ReplyRecord, judged.reply.id)
    reply.document = {**reply.document, "needs_review": False}


__all__ = [
    "append_folded",
    "confirm_decision",
    "locked_ledger",
    "request_of_account",
]
