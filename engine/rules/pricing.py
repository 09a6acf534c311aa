"""Quotes for billable verdicts, with the arithmetic spelled out (clauses 6.6 and 6.7).

Rule: a quote is exact Decimal money in the contract's currency plus the computation a
person can check: a flat extra-round price times the rounds needed; a per-word rate
times the words changed, raised to the minimum; an hourly rate times the estimated hours.
Out-of-scope work is estimated from its size in the contract's own rates (words, pieces
like a priced deliverable, pieces by the hour, else the minimum hours): an estimate, and
the computation says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from roundwise.engine.changeorders.estimate import estimate_new_work
from roundwise.engine.ledger.events import Quote, QuoteKind, QuotePart
from roundwise.engine.rules.facts import Facts
from roundwise.engine.terms import FlatRoundPrice, Money, PerWordRoundPrice, money


def _money(facts: Facts, amount: Decimal) -> Money:
    return Money(amount=amount, currency=facts.terms.currency)


def _show(facts: Facts, amount: Decimal) -> str:
    return money(facts.terms, amount)


def round_part(facts: Facts, kind: QuoteKind, label: str, rounds: int = 1) -> QuotePart:
    """The price of ``rounds`` extra rounds of this deliverable, by the policy's basis."""
    price = facts.policy.extra_round
    if isinstance(price, FlatRoundPrice):
        total = price.amount * rounds
        how = f"{rounds} × {_show(facts, price.amount)} per extra round = {_show(facts, total)}"
    elif isinstance(price, PerWordRoundPrice):
        total, how = _per_word(facts, price)
    else:
        hours = price.estimated_hours * rounds
        total = price.rate * hours
        how = (
            f"{hours.normalize():f} h × {_show(facts, price.rate)} per hour = {_show(facts, total)}"
        )
    return QuotePart(kind=kind, label=label, price=_money(facts, total), computation=how)


def _per_word(facts: Facts, price: PerWordRoundPrice) -> tuple[Decimal, str]:
    if facts.change is None:
        how = (
            f"estimate: the minimum of {_show(facts, price.minimum)}; the final price is "
            f"{_show(facts, price.rate)} per word changed"
        )
        return price.minimum, how
    words = facts.change.changed_words
    raw = price.rate * words
    how = f"{words} words changed × {_show(facts, price.rate)} = {_show(facts, raw)}"
    if raw < price.minimum:
        return price.minimum, f"{how}; the minimum of {_show(facts, price.minimum)} applies"
    return raw, how


def new_work_part(facts: Facts, item_text: str) -> QuotePart:
    """The estimate for one out-of-scope item, from its size in the contract's own rates.

    The same estimate a change order made from this request starts from
    (`engine.changeorders.estimate`), so the reply, the statement and the change order
    state one price; with nothing to measure it is the minimum hours × the hourly rate.
    """
    found = estimate_new_work(facts.terms, facts.policy, item_text, near=facts.deliverable.id)
    amount, work = found.amount, found.computation
    if found.basis == "minimum":  # worded (and kept exact) as decisions always were
        pricing = facts.policy.out_of_scope
        amount = pricing.hourly_rate * pricing.minimum_hours
        work = f"{pricing.minimum_hours.normalize():f} h (minimum) × "
        work += f"{money(facts.terms, pricing.hourly_rate)} per hour = {money(facts.terms, amount)}"
    how = f"est. {work}; the change order states the final price"
    label = f"change order: {item_text[:150]}"
    price = _money(facts, amount)
    return QuotePart(kind="out_of_scope", label=label, price=price, computation=how)


def quote_of(facts: Facts, parts: Sequence[QuotePart]) -> Quote | None:
    """The parts summed into one quote, or None when nothing is billable."""
    if not parts:
        return None
    total = sum((part.price.amount for part in parts), Decimal(0))
    computation = "; ".join(f"{part.label}: {part.computation}" for part in parts)
    if len(parts) > 1:
        computation += f"; total {money(facts.terms, total)}"
    return Quote(total=_money(facts, total), computation=computation, parts=tuple(parts))
