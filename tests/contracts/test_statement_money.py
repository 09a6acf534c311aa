"""The revision statement shows the money: invoices, payments, the kill fee, what is owed.

Rendered to PDF and read back (tests/contracts/conftest.py), against the same figures
the engine folds.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from roundwise.contracts.documents import render_document
from roundwise.contracts.i18n import doc_text
from roundwise.engine.ledger import (
    InvoiceIssued,
    PaymentReceived,
    ProjectCancelled,
    fold,
    money_summary,
)
from roundwise.engine.terms import Money
from tests.contracts.conftest import CREATED, example_events, example_terms, flat, read_back


def test_the_statement_pdf_shows_the_amounts_owed() -> None:
    terms = example_terms("manual-translation")
    events = example_events("manual-translation")
    last = events[-1].at
    fees = terms.total_fee()
    assert fees is not None
    price = Money(amount=Decimal("123.45"), currency=terms.currency)
    extra = (
        InvoiceIssued(at=last + timedelta(hours=1), number="INV-7", amount=price),
        PaymentReceived(
            at=last + timedelta(hours=2),
            amount=Money(amount=Decimal("23.45"), currency=terms.currency),
            invoice="INV-7",
        ),
        ProjectCancelled(at=last + timedelta(hours=3), reason="the launch was called off"),
    )
    ledger = (*events, *extra)
    summary = money_summary(terms, fold(ledger, CREATED, terms))
    assert summary.cancellation is not None
    assert summary.cancellation.kill_fee is not None
    assert summary.owed == max(summary.cancellation.kill_fee, Decimal("123.45")) - Decimal("23.45")

    amount = doc_text(terms).money
    back = read_back(render_document(terms, ledger, "statement", created=CREATED))
    assert back.doc.warnings == ()
    text = back.text
    assert "Payments and amounts owed" in text
    assert "INV-7" in text
    for figure in (summary.cancellation.kill_fee, summary.owed, Decimal("23.45")):
        assert flat(amount(figure)) in text, figure
    assert f"Owed now {flat(amount(summary.owed))}" in text


def test_a_statement_without_money_events_has_no_money_section() -> None:
    terms = example_terms("bakery-web-copy")
    back = read_back(
        render_document(terms, example_events("bakery-web-copy"), "statement", created=CREATED)
    )
    assert "Payments and amounts owed" not in back.text
