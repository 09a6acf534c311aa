"""View models and templates, without rendering a PDF (fast)."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from roundwise.contracts.documents import agreement_html
from roundwise.contracts.templating import environment, render_html
from roundwise.contracts.views import agreement_view
from roundwise.engine.terms import clauses, load_spec
from tests.contracts.conftest import CREATED, example_mapping, example_terms


def test_the_agreement_prints_the_engines_clause_numbers_and_titles() -> None:
    terms = example_terms("manual-translation")
    view = agreement_view(terms, CREATED)
    assert [(c.number, c.title) for c in view.clauses] == [
        (c.number, c.title) for c in clauses(terms)
    ]
    assert [c.level for c in view.clauses if c.number.startswith("6")] == [1, 2, 2, 2, 2, 2, 2, 2]


def test_a_deliverable_with_its_own_policy_gets_its_own_row_at_a_glance() -> None:
    data = example_mapping("fox-logo")
    data["deliverables"][0]["revision_policy"] = {"rounds_included": 4, "max_change_items": 8}
    view = agreement_view(load_spec(data), CREATED)
    concepts, final = view.policies
    assert (concepts.rounds, concepts.limit) == ("4", "at most 8 change items")
    assert (final.rounds, final.limit) == ("2", "at most 5 change items")
    # An English document on a Polish contract: English numbers with the Polish territory.
    assert final.extra_round == "400,00\xa0PLN per deliverable and round"


def test_user_text_is_escaped_in_the_markup() -> None:
    data = example_mapping("bakery-web-copy")
    data["title"] = "<b>Bold</b> & <script>x()</script>"
    _, html = agreement_html(load_spec(data), CREATED)
    assert "<b>Bold</b>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;" in html


def test_a_template_using_an_undefined_name_fails_instead_of_printing_nothing() -> None:
    assert environment().undefined.__name__ == "StrictUndefined"
    with pytest.raises(UndefinedError):
        render_html("agreement.html", view=None, head=None, doc_class="agreement")


def test_a_malformed_spec_fails_validation_before_anything_renders() -> None:
    from roundwise.engine.errors import SpecError

    data = example_mapping("bakery-web-copy")
    data["deliverables"][1]["fee"] = "lots"
    data["currency"] = "euro"
    with pytest.raises(SpecError) as caught:
        load_spec(data)
    paths = {p.path for p in caught.value.problems}
    assert {"currency", "deliverables[1].fee"} <= paths


def test_a_statement_of_an_empty_ledger_says_nothing_has_happened_yet() -> None:
    from roundwise.contracts.statement import statement_view

    view = statement_view(example_terms("fox-logo"), (), CREATED)
    assert view.signed == "Contract signed: not recorded. Ledger events covered: 0."
    assert view.event_count == 0
    assert view.change_orders == ()
    assert [(d.rounds_left, d.approval, d.requests) for d in view.deliverables] == [
        (2, "Not approved yet", ()),
        (2, "Not approved yet", ()),
    ]
