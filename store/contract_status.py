"""A contract's status step with its ``contract.status_changed`` webhook event: one call
for the API route and the web page, so a status changed from either is announced alike
(in the caller's transaction; the caller commits)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from roundwise.store import outbox
from roundwise.store.contracts import transition
from roundwise.store.ledger import Clock
from roundwise.store.models import Contract


def change_status(
    session: Session, account_id: str, contract: Contract, target: str, clock: Clock
) -> None:
    """Move the (locked) contract one step on and queue ``contract.status_changed``."""
    previous = contract.status
    transition(session, contract, target, clock)
    status_changed = {
        "contract_id": contract.id,
        "from": previous,
        "to": contract.status,
        "at": contract.updated_at.isoformat(),
    }
    outbox.enqueue(session, account_id, outbox.CONTRACT_STATUS_CHANGED, status_changed)


__all__ = ["change_status"]
