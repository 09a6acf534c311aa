"""Documents at the edges of the spec bounds (issue 22): the largest and smallest values a
spec may hold, and a stored spec read without the intake rules, all render cleanly.

Before the bounds, a fee of 1E+100 was accepted and every render of that contract failed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from roundwise.contracts.documents import render_document
from roundwise.engine.terms import ContractTerms, load_spec, reload_spec
from roundwise.engine.terms.bounds import LAST_DATE, MAX_AMOUNT, MAX_HOURS, MAX_SIZE
from tests.contracts.conftest import CREATED, example_mapping, flat, read_back

STEP = Decimal("0.0001")


def _terms(amount: Decimal, hours: Decimal, share: Decimal, size: int) -> ContractTerms:
    data: dict[str, Any] = example_mapping("bakery-web-copy")
    for deliverable in data["deliverables"]:
        deliverable.update(fee=str(amount), size=size, due=LAST_DATE)
    data["revision_policy"].update(
        max_change_share=str(share),
        extra_round={"basis": "hourly", "rate": str(amount), "estimated_hours": str(hours)},
        out_of_scope={"hourly_rate": str(amount), "minimum_hours": str(hours)},
    )
    return load_spec(data)


EDGES = {
    "largest": _terms(MAX_AMOUNT, MAX_HOURS, Decimal(1), MAX_SIZE),
    "smallest": _terms(Decimal(0), STEP, STEP, 1),
    "just inside": _terms(MAX_AMOUNT - STEP, MAX_HOURS - STEP, Decimal(1) - STEP, MAX_SIZE - 1),
}


@pytest.mark.parametrize("terms", EDGES.values(), ids=EDGES.keys())
@pytest.mark.parametrize("document", ["agreement", "statement"])
def test_a_document_of_terms_at_the_edges_of_the_bounds_renders_without_warnings(
    terms: ContractTerms, document: Any
) -> None:
    rendered = render_document(terms, (), document, created=CREATED)
    assert rendered.pdf.startswith(b"%PDF")
    assert rendered.warnings == ()


def test_the_largest_fee_is_printed_in_full() -> None:
    back = read_back(render_document(EDGES["largest"], (), "agreement", created=CREATED))
    assert "€1,000,000,000,000.00" in back.text


def test_a_stored_spec_outside_the_intake_rules_still_renders_its_agreement() -> None:
    data: dict[str, Any] = example_mapping("bakery-web-copy")
    data.update(currency="XYZ", start_date="2026-05-01")
    data["revision_policy"]["max_change_share"] = "30"
    rendered = render_document(reload_spec(data), (), "agreement", created=CREATED)
    assert rendered.warnings == ()
    assert "3,000%" in flat(read_back(rendered).text)
