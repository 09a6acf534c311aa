"""The bounds of a contract spec's values: numbers a person can write, read and pay.

Rule: every number in the terms is an exact Decimal or int inside a range a freelance
contract can mean (no fee of 10^100, no share of 30 meaning "30%"), with at most four
decimal places, so formatting, quoting and rendering can never overflow or stall on
it. These bounds are part of the model (`ContractTerms`) and so hold for stored specs
too; the rules that only new specs must meet are in `engine.terms.intake`.

The limits for reading spec *text* (nesting, digits of a number literal) come first:
they are checked before a value is built at all (`engine.terms.reading`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from roundwise.engine.terms.money import ExactDecimal

# Reading spec text (before any value is built).
MAX_NESTING = 32  # a spec is 5 levels deep; 5,000 nested "[" once overflowed the stack
MAX_NODES = 20_000  # YAML values; 200 deliverables with overrides are about 10,000
MAX_NUMBER_DIGITS = 40  # longer number literals are refused before int() reads them

# Values (the model: new and stored specs).
MAX_AMOUNT = Decimal(10) ** 12  # money: 1,000,000,000,000 in the contract's currency
MAX_HOURS = Decimal(10_000)
MAX_DECIMAL_PLACES = 4
MAX_SIZE = 10_000_000  # words or change items of one deliverable
MAX_CHANGE_ITEMS = 10_000

# New specs only (`engine.terms.intake`).
MAX_SHARE = Decimal(1)
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)
MAX_EXCLUSIONS = 100
MAX_FREE_FIX_KINDS = 50
NOT_CURRENCIES = frozenset({"XXX", "XTS"})  # "no currency" and "testing" in ISO 4217

SpecAmount = Annotated[ExactDecimal, Field(ge=0, le=MAX_AMOUNT, decimal_places=MAX_DECIMAL_PLACES)]
Hours = Annotated[ExactDecimal, Field(gt=0, le=MAX_HOURS, decimal_places=MAX_DECIMAL_PLACES)]
# A share of the words; new specs must keep it at most 1 (intake), stored ones only finite.
Share = Annotated[
    ExactDecimal,
    Field(
        gt=0,
        le=MAX_AMOUNT,
        decimal_places=MAX_DECIMAL_PLACES,
        description="a fraction of the words, e.g. 0.30",
    ),
]
Fraction = Annotated[ExactDecimal, Field(ge=0, le=1, decimal_places=MAX_DECIMAL_PLACES)]
Size = Annotated[int, Field(gt=0, le=MAX_SIZE)]
ChangeItems = Annotated[int, Field(gt=0, le=MAX_CHANGE_ITEMS)]

# The agreement's legal clauses (`engine.terms.contract.LegalTerms`).
MAX_CONFIDENTIALITY_YEARS = 20
MAX_LIABILITY_MULTIPLE = Decimal(10)  # a cap of at most ten times the agreement's fees
LiabilityMultiple = Annotated[
    ExactDecimal,
    Field(
        gt=0,
        le=MAX_LIABILITY_MULTIPLE,
        decimal_places=2,
        description="the liability cap as a multiple of the agreement's fees, e.g. 1",
    ),
]
ConfidentialityYears = Annotated[int, Field(ge=0, le=MAX_CONFIDENTIALITY_YEARS)]
