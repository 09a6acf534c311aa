"""Contract specs: the shipped examples load exactly; bad specs name the failing field."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from roundwise.engine.errors import SpecError
from roundwise.engine.terms import (
    ClauseKey,
    FlatRoundPrice,
    PerWordRoundPrice,
    clause,
    clauses,
    load_spec,
    parse_spec,
    terms_sha256,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "contracts" / "examples"


def spec_text(name: str) -> str:
    return (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")


def spec_data(name: str) -> dict[str, Any]:
    data = yaml.safe_load(spec_text(name))
    assert isinstance(data, dict)
    return data


def problems_of(data: object) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        load_spec(data)
    return {p.path: p.reason for p in caught.value.problems}


@pytest.mark.parametrize("name", ["bakery-web-copy", "fox-logo", "manual-translation"])
def test_every_shipped_example_spec_loads(name: str) -> None:
    terms = parse_spec(spec_text(name))
    assert terms.id == name
    assert len(clauses(terms)) == len(ClauseKey)


def test_the_bakery_spec_carries_the_terms_of_the_example_project() -> None:
    terms = parse_spec(spec_text("bakery-web-copy"))
    policy = terms.policy_for("home")
    assert (policy.rounds_included, policy.max_change_share, policy.review_window_days) == (
        1,
        Decimal("0.30"),
        7,
    )
    assert policy.extra_round == FlatRoundPrice(amount=Decimal(90))
    assert policy.out_of_scope.hourly_rate == Decimal(45)
    assert "social media posts" in terms.exclusions


def test_money_from_yaml_numbers_is_the_exact_decimal_written_never_a_float() -> None:
    terms = parse_spec(spec_text("manual-translation"))
    price = terms.revision_policy.extra_round
    assert isinstance(price, PerWordRoundPrice)
    assert price.rate == Decimal("0.03")
    assert type(price.rate) is Decimal
    assert price.rate * 7 == Decimal("0.21")


def test_visual_work_is_measured_in_items_and_text_in_words() -> None:
    fox = parse_spec(spec_text("fox-logo"))
    manual = parse_spec(spec_text("manual-translation"))
    assert fox.deliverables[0].measure_unit == "items"
    assert manual.deliverables[0].measure_unit == "words"


def test_a_bad_unit_is_reported_at_its_field_path() -> None:
    data = spec_data("bakery-web-copy")
    data["deliverables"][1]["unit"] = "pages"
    problems = problems_of(data)
    assert list(problems) == ["deliverables[1].unit"]
    assert "'words' or 'items'" in problems["deliverables[1].unit"]


def test_an_unknown_field_is_an_error_not_silently_ignored() -> None:
    data = spec_data("bakery-web-copy")
    data["revision_policy"]["max_rounds"] = 3
    assert problems_of(data) == {"revision_policy.max_rounds": "Extra inputs are not permitted"}


def test_money_that_is_not_a_number_or_negative_names_the_field() -> None:
    data = spec_data("bakery-web-copy")
    data["deliverables"][0]["fee"] = "a lot"
    data["revision_policy"]["extra_round"]["amount"] = -5
    problems = problems_of(data)
    assert set(problems) == {"deliverables[0].fee", "revision_policy.extra_round.amount"}


def test_an_unknown_price_basis_is_reported_without_internal_union_tags() -> None:
    data = spec_data("bakery-web-copy")
    data["revision_policy"]["extra_round"] = {"basis": "per_page", "amount": 9}
    problems = problems_of(data)
    assert list(problems) == ["revision_policy.extra_round"]


def test_every_problem_is_reported_at_once_and_summarised_on_one_line() -> None:
    data = spec_data("fox-logo")
    data["currency"] = "zloty"
    data["timezone"] = "Europe/Atlantis"
    data["deliverables"].append(dict(data["deliverables"][0]))
    with pytest.raises(SpecError) as caught:
        load_spec(data)
    paths = [p.path for p in caught.value.problems]
    assert {"currency", "timezone"} <= set(paths)
    assert "\n" not in caught.value.message


def test_duplicate_deliverable_ids_are_rejected() -> None:
    data = spec_data("fox-logo")
    data["deliverables"].append(dict(data["deliverables"][0]))
    with pytest.raises(SpecError, match="deliverable id 'concepts' appears twice"):
        load_spec(data)


def test_a_spec_that_is_not_yaml_or_not_a_mapping_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="not valid YAML"):
        parse_spec("id: [unclosed")
    with pytest.raises(SpecError, match="must be a mapping"):
        parse_spec("- a list")
    with pytest.raises(SpecError, match="not valid JSON"):
        parse_spec("{", "json")


def test_the_terms_hash_does_not_depend_on_format_or_key_order() -> None:
    yaml_terms = parse_spec(spec_text("bakery-web-copy"))
    data = spec_data("bakery-web-copy")
    shuffled = dict(reversed(list(data.items())))
    json_terms = parse_spec(json.dumps(shuffled, default=str), "json")
    assert terms_sha256(yaml_terms) == terms_sha256(json_terms)
    data["revision_policy"]["rounds_included"] = 2
    assert terms_sha256(load_spec(data)) != terms_sha256(yaml_terms)


def test_a_deliverable_override_changes_only_its_own_policy() -> None:
    data = spec_data("fox-logo")
    data["deliverables"][0]["revision_policy"] = {"rounds_included": 3}
    terms = load_spec(data)
    assert terms.policy_for("concepts").rounds_included == 3
    assert terms.policy_for("final").rounds_included == 2
    assert terms.policy_for("concepts").max_change_items == 5


def test_clauses_are_cited_by_number_and_title() -> None:
    terms = parse_spec(spec_text("bakery-web-copy"))
    assert clause(terms, ClauseKey.ROUND_SIZE).citation == "clause 6.2 (Size of a revision round)"
    assert "30%" in clause(terms, ClauseKey.ROUND_SIZE).text
    assert "midnight" in clause(terms, ClauseKey.REVIEW).text


def test_a_spec_with_yaml_aliases_is_refused_before_anything_is_expanded() -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(SpecError) as caught:
        parse_spec(laughs)
    assert "aliases" in caught.value.problems[0].reason
