"""The facts every rule reads: one request against one deliverable at one moment.

Rule: rules never compute facts themselves from raw inputs; `evaluate` gathers them here
once (the policy in force, the deliverable's folded state, the analysed items, the
measured change) so each rule is a small, pure predicate over the same values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache

from roundwise.engine.ledger.state import Approval, DeliverableState
from roundwise.engine.rules.result import ClauseRef
from roundwise.engine.terms import ClauseKey, ContractTerms, Deliverable, RevisionPolicy, percent
from roundwise.engine.terms.clauses import clause_heading
from roundwise.engine.understand import ChangeItem


@dataclass(frozen=True, slots=True)
class Change:
    """How much a supplied revised text changes the current version (word counts)."""

    changed_words: int
    words_old: int

    @property
    def share(self) -> Decimal:
        """changed_words / words_old as an exact Decimal (0 when the old text is empty)."""
        if self.words_old == 0:
            return Decimal(self.changed_words)
        return Decimal(self.changed_words) / Decimal(self.words_old)

    def exceeds(self, limit: Decimal) -> bool:
        """Strictly over the limit; exactly at it is allowed (compared without rounding)."""
        return Decimal(self.changed_words) > limit * Decimal(self.words_old)


@cache
def _clause_ref(key: ClauseKey) -> ClauseRef:
    """A citation needs no clause text, so none is written (see ``clause_heading``)."""
    number, title = clause_heading(key)
    return ClauseRef(number=number, title=title, citation=f"clause {number} ({title})")


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the rules need, gathered once by `evaluate`."""

    terms: ContractTerms
    deliverable: Deliverable
    policy: RevisionPolicy
    state: DeliverableState
    completed_at: datetime | None
    received_at: datetime
    items: tuple[ChangeItem, ...]
    change: Change | None
    revised_text_given: bool

    def cite(self, key: ClauseKey) -> ClauseRef:
        """The clause reference for a key (clause numbers and titles are fixed per key)."""
        return _clause_ref(key)

    def indices(self, *scopes: str) -> tuple[int, ...]:
        """Indices of the items whose scope is one of ``scopes``."""
        return tuple(i for i, item in enumerate(self.items) if item.scope in scopes)

    @property
    def round_items(self) -> tuple[int, ...]:
        """Items that count against a revision round (own errors too, if not free)."""
        if self.policy.free_fixes:
            return self.indices("in_scope")
        return self.indices("in_scope", "free_fix")

    @property
    def approval(self) -> Approval | None:
        """The approval the request came after (received at or after it), if any."""
        approval = self.state.approval
        if approval is not None and self.received_at >= approval.at:
            return approval
        return None

    @property
    def after_completion(self) -> bool:
        """Whether the request was received once the contract was completed."""
        return self.completed_at is not None and self.received_at >= self.completed_at

    @property
    def approved(self) -> bool:
        """Received after approval of the deliverable or completion of the contract."""
        return self.approval is not None or self.after_completion

    @property
    def too_large(self) -> bool:
        """Whether the in-scope part is over the per-round size limit."""
        return self.share_over_limit or self.items_over_limit

    @property
    def share_over_limit(self) -> bool:
        """Measured text change strictly above ``max_change_share``."""
        limit = self.policy.max_change_share
        if limit is None or self.change is None or self.deliverable.measure_unit != "words":
            return False
        return self.change.exceeds(limit)

    @property
    def items_over_limit(self) -> bool:
        """Visual work: more change items than ``max_change_items``."""
        limit = self.policy.max_change_items
        if limit is None or self.deliverable.measure_unit != "items":
            return False
        return len(self.round_items) > limit

    def local_date(self, moment: datetime) -> str:
        """A moment as the contract's local date (ISO), for explanations."""
        return moment.astimezone(self.terms.zone).date().isoformat()


def share_text(share: Decimal) -> str:
    """A share for people: 0.41666 -> "41.7%", 0.3 -> "30%"."""
    return percent(share.quantize(Decimal("0.001")))
