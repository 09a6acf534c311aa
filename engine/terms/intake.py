"""Rules a *new* spec must meet on top of the model's own bounds.

Rule: a spec coming in (``parse_spec``/``load_spec``: the API, the CLI) must also use an
ISO 4217 currency Babel knows, keep every share of the words in (0, 1], date its work
between 2000-01-01 and 2100-12-31 with no deliverable due before the work starts, and keep
its lists short. A spec stored before these rules existed is read without them
(``reload_spec``): none of them can make judging or rendering fail, they only make a
contract say what its author meant, and a signed contract cannot be edited.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel.numbers import list_currencies

from roundwise.engine.errors import FieldProblem
from roundwise.engine.terms.bounds import (
    FIRST_DATE,
    LAST_DATE,
    MAX_EXCLUSIONS,
    MAX_FREE_FIX_KINDS,
    MAX_SHARE,
    NOT_CURRENCIES,
)
from roundwise.engine.terms.contract import ContractTerms
from roundwise.engine.terms.holiday_calendar import supported_countries
from roundwise.engine.terms.policy import PolicyOverride, RevisionPolicy


def intake_problems(terms: ContractTerms) -> tuple[FieldProblem, ...]:
    """Every intake rule these (model-valid) terms break, each at its field path."""
    return (
        *_currency(terms),
        *_dates(terms),
        *_policy("revision_policy", terms.revision_policy),
        *(
            problem
            for index, deliverable in enumerate(terms.deliverables)
            if deliverable.revision_policy is not None
            for problem in _policy(
                f"deliverables[{index}].revision_policy", deliverable.revision_policy
            )
        ),
        *_lists(terms),
        *_holiday_country(terms),
    )


@lru_cache(maxsize=1)
def iso_currencies() -> frozenset[str]:
    """The ISO 4217 codes Babel (CLDR) knows, without "no currency" and "testing"."""
    return frozenset(list_currencies()) - NOT_CURRENCIES


def _currency(terms: ContractTerms) -> Iterator[FieldProblem]:
    if terms.currency not in iso_currencies():
        yield FieldProblem("currency", f"{terms.currency!r} is not an ISO 4217 currency code")


def _dates(terms: ContractTerms) -> Iterator[FieldProblem]:
    dated = [("start_date", terms.start_date)] + [
        (f"deliverables[{i}].due", d.due) for i, d in enumerate(terms.deliverables)
    ]
    for path, day in dated:
        if day is not None and not FIRST_DATE <= day <= LAST_DATE:
            yield FieldProblem(path, f"must be between {FIRST_DATE} and {LAST_DATE}")
    start = terms.start_date
    for path, day in dated[1:]:
        if start is not None and day is not None and _in_range(day) and day < start:
            yield FieldProblem(path, f"is before the start_date {start.isoformat()}")


def _in_range(day: date) -> bool:
    return FIRST_DATE <= day <= LAST_DATE


def _policy(path: str, policy: RevisionPolicy | PolicyOverride) -> Iterator[FieldProblem]:
    share = policy.max_change_share
    if share is not None and share > MAX_SHARE:
        yield FieldProblem(
            f"{path}.max_change_share",
            f"a share of the words is at most 1 (0.30 is 30%); got {_plain(share)}",
        )
    kinds = policy.free_fix_kinds
    if kinds is not None and len(kinds) > MAX_FREE_FIX_KINDS:
        yield FieldProblem(f"{path}.free_fix_kinds", f"at most {MAX_FREE_FIX_KINDS} kinds")
    for index, kind in enumerate(kinds or ()):
        if not 1 <= len(kind.strip()) <= 300:
            yield FieldProblem(f"{path}.free_fix_kinds[{index}]", "1 to 300 characters")


def _lists(terms: ContractTerms) -> Iterator[FieldProblem]:
    if len(terms.exclusions) > MAX_EXCLUSIONS:
        yield FieldProblem("exclusions", f"at most {MAX_EXCLUSIONS} exclusions")


def _holiday_country(terms: ContractTerms) -> Iterator[FieldProblem]:
    """A named ``country`` must have a public-holiday calendar in the ``holidays`` package;
    business-day review windows need one (``country``, or the locale's territory)."""
    if terms.country is not None and terms.country not in supported_countries():
        yield FieldProblem("country", f"no public-holiday calendar for {terms.country!r}")
        return
    policies = [terms.revision_policy] + [
        terms.policy_for(d.id) for d in terms.deliverables if d.revision_policy is not None
    ]
    if not any(p.review_days == "business" for p in policies):
        return
    country = terms.holiday_country
    if country is None:
        yield FieldProblem(
            "country",
            "business-day review windows need the contract's country (e.g. SI), "
            "or a locale with a territory (e.g. sl_SI)",
        )
    elif country not in supported_countries():
        yield FieldProblem(
            "country",
            f"no public-holiday calendar for the locale's territory {country!r}; "
            "name the country whose holidays count",
        )


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"
