"""Kill fee by project stage: what a cancellation costs, by how far the work had got.

A contract may name one share (``payment.kill_fee_share``, the original clause 9: the
client pays for the work delivered so far and that share of the fees for the work not
yet delivered) or a share per stage (``payment.kill_fee_by_stage``): a share of a
deliverable's fee owed when the project is cancelled before its first delivery, after
its first draft, or after revised versions. An approved deliverable is finished work and
is owed in full either way.

The single share reads as stages too: before the first delivery it is the share, once a
version was delivered the work is "delivered so far" and owed in full. So every contract,
old or new, computes its kill fee the same way (`stage_share`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from roundwise.engine.terms.bounds import Fraction

KillFeeStage = Literal["before_first_delivery", "after_first_draft", "after_revisions", "approved"]
KILL_FEE_STAGES: tuple[KillFeeStage, ...] = (
    "before_first_delivery",
    "after_first_draft",
    "after_revisions",
    "approved",
)
FULL = Decimal(1)


class KillFeeByStage(BaseModel):
    """A share of each deliverable's fee owed on cancellation, by the stage it reached.

    The shares may not fall as the work advances: cancelling later never costs less.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    before_first_delivery: Fraction
    after_first_draft: Fraction
    after_revisions: Fraction

    @model_validator(mode="after")
    def _never_cheaper_later(self) -> KillFeeByStage:
        if self.after_first_draft < self.before_first_delivery:
            raise ValueError("after_first_draft is less than before_first_delivery")
        if self.after_revisions < self.after_first_draft:
            raise ValueError("after_revisions is less than after_first_draft")
        return self


def stage_share(
    stage: KillFeeStage, single_share: Decimal, by_stage: KillFeeByStage | None
) -> Decimal:
    """The share of a deliverable's fee owed on cancellation at ``stage``."""
    if stage == "approved":
        return FULL
    if by_stage is None:
        return single_share if stage == "before_first_delivery" else FULL
    shares: dict[KillFeeStage, Decimal] = {
        "before_first_delivery": by_stage.before_first_delivery,
        "after_first_draft": by_stage.after_first_draft,
        "after_revisions": by_stage.after_revisions,
    }
    return shares[stage]


def stage_of(versions_delivered: int, approved: bool) -> KillFeeStage:
    """The stage a deliverable reached: approved, else by the versions delivered."""
    if approved:
        return "approved"
    if versions_delivered == 0:
        return "before_first_delivery"
    return "after_first_draft" if versions_delivered == 1 else "after_revisions"
