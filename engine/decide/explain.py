"""The decision's plain-text explanation and the billable parts it quotes.

Rule: the explanation is assembled from the fired rules' own sentences (each cites its
clause with the measured figure and the limit), after a headline naming the verdict — or,
for a mixed request, every part with its item count — and before the quote with its
arithmetic. Same facts, same sentences, in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal

from roundwise.engine.decide.decision import ItemDecision
from roundwise.engine.ledger.events import Quote, QuoteKind, QuotePart, Verdict
from roundwise.engine.rules import Facts, RuleResult, new_work_part, round_part
from roundwise.engine.terms import money

HEADLINES: dict[Verdict, str] = {
    "included": "Included: the request uses an included revision round",
    "free_fix": "Free fix: it corrects the freelancer's own error at no cost",
    "extra_round": "Extra round: no included revision round is left",
    "too_large": "Too large: the change is bigger than one revision round allows",
    "out_of_scope": "Out of scope: it asks for work outside the agreement",
    "after_approval": "After approval: changes to approved work are new work",
    "needs_clarification": "Needs clarification: it does not yet say what to change",
}
PARTS: dict[Verdict, str] = {
    "included": "included in a revision round",
    "free_fix": "a free fix",
    "extra_round": "a paid extra round",
    "too_large": "too large for one round",
    "out_of_scope": "out of scope (change order)",
    "after_approval": "after approval (new work)",
    "needs_clarification": "in need of clarification",
}
_ROUND_LABELS: dict[QuoteKind, str] = {
    "extra_round": "extra round",
    "too_large": "too large for one round",
    "after_approval": "new work after approval",
}


def rounds_needed(facts: Facts) -> int:
    """How many rounds of the size limit the in-scope change would take (at least 1)."""
    policy = facts.policy
    if facts.deliverable.measure_unit == "items" and policy.max_change_items:
        count = Decimal(len(facts.round_items)) / Decimal(policy.max_change_items)
        return max(int(count.to_integral_value(rounding=ROUND_CEILING)), 1)
    change = facts.change
    if change is None or policy.max_change_share is None or change.words_old == 0:
        return 1
    ratio = Decimal(change.changed_words) / (policy.max_change_share * change.words_old)
    return max(int(ratio.to_integral_value(rounding=ROUND_CEILING)), 1)


def quote_parts(facts: Facts, items: Sequence[ItemDecision]) -> tuple[QuotePart, ...]:
    """One part for the in-scope work when it is billable, one per out-of-scope item."""
    parts: list[QuotePart] = []
    round_verdicts = {items[i].verdict for i in facts.round_items if i < len(items)}
    for verdict, label in _ROUND_LABELS.items():
        if verdict in round_verdicts:
            rounds = rounds_needed(facts) if verdict == "too_large" else 1
            parts.append(round_part(facts, verdict, label, rounds))
            break
    parts += [new_work_part(facts, i.text) for i in items if i.verdict == "out_of_scope"]
    return tuple(parts)


def explanation(
    facts: Facts,
    verdicts: tuple[Verdict, ...],
    items: Sequence[ItemDecision],
    results: Sequence[RuleResult],
    quote: Quote | None,
) -> str:
    """The plain-text explanation: headline, the fired rules' sentences, the quote."""
    sentences = [_headline(verdicts, items)]
    for result in results:
        measured_fit = result.name == "too_large" and result.measured is not None
        if result.fired or measured_fit:
            sentences.append(result.explanation)
    if quote is not None:
        sentences.append(f"Quote: {money(facts.terms, quote.amount)} ({quote.computation}).")
    return " ".join(sentences)


def _headline(verdicts: tuple[Verdict, ...], items: Sequence[ItemDecision]) -> str:
    if len(verdicts) <= 1:
        verdict = verdicts[0] if verdicts else "needs_clarification"
        return HEADLINES[verdict] + "."
    counts = [(v, sum(1 for i in items if i.verdict == v)) for v in verdicts]
    parts = "; ".join(f"{n} item{'s' if n != 1 else ''} {PARTS[v]}" for v, n in counts)
    return f"Mixed request: {parts}."
