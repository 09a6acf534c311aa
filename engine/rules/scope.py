"""Rules on what an item asks for: ``out_of_scope``, ``free_fix`` and ``vague``.

The item scopes come from `engine.understand` (with the cues that decided them); these
rules turn them into verdicts and tie each to its clause: work not among the deliverables
or listed as excluded is a change order (clause 3 / 6.7), the freelancer's own errors are
fixed free without using a round (6.3, when the policy says so), and a change too vague
to act on needs a clarifying question (6.1: a round is spent on actionable changes).
"""

from __future__ import annotations

from decimal import Decimal

from roundwise.engine.rules.facts import Facts
from roundwise.engine.rules.result import RuleResult
from roundwise.engine.terms import ClauseKey


def check_out_of_scope(facts: Facts) -> RuleResult:
    """Fires for items asking for work outside the deliverables or among the exclusions."""
    items = facts.indices("out_of_scope")
    clause = facts.cite(ClauseKey.EXCLUSIONS)
    order = facts.cite(ClauseKey.OUT_OF_SCOPE).citation
    if items:
        asks = "; ".join(f"“{facts.items[i].text}”" for i in items)
        text = (
            f"Not part of the agreed work ({clause.citation}): {asks}. It can be ordered "
            f"through a change order under {order}."
        )
    else:
        text = "Every item concerns the agreed deliverables."
    return RuleResult(
        name="out_of_scope",
        fired=bool(items),
        verdict="out_of_scope" if items else None,
        clause=clause,
        measured=Decimal(len(items)),
        unit="items",
        items=items,
        explanation=text,
    )


def check_free_fix(facts: Facts) -> RuleResult:
    """Fires for the freelancer's own errors when the policy fixes them free."""
    items = facts.indices("free_fix")
    clause = facts.cite(ClauseKey.OWN_ERRORS)
    fired = bool(items) and facts.policy.free_fixes
    if not items:
        text = "No item points to an error of the freelancer's."
    elif fired:
        text = (
            f"{len(items)} item(s) correct the freelancer's own error, fixed free and without "
            f"using a revision round ({clause.citation})."
        )
    else:
        text = (
            f"{len(items)} item(s) correct the freelancer's own error, but under "
            f"{clause.citation} corrections are handled as revision rounds."
        )
    return RuleResult(
        name="free_fix",
        fired=fired,
        verdict="free_fix" if fired else None,
        clause=clause,
        measured=Decimal(len(items)),
        unit="items",
        items=items if fired else (),
        explanation=text,
    )


def check_vague(facts: Facts) -> RuleResult:
    """Fires for items with no actionable change (or a message with no items at all)."""
    items = facts.indices("vague")
    clause = facts.cite(ClauseKey.ROUNDS)
    fired = bool(items) or not facts.items
    if fired:
        text = (
            "Part of the request does not say what to change; a clarifying question comes "
            f"before any work, and asking it uses no revision round ({clause.citation})."
        )
    else:
        text = "Every item names an actionable change."
    return RuleResult(
        name="vague",
        fired=fired,
        verdict="needs_clarification" if fired else None,
        clause=clause,
        measured=Decimal(len(items)),
        unit="items",
        items=items,
        explanation=text,
    )
