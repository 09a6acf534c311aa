"""Locale-aware presentation of dates, sizes and prices, and the documents' ids.

Everything a reader sees as a number goes through Babel with the contract's locale, and
money through `engine.terms.money`, so the PDFs format amounts exactly as replies do.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

from roundwise.contracts.i18n import DocText
from roundwise.engine.terms import (
    ContractTerms,
    FlatRoundPrice,
    Money,
    PerWordRoundPrice,
    RevisionPolicy,
    money,
    percent,
    terms_sha256,
)

DASH = "—"


def long_date(terms: ContractTerms, day: date | None) -> str:
    """A date as the contract's locale writes it in full ("13 March 2026")."""
    return format_date(day, format="long", locale=terms.effective_locale) if day else DASH


def short_date(terms: ContractTerms, day: date | None) -> str:
    """A compact date for table cells ("13 Mar 2026")."""
    return format_date(day, format="medium", locale=terms.effective_locale) if day else DASH


def local_datetime(terms: ContractTerms, moment: datetime) -> str:
    """A moment in the contract's time zone, to the minute ("12 Mar 2026, 08:30")."""
    local = moment.astimezone(terms.zone)
    day = format_date(local.date(), format="medium", locale=terms.effective_locale)
    clock = format_time(local.time(), format="short", locale=terms.effective_locale)
    return f"{day}, {clock}"


def number(terms: ContractTerms, value: Decimal | int) -> str:
    """A plain number with the locale's grouping ("7,500" or "7.500")."""
    return format_decimal(value, locale=terms.effective_locale)


def amount(terms: ContractTerms, value: Decimal | None) -> str:
    """Money in the contract currency, or a dash when unpriced."""
    return money(terms, value) if value is not None else DASH


def money_value(terms: ContractTerms, value: Money) -> str:
    """A `Money` (which carries its own currency) in the contract's locale."""
    return format_currency(value.amount, value.currency, locale=terms.effective_locale)


def measured_share(share: Decimal) -> str:
    """A measured change share to one decimal of a percent: 0.10526 -> "10.5%"."""
    return percent(share.quantize(Decimal("0.001")))


def round_limit(policy: RevisionPolicy) -> str:
    """How large one revision round may be, in a table cell."""
    limits = []
    if policy.max_change_share is not None:
        limits.append(f"≤ {percent(policy.max_change_share)} of words")
    if policy.max_change_items is not None:
        limits.append(f"≤ {policy.max_change_items} change items")
    return "; ".join(limits) or "within the brief"


def extra_round_price(terms: ContractTerms, policy: RevisionPolicy) -> str:
    """The price of one extra round, in a table cell."""
    price = policy.extra_round
    if isinstance(price, FlatRoundPrice):
        return money(terms, price.amount)
    if isinstance(price, PerWordRoundPrice):
        minimum = f", min. {money(terms, price.minimum)}" if price.minimum else ""
        return f"{money(terms, price.rate)} per word changed{minimum}"
    hours = number(terms, price.estimated_hours)
    return f"{money(terms, price.rate)} per hour (≈ {hours} h)"


def agreement_id(terms: ContractTerms) -> str:
    """The agreement's document id: stable for the same terms, different for any change."""
    return f"RW-AGR-{terms_sha256(terms)[:12]}"


def change_order_id(terms: ContractTerms, number: int) -> str:
    """Change order ``number`` of the agreement with these terms."""
    return f"RW-CO-{terms_sha256(terms)[:12]}-{number}"


def statement_id(terms: ContractTerms, ledger_digest: str) -> str:
    """A revision statement: the agreement plus the ledger it summarises."""
    return f"RW-ST-{terms_sha256(terms)[:12]}-{ledger_digest[:8]}"


__all__ = [
    "DASH",
    "agreement_id",
    "amount",
    "change_order_id",
    "extra_round_price",
    "local_datetime",
    "long_date",
    "measured_share",
    "money_in",
    "money_value",
    "number",
    "round_limit",
    "short_date",
    "statement_id",
]


def money_in(tx: DocText, value: Money) -> str:
    """A `Money` (which carries its own currency) in the document's locale."""
    return tx.money(value.amount, value.currency)
