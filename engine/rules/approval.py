"""Rule ``after_approval``: changes to approved work are new work (clauses 6.4-6.7).

It compares the time the client *sent* the request with the approval time, not the time
it is judged: a request received before a deemed approval but evaluated afterwards is
judged as if on time. Own errors stay free even after approval (see ``free_fix``).
"""

from __future__ import annotations

from roundwise.engine.rules.facts import Facts
from roundwise.engine.rules.result import RuleResult
from roundwise.engine.terms import ClauseKey

_KIND_TEXT = {
    "explicit": "approved by the client",
    "deemed": "deemed approved: no revision request arrived within the review window",
    "after_last_round": "approved when the last included revision round was delivered",
}


def check_after_approval(facts: Facts) -> RuleResult:
    """Fires when the request was received at or after approval (or completion)."""
    items = facts.round_items
    approval = facts.approval
    key = (
        ClauseKey.LAST_ROUND
        if approval and approval.kind == "after_last_round"
        else (ClauseKey.REVIEW)
    )
    title = facts.deliverable.title
    if approval is not None:
        when = f"{_KIND_TEXT[approval.kind]} on {facts.local_date(approval.at)}"
    elif facts.completed_at is not None and facts.after_completion:
        key = ClauseKey.OUT_OF_SCOPE
        when = f"part of a contract completed on {facts.local_date(facts.completed_at)}"
    else:
        return RuleResult(
            name="after_approval",
            fired=False,
            verdict=None,
            clause=facts.cite(ClauseKey.REVIEW),
            explanation=f"{title} was not approved when the request was received.",
        )
    fired = bool(items)
    clause = facts.cite(key)
    return RuleResult(
        name="after_approval",
        fired=fired,
        verdict="after_approval" if fired else None,
        clause=clause,
        items=items if fired else (),
        explanation=(
            f"{title} was {when} ({clause.citation}); changes to it are new work under "
            f"{facts.cite(ClauseKey.EXTRA_ROUNDS).citation}."
        ),
    )
