"""Issue 18's document features speak every document language (merged with issue 17.5).

Change-order status (open until a date, declined, answered by the freelancer, draft),
the statement's declined rows and money section, business-day review windows and the
staged kill fee all come from ``contracts/i18n/<lang>.yaml`` in each language.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from roundwise.contracts.change_order import change_order_view
from roundwise.contracts.clause_texts import local_clauses
from roundwise.contracts.documents import render_document
from roundwise.contracts.i18n import DOCUMENT_LANGUAGES, doc_text
from roundwise.contracts.statement import statement_view
from roundwise.contracts.views import agreement_view
from roundwise.engine.ledger import (
    ChangeOrderDeclined,
    ChangeOrderSent,
    Event,
    InvoiceIssued,
    ProjectCancelled,
)
from roundwise.engine.terms import ContractTerms, Money
from roundwise.engine.terms.kill_fee import KillFeeByStage
from tests.contracts.conftest import CREATED, example_events, example_terms, flat, read_back

VALID_UNTIL = date(2026, 4, 30)


def _sent(events: tuple[Event, ...]) -> tuple[Event, ...]:
    """The bakery ledger with its open change order 2 sent, valid until 30 April."""
    at = events[-1].at + timedelta(hours=1)
    sent = ChangeOrderSent(at=at, number=2, valid_until=VALID_UNTIL, amends="clause 6.6")
    return (*events, sent)


def _declined(events: tuple[Event, ...]) -> tuple[Event, ...]:
    """As ``_sent``, then declined on the client's behalf by the freelancer, with a note."""
    sent = _sent(events)
    at = sent[-1].at + timedelta(hours=1)
    return (*sent, ChangeOrderDeclined(at=at, number=2, by="freelancer", note="by phone"))


@pytest.mark.parametrize("tag", DOCUMENT_LANGUAGES)
def test_a_sent_change_order_is_open_until_its_date_and_cites_what_it_amends(tag: str) -> None:
    terms = example_terms("bakery-web-copy")
    tx = doc_text(terms, tag)
    view = change_order_view(terms, _sent(example_events("bakery-web-copy")), 2, CREATED, tag)
    assert view.status == tx.t("change_order.open_until", date=tx.date(VALID_UNTIL))
    assert view.basis_clause == "clause 6.6"


@pytest.mark.parametrize("tag", DOCUMENT_LANGUAGES)
def test_a_declined_change_order_says_so_and_who_recorded_it(tag: str) -> None:
    terms = example_terms("bakery-web-copy")
    tx = doc_text(terms, tag)
    events = _declined(example_events("bakery-web-copy"))
    declined = tx.moment(events[-1].at, terms.zone)
    view = change_order_view(terms, events, 2, CREATED, tag)
    recorded = tx.t("change_order.recorded_by_freelancer_note", note="by phone")
    assert view.status == f"{tx.t('change_order.declined_on', date=declined)} {recorded}"
    statement = statement_view(terms, events, CREATED, tag)
    assert statement.change_orders[1].accepted == tx.t("statement.declined", date=declined)
    assert statement.extras_open is None  # a declined change order is no longer offered


@pytest.mark.parametrize("tag", DOCUMENT_LANGUAGES)
def test_a_draft_change_order_is_headed_and_marked_as_a_draft(tag: str) -> None:
    terms = example_terms("bakery-web-copy")
    tx = doc_text(terms, tag)
    view = change_order_view(terms, example_events("bakery-web-copy"), 2, CREATED, tag, draft=True)
    assert view.head.heading == tx.t("change_order.heading_draft", number=2, title=terms.title)
    assert view.status == tx.t("change_order.draft_status")
    if tx.base != "en":
        assert "draft" not in view.head.heading.lower()
        assert "Draft" not in view.status


def _business_days(terms: ContractTerms) -> ContractTerms:
    policy = terms.revision_policy.model_copy(update={"review_days": "business"})
    return terms.model_copy(update={"revision_policy": policy, "country": "SI"})


@pytest.mark.parametrize("tag", DOCUMENT_LANGUAGES)
def test_business_day_review_windows_are_named_in_the_table_and_the_clause(tag: str) -> None:
    terms = _business_days(example_terms("bakery-web-copy"))
    tx = doc_text(terms, tag)
    agreement = agreement_view(terms, CREATED, tag)
    for row, deliverable in zip(agreement.policies, terms.deliverables, strict=True):
        days = terms.policy_for(deliverable.id).review_window_days
        assert row.review.startswith(tx.plural("labels.business_days", days)), row.review
    review = next(c for c in local_clauses(terms, tx) if c.key == "revisions.review")
    assert tx.t("clauses.holidays_country", country=tx.country("SI")) in review.text


@pytest.mark.parametrize("tag", DOCUMENT_LANGUAGES)
def test_a_staged_kill_fee_is_stated_in_the_cancellation_clause(tag: str) -> None:
    terms = example_terms("bakery-web-copy")
    staged = KillFeeByStage(
        before_first_delivery=Decimal("0.25"),
        after_first_draft=Decimal("0.5"),
        after_revisions=Decimal("0.75"),
    )
    payment = terms.payment.model_copy(update={"kill_fee_by_stage": staged})
    terms = terms.model_copy(update={"payment": payment})
    tx = doc_text(terms, tag)
    cancellation = next(c for c in local_clauses(terms, tx) if c.key == "cancellation")
    for share in ("0.25", "0.5", "0.75"):
        assert tx.percent(Decimal(share)) in cancellation.text


@pytest.mark.parametrize("tag", ["pl", "sr-Cyrl", "ka"])
def test_the_statement_money_section_is_in_the_documents_language(tag: str) -> None:
    terms = example_terms("bakery-web-copy")
    events = example_events("bakery-web-copy")
    last = events[-1].at
    price = Money(amount=Decimal("50"), currency=terms.currency)
    ledger = (
        *events,
        InvoiceIssued(at=last + timedelta(hours=1), number="INV-9", amount=price),
        ProjectCancelled(at=last + timedelta(hours=2)),
    )
    tx = doc_text(terms, tag)
    view = statement_view(terms, ledger, CREATED, tag)
    assert view.money is not None
    assert view.money.labels["owed"] == tx.t("money.owed")
    assert view.money.figures[0] == (tx.t("money.invoiced"), tx.money(Decimal("50")))
    text = read_back(render_document(terms, ledger, "statement", created=CREATED, language=tag))
    assert flat(tx.t("money.heading")) in text.text
    assert "Owed now" not in text.text
