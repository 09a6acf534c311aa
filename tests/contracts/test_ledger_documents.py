"""Revision statements and change orders, read back from the PDF, against the ledger."""

from __future__ import annotations

import io
from decimal import Decimal

import pikepdf
import pytest

from roundwise.contracts.change_order import change_order_view
from roundwise.contracts.errors import DocumentNotFoundError
from roundwise.contracts.formatting import agreement_id, change_order_id, money_in
from roundwise.contracts.i18n import doc_text
from roundwise.contracts.statement import VERDICT_CLAUSES, ledger_digest, statement_view
from roundwise.engine.ledger import ChangeOrderIssued, DecisionMade, RevisionRequested, fold
from roundwise.engine.terms import clause, terms_sha256
from tests.contracts.conftest import (
    CREATED,
    EXAMPLE_IDS,
    ReadBack,
    example_events,
    example_terms,
    flat,
)


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_the_statement_lists_every_request_with_its_verdict_and_figures(
    statements: dict[str, ReadBack], name: str
) -> None:
    terms, events = example_terms(name), example_events(name)
    back = statements[name]
    assert back.doc.warnings == ()
    tx = doc_text(terms)
    decisions = [e for e in events if isinstance(e, DecisionMade)]
    assert decisions
    ordered = {e.request_id: e.price for e in events if isinstance(e, ChangeOrderIssued)}
    for decision in decisions:
        if decision.changed_share is not None:
            assert flat(tx.percent(decision.changed_share.quantize(Decimal("0.001")))) in back.text
        price = ordered.get(decision.request_id) or (decision.quote and decision.quote.total)
        if price:
            assert flat(money_in(tx, price)) in back.text
    for request in (e for e in events if isinstance(e, RevisionRequested)):
        assert flat(request.message)[:60] in back.text
    for deliverable in terms.deliverables:
        assert deliverable.title in back.text


def test_the_statement_states_limits_rounds_and_approvals() -> None:
    terms, events = example_terms("bakery-web-copy"), example_events("bakery-web-copy")
    view = statement_view(terms, events, CREATED)
    home = next(d for d in view.deliverables if d.id == "home")
    assert home.rounds == "used: 1 of 1 included; left: 0"
    assert home.requests[0].measured == "10.5% (limit 30%)"
    assert home.requests[0].round_used == "1 of 1"
    assert home.requests[0].clause == "6.1"
    assert home.approval.startswith("Approved after the last included round (clause 6.5)")
    about = next(d for d in view.deliverables if d.id == "about")
    assert about.requests[0].verdict == "Too large for one round"
    assert about.requests[0].measured == "102.8% (limit 30%)"
    assert about.approval.startswith("Deemed approved")
    assert about.rounds.endswith("; 1 free fix")


def test_the_statement_counts_change_items_against_the_item_limit_for_visual_work() -> None:
    view = statement_view(example_terms("fox-logo"), example_events("fox-logo"), CREATED)
    concepts = view.deliverables[0]
    assert [r.measured for r in concepts.requests[:3]] == [
        "3 change items (limit 5)",
        "7 change items (limit 5)",
        "4 change items (limit 5)",
    ]
    assert [r.round_used for r in concepts.requests[:3]] == ["1 of 2", "none", "2 of 2"]


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_the_statement_id_covers_the_ledger_and_the_footer_carries_the_terms_hash(
    statements: dict[str, ReadBack], name: str
) -> None:
    terms, events = example_terms(name), example_events(name)
    back = statements[name]
    assert back.doc.document_id == f"RW-ST-{terms_sha256(terms)[:12]}-{ledger_digest(events)[:8]}"
    for number, page in enumerate(back.pages_text, start=1):
        assert f"Terms SHA-256 {terms_sha256(terms)}" in flat(page)
        assert f"Page {number} of {len(back.pages_text)}" in flat(page)
    assert agreement_id(terms) in back.text


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_the_change_order_states_request_quote_schedule_acceptance_and_the_agreement(
    change_orders: dict[str, ReadBack], name: str
) -> None:
    terms, events = example_terms(name), example_events(name)
    back = change_orders[name]
    issued = [e for e in events if isinstance(e, ChangeOrderIssued)][-1]
    text = back.text
    assert back.doc.warnings == ()
    assert back.doc.document_id == change_order_id(terms, issued.number)
    assert f"Change order {issued.number}" in text
    assert flat(issued.description) in text
    assert flat(money_in(doc_text(terms), issued.price)) in text
    assert "How the total was computed" in text
    assert "Effect on the schedule" in text
    assert "Acceptance" in text
    assert "accepted by the client" in text.lower()
    assert agreement_id(terms) in text
    assert terms_sha256(terms) in text
    with pikepdf.open(io.BytesIO(back.doc.pdf)) as pdf:
        assert pdf.check_pdf_syntax() == []


def test_a_change_order_quote_shows_the_decisions_own_computation() -> None:
    terms, events = example_terms("manual-translation"), example_events("manual-translation")
    view = change_order_view(terms, events, 1, CREATED)
    decided = next(e for e in events if isinstance(e, DecisionMade) and e.request_id == "r-m-3")
    assert decided.quote is not None
    assert view.quote_lines[0].computation == decided.quote.parts[0].computation
    assert view.quote_computation == decided.quote.computation
    assert view.status == "Open: not yet accepted"
    assert any(line.startswith("Adds 1 revision round to ") for line in view.schedule)
    assert not any("(s)" in line for line in view.schedule)
    assert view.basis_clause == clause(terms, VERDICT_CLAUSES[decided.verdict]).citation
    assert view.basis_clause in {
        "clause 6.5 (Approval after the last round)",
        "clause 6.6 (Extra rounds)",
    }


def test_an_accepted_change_order_says_when_it_was_accepted() -> None:
    terms, events = example_terms("bakery-web-copy"), example_events("bakery-web-copy")
    view = change_order_view(terms, events, 1, CREATED)
    assert view.status.startswith("Accepted on 20 Mar 2026")
    assert view.request_message is not None
    assert "Instagram" in view.request_message


def test_an_unknown_change_order_number_is_a_clear_not_found_error() -> None:
    terms, events = example_terms("bakery-web-copy"), example_events("bakery-web-copy")
    with pytest.raises(DocumentNotFoundError, match=r"no change order 9 .*issued: 1, 2"):
        change_order_view(terms, events, 9, CREATED)
    with pytest.raises(DocumentNotFoundError, match="no change orders"):
        change_order_view(terms, (), None, CREATED)


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_the_example_ledgers_fold_cleanly_against_their_terms(name: str) -> None:
    terms, events = example_terms(name), example_events(name)
    state = fold(events, CREATED, terms)
    assert state.signed_at is not None
    assert state.event_count == len(events)
