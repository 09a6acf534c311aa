"""Money is a Decimal amount in one currency; never a float.

Amounts are quantised to the currency's minor unit only when presented (the engine keeps
exact Decimals so a per-word price times a word count is exact until it is shown).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _decimal_from_literal(value: object) -> object:
    # YAML and JSON hand us 0.03 as a float; its shortest repr is exactly what the author
    # wrote, so going through repr() recovers the intended decimal instead of 0.0299999...
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


ExactDecimal = Annotated[
    Decimal, BeforeValidator(_decimal_from_literal), Field(allow_inf_nan=False)
]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]
Amount = Annotated[ExactDecimal, Field(ge=0)]


class Money(BaseModel):
    """An exact, non-negative amount in an ISO 4217 currency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: Amount
    currency: CurrencyCode

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(amount=self.amount + other.amount, currency=self.currency)

    def times(self, factor: Decimal | int) -> Money:
        """This amount multiplied by a count or a rate (exact)."""
        return Money(amount=self.amount * Decimal(factor), currency=self.currency)

    def at_least(self, minimum: Money) -> Money:
        """The larger of this amount and a minimum charge."""
        self._same_currency(minimum)
        return self if self.amount >= minimum.amount else minimum

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")
