"""Rules on revision rounds: ``extra_round`` and ``included`` (clauses 6.1 and 6.6).

``included``: the in-scope part fits a round that is still available, the deliverable
was not approved when the request arrived, and the change is within the size limit: it
consumes one round. ``extra_round``: no included round is left, so the in-scope part is
a paid extra round. Rounds come from the policy plus accepted change orders (the fold).
"""

from __future__ import annotations

from decimal import Decimal

from roundwise.engine.rules.facts import Facts
from roundwise.engine.rules.result import RuleResult
from roundwise.engine.terms import ClauseKey


def _rounds_phrase(facts: Facts) -> str:
    state = facts.state
    return (
        f"{state.rounds_used} of {state.rounds_included} included revision round(s) of "
        f"{facts.deliverable.title} used"
    )


def check_extra_round(facts: Facts) -> RuleResult:
    """Fires when in-scope changes arrive (before approval) with no included round left."""
    clause = facts.cite(ClauseKey.ROUNDS)
    extra = facts.cite(ClauseKey.EXTRA_ROUNDS).citation
    left = facts.state.rounds_left
    fired = bool(facts.round_items) and left == 0 and not facts.approved
    if left == 0:
        text = f"{_rounds_phrase(facts)} ({clause.citation}); a further round is paid ({extra})."
    else:
        text = f"{_rounds_phrase(facts)}; {left} left ({clause.citation})."
    return RuleResult(
        name="extra_round",
        fired=fired,
        verdict="extra_round" if fired else None,
        clause=clause,
        measured=Decimal(facts.state.rounds_used),
        limit=Decimal(facts.state.rounds_included),
        unit="rounds",
        items=facts.round_items if fired else (),
        explanation=text,
    )


def check_included(facts: Facts) -> RuleResult:
    """Fires when the in-scope part fits an available round: it consumes that round."""
    clause = facts.cite(ClauseKey.ROUNDS)
    state = facts.state
    fired = (
        bool(facts.round_items)
        and state.rounds_left > 0
        and not facts.approved
        and not facts.too_large
    )
    if fired:
        number = state.rounds_used + 1
        text = (
            f"This is revision round {number} of {state.rounds_included} included for "
            f"{facts.deliverable.title} ({clause.citation}); {state.rounds_left - 1} left "
            "after it."
        )
    elif not facts.round_items:
        text = "No item asks for an in-scope revision, so no round is used."
    else:
        text = f"No included round is used for this request ({_rounds_phrase(facts)})."
    return RuleResult(
        name="included",
        fired=fired,
        verdict="included" if fired else None,
        clause=clause,
        measured=Decimal(state.rounds_used + (1 if fired else 0)),
        limit=Decimal(state.rounds_included),
        unit="rounds",
        items=facts.round_items if fired else (),
        explanation=text,
    )
