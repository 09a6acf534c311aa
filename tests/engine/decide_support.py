"""Builders for decision tests: judge a message against an example ledger in one call."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from roundwise.engine.decide import Decision, RevisionRequest, evaluate
from roundwise.engine.ledger import Event, fold
from roundwise.engine.terms import ContractTerms

IN_SCOPE = (
    "Hi Ana, thanks for the draft! Could you make the opening paragraph a bit shorter and "
    "mention our new rye sourdough in the second section?"
)
OUT_OF_SCOPE = (
    "Looks good. While you're at it, could you also write five Instagram posts for the launch week?"
)
FREE_FIX = (
    "You wrote that my grandfather opened the bakery in 1972 but the brief clearly says "
    "1962. Please correct it."
)
VAGUE = "I don't know, it just doesn't feel right. Can you make it better?"
MIXED = (
    'Please swap "family tradition" for "three generations" in the headline, and could you '
    "also translate the whole page into German for our Austrian customers?"
)


def judge(
    terms: ContractTerms,
    events: Sequence[Event],
    message: str,
    now: datetime,
    deliverable: str = "home",
    *,
    revised_text: str | None = None,
    items: Sequence[str] = (),
    received: datetime | None = None,
) -> Decision:
    """Fold ``events`` at ``now`` and evaluate one request there."""
    request = RevisionRequest(
        deliverable=deliverable,
        message=message,
        revised_text=revised_text,
        items=tuple(items),
        received_at=received,
    )
    return evaluate(terms, fold(events, now, terms), request, now)


def replaced(n_words: int, n_changed: int) -> str:
    """The ``words(n_words)`` text with its first ``n_changed`` words replaced."""
    return " ".join(f"new{i}" if i < n_changed else f"word{i}" for i in range(n_words))
