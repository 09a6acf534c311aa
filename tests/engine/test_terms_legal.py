"""The agreement's optional legal terms (issue 17.5): bounds, defaults and the terms hash."""

from __future__ import annotations

from typing import Any

import pytest

from roundwise.engine.errors import SpecError
from roundwise.engine.terms import ClauseKey, clause, load_spec, terms_sha256
from roundwise.engine.terms.contract import governing_country, legal_terms
from roundwise.engine.terms.digest import canonical_terms_json
from tests.contracts.conftest import example_mapping, example_terms


def _with_legal(**legal: Any) -> dict[str, Any]:
    data: dict[str, Any] = example_mapping("bakery-web-copy")
    data["legal"] = legal
    return data


def test_a_spec_without_legal_terms_keeps_its_hash_and_signed_ledger() -> None:
    # The example ledger was signed before `legal` and `script` existed: it still folds.
    terms = example_terms("bakery-web-copy")
    assert terms.legal is None
    assert '"legal"' not in canonical_terms_json(terms)
    assert '"script"' not in canonical_terms_json(terms)
    with_legal = load_spec(_with_legal(confidentiality_years=3))
    assert terms_sha256(with_legal) != terms_sha256(terms)


def test_defaults_fill_in_law_from_the_locale_territory_and_a_cap_of_the_fees() -> None:
    terms = example_terms("fox-logo")  # pl_PL
    assert governing_country(terms) == "PL"
    assert legal_terms(terms).liability_cap_multiple == 1
    assert "the law of Poland" in clause(terms, ClauseKey.LAW).text
    assert clause(terms, ClauseKey.LAW).number == "12"
    chosen = load_spec(
        _with_legal(governing_law="SI", jurisdiction="the District Court of Ljubljana")
    )
    assert "the law of Slovenia" in clause(chosen, ClauseKey.LAW).text
    assert "Disputes go to the District Court of Ljubljana." in clause(chosen, ClauseKey.LAW).text


@pytest.mark.parametrize(
    ("legal", "path"),
    [
        ({"liability_cap_multiple": "11"}, "legal.liability_cap_multiple"),
        ({"liability_cap_multiple": "0"}, "legal.liability_cap_multiple"),
        ({"confidentiality_years": 21}, "legal.confidentiality_years"),
        ({"governing_law": "Slovenia"}, "legal.governing_law"),
        ({"client_tax_id": "<script>"}, "legal.client_tax_id"),
        ({"ip_transfer": "never"}, "legal.ip_transfer"),
        ({"unknown": 1}, "legal.unknown"),
    ],
)
def test_legal_terms_outside_their_bounds_are_refused_by_field(
    legal: dict[str, Any], path: str
) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(_with_legal(**legal))
    assert path in {p.path for p in caught.value.problems}


def test_ownership_follows_the_ip_transfer_and_portfolio_terms() -> None:
    terms = load_spec(_with_legal(ip_transfer="on_signing", portfolio_use=False))
    text = clause(terms, ClauseKey.OWNERSHIP).text
    assert "pass to the client on delivery" in text
    assert "does not show the work in their portfolio" in text
    none = load_spec(_with_legal(confidentiality_years=0))
    assert "Neither party" in clause(none, ClauseKey.CONFIDENTIALITY).text


def test_the_governing_law_is_the_legal_terms_then_the_contracts_country_then_the_locale() -> None:
    terms = example_terms("fox-logo")  # pl_PL
    in_austria = terms.model_copy(update={"country": "AT"})
    assert governing_country(in_austria) == "AT"
    chosen = load_spec(_with_legal(governing_law="SI") | {"country": "AT"})
    assert governing_country(chosen) == "SI"
    assert '"legal"' in canonical_terms_json(chosen)
    assert '"country"' not in canonical_terms_json(terms)
