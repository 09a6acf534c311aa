"""What a rule returns: whether it fired, the verdict it implies, the clause and the figures.

Rule: every rule returns a `RuleResult`, fired or not, so a decision can list every
finding with its reason; nothing is decided by an exception.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from roundwise.engine.ledger.events import Verdict
from roundwise.engine.terms import Clause


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ClauseRef(_Frozen):
    """A clause as a decision cites it: number, title and the citation text."""

    number: str
    title: str
    citation: str

    @classmethod
    def of(cls, clause: Clause) -> ClauseRef:
        """The reference for a numbered clause of the terms."""
        return cls(number=clause.number, title=clause.title, citation=clause.citation)


class RuleResult(_Frozen):
    """What one rule found: fired or not, the verdict it implies and its evidence.

    ``measured`` and ``limit`` are in ``unit`` (``share`` of the words, ``items``,
    ``rounds``); ``items`` are the indices of the change items the rule applies to.
    """

    name: str
    fired: bool
    verdict: Verdict | None
    clause: ClauseRef
    measured: Decimal | None = None
    limit: Decimal | None = None
    unit: str | None = None
    items: tuple[int, ...] = ()
    explanation: str
