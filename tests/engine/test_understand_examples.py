"""roundwise.engine.understand against labelled client messages.

The shared examples (a copy of ../shared/examples/requests.yaml kept in tests/data so the
suite runs without shared/) must all come out right; the larger labelled set, written
for this area across the three example projects and six languages, must stay above the
accuracy floors below (run ``python -m tests.engine.understand_report`` for the table).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from roundwise.engine.understand import analyse_request
from tests.engine.understand_projects import (
    LABELLED,
    SHARED_COPY,
    Labelled,
    context_for,
    load_labelled,
)

SHARED = load_labelled(SHARED_COPY)
OWN = load_labelled(LABELLED)
FIELDS = ("scope", "stage", "language")
OVERALL_FLOOR = 0.95
GROUP_FLOOR = 0.85


def _predict(row: Labelled) -> dict[str, str]:
    a = analyse_request(row.message, context_for(row.project, row.deliverable))
    return {"scope": a.scope, "stage": a.stage, "language": a.language}


def test_the_copy_of_the_shared_examples_matches_the_original_when_it_is_there() -> None:
    original = Path(__file__).resolve().parents[2].parent / "shared/examples/requests.yaml"
    if original.exists():
        assert original.read_text("utf-8") == SHARED_COPY.read_text("utf-8")
    assert len(SHARED) >= 15


@pytest.mark.parametrize("row", SHARED, ids=lambda r: r.message[:40])
def test_every_shared_example_comes_out_right(row: Labelled) -> None:
    expected = {"scope": row.scope, "stage": row.stage, "language": row.language}
    assert _predict(row) == expected


def test_the_labelled_set_is_large_and_covers_every_class_stage_and_language() -> None:
    assert len(OWN) >= 80
    by_language: dict[str, int] = defaultdict(int)
    for row in OWN:
        by_language[row.language] += 1
    assert set(by_language) == {"en", "sl", "pl", "sr", "el", "ka"}
    assert min(by_language.values()) >= 10
    assert {r.scope for r in OWN} == {"in_scope", "out_of_scope", "free_fix", "vague", "mixed"}
    assert {r.stage for r in OWN} == {"calm", "explosion"}
    assert {r.project for r in OWN} == {"bakery-web-copy", "fox-logo", "manual-translation"}


@pytest.fixture(scope="module")
def own_predictions() -> list[tuple[Labelled, dict[str, str]]]:
    return [(row, _predict(row)) for row in OWN]


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_of_the_labelled_set_is_above_the_overall_floor(
    own_predictions: list[tuple[Labelled, dict[str, str]]], field: str
) -> None:
    right = sum(getattr(row, field) == got[field] for row, got in own_predictions)
    assert right / len(own_predictions) >= OVERALL_FLOOR


@pytest.mark.parametrize("group_by", ["scope", "stage", "language"])
def test_scope_and_stage_stay_above_the_floor_in_every_class_and_language(
    own_predictions: list[tuple[Labelled, dict[str, str]]], group_by: str
) -> None:
    groups: dict[str, list[bool]] = defaultdict(list)
    for row, got in own_predictions:
        groups[getattr(row, group_by)].append(
            row.scope == got["scope"] and row.stage == got["stage"]
        )
    low = {k: sum(v) / len(v) for k, v in groups.items() if sum(v) / len(v) < GROUP_FLOOR}
    assert low == {}
