"""Where a message's intent leads: the clauses to cite and the event to propose.

A message is not always a revision request (``engine.understand.intent``). Each other
intent reaches the part of the contract that answers it:

- an **approval** proposes recording ``ApprovedExplicitly`` for the deliverable (clause
  6.4, review window and approval);
- a **payment or refund demand** and a **cancellation** cite the fees, deposit and
  payment clause (5) and the cancellation clause with its kill fee (7);
- a **legal threat** cites the same two and the general clause (9);
- a **start over** is new work: it proposes a change order (clause 6.7);
- **deadline pressure** cites the schedule (4).

Nothing is recorded here: the decision only *proposes*, and a decision that needs review
proposes nothing the freelancer has not confirmed (``confirm_first``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from roundwise.engine.rules.result import ClauseRef
from roundwise.engine.terms import ClauseKey, ContractTerms, clause, percent


class IntentRoute(BaseModel):
    """The clauses an intent cites, the ledger event it proposes, and a sentence saying so."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    intent: str
    clauses: tuple[ClauseRef, ...]
    proposed_event: str | None = None
    confirm_first: bool = True
    note: str


_CLAUSES: dict[str, tuple[ClauseKey, ...]] = {
    "approval": (ClauseKey.REVIEW,),
    "payment_dispute": (ClauseKey.FEES, ClauseKey.CANCELLATION),
    "cancellation": (ClauseKey.FEES, ClauseKey.CANCELLATION),
    "legal_threat": (ClauseKey.FEES, ClauseKey.CANCELLATION, ClauseKey.GENERAL),
    "start_over": (ClauseKey.OUT_OF_SCOPE,),
    "deadline_pressure": (ClauseKey.SCHEDULE,),
}
_EVENTS = {"approval": "approved_explicitly", "start_over": "change_order_issued"}


def _note(intent: str, terms: ContractTerms, deliverable: str) -> str:
    pay = terms.payment
    money_terms = (
        f"the deposit is {percent(pay.deposit_share)}, invoices are due in {pay.due_days} "
        f"days, and a cancellation costs the work delivered so far plus a kill fee of "
        f"{percent(pay.kill_fee_share)}"
    )
    notes = {
        "approval": f"The client approves {deliverable}: record the approval once you confirm.",
        "payment_dispute": f"The client disputes payment or asks for money back: {money_terms}.",
        "cancellation": f"The client cancels or pauses the project: {money_terms}.",
        "legal_threat": f"The client threatens legal action: {money_terms}.",
        "start_over": "The client rejects the work as a whole: a new concept is new work, "
        "offered as a change order.",
        "deadline_pressure": "The point is time: the schedule clause says what was agreed.",
    }
    return notes[intent]


def intent_route(
    intent: str, terms: ContractTerms, deliverable: str, needs_review: bool
) -> IntentRoute | None:
    """The route for ``intent`` (None for a revision request, a question, praise, other)."""
    keys = _CLAUSES.get(intent)
    if keys is None:
        return None
    return IntentRoute(
        intent=intent,
        clauses=tuple(ClauseRef.of(clause(terms, key)) for key in keys),
        proposed_event=_EVENTS.get(intent),
        confirm_first=True if needs_review else intent in _EVENTS,
        note=_note(intent, terms, deliverable),
    )
