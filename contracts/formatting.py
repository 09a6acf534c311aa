"""The documents' ids, and money carrying its own currency in the document's locale.

Every other number, date and percentage a reader sees is formatted by `contracts.i18n`
(`DocText`), from the one locale of the document.
"""

from __future__ import annotations

from roundwise.contracts.i18n import DASH, DocText
from roundwise.engine.terms import ContractTerms, Money, terms_sha256


def money_in(tx: DocText, value: Money) -> str:
    """A `Money` (which carries its own currency) in the document's locale."""
    return tx.money(value.amount, value.currency)


def agreement_id(terms: ContractTerms) -> str:
    """The agreement's document id: stable for the same terms, different for any change."""
    return f"RW-AGR-{terms_sha256(terms)[:12]}"


def change_order_id(terms: ContractTerms, number: int) -> str:
    """Change order ``number`` of the agreement with these terms."""
    return f"RW-CO-{terms_sha256(terms)[:12]}-{number}"


def statement_id(terms: ContractTerms, ledger_digest: str) -> str:
    """A revision statement: the agreement plus the ledger it summarises."""
    return f"RW-ST-{terms_sha256(terms)[:12]}-{ledger_digest[:8]}"


__all__ = ["DASH", "agreement_id", "change_order_id", "money_in", "statement_id"]
