"""The bounds of a spec (issue 22): inside them everything formats and quotes, outside
them the field is named, in YAML and JSON alike; reading limits come before parsing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from hypothesis import given, settings

from roundwise.engine.decide import RevisionRequest, evaluate
from roundwise.engine.errors import SpecError
from roundwise.engine.ledger import fold
from roundwise.engine.replies import compose_reply
from roundwise.engine.terms import clauses, load_spec, parse_spec, reload_spec, terms_sha256
from roundwise.engine.terms.bounds import MAX_NESTING, MAX_NUMBER_DIGITS
from roundwise.engine.terms.reading import Refused, decode
from tests.engine.decide_support import OUT_OF_SCOPE
from tests.engine.ledger_support import signed, version, words
from tests.engine.spec_strategies import OUTSIDE, example_spec, specs, with_value

NOW = datetime(2026, 3, 16, 12, tzinfo=UTC)


def problems(spec: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    return {p.path: p.reason for p in caught.value.problems}


@given(specs())
def test_a_spec_inside_the_bounds_loads_alike_from_yaml_and_json_and_writes_its_clauses(
    spec: dict[str, Any],
) -> None:
    terms = load_spec(spec)
    from_yaml = parse_spec(yaml.safe_dump(spec, allow_unicode=True))
    from_json = parse_spec(json.dumps(spec), "json")
    assert terms_sha256(from_yaml) == terms_sha256(from_json) == terms_sha256(terms)
    assert all(c.text for c in clauses(terms))


@settings(max_examples=20)  # judging loads the analysers: keep it a few seconds
@given(specs())
def test_a_spec_inside_the_bounds_quotes_out_of_scope_work_and_composes_the_reply(
    spec: dict[str, Any],
) -> None:
    terms = load_spec(spec)
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    events = [signed(terms, start), version("home", 1, start, words(120))]
    state = fold(events, NOW, terms)
    decision = evaluate(
        terms, state, RevisionRequest(deliverable="home", message=OUT_OF_SCOPE), NOW
    )
    assert decision.verdict == "out_of_scope"
    assert decision.quote is not None
    assert compose_reply(decision, terms, state=state).text


@pytest.mark.parametrize(
    ("dotted", "value", "path"), OUTSIDE, ids=[o[0] + "=" + str(o[1]) for o in OUTSIDE]
)
def test_a_value_just_outside_its_bound_is_refused_at_its_field(
    dotted: str, value: Any, path: str
) -> None:
    assert path in problems(with_value(example_spec(), dotted, value))


def test_intake_rules_apply_to_new_specs_only_and_model_bounds_to_stored_ones_too() -> None:
    legacy = with_value(example_spec(), "currency", "XYZ")
    with_value(legacy, "revision_policy.max_change_share", "30")
    with_value(legacy, "start_date", "2026-05-01")
    assert set(problems(legacy)) >= {"currency", "revision_policy.max_change_share"}
    assert reload_spec(legacy).currency == "XYZ"
    with pytest.raises(SpecError, match=r"deliverables\[0\]\.fee"):
        reload_spec(with_value(example_spec(), "deliverables.0.fee", "1E+100"))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_nesting_is_limited_before_parsing_in_both_formats(fmt: str) -> None:
    inside = "[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1)
    assert decode(f'{{"x": {inside}}}', "json" if fmt == "json" else "yaml") is not None
    outside = "[" * 5000 + "]" * 5000
    with pytest.raises(SpecError, match="nested more than"):
        decode(f'{{"x": {outside}}}', "json" if fmt == "json" else "yaml")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_number_literals_are_limited_in_digits_before_int_reads_them(fmt: str) -> None:
    longest, longer = "9" * MAX_NUMBER_DIGITS, "9" * 5000
    data = decode(f'{{"a": {longest}, "b": {longer}}}', "json" if fmt == "json" else "yaml")
    assert data["a"] == int(longest)
    assert isinstance(data["b"], Refused)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a: 1\na: 2\n", "appears more than once"),
        ("a: !!binary aGk=\n", "!!binary"),
        ("a: !!set {x}\n", "!!set"),
        ("a: !!python/name:os.system\n", "!!python/name:os.system"),
        ("a: !custom 3\n", "!custom"),
        ("b: {x: 1}\na: {<<: {x: 1}}\n", "merge keys"),
        ("a: !!int abc\n", "not a valid !!int"),
        ('a: "x\\0y"\n', "NUL"),
        ("a: {" + "9" * 50 + ": 1}\n", "digits"),
    ],
)
def test_yaml_beyond_plain_data_is_refused_at_its_key(text: str, reason: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text)
    assert any(reason in p.reason and p.path.startswith("a") for p in caught.value.problems)


def test_a_day_that_does_not_exist_is_named_at_its_field_not_a_crash() -> None:
    text = yaml.safe_dump(example_spec()).replace("due: '2026-03-13'", "due: 2026-02-30", 1)
    with pytest.raises(SpecError) as caught:
        parse_spec(text)
    assert [p.path for p in caught.value.problems] == ["deliverables[0].due"]


def test_a_stored_override_keeps_the_contract_policy_for_the_fields_it_does_not_set() -> None:
    spec = example_spec()
    spec["deliverables"][1]["revision_policy"] = {"max_change_share": "0.5"}
    stored = load_spec(spec).model_dump(mode="json")  # writes the unset fields as null
    policy = reload_spec(stored).policy_for(spec["deliverables"][1]["id"])
    assert policy.out_of_scope == load_spec(spec).revision_policy.out_of_scope
    assert str(policy.max_change_share) == "0.5"


def test_a_due_date_before_the_start_is_named_and_one_on_the_start_day_is_not() -> None:
    spec = with_value(example_spec(), "start_date", "2026-03-14")
    found = problems(spec)
    assert {"deliverables[0].due", "deliverables[1].due"} <= set(found)
    assert "deliverables[2].due" not in found  # due 2026-03-20
    with_value(spec, "start_date", "2026-03-13")
    assert load_spec(spec).start_date is not None
