"""Rule ``unknown_deliverable``: a request must name a deliverable of the contract.

It is the one rule that raises: a request about something the contract does not contain
cannot be judged at all (`RequestError`), whereas every other finding is a verdict.
"""

from __future__ import annotations

from roundwise.engine.errors import FieldProblem, RequestError
from roundwise.engine.terms import ContractTerms, Deliverable


def check_unknown_deliverable(terms: ContractTerms, deliverable_id: str) -> Deliverable:
    """The named deliverable, or `RequestError` listing the ids the contract has."""
    found = terms.deliverable(deliverable_id)
    if found is not None:
        return found
    known = ", ".join(d.id for d in terms.deliverables)
    reason = f"unknown deliverable {deliverable_id!r}; this contract has: {known}"
    raise RequestError(reason, (FieldProblem(path="deliverable", reason=reason),))
