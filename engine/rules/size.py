"""Rule ``too_large``: one revision round has a size limit (clause 6.2).

For written work the supplied revised text is measured against the current version with
`engine.measure` and the round may change at most ``max_change_share`` of its words;
exactly at the limit is allowed (the comparison is exact, on word counts). For visual
work the limit is the number of change items in the round (``max_change_items``).
A request that came after approval is new work anyway, so this rule does not fire then.
"""

from __future__ import annotations

from decimal import Decimal

from roundwise.engine.rules.facts import Facts, share_text
from roundwise.engine.rules.result import RuleResult
from roundwise.engine.terms import ClauseKey


def check_too_large(facts: Facts) -> RuleResult:
    """Fires when the in-scope part is over the per-round limit and not after approval."""
    if facts.deliverable.measure_unit == "items":
        return _by_items(facts)
    return _by_share(facts)


def _by_share(facts: Facts) -> RuleResult:
    clause = facts.cite(ClauseKey.ROUND_SIZE)
    limit = facts.policy.max_change_share
    change = facts.change
    fired = facts.share_over_limit and bool(facts.round_items) and not facts.approved
    if limit is None:
        text = f"{clause.citation} sets no size limit for a round of this deliverable."
    elif change is None:
        text = _unmeasured(facts)
    else:
        verb = "exceeds" if facts.share_over_limit else "fits"
        text = (
            f"The edits touch {share_text(change.share)} of the text ({change.changed_words} "
            f"of {change.words_old} words); {clause.citation} allows {share_text(limit)} per "
            f"round, so the change {verb} one round."
        )
    return RuleResult(
        name="too_large",
        fired=fired,
        verdict="too_large" if fired else None,
        clause=clause,
        measured=change.share if change is not None else None,
        limit=limit,
        unit="share",
        items=facts.round_items if fired else (),
        explanation=text,
    )


def _unmeasured(facts: Facts) -> str:
    if facts.revised_text_given:
        return (
            "A revised text was supplied but there is no delivered text version to compare "
            "it with, so the size of the change was not measured."
        )
    return "No revised text was supplied, so the size of the change was not measured."


def _by_items(facts: Facts) -> RuleResult:
    clause = facts.cite(ClauseKey.ROUND_SIZE)
    limit = facts.policy.max_change_items
    count = len(facts.round_items)
    fired = facts.items_over_limit and not facts.approved
    if limit is None:
        text = f"{clause.citation} sets no item limit for a round of this deliverable."
    else:
        verb = "exceeds" if facts.items_over_limit else "fits"
        text = (
            f"The request asks for {count} change item(s); {clause.citation} allows {limit} "
            f"per round, so the change {verb} one round."
        )
    return RuleResult(
        name="too_large",
        fired=fired,
        verdict="too_large" if fired else None,
        clause=clause,
        measured=Decimal(count),
        limit=Decimal(limit) if limit is not None else None,
        unit="items",
        items=facts.round_items if fired else (),
        explanation=text,
    )
