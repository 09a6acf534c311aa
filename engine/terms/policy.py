"""The revision policy: how many rounds, how large each may be, and what extra work costs.

A contract states one policy; a deliverable may override any field of it (a logo's
concepts stage may allow more rounds than its final artwork). `effective_policy` merges
the two so that every rule reads a single, complete policy.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from roundwise.engine.terms.bounds import ChangeItems, Hours, Share, SpecAmount
from roundwise.engine.terms.business_days import ReviewDays


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FlatRoundPrice(_Frozen):
    """An extra round costs a fixed amount per deliverable."""

    basis: Literal["flat"] = "flat"
    amount: SpecAmount


class PerWordRoundPrice(_Frozen):
    """An extra round is priced per word changed, with a minimum charge."""

    basis: Literal["per_word"] = "per_word"
    rate: SpecAmount
    minimum: SpecAmount = Decimal(0)


class HourlyRoundPrice(_Frozen):
    """An extra round is priced by the hour, estimated up front."""

    basis: Literal["hourly"] = "hourly"
    rate: SpecAmount
    estimated_hours: Hours = Decimal(1)


ExtraRoundPrice = Annotated[
    FlatRoundPrice | PerWordRoundPrice | HourlyRoundPrice, Field(discriminator="basis")
]


class OutOfScopePricing(_Frozen):
    """Work outside the deliverables is quoted by the hour through a change order."""

    hourly_rate: SpecAmount
    minimum_hours: Hours = Decimal(1)


DEFAULT_FREE_FIX_KINDS: tuple[str, ...] = (
    "typos and spelling mistakes",
    "facts that contradict the brief",
    "broken or incomplete files",
    "terms that do not follow the agreed glossary",
)


class RevisionPolicy(_Frozen):
    """The complete revision terms that apply to one deliverable."""

    rounds_included: Annotated[int, Field(ge=0, le=100)]
    max_change_share: Share | None = None
    max_change_items: ChangeItems | None = None
    review_window_days: Annotated[int, Field(ge=0, le=365)] = 7
    review_days: ReviewDays = "calendar"
    silence_means_approval: bool = True
    approval_after_last_round: bool = True
    extra_round: ExtraRoundPrice
    out_of_scope: OutOfScopePricing
    free_fixes: bool = True
    free_fix_kinds: tuple[str, ...] = DEFAULT_FREE_FIX_KINDS


class PolicyOverride(_Frozen):
    """Any subset of `RevisionPolicy` fields, applied on top of the contract's policy."""

    rounds_included: Annotated[int, Field(ge=0, le=100)] | None = None
    max_change_share: Share | None = None
    max_change_items: ChangeItems | None = None
    review_window_days: Annotated[int, Field(ge=0, le=365)] | None = None
    review_days: ReviewDays | None = None
    silence_means_approval: bool | None = None
    approval_after_last_round: bool | None = None
    extra_round: ExtraRoundPrice | None = None
    out_of_scope: OutOfScopePricing | None = None
    free_fixes: bool | None = None
    free_fix_kinds: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> PolicyOverride:
        if not self.model_fields_set:
            raise ValueError("an override must change at least one policy field")
        return self


def effective_policy(base: RevisionPolicy, override: PolicyOverride | None) -> RevisionPolicy:
    """The contract policy with a deliverable's set fields laid over it.

    A null field overrides nothing: a stored spec is the model's JSON dump, which writes
    every unset field of an override as null, so "explicitly null" cannot survive storing
    (and once laid over the policy, a null ``out_of_scope`` broke every agreement).
    """
    if override is None:
        return base
    changes = {
        name: value
        for name in override.model_fields_set
        if (value := getattr(override, name)) is not None
    }
    return base.model_copy(update=changes)
